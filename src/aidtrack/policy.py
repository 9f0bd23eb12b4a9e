"""Rate policies: which rate applies to a date (pure functions over a :class:`RateTable`).

=================  ==============================================================
policy             rate used for a date
=================  ==============================================================
``daily``          that day's fixing; on a non-fixing day (weekend, TARGET
                   holiday) the last fixing before it, looking back at most
                   ``max_lookback_days`` (7, the ECB's convention). Default.
``exact``          that day's fixing, or an error.
``monthly_mean``   arithmetic mean of the currency's daily fixings in the
                   calendar month (the Kiel Ukraine Support Tracker's method).
``quarterly_mean`` the same over the calendar quarter (January-March, ...).
``annual_mean``    the same over the calendar year (OECD / World Bank style).
``FiscalYearMean`` the same over the fiscal year containing the date:
                   ``FiscalYearMean(4)`` April-March (UK, Canada, Japan),
                   ``FiscalYearMean(10)`` October-September (US).
``TrailingMean``   ``TrailingMean(days=90)``: the mean over the 90 calendar
                   days ending on the date itself (a rolling window);
                   ``TrailingMean(start=a, end=b)``: one fixed window ``a..b``
                   for every amount (a replenishment's reference period).
``FixedDate(d)``   every amount at the ``daily`` rate of one date ``d``
                   ("in euros of 2026-10-30").
=================  ==============================================================

**Period tables.** A table of published period rates (the IMF's annual averages,
:attr:`RateTable.is_period_table`) answers only the policy that matches what it publishes: an
annual table of averages answers ``annual_mean`` with the published average itself (one value
for the whole year, never re-averaged), a monthly one ``monthly_mean``, a table of end-of-period
rates ``exact`` on the period's last day. Every other policy is refused with an error naming the
policy the table supports: a daily rate is never read off an annual average.

**Legacy euro currencies.** From its changeover date a legacy currency (``DEM``, ``FRF``, ...
see :mod:`aidtrack.rates.legacy`) is priced as its legal parity times the table's euro rate, on
any date and under any policy; against a euro-based table the leg is the parity itself, so
``DEM 1,955,830`` is exactly ``EUR 1,000,000``.

A policy can be given as a :class:`RatePolicy` member, its name as a string
(``"monthly_mean"``), a :class:`FiscalYearMean`, :class:`TrailingMean` or
:class:`FixedDate`, a ``datetime.date``, or one of the strings ``"fiscal:4"``,
the presets of :data:`FISCAL_YEARS` (``"fiscal_year_uk"``, ``"fiscal_year_us"``,
...), ``"trailing:90"``, ``"trailing:2022-06-01..2022-08-31"`` and
``"fixed:2026-10-30"``; anything else raises
:class:`~aidtrack.errors.UnknownPolicyError` listing what exists. The policy's
name (:func:`policy_name`, with its parameters: ``"fiscal:4"``,
``"trailing:90"``) is recorded in every conversion.

Nothing is extrapolated: a date before a currency's first fixing, after the
data ends, or a window that the currency does not fully cover (a fixing on every
fixing day of the table inside it) raises
:class:`~aidtrack.errors.RateNotAvailableError` naming the currency, the date,
the window and the coverage that exists. Means are computed exactly and rounded
once, to 28 significant digits (``ROUND_HALF_EVEN``): the sum over a window is
the difference of two exact prefix sums of the series (one function for every
mean, scalar and vectorised alike). A mean over a window with no fixing day at
all (``TrailingMean(days=2)`` on a Sunday) is refused as well.

This module owns every rule: :func:`quote` applies them to one date and
:func:`leg_arrays` to every day of a table at once for the vectorised path
(:func:`aidtrack.frames.convert.convert_frame`); both take their means from
:func:`window_mean`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import MAX_PREC, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation
from enum import StrEnum
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TypeAlias
from weakref import WeakKeyDictionary

from aidtrack.amounts import EXACT_CONTEXT, RATE_CONTEXT
from aidtrack.currency import normalize_currency
from aidtrack.errors import InvalidArgumentError, RateNotAvailableError, UnknownCurrencyError, UnknownPolicyError
from aidtrack.rates.legacy import euro_parity, legacy_currency
from aidtrack.rates.table import RateTable, Series, period_bounds, period_label

if TYPE_CHECKING:
    from aidtrack.rates.parsers.sdmx import MeanCheck, OfficialAverages

__all__ = [
    "DEFAULT_MAX_LOOKBACK_DAYS",
    "FISCAL_YEARS",
    "FiscalYearMean",
    "FixedDate",
    "LegArrays",
    "MeanPolicy",
    "Policy",
    "PolicyLike",
    "RateLeg",
    "RatePolicy",
    "TrailingMean",
    "as_policy",
    "check_lookback",
    "compare_means",
    "day_span",
    "is_mean",
    "leg_arrays",
    "mean_window",
    "period_policy",
    "policy_name",
    "policy_names",
    "prices",
    "quote",
    "window_mean",
    "windows",
]

DEFAULT_MAX_LOOKBACK_DAYS = 7


class RatePolicy(StrEnum):
    """How a date picks its rate. Members compare equal to their names."""

    DAILY = "daily"
    EXACT = "exact"
    MONTHLY_MEAN = "monthly_mean"
    QUARTERLY_MEAN = "quarterly_mean"
    ANNUAL_MEAN = "annual_mean"


@dataclass(frozen=True, slots=True)
class FixedDate:
    """Value every amount at one date's ``daily`` rate, whatever its own date.

    >>> FixedDate(date(2026, 10, 30))
    FixedDate(on=datetime.date(2026, 10, 30))
    """

    # pydantic (JSON round trip of a Conversion): a policy object is never read from another one's fields
    __pydantic_config__ = {"extra": "forbid"}  # noqa: RUF012

    on: date

    def __str__(self) -> str:
        return f"fixed:{self.on.isoformat()}"


@dataclass(frozen=True, slots=True)
class FiscalYearMean:
    """The arithmetic mean of the currency's fixings over the fiscal year that contains the date.

    A fiscal year starts on the first day of ``start_month`` and lasts twelve months:
    ``FiscalYearMean(4)`` runs from April to March (the UK, Canada, Japan),
    ``FiscalYearMean(10)`` from October to September (the US federal government), and
    ``FiscalYearMean(1)`` is the calendar year (the windows of ``annual_mean``). The same rules as
    every mean: the whole year must be in the data and the currency must have fixed on every fixing
    day of it. Named presets: :data:`FISCAL_YEARS`. Its name in provenance is ``"fiscal:4"``.

    >>> FiscalYearMean(4).window(date(2024, 2, 15))    # UK FY 2023/24
    (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31))
    >>> FiscalYearMean(10).window(date(2024, 2, 15))   # US FY 2024
    (datetime.date(2023, 10, 1), datetime.date(2024, 9, 30))
    """

    # pydantic (JSON round trip of a Conversion): a policy object is never read from another one's fields
    __pydantic_config__ = {"extra": "forbid"}  # noqa: RUF012

    start_month: int = 4
    """The month (1-12) the fiscal year starts in."""

    def __post_init__(self) -> None:
        m = self.start_month
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise InvalidArgumentError(
                "start_month",
                m,
                f"start_month must be the number of the month the fiscal year starts in, 1 to 12 "
                f"(4: April to March, 10: October to September), got {m!r}",
            )

    def __str__(self) -> str:
        return f"fiscal:{self.start_month}"

    def window(self, on: date) -> tuple[date, date]:
        """First and last day of the fiscal year containing ``on``."""
        m = self.start_month
        year = on.year if on.month >= m else on.year - 1
        return date(year, m, 1), date(year + 1, m, 1) - timedelta(days=1)


FISCAL_YEARS: dict[str, FiscalYearMean] = {
    "fiscal_year_uk": FiscalYearMean(4),
    "fiscal_year_us": FiscalYearMean(10),
    "fiscal_year_ca": FiscalYearMean(4),
    "fiscal_year_jp": FiscalYearMean(4),
}
"""Named fiscal-year policies: the UK, Canada and Japan run April to March, the US federal government
October to September (sources in the docs, "Rate policies" > "Which institution uses which rule")."""

_MAX_TRAILING_DAYS = 36_600


@dataclass(frozen=True, slots=True)
class TrailingMean:
    """The arithmetic mean of the currency's fixings over a trailing window, or over one fixed window.

    ``TrailingMean(days=90)`` (a rolling window): for a date ``d`` the window is the ``days``
    calendar days *ending on d itself*, ``d - (days - 1)`` to ``d``. On a day without a fixing
    (a weekend, a holiday) the window still ends on that day, so its last fixing is the last one
    before it. To leave the day itself out ("the 90 days before the conference"), take the day
    before as the rate date or use a fixed window.

    ``TrailingMean(start=..., end=...)`` (a fixed window): every amount, whatever its date, at the
    mean over ``start`` to ``end`` inclusive (dates or ``YYYY-MM-DD`` strings), as a replenishment
    that values all pledges at one reference period's average.

    The same rules as every mean: the window must lie inside the data (a window starting before
    the data begins is refused, naming both dates) and the currency must have fixed on every
    fixing day of the table in it. Names in provenance: ``"trailing:90"``,
    ``"trailing:2022-06-01..2022-08-31"``.

    >>> TrailingMean(days=90).window(date(2022, 9, 21))
    (datetime.date(2022, 6, 24), datetime.date(2022, 9, 21))
    >>> str(TrailingMean(start=date(2022, 6, 1), end=date(2022, 8, 31)))
    'trailing:2022-06-01..2022-08-31'
    """

    # pydantic (JSON round trip of a Conversion): a policy object is never read from another one's fields
    __pydantic_config__ = {"extra": "forbid"}  # noqa: RUF012

    days: int | None = None
    """Length of a rolling window in calendar days (the date itself included)."""
    start: date | None = None
    """First day of a fixed window."""
    end: date | None = None
    """Last day of a fixed window."""

    def __post_init__(self) -> None:
        from aidtrack._dates import parse_iso_date

        usage = (
            "give days= for a window ending on each date (TrailingMean(days=90)) or start= and end= for one "
            "fixed window (TrailingMean(start='2022-06-01', end='2022-08-31'))"
        )
        if self.days is not None:
            n = self.days
            if self.start is not None or self.end is not None:
                raise InvalidArgumentError("days", n, f"TrailingMean takes days= or start=/end=, not both: {usage}")
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_TRAILING_DAYS:
                raise InvalidArgumentError(
                    "days", n, f"days must be a whole number of calendar days, 1 to {_MAX_TRAILING_DAYS:,}, got {n!r}"
                )
            return
        if self.start is None or self.end is None:
            raise InvalidArgumentError("days", None, f"TrailingMean needs a window: {usage}")
        start = parse_iso_date(self.start, what="trailing window start")
        end = parse_iso_date(self.end, what="trailing window end")
        if end < start:
            raise InvalidArgumentError(
                "end", end, f"the window ends ({end.isoformat()}) before it starts ({start.isoformat()})"
            )
        object.__setattr__(self, "start", start)  # frozen: normalise ISO strings once, here
        object.__setattr__(self, "end", end)

    @property
    def fixed(self) -> bool:
        """Whether this is one fixed window for every date (``start``/``end``) rather than a rolling one."""
        return self.days is None

    def __str__(self) -> str:
        if self.days is not None:
            return f"trailing:{self.days}"
        assert self.start is not None
        assert self.end is not None
        return f"trailing:{self.start.isoformat()}..{self.end.isoformat()}"

    def window(self, on: date) -> tuple[date, date]:
        """The window for ``on``: the ``days`` days ending on it, or the fixed window."""
        if self.days is None:
            assert self.start is not None
            assert self.end is not None
            return self.start, self.end
        return on - timedelta(days=self.days - 1), on


Policy: TypeAlias = RatePolicy | FixedDate | FiscalYearMean | TrailingMean
MeanPolicy: TypeAlias = RatePolicy | FiscalYearMean | TrailingMean
"""What :func:`mean_window` and :func:`leg_arrays` take (a :class:`FixedDate` is ``daily`` on its date)."""
PolicyLike: TypeAlias = RatePolicy | FixedDate | FiscalYearMean | TrailingMean | date | str
"""Anything :func:`as_policy` accepts."""

_MEANS = (RatePolicy.MONTHLY_MEAN, RatePolicy.QUARTERLY_MEAN, RatePolicy.ANNUAL_MEAN)


def is_mean(policy: Policy) -> bool:
    """Whether ``policy`` averages fixings over a window (its conversions have first/last/count fixings)."""
    return isinstance(policy, FiscalYearMean | TrailingMean) or policy in _MEANS


def policy_names() -> list[str]:
    """Every policy name and form :func:`as_policy` accepts (listed by its errors)."""
    return [
        *(p.value for p in RatePolicy),
        *FISCAL_YEARS,
        "fiscal:M (the fiscal year starting in month M, 1-12)",
        "trailing:DAYS",
        "trailing:YYYY-MM-DD..YYYY-MM-DD",
    ]


_DIGITS = re.compile(r"[0-9]+")


def as_policy(value: PolicyLike) -> Policy:
    """Turn a policy given by name, date or object into a :data:`Policy`.

    >>> as_policy("monthly_mean"), as_policy("fixed:2026-10-30")
    (<RatePolicy.MONTHLY_MEAN: 'monthly_mean'>, FixedDate(on=datetime.date(2026, 10, 30)))
    >>> as_policy("fiscal_year_us"), as_policy("fiscal:4")
    (FiscalYearMean(start_month=10), FiscalYearMean(start_month=4))
    >>> as_policy("trailing:90")
    TrailingMean(days=90, start=None, end=None)
    >>> as_policy("trailing:2022-06-01..2022-08-31").window(date(2024, 1, 1))
    (datetime.date(2022, 6, 1), datetime.date(2022, 8, 31))
    """
    if isinstance(value, RatePolicy | FixedDate | FiscalYearMean | TrailingMean):
        return value
    if type(value) is str:
        found = _AS_POLICY.get(value)
        if found is None:
            found = _as_policy(value)
            if len(_AS_POLICY) < _AS_POLICY_MAX:
                _AS_POLICY[value] = found
        return found
    return _as_policy(value)


_AS_POLICY: dict[str, Policy] = {}
"""Policy names as given -> their policy (valid names only: an error is never cached; policies are immutable)."""
_AS_POLICY_MAX = 1024


def _as_policy(value: PolicyLike) -> Policy:
    if isinstance(value, RatePolicy | FixedDate | FiscalYearMean | TrailingMean):
        return value
    if isinstance(value, date):
        return FixedDate(value)
    if isinstance(value, str):
        text = value.strip()
        low = text.lower()
        try:
            return RatePolicy(low)
        except ValueError:
            pass
        if low in FISCAL_YEARS:
            return FISCAL_YEARS[low]
        kind, colon, arg = low.partition(":")
        if colon and kind == "fiscal":
            if _DIGITS.fullmatch(arg) and 1 <= int(arg) <= 12:
                return FiscalYearMean(int(arg))
            raise UnknownPolicyError(
                value,
                policy_names(),
                reason="'fiscal:' takes the month the fiscal year starts in, 1 to 12: 'fiscal:4' is April to March",
            )
        if colon and kind == "trailing":
            try:
                if _DIGITS.fullmatch(arg):
                    return TrailingMean(days=int(arg))
                first, dots, last = arg.partition("..")
                if dots:
                    return TrailingMean(start=first.strip(), end=last.strip())  # type: ignore[arg-type]
            except InvalidArgumentError as exc:
                raise UnknownPolicyError(value, policy_names(), reason=str(exc)) from None
            raise UnknownPolicyError(
                value,
                policy_names(),
                reason="'trailing:' takes a number of days ('trailing:90') or a window "
                "('trailing:2022-06-01..2022-08-31')",
            )
        from aidtrack._dates import parse_iso_date

        candidate = text.removeprefix("fixed:")
        try:
            return FixedDate(parse_iso_date(candidate))
        except ValueError:
            pass
    raise UnknownPolicyError(value, policy_names())


def policy_name(policy: Policy) -> str:
    """``"daily"``, ``"monthly_mean"``, ..., ``"fiscal:4"``, ``"trailing:90"`` or ``"fixed:YYYY-MM-DD"``."""
    return policy.value if isinstance(policy, RatePolicy) else str(policy)


@dataclass(frozen=True, slots=True)
class RateLeg:
    """The rate of one currency against the table's base, and the fixings it came from.

    ``rate`` is units of ``currency`` per one unit of ``base``. For ``daily`` and
    ``exact`` it is one fixing, exactly as published; for the means it is the
    mean of ``fixing_dates``' fixings (28 significant digits). A leg for the base
    itself has rate 1 and no fixing dates.

    ``published`` is that fixing or mean in the source's own quoting direction:
    the same as ``rate`` for the ECB; for a table quoted in base units (Bank of
    Canada: CAD per USD) the published quote, of which ``rate`` is the inverse.

    A leg from a period table has no fixing dates: its ``period`` says which month or year
    the published rate answers for.
    """

    currency: str
    base: str
    rate: Decimal
    fixing_dates: tuple[date, ...]
    published: Decimal | None = None
    source: str | None = None
    """The key of the table that priced the leg (``ecb-bundled``, ``imf-bundled``, ...)."""
    period: tuple[date, date] | None = None
    """For a leg from a period table: the first and last day of the period whose published rate it is."""
    parity: Decimal | None = None
    """For a legacy euro currency after its changeover: its legal units per euro (the leg is parity × euro)."""


def mean_window(policy: MeanPolicy, on: date) -> tuple[date, date]:
    """The window ``(start, end)`` whose fixings a mean policy averages for ``on``.

    >>> mean_window(RatePolicy.QUARTERLY_MEAN, date(2024, 8, 15))
    (datetime.date(2024, 7, 1), datetime.date(2024, 9, 30))
    """
    if isinstance(policy, FiscalYearMean | TrailingMean):
        return policy.window(on)
    if policy is RatePolicy.MONTHLY_MEAN:
        after = date(on.year + 1, 1, 1) if on.month == 12 else date(on.year, on.month + 1, 1)
        return date(on.year, on.month, 1), after - timedelta(days=1)
    if policy is RatePolicy.QUARTERLY_MEAN:
        first_month = (on.month - 1) // 3 * 3 + 1
        after = date(on.year + 1, 1, 1) if first_month == 10 else date(on.year, first_month + 3, 1)
        return date(on.year, first_month, 1), after - timedelta(days=1)
    if policy is RatePolicy.ANNUAL_MEAN:
        return date(on.year, 1, 1), date(on.year, 12, 31)
    raise ValueError(f"{policy} is not a mean policy")


def windows(policy: RatePolicy | FiscalYearMean, first: date, last: date) -> list[tuple[date, date]]:
    """The mean windows ``(start, end)`` that cover ``first`` to ``last``, in order (a partition).

    Only calendar policies partition time; trailing windows overlap (see :func:`leg_arrays`).
    """
    if isinstance(policy, TrailingMean):
        raise ValueError(f"{policy} windows overlap: they do not partition time")
    out = []
    start, end = mean_window(policy, first)
    while start <= last:
        out.append((start, end))
        start, end = mean_window(policy, end + timedelta(days=1))
    return out


# ---------------------------------------------------------------------------
# The rules, each written once. quote() applies them to one date; leg_arrays() to every day of a
# table's span at once (numpy) for the vectorised path, reusing window_mean() for every mean.

_MEMO: WeakKeyDictionary[RateTable, dict[tuple[Any, ...], Any]] = WeakKeyDictionary()
"""Per table: means per (currency, window) and the per-day arrays of each (currency, policy)."""


def _memo(table: RateTable) -> dict[tuple[Any, ...], Any]:
    found = _MEMO.get(table)
    if found is None:
        found = _MEMO.setdefault(table, {})
    return found


def window_mean(table: RateTable, currency: str, start: date, end: date) -> RateLeg | str:
    """The mean of ``currency``'s fixings from ``start`` to ``end``, or the reason there is none.

    The one rule of every mean policy: the window must lie inside what the data covers
    (:attr:`RateTable.coverage_start` to :attr:`RateTable.coverage_end`) and the currency
    must have a fixing on *every* fixing day of the table inside it, so a currency that
    starts, stops or pauses inside the window (RUB after March 2022, ISK from December
    2008, CNY before April 2005, a user table starting mid-month) is refused, never
    averaged over what happens to exist. The mean is computed exactly and rounded once
    to 28 significant digits; for a table quoted in base units it is taken over the
    published quotes and inverted once. Results are memoised per table.
    """
    memo = _memo(table)
    key = ("leg", currency, start, end)
    found: RateLeg | str | None = memo.get(key)
    if found is None:
        mean = _window(table, currency, start, end)
        if isinstance(mean, str):
            found = mean
        else:
            lo, hi, rate, published = mean
            ords = table.series(currency).ordinals
            found = RateLeg(
                currency,
                table.base,
                rate,
                tuple(date.fromordinal(ords[k]) for k in range(lo, hi)),
                published,
                table.info.key,
            )
        memo[key] = found
    return found


def _window(
    table: RateTable, currency: str, start: date, end: date, memo: dict[tuple[Any, ...], Any] | None = None
) -> tuple[int, int, Decimal, Decimal] | str:
    """``(first position, end position, rate per base, published mean)`` of a complete window, or the reason."""
    memo = _memo(table) if memo is None else memo
    key = ("mean", currency, start, end)
    found: tuple[int, int, Decimal, Decimal] | str | None = memo.get(key)
    if found is None:
        found = memo[key] = _compute_window(table, currency, start, end, memo)
    return found


def _compute_window(
    table: RateTable, currency: str, start: date, end: date, memo: dict[tuple[Any, ...], Any]
) -> tuple[int, int, Decimal, Decimal] | str:
    # _trailing_arrays() applies these checks to every day at once: keep the two in step
    needs = "needs every fixing from {} to {}".format  # formatted only when the window is refused
    if end > table.coverage_end:
        return f"{needs(start, end)}, but the data ends {table.info.last_date.isoformat()}"
    if start < table.coverage_start:
        return f"{needs(start, end)}, but the data starts {table.info.first_date.isoformat()}"
    series = table.series(currency)
    positions = series.between(start, end)
    fixing_days = bisect_right(table.calendar, end.toordinal()) - bisect_left(table.calendar, start.toordinal())
    if fixing_days == 0:
        return f"{needs(start, end)}, but there is no fixing day in it"
    if len(positions) < fixing_days:
        needs_window = needs(start, end)
        quoted = f"{currency} is quoted from {series.first.isoformat()} to {series.last.isoformat()}"
        if not positions:
            return f"{needs_window}, but there are no {currency} fixings in it{_gap(series, start)}; {quoted}"
        have = (date.fromordinal(series.ordinals[positions[0]]), date.fromordinal(series.ordinals[positions[-1]]))
        return (
            f"{needs_window}, but {currency} has fixings on only {len(positions)} of the {fixing_days} fixing days "
            f"in it ({have[0].isoformat()} to {have[1].isoformat()}){_gap(series, start, end)}; {quoted}"
        )
    lo, hi = positions.start, positions.stop
    rate, mean = _mean_of(table, _prefix(table, currency, memo), lo, hi)
    return lo, hi, rate, mean


_SUM_CONTEXT = Context(prec=MAX_PREC, rounding=ROUND_HALF_EVEN, traps=[Inexact, InvalidOperation])
"""Sums of fixings: unbounded precision, and any inexact step would raise (none can: only + and -)."""
_ZERO = Decimal(0)


def _prefix(table: RateTable, currency: str, memo: dict[tuple[Any, ...], Any]) -> list[Decimal]:
    """Exact running sums of the currency's fixings as published: ``prefix[k]`` = sum of the first ``k``."""
    key = ("prefix", currency)
    found: list[Decimal] | None = memo.get(key)
    if found is None:
        found = memo[key] = list(accumulate(map(Decimal, table.series(currency).raw), _SUM_CONTEXT.add, initial=_ZERO))
    return found


