"""Aggregations over many pledges, vectorised: totals, donor x period pivots, running totals, shares, top N.

Every function takes ``data``: a DataFrame of pledges (``amount``,
``currency``, ``date`` and the grouping columns, as from
:func:`aidtrack.frames.rows.pledges_to_frame` or a pledge file), a frame
already converted by :func:`aidtrack.frames.convert.convert_frame` (used as it is), or
an iterable of :class:`~aidtrack.pledge.Pledge`. ``to`` and ``policy`` default
to ``"EUR"`` and ``"daily"`` for unconverted data and to the conversion's own
for a converted frame (giving a different one is an error, not a silent
re-conversion).

The totals are exact: each row is converted and rounded once to the target's
minor unit (identical to :func:`aidtrack.convert`), and the rounded amounts are
summed as integers of minor units, so **every grouping adds up to the grand
total to the cent**, and each total is the sum of per-pledge figures a reader
can check. Totals are ``Decimal`` objects.

Every result is a tidy DataFrame with ``count`` (pledges in the row) and
``bound_count`` (how many of them are only a floor or a ceiling:
``qualifier`` ``at_least`` / ``at_most``; a frame without a ``qualifier``
column has none). When ``bound_count`` is not zero, the total is a bound, not
an exact figure. ``df.attrs`` holds ``currency``, ``policy``, ``grand_total``
(a :class:`~aidtrack.money.Money`), ``source``, ``count`` and ``bound_count``,
as for :func:`aidtrack.totals`.

>>> import pandas as pd
>>> df = pd.DataFrame({"donor": ["Canada", "Norway", "Canada"],
...                    "amount": [440_000_000, 2_000_000_000, 200_000_000],
...                    "currency": ["CAD", "EUR", "CAD"],
...                    "date": ["2025-01-09", "2025-01-09", "2025-04-02"],
...                    "qualifier": ["exact", "at_least", "exact"]})
>>> totals(df, "EUR", by=["donor", "quarter"])
    donor quarter currency          total  count  bound_count
0  Canada  2025Q1      EUR   296675881.60      1            0
1  Canada  2025Q2      EUR   129207313.13      1            0
2  Norway  2025Q1      EUR  2000000000.00      1            1
>>> top_donors(df, 1, "EUR")[["rank", "donor", "total", "share", "count"]]
   rank            donor          total     share  count
0     1           Norway  2000000000.00  0.824442      1
1  <NA>  other (1 donor)   425883194.73  0.175558      2
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

import numpy as np
import pandas as pd

from aidtrack.amounts import MONEY_CONTEXT, RATE_CONTEXT, Rounding
from aidtrack.errors import (
    AidtrackError,
    InvalidArgumentError,
    InvalidFrameError,
    InvalidGroupingError,
    UnknownCurrencyError,
)
from aidtrack.frames.convert import (
    META_KEY,
    UnconvertibleRowsError,
    conversion_problems,
    convert_frame,
)
from aidtrack.frames.real import DenominatorYear, Prices, add_shares, check_prices, constant_prices
from aidtrack.money import Money
from aidtrack.pledge import Qualifier
from aidtrack.policy import DEFAULT_MAX_LOOKBACK_DAYS, PolicyLike, as_policy, policy_name

if TYPE_CHECKING:
    from aidtrack.pledge import Pledge
    from aidtrack.rates.sources import SourceLike
    from aidtrack.rates.table import SourceInfo

__all__ = [
    "GROUP_KEYS",
    "PERIODS",
    "TOTAL_COLUMNS",
    "GroupKey",
    "PartialTotals",
    "Period",
    "cumulative_totals",
    "finish_totals",
    "grand_total",
    "group_keys",
    "partial_totals",
    "pivot_totals",
    "prepare",
    "shares",
    "top_donors",
    "totals",
    "totals_from_partials",
]

Period = Literal["day", "week", "month", "quarter", "year"]
Data = pd.DataFrame | Iterable["Pledge"]
GroupKey: TypeAlias = Literal[
    "donor", "country", "category", "measure", "qualifier", "day", "week", "month", "quarter", "year"
]
GROUP_KEYS: tuple[str, ...] = get_args(GroupKey)
"""Everything ``by=`` accepts: record fields, and periods of the announcement date."""
PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
TOTAL_COLUMNS = ("currency", "total", "count", "bound_count")
"""The columns after the group keys in every totals table."""
_BOUND = frozenset(q.value for q in Qualifier if q.is_bound)
"""Qualifier values whose figure is only a floor or a ceiling (from :attr:`Qualifier.is_bound`)."""


def group_keys(by: GroupKey | str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    keys = [by] if isinstance(by, str) else list(by)
    for key in keys:
        if key not in GROUP_KEYS:
            raise InvalidGroupingError(key, GROUP_KEYS)
    if len(set(keys)) != len(keys):
        raise InvalidGroupingError(by, GROUP_KEYS)
    return keys


def prepare(
    data: Data,
    to: str | None = None,
    *,
    policy: PolicyLike | None = None,
    source: SourceLike | None = None,
    rounding: Rounding | str | None = None,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
    amount: str = "amount",
    currency: str = "currency",
    date: str = "date",
    rate_date: str | None = None,
) -> pd.DataFrame:
    """``data`` as a converted frame (see the module docs); every row must have a result.

    ``rate_date`` names a column whose date picks each row's rate (see
    :func:`~aidtrack.frames.convert.convert_frame`); pledges with a
    :attr:`~aidtrack.pledge.Pledge.rate_date` use theirs.
    """
    frame, rate_date, meta = _input(data, rate_date)
    if meta is not None:
        return _check_converted(frame, meta, to, policy, rounding)
    options = _conversion_options(policy, source, rounding, max_lookback_days, amount, currency, date, rate_date)
    target = "EUR" if to is None else to
    conv = convert_frame(frame, target, **options)
    meta = conv.attrs[META_KEY]
    values = conv[meta["converted"]].to_numpy(dtype=np.float64)
    from aidtrack.currency import minor_units

    top = float(np.nanmax(np.abs(values))) if len(values) and not np.isnan(values).all() else 0.0
    if top * 10 ** minor_units(meta["to"]) >= 2.0**50:
        # a float cannot hold these results to the minor unit: convert again into exact Decimals
        conv = convert_frame(frame, target, dtype="decimal", **options)
    return conv


def _input(data: Data, rate_date: str | None) -> tuple[pd.DataFrame, str | None, dict[str, Any] | None]:
    """``data`` as a frame, the rate-date column to use, and the conversion metadata of a converted frame."""
    if isinstance(data, pd.DataFrame):
        meta = data.attrs.get(META_KEY)
        if isinstance(meta, dict) and meta.get("converted") in data.columns:
            return data, rate_date, meta
        return data, rate_date, None
    from aidtrack.frames.rows import pledges_to_frame

    frame = pledges_to_frame(data)
    frame.index = pd.Index(frame["id"], name=None)  # a row without a rate is reported by its pledge id
    if rate_date is None and frame["rate_date"].notna().any():  # pledges with a rate date of their own
        rate_date = "rate_date"
    return frame, rate_date, None


def _check_converted(
    frame: pd.DataFrame, meta: dict[str, Any], to: str | None, policy: PolicyLike | None, rounding: Any
) -> pd.DataFrame:
    from aidtrack.currency import normalize_currency

    asked = {
        "currency": (None if to is None else normalize_currency(to), meta["to"]),
        "policy": (None if policy is None else policy_name(as_policy(policy)), meta["policy"]),
        "rounding": (None if rounding is None else Rounding(rounding).value, meta["rounding"]),
    }
    for what, (want, have) in asked.items():
        if want is not None and want != have:
            raise InvalidFrameError(
                f"the frame was converted with {what} {have!r}, not {want!r}; convert the original rows again "
                f"(aidtrack.frames.convert.convert_frame) or leave {what} unset"
            )
    missing = frame[meta["converted"]].isna().to_numpy()
    if missing.any():
        report = conversion_problems(frame) if "problem" in frame.columns else None
        if report is not None and len(report):
            from aidtrack.frames.convert import ConversionProblem

            problems = [ConversionProblem(*row) for row in report.itertuples(index=False, name=None)]
        else:
            from aidtrack.frames.convert import ConversionProblem

            problems = [
                ConversionProblem(frame.index[i], i, None, None, "no converted amount")
                for i in np.flatnonzero(missing).tolist()
            ]
        raise UnconvertibleRowsError(problems, rows=len(frame)) from None
    return frame


def _exact_sum(values: Any) -> Decimal:
    """The sum of ``Decimal`` values in ``MONEY_CONTEXT`` (the default context would round at 28 digits)."""
    total = Decimal(0)
    for v in values:
        total = MONEY_CONTEXT.add(total, v)
    return total


def _minor_units(conv: pd.DataFrame, meta: dict[str, Any]) -> np.ndarray[Any, Any]:
    """The converted amounts as exact whole numbers of minor units.

    A float64 array of integral values when they are below 2**50 (exact, and
    what ``np.bincount`` sums without a copy), else int64 or Python ints.
    """
    from aidtrack.currency import minor_units

    mu = minor_units(meta["to"])
    col = conv[meta["converted"]]
    if pd.api.types.is_float_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64) * float(10**mu)
        top = max(float(np.fmax.reduce(values, initial=0.0)), -float(np.fmin.reduce(values, initial=0.0)))
        if top < 2.0**50:
            ints: np.ndarray[Any, Any] = np.rint(values, out=values)  # the float is k / 10**mu: k is exact
            return ints
        # the float holds the nearest double to the exact figure: recover it through its repr
        exact: np.ndarray[Any, Any] = np.array(
            [int(Decimal(repr(v)).scaleb(mu, context=MONEY_CONTEXT)) for v in col.tolist()], dtype=object
        )
        return exact
    whole = [int(Decimal(v).scaleb(mu, context=MONEY_CONTEXT)) for v in col.tolist()]
    if all(abs(i) < 2**62 for i in whole):
        return np.array(whole, dtype=np.int64)
    return np.array(whole, dtype=object)


def _group_sums(groups: np.ndarray[Any, Any], minor: np.ndarray[Any, Any], size: int) -> list[int]:
    """Exact integer sums of ``minor`` per group code in ``0..size-1``."""
    n = len(minor)
    if minor.dtype == np.float64 and n:
        top = max(float(np.fmax.reduce(minor, initial=0.0)), -float(np.fmin.reduce(minor, initial=0.0)))
        if top * n < 2**53:  # every partial sum is an exactly representable double
            sums = np.bincount(groups, weights=minor, minlength=size)
            return [int(v) for v in sums.tolist()]
        minor = minor.astype(np.int64)
    if minor.dtype == np.int64 and n:
        top = int(np.abs(minor).max())
        if top * n < 2**53:
            sums = np.bincount(groups, weights=minor.astype(np.float64), minlength=size)
            return [int(v) for v in sums.tolist()]
        if (top >> 26) * n < 2**53 and n < 2**27:  # split into two exact halves
            low = np.bincount(groups, weights=(minor & (2**26 - 1)).astype(np.float64), minlength=size)
            high = np.bincount(groups, weights=(minor >> 26).astype(np.float64), minlength=size)
            return [int(h) * 2**26 + int(lo) for h, lo in zip(high.tolist(), low.tolist(), strict=True)]
    out = [0] * size
    for g, v in zip(groups.tolist(), minor.tolist(), strict=True):
        out[g] += int(v)
    return out


def _day_ordinals(conv: pd.DataFrame, meta: dict[str, Any]) -> np.ndarray[Any, Any]:
    from aidtrack.frames.convert import _DAY, _EPOCH, _read_dates

    col = conv[meta["date"]]
    if col.dtype == np.dtype("M8[s]"):  # a converted row's date is a valid calendar date: the fast path
        days: np.ndarray[Any, Any] = col.to_numpy().view(np.int64) // _DAY
        days += _EPOCH
        return days
    ords, bad = _read_dates(col)
    if bad:  # pragma: no cover - a converted row always has a valid date
        raise InvalidFrameError(f"bad dates in a converted frame at positions {sorted(bad)[:10]}")
    return ords


def _period_codes(ords: np.ndarray[Any, Any], freq: str) -> tuple[np.ndarray[Any, Any], list[Any]]:
    if len(ords) == 0:
        return np.zeros(0, dtype=np.int64), []
    lo, hi = int(ords.min()), int(ords.max())
    present = np.zeros(hi - lo + 1, dtype=bool)
    present[ords - lo] = True
    days = np.flatnonzero(present) + lo
    from aidtrack.frames.convert import _EPOCH

    periods = pd.PeriodIndex((days - _EPOCH).astype("M8[D]"), freq=freq)
    pcodes, uniques = pd.factorize(periods, sort=True)
    lookup = np.zeros(hi - lo + 1, dtype=np.int32)
    lookup[days - lo] = pcodes
    codes: np.ndarray[Any, Any] = lookup.take(ords - lo)
    return codes, list(uniques)


def _column_codes(col: pd.Series, *, blank_na: bool) -> tuple[np.ndarray[Any, Any], list[Any]]:
    if blank_na and col.isna().any():
        col = col.astype(object).where(col.notna(), "")
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = list(col.cat.categories)
        order = sorted(range(len(cats)), key=lambda k: cats[k])
        rank = np.empty(len(cats) + 1, dtype=np.int32)
        rank[np.array(order, dtype=np.int64)] = np.arange(len(cats))
        rank[len(cats)] = len(cats)  # code -1 (missing) picks this last entry
        labels: list[Any] = [cats[k] for k in order] + [None]
        return rank[col.array.codes], labels
    codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), [None if pd.isna(u) else u for u in uniques]


def _bound_mask(conv: pd.DataFrame) -> np.ndarray[Any, Any]:
    if "qualifier" not in conv.columns:
        return np.zeros(len(conv), dtype=bool)
    col = conv["qualifier"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        flags = np.array([str(c).strip().lower() in _BOUND for c in col.cat.categories] + [False])
        codes = col.array.codes.astype(np.int64)
        picked: np.ndarray[Any, Any] = flags[np.where(codes < 0, len(flags) - 1, codes)]
        return picked
    return col.astype(object).map(lambda v: isinstance(v, str) and v.strip().lower() in _BOUND).to_numpy(dtype=bool)


def totals(
    data: Data,
    to: str | None = None,
    by: GroupKey | str | Sequence[str] | None = "donor",
    *,
    policy: PolicyLike | None = None,
    source: SourceLike | None = None,
    rounding: Rounding | str | None = None,
    sort: Literal["keys", "total"] = "keys",
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
    amount: str = "amount",
    currency: str = "currency",
    date: str = "date",
    prices: Prices = "current",
    base_year: int | None = None,
    deflator: str = "dac",
    share_of: Literal["gdp", "gni"] | None = None,
    denominator_year: DenominatorYear | None = None,
    per_capita: bool = False,
    allow_estimates: bool = False,
    rate_date: str | None = None,
) -> pd.DataFrame:
    """Total ``data`` in ``to`` by ``by``: the vectorised :func:`aidtrack.totals`, with the same result.

    ``by`` takes the same keys (``donor``, ``country``, ``category``,
    ``measure``, ``qualifier``, ``day``, ``week``, ``month``, ``quarter``,
    ``year``) alone or as a list; ``None`` or ``[]`` gives one grand-total row.
    Record keys are read from the column of that name; periods from the date
    column. Groups are sorted by their keys (``sort="total"``: largest first).
    ``rate_date`` names a column whose date picks each row's rate (see
    :func:`~aidtrack.frames.convert.convert_frame`); periods still come from
    the ``date`` column. Pledges with a :attr:`~aidtrack.pledge.Pledge.rate_date` use theirs.

    **Memory.** Unconverted rows are converted a block of about a million rows
    at a time and each block is summed at once into exact whole numbers of
    minor units per group: the converted columns of the whole frame never
    exist, so the extra memory stays a fraction of the input frame's. The
    result is identical to converting the whole frame first (every option,
    policy and source; rows without a rate are all reported, as
    :func:`~aidtrack.frames.convert.convert_frame` reports them). Only when
    deflating a block fails (``prices="constant"``) is the whole frame
    converted at once, so the error names every row it would name. A frame
    already converted is summed as it is.

    Real terms (:mod:`aidtrack.frames.real`, methods in :mod:`aidtrack.macro`):
    ``prices="constant", base_year=2024, deflator="dac"`` totals each pledge in
    ``base_year`` prices (each deflated by its donor's deflator for its year, then
    summed exactly); ``share_of="gdp"`` or ``"gni"`` with ``denominator_year=2021``
    (or ``"same"``, the row's year; ``by`` must then include ``"year"``) adds each
    donor's ``share`` and ``share_percent``; ``per_capita=True`` adds ``per_capita``.
    The denominators and their provenance are in ``attrs["denominators"]``.
    """
    keys = group_keys(by)
    if sort not in ("keys", "total"):
        raise InvalidArgumentError("sort", sort, f"sort must be 'keys' or 'total', got {sort!r}")
    constant = check_prices(prices, base_year)
    if (share_of is not None or per_capita) and denominator_year is None:
        raise InvalidArgumentError(
            "denominator_year", None, "a share or per-capita figure needs denominator_year=<year> (e.g. 2021) or 'same'"
        )
    frame, rate_date, meta = _input(data, rate_date)
    real = _Real(base_year, deflator, allow_estimates) if constant else None
    if meta is not None:  # converted already: summed as it is
        conv = _check_converted(frame, meta, to, policy, rounding)
        partial = _whole_partial(conv, keys, None, {}, real)
    else:
        options = _conversion_options(policy, source, rounding, max_lookback_days, amount, currency, date, rate_date)
        partial = _chunked_partial(frame, keys, "EUR" if to is None else to, options, real)
    frame = totals_from_partials([partial], sort=sort)
    return finish_totals(
        frame,
        constant=(base_year, deflator) if constant else None,
        share_of=share_of,
        denominator_year=denominator_year,
        per_capita=per_capita,
        allow_estimates=allow_estimates,
    )


def finish_totals(
    frame: pd.DataFrame,
    *,
    constant: tuple[int | None, str] | None,
    share_of: Literal["gdp", "gni"] | None,
    denominator_year: DenominatorYear | None,
    per_capita: bool,
    allow_estimates: bool,
) -> pd.DataFrame:
    """The last steps of every totals table, pandas and Dask alike: the constant-price attributes
    (``constant`` is ``(base_year, deflator)``, or ``None`` for current prices) and the shares or
    per-capita figures (:func:`aidtrack.frames.real.add_shares`)."""
    if constant is not None:
        frame.attrs.update(prices="constant", base_year=constant[0], deflator=constant[1])
    if share_of is not None or per_capita:
        assert denominator_year is not None
        frame = add_shares(
            frame,
            share_of=share_of,
            denominator_year=denominator_year,
            per_capita=per_capita,
            allow_estimates=allow_estimates,
        )
    return frame


def _conversion_options(
    policy: PolicyLike | None,
    source: SourceLike | None,
    rounding: Rounding | str | None,
    max_lookback_days: int,
    amount: str,
    currency: str,
    date: str,
    rate_date: str | None,
) -> dict[str, Any]:
    """The keyword arguments of :func:`~aidtrack.frames.convert.convert_frame` that ``prepare`` and ``totals`` pass."""
    return {
        "policy": "daily" if policy is None else policy,
        "source": source,
        "rounding": Rounding.HALF_EVEN if rounding is None else rounding,
        "max_lookback_days": max_lookback_days,
        "amount": amount,
        "currency": currency,
        "date": date,
        "rate_date": rate_date,
    }


@dataclass(frozen=True)
class _Real:
    """``prices="constant"``: the options of :func:`aidtrack.frames.real.constant_prices`."""

    base_year: int | None
    deflator: str
    allow_estimates: bool

    def apply(self, conv: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
        assert self.base_year is not None
        meta = conv.attrs[META_KEY]
        out = constant_prices(
            conv, META_KEY, base_year=self.base_year, deflator=self.deflator, allow_estimates=self.allow_estimates
        )
        return out, {**meta, "converted": "constant"}  # sum the amounts in base-year prices


def _whole_partial(
    data: pd.DataFrame, keys: list[str], to: str | None, options: dict[str, Any], real: _Real | None
) -> PartialTotals:
    """The sums of the whole frame converted at once (``options`` for :func:`prepare`; none: converted already)."""
    conv = prepare(data, to, **options) if options else data
    meta = conv.attrs[META_KEY]
    if real is not None:
        conv, meta = real.apply(conv)
    return _partial(conv, meta, keys)


_BLOCK = 1 << 20
"""Rows :func:`totals` converts and sums at a time (tests make it small to check every block boundary)."""
_DENSE = 1 << 22
"""At most this many combinations of group keys are summed in a dense table; beyond, only those that occur."""


class _FallBack(Exception):
    """A block raised an error whose report depends on the whole frame: total the whole frame at once."""


def _chunked_partial(
    frame: pd.DataFrame, keys: list[str], to: str, options: dict[str, Any], real: _Real | None
) -> PartialTotals:
    """The sums of ``frame`` converted a block at a time: the same :class:`PartialTotals` as the whole at once.

    Current prices take the column core of the conversion (:func:`aidtrack.frames.convert._convert_columns`:
    no output columns, no provenance); a block with rows the first table of a composite source cannot price
    goes through :func:`prepare` (the row-by-row fallback to the next tables), as does every block under
    constant prices (each block converted, then deflated). Rows without a result are collected over all
    blocks and reported together, as the whole conversion reports them. A block whose deflation fails
    makes the whole frame go through :func:`_whole_partial`, which raises the error it would raise.
    """
    from aidtrack.currency import minor_units
    from aidtrack.frames.convert import _check_arguments, _convert_columns, _problems, _rate_days_lazily
    from aidtrack.rates.sources import Composite, resolve_tables

    amount, currency, date, rate_date = options["amount"], options["currency"], options["date"], options["rate_date"]
    target, pol, mode, _ = _check_arguments(
        frame,
        to,
        options["policy"],
        options["rounding"],
        options["max_lookback_days"],
        "raise",
        "float",
        amount,
        currency,
        date,
        "converted",
        rate_date,
    )
    n = len(frame)
    if n == 0:
        return _whole_partial(frame, keys, to, options, real)
    tables = resolve_tables(options["source"])
    grouping = _Grouping(frame, keys, date)
    size = grouping.size
    # the same tables for every block (a composite is not resolved again)
    block_options = {**options, "source": tables[0] if len(tables) == 1 else Composite(tables)}
    bound = _bound_mask(frame)
    any_bound = bool(bound.any())

    counts = np.zeros(size, dtype=np.int64)
    bounds = np.zeros(size, dtype=np.int64)
    first = np.full(size, n, dtype=np.int64)
    sums: Any = np.zeros(size, dtype=np.int64)
    magnitude = 0.0
    reasons: dict[int, str] = {}
    used: set[int] = set()
    mu = minor_units(target)

    def through_prepare(block: pd.DataFrame, a: int) -> np.ndarray[Any, Any] | None:
        try:
            conv = prepare(block, target, **block_options)
        except UnconvertibleRowsError as exc:
            reasons.update((p.position + a, p.reason) for p in exc.problems)
            return None
        meta = conv.attrs[META_KEY]
        used.update(k for k, t in enumerate(tables) if t.info in meta["sources"])
        if reasons:
            return None
        if real is not None:
            try:
                conv, meta = real.apply(conv)
            except AidtrackError as exc:  # its report names rows of the whole frame: let the whole path raise it
                raise _FallBack from exc
        return _minor_units(conv, meta)

    def block_minor(a: int, b: int) -> np.ndarray[Any, Any] | None:
        block = frame.iloc[a:b]
        if real is not None:
            return through_prepare(block, a)
        try:
            res = _convert_columns(
                block[amount],
                block[currency],
                _rate_days_lazily(block, date, rate_date),
                tables[0],
                target,
                pol,
                mode,
                options["max_lookback_days"],
            )
        except UnknownCurrencyError:  # a target the first table lacks: convert_frame tries the later tables
            if len(tables) == 1:
                raise
            return through_prepare(block, a)
        if res.bad_reason:
            if len(tables) > 1:  # a composite: those rows go to the next tables, row by row (rare)
                return through_prepare(block, a)
            reasons.update((i + a, why) for i, why in res.bad_reason.items())
            return None
        used.add(0)
        if reasons:
            return None
        return _block_minor(res, mu)

    try:
        for a in range(0, n, _BLOCK):
            b = min(n, a + _BLOCK)
            codes = grouping.codes(a, b)
            counts += np.bincount(codes, minlength=size)
            if any_bound:
                bounds += np.bincount(codes[bound[a:b]], minlength=size)
            new = np.flatnonzero(first.take(codes) == n)  # rows of groups not seen before
            if len(new):
                first[codes[new[::-1]]] = new[::-1] + a  # the last write is each group's first row
            minor = block_minor(a, b)
            if minor is None:
                continue
            block_sums, top = _block_sums(codes, minor, size)
            magnitude += top
            if sums.dtype != object and (block_sums.dtype == object or magnitude >= 2.0**62):
                sums = sums.astype(object)  # Python ints: exact whatever the size
            sums += block_sums
    except _FallBack:
        return _whole_partial(frame, keys, to, options, real)
    if reasons:
        raise UnconvertibleRowsError(_problems(frame, currency, date, reasons), rows=n)
    source = tables[min(used)].info if used else tables[0].info
    return grouping.partial(target, policy_name(pol), source, sums, counts, bounds, first, n, int(bound.sum()))


def _block_minor(res: Any, mu: int) -> np.ndarray[Any, Any]:
    """A converted block's amounts in exact minor units (see :func:`_minor_units`)."""
    if res.top < 2.0**50:  # integral doubles; a recomputed row holds its exact value (below 2**53)
        rounded: np.ndarray[Any, Any] = res.rounded
        return rounded
    # beyond 2**50 every row near a rounding boundary or that large was recomputed exactly; the others are
    # integral doubles below 2**50
    big = res.big
    whole = [big[i] if i in big else int(v) for i, v in enumerate(res.rounded.tolist())]
    if all(abs(i) < 2**62 for i in whole):
        return np.array(whole, dtype=np.int64)
    return np.array(whole, dtype=object)


def _block_sums(groups: np.ndarray[Any, Any], minor: np.ndarray[Any, Any], size: int) -> tuple[Any, float]:
    """Exact sums of ``minor`` per group (an int64 or object array) and a bound on their magnitude."""
    n = len(minor)
    if minor.dtype == np.float64 and n:
        top = max(float(np.fmax.reduce(minor, initial=0.0)), -float(np.fmin.reduce(minor, initial=0.0)))
        if top * n < 2**53:  # every partial sum is an exactly representable double
            return np.bincount(groups, weights=minor, minlength=size).astype(np.int64), top * n
        if top < 2.0**52 and n < 2**26:  # two exact halves: minor = high * 2**26 + low, 0 <= low < 2**26
            high = np.floor(minor * 2.0**-26)
            low = minor - high * 2.0**26
            sums_high = np.bincount(groups, weights=high, minlength=size).astype(np.int64)
            sums_low = np.bincount(groups, weights=low, minlength=size).astype(np.int64)
            if top * n < 2.0**62:
                return sums_high * 2**26 + sums_low, top * n
            return sums_high.astype(object) * 2**26 + sums_low.astype(object), top * n
    sums = _group_sums(groups, minor, size)
    return np.array(sums, dtype=object), float(max((abs(v) for v in sums), default=0))


class _Grouping:
    """The group of every row of an unconverted frame, a block of rows at a time.

    Labels are fixed once for the whole frame (the categories of a categorical column, every period between
    the first and the last date), so a block's codes need no other block. Other columns, and key
    combinations too many for a dense table, are coded for the whole frame at once.
    """

    def __init__(self, frame: pd.DataFrame, keys: list[str], date: str) -> None:
        self.keys = keys
        self.labels: list[list[Any]] = []
        self._coders: list[Any] = []
        day_reader = _DayReader(frame[date]) if any(k in PERIODS for k in keys) else None
        for key in keys:
            if key in PERIODS:
                assert day_reader is not None
                lookup, labels = day_reader.periods(PERIODS[key])
                self._coders.append(functools.partial(day_reader.codes, lookup))
            else:
                if key not in frame.columns:
                    raise InvalidFrameError(f"cannot group by {key!r}: the frame has no {key!r} column", columns=[key])
                col = frame[key]
                if isinstance(col.dtype, pd.CategoricalDtype) and not (key == "country" and col.isna().any()):
                    cats = list(col.cat.categories)
                    order = sorted(range(len(cats)), key=lambda k: cats[k])
                    rank = np.empty(len(cats) + 1, dtype=np.int64)
                    rank[np.array(order, dtype=np.int64)] = np.arange(len(cats))
                    rank[len(cats)] = len(cats)  # code -1 (missing) picks this last entry
                    labels = [cats[k] for k in order] + [None]
                    cat_codes = col.array.codes
                    self._coders.append(functools.partial(_take_slice, rank, cat_codes))
                else:
                    codes, labels = _column_codes(col, blank_na=key == "country")
                    self._coders.append(functools.partial(_slice, codes))
            self.labels.append(labels)
        self.sizes = [max(len(lb), 1) for lb in self.labels]
        total = int(np.prod(self.sizes, dtype=np.float64)) if keys else 1
        self.dense = total <= _DENSE
        self._flat: np.ndarray[Any, Any] | None = None
        if self.dense:
            self.size = total
        else:  # too many combinations for a dense table: number the combinations that occur
            n = len(frame)
            code_list = [coder(0, n) for coder in self._coders]
            flat_codes, self._present_keys = pd.factorize(pd.MultiIndex.from_arrays(code_list), sort=True)
            self._flat = np.asarray(flat_codes, dtype=np.int64)
            self.size = len(self._present_keys)

    def codes(self, a: int, b: int) -> np.ndarray[Any, Any]:
        """The group codes (``0 .. size - 1``) of rows ``a`` to ``b - 1``."""
        if self._flat is not None:
            return self._flat[a:b]
        flat = np.zeros(b - a, dtype=np.int64)
        for coder, width in zip(self._coders, self.sizes, strict=True):
            flat *= width
            flat += coder(a, b)
        return flat

    def partial(
        self,
        currency: str,
        policy: str,
        source: SourceInfo,
        sums: Any,
        counts: np.ndarray[Any, Any],
        bounds: np.ndarray[Any, Any],
        first: np.ndarray[Any, Any],
        rows: int,
        bound_rows: int,
    ) -> PartialTotals:
        """The :class:`PartialTotals` of the summed groups, in the order of :func:`totals`."""
        present = np.flatnonzero(counts)
        key_codes: Sequence[Any]
        if not self.keys:
            key_codes = []
        elif self.dense:
            key_codes = np.unravel_index(present, tuple(self.sizes))
        else:
            key_codes = [np.asarray(self._present_keys.get_level_values(j))[present] for j in range(len(self.keys))]
        key_labels = [[labels[int(c)] for c in kc] for labels, kc in zip(self.labels, key_codes, strict=True)]
        present_list = present.tolist()
        group_labels = list(zip(*key_labels, strict=True)) if self.keys else [()] * len(present_list)
        groups = {
            lab: [int(sums[g]), int(counts[g]), int(bounds[g]), int(first[g])]
            for lab, g in zip(group_labels, present_list, strict=True)
        }
        return PartialTotals(tuple(self.keys), currency, policy, source, groups, rows, bound_rows)


def _slice(codes: np.ndarray[Any, Any], a: int, b: int) -> np.ndarray[Any, Any]:
    return codes[a:b]


def _take_slice(lookup: np.ndarray[Any, Any], codes: np.ndarray[Any, Any], a: int, b: int) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = lookup.take(codes[a:b])  # code -1 takes the lookup's last entry
    return out


class _DayReader:
    """Day ordinals of a date column, a block at a time, and the periods between its first and last day.

    A ``datetime64`` column is read block by block (no array of the whole frame's days); any other is read
    once. A missing or bad date counts as the first day here: such a row has no result and is reported.
    """

    _RANGE = 1 << 16
    """Periods are labelled for every day of a span up to this long; beyond, for the days that occur."""

    def __init__(self, col: pd.Series) -> None:
        from aidtrack.frames.convert import _DAY, _EPOCH, _NAT, _read_dates

        self._ords: np.ndarray[Any, Any] | None = None
        dtype = col.dtype
        unit, step = np.datetime_data(dtype) if isinstance(dtype, np.dtype) and dtype.kind == "M" else ("", 0)  # type: ignore[arg-type]
        per_day = {"D": 1, "s": _DAY, "ms": _DAY * 10**3, "us": _DAY * 10**6, "ns": _DAY * 10**9}.get(unit)
        if per_day is not None and step == 1:
            ticks = col.to_numpy().view(np.int64)
            self._ticks: np.ndarray[Any, Any] = ticks
            self._per_day = per_day
            hi = int(ticks.max())
            lo = int(ticks.min())
            if lo == _NAT:
                valid = ticks[ticks != _NAT]
                lo, hi = (int(valid.min()), int(valid.max())) if len(valid) else (0, 0)
            self.lo, self.hi = lo // per_day + _EPOCH, hi // per_day + _EPOCH
        else:
            ords, bad = _read_dates(col)
            if bad:
                good = np.ones(len(ords), dtype=bool)
                good[np.fromiter(bad, dtype=np.int64)] = False
                ords = np.where(good, ords, int(ords[good][0]) if good.any() else _EPOCH)
            self._ords = ords
            self.lo, self.hi = (int(ords.min()), int(ords.max())) if len(ords) else (_EPOCH, _EPOCH)

    def days(self, a: int, b: int) -> np.ndarray[Any, Any]:
        """Day ordinals of rows ``a`` to ``b - 1``, less the first day (``0 .. hi - lo``)."""
        from aidtrack.frames.convert import _EPOCH

        if self._ords is not None:
            rel: np.ndarray[Any, Any] = self._ords[a:b] - self.lo
            return rel
        ticks = self._ticks[a:b]
        days = ticks // self._per_day
        days -= self.lo - _EPOCH
        np.clip(days, 0, self.hi - self.lo, out=days)  # NaT (a reported row) to the first day
        return days

    def periods(self, freq: str) -> tuple[np.ndarray[Any, Any], list[Any]]:
        """A lookup from day (less the first) to period code, and the periods in order."""
        from aidtrack.frames.convert import _EPOCH

        span = self.hi - self.lo + 1
        if span <= self._RANGE:
            days = np.arange(self.lo, self.hi + 1, dtype=np.int64)
        else:  # a long span: only the days that occur
            present = np.zeros(span, dtype=bool)
            for a in range(0, self.rows, _BLOCK):
                present[self.days(a, min(self.rows, a + _BLOCK))] = True
            days = np.flatnonzero(present) + self.lo
        periods = pd.PeriodIndex((days - _EPOCH).astype("M8[D]"), freq=freq)
        pcodes, uniques = pd.factorize(periods, sort=True)
        lookup = np.zeros(span, dtype=np.int64)
        lookup[days - self.lo] = pcodes
        return lookup, list(uniques)

    @property
    def rows(self) -> int:
        return len(self._ords) if self._ords is not None else len(self._ticks)

    def codes(self, lookup: np.ndarray[Any, Any], a: int, b: int) -> np.ndarray[Any, Any]:
        out: np.ndarray[Any, Any] = lookup.take(self.days(a, b))
        return out


@dataclass
class PartialTotals:
    """Exact sums per group of one converted frame, or of one partition of a larger table.

    :func:`partial_totals` makes one; :meth:`combine` adds another exactly
    (Python integers of minor units, so nothing can overflow or round), and
    :func:`totals_from_partials` turns any number of them into the table
    :func:`totals` returns, identical to the cent to the totals of the whole
    data at once, whatever the partitioning. This is how ``aidtrack.dask``
    totals a table spread over many partitions and processes.
    """

    keys: tuple[str, ...]
    """The grouping keys (``by``)."""
    currency: str
    policy: str
    source: SourceInfo | None
    groups: dict[tuple[Any, ...], list[int]]
    """Per group (its key labels): ``[total in minor units, rows, bound rows, first row]``."""
    rows: int
    """Rows summed (the first row of a group counts from the start of the first partial)."""
    bound_rows: int
    ordered: bool = True
    """Whether ``groups`` is already in the order of :func:`totals` (a single frame's partial)."""

    def combine(self, other: PartialTotals) -> PartialTotals:
        """These rows followed by ``other``'s, summed exactly (neither is changed)."""
        if other.keys != self.keys or other.currency != self.currency or other.policy != self.policy:
            raise InvalidArgumentError(
                "other",
                other,
                f"cannot combine totals by {list(other.keys)} in {other.currency} ({other.policy}) with totals "
                f"by {list(self.keys)} in {self.currency} ({self.policy})",
            )
        if not other.rows:
            return self
        if not self.rows:
            return other
        groups = {k: list(v) for k, v in self.groups.items()}
        for k, (total, count, bound, first) in other.groups.items():
            have = groups.get(k)
            if have is None:
                groups[k] = [total, count, bound, first + self.rows]
            else:
                have[0] += total
                have[1] += count
                have[2] += bound
        return PartialTotals(
            self.keys,
            self.currency,
            self.policy,
            self.source if self.source is not None else other.source,
            groups,
            self.rows + other.rows,
            self.bound_rows + other.bound_rows,
            ordered=False,
        )


def partial_totals(conv: pd.DataFrame, by: GroupKey | str | Sequence[str] | None = "donor") -> PartialTotals:
    """The exact sums per group of ``conv``, a frame converted by :func:`aidtrack.frames.convert.convert_frame`.

    Every row must have a converted amount (convert with ``errors="raise"``,
    or drop the rows with a ``problem`` first). See :class:`PartialTotals`.

    >>> import pandas as pd
    >>> from aidtrack.frames.convert import convert_frame
    >>> df = pd.DataFrame({"donor": ["A", "B", "A"], "amount": ["1.005", "2", "3"],
    ...                    "currency": ["EUR", "EUR", "EUR"], "date": ["2025-01-09"] * 3})
    >>> a = partial_totals(convert_frame(df.iloc[:2], "EUR"), "donor")
    >>> b = partial_totals(convert_frame(df.iloc[2:], "EUR"), "donor")
    >>> totals_from_partials([a, b])[["donor", "total", "count"]]
      donor total  count
    0     A  4.00      2
    1     B  2.00      1
    """
    keys = group_keys(by)
    meta = conv.attrs.get(META_KEY)
    if not isinstance(meta, dict) or meta.get("converted") not in conv.columns:
        raise InvalidFrameError(
            "partial_totals() needs a frame converted by aidtrack.frames.convert.convert_frame "
            "(no conversion metadata in frame.attrs, or its result column is gone)"
        )
    _check_converted(conv, meta, None, None, None)
    return _partial(conv, meta, keys)


def _partial(conv: pd.DataFrame, meta: dict[str, Any], keys: list[str]) -> PartialTotals:
    target = meta["to"]
    n = len(conv)
    minor = _minor_units(conv, meta)
    bound = _bound_mask(conv)

    code_list: list[np.ndarray[Any, Any]] = []
    label_list: list[list[Any]] = []
    ords = _day_ordinals(conv, meta) if any(k in PERIODS for k in keys) else None
    for key in keys:
        if key in PERIODS:
            assert ords is not None
            codes, labels = _period_codes(ords, PERIODS[key])
        else:
            if key not in conv.columns:
                raise InvalidFrameError(f"cannot group by {key!r}: the frame has no {key!r} column", columns=[key])
            codes, labels = _column_codes(conv[key], blank_na=key == "country")
        code_list.append(codes)
        label_list.append(labels)
    sizes = [max(len(lb), 1) for lb in label_list]
    total_size = int(np.prod(sizes, dtype=np.float64)) if keys else 1
    dense = total_size <= 4 * n + 1_000_000
    if not keys:
        flat = np.zeros(n, dtype=np.int64)
        size = 1
        present = np.array([0] if n else [], dtype=np.int64)
    elif dense:
        flat = np.ravel_multi_index(tuple(code_list), tuple(sizes)) if n else np.zeros(0, dtype=np.int64)
        size = total_size
        present = np.flatnonzero(np.bincount(flat, minlength=size))
    else:  # too many combinations for a dense table: number the combinations that occur
        flat_codes, present_keys = pd.factorize(pd.MultiIndex.from_arrays(code_list), sort=True)
        flat = np.asarray(flat_codes, dtype=np.int64)
        size = len(present_keys)
        present = np.arange(size)
    counts = np.bincount(flat, minlength=size)
    bounds = np.bincount(flat[bound], minlength=size) if bound.any() else np.zeros(size, dtype=np.int64)
    sums = _group_sums(flat, minor, size)
    first = np.zeros(size, dtype=np.int64)
    if n:
        first[flat[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)  # the last write is each group's first row

    key_codes: Sequence[Any]
    if not keys:
        key_codes = []
    elif dense:
        key_codes = np.unravel_index(present, tuple(sizes)) if len(present) else [[] for _ in keys]
    else:
        key_codes = [np.asarray(present_keys.get_level_values(j)) for j in range(len(keys))]
    key_labels = [[labels[int(c)] for c in kc] for labels, kc in zip(label_list, key_codes, strict=True)]
    present_list = present.tolist()
    group_labels = list(zip(*key_labels, strict=True)) if keys else [()] * len(present_list)
    groups = {
        lab: [sums[g], int(counts[g]), int(bounds[g]), int(first[g])]
        for lab, g in zip(group_labels, present_list, strict=True)
    }
    return PartialTotals(
        tuple(keys), target, meta["policy"], meta["source"] if n else None, groups, n, int(bound.sum())
    )


def totals_from_partials(partials: Sequence[PartialTotals], *, sort: Literal["keys", "total"] = "keys") -> pd.DataFrame:
    """The totals table (as :func:`totals` returns it) of ``partials`` taken in order, combined exactly."""
    from aidtrack.currency import minor_units

    if not partials:
        raise InvalidArgumentError("partials", partials, "need at least one PartialTotals to total")
    if sort not in ("keys", "total"):
        raise InvalidArgumentError("sort", sort, f"sort must be 'keys' or 'total', got {sort!r}")
    part = partials[0]
    for other in partials[1:]:
        part = part.combine(other)
    keys = list(part.keys)
    target = part.currency
    mu = minor_units(target)
    labels = list(part.groups)
    if not part.ordered and len(labels) > 1 and keys:
        labels = [labels[i] for i in _label_order(labels, len(keys))]
    values = [part.groups[lab] for lab in labels]

    columns: dict[str, Any] = {}
    for j, key in enumerate(keys):
        columns[key] = [lab[j] for lab in labels]
    columns["currency"] = [target] * len(labels)
    columns["total"] = [Decimal(v[0]).scaleb(-mu, context=MONEY_CONTEXT) for v in values]
    columns["count"] = np.asarray([v[1] for v in values], dtype=np.int64)
    columns["bound_count"] = np.asarray([v[2] for v in values], dtype=np.int64)
    frame = pd.DataFrame(columns, columns=[*keys, *TOTAL_COLUMNS])
    if not len(frame):
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in [*keys, *TOTAL_COLUMNS]})
        frame["count"] = frame["count"].astype("int64")
        frame["bound_count"] = frame["bound_count"].astype("int64")
    frame["total"] = frame["total"].astype(object)
    if sort == "total" and len(frame):
        # ties keep the order in which the groups first appear in the data, as aidtrack.totals does
        appearance = np.asarray([v[3] for v in values], dtype=np.int64)
        frame = frame.iloc[np.argsort(appearance, kind="stable")]
        frame = frame.sort_values("total", ascending=False, kind="stable", key=lambda s: s.map(float))
        frame = frame.reset_index(drop=True)
    grand = sum(v[0] for v in part.groups.values())
    frame.attrs.update(
        currency=target,
        policy=part.policy,
        grand_total=Money(Decimal(grand).scaleb(-mu, context=MONEY_CONTEXT), target),
        source=part.source if part.rows else None,
        count=part.rows,
        bound_count=part.bound_rows,
    )
    return frame


