"""Vectorised conversion of a whole pandas ``DataFrame`` of amounts, and the ``df.aidtrack`` accessor.

:func:`convert_frame` converts every row of a frame with an amount, a currency
and a date column (``amount``, ``currency`` and ``date`` by default, as in the
pledge CSV) in one pass, under any rate policy, with exactly the rules of
:func:`aidtrack.policy.quote` and :func:`aidtrack.convert`:

>>> import pandas as pd
>>> df = pd.DataFrame({"amount": [440_000_000, 500_000_000], "currency": ["CAD", "USD"],
...                    "date": ["2025-01-09", "2025-01-11"]})
>>> out = convert_frame(df, "EUR")
>>> out[["converted", "rate", "fixing_date", "rate_source"]]
     converted      rate fixing_date  rate_source
0  296675881.6  0.674263  2025-01-09  ecb-bundled
1  485248447.2  0.970497  2025-01-10  ecb-bundled

The output keeps every input column and adds:

==================  ===========================================================
``converted``       the converted amount, rounded once to the target's minor
                    unit (``ROUND_HALF_EVEN`` unless ``rounding="half_up"``);
                    ``float64`` by default, ``Decimal`` objects with
                    ``dtype="decimal"``. The name can be changed with ``into=``.
``rate``            units of the target per unit of the row's currency
                    (``float64``: the exact rate is ``rate(to) ÷ rate(from)``
                    of the legs, see :func:`aidtrack.convert`)
``fixing_date``     the ECB fixing day used (``daily``, ``exact``, fixed date)
``fixing_first``,   for ``monthly_mean`` / ``annual_mean``: the first and last
``fixing_last``,    fixing day of the mean and how many fixings it averages
``fixing_count``    (over both currencies' fixings for a cross rate)
``rate_source``     the rate source's key (``ecb-bundled``); missing for a row
                    already in the target currency, which needs no rate
``problem``         only with ``errors="coerce"``: why the row has no result
==================  ===========================================================

``df.attrs["aidtrack"]`` records the target currency, the policy, the rounding,
the source (:class:`~aidtrack.ratetable.SourceInfo`), the column names and the
number of problem rows.

**Exactness.** Each row's result is *identical* to ``aidtrack.convert`` of the
same amount, currency and date (tested property). Rows are computed in
``float64`` from the table's rates (daily fixings as published; means computed
once per currency and window exactly in ``Decimal``, as the scalar path does),
and every row whose float result lies within a proven error bound
(``2e-15`` relative) of a rounding boundary is recomputed exactly in
``Decimal`` with the scalar formula. On random pledge-like data that is about
one row in 10,000; ``benchmarks/convert_10m.py`` prints the figure. Without that
recomputation, float rounding would differ from the exact result on roughly
half of those rows.

**Amount types and their precision.**

* integers (``int64``): exact, as integers.
* ``Decimal`` objects: exact; the rare recomputed rows use the ``Decimal``
  itself. Object columns are read element by element (about 1 µs a row).
* strings (``"440000000"``, ``"1250.50"``): parsed as ``Decimal`` exactly, with
  the rules of :class:`~aidtrack.money.Money` (no thousands separators).
* floats: each float stands for its shortest repr, as in ``Money(0.1, ...)``
  (``0.1`` is ``Decimal("0.1")``); a float cannot hold more than about 15
  significant digits, so use ``Decimal`` or strings for larger exact figures.

**Rows with no result** (no rate for that currency and date, an unknown
currency, a bad date or amount) are never dropped: with ``errors="raise"`` (the
default) :class:`UnconvertibleRowsError` lists every one (index, currency,
date, reason, with the same reason text as the scalar error); with
``errors="coerce"`` they get missing values and a ``problem`` column says why,
and :func:`conversion_problems` returns the report as a frame.

**The accessor.** Importing :mod:`aidtrack.frame` registers the pandas accessor
``df.aidtrack`` (``import aidtrack`` alone never imports pandas, so it cannot
register it). Every module that needs it (:mod:`aidtrack.aggregate`,
:mod:`aidtrack.collection`, :mod:`aidtrack.formats`, :mod:`aidtrack.plot`)
imports this one, and :func:`register_accessor` does it explicitly::

    import aidtrack.frame  # registers df.aidtrack
    df.aidtrack.convert(to="EUR", policy="monthly_mean")
    df.aidtrack.totals(by=["donor", "quarter"])
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from .currency import minor_units, normalize_currency
from .errors import AidtrackError, UnknownCurrencyError
from .money import Rounding, to_decimal
from .policy import (
    DEFAULT_MAX_LOOKBACK_DAYS,
    RATE_CONTEXT,
    FixedDate,
    Policy,
    PolicyLike,
    RatePolicy,
    as_policy,
    policy_name,
)
from .ratetable import RateTable
from .sources import SourceLike, resolve_table

if TYPE_CHECKING:
    from .pledge import Pledge

__all__ = [
    "META_KEY",
    "AidtrackAccessor",
    "ConversionProblem",
    "Errors",
    "InvalidFrameError",
    "OutputDtype",
    "UnconvertibleRowsError",
    "conversion_meta",
    "conversion_problems",
    "convert_frame",
    "register_accessor",
]

META_KEY = "aidtrack"
"""Key of the conversion's metadata in ``DataFrame.attrs``."""

