"""Benchmark: ``aidtrack convert-file`` on 1,000,000 rows, CSV -> Parquet -> CSV, every amount exact.

Run:  python benchmarks/convert_file_1m.py               (1,000,000 rows)
      python benchmarks/convert_file_1m.py --rows 1e5

What it does:

1. Writes a pledge CSV of ``--rows`` rows: 200 donors, 6 currencies (USD, CAD, GBP, JPY,
   NOK, EUR), dates uniform over 2015-2024, amounts as decimal text with cents up to
   10^12 (one row in three an integer up to 10^17, more digits than a float holds).
2. Times ``aidtrack convert-file in.csv --to EUR -o mid.parquet`` and
   ``aidtrack convert-file mid.parquet --to EUR -o back.csv`` (the CLI entry point,
   in-process, so interpreter start-up is excluded), and checks that every amount of
   ``back.csv`` is the text of ``in.csv`` and every ``converted`` figure is the same
   in both outputs.
3. Times the alternative on the same file: ``pandas.read_csv`` (amounts as text, so
   they stay exact) + ``DataFrame.to_parquet``, then ``pandas.read_parquet`` +
   ``to_csv``: reading and writing only, no validation, no conversion, no provenance.
4. Prints both times and the ratio for each leg and for the round trip.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from aidtrack.cli import main


def make_file(path: Path, rows: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    currencies = ["USD", "CAD", "GBP", "JPY", "NOK", "EUR"]
    amounts: list[str] = []
    with path.open("w", encoding="utf-8") as fh:
        fh.write("donor,date,amount,currency,category\n")
        for i in range(rows):
            cents = f"{rng.randint(1, 10**12)}.{rng.randint(0, 99):02d}"
            amount = cents if i % 3 else str(rng.randint(1, 10**17))
            amounts.append(amount)
            day = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            fh.write(f"Donor {i % 200},{day},{amount},{currencies[i % 6]},military\n")
    return amounts


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cli(*argv: str) -> None:
    code = main(list(argv))
    if code != 0:
        raise SystemExit(f"aidtrack {' '.join(argv)} exited with {code}")


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    args = parser.parse_args()
    rows = int(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        amounts = make_file(d / "in.csv", rows)
        size = (d / "in.csv").stat().st_size
        print(f"{rows:,} rows, {size / 1e6:.1f} MB of CSV")

        a1 = timed(lambda: cli("convert-file", str(d / "in.csv"), "--to", "EUR", "-o", str(d / "mid.parquet")))
        a2 = timed(lambda: cli("convert-file", str(d / "mid.parquet"), "--to", "EUR", "-o", str(d / "back.csv")))

        back = pd.read_csv(d / "back.csv", dtype=str, keep_default_na=False)
        mid = pd.read_parquet(d / "mid.parquet")
        exact = back["amount"].tolist() == amounts and mid["amount"].tolist() == amounts
        same = back["converted"].tolist() == mid["converted"].tolist()
        print(f"every amount exact after CSV -> Parquet -> CSV: {exact}; converted figures identical: {same}")
        if not (exact and same):
            raise SystemExit("round trip is not exact")

        p1 = timed(lambda: pd.read_csv(d / "in.csv", dtype=str, keep_default_na=False).to_parquet(d / "pd.parquet"))
        p2 = timed(lambda: pd.read_parquet(d / "pd.parquet").to_csv(d / "pd.csv", index=False))

    print(f"{'leg':<24}{'aidtrack convert-file':>24}{'pandas read + write':>22}{'ratio':>8}")
    for name, a, p in (("CSV -> Parquet", a1, p1), ("Parquet -> CSV", a2, p2), ("round trip", a1 + a2, p1 + p2)):
        print(f"{name:<24}{a:>22.2f} s{p:>20.2f} s{a / p:>7.1f}x")
    print(f"aidtrack: {rows / (a1 + a2) * 2:,.0f} rows/s per leg (read, validate, convert with provenance, write)")


if __name__ == "__main__":
    main_bench()
