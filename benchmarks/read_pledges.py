"""Reading a pledge file of 1,000,000 rows: into ``Pledge`` records and a validated frame, vs pandas.

Run:  python benchmarks/read_pledges.py [--rows 1e6] [--runs 5] [--format csv|xlsx]

Writes a pledge file of ``--rows`` rows (the columns of ``examples/pledges.csv``)
to a temporary folder, then times, interleaved, the records (``read_pledges_csv``
for CSV, ``aidtrack.read_pledges`` for Excel: validated ``Pledge`` records),
``read_pledge_frame`` (a validated pledge frame, the one ``pledges_to_frame`` makes
of the records, built column by column), ``read_pledges(path).to_frame()`` (the way
the README reads a file: every row checked, the frame built from the checks; the records
are built only when used, so not here) and pandas (``read_csv``, and with
``dtype=str``; for Excel ``read_excel`` with the same engine, openpyxl). Checks once
that the frame equals ``pledges_to_frame`` of the records. Prints the medians and
the ratios against pandas, wall and CPU time.

Each timing is the call alone: its result is released after the clock stops (for a
million records that takes about half a second more, printed as "teardown"; a user
who reads records keeps them).

Excel: ``--format xlsx`` writes the file with pandas (openpyxl), dates as date
cells and amounts as numbers, as aidtrack writes them. openpyxl reads a few thousand
rows a second on the 2-core machine of benchmarks/README.md (pandas.read_excel: 20,000
rows in 2.5-5 s), so the default there is 20,000 rows (``--rows`` to change it).

Targets (issue 17): a validated frame at most 3x pandas, records at most 10x.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _common import machine, report

from aidtrack.files.csvfile import read_pledges_csv
from aidtrack.files.formats import read_pledge_frame, read_pledges
from aidtrack.frames.rows import pledges_to_frame


def pledge_table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    donors = np.array(["Norway", "Canada", "Germany", "Japan", "United States", "Sweden", "Denmark", "Poland"])
    countries = np.array(["NO", "CA", "DE", "JP", "US", "SE", "DK", "PL"])
    cur = np.array(["NOK", "CAD", "EUR", "JPY", "USD", "SEK", "DKK", "PLN"])
    k = rng.integers(0, len(donors), rows)
    days = (np.datetime64("2022-02-24") + rng.integers(0, 1000, rows)).astype(str)
    amounts = (rng.integers(1, 10**7, rows) * 1000).astype(str)
    return pd.DataFrame(
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
    )


def write_file(path: Path, rows: int) -> None:
    """The pledge CSV (or, for a ``.xlsx`` path, the sheet ``Pledges``: date cells, amounts as numbers)."""
    table = pledge_table(rows)
    if path.suffix == ".xlsx":
        table["date"] = pd.to_datetime(table["date"])
        table["amount"] = table["amount"].astype(np.int64)
        table.to_excel(path, index=False, sheet_name="Pledges", engine="openpyxl")
    else:
        table.to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=None, help="default 1e6 (CSV), 2e4 (xlsx)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()
    excel = args.format == "xlsx"
    rows = int(args.rows if args.rows is not None else (2e4 if excel else 1e6))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"pledges.{args.format}"
        write_file(path, rows)
        alt = "pandas.read_excel" if excel else "pandas.read_csv"
        cases: dict[str, Callable[[], object]]
        if excel:
            cases = {
                "records": lambda: list(read_pledges(path)),  # list(): the records are built on first use
                "frame": lambda: read_pledge_frame(path),
                "read_pledges frame": lambda: read_pledges(path).to_frame(),
                "pandas": lambda: pd.read_excel(path, engine="openpyxl"),
                "pandas str": lambda: pd.read_excel(path, engine="openpyxl", dtype=str),
            }
        else:
            cases = {
                "records": lambda: read_pledges_csv(path),
                "frame": lambda: read_pledge_frame(path),
                "read_pledges frame": lambda: read_pledges(path).to_frame(),
                "pandas": lambda: pd.read_csv(path),
                "pandas str": lambda: pd.read_csv(path, dtype=str),
            }
        frame = read_pledge_frame(path)
        frame.attrs = {}
        records = read_pledges(path) if excel else read_pledges_csv(path)
        pd.testing.assert_frame_equal(frame, pledges_to_frame(records))
        del frame, records
        times: dict[str, list[float]] = {k: [] for k in cases}
        cpu: dict[str, list[float]] = {k: [] for k in cases}
        teardown: list[float] = []
        for _ in range(args.runs):
            for name, fn in cases.items():
                gc.collect()
                start, start_cpu = time.perf_counter(), time.process_time()
                result = fn()
                times[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
                start = time.perf_counter()
                del result
                if name == "records":
                    teardown.append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in times.items()}
    what = "aidtrack.read_pledges" if excel else "read_pledges_csv"
    print(f"pledge {args.format} file of {rows:,} rows, median of {args.runs} ({machine()})")
    report(f"{what} -> Pledge records", med["records"], med["pandas"], alt)
    report("read_pledge_frame -> validated frame", med["frame"], med["pandas"], alt)
    report("read_pledges(path).to_frame()", med["read_pledges frame"], med["pandas"], alt)
    print(f"{alt}(dtype=str): {med['pandas str']:.3f} s; teardown of the records: {statistics.median(teardown):.3f} s")
    mc = {k: statistics.median(v) for k, v in cpu.items()}
    print("CPU time (all threads; pyarrow's CSV reader uses several):")
    report("  records", mc["records"], mc["pandas"], alt)
    report("  frame", mc["frame"], mc["pandas"], alt)
    report("  read_pledges(path).to_frame()", mc["read_pledges frame"], mc["pandas"], alt)
    print(
        f"targets: frame <= 3x: {'met' if med['frame'] <= 3 * med['pandas'] else 'MISSED'}; "
        f"records <= 10x: {'met' if med['records'] <= 10 * med['pandas'] else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
