"""Reading a pledge CSV of 1,000,000 rows: into ``Pledge`` records and a validated frame, vs pandas.read_csv.

Run:  python benchmarks/read_pledges.py [--rows 1e6] [--runs 5]

Writes a pledge file of ``--rows`` rows (the columns of ``examples/pledges.csv``)
to a temporary folder, then times, interleaved, ``read_pledges_csv`` (validated
``Pledge`` records), ``read_pledge_frame`` (a validated pledge frame, the one
``pledges_to_frame`` makes of the records, built column by column),
``pandas.read_csv`` and ``pandas.read_csv(dtype=str)``. Checks once that the frame
equals ``pledges_to_frame`` of the records. Prints the medians and the ratios
against ``pandas.read_csv``.

Targets (issue 17): a validated frame at most 3x ``pandas.read_csv``, records at most 10x.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import machine, report

from aidtrack.files.csvfile import read_pledges_csv
from aidtrack.files.formats import read_pledge_frame
from aidtrack.frames.rows import pledges_to_frame


def write_file(path: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    donors = np.array(["Norway", "Canada", "Germany", "Japan", "United States", "Sweden", "Denmark", "Poland"])
    countries = np.array(["NO", "CA", "DE", "JP", "US", "SE", "DK", "PL"])
    cur = np.array(["NOK", "CAD", "EUR", "JPY", "USD", "SEK", "DKK", "PLN"])
    k = rng.integers(0, len(donors), rows)
    days = (np.datetime64("2022-02-24") + rng.integers(0, 1000, rows)).astype(str)
    amounts = (rng.integers(1, 10**7, rows) * 1000).astype(str)
    pd.DataFrame(
        {
            "donor": donors[k],
            "date": days,
            "amount": amounts,
            "currency": cur[k],
            "country": countries[k],
            "category": rng.choice(["military", "humanitarian", "financial"], rows),
            "measure": "commitment",
            "qualifier": "exact",
            "recipient": "Ukraine",
            "source": "https://example.org/news/item",
        }
    ).to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = int(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pledges.csv"
        write_file(path, rows)
        cases = {
            "records": lambda: read_pledges_csv(path),
            "frame": lambda: read_pledge_frame(path),
            "pandas": lambda: pd.read_csv(path),
            "pandas str": lambda: pd.read_csv(path, dtype=str),
        }
        frame = read_pledge_frame(path)
        frame.attrs = {}
        pd.testing.assert_frame_equal(frame, pledges_to_frame(read_pledges_csv(path)))
        times: dict[str, list[float]] = {k: [] for k in cases}
        cpu: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for name, fn in cases.items():
                gc.collect()
                start, start_cpu = time.perf_counter(), time.process_time()
                fn()
                times[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"pledge file of {rows:,} rows, median of {args.runs} ({machine()})")
    report("read_pledges_csv -> Pledge records", med["records"], med["pandas"], "pandas.read_csv")
    report("read_pledge_frame -> validated frame", med["frame"], med["pandas"], "pandas.read_csv")
    print(f"pandas.read_csv(dtype=str): {med['pandas str']:.3f} s")
    mc = {k: statistics.median(v) for k, v in cpu.items()}
    print("CPU time (all threads; pyarrow's CSV reader uses several):")
    report("  records", mc["records"], mc["pandas"], "pandas.read_csv")
    report("  frame", mc["frame"], mc["pandas"], "pandas.read_csv")
    print(
        f"targets: frame <= 3x: {'met' if med['frame'] <= 3 * med['pandas'] else 'MISSED'}; "
        f"records <= 10x: {'met' if med['records'] <= 10 * med['pandas'] else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
