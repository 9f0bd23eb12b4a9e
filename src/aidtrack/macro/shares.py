"""Aid as a share of the donor's GDP or GNI, and per inhabitant: exact, with the denominator's provenance.

:func:`share_of` divides a total by the donor's denominator of one stated year:

==============  ==========================  ===============================================================
denominator     series (bundled)            currency, and how it meets the total's currency
==============  ==========================  ===============================================================
``gdp``         WEO ``NGDP`` (``weo``)      the donor's national currency; converted into the total's
                ``basis="national"``        currency at the ECB's mean rate of the denominator year
``gdp``         WEO ``NGDPD`` (``weo``)     US$ (the IMF's own conversion at its annual average rate);
                ``basis="usd"``             then into the total's currency at the ECB annual mean
``gni``         DAC1 ``GNI`` (``dac_gni``)  US$ (the OECD's); then into the total's currency at the ECB
                                            annual mean of the denominator year
==============  ==========================  ===============================================================

The total is never converted: dividing by a denominator converted at one rate is the same as converting
the total at the inverse rate, and the total keeps the rates its own pledges were converted at. What a share
depends on is therefore stated in the result: the denominator year, the series and vintage, and the rate.

``share = total ÷ denominator`` in :data:`~aidtrack.macro.deflate.DEFLATE_CONTEXT` (60 significant digits,
half-even): a EUR 4,328,970,000 total against Germany's 2024 GDP of EUR 4,328,970,000,000 is exactly
0.1 %:

>>> from aidtrack import Money
>>> s = share_of(Money("4328970000", "EUR"), "DEU", 2024)
>>> s.share, s.percent
(Decimal('0.001'), Decimal('0.1'))

A group (``EU27``, ``EA``, ``G7``, ``DAC``) is divided by the sum of its members' denominators, members
as of ``members_on`` (default: 31 December of the year); institutions (``EUI``) have no GDP or GNI and
raise :class:`~aidtrack.errors.NoDenominatorError`, as does a group with a member that has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from aidtrack._dates import parse_iso_date
from aidtrack.amounts import Rounding, quantize
from aidtrack.conversion import Conversion
from aidtrack.errors import InvalidArgumentError, NoDenominatorError, SeriesNotAvailableError
from aidtrack.macro.deflate import DEFLATE_CONTEXT, FxStep, annual_rate, check_year
from aidtrack.macro.groups import DonorIdentity, members, national_currency, resolve_donor
from aidtrack.macro.series import BundledName, MacroSeries, SeriesProvenance, SeriesValue, as_series
from aidtrack.money import Money

if TYPE_CHECKING:
    from aidtrack.rates.sources import SourceLike

__all__ = ["Basis", "Component", "Denominator", "PerCapita", "Share", "per_capita", "share_of"]

Denominator: TypeAlias = Literal["gdp", "gni"]
Basis: TypeAlias = Literal["national", "usd"]


@dataclass(frozen=True, slots=True)
class Component:
    """One country's denominator: the series value and its conversion into the total's currency."""

    country: str
    value: SeriesValue
    currency: str
    """The currency of ``value`` (national currency or USD)."""
    fx: FxStep
    """The conversion into the total's currency (rate 1 when it is already in it)."""


@dataclass(frozen=True, slots=True)
class Share:
    """A total as a share of a donor's (or group's) GDP or GNI of one year."""

    total: Money
    donor: str
    year: int
    denominator: str
    basis: str
    indicator: str
    denominator_value: Decimal
    """The denominator in the total's currency (60 significant digits, unrounded)."""
    components: tuple[Component, ...]
    """One per country summed (one for a country; the members for a group)."""
    members_on: date | None
    """For a group: the membership date used."""
    excluded: tuple[str, ...]
    """Group members left out because they are institutions without GDP/GNI (``EUI`` in the DAC)."""
    share: Decimal
    """``total ÷ denominator_value`` as a fraction (60 significant digits)."""
    estimate_used: bool
    provenance: SeriesProvenance

    @property
    def percent(self) -> Decimal:
        """The share in per cent."""
        return self.share.scaleb(2)

    def explain(self) -> str:
        """How the share was computed.

        >>> from aidtrack import Money
        >>> print(share_of(Money("4328970000", "EUR"), "DEU", 2024).explain())
        EUR 4,328,970,000.00 = 0.1 % of DEU GDP 2024 (NGDP, national currency): 4328970000000 EUR. Source: IMF ...
        """
        parts = [
            f"{self.total} = {self.percent:.4g} % of {self.donor} {self.denominator.upper()} {self.year} "
            f"({self.indicator}, {'US$' if self.basis == 'usd' else 'national currency'}):"
        ]
        for c in self.components:
            rate = (
                "" if c.fx.from_currency == c.fx.to_currency else f" = {c.fx.after:,.2f} {self.total.currency} ({c.fx})"
            )
            parts.append(f"{c.value.value} {c.currency}{rate}" + (";" if len(self.components) > 1 else "."))
        if self.members_on is not None:
            parts.append(f"Members as of {self.members_on.isoformat()}.")
        if self.excluded:
            parts.append(f"Excluded (no {self.denominator.upper()}): {', '.join(self.excluded)}.")
        if self.estimate_used:
            parts.append("An estimate or projection was used (allow_estimates=True).")
        parts.append(f"Source: {self.provenance.describe()}. {self.provenance.attribution}".rstrip())
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class PerCapita:
    """A total per inhabitant of a donor (or group) in one year."""

    total: Money
    donor: str
    year: int
    population: Decimal
    components: tuple[SeriesValue, ...]
    members_on: date | None
    unrounded: Decimal
    """``total ÷ population`` (60 significant digits)."""
    result: Money
    """Per inhabitant, rounded once to the currency's minor unit."""
    estimate_used: bool
    provenance: SeriesProvenance

    def explain(self) -> str:
        """How the figure was computed."""
        who = f" (members as of {self.members_on.isoformat()})" if self.members_on else ""
        est = " An estimate or projection was used." if self.estimate_used else ""
        return (
            f"{self.total} / {self.population} inhabitants of {self.donor}{who} in {self.year} = {self.result} "
            f"per person.{est} Source: {self.provenance.describe()}. {self.provenance.attribution}"
        ).rstrip()


