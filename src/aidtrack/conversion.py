"""Currency conversion with provenance (pure: a table in, a :class:`Conversion` out).

How a conversion is computed, and where it is rounded:

1. Each currency's rate against the table's base (EUR for the ECB) is picked
   by the policy (:mod:`aidtrack.policy`): one published fixing, or a mean of
   fixings rounded to 28 significant digits.
2. ``unrounded = amount × rate(to) ÷ rate(from)``, computed with 60
   significant digits, so it is exact for any realistic amount.
3. ``result`` is ``unrounded`` rounded once, to the target currency's minor
   unit (2 decimals for EUR, 0 for JPY; CLDR data via babel), with
   ``ROUND_HALF_EVEN`` unless ``rounding="half_up"`` is asked for.

``rate`` reports the cross rate ``rate(to) ÷ rate(from)`` to 28 significant
digits; ``legs`` hold the exact per-currency rates and their fixing dates.
Converting a currency into itself is exact, with rate 1 and no fixings.

>>> c = convert("500000000", "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
>>> c.result
Money('482917877.62', 'EUR')
>>> c.fixing_dates[0], c.fixing_dates[-1], len(c.fixing_dates)
(datetime.date(2025, 1, 2), datetime.date(2025, 1, 31), 22)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from aidtrack._dates import parse_iso_date
from aidtrack.amounts import EXACT_CONTEXT, RATE_CONTEXT, Rounding, quantize
from aidtrack.currency import normalize_currency
from aidtrack.errors import FieldProblem, InvalidArgumentError, InvalidRecordError
from aidtrack.money import Money
from aidtrack.policy import DEFAULT_MAX_LOOKBACK_DAYS, Policy, PolicyLike, RateLeg, as_policy, policy_name, quote
from aidtrack.rates.sources import SourceLike, resolve_table
from aidtrack.rates.table import RateTable, SourceInfo

__all__ = ["Conversion", "convert", "convert_money"]


@dataclass(frozen=True, slots=True)
class Conversion:
    """The result of one conversion, and everything needed to audit it."""

    original: Money
    """The amount converted."""
    result: Money
    """The converted amount, rounded to the target currency's minor unit."""
    unrounded: Decimal
    """The converted amount before rounding (60 significant digits)."""
    rate: Decimal
    """Units of the target currency per unit of the original (28 significant digits)."""
    on: date
    """The date the rate was chosen for (the pledge's date, not the fixing date)."""
    policy: Policy
    """The rate policy that chose the fixings."""
    legs: tuple[RateLeg, ...]
    """Per-currency rates against the source's base, with their fixing dates."""
    rounding: Rounding
    """How ``result`` was rounded."""
    source: SourceInfo | None
    """The rate source (``None`` when no rate was needed: same currency)."""

    @property
    def fixing_dates(self) -> tuple[date, ...]:
        """Every fixing date used, over all legs, sorted."""
        return tuple(sorted({d for leg in self.legs for d in leg.fixing_dates}))

    @property
    def policy_name(self) -> str:
        return policy_name(self.policy)

    def explain(self) -> str:
        """One line saying how the figure was produced.

        >>> print(convert(440_000_000, "CAD", to="EUR", on="2025-01-09").explain())
        CAD 440,000,000 = EUR 296,675,881.60 at 0.67426336727... EUR/CAD (daily; fixing 2025-01-09; ECB euro ...)
        """
        dates = self.fixing_dates
        if not dates:
            fixings = "no fixing needed"
        elif len(dates) == 1:
            fixings = f"fixing {dates[0].isoformat()}"
        else:
            fixings = f"mean of {len(dates)} fixings {dates[0].isoformat()}..{dates[-1].isoformat()}"
        src = f"{self.source.name}, data to {self.source.last_date.isoformat()}" if self.source else "no source"
        if self.source is not None and self.source.stale:
            src += f"; STALE: {self.source.fallback}" if self.source.fallback else "; STALE"
        return (
            f"{self.original} = {self.result} at {self.rate} {self.result.currency}/{self.original.currency} "
            f"({self.policy_name}; {fixings}; {src})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: amounts and rates as strings, dates as ISO strings."""
        from aidtrack._serialize import dump

        data: dict[str, Any] = dump(self)
        data["policy"] = self.policy_name
        data["fixing_dates"] = [d.isoformat() for d in self.fixing_dates]
        return data

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """JSON text of the conversion (round-trips through :meth:`model_validate_json`)."""
        from aidtrack._serialize import dump_json

        return dump_json(self, indent=indent)

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Conversion:
        from aidtrack._serialize import validate_json

        return validate_json(cls, data)

    def _repr_html_(self) -> str:
        from aidtrack.display import conversion_html

        return str(conversion_html([self]))


def convert(
    amount: Money | Decimal | int | float | str,
    from_currency: str | None = None,
    *,
    to: str,
    on: date | str,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> Conversion:
    """Convert ``amount`` (in ``from_currency``, or a ``Money``) into ``to`` at the rate for ``on``.

    ``policy`` picks the rate (see :mod:`aidtrack.policy`); ``source`` gives
    the rates (default: the bundled ECB history).
    """
    if isinstance(amount, Money):
        if from_currency is not None and normalize_currency(from_currency) != amount.currency:
            raise InvalidRecordError(
                "conversion",
                [FieldProblem("from_currency", from_currency, f"contradicts the Money's currency {amount.currency}")],
            )
        money = amount
    else:
        if from_currency is None:
            raise InvalidArgumentError(
                "from_currency",
                None,
                f"convert() needs from_currency when amount is not a Money (got amount {amount!r}, from_currency None)",
            )
        money = Money(amount, from_currency)
    target = normalize_currency(to)
    day = parse_iso_date(on, what="conversion date")
    pol = as_policy(policy)
    mode = Rounding(rounding)
    if money.currency == target:
        return Conversion(money, money.round(mode), money.amount, Decimal(1), day, pol, (), mode, None)
    table = resolve_table(source)
    return convert_money(money, target, day, pol, table, rounding=mode, max_lookback_days=max_lookback_days)


def convert_money(
    money: Money,
    to: str,
    on: date,
    policy: Policy,
    table: RateTable,
    *,
    rounding: Rounding = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> Conversion:
    """The pure core of :func:`convert`: arguments already validated, table given."""
    if money.currency == to:
        return Conversion(money, money.round(rounding), money.amount, Decimal(1), on, policy, (), rounding, None)
    src = quote(table, money.currency, on, policy, max_lookback_days=max_lookback_days)
    dst = quote(table, to, on, policy, max_lookback_days=max_lookback_days)
    unrounded = EXACT_CONTEXT.divide(EXACT_CONTEXT.multiply(money.amount, dst.rate), src.rate)
    rate = RATE_CONTEXT.divide(dst.rate, src.rate)
    result = Money(quantize(unrounded, to, rounding), to)
    legs = tuple(leg for leg in (src, dst) if leg.currency != table.base)
    return Conversion(money, result, unrounded, rate, on, policy, legs, rounding, table.info)