Errors: TypeAlias = Literal["raise", "coerce"]
OutputDtype: TypeAlias = Literal["float", "decimal"]

_EPOCH = date(1970, 1, 1).toordinal()
_REL_TOL = 2e-15
"""Relative error bound of the float path (about 3x the worst case of 6 roundings of 2**-53)."""
_MAX_SCALED = float(2**50)
"""Above this many minor units a float cannot tell neighbouring results apart: recompute exactly."""

# leg status codes (per currency and day)
_OK, _BEFORE, _AFTER, _BAD = 0, 1, 2, 3


class InvalidFrameError(AidtrackError, ValueError):
    """A frame lacks a needed column, or an output column would overwrite an input column."""

    def __init__(self, message: str, *, columns: Sequence[str] = ()) -> None:
        self.columns = tuple(columns)
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class ConversionProblem:
    """One row that could not be converted: where it is, its values, and why."""

    index: object
    """The row's label in the frame's index."""
    position: int
    """The row's 0-based position in the frame."""
    currency: object
    date: object
    reason: str

    def __str__(self) -> str:
        return f"row {self.index!r} ({self.currency}, {self.date}): {self.reason}"


class UnconvertibleRowsError(AidtrackError, ValueError, LookupError):
    """Some rows of a frame have no result: no rate for their currency and date, or bad values.

    ``problems`` lists every such row (not only the first); :meth:`report`
    returns them as a DataFrame. Pass ``errors="coerce"`` to get missing values
    and a ``problem`` column instead.
    """

    def __init__(self, problems: Sequence[ConversionProblem], *, rows: int) -> None:
        self.problems = tuple(problems)
        self.rows = rows
        shown = "\n  ".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        n = len(self.problems)
        super().__init__(
            f"{n} of {rows} row{'s' if rows != 1 else ''} cannot be converted "
            f"(errors='coerce' gives missing values and a 'problem' column instead):\n  {shown}{tail}"
        )

    def report(self) -> pd.DataFrame:
        """The problems as a DataFrame: ``index, position, currency, date, reason``."""
        return _report_frame(self.problems)


def _report_frame(problems: Sequence[ConversionProblem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "index": [p.index for p in problems],
            "position": pd.array([p.position for p in problems], dtype="int64"),
            "currency": [p.currency for p in problems],
            "date": [p.date for p in problems],
            "reason": [p.reason for p in problems],
        },
        columns=["index", "position", "currency", "date", "reason"],
    )


# ---------------------------------------------------------------------------
# Per-currency lookup tables: one entry per day from the first fixing to the
# end of coverage, built once per (table, currency, policy) and cached.


@dataclass(frozen=True)
class _Leg:
    status: np.ndarray[Any, np.dtype[np.int8]]
    rate: np.ndarray[Any, np.dtype[np.float64]]
    pos: np.ndarray[Any, np.dtype[np.int32]]  # series index (daily/exact) or window index (means)
    first: np.ndarray[Any, np.dtype[np.int64]]
    last: np.ndarray[Any, np.dtype[np.int64]]
    count: np.ndarray[Any, np.dtype[np.int32]]
    exact: Sequence[Decimal] | Sequence[str]  # exact means per window, or the series' raw strings


_CACHE: weakref.WeakKeyDictionary[RateTable, dict[tuple[str, str, int], _Leg]] = weakref.WeakKeyDictionary()


def _days(table: RateTable) -> tuple[int, int]:
    return int(table.calendar[0]), table.coverage_end.toordinal()


def _leg(table: RateTable, currency: str, kind: str, lookback: int) -> _Leg:
    per_table = _CACHE.setdefault(table, {})
    key = (currency, kind, lookback if kind == "daily" else -1)
    leg = per_table.get(key)
    if leg is None:
        leg = per_table[key] = _build_leg(table, currency, kind, lookback)
    return leg


