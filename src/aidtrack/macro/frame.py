"""Vectorised constant prices: :func:`deflate_frame` deflates every row of a DataFrame exactly as
:func:`~aidtrack.macro.deflate.deflate` would.

>>> import pandas as pd
>>> df = pd.DataFrame({"donor": ["DEU", "Norway", "United States"], "year": [2022, 2023, 2024],
...                    "amount": [100_000_000, 2_000_000_000, 500_000_000], "currency": ["EUR", "NOK", "USD"]})
>>> out = deflate_frame(df, base_year=2024, method="dac", to="EUR")
>>> out[["deflated", "deflated_currency", "deflator"]]
       deflated deflated_currency    deflator
0  1.100746e+08               EUR   88.385568
1  1.713893e+08               EUR  102.035178
2  4.619448e+08               EUR  100.000000

**How.** The rows are grouped by (donor, year, currency); for each group the scalar path computes the
exact chain (conversion at the year's annual rate, ``index(base) ÷ index(year)``, conversion into
``to`` at the base year's rate) once. Each row's amount is multiplied by the group's factor in
``float64`` and rounded to the minor unit, and every row whose float result lies within a safe bound of
a rounding boundary (``2e-15`` relative: four float operations of half an ulp each stay below 5e-16), or
whose amount a float cannot hold exactly, is recomputed with the scalar :func:`deflate` on its exact ``Decimal``
amount. So every row's result is *identical* to the scalar result (a tested property); with
``dtype="decimal"`` the column holds those ``Decimal`` values.

Rows that cannot be deflated (unknown donor, no index for the year, an estimate without
``allow_estimates=True``, a currency without an annual rate) are never dropped: ``errors="raise"``
(default) raises :class:`~aidtrack.errors.DeflationRowsError` naming each; ``errors="coerce"`` leaves
them missing with the reason in a ``deflation_problem`` column.

``out.attrs["aidtrack_deflation"]`` records the method, base year, series provenance, the fx mode and
how many rows were recomputed exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from aidtrack._options import check_dtype, check_errors
from aidtrack.amounts import Rounding, to_decimal
from aidtrack.currency import minor_units
from aidtrack.errors import AidtrackError, DeflationRowsError, InvalidArgumentError
from aidtrack.macro.deflate import FxMode, Method, deflate
from aidtrack.macro.series import MacroSeries
from aidtrack.money import Money

__all__ = ["deflate_frame"]

_SAFE = 2e-15
_MAX_EXACT_FLOAT = 2.0**53


@dataclass(frozen=True, slots=True)
class _Key:
    factor: float
    currency: str
    minor: int
    deflator: float
    estimate: bool


def _years(col: pd.Series) -> tuple[np.ndarray[Any, Any], dict[int, str]]:
    """int64 years and the rows whose year is not a calendar year (missing, fractional, infinite,
    a boolean, or outside 1-9999), each with its reason."""
    problems: dict[int, str] = {}
    if pd.api.types.is_datetime64_any_dtype(col):
        years = col.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    elif pd.api.types.is_integer_dtype(col) and not col.hasnans:
        years = col.to_numpy(dtype="int64")
        if len(years) == 0 or (years.min() >= 1 and years.max() <= 9999):
            return years, problems
        years = years.astype("float64")
    else:
        out = np.zeros(len(col), dtype="float64")
        for i, v in enumerate(col.tolist()):
            if hasattr(v, "year") and not isinstance(v, str):
                out[i] = v.year
                continue
            if isinstance(v, (bool, np.bool_)):
                out[i] = np.nan
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                f = float("nan")
            out[i] = f if math.isfinite(f) and f == int(f) else np.nan
        years = out
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(years) | (years < 1) | (years > 9999)
    for i in np.flatnonzero(bad).tolist():
        problems[int(i)] = f"year {col.iloc[int(i)]!r} is not a calendar year (a whole number from 1 to 9999)"
    return np.where(bad, 0, years).astype("int64"), problems


def _amounts(col: pd.Series) -> tuple[np.ndarray[Any, Any], list[Any] | None, dict[int, str]]:
    """float64 amounts, the exact values when the column holds objects, and bad rows."""
    problems: dict[int, str] = {}
    if pd.api.types.is_integer_dtype(col) or pd.api.types.is_float_dtype(col):
        values = col.to_numpy(dtype="float64", na_value=np.nan)
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            problems[int(i)] = f"amount {col.iloc[int(i)]!r} is not a finite number"
        return np.where(np.isfinite(values), values, 0.0), None, problems
    exact: list[Any] = []
    floats = np.zeros(len(col), dtype="float64")
    for i, v in enumerate(col.tolist()):
        try:
            d = to_decimal(v)
        except ValueError as exc:
            problems[i] = str(exc)
            exact.append(None)
            continue
        exact.append(d)
        floats[i] = float(d)
    return floats, exact, problems


def deflate_frame(
    df: pd.DataFrame,
    *,
    base_year: int,
    method: Method = "dac",
    donor_column: str = "donor",
    year_column: str = "year",
    amount_column: str = "amount",
    currency_column: str = "currency",
    to: str | None = None,
    fx: FxMode = "ecb",
    series: MacroSeries | Any | None = None,
    rates: Any = None,
    allow_estimates: bool = False,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    errors: Literal["raise", "coerce"] = "raise",
    into: str = "deflated",
    dtype: Literal["float", "decimal"] = "float",
) -> pd.DataFrame:
    """A copy of ``df`` with ``into`` (the amount in ``base_year`` prices), ``deflated_currency``,
    ``deflator`` (the row's index rebased to ``base_year = 100``) and ``deflation_estimate`` added.

    The arguments after the column names are those of :func:`~aidtrack.macro.deflate.deflate`.
    """
    missing = [c for c in (donor_column, year_column, amount_column, currency_column) if c not in df.columns]
    if missing:
        raise InvalidArgumentError(
            "df", list(df.columns), f"missing column(s) {', '.join(map(repr, missing))}; found: {list(df.columns)}"
        )
    check_errors(errors)
    check_dtype(dtype)
    mode = Rounding(rounding)
    from aidtrack.macro.deflate import INDICATORS
    from aidtrack.macro.series import as_series

    index = as_series(series, default=INDICATORS[method][1]) if method in INDICATORS else None
    n = len(df)
    years, problems = _years(df[year_column])
    amounts, exact, amount_problems = _amounts(df[amount_column])
    problems.update(amount_problems)
    donors = df[donor_column].astype("string").fillna("").to_numpy(dtype=object)
    currencies = df[currency_column].astype("string").fillna("").str.strip().str.upper().to_numpy(dtype=object)
    # one integer key per (donor, year, currency): factorise each column, combine, then factorise the keys
    d_codes, _ = pd.factorize(donors)
    y_codes, y_uniques = pd.factorize(years)
    c_codes, c_uniques = pd.factorize(currencies)
    combined = (d_codes.astype("int64") * len(y_uniques) + y_codes) * len(c_uniques) + c_codes
    _, first, codes = np.unique(combined, return_index=True, return_inverse=True)
    uniques = [(donors[i], int(years[i]), currencies[i]) for i in first.tolist()]

    kwargs: dict[str, Any] = {
        "base_year": base_year, "method": method, "allow_estimates": allow_estimates, "series": index,
        "to": to, "fx": fx, "rates": rates, "rounding": mode,
    }  # fmt: skip
    keys: list[_Key | str] = []
    for donor, year, currency in uniques:
        try:
            d = deflate(Money(1, currency), donor=donor, year=int(year), **kwargs)
        except AidtrackError as exc:
            keys.append(str(exc))
            continue
        cur = d.result.currency
        keys.append(_Key(float(d.unrounded), cur, minor_units(cur), float(d.deflator), d.estimate_used))

    factor = np.array([k.factor if isinstance(k, _Key) else np.nan for k in keys], dtype="float64")[codes]
    scale = np.array([10.0**k.minor if isinstance(k, _Key) else np.nan for k in keys], dtype="float64")[codes]
    key_bad = np.array([isinstance(k, str) for k in keys], dtype=bool)
    for i in np.flatnonzero(key_bad[codes]).tolist():
        problems.setdefault(int(i), str(keys[codes[i]]))
    bad = np.zeros(n, dtype=bool)
    if problems:
        bad[list(problems)] = True

    with np.errstate(invalid="ignore", over="ignore"):
        y = amounts * factor * scale
        units = np.rint(y) if mode is Rounding.HALF_EVEN else np.sign(y) * np.floor(np.abs(y) + 0.5)
        distance = np.abs(np.abs(y - np.floor(y)) - 0.5)
        near = distance <= _SAFE * np.abs(y) + 1e-300
    unsafe = (near | (np.abs(amounts) >= _MAX_EXACT_FLOAT) | ~np.isfinite(y)) & ~bad
    recompute: list[int] = np.flatnonzero(unsafe).tolist()
    exact_units: dict[int, int] = {}
    for i in recompute:
        raw = df[amount_column].iloc[i]
        amount = exact[i] if exact is not None else to_decimal(raw.item() if hasattr(raw, "item") else raw)
        key = keys[codes[i]]
        assert isinstance(key, _Key)
        d = deflate(Money(amount, currencies[i]), donor=donors[i], year=int(years[i]), **kwargs)
        exact_units[i] = int(d.result.amount.scaleb(key.minor))
        units[i] = float(exact_units[i])

    out = df.copy()
    if dtype == "decimal":
        minor = [k.minor if isinstance(k, _Key) else 0 for k in keys]
        col: list[Any] = []
        for i, (u, c) in enumerate(zip(units.tolist(), codes.tolist(), strict=True)):
            if bad[i]:
                col.append(None)
            elif i in exact_units:
                col.append(Decimal(exact_units[i]).scaleb(-minor[c]))
            else:
                col.append(Decimal(int(u)).scaleb(-minor[c]))
        out[into] = pd.Series(col, index=df.index, dtype=object)
    else:
        values = units / scale
        values[bad] = np.nan
        out[into] = values
    currency_out = np.array([k.currency if isinstance(k, _Key) else None for k in keys], dtype=object)[codes]
    currency_out[bad] = None
    out["deflated_currency"] = currency_out
    defl = np.array([k.deflator if isinstance(k, _Key) else np.nan for k in keys], dtype="float64")[codes]
    defl[bad] = np.nan
    out["deflator"] = defl
    est = np.array([k.estimate if isinstance(k, _Key) else False for k in keys], dtype=bool)[codes]
    out["deflation_estimate"] = est & ~bad
    if problems:
        if errors == "raise":
            ordered = sorted(problems)
            raise DeflationRowsError([(df.index[i], problems[i]) for i in ordered], rows=n)
        reasons = np.full(n, None, dtype=object)
        for i, r in problems.items():
            reasons[i] = r
        out["deflation_problem"] = pd.Categorical(reasons)
    prov = index.provenance if index is not None else None
    out.attrs["aidtrack_deflation"] = {
        "method": method,
        "base_year": base_year,
        "to": to,
        "fx": fx,
        "rounding": str(mode),
        "series": prov,
        "attribution": prov.attribution if prov else "",
        "groups": len(keys),
        "recomputed": len(recompute),
        "problems": len(problems),
        "columns": {"donor": donor_column, "year": year_column, "amount": amount_column, "currency": currency_column},
    }
    return out
