"""Warm DataFrame conversion: ``convert_frame`` of 2,000,000 rows under ``daily`` vs a hand-written numpy gather.

Run:  python benchmarks/frame_warm.py [--rows 2e6] [--currencies 20] [--runs 7]

Both sides have built their rate arrays already (aidtrack's per-currency lookup
tables are cached after the first call; the baseline's rate matrix is built
before timing, see ``_common.NumpyBaseline``). Prints the median of ``--runs``
calls of each, interleaved, the ratio, and the memory-bandwidth floor: the time
to read the input columns once and write the output columns once. aidtrack is
timed twice in the same loop: as it runs by default (rows shared by min(cores, 4)
threads) and with ``AIDTRACK_THREADS=1`` (the calling thread only), so the
effect of the threads is visible.

Target (issue 17): aidtrack at or below the numpy baseline (ratio <= 1).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from _common import NumpyBaseline, bandwidth_limit, frame, machine, report

from aidtrack.frames.convert import convert_frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e6)
    parser.add_argument("--currencies", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.pop("AIDTRACK_THREADS", None)  # the default first; the loop sets it for the one-thread runs
    rows = int(args.rows)
    df = frame(rows, args.currencies)
    base = NumpyBaseline(list(df["currency"].cat.categories))
    out = convert_frame(df, "EUR")  # builds aidtrack's lookup tables
    ref = base.convert(df)
    differ = int((out["converted"].to_numpy() != ref).sum())
    ours, single, theirs = [], [], []
    for _ in range(args.runs):  # interleaved: machine noise hits both alike
        start = time.perf_counter()
        convert_frame(df, "EUR")
        ours.append(time.perf_counter() - start)
        os.environ["AIDTRACK_THREADS"] = "1"
        start = time.perf_counter()
        convert_frame(df, "EUR")
        single.append(time.perf_counter() - start)
        del os.environ["AIDTRACK_THREADS"]
        start = time.perf_counter()
        base.convert(df)
        theirs.append(time.perf_counter() - start)
    out_bytes = sum(out[c].to_numpy().nbytes for c in ("converted", "rate", "fixing_date")) + rows
    floor = bandwidth_limit(df, out_bytes)
    print(f"warm convert_frame, {rows:,} rows, {args.currencies} currencies, daily; median of {args.runs}")
    print(f"({machine()})")
    report("convert_frame (exact, provenance columns)", statistics.median(ours), statistics.median(theirs), "numpy")
    report("the same, AIDTRACK_THREADS=1", statistics.median(single), statistics.median(theirs), "numpy")
    print(
        f"memory-bandwidth floor (read inputs, write outputs once): {floor:.4f} s; "
        f"aidtrack is {statistics.median(ours) / floor:.1f}x it"
    )
    print(f"rows where the float baseline differs from aidtrack's exact result: {differ:,}")
    print(f"target (ratio <= 1.0): {'met' if statistics.median(ours) <= statistics.median(theirs) else 'MISSED'}")


if __name__ == "__main__":
    main()