def _label_order(labels: list[tuple[Any, ...]], width: int) -> np.ndarray[Any, Any]:
    """Positions of ``labels`` in the order :func:`totals` sorts groups (each key as pandas sorts it)."""
    codes = []
    for j in range(width):
        col = pd.Series([lab[j] for lab in labels], dtype=object)
        kc, _ = _column_codes(col, blank_na=False)
        codes.append(kc)
    return np.lexsort(codes[::-1])


def _with_attrs(frame: pd.DataFrame, attrs: dict[str, Any]) -> pd.DataFrame:
    frame.attrs.update(attrs)
    return frame


def pivot_totals(
    data: Data,
    to: str | None = None,
    *,
    period: Period = "year",
    index: GroupKey = "donor",
    **kwargs: Any,
) -> pd.DataFrame:
    """A ``index`` x ``period`` table of totals (donors as rows, periods as columns).

    One row per donor (or other ``index`` key); one column per period holding
    that donor's total in it (``Decimal``, zero where the donor pledged
    nothing); then the row's ``currency``, ``total``, ``count`` and
    ``bound_count``. The period columns add up to the ``total`` column, and
    the ``total`` column to ``attrs["grand_total"]``. Its tidy form is
    ``totals(data, by=[index, period])``. Other arguments as for :func:`totals`.
    """
    if period not in PERIODS:
        raise InvalidGroupingError(period, GROUP_KEYS)
    if index in PERIODS or index not in group_keys(index):
        raise InvalidGroupingError(index, GROUP_KEYS)
    conv = prepare(data, to, **kwargs)
    long = totals(conv, None, [index, period])
    rows = totals(conv, None, index)
    currency = long.attrs["currency"]
    from aidtrack.currency import minor_units

    zero = Decimal(0).scaleb(-minor_units(currency))
    periods = sorted(set(long[period]))
    cells: dict[tuple[Any, Any], Decimal] = {
        (k, p): t for k, p, t in zip(long[index], long[period], long["total"], strict=True)
    }
    frame = pd.DataFrame({index: list(rows[index])})
    for p in periods:
        frame[p] = pd.Series([cells.get((k, p), zero) for k in rows[index]], dtype=object)
    frame["currency"] = list(rows["currency"])
    frame["total"] = pd.Series(list(rows["total"]), dtype=object)
    frame["count"] = np.asarray(rows["count"], dtype=np.int64)
    frame["bound_count"] = np.asarray(rows["bound_count"], dtype=np.int64)
    frame.columns.name = period
    return _with_attrs(frame, {str(k): v for k, v in long.attrs.items()})


