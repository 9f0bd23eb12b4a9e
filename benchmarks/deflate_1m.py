"""Benchmark: deflate 1,000,000 rows to constant 2024 US dollars with the OECD DAC deflators.

Run:  python benchmarks/deflate_1m.py                     (1,000,000 rows)
      python benchmarks/deflate_1m.py --rows 1e5
      python benchmarks/deflate_1m.py --pydeflate-python /path/to/venv/bin/python

What it does:

1. Generates ``--rows`` rows: a donor drawn from the 44 series of the bundled DAC deflator table,
   a year in 2000-2024 where that donor has a value, a USD amount with cents (float).
2. Times ``aidtrack.macro.deflate_frame(df, base_year=2024, method="dac")`` (exact: every row equals
   the scalar ``deflate``), cold and then the median of ``--repeat`` warm runs.
3. Times the alternatives on the same rows:

   * a plain pandas baseline: merge the deflator table on (donor, year) and compute
     ``amount * 100 / deflator`` in float64, rounded to cents;
   * pydeflate's own ``oecd_dac_deflate`` when an interpreter with pydeflate is given
     (``--pydeflate-python``; pydeflate pins its own pandas, so it lives in a separate venv). It runs
     offline on a user table: pydeflate's DAC reader is replaced by one returning the bundled OECD
     table (the exchange rates needed by its pipeline are the WEO's implied NGDP/NGDPD rates, 1 for
     the DAC total and EU institutions), passed through pydeflate's own ``compute_exchange_deflator``
     and GDP-deflator steps. Nothing is downloaded (the machine has no access; a download would fail).

   Prints each time, the ratio, and how many rows differ from aidtrack's exact result by a cent or more.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from aidtrack.macro import bundled_series, deflate_frame

PYDEFLATE_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import pandas as pd
    import pydeflate.core.source as core_source
    from pydeflate.sources.common import compute_exchange_deflator

    rows_path, table_path, out_path = sys.argv[1:4]
    table = pd.read_parquet(table_path)

    def read_user_table(update=False):
        df = compute_exchange_deflator(table.copy(), base_year_measure="DAC_DEFLATOR")
        df["NGDP_D"] = round(df["EXCHANGE_D"] / 100 * df["DAC_DEFLATOR"], 5)
        df = df.rename(columns={c: f"pydeflate_{c}" for c in df.columns})
        return df.reset_index(drop=True)

    core_source.read_dac = read_user_table   # a user table instead of the download
    from pydeflate import oecd_dac_deflate

    data = pd.read_parquet(rows_path)
    times = []
    for _ in range(int(sys.argv[4])):
        start = time.perf_counter()
        out = oecd_dac_deflate(data, base_year=2024, id_column="iso3", year_column="year",
                               value_column="amount", target_value_column="deflated")
        times.append(time.perf_counter() - start)
    out = out.sort_values("row")  # pydeflate returns the rows in another order
    out[["row", "deflated"]].to_parquet(out_path)
    print(json.dumps({"times": times, "rows": len(out)}))
    """
)


def make_rows(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    dac = bundled_series("dac_deflators")
    weo = bundled_series("weo")
    pairs: list[tuple[str, int]] = []
    table_rows = []
    for country in dac.countries("DAC_DEFLATOR"):
        for year in dac.years(country, "DAC_DEFLATOR"):
            if not 2000 <= year <= 2024:
                continue
            value = dac.get(country, "DAC_DEFLATOR", year).value
            if weo.has(country, "NGDP"):
                ngdp = weo.get(country, "NGDP", year, allow_estimates=True).value
                xr = float(ngdp / weo.get(country, "NGDPD", year, allow_estimates=True).value)
            else:
                xr = 1.0  # DAC total, EU institutions
            pairs.append((country, year))
            table_rows.append(
                {
                    "year": year,
                    "entity_code": country,
                    "entity": country,
                    "iso3": country,
                    "EXCHANGE": xr,
                    "DAC_DEFLATOR": float(value),
                }
            )
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(pairs), n)
    donors = np.array([p[0] for p in pairs], dtype=object)[pick]
    years = np.array([p[1] for p in pairs], dtype="int64")[pick]
    cents = rng.integers(1, 50_000_000_000, n)
    rows = pd.DataFrame({"row": np.arange(n), "iso3": donors, "year": years, "amount": cents / 100, "currency": "USD"})
    return rows, pd.DataFrame(table_rows)


def pandas_baseline(rows: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    merged = rows.merge(table[["iso3", "year", "DAC_DEFLATOR"]], on=["iso3", "year"], how="left")
    return (merged["amount"] * 100 / merged["DAC_DEFLATOR"]).round(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pydeflate-python", help="an interpreter with pydeflate installed (separate venv)")
    args = parser.parse_args()
    n = int(args.rows)
    rows, table = make_rows(n)
    print(f"{n:,} rows, {rows['iso3'].nunique()} donors, years {rows['year'].min()}-{rows['year'].max()}")

    def ours() -> pd.DataFrame:
        return deflate_frame(rows, base_year=2024, method="dac", donor_column="iso3")

    start = time.perf_counter()
    out = ours()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = ours()
        warm.append(time.perf_counter() - start)
    t_ours = statistics.median(warm)
    meta = out.attrs["aidtrack_deflation"]
    print(f"aidtrack deflate_frame (exact):     cold {cold:.3f} s, warm median {t_ours:.3f} s "
          f"({meta['recomputed']} rows recomputed in Decimal)")  # fmt: skip
    exact = out["deflated"].to_numpy()

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        base = pandas_baseline(rows, table)
        times.append(time.perf_counter() - start)
    t_pd = statistics.median(times)
    differ = int((np.abs(base.to_numpy() - exact) >= 0.005).sum())
    print(f"pandas merge baseline (float64):    {t_pd:.3f} s  ratio aidtrack/baseline {t_ours / t_pd:.2f}  "
          f"rows off by >= 1 cent: {differ}")  # fmt: skip

    if args.pydeflate_python:
        with tempfile.TemporaryDirectory() as tmp:
            rows_path, table_path, out_path = (str(Path(tmp) / f) for f in ("rows.parquet", "t.parquet", "o.parquet"))
            rows.to_parquet(rows_path)
            table.to_parquet(table_path)
            script = Path(tmp) / "run_pydeflate.py"
            script.write_text(PYDEFLATE_SCRIPT, encoding="utf-8")
            env_cmd = [args.pydeflate_python, str(script), rows_path, table_path, out_path, str(args.repeat + 1)]
            proc = subprocess.run(env_cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(f"pydeflate: failed to run:\n{proc.stderr[-2000:]}")
                return
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            back = pd.read_parquet(out_path)
            assert (back["row"].to_numpy() == rows["row"].to_numpy()).all(), "pydeflate lost or added rows"
            theirs = back["deflated"].to_numpy(dtype="float64")
        t_cold, t_py = result["times"][0], statistics.median(result["times"][1:])
        off = np.abs(theirs - exact)
        print(f"pydeflate oecd_dac_deflate (float): cold {t_cold:.3f} s, warm median {t_py:.3f} s  "
              f"ratio aidtrack/pydeflate {t_ours / t_py:.2f}")  # fmt: skip
        print(f"  pydeflate (unrounded) vs aidtrack: rows off by >= 1 cent {int((off >= 0.01).sum())}, "
              f"max relative difference {float(np.nanmax(off / np.maximum(np.abs(exact), 1))):.2e}")  # fmt: skip
    else:
        print("pydeflate: not run (pass --pydeflate-python with a venv that has pydeflate)")


if __name__ == "__main__":
    sys.exit(main())
