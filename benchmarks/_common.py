"""Shared pieces of the benchmarks: timing helpers, synthetic frames and the hand-written numpy baseline.

The baseline is what a user would write without aidtrack: read the ECB history CSV
(the very zip aidtrack bundles) with ``pandas.read_csv``, build a dense day x
currency matrix of rates carried forward over at most 7 days (aidtrack's
``daily`` default: the latest fixing on or before the day, at most 7 days back),
and convert with one gather, a division and a rounding to cents in float64. It
is not exact (no guard at rounding boundaries, no provenance, no checks); it is
the speed a careful user gets from numpy.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

EPOCH = 719163  # date(1970, 1, 1).toordinal()
ZIP = Path(__file__).resolve().parents[1] / "src" / "aidtrack" / "data" / "eurofxref-hist.zip"


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    """Median wall time of ``runs`` calls (garbage collected before each)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def machine() -> str:
    return f"{os.cpu_count()} cores, python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}"


def report(what: str, ours: float, theirs: float, alt: str, unit: str = "s", scale: float = 1.0) -> None:
    print(
        f"{what:<46} aidtrack {ours * scale:9.4g} {unit}   {alt} {theirs * scale:9.4g} {unit}   "
        f"ratio {ours / theirs:6.2f}"
    )


def stage_peak_reset() -> float | None:
    """Reset Linux's peak-RSS mark; return the current RSS in MB (None where unsupported)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return None
    return _status("VmRSS:")


def stage_peak() -> float | None:
    return _status("VmHWM:")


def _status(field: str) -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def frame(rows: int, currencies: int, seed: int = 2026) -> pd.DataFrame:
    """``rows`` pledge rows over the first ``currencies`` currencies of the bundled table (ISK excluded).

    Dates are uniform over 2005-2025 (weekends included), amounts have cents,
    currency is categorical and date ``datetime64[s]``, as a pledge frame has them.
    """
    from aidtrack.rates.bundled import bundled_table

    table = bundled_table()
    names = [c for c in table.currencies if c not in (table.base, "ISK")]
    rng = np.random.default_rng(seed)
    lo, hi = 732312, 739617  # 2006-01-02 .. 2026-01-01: currencies with rates over all of it
    spans = {c: table.series(c).as_numpy()[0] for c in names}
    names = [c for c in names if spans[c][0] <= lo and spans[c][-1] >= hi and c != "RUB"][:currencies]
    cur = rng.integers(0, len(names), rows)
    ords = rng.integers(lo, hi, rows)
    donors = [f"Donor {i:03d}" for i in range(500)]
    return pd.DataFrame(
        {
            "donor": pd.Categorical.from_codes(rng.zipf(1.3, rows) % len(donors), donors),
            "amount": rng.integers(100_000, 100_000_000_000, rows) / 100,
            "currency": pd.Categorical.from_codes(cur, names),
            "date": (ords - EPOCH).astype("M8[D]").astype("M8[s]"),
        }
    )


class NumpyBaseline:
    """The hand-written alternative: read the ECB CSV, build a rate matrix, gather."""

    def __init__(self, currencies: list[str] | None = None, lookback: int = 7) -> None:
        raw = pd.read_csv(ZIP, compression="zip")
        raw = raw.loc[:, [c for c in raw.columns if not c.startswith("Unnamed")]]
        days = pd.to_datetime(raw["Date"]).to_numpy().astype("M8[D]").view(np.int64)
        names = currencies if currencies is not None else [c for c in raw.columns if c != "Date"]
        self.names = names
        self.d0 = int(days.min())
        width = int(days.max()) - self.d0 + 2  # the last column: beyond the table, NaN
        rates = np.full((len(names), width), np.nan)
        cols = raw[names].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64).T
        rates[:, days - self.d0] = cols
        # carry each fixing forward over at most `lookback` days (the daily policy)
        filled = pd.DataFrame(rates.T).ffill(limit=lookback).to_numpy().T
        self.rates = np.ascontiguousarray(filled)
        self.width = width

    def convert(self, df: pd.DataFrame) -> np.ndarray[Any, Any]:
        codes = df["currency"].cat.codes.to_numpy()
        cat_map = np.array([self.names.index(c) for c in df["currency"].cat.categories], dtype=np.int64)
        day = df["date"].to_numpy().view(np.int64) // 86400 - self.d0
        np.clip(day, 0, self.width - 1, out=day)
        rate = self.rates.ravel().take(cat_map.take(codes) * self.width + day)
        out: np.ndarray[Any, Any] = np.rint(df["amount"].to_numpy() / rate * 100) / 100
        return out


def bandwidth_limit(df: pd.DataFrame, out_bytes: int) -> float:
    """Seconds to stream the input columns once and write ``out_bytes`` (median of 5): the memory-bound floor."""
    arrays = [df["amount"].to_numpy(), df["currency"].cat.codes.to_numpy(), df["date"].to_numpy().view(np.int64)]
    out = np.empty(out_bytes // 8, dtype=np.float64)

    def stream() -> None:
        for a in arrays:
            a.sum() if a.dtype != np.int8 else a.view(np.uint8).max()
        out.fill(1.0)

    return median_time(stream, 5)[0]
