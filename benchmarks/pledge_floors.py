"""Where the time of reading 1,000,000 pledge rows goes, stage by stage, against ``pandas.read_csv``.

Run:  python benchmarks/pledge_floors.py [--rows 1e6] [--runs 5]

``read_pledges.py`` times the whole readers; this script times their stages apart, and
the costs no exact reader can avoid, in the same run as ``pandas.read_csv`` of the same
file (the ratios are against it):

* aidtrack's stages: reading the file with every column check (``read_csv_table``,
  ``prepare``, the column checks and the per-row check of the rows they refuse); then,
  from those checks, building the ``Pledge`` records alone, and building the frame alone
  (its ``id`` column included);
* floors, without aidtrack's code: the file as text columns with pyarrow's CSV reader
  (an exact reader must keep each amount's text); one exact ``Decimal`` per amount; and
  SHA-256 of one ready-made id text per row, cut to 16 hex digits (a pledge's ``id``).

Targets (issue 17): records at most 10x ``pandas.read_csv``, a validated frame at most 3x.
The summary adds up, for each target, the stages it cannot do without (the records: the text, the
``Decimal`` amounts and the objects; the frame: the text, the ``Decimal`` amounts and the ids) with
no check at all, and compares the sum with the target's budget.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from _common import machine, report
from read_pledges import write_file

from aidtrack.files._table import _check_rows, prepare
from aidtrack.files.csvfile import read_csv_table


def _timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = int(args.rows)
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pledges.csv"
        write_file(path, rows)
        names = list(pd.read_csv(path, nrows=1).columns)
        text = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
        amounts = pacsv.read_csv(path, convert_options=text).column("amount").to_pylist()

        def checks() -> Any:
            return _check_rows(prepare(read_csv_table(path)))[0]

        sample = checks()
        blobs = [blob.encode() for blob in _id_texts(sample, rows)]
        del sample
        sha = hashlib.sha256
        times: dict[str, list[float]] = {}
        for _ in range(args.runs):  # interleaved: machine noise hits every stage alike
            for name, fn in {
                "pandas": lambda: pd.read_csv(path),
                "checks": checks,
                "text": lambda: pacsv.read_csv(path, convert_options=text),
                "decimals": lambda: [*map(Decimal, amounts)],
                "sha": lambda: [sha(b).hexdigest()[:16] for b in blobs],
            }.items():
                times.setdefault(name, []).append(_timed(fn))
            checked = checks()
            times.setdefault("records", []).append(_timed(checked.records))
            times.setdefault("frame", []).append(_timed(checked.frame))  # its ids too: a fresh check each run
            del checked
    med = {k: statistics.median(v) for k, v in times.items()}
    alt, base = "pandas.read_csv", med["pandas"]
    print(f"pledge csv file of {rows:,} rows, stages, median of {args.runs} ({machine()})")
    report("read + every column check", med["checks"], base, alt)
    report("then the Pledge records alone", med["records"], base, alt)
    report("then the frame alone (ids included)", med["frame"], base, alt)
    report("floor: pyarrow, the file as text columns", med["text"], base, alt)
    report("floor: one exact Decimal per amount", med["decimals"], base, alt)
    report("floor: SHA-256 of each row's id text", med["sha"], base, alt)
    records_floor = med["text"] + med["decimals"] + med["records"]
    frame_floor = med["text"] + med["decimals"] + med["sha"]
    print(
        f"records: text read + Decimals + the records alone = {records_floor:.3f} s = {records_floor / base:.1f}x "
        f"(budget 10x = {10 * base:.3f} s); the records alone are {med['records'] / base:.1f}x"
    )
    print(
        f"frame: text read + Decimals + ids = {frame_floor:.3f} s = {frame_floor / base:.1f}x "
        f"(budget 3x = {3 * base:.3f} s)"
    )


def _id_texts(checked: Any, rows: int) -> list[str]:
    """Texts of the length a pledge's id hashes (its canonical JSON), one per row."""
    import json

    pledge = checked.records()[0]
    blob = json.dumps(pledge.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return [f"{blob}{k:08d}" for k in range(rows)]


if __name__ == "__main__":
    main()
