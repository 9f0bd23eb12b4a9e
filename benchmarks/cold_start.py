"""Cold start: import, load the bundled ECB rates and convert one amount, in a fresh process.

Measures aidtrack against the ``currencyconverter`` package (the best-known
alternative, also shipping the ECB history) doing the same job, in the same
run, interleaved so that machine noise hits both alike. Each run is a new
Python process; we record

* ``in-process``: time from the first import to the converted amount, measured
  inside the child (what the library costs), and
* ``wall``: the whole child process as seen from outside (adds interpreter
  start-up, the same for both).

Target (issue 17): aidtrack's median in-process time is at most 0.3x currencyconverter's (issue 4 asked
for half).

Usage::

    pip install -e ".[bench]"
    python benchmarks/cold_start.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

AIDTRACK = """
import time
t0 = time.perf_counter()
import aidtrack
c = aidtrack.convert(100, "USD", to="EUR", on="2020-03-02")
t1 = time.perf_counter()
assert str(c.result.amount) == "89.91", c.result
print(t1 - t0)
"""

CURRENCYCONVERTER = """
import time
t0 = time.perf_counter()
from datetime import date
from currency_converter import CurrencyConverter
v = CurrencyConverter().convert(100, "USD", "EUR", date=date(2020, 3, 2))
t1 = time.perf_counter()
assert abs(v - 89.91) < 0.01, v
print(t1 - t0)
"""

BARE = "print(0.0)"

# Both libraries run from their compiled bytecode, as installed wheels do (pip compiles at install):
# with PYTHONDONTWRITEBYTECODE set, every run would compile every module again, which measures the
# compiler and not the libraries (aidtrack has more modules on this path, so it would pay more).
# The warm-up runs below write the bytecode.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(code: str) -> tuple[float, float]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=ENV).stdout
    wall = time.perf_counter() - start
    return float(out.strip()), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    try:
        import currency_converter  # noqa: F401
    except ImportError:
        sys.exit('currencyconverter is not installed: pip install -e ".[bench]"')

    for code in (AIDTRACK, CURRENCYCONVERTER):  # warm the OS file cache, write the bytecode
        run(code)
    results: dict[str, list[tuple[float, float]]] = {"aidtrack": [], "currencyconverter": [], "python -c": []}
    for _ in range(args.runs):
        results["aidtrack"].append(run(AIDTRACK))
        results["currencyconverter"].append(run(CURRENCYCONVERTER))
        results["python -c"].append(run(BARE))

    def med(name: str, i: int) -> float:
        return statistics.median(r[i] for r in results[name])

    print(f"cold start, median of {args.runs} fresh processes (python {sys.version.split()[0]})")
    print(f"{'':20} {'in-process':>12} {'wall':>10}")
    for name in results:
        print(f"{name:20} {med(name, 0) * 1000:10.1f} ms {med(name, 1) * 1000:7.1f} ms")
    ratio_in = med("aidtrack", 0) / med("currencyconverter", 0)
    ratio_wall = med("aidtrack", 1) / med("currencyconverter", 1)
    print(f"ratio aidtrack / currencyconverter: in-process {ratio_in:.2f}, wall {ratio_wall:.2f}")
    print(f"target (in-process ratio <= 0.30): {'met' if ratio_in <= 0.3 else 'MISSED'}")


if __name__ == "__main__":
    main()