def _build_leg(table: RateTable, currency: str, kind: str, lookback: int) -> _Leg:
    o0, o_end = _days(table)
    days = np.arange(o0, o_end + 1, dtype=np.int64)
    series = table.series(currency)
    ords, rates = series.as_numpy()
    first = int(ords[0])
    n = len(ords)
    if kind in ("daily", "exact"):
        if kind == "daily":
            cal = np.asarray(table.calendar, dtype=np.int64)
            fixday = cal[np.searchsorted(cal, days, side="right") - 1]
        else:
            fixday = days
        i = np.minimum(np.searchsorted(ords, fixday), n - 1)
        found = ords[i] == fixday
        status = np.where(found, _OK, _BAD).astype(np.int8)
        if kind == "daily":
            status[(days - fixday) > lookback] = _BAD
        status[days < first] = _BEFORE
        return _Leg(
            status,
            rates[i],
            i.astype(np.int32),
            fixday,
            fixday,
            np.ones(len(days), dtype=np.int32),
            series.raw,
        )
    unit = "M8[M]" if kind == "monthly_mean" else "M8[Y]"
    window = (days - _EPOCH).astype("M8[D]").astype(unit)
    window_end = (window + 1).astype("M8[D]").astype(np.int64) - 1 + _EPOCH
    fix_windows = (ords - _EPOCH).astype("M8[D]").astype(unit).astype(np.int64)
    uniq, starts, counts = np.unique(fix_windows, return_index=True, return_counts=True)
    means: list[Decimal] = []
    raw = series.raw
    for s, c in zip(starts.tolist(), counts.tolist(), strict=True):
        # the same expression as policy.quote, so the 28-digit means are identical
        total = sum((Decimal(raw[k]) for k in range(s, s + c)), Decimal(0))
        means.append(RATE_CONTEXT.divide(total, Decimal(c)))
    k = np.searchsorted(uniq, window.astype(np.int64))
    kc = np.minimum(k, len(uniq) - 1)
    found = uniq[kc] == window.astype(np.int64)
    status = np.where(found, _OK, _BAD).astype(np.int8)
    status[window_end > o_end] = _BAD
    status[days < first] = _BEFORE
    mean_floats = np.array([float(m) for m in means], dtype=np.float64)
    return _Leg(
        status,
        mean_floats[kc],
        kc.astype(np.int32),
        ords[starts[kc]],
        ords[starts[kc] + counts[kc] - 1],
        counts[kc].astype(np.int32),
        means,
    )


# ---------------------------------------------------------------------------
# Reading the input columns


@dataclass
class _Amounts:
    floats: np.ndarray[Any, np.dtype[np.float64]]
    bad: dict[int, str]  # position -> reason
    exact: list[Decimal | None] | None  # per row, for object columns
    kind: str  # "int", "float" or "object"
    values: np.ndarray[Any, Any]

    def decimal(self, i: int) -> Decimal:
        if self.exact is not None:
            d = self.exact[i]
            assert d is not None
            return d
        v = self.values[i]
        return Decimal(int(v)) if self.kind == "int" else to_decimal(float(v))


def _read_amounts(col: pd.Series) -> _Amounts:
    dtype = col.dtype
    n = len(col)
    if pd.api.types.is_bool_dtype(dtype):
        reason = "amount must be a number, not a boolean"
        return _Amounts(np.full(n, np.nan), dict.fromkeys(range(n), reason), None, "float", np.zeros(n))
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        is_int = pd.api.types.is_integer_dtype(dtype)
        if isinstance(dtype, np.dtype):
            values = col.to_numpy()
            na = np.zeros(n, dtype=bool) if is_int else ~np.isfinite(values)
        else:  # nullable Int64 / Float64
            na_mask = col.isna().to_numpy()
            values = col.to_numpy(dtype=np.int64 if is_int else np.float64, na_value=0)
            na = na_mask if is_int else (na_mask | ~np.isfinite(values))
        floats = values.astype(np.float64)
        bad: dict[int, str] = {}
        for i in np.flatnonzero(na).tolist():
            v = col.iloc[i]
            bad[i] = "missing amount" if pd.isna(v) else f"amount must be a finite number, got {float(v)!r}"
        return _Amounts(floats, bad, None, "int" if is_int else "float", values)
    values = col.to_numpy(dtype=object)
    floats = np.empty(n, dtype=np.float64)
    exact: list[Decimal | None] = [None] * n
    bad = {}
    for i, v in enumerate(values.tolist()):
        if v is None or (not isinstance(v, str | Decimal) and pd.isna(v)):
            bad[i] = "missing amount"
            floats[i] = np.nan
            continue
        try:
            d = to_decimal(v.item() if isinstance(v, np.generic) else v)
        except ValueError as exc:
            bad[i] = str(exc)
            floats[i] = np.nan
            continue
        exact[i] = d
        floats[i] = float(d)
    return _Amounts(floats, bad, exact, "object", values)


