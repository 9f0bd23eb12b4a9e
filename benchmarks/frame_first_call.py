"""First DataFrame call in a fresh process: 2,000,000 rows in 20 currencies, vs a hand-written numpy gather.

Run:  python benchmarks/frame_first_call.py [--rows 2e6] [--currencies 20] [--runs 5]

Each run is a new Python process that builds the frame (not timed) and then
times, for aidtrack, the first ``convert_frame(df, "EUR")`` (loading the bundled
ECB table and building the per-currency lookup tables included) and, for the
baseline, reading the ECB CSV with pandas, building the rate matrix and the
first gather (``_common.NumpyBaseline``). The two run in separate processes,
interleaved; the medians and their ratio are printed.

Target (issue 17): aidtrack at most 1.5x the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _common import machine, report

CHILD = """
import sys, time
sys.path.insert(0, {here!r})
from _common import frame, NumpyBaseline
df = frame({rows}, {currencies})
start = time.perf_counter()
if {which!r} == "aidtrack":
    from aidtrack.frames.convert import convert_frame
    convert_frame(df, "EUR")
else:
    NumpyBaseline(list(df["currency"].cat.categories)).convert(df)
print(time.perf_counter() - start)
"""


# Both sides run from compiled bytecode, as an installed wheel does: with PYTHONDONTWRITEBYTECODE set,
# each process would compile aidtrack's modules again (the first run below writes the bytecode).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e6)
    parser.add_argument("--currencies", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    here = str(Path(__file__).resolve().parent)
    times: dict[str, list[float]] = {"aidtrack": [], "numpy": []}
    for _ in range(args.runs):
        for which in times:
            code = CHILD.format(here=here, rows=int(args.rows), currencies=args.currencies, which=which)
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=ENV
            ).stdout
            times[which].append(float(out.strip()))
    ours, theirs = statistics.median(times["aidtrack"]), statistics.median(times["numpy"])
    print(
        f"first DataFrame call, {int(args.rows):,} rows, {args.currencies} currencies; median of {args.runs} "
        f"fresh processes ({machine()})"
    )
    report("first convert_frame (rates loaded in the call)", ours, theirs, "numpy (CSV read included)")
    print(f"target (ratio <= 1.5): {'met' if ours <= 1.5 * theirs else 'MISSED'}")


if __name__ == "__main__":
    main()