def cumulative_totals(
    data: Data,
    to: str | None = None,
    *,
    by: GroupKey | str | Sequence[str] | None = "donor",
    period: Period = "month",
    **kwargs: Any,
) -> pd.DataFrame:
    """Running totals over time: per ``by`` group (``None``: all pledges), period by period.

    Columns: the ``by`` keys, ``period``, ``currency``, ``total`` (in that
    period), ``cumulative`` (since the group's first pledge), ``count`` and
    ``bound_count`` (in that period), ``cumulative_count``. Only periods with
    pledges appear. Each group's last ``cumulative`` is its total.
    """
    if period not in PERIODS:
        raise InvalidGroupingError(period, GROUP_KEYS)
    keys = group_keys(by)
    if period in keys:
        raise InvalidGroupingError(by, GROUP_KEYS)
    frame = totals(data, to, [*keys, period], **kwargs)
    running: dict[tuple[Any, ...], Decimal] = {}
    running_count: dict[tuple[Any, ...], int] = {}
    cumulative: list[Decimal] = []
    cumulative_count: list[int] = []
    group_cols = [frame[k].tolist() for k in keys]
    for j, (total, count) in enumerate(zip(frame["total"].tolist(), frame["count"].tolist(), strict=True)):
        group = tuple(col[j] for col in group_cols)
        running[group] = MONEY_CONTEXT.add(running.get(group, Decimal(0)), total)
        running_count[group] = running_count.get(group, 0) + int(count)
        cumulative.append(running[group])
        cumulative_count.append(running_count[group])
    frame.insert(list(frame.columns).index("total") + 1, "cumulative", pd.Series(cumulative, dtype=object))
    frame["cumulative_count"] = np.asarray(cumulative_count, dtype=np.int64)
    return frame