def _read_currencies(
    col: pd.Series, table: RateTable, to: str
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], list[str | None], dict[int, str]]:
    """Codes into ``names`` (normalised currency, or None when invalid) and reasons per bad code."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64)
        uniques = list(col.cat.categories)
    else:
        fcodes, funiq = pd.factorize(col, use_na_sentinel=True)
        codes = np.asarray(fcodes, dtype=np.int64)
        uniques = list(funiq)
    names: list[str | None] = []
    reasons: dict[int, str] = {}
    for k, raw in enumerate(uniques):
        try:
            name = normalize_currency(raw)
        except UnknownCurrencyError as exc:
            names.append(None)
            reasons[k] = str(exc)
            continue
        if name not in (to, table.base) and name not in table:
            try:
                table.series(name)
            except UnknownCurrencyError as exc:
                names.append(None)
                reasons[k] = str(exc)
                continue
        names.append(name)
    return codes, names, reasons


def _read_dates(col: pd.Series) -> tuple[np.ndarray[Any, np.dtype[np.int64]], dict[int, str]]:
    """Day ordinals (0 where bad) and reasons per bad position."""
    from ._dates import parse_iso_date

    n = len(col)
    bad: dict[int, str] = {}
    dtype = col.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return np.zeros(n, dtype=np.int64), dict.fromkeys(
            range(n), "conversion date must be a calendar date, got a time-zone-aware date-time"
        )
    if pd.api.types.is_datetime64_dtype(dtype):
        values = col.to_numpy()
        nat = np.isnat(values)
        days = values.astype("M8[D]")
        ords = days.astype(np.int64) + _EPOCH
        timed = ~nat & (days != values)
        for i in np.flatnonzero(nat).tolist():
            bad[i] = "missing date"
        for i in np.flatnonzero(timed).tolist():
            bad[i] = f"conversion date must be a calendar date, got a date-time {pd.Timestamp(values[i]).isoformat()!r}"
        ords[nat | timed] = 0
        return ords, bad
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    table = np.zeros(len(uniques) + 1, dtype=np.int64)  # last slot: NA
    reasons: dict[int, str] = {}
    for k, raw in enumerate(uniques):
        value = raw.to_pydatetime() if isinstance(raw, pd.Timestamp) else raw
        try:
            table[k] = parse_iso_date(value, what="conversion date").toordinal()
        except ValueError as exc:
            reasons[k] = str(exc)
    codes = np.asarray(codes, dtype=np.int64)
    codes[codes < 0] = len(uniques)
    ords = table[codes]
    for i in np.flatnonzero(codes == len(uniques)).tolist():
        bad[i] = "missing date"
    if reasons:
        bad_codes = np.array(sorted(reasons), dtype=np.int64)
        for i in np.flatnonzero(np.isin(codes, bad_codes)).tolist():
            bad[i] = reasons[int(codes[i])]
    return ords, bad


# ---------------------------------------------------------------------------
# Conversion


def convert_frame(
    frame: pd.DataFrame,
    to: str,
    *,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
    errors: Errors = "raise",
    amount: str = "amount",
    currency: str = "currency",
    date: str = "date",
    into: str = "converted",
    dtype: OutputDtype = "float",
) -> pd.DataFrame:
    """Convert every row of ``frame`` into ``to`` at the rate for its date (see the module docs).

    The arguments mean what they mean for :func:`aidtrack.convert`;
    ``amount``, ``currency`` and ``date`` name the input columns, ``into`` the
    result column. Raises :class:`UnconvertibleRowsError` listing every row
    without a result unless ``errors="coerce"``, and
    :class:`InvalidFrameError` when a column is missing or an output column
    already exists.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"amount": ["500000000"], "currency": ["USD"], "date": ["2025-01-09"]})
    >>> out = convert_frame(df, "EUR", policy="monthly_mean", dtype="decimal")
    >>> out.loc[0, "converted"], out.loc[0, "fixing_count"]
    (Decimal('482917877.62'), np.int32(22))
    """
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', got {errors!r}")
    if dtype not in ("float", "decimal"):
        raise ValueError(f"dtype must be 'float' or 'decimal', got {dtype!r}")
    if max_lookback_days < 0:
        raise ValueError(f"max_lookback_days must be 0 or more, got {max_lookback_days}")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"convert_frame() needs a pandas DataFrame, not {type(frame).__name__}")
    target = normalize_currency(to)
    pol = as_policy(policy)
    mode = Rounding(rounding)
    missing = [c for c in (amount, currency, date) if c not in frame.columns]
    if missing:
        raise InvalidFrameError(
            f"the frame has no column {', '.join(repr(c) for c in missing)} "
            f"(columns: {', '.join(map(str, frame.columns))}); name the columns with amount=, currency=, date=",
            columns=missing,
        )
    mean = isinstance(pol, RatePolicy) and pol in (RatePolicy.MONTHLY_MEAN, RatePolicy.ANNUAL_MEAN)
    fixing_cols = ["fixing_first", "fixing_last", "fixing_count"] if mean else ["fixing_date"]
    out_cols = [into, "rate", *fixing_cols, "rate_source"] + (["problem"] if errors == "coerce" else [])
    clash = [c for c in out_cols if c in frame.columns]
    if clash:
        raise InvalidFrameError(
            f"the frame already has column(s) {', '.join(map(repr, clash))}, which the conversion would "
            "overwrite; drop or rename them first (or name the result with into=)",
            columns=clash,
        )
    table = resolve_table(source)
    n = len(frame)
    amounts = _read_amounts(frame[amount])
    codes, names, cur_reasons = _read_currencies(frame[currency], table, target)
    ords, date_bad = _read_dates(frame[date])

    # per-row problems with the input values: currency, then amount, then date (the order of convert())
    bad_reason: dict[int, str] = {}
    na_cur = np.flatnonzero(codes < 0).tolist()
    for i in na_cur:
        bad_reason[i] = "missing currency"
    if cur_reasons:
        bad_codes = np.array(sorted(cur_reasons), dtype=np.int64)
        for i in np.flatnonzero(np.isin(codes, bad_codes)).tolist():
            bad_reason[i] = cur_reasons[int(codes[i])]
    for i, r in amounts.bad.items():
        bad_reason.setdefault(i, r)
    for i, r in date_bad.items():
        bad_reason.setdefault(i, r)

    # leg indices: -1 is the base currency (rate 1) ; same-currency rows need no rate
    leg_names = sorted({c for c in names if c is not None and c != table.base})
    leg_of_name = {c: k for k, c in enumerate(leg_names)}
    code_leg = np.array([leg_of_name.get(c, -1) if c else -1 for c in names] + [-1], dtype=np.int64)
    code_same = np.array([c == target for c in names] + [False], dtype=bool)
    safe_codes = np.where(codes < 0, len(names), codes)
    src_leg = code_leg[safe_codes]
    same = code_same[safe_codes]
    dst_leg_index = -1 if target == table.base else None
    valid = np.ones(n, dtype=bool)
    if bad_reason:
        valid[np.fromiter(bad_reason, dtype=np.int64)] = False

    kind = policy_name(pol) if isinstance(pol, RatePolicy) else "daily"
    legs: list[_Leg] = [_leg(table, c, kind, max_lookback_days) for c in leg_names]
    dst_leg: _Leg | None = None
    if dst_leg_index is None:
        dst_leg = _leg(table, target, kind, max_lookback_days)
    o0, o_end = _days(table)
    ndays = o_end - o0 + 1
    rate_ords = np.full(n, pol.on.toordinal(), dtype=np.int64) if isinstance(pol, FixedDate) else ords
    day = rate_ords - o0
    before = day < 0
    after = day >= ndays
    day_c = np.clip(day, 0, ndays - 1)

    def gather(k: np.ndarray[Any, Any], name: str) -> np.ndarray[Any, Any]:
        if not legs:
            return np.zeros(n)
        stacked = np.stack([getattr(lg, name) for lg in legs])
        return stacked[np.maximum(k, 0), day_c]  # type: ignore[no-any-return]

    def status_of(leg_rows: np.ndarray[Any, Any] | None, leg: _Leg | None) -> np.ndarray[Any, Any]:
        if leg is not None:
            st = leg.status[day_c].copy()
        else:
            assert leg_rows is not None
            st = gather(leg_rows, "status") if legs else np.zeros(n, dtype=np.int8)
        st[after] = _AFTER
        st[before] = _BEFORE
        if leg is None:
            assert leg_rows is not None
            st[leg_rows < 0] = _OK  # the base currency always has rate 1
        return st

    src_status = status_of(src_leg, None)
    dst_status = np.zeros(n, dtype=np.int8) if dst_leg is None else status_of(None, dst_leg)
    needs_rate = valid & ~same
    rate_bad = needs_rate & ((src_status != _OK) | (dst_status != _OK))
    if rate_bad.any():
        _rate_reasons(
            frame,
            amount,
            currency,
            date,
            np.flatnonzero(rate_bad),
            names,
            codes,
            ords,
            target,
            pol,
            table,
            mode,
            max_lookback_days,
            bad_reason,
        )
        valid &= ~rate_bad
    ok_conv = valid & ~same

    # rates
    src_rate = np.where(src_leg >= 0, gather(src_leg, "rate") if legs else 1.0, 1.0)
    dst_rate = np.ones(n) if dst_leg is None else dst_leg.rate[day_c]
    rate = np.where(ok_conv, dst_rate / np.where(ok_conv, src_rate, 1.0), np.where(same & valid, 1.0, np.nan))
    with np.errstate(invalid="ignore", over="ignore"):
        x = amounts.floats * np.where(ok_conv, dst_rate, 1.0) / np.where(ok_conv, src_rate, 1.0)
        mu = minor_units(target)
        scaled = x * float(10**mu)
        half_even = mode is Rounding.HALF_EVEN
        rounded = np.rint(scaled) if half_even else np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
        dist = np.abs(scaled - np.floor(scaled) - 0.5)
        risky = valid & ((dist <= np.abs(scaled) * _REL_TOL) | ~(np.abs(scaled) < _MAX_SCALED))
    minor = np.where(valid, rounded, 0.0).astype(np.int64)
    exact_rows = np.flatnonzero(risky)
    big: dict[int, int] = {}
    if len(exact_rows):
        big = _recompute(exact_rows, amounts, same, src_leg, legs, dst_leg, day_c, target, mode)
        for i, v in big.items():
            if abs(v) < 2**62:
                minor[i] = v
    scale = float(10**mu)
    converted_f = np.where(valid, minor / scale, np.nan)
    for i, v in big.items():  # beyond int64: only the Decimal output is exact
        converted_f[i] = float(Decimal(v).scaleb(-mu))

    out = frame.copy(deep=False)
    if dtype == "decimal":
        dec_values: list[Decimal | None] = [None] * n
        for i in np.flatnonzero(valid).tolist():
            dec_values[i] = Decimal(big[i] if i in big else int(minor[i])).scaleb(-mu)
        out[into] = pd.Series(dec_values, index=frame.index, dtype=object)
    else:
        out[into] = converted_f
    out["rate"] = rate

    # fixing dates
    if mean:
        _mean_fixings(out, n, ok_conv, src_leg, leg_names, legs, dst_leg, day_c, gather, table, target)
    else:
        # both legs of a cross rate use the same fixing day
        fix = gather(src_leg, "first").astype(np.int64)
        if dst_leg is not None:
            fix = np.where(src_leg >= 0, fix, dst_leg.first[day_c])
        out["fixing_date"] = _to_datetime(fix, ok_conv)
    src_name = table.info.key
    out["rate_source"] = pd.Categorical.from_codes(
        np.where(ok_conv, 0, -1).astype(np.int64), dtype=pd.CategoricalDtype([src_name])
    )
    problems = _problems(frame, currency, date, bad_reason)
    if problems and errors == "raise":
        raise UnconvertibleRowsError(problems, rows=n)
    if errors == "coerce":
        problem_col: list[str | None] = [None] * n
        for p in problems:
            problem_col[p.position] = p.reason
        out["problem"] = pd.Series(problem_col, index=frame.index, dtype=object)
    out.attrs[META_KEY] = {
        "to": target,
        "policy": policy_name(pol),
        "rounding": mode.value,
        "source": table.info,
        "amount": amount,
        "currency": currency,
        "date": date,
        "converted": into,
        "problems": len(problems),
    }
    return out


def _problems(frame: pd.DataFrame, currency: str, date: str, reasons: dict[int, str]) -> list[ConversionProblem]:
    rows = sorted(reasons)
    if not rows:
        return []
    labels = frame.index.take(rows).tolist()
    curs = frame[currency].take(rows).tolist()
    days = frame[date].take(rows).tolist()
    return [
        ConversionProblem(label, i, _plain(c), _plain(d), reasons[i])
        for label, i, c, d in zip(labels, rows, curs, days, strict=True)
    ]


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() and value.tzinfo is None else value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _to_datetime(ords: np.ndarray[Any, Any], mask: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    days = (np.where(mask, ords, _EPOCH) - _EPOCH).astype("M8[D]").astype("M8[s]")
    days[~mask] = np.datetime64("NaT")
    return days


def _mean_fixings(
    out: pd.DataFrame,
    n: int,
    ok: np.ndarray[Any, Any],
    src_leg: np.ndarray[Any, Any],
    leg_names: list[str],
    legs: list[_Leg],
    dst_leg: _Leg | None,
    day_c: np.ndarray[Any, Any],
    gather: Any,
    table: RateTable,
    target: str,
) -> None:
    if legs:
        s_first, s_last, s_count = gather(src_leg, "first"), gather(src_leg, "last"), gather(src_leg, "count")
    else:
        s_first = s_last = np.zeros(n, dtype=np.int64)
        s_count = np.zeros(n, dtype=np.int32)
    if dst_leg is None:
        first, last, count = s_first, s_last, s_count
    else:
        d_first, d_last, d_count = dst_leg.first[day_c], dst_leg.last[day_c], dst_leg.count[day_c]
        only_dst = src_leg < 0
        first = np.where(only_dst, d_first, s_first)
        last = np.where(only_dst, d_last, s_last)
        count = np.where(only_dst, d_count, s_count).astype(np.int32)
        cross = np.flatnonzero(ok & ~only_dst)
        if len(cross):
            # a cross rate averages each currency over its own fixings: report the union of both
            combos = pd.DataFrame(
                {
                    "k": src_leg[cross],
                    "f": s_first[cross],
                    "l": s_last[cross],
                    "df": d_first[cross],
                    "dl": d_last[cross],
                }
            )
            codes, uniq = pd.factorize(pd.MultiIndex.from_frame(combos))
            dst_ords = table.series(target).as_numpy()[0]
            u_first = np.empty(len(uniq), dtype=np.int64)
            u_last = np.empty(len(uniq), dtype=np.int64)
            u_count = np.empty(len(uniq), dtype=np.int32)
            for j, (k, f, lst, df_, dl) in enumerate(uniq):
                src_ords = table.series(leg_names[k]).as_numpy()[0]
                a = src_ords[np.searchsorted(src_ords, f) : np.searchsorted(src_ords, lst, side="right")]
                b = dst_ords[np.searchsorted(dst_ords, df_) : np.searchsorted(dst_ords, dl, side="right")]
                union = np.union1d(a, b)
                u_first[j], u_last[j], u_count[j] = union[0], union[-1], len(union)
            first[cross] = u_first[codes]
            last[cross] = u_last[codes]
            count[cross] = u_count[codes]
    out["fixing_first"] = _to_datetime(first, ok)
    out["fixing_last"] = _to_datetime(last, ok)
    out["fixing_count"] = np.where(ok, count, 0).astype(np.int32)


def _recompute(
    rows: np.ndarray[Any, Any],
    amounts: _Amounts,
    same: np.ndarray[Any, Any],
    src_leg: np.ndarray[Any, Any],
    legs: list[_Leg],
    dst_leg: _Leg | None,
    day_c: np.ndarray[Any, Any],
    target: str,
    mode: Rounding,
) -> dict[int, int]:
    """Exact minor units for ``rows``, with the formula and contexts of :func:`aidtrack.conversion.convert_money`."""
    from .conversion import EXACT_CONTEXT
    from .money import quantum

    q = quantum(target)
    mu = minor_units(target)
    out: dict[int, int] = {}
    for i in rows.tolist():
        a = amounts.decimal(i)
        if same[i]:
            value = a.quantize(q, rounding=mode.decimal_mode)
        else:
            k = int(src_leg[i])
            d = int(day_c[i])
            src = _exact_rate(legs[k], d) if k >= 0 else Decimal(1)
            dst = _exact_rate(dst_leg, d) if dst_leg is not None else Decimal(1)
            unrounded = EXACT_CONTEXT.divide(EXACT_CONTEXT.multiply(a, dst), src)
            value = unrounded.quantize(q, rounding=mode.decimal_mode)
        out[i] = int(value.scaleb(mu))
    return out


def _exact_rate(leg: _Leg, day: int) -> Decimal:
    value = leg.exact[int(leg.pos[day])]
    return value if isinstance(value, Decimal) else Decimal(value)


def _rate_reasons(
    frame: pd.DataFrame,
    amount: str,
    currency: str,
    date_col: str,
    rows: np.ndarray[Any, Any],
    names: list[str | None],
    codes: np.ndarray[Any, Any],
    ords: np.ndarray[Any, Any],
    target: str,
    pol: Policy,
    table: RateTable,
    mode: Rounding,
    lookback: int,
    into: dict[int, str],
) -> None:
    """The scalar error's text for each row without a rate (computed once per currency and date)."""
    from .conversion import convert_money
    from .money import Money

    cache: dict[tuple[int, int], str] = {}
    for i in rows.tolist():
        key = (int(codes[i]), int(ords[i]))
        reason = cache.get(key)
        if reason is None:
            cur = names[key[0]]
            assert cur is not None
            try:
                convert_money(
                    Money(1, cur),
                    target,
                    date.fromordinal(key[1]),
                    pol,
                    table,
                    rounding=mode,
                    max_lookback_days=lookback,
                )
            except AidtrackError as exc:
                reason = str(exc)
            else:  # pragma: no cover - the tables and quote() disagree: a bug, never a silent result
                raise AssertionError(f"vectorised lookup found no rate where quote() has one: {cur} {key[1]}")
            cache[key] = reason
        into[i] = reason