def _money(total: Money | Conversion) -> Money:
    if isinstance(total, Conversion):
        return total.result
    if isinstance(total, Money):
        return total
    raise InvalidArgumentError("total", total, f"expected a Money or a Conversion, not {type(total).__name__}")


def _countries(
    ident: DonorIdentity, year: int, members_on: date | str | None, what: str
) -> tuple[tuple[str, ...], date | None, tuple[str, ...]]:
    if ident.kind == "institution":
        raise NoDenominatorError(ident.code, what, f"{ident.name} is an institution, not an economy; it has no {what}")
    if ident.kind == "country":
        return (ident.code,), None, ()
    day = parse_iso_date(members_on, what="membership date") if members_on is not None else date(year, 12, 31)
    found = members(ident.code, on=day)
    countries = tuple(m for m in found if resolve_donor(m).kind == "country")
    excluded = tuple(m for m in found if m not in countries)
    return countries, day, excluded


def share_of(
    total: Money | Conversion,
    donor: str,
    year: int,
    *,
    denominator: Denominator = "gdp",
    basis: Basis = "national",
    series: MacroSeries | Any | None = None,
    members_on: date | str | None = None,
    allow_estimates: bool = False,
    rates: SourceLike | None = None,
) -> Share:
    """``total`` as a share of ``donor``'s GDP or GNI in ``year`` (see the module doc for the conversions)."""
    money = _money(total)
    if denominator not in ("gdp", "gni"):
        raise InvalidArgumentError(
            "denominator", denominator, f"denominator must be 'gdp' or 'gni', not {denominator!r}"
        )
    if basis not in ("national", "usd"):
        raise InvalidArgumentError("basis", basis, f"basis must be 'national' or 'usd', not {basis!r}")
    check_year("year", year)
    default: BundledName
    if denominator == "gni":
        indicator, default, basis = "GNI", "dac_gni", "usd"
    elif basis == "usd":
        indicator, default = "NGDPD", "weo"
    else:
        indicator, default = "NGDP", "weo"
    src = as_series(series, default=default)
    ident = resolve_donor(donor)
    what = f"{denominator.upper()} ({indicator})"
    countries, day, excluded = _countries(ident, year, members_on, what)
    components: list[Component] = []
    ctx = DEFLATE_CONTEXT
    summed = Decimal(0)
    for country in countries:
        try:
            value = src.get(country, indicator, year, allow_estimates=allow_estimates)
        except SeriesNotAvailableError as exc:
            if ident.kind == "group":
                raise NoDenominatorError(
                    ident.code, what, f"member {country} has none for {year} in {src.provenance.key} ({exc})"
                ) from exc
            raise
        currency = "USD" if basis == "usd" else national_currency(country)
        fx = annual_rate(value.value, currency, money.currency, year, rates=rates)
        components.append(Component(country, value, currency, fx))
        summed = ctx.add(summed, fx.after)
    if summed <= 0:
        raise NoDenominatorError(ident.code, what, f"the {what} of {year} is not positive ({summed})")
    return Share(
        total=money,
        donor=ident.code,
        year=year,
        denominator=denominator,
        basis=basis,
        indicator=indicator,
        denominator_value=summed,
        components=tuple(components),
        members_on=day,
        excluded=excluded,
        share=ctx.divide(money.amount, summed),
        estimate_used=any(bool(c.value.estimate) for c in components),
        provenance=src.provenance,
    )


def per_capita(
    total: Money | Conversion,
    donor: str,
    year: int,
    *,
    indicator: str = "LP",
    series: MacroSeries | Any | None = None,
    members_on: date | str | None = None,
    allow_estimates: bool = False,
    rounding: Rounding | str = Rounding.HALF_EVEN,
) -> PerCapita:
    """``total`` per inhabitant of ``donor`` in ``year`` (WEO ``LP`` by default; ``series="wdi"`` with
    ``indicator="SP.POP.TOTL"`` for the World Bank's count).

    >>> from aidtrack import Money
    >>> per_capita(Money("83517000", "EUR"), "DEU", 2024).result
    Money('1.00', 'EUR')
    """
    money = _money(total)
    check_year("year", year)
    src = as_series(series, default="weo")
    ident = resolve_donor(donor)
    countries, day, _ = _countries(ident, year, members_on, f"population ({indicator})")
    values = []
    for country in countries:
        try:
            values.append(src.get(country, indicator, year, allow_estimates=allow_estimates))
        except SeriesNotAvailableError as exc:
            if ident.kind == "group":
                raise NoDenominatorError(
                    ident.code, f"population ({indicator})", f"member {country} has none for {year} ({exc})"
                ) from exc
            raise
    population = sum((v.value for v in values), Decimal(0))
    if population <= 0:
        raise NoDenominatorError(ident.code, f"population ({indicator})", f"{population} is not positive")
    unrounded = DEFLATE_CONTEXT.divide(money.amount, population)
    return PerCapita(
        total=money,
        donor=ident.code,
        year=year,
        population=population,
        components=tuple(values),
        members_on=day,
        unrounded=unrounded,
        result=Money(quantize(unrounded, money.currency, Rounding(rounding)), money.currency),
        estimate_used=any(bool(v.estimate) for v in values),
        provenance=src.provenance,
    )