def shares(
    data: Data,
    to: str | None = None,
    *,
    by: GroupKey | str | Sequence[str] | None = "donor",
    sort: Literal["keys", "total"] = "total",
    **kwargs: Any,
) -> pd.DataFrame:
    """Each group's share of the grand total (``share``, a float from 0 to 1), largest first.

    Columns: the ``by`` keys, ``currency``, ``total``, ``share``, ``count``,
    ``bound_count``. The shares add up to 1 (up to float rounding); each is
    ``total / grand_total`` computed in ``Decimal`` and then made a float.
    """
    frame = totals(data, to, by, sort=sort, **kwargs)
    grand = frame.attrs["grand_total"].amount
    share = [float(RATE_CONTEXT.divide(t, grand)) if grand else float("nan") for t in frame["total"]]
    frame.insert(list(frame.columns).index("total") + 1, "share", np.asarray(share, dtype=np.float64))
    return frame


def top_donors(
    data: Data,
    n: int = 10,
    to: str | None = None,
    *,
    others: bool = True,
    **kwargs: Any,
) -> pd.DataFrame:
    """The ``n`` donors with the largest totals, ranked, and (``others=True``) one row for the rest.

    Columns: ``rank`` (1 for the largest; missing for the "other" row),
    ``donor``, ``currency``, ``total``, ``share``, ``count``, ``bound_count``.
    Ties keep the donors' alphabetical order. With ``others=True`` the rows
    add up to the grand total; the last row is labelled ``other (k donors)``.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidArgumentError("n", n, f"n must be a whole number 0 or more, got {n!r}")
    ranked = shares(data, to, by="donor", sort="total", **kwargs)
    top = ranked.iloc[:n].copy()
    top.insert(0, "rank", pd.Series(range(1, len(top) + 1), index=top.index, dtype="Int64"))
    rest = ranked.iloc[n:]
    if others and len(rest):
        grand = ranked.attrs["grand_total"].amount
        rest_total = _exact_sum(rest["total"])
        k = len(rest)
        other = pd.DataFrame(
            {
                "rank": pd.array([None], dtype="Int64"),
                "donor": [f"other ({k} donor{'s' if k != 1 else ''})"],
                "currency": [ranked.attrs["currency"]],
                "total": pd.Series([rest_total], dtype=object),
                "share": [float(RATE_CONTEXT.divide(rest_total, grand)) if grand else float("nan")],
                "count": np.asarray([int(rest["count"].sum())], dtype=np.int64),
                "bound_count": np.asarray([int(rest["bound_count"].sum())], dtype=np.int64),
            }
        )
        top = pd.concat([top, other], ignore_index=True)
    top = top.reset_index(drop=True)
    top["total"] = top["total"].astype(object)
    return _with_attrs(top, {str(k): v for k, v in ranked.attrs.items()})


def grand_total(
    data: Data,
    to: str | None = None,
    *,
    policy: PolicyLike | None = None,
    source: SourceLike | None = None,
    rounding: Rounding | str | None = None,
) -> Money:
    """The sum of all the converted (rounded) amounts of ``data`` in ``to``."""
    grand: Money = totals(data, to, by=None, policy=policy, source=source, rounding=rounding).attrs["grand_total"]
    return grand