def _mean_of(table: RateTable, prefix: list[Decimal], lo: int, hi: int) -> tuple[Decimal, Decimal]:
    """``(rate per base, published mean)`` of the fixings at series positions ``lo`` to ``hi - 1``.

    The one formula of every mean, scalar and vectorised: the exact sum ``prefix[hi] - prefix[lo]`` of
    :func:`_prefix`, divided once with 28 significant digits (half-even), inverted once for a table quoted
    in base units.
    """
    mean = RATE_CONTEXT.divide(_SUM_CONTEXT.subtract(prefix[hi], prefix[lo]), Decimal(hi - lo))
    return table.per_base(mean), mean


NEWER_RATES_HINT = 'run `aidtrack rates update` or pass source="ecb" for newer rates'
"""What a "date after the end of the data" error says to do."""


def check_lookback(max_lookback_days: int) -> None:
    """``max_lookback_days`` of :func:`quote` (and of every conversion that takes it): 0 or more days."""
    if max_lookback_days < 0:
        raise InvalidArgumentError(
            "max_lookback_days", max_lookback_days, f"max_lookback_days must be 0 or more, got {max_lookback_days}"
        )


def quote(
    table: RateTable,
    currency: str,
    on: date,
    policy: Policy = RatePolicy.DAILY,
    *,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> RateLeg:
    """The rate of ``currency`` per unit of the table's base for ``on`` under ``policy``.

    >>> from aidtrack.rates.bundled import bundled_table
    >>> leg = quote(bundled_table(), "USD", date(2025, 1, 11))  # a Saturday
    >>> leg.rate, leg.fixing_dates
    (Decimal('1.0304'), (datetime.date(2025, 1, 10),))
    """
    check_lookback(max_lookback_days)
    if currency == table.base:
        return RateLeg(currency, table.base, Decimal(1), (), source=table.info.key)
    if isinstance(policy, FixedDate):
        on = policy.on
        policy = RatePolicy.DAILY
    elif isinstance(policy, TrailingMean) and policy.fixed:
        assert policy.end is not None
        on = policy.end  # one window for every date: the row's own date plays no part (as for a fixed date)
    parity = euro_parity(currency, on)
    if parity is not None:
        eur = quote(table, "EUR", on, policy, max_lookback_days=max_lookback_days)
        return RateLeg(
            currency,
            table.base,
            EXACT_CONTEXT.multiply(parity.rate, eur.rate),
            eur.fixing_dates,
            None,
            table.info.key,
            eur.period,
            parity.rate,
        )
    series = _series(table, currency, on)
    first, last = series.first, series.last
    if table.is_period_table:
        last = period_bounds(table.frequency, last)[1]
    source = table.info.name

    def fail(reason: str, hint: str = "") -> RateNotAvailableError:
        return RateNotAvailableError(currency, on, available=(first, last), source=source, reason=reason, hint=hint)

    if table.is_period_table and period_policy(table) is not policy:
        return _period_quote(table, series, currency, on, policy, fail)  # refused: say which policy fits

    if isinstance(policy, TrailingMean) and policy.fixed:  # the window alone decides (not the date checks below)
        return _mean_leg(table, currency, policy, on, fail)

    if on < first:
        if currency == "EUR" and on < date(1999, 1, 1):
            raise fail("the euro did not exist before 1999-01-01; no rate is made up for it")
        what = "published rate" if table.is_period_table else "fixing"
        raise fail(f"the date is before the first {currency} {what}")
    if on > table.coverage_end:
        raise fail(
            f"the date is after the end of the data ({table.info.last_date.isoformat()})",
            NEWER_RATES_HINT,
        )
    if table.is_period_table:
        return _period_quote(table, series, currency, on, policy, fail)

    if policy is RatePolicy.EXACT:
        i = series.index_of(on)
        if i is None:
            why = "no fixing that day" if on.weekday() < 5 else "a weekend has no fixing"
            raise fail(f"{why} (policy 'exact'; use 'daily' to take the last fixing before it)")
        value = series.rate(i)
        return RateLeg(currency, table.base, table.per_base(value), (on,), value, table.info.key)

    if policy is RatePolicy.DAILY:
        day = table.last_fixing_day(on)
        if day is None or (on - day).days > max_lookback_days:
            raise fail(f"no fixing day in the {max_lookback_days} days up to it")
        i = series.index_of(day)
        if i is None:
            if day > last:
                raise fail(f"{currency} has no fixings after {last.isoformat()}")
            raise fail(
                f"the source published no {currency} rate on the fixing day {day.isoformat()}{_gap(series, day)}"
            )
        value = series.rate(i)
        return RateLeg(currency, table.base, table.per_base(value), (day,), value, table.info.key)

    return _mean_leg(table, currency, policy, on, fail)


def _mean_leg(table: RateTable, currency: str, policy: MeanPolicy, on: date, fail: Any) -> RateLeg:
    start, end = mean_window(policy, on)
    mean = window_mean(table, currency, start, end)
    if isinstance(mean, str):
        raise fail(f"policy '{policy_name(policy)}' {mean}")
    return mean


def _series(table: RateTable, currency: str, on: date) -> Series:
    """The currency's series; for a legacy euro currency the table lacks, an error that says why."""
    try:
        return table.series(currency)
    except UnknownCurrencyError:
        entry = legacy_currency(currency)
        if entry is None:
            raise
        raise RateNotAvailableError(
            currency,
            on,
            available=None,
            source=table.info.name,
            reason=(
                f"{currency} is a legacy euro currency, fixed at {entry.describe()}; before "
                f"{entry.since.isoformat()} it converts only where a source quotes it, and this one does not "
                "(the bundled IMF table has annual averages of every legacy currency up to its changeover: "
                "source='imf-bundled', policy='annual_mean')"
            ),
        ) from None


def period_policy(table: RateTable) -> RatePolicy | None:
    """The one policy a period table answers (``None`` for a daily table, or a period no policy fits).

    >>> from aidtrack.rates.bundled import bundled_imf_table
    >>> period_policy(bundled_imf_table())
    <RatePolicy.ANNUAL_MEAN: 'annual_mean'>
    """
    if not table.is_period_table:
        return None
    if table.info.measure == "end_of_period":
        return RatePolicy.EXACT
    return {"A": RatePolicy.ANNUAL_MEAN, "M": RatePolicy.MONTHLY_MEAN}.get(table.frequency)


def prices(table: RateTable, currency: str) -> bool:
    """Whether ``table`` can price ``currency`` on some date: its base, one of its currencies, or a
    legacy euro currency (through the euro) when the table has the euro."""
    if currency == table.base or currency in table:
        return True
    return legacy_currency(currency) is not None and (table.base == "EUR" or "EUR" in table)


def _period_quote(table: RateTable, series: Series, currency: str, on: date, policy: MeanPolicy, fail: Any) -> RateLeg:
    """The published period rate for ``on``, under the one policy the table supports."""
    supported = period_policy(table)
    kind = table.describe_kind()
    if policy is not supported:
        hint = (
            f"use policy='{supported.value}' (the published rate of the period)"
            if supported is not None
            else "no rate policy reads this table's periods"
        )
        raise fail(
            f"policy '{policy_name(policy)}' needs {_needs(policy)}, but this source publishes {kind} only (one "
            f"published rate answers for its whole period and is never read as anything else): {hint}"
        )
    start, end = period_bounds(table.frequency, on)
    if table.info.measure == "end_of_period" and on != end:
        raise fail(
            f"an end-of-period rate is the rate of the period's last day ({end.isoformat()}) only; "
            f"policy 'exact' on {on.isoformat()} has no rate in {kind}"
        )
    i = series.index_of(start)
    if i is None:
        label = period_label(table.frequency, on)
        raise fail(f"no published {currency} rate for {label}{_gap(series, start)}")
    value = series.rate(i)
    return RateLeg(currency, table.base, table.per_base(value), (), value, table.info.key, (start, end))


def _needs(policy: MeanPolicy) -> str:
    if isinstance(policy, FiscalYearMean):
        return "a mean over a fiscal year"
    if isinstance(policy, TrailingMean):
        return "a mean over a trailing window" if not policy.fixed else "a mean over a fixed window"
    return {
        RatePolicy.DAILY: "a daily fixing",
        RatePolicy.EXACT: "the fixing of that very day",
        RatePolicy.MONTHLY_MEAN: "a mean over the calendar month",
        RatePolicy.QUARTERLY_MEAN: "a mean over the calendar quarter",
        RatePolicy.ANNUAL_MEAN: "a mean over the calendar year",
    }.get(policy, f"a '{policy.value}' rate")


@dataclass(frozen=True)
class LegArrays:
    """One currency under one policy for every day of :func:`day_span`, as numpy arrays (the vectorised path).

    Index ``ndays`` (one past the span) is a sentinel with no rate, for dates outside it.
    """

    rate: Any
    """float64 per day: units of the currency per unit of the base; NaN where there is no rate."""
    first: Any
    """int64 per day: the first (or only) fixing day, as ``datetime64[s]`` integers (NaT where none)."""
    last: Any
    """int64 per day: the last fixing day of a mean."""
    count: Any
    """int32 per day: how many fixings a mean averages (1 for a single fixing)."""
    pos: Any
    """int32 per day: the series position (daily, exact) or the window number (means)."""
    exact: Sequence[Decimal] | Sequence[str]
    """The exact rate behind ``pos``: the series' raw strings, or the exact rates per window."""
    published: Sequence[Decimal] | Sequence[str] | None = None
    """For a table quoted in base units (``quoted_in_base``): the published quote or mean behind
    ``pos``, of which ``exact`` holds the inverse (:attr:`RateLeg.published`); ``None`` otherwise."""

    def exact_rate(self, day: int) -> Decimal:
        """The exact rate (per unit of the base) behind day index ``day``."""
        value = self.exact[int(self.pos[day])]
        return value if isinstance(value, Decimal) else Decimal(value)

    def published_quote(self, day: int) -> Decimal | None:
        """The published quote (units of the base per unit of the currency) behind day index ``day``,
        or ``None`` for a table quoted per unit of the base (where it is :meth:`exact_rate`)."""
        if self.published is None:
            return None
        value = self.published[int(self.pos[day])]
        return value if isinstance(value, Decimal) else Decimal(value)


_EPOCH = date(1970, 1, 1).toordinal()
_DAY = 86_400


def day_span(table: RateTable) -> tuple[int, int]:
    """First and last day ordinal of the per-day arrays: the table's first fixing day (first period's
    first day) to its coverage end."""
    return int(table.calendar[0]), table.coverage_end.toordinal()


def leg_arrays(table: RateTable, currency: str, policy: MeanPolicy, max_lookback_days: int) -> LegArrays:
    """:func:`quote` of ``currency`` for every day of :func:`day_span`, as arrays (memoised per table).

    The same rules as :func:`quote`, applied to all days at once: the daily look-back and the exact
    day by array search; the calendar means (month, quarter, year, fiscal year) through
    :func:`window_mean` once per window of the partition :func:`windows`; a fixed trailing window
    once for every day; and a rolling trailing window, which is no partition, with the completeness
    check of :func:`window_mean` applied to every day's window by array search and one exact mean per
    distinct run of fixings, from the same prefix sums and formula as the scalar mean (so every mean,
    and every refusal, is the scalar one). Never called on the import path of a scalar conversion.
    """
    memo = _memo(table)
    key = ("arrays", currency, policy, max_lookback_days if policy is RatePolicy.DAILY else -1)
    found: LegArrays | None = memo.get(key)
    if found is None:
        found = memo[key] = _leg_arrays(table, currency, policy, max_lookback_days)
    return found


def _leg_arrays(table: RateTable, currency: str, policy: MeanPolicy, lookback: int) -> LegArrays:
    entry = legacy_currency(currency)
    if entry is not None and currency != table.base and (table.base == "EUR" or "EUR" in table):
        return _legacy_arrays(table, currency, policy, lookback, entry.rate, entry.since)
    if table.is_period_table:
        return _period_arrays(table, currency, policy)
    return _plain_arrays(table, currency, policy, lookback)


def _empty_arrays(table: RateTable) -> LegArrays:
    import numpy as np

    o0, o_end = day_span(table)
    width = o_end - o0 + 2
    nat = np.iinfo(np.int64).min
    return LegArrays(
        np.full(width, np.nan),
        np.full(width, nat, dtype=np.int64),
        np.full(width, nat, dtype=np.int64),
        np.zeros(width, dtype=np.int32),
        np.zeros(width, dtype=np.int32),
        [Decimal(0)],
    )


def _legacy_arrays(
    table: RateTable, currency: str, policy: MeanPolicy, lookback: int, parity: Decimal, since: date
) -> LegArrays:
    """A legacy euro currency: its own quotes before the changeover (where the table has them), parity × euro after."""
    import numpy as np

    if table.is_period_table:
        native = _period_arrays(table, currency, policy) if currency in table else _empty_arrays(table)
    else:
        native = _plain_arrays(table, currency, policy, lookback) if currency in table else _empty_arrays(table)
    o0, o_end = day_span(table)
    after = np.append(np.arange(o0, o_end + 1, dtype=np.int64) >= since.toordinal(), False)
    n_native = len(native.exact)
    if table.base == "EUR":
        nat = np.iinfo(np.int64).min
        rate = np.where(after, float(parity), native.rate)
        first = np.where(after, nat, native.first)
        last = np.where(after, nat, native.last)
        count = np.where(after, 0, native.count).astype(np.int32)
        pos = np.where(after, n_native, native.pos).astype(np.int32)
        exact: list[Decimal] = [*(Decimal(v) if isinstance(v, str) else v for v in native.exact), parity]
        return LegArrays(rate, first, last, count, pos, exact)
    eur = leg_arrays(table, "EUR", policy, lookback)
    eur_exact = [EXACT_CONTEXT.multiply(parity, Decimal(v) if isinstance(v, str) else v) for v in eur.exact]
    return LegArrays(
        np.where(after, eur.rate * float(parity), native.rate),
        np.where(after, eur.first, native.first),
        np.where(after, eur.last, native.last),
        np.where(after, eur.count, native.count).astype(np.int32),
        np.where(after, eur.pos + n_native, native.pos).astype(np.int32),
        [*(Decimal(v) if isinstance(v, str) else v for v in native.exact), *eur_exact],
    )


def _period_arrays(table: RateTable, currency: str, policy: MeanPolicy) -> LegArrays:
    """:func:`_period_quote` for every day: the published rate of the day's period, under the supported policy only."""
    import numpy as np

    o0, o_end = day_span(table)
    days = np.arange(o0, o_end + 1, dtype=np.int64)
    series = table.series(currency)
    ords, _ = series.as_numpy()
    ends = np.array([period_bounds(table.frequency, date.fromordinal(int(o)))[1].toordinal() for o in ords])
    k = np.searchsorted(ords, days, side="right") - 1
    kk = np.maximum(k, 0)
    ok = (k >= 0) & (days <= ends[kk])
    if period_policy(table) is not policy:
        ok[:] = False
    elif table.info.measure == "end_of_period":
        ok &= days == ends[kk]
    exact = [table.per_base(Decimal(v)) for v in series.raw]
    rates = np.array([float(v) for v in exact], dtype=np.float64)
    nat = np.iinfo(np.int64).min

    def secs(day: Any) -> Any:
        return np.append(np.where(ok, (day - _EPOCH) * _DAY, nat), nat).astype(np.int64)

    return LegArrays(
        np.append(np.where(ok, rates[kk], np.nan), np.nan),
        secs(ords[kk]),
        secs(ends[kk]),
        np.append(np.where(ok, 1, 0), 0).astype(np.int32),
        np.append(kk, 0).astype(np.int32),
        exact,
        series.raw if table.quoted_in_base else None,
    )


def _plain_arrays(table: RateTable, currency: str, policy: MeanPolicy, lookback: int) -> LegArrays:
    import numpy as np

    nat = np.iinfo(np.int64).min
    o0, o_end = day_span(table)
    days = np.arange(o0, o_end + 1, dtype=np.int64)
    series = table.series(currency)
    ords, rates = series.as_numpy()
    first_fixing = int(ords[0])

    def finish(
        ok: Any,
        rate: Any,
        first_day: Any,
        last_day: Any,
        count: Any,
        pos: Any,
        exact: Any,
        *,
        any_day: bool = False,
        published: Any = None,
    ) -> LegArrays:
        if not any_day:
            ok = ok & (days >= first_fixing)  # as quote(): never before the currency's first fixing

        def secs(day: Any) -> Any:
            return np.append(np.where(ok, (day - _EPOCH) * _DAY, nat), nat).astype(np.int64)

        return LegArrays(
            np.append(np.where(ok, rate, np.nan), np.nan),
            secs(first_day),
            secs(last_day),
            np.append(np.where(ok, count, 0), 0).astype(np.int32),
            np.append(pos, 0).astype(np.int32),
            exact,
            published if table.quoted_in_base else None,
        )

    if policy is RatePolicy.DAILY or policy is RatePolicy.EXACT:
        if policy is RatePolicy.DAILY:  # the table's last fixing day on or before the date, within the look-back
            cal = np.asarray(table.calendar, dtype=np.int64)
            fixday = cal[np.searchsorted(cal, days, side="right") - 1]
        else:
            fixday = days
        i = np.minimum(np.searchsorted(ords, fixday), len(ords) - 1)
        ok = ords[i] == fixday  # the currency itself fixed that day
        if policy is RatePolicy.DAILY:
            ok &= (days - fixday) <= lookback
        if table.quoted_in_base:  # published in base units: one inversion per fixing (per_base)
            exact: Sequence[Decimal] | Sequence[str] = [table.per_base(Decimal(r)) for r in series.raw]
            rates = np.array([float(v) for v in exact], dtype=np.float64)
        else:
            exact = series.raw
        return finish(ok, rates[i], fixday, fixday, 1, i, exact, published=series.raw)

    memo = _memo(table)
    if isinstance(policy, TrailingMean):
        zeros = np.zeros(len(days), dtype=np.int64)
        if policy.fixed:  # every day the same window (and the day itself plays no part, as in quote())
            assert policy.start is not None
            assert policy.end is not None
            fixed = _window(table, currency, policy.start, policy.end, memo)
            if isinstance(fixed, str):
                return finish(
                    zeros.astype(bool), np.nan, 0, 0, 0, zeros, [Decimal(0)], any_day=True, published=[Decimal(1)]
                )
            lo, hi, rate, quoted_mean = fixed
            return finish(
                ~zeros.astype(bool),
                float(rate),
                ords[lo],
                ords[hi - 1],
                hi - lo,
                zeros,
                [rate],
                any_day=True,
                published=[quoted_mean],
            )
        return _trailing_arrays(table, currency, policy.days or 0, days, ords, finish)

    spans = windows(policy, date.fromordinal(o0), date.fromordinal(o_end))
    quoted = (series.first, series.last)  # a window wholly outside them has no mean (and no day that asks for one)
    means = [_window(table, currency, s, e, memo) if e >= quoted[0] and s <= quoted[1] else "outside" for s, e in spans]
    done = [m if not isinstance(m, str) else None for m in means]
    k = np.searchsorted(np.array([s.toordinal() for s, _ in spans], dtype=np.int64), days, side="right") - 1
    w_ok = np.array([m is not None for m in done], dtype=bool)
    w_rate = np.array([float(m[2]) if m else np.nan for m in done], dtype=np.float64)
    w_first = np.array([m[0] if m else 0 for m in done], dtype=np.int64)
    w_last = np.array([m[1] - 1 if m else 0 for m in done], dtype=np.int64)
    w_count = (w_last - w_first + 1).astype(np.int32)
    w_exact = [m[2] if m else Decimal(0) for m in done]
    w_published = [m[3] if m else Decimal(1) for m in done]
    w_first, w_last = ords[w_first], ords[w_last]  # positions -> day ordinals
    return finish(w_ok[k], w_rate[k], w_first[k], w_last[k], w_count[k], k, w_exact, published=w_published)


def _trailing_arrays(table: RateTable, currency: str, length: int, days: Any, ords: Any, finish: Any) -> LegArrays:
    """A rolling ``length``-day window ending on each day: :func:`_compute_window`'s checks, per day, by search."""
    import numpy as np

    starts = days - (length - 1)
    cal = np.asarray(table.calendar, dtype=np.int64)
    lo = np.searchsorted(ords, starts, side="left")
    hi = np.searchsorted(ords, days, side="right")
    fixing_days = np.searchsorted(cal, days, side="right") - np.searchsorted(cal, starts, side="left")
    # the window ends on the day, never after the coverage; it must start inside it, contain a fixing day,
    # and the currency must have fixed on every fixing day in it
    ok = (starts >= table.coverage_start.toordinal()) & (fixing_days > 0) & (hi - lo == fixing_days)
    # neighbouring days often average the same fixings (a weekend adds none): one exact mean per run
    runs = np.where(ok, lo * (len(ords) + 1) + hi, -1)
    keys, pos = np.unique(runs, return_inverse=True)
    prefix = _prefix(table, currency, _memo(table))
    exact: list[Decimal] = []
    published: list[Decimal] = []
    for run in keys.tolist():
        per_base, quoted = (
            _mean_of(table, prefix, *divmod(run, len(ords) + 1)) if run >= 0 else (Decimal(0), Decimal(1))
        )
        exact.append(per_base)
        published.append(quoted)
    rate = np.array([float(v) if run >= 0 else np.nan for v, run in zip(exact, keys.tolist(), strict=True)])
    first = ords[np.minimum(lo, len(ords) - 1)]
    last = ords[np.maximum(hi - 1, 0)]
    arrays: LegArrays = finish(ok, rate[pos], first, last, hi - lo, pos, exact, published=published)
    return arrays


def _gap(series: Series, day: date, end: date | None = None) -> str:
    """``"; ISK has no fixings between X and Y"`` when ``day`` (or the window to ``end``) meets a gap of over a week."""
    o = series.ordinals
    lo = bisect_left(o, day.toordinal())
    hi = lo if end is None else bisect_right(o, end.toordinal())
    for i in range(max(lo, 1), min(hi, len(o) - 1) + 1):
        if o[i] - o[i - 1] > 7:
            before, after = date.fromordinal(o[i - 1]), date.fromordinal(o[i])
            return f"; {series.currency} has no fixings between {before.isoformat()} and {after.isoformat()}"
    return ""


def compare_means(
    averages: OfficialAverages, table: RateTable, *, currencies: Sequence[str] | None = None
) -> list[MeanCheck]:
    """Check ``monthly_mean`` / ``annual_mean`` over ``table`` against the ECB's published averages.

    Periods the table does not fully cover are skipped (aidtrack never
    averages a partial month); the checks come back oldest first per currency.
    """
    from aidtrack.rates.parsers.sdmx import MeanCheck, period_start

    policy = RatePolicy.MONTHLY_MEAN if averages.freq == "M" else RatePolicy.ANNUAL_MEAN
    wanted = [normalize_currency(c) for c in currencies] if currencies is not None else list(averages.currencies)
    checks: list[MeanCheck] = []
    for cur in wanted:
        if cur not in table or cur not in averages.values:
            continue
        places = averages.decimals[cur]
        for period, official in sorted(averages.values[cur].items()):
            try:
                leg = quote(table, cur, period_start(period), policy)
            except RateNotAvailableError:
                continue
            rounded = leg.rate.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            checks.append(MeanCheck(cur, period, official, leg.rate, rounded, places, len(leg.fixing_dates)))
    return checks