# ---------------------------------------------------------------------------
# Reports and metadata


def conversion_meta(frame: pd.DataFrame) -> dict[str, Any]:
    """The metadata :func:`convert_frame` stored in ``frame.attrs`` (raises if there is none)."""
    meta = frame.attrs.get(META_KEY)
    if not isinstance(meta, dict) or meta.get("converted") not in frame.columns:
        raise InvalidFrameError(
            "this frame is not the result of aidtrack.frame.convert_frame (no conversion metadata in "
            "frame.attrs, or its result column is gone)"
        )
    return meta


def conversion_problems(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a converted frame (``errors="coerce"``) that have no result, as a report.

    Columns: ``index, position, currency, date, reason`` (empty when every row converted).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"amount": [1, 2], "currency": ["USD", "USD"], "date": ["2025-01-09", "1990-01-01"]})
    >>> conversion_problems(convert_frame(df, "EUR", errors="coerce"))[["index", "currency", "date"]]
       index currency        date
    0      1      USD  1990-01-01
    """
    meta = conversion_meta(frame)
    if "problem" not in frame.columns:
        return _report_frame([])
    mask = frame["problem"].notna().to_numpy()
    reasons = {i: str(r) for i, r in zip(np.flatnonzero(mask).tolist(), frame["problem"][mask].tolist(), strict=True)}
    problems = _problems(frame, meta["currency"], meta["date"], reasons)
    return _report_frame(problems)


# ---------------------------------------------------------------------------
# The accessor


class AidtrackAccessor:
    """``df.aidtrack``: aidtrack's conversions and aggregations on a DataFrame.

    The methods take the arguments of the functions they call, with the same
    names and meaning as the scalar API (:func:`aidtrack.convert`,
    :func:`aidtrack.totals`).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def convert(self, to: str, **kwargs: Any) -> pd.DataFrame:
        """:func:`convert_frame` of this frame."""
        return convert_frame(self._frame, to, **kwargs)

    def problems(self) -> pd.DataFrame:
        """:func:`conversion_problems` of this (converted) frame."""
        return conversion_problems(self._frame)

    def totals(self, to: str | None = None, by: Any = "donor", **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.aggregate.totals` of this frame."""
        from .aggregate import totals

        return totals(self._frame, to, by, **kwargs)

    def pivot(self, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.aggregate.pivot_totals` (donor x period) of this frame."""
        from .aggregate import pivot_totals

        return pivot_totals(self._frame, to, **kwargs)

    def cumulative(self, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.aggregate.cumulative_totals` of this frame."""
        from .aggregate import cumulative_totals

        return cumulative_totals(self._frame, to, **kwargs)

    def shares(self, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.aggregate.shares` of this frame."""
        from .aggregate import shares

        return shares(self._frame, to, **kwargs)

    def top(self, n: int = 10, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.aggregate.top_donors` of this frame."""
        from .aggregate import top_donors

        return top_donors(self._frame, n, to, **kwargs)

    def to_pledges(self, **kwargs: Any) -> list[Pledge]:
        """:func:`aidtrack.collection.frame_to_pledges` of this frame."""
        from .collection import frame_to_pledges

        return frame_to_pledges(self._frame, **kwargs)

    def plot_cumulative(self, to: str | None = None, **kwargs: Any) -> Any:
        """:func:`aidtrack.plot.plot_cumulative` of this frame (needs matplotlib)."""
        from .plot import plot_cumulative

        return plot_cumulative(self._frame, to, **kwargs)


def register_accessor() -> None:
    """Register ``df.aidtrack`` (done when this module is imported; calling it again is harmless)."""
    if not isinstance(getattr(pd.DataFrame, "aidtrack", None), type) and "aidtrack" not in getattr(
        pd.DataFrame, "_accessors", set()
    ):
        pd.api.extensions.register_dataframe_accessor("aidtrack")(AidtrackAccessor)


register_accessor()
