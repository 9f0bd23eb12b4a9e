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
``annual_mean``    the same over the calendar year (OECD / World Bank style).
``FixedDate(d)``   every amount at the ``daily`` rate of one date ``d``
                   ("in euros of 2026-10-30").
=================  ==============================================================

A policy can be given as a :class:`RatePolicy` member, its name as a string
(``"monthly_mean"``), a :class:`FixedDate`, a ``datetime.date`` or the string
``"fixed:2026-10-30"``; anything else raises
:class:`~aidtrack.errors.UnknownPolicyError`.

Nothing is extrapolated: a date before a currency's first fixing, after the
data ends, or a month or year that the data does not cover to its end raises
:class:`~aidtrack.errors.RateNotAvailableError` naming the currency, the date
and the available range. Means are computed exactly and rounded once, to 28
significant digits (``ROUND_HALF_EVEN``).
"""

from __future__ import annotations

import calendar as _calendar
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from aidtrack.amounts import RATE_CONTEXT
from aidtrack.currency import normalize_currency
from aidtrack.errors import InvalidArgumentError, RateNotAvailableError, UnknownPolicyError
from aidtrack.rates.table import RateTable, Series

if TYPE_CHECKING:
    from aidtrack.rates.parsers.sdmx import MeanCheck, OfficialAverages

__all__ = [
    "DEFAULT_MAX_LOOKBACK_DAYS",
    "RATE_CONTEXT",
    "FixedDate",
    "Policy",
    "PolicyLike",
    "RateLeg",
    "RatePolicy",
    "as_policy",
    "compare_means",
    "mean_window",
    "policy_name",
    "quote",
]

DEFAULT_MAX_LOOKBACK_DAYS = 7


class RatePolicy(StrEnum):
    """How a date picks its rate. Members compare equal to their names."""

    DAILY = "daily"
    EXACT = "exact"
    MONTHLY_MEAN = "monthly_mean"
    ANNUAL_MEAN = "annual_mean"


@dataclass(frozen=True, slots=True)
class FixedDate:
    """Value every amount at one date's ``daily`` rate, whatever its own date.

    >>> FixedDate(date(2026, 10, 30))
    FixedDate(on=datetime.date(2026, 10, 30))
    """

    on: date

    def __str__(self) -> str:
        return f"fixed:{self.on.isoformat()}"


Policy: TypeAlias = RatePolicy | FixedDate
PolicyLike: TypeAlias = RatePolicy | FixedDate | date | str
"""Anything :func:`as_policy` accepts."""


def as_policy(value: PolicyLike) -> Policy:
    """Turn a policy given by name, date or object into a :data:`Policy`.

    >>> as_policy("monthly_mean"), as_policy("fixed:2026-10-30")
    (<RatePolicy.MONTHLY_MEAN: 'monthly_mean'>, FixedDate(on=datetime.date(2026, 10, 30)))
    """
    if isinstance(value, RatePolicy | FixedDate):
        return value
    if isinstance(value, date):
        return FixedDate(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return RatePolicy(text.lower())
        except ValueError:
            pass
        from aidtrack._dates import parse_iso_date

        candidate = text.removeprefix("fixed:")
        try:
            return FixedDate(parse_iso_date(candidate))
        except ValueError:
            pass
    raise UnknownPolicyError(value, [p.value for p in RatePolicy])


def policy_name(policy: Policy) -> str:
    """``"daily"``, ``"monthly_mean"``, ... or ``"fixed:YYYY-MM-DD"``."""
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
    """

    currency: str
    base: str
    rate: Decimal
    fixing_dates: tuple[date, ...]
    published: Decimal | None = None


def mean_window(policy: RatePolicy, on: date) -> tuple[date, date]:
    """The calendar month or year around ``on`` for a mean policy."""
    if policy is RatePolicy.MONTHLY_MEAN:
        last = _calendar.monthrange(on.year, on.month)[1]
        return date(on.year, on.month, 1), date(on.year, on.month, last)
    if policy is RatePolicy.ANNUAL_MEAN:
        return date(on.year, 1, 1), date(on.year, 12, 31)
    raise ValueError(f"{policy} is not a mean policy")


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
    if max_lookback_days < 0:
        raise InvalidArgumentError(
            "max_lookback_days", max_lookback_days, f"max_lookback_days must be 0 or more, got {max_lookback_days}"
        )
    if currency == table.base:
        return RateLeg(currency, table.base, Decimal(1), ())
    series = table.series(currency)
    if isinstance(policy, FixedDate):
        on = policy.on
        policy = RatePolicy.DAILY
    first, last = series.first, series.last
    source = table.info.name

    def fail(reason: str) -> RateNotAvailableError:
        return RateNotAvailableError(currency, on, available=(first, last), source=source, reason=reason)

    if on < first:
        raise fail(f"the date is before the first {currency} fixing")
    if on > table.coverage_end:
        raise fail(f"the date is after the end of the data ({table.info.last_date.isoformat()})")

    if policy is RatePolicy.EXACT:
        i = series.index_of(on)
        if i is None:
            why = "no fixing that day" if on.weekday() < 5 else "a weekend has no fixing"
            raise fail(f"{why} (policy 'exact'; use 'daily' to take the last fixing before it)")
        value = series.rate(i)
        return RateLeg(currency, table.base, table.per_base(value), (on,), value)

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
        return RateLeg(currency, table.base, table.per_base(value), (day,), value)

    start, end = mean_window(policy, on)
    if end > table.coverage_end:
        raise fail(
            f"policy '{policy.value}' needs every fixing from {start.isoformat()} to {end.isoformat()}, "
            f"but the data ends {table.info.last_date.isoformat()}"
        )
    positions = series.between(start, end)
    if not positions:
        raise fail(f"no {currency} fixings between {start.isoformat()} and {end.isoformat()}{_gap(series, start)}")
    total = sum((series.rate(i) for i in positions), Decimal(0))
    mean = RATE_CONTEXT.divide(total, Decimal(len(positions)))
    dates = tuple(date.fromordinal(series.ordinals[i]) for i in positions)
    return RateLeg(currency, table.base, table.per_base(mean), dates, mean)


def _gap(series: Series, day: date) -> str:
    """``"; ISK has no fixings from X to Y"`` when ``day`` falls in a gap of more than a week."""
    i = bisect_left(series.ordinals, day.toordinal())
    if 0 < i < len(series.ordinals) and series.ordinals[i] - series.ordinals[i - 1] > 7:
        before, after = date.fromordinal(series.ordinals[i - 1]), date.fromordinal(series.ordinals[i])
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
