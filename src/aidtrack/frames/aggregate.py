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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

import numpy as np
import pandas as pd

from aidtrack.amounts import MONEY_CONTEXT, RATE_CONTEXT, Rounding
from aidtrack.errors import InvalidArgumentError, InvalidFrameError, InvalidGroupingError
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
) -> pd.DataFrame:
    """``data`` as a converted frame (see the module docs); every row must have a result."""
    rate_date: str | None = None
    if isinstance(data, pd.DataFrame):
        meta = data.attrs.get(META_KEY)
        if isinstance(meta, dict) and meta.get("converted") in data.columns:
            return _check_converted(data, meta, to, policy, rounding)
        frame = data
    else:
        from aidtrack.frames.rows import pledges_to_frame

        frame = pledges_to_frame(data)
        frame.index = pd.Index(frame["id"], name=None)  # a row without a rate is reported by its pledge id
        if frame["rate_date"].notna().any():  # pledges with a rate date of their own (Pledge.rate_date)
            rate_date = "rate_date"
    options: dict[str, Any] = {
        "policy": "daily" if policy is None else policy,
        "source": source,
        "rounding": Rounding.HALF_EVEN if rounding is None else rounding,
        "max_lookback_days": max_lookback_days,
        "amount": amount,
        "currency": currency,
        "date": date,
        "rate_date": rate_date,
    }
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
        return rank[col.cat.codes.to_numpy()], labels
    codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), [None if pd.isna(u) else u for u in uniques]


def _bound_mask(conv: pd.DataFrame) -> np.ndarray[Any, Any]:
    if "qualifier" not in conv.columns:
        return np.zeros(len(conv), dtype=bool)
    col = conv["qualifier"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        flags = np.array([str(c).strip().lower() in _BOUND for c in col.cat.categories] + [False])
        codes = col.cat.codes.to_numpy().astype(np.int64)
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
) -> pd.DataFrame:
    """Total ``data`` in ``to`` by ``by``: the vectorised :func:`aidtrack.totals`, with the same result.

    ``by`` takes the same keys (``donor``, ``country``, ``category``,
    ``measure``, ``qualifier``, ``day``, ``week``, ``month``, ``quarter``,
    ``year``) alone or as a list; ``None`` or ``[]`` gives one grand-total row.
    Record keys are read from the column of that name; periods from the date
    column. Groups are sorted by their keys (``sort="total"``: largest first).

    Real terms (:mod:`aidtrack.frames.real`, methods in :mod:`aidtrack.macro`):
    ``prices="constant", base_year=2024, deflator="dac"`` totals each pledge in
    ``base_year`` prices (each deflated by its donor's deflator for its year, then
    summed exactly); ``share_of="gdp"`` or ``"gni"`` with ``denominator_year=2021``
    (or ``"same"``, the row's year; ``by`` must then include ``"year"``) adds each
    donor's ``share`` and ``share_percent``; ``per_capita=True`` adds ``per_capita``.
    The denominators and their provenance are in ``attrs["denominators"]``.
    """
    keys = group_keys(by)
    conv = prepare(
        data,
        to,
        policy=policy,
        source=source,
        rounding=rounding,
        max_lookback_days=max_lookback_days,
        amount=amount,
        currency=currency,
        date=date,
    )
    meta = conv.attrs[META_KEY]
    if check_prices(prices, base_year):
        assert base_year is not None
        conv = constant_prices(conv, META_KEY, base_year=base_year, deflator=deflator, allow_estimates=allow_estimates)
        meta = {**meta, "converted": "constant"}  # sum the amounts in base-year prices
    if (share_of is not None or per_capita) and denominator_year is None:
        raise InvalidArgumentError(
            "denominator_year", None, "a share or per-capita figure needs denominator_year=<year> (e.g. 2021) or 'same'"
        )
    frame = totals_from_partials([_partial(conv, meta, keys)], sort=sort)
    if prices == "constant":
        frame.attrs.update(prices="constant", base_year=base_year, deflator=deflator)
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
