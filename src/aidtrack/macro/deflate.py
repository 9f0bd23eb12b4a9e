"""Constant prices: :func:`deflate` an amount of one year into prices of a base year, with provenance.

Methods (``method=``):

=========  ======================================  =========================================================
method     index (bundled series)                  currency the index applies to
=========  ======================================  =========================================================
``dac``    OECD DAC deflator of the donor           US dollars: a non-USD amount is first converted to USD at
           (``DAC_DEFLATOR``, ``dac_deflators``)   the year's annual mean rate (``fx="ecb"``: the ECB
                                                   reference rates' calendar-year mean through
                                                   :func:`aidtrack.convert` with ``policy="annual_mean"``;
                                                   ``fx="series"``: the series' ``XR``)
``gdp``    the donor's GDP deflator                 the donor's national currency (as the IMF reports it);
           (WEO ``NGDP_D``, ``weo``)               another currency is converted to it at the year's rate
``cpi``    the donor's consumer price index         as ``gdp``
           (WEO ``PCPI``, ``weo``)
=========  ======================================  =========================================================

The result is in that currency at base-year prices, or in ``to`` (converted at the **base year's**
annual rate). The index is used as ``value(base_year) / value(year)``, so its own base year does not
matter: rebasing to ``base_year = 100`` is implicit, and :attr:`Deflated.deflator` reports the year's
index rebased that way (WEO base years differ by country, the DAC table's is 2024).

**Exactness and rounding.** Every step is ``Decimal`` arithmetic in :data:`DEFLATE_CONTEXT`
(60 significant digits, ``ROUND_HALF_EVEN``): the currency conversion's unrounded amount, then
``amount × index(base) ÷ index(year)``, then the conversion into ``to``. The one rounding is the last
step, to the result currency's minor unit (``rounding=``, half-even by default);
:attr:`Deflated.unrounded` keeps the 60-digit value.

**Estimates.** A year whose index value the source flags as an estimate or projection (WEO values after
a country's last actual year) raises :class:`~aidtrack.errors.EstimateNotAllowedError` unless
``allow_estimates=True``; the result then has ``estimate_used=True``. Nothing is extrapolated: a year
without a value raises :class:`~aidtrack.errors.SeriesNotAvailableError`.

>>> from aidtrack import Money
>>> d = deflate(Money("100000000", "USD"), year=2023, base_year=2024, method="dac", donor="DEU")
>>> d.result, d.deflator
(Money('103130113.42', 'USD'), Decimal('96.964889'))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from aidtrack.amounts import Rounding, quantize
from aidtrack.conversion import Conversion, convert
from aidtrack.currency import normalize_currency
from aidtrack.errors import (
    InvalidArgumentError,
    MacroDataError,
    NoDenominatorError,
    NotConvertibleError,
    RateNotAvailableError,
    SeriesNotAvailableError,
    UnknownCurrencyError,
)
from aidtrack.macro.groups import DonorIdentity, national_currency, resolve_donor
from aidtrack.macro.series import BundledName, MacroSeries, SeriesProvenance, SeriesValue, as_series
from aidtrack.money import Money

if TYPE_CHECKING:
    from aidtrack.rates.sources import SourceLike

__all__ = [
    "DEFLATE_CONTEXT",
    "INDICATORS",
    "Deflated",
    "FxMode",
    "FxStep",
    "Method",
    "annual_rate",
    "check_year",
    "dac_deflator_from_prices",
    "deflate",
]


def check_year(name: str, value: object) -> None:
    """A year argument (``year=``, ``base_year=``) of the real-terms functions: an ``int``, not a ``bool``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(name, value, f"{name} must be a calendar year (int), not {value!r}")


DEFLATE_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
"""Decimal context of every deflation step before the one rounding to the minor unit."""

Method: TypeAlias = Literal["dac", "gdp", "cpi"]
FxMode: TypeAlias = Literal["ecb", "series"]

INDICATORS: dict[str, tuple[str, BundledName]] = {
    "dac": ("DAC_DEFLATOR", "dac_deflators"),
    "gdp": ("NGDP_D", "weo"),
    "cpi": ("PCPI", "weo"),
}
"""Method -> (indicator code looked up in the series, bundled series used by default)."""

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class FxStep:
    """One currency conversion at an annual rate, inside a deflation or a share."""

    from_currency: str
    to_currency: str
    year: int
    rate: Decimal
    """Units of ``to_currency`` per unit of ``from_currency`` (28 significant digits)."""
    how: str
    """Which rate: ``"ECB annual mean 2022 (ecb-bundled)"`` or ``"XR 2022 of <series>"``."""
    before: Decimal
    after: Decimal
    """The converted amount, unrounded (60 significant digits)."""
    conversion: Conversion | None = None
    """The :class:`~aidtrack.conversion.Conversion` (with its fixing dates and source) for ``fx="ecb"``."""
    rate_value: SeriesValue | None = None
    """The series value used for ``fx="series"``."""

    def __str__(self) -> str:
        return f"{self.from_currency}->{self.to_currency} at {self.rate:.6g} ({self.how})"


def annual_rate(
    amount: Decimal,
    from_currency: str,
    to_currency: str,
    year: int,
    *,
    fx: FxMode = "ecb",
    series: MacroSeries | None = None,
    country: str | None = None,
    rates: SourceLike | None = None,
    allow_estimates: bool = False,
) -> FxStep:
    """Convert ``amount`` at ``year``'s annual rate: the ECB calendar-year mean (``fx="ecb"``) or the
    series' ``XR`` of ``country`` (national currency per US$; ``fx="series"``)."""
    if from_currency == to_currency:
        return FxStep(from_currency, to_currency, year, Decimal(1), "same currency", amount, amount)
    if fx == "ecb":
        try:
            c = convert(
                amount,
                from_currency,
                to=to_currency,
                on=date(year, 1, 1),
                policy="annual_mean",
                source=rates if rates is not None else "bundled",  # the ECB's mean, as the step says
            )
        except (RateNotAvailableError, UnknownCurrencyError) as exc:
            raise NotConvertibleError(
                from_currency,
                to_currency,
                year,
                f"{exc}; pass fx='series' with a series holding XR (national currency per US$), "
                "or convert the amount first",
            ) from exc
        name = c.source.key if c.source else "no source"
        return FxStep(
            from_currency, to_currency, year, c.rate, f"ECB annual mean {year} ({name})", amount, c.unrounded, c
        )
    if fx != "series":
        raise InvalidArgumentError("fx", fx, f"fx must be 'ecb' or 'series', not {fx!r}")
    if series is None or country is None:
        raise InvalidArgumentError("fx", fx, "fx='series' needs a series with XR values and the donor's country")
    home = national_currency(country)
    if {from_currency, to_currency} != {home, "USD"}:
        raise NotConvertibleError(
            from_currency,
            to_currency,
            year,
            f"the series' XR of {country} converts only between {home} and USD; use fx='ecb'",
        )
    xr = series.get(country, "XR", year, allow_estimates=allow_estimates)
    ctx = DEFLATE_CONTEXT
    if from_currency == "USD":
        after, rate = ctx.multiply(amount, xr.value), xr.value
    else:
        after, rate = ctx.divide(amount, xr.value), ctx.divide(Decimal(1), xr.value)
    return FxStep(
        from_currency,
        to_currency,
        year,
        Context(prec=28, rounding=ROUND_HALF_EVEN).plus(rate),
        f"XR {year} of {series.provenance.key}",
        amount,
        after,
        rate_value=xr,
    )


@dataclass(frozen=True, slots=True)
class Deflated:
    """An amount of one year expressed in prices of a base year, and everything needed to audit it."""

    nominal: Money
    """The amount as given (current prices of ``year``)."""
    year: int
    """The year whose prices the nominal amount is in."""
    base_year: int
    method: str
    donor: str
    """The donor's code (ISO alpha-3, ``EUI`` or ``DAC``) whose index was used."""
    indicator: str
    price_currency: str
    """The currency the index applies to (USD for ``dac``; the national currency for ``gdp`` / ``cpi``)."""
    to_price_currency: FxStep | None
    """The conversion of the nominal amount into ``price_currency`` at ``year``'s rate (``None`` if not needed)."""
    index_year: SeriesValue
    """The index value of ``year``, as in the source."""
    index_base: SeriesValue
    """The index value of ``base_year``, as in the source."""
    deflator: Decimal
    """``index_year`` rebased to ``base_year = 100`` (60 significant digits)."""
    to_result_currency: FxStep | None
    """The conversion of the deflated amount into ``to`` at ``base_year``'s rate (``None`` if not asked)."""
    unrounded: Decimal
    result: Money
    """The amount in ``base_year`` prices, rounded once to its currency's minor unit."""
    rounding: Rounding
    estimate_used: bool
    """Whether an index value (or a series rate) flagged as an estimate or projection was used."""
    provenance: SeriesProvenance

    @property
    def factor(self) -> Decimal:
        """``index(base_year) ÷ index(year)`` (60 significant digits)."""
        return DEFLATE_CONTEXT.divide(self.index_base.value, self.index_year.value)

    def explain(self) -> str:
        """How the figure was produced, in one paragraph.

        >>> from aidtrack import Money
        >>> print(deflate(Money(1_000_000, "EUR"), year=2022, base_year=2024, method="gdp", donor="DEU").explain())
        EUR 1,000,000.00 (2022 prices) = EUR 1,100,116.21 in 2024 prices: GDP deflator (NGDP_D) of DEU 2022 = 109.283
        (2020=100), 2024 = 120.224, i.e. 90.8995 at 2024=100. Source: IMF World Economic Outlook, October 2025
        (imf_weo_2025oct.csv.gz, sha256 35f5e92e21f8). Source: International Monetary Fund, World Economic Outlook
        Database, October 2025.
        """
        label = {"dac": "OECD DAC deflator", "gdp": "GDP deflator", "cpi": "consumer prices"}.get(
            self.method, self.method
        )
        iy, ib = self.index_year, self.index_base
        base = f" ({iy.base_year}=100)" if iy.base_year is not None else ""
        parts = [
            f"{self.nominal} ({self.year} prices) = {self.result} in {self.base_year} prices: {label} "
            f"({self.indicator}) of {self.donor} {self.year} = {iy.value}{base}, {self.base_year} = {ib.value}, "
            f"i.e. {self.deflator:.6g} at {self.base_year}=100."
        ]
        if self.to_price_currency is not None:
            parts.append(f"Converted to {self.price_currency} first: {self.to_price_currency}.")
        if self.to_result_currency is not None:
            parts.append(f"Then to {self.result.currency}: {self.to_result_currency}.")
        if self.estimate_used:
            parts.append("An estimate or projection was used (allow_estimates=True).")
        parts.append(f"Source: {self.provenance.describe()}.")
        if self.provenance.attribution:
            parts.append(self.provenance.attribution)
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: amounts and index values as strings."""

        def fx(step: FxStep | None) -> dict[str, Any] | None:
            if step is None:
                return None
            return {
                "from": step.from_currency,
                "to": step.to_currency,
                "year": step.year,
                "rate": str(step.rate),
                "how": step.how,
            }

        p = self.provenance
        return {
            "nominal": {"amount": str(self.nominal.amount), "currency": self.nominal.currency},
            "result": {"amount": str(self.result.amount), "currency": self.result.currency},
            "unrounded": str(self.unrounded),
            "year": self.year,
            "base_year": self.base_year,
            "method": self.method,
            "donor": self.donor,
            "indicator": self.indicator,
            "index_year": str(self.index_year.value),
            "index_base": str(self.index_base.value),
            "index_own_base_year": self.index_year.base_year,
            "deflator": str(self.deflator),
            "price_currency": self.price_currency,
            "to_price_currency": fx(self.to_price_currency),
            "to_result_currency": fx(self.to_result_currency),
            "rounding": str(self.rounding),
            "estimate_used": self.estimate_used,
            "source": {"key": p.key, "name": p.name, "vintage": p.vintage, "sha256": p.sha256, "file": p.file},
        }


def _donor_for(method: str, ident: DonorIdentity, series: MacroSeries, indicator: str) -> str:
    if ident.kind == "group" and not series.has(ident.code, indicator):
        raise NoDenominatorError(
            ident.code,
            f"{indicator} ({method} deflator)",
            f"{ident.name} is a group with no single {indicator} in {series.provenance.key}; deflate each member's "
            "amounts with its own deflator, or use donor='DAC' with method='dac' (the DAC total)",
        )
    return ident.code


def deflate(
    amount_or_conversion: Money | Conversion,
    *,
    base_year: int,
    method: Method = "dac",
    donor: str,
    year: int | None = None,
    allow_estimates: bool = False,
    series: MacroSeries | Any | None = None,
    to: str | None = None,
    fx: FxMode = "ecb",
    rates: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
) -> Deflated:
    """Express an amount of ``year`` in prices of ``base_year`` with ``donor``'s deflator (see the module doc).

    ``amount_or_conversion`` is a :class:`~aidtrack.money.Money` (then ``year`` is required) or a
    :class:`~aidtrack.conversion.Conversion` (its rounded result; ``year`` defaults to the year of its date).
    ``series`` replaces the bundled index (a :class:`~aidtrack.macro.series.MacroSeries`, a CSV path or a
    DataFrame holding the method's indicator); ``rates`` the ECB rates used by ``fx="ecb"``.
    """
    if method not in INDICATORS:
        raise InvalidArgumentError("method", method, f"method must be one of {', '.join(INDICATORS)}, not {method!r}")
    if isinstance(amount_or_conversion, Conversion):
        money = amount_or_conversion.result
        if year is None:
            year = amount_or_conversion.on.year
    elif isinstance(amount_or_conversion, Money):
        money = amount_or_conversion
    else:
        raise InvalidArgumentError(
            "amount_or_conversion",
            amount_or_conversion,
            f"expected a Money or a Conversion, not {type(amount_or_conversion).__name__} "
            "(e.g. deflate(Money('1000000', 'EUR'), year=2022, base_year=2024, donor='DEU'))",
        )
    if year is None:
        raise InvalidArgumentError("year", None, "deflate() needs year= (the year whose prices the amount is in)")
    check_year("year", year)
    check_year("base_year", base_year)
    mode = Rounding(rounding)
    indicator, default = INDICATORS[method]
    index = as_series(series, default=default)
    ident = resolve_donor(donor)
    code = _donor_for(method, ident, index, indicator)
    if method != "dac" and ident.kind != "country":
        raise NoDenominatorError(code, indicator, f"{ident.name} has no national currency or {indicator}")
    iy = index.get(code, indicator, year, allow_estimates=allow_estimates)
    ib = index.get(code, indicator, base_year, allow_estimates=allow_estimates)
    if iy.value <= 0 or ib.value <= 0:
        raise MacroDataError(f"{code} {indicator} is not positive ({iy.value}, {ib.value})", where=index.provenance.key)
    if method == "dac":
        price_currency = "USD"
        fx_country = code if ident.kind == "country" else None
    else:
        price_currency = national_currency(code)
        fx_country = code
    fx_series = index if fx == "series" else None
    step_in = None
    amount = money.amount
    if money.currency != price_currency:
        step_in = annual_rate(
            amount, money.currency, price_currency, year, fx=fx, series=fx_series, country=fx_country,
            rates=rates, allow_estimates=allow_estimates,
        )  # fmt: skip
        amount = step_in.after
    ctx = DEFLATE_CONTEXT
    deflated = ctx.divide(ctx.multiply(amount, ib.value), iy.value)
    step_out = None
    target = normalize_currency(to) if to is not None else price_currency
    if target != price_currency:
        step_out = annual_rate(
            deflated, price_currency, target, base_year, fx=fx, series=fx_series, country=fx_country,
            rates=rates, allow_estimates=allow_estimates,
        )  # fmt: skip
        deflated = step_out.after
    estimate = bool(iy.estimate or ib.estimate) or any(
        s is not None and s.rate_value is not None and bool(s.rate_value.estimate) for s in (step_in, step_out)
    )
    return Deflated(
        nominal=money,
        year=year,
        base_year=base_year,
        method=method,
        donor=code,
        indicator=indicator,
        price_currency=price_currency,
        to_price_currency=step_in,
        index_year=iy,
        index_base=ib,
        deflator=ctx.divide(ctx.multiply(iy.value, _HUNDRED), ib.value),
        to_result_currency=step_out,
        unrounded=deflated,
        result=Money(quantize(deflated, target, mode), target),
        rounding=mode,
        estimate_used=estimate,
        provenance=index.provenance,
    )


def dac_deflator_from_prices(
    series: MacroSeries | Any | None,
    country: str,
    *,
    base_year: int,
    years: range | tuple[int, ...] | list[int] | None = None,
    price_indicator: str = "NGDP_D",
    allow_estimates: bool = False,
) -> MacroSeries:
    """Build a DAC-method deflator (US$ based, ``base_year = 100``) from a price index and exchange rates.

    The OECD's method: ``D(t) = P(t) / P(base) × XR(base) / XR(t) × 100``, where ``P`` is the national
    price index (``price_indicator``, the GDP deflator by default) and ``XR`` national currency per US$.
    ``XR`` comes from the series' ``XR`` values when it has them, otherwise it is implied by the WEO's
    GDP in national currency and in US$ (``NGDP / NGDPD``). The result holds ``DAC_DEFLATOR`` and the
    ``XR`` used, so ``deflate(..., method="dac", series=result, fx="series")`` converts with the same
    rates. Default ``series``: the bundled WEO.

    >>> d = dac_deflator_from_prices(None, "DEU", base_year=2024, years=[2015])
    >>> round(d.get("DEU", "DAC_DEFLATOR", 2015).value, 2)
    Decimal('78.51')
    """
    src = as_series(series, default="weo")
    ident = resolve_donor(country)
    code = ident.code
    have = src.years(code, price_indicator)
    if not have:
        raise SeriesNotAvailableError(code, price_indicator, base_year, source=src.provenance.key, available=None)
    wanted = tuple(years) if years is not None else have
    ctx = DEFLATE_CONTEXT
    implied = not src.has(code, "XR")

    def xr(year: int) -> tuple[Decimal, bool]:
        if not implied:
            v = src.get(code, "XR", year, allow_estimates=allow_estimates)
            return v.value, bool(v.estimate)
        n = src.get(code, "NGDP", year, allow_estimates=allow_estimates)
        d = src.get(code, "NGDPD", year, allow_estimates=allow_estimates)
        return ctx.divide(n.value, d.value), bool(n.estimate or d.estimate)

    pb = src.get(code, price_indicator, base_year, allow_estimates=allow_estimates)
    xb, xb_est = xr(base_year)
    key = f"dac-method:{code}:{price_indicator}:{src.provenance.key}"
    prov = SeriesProvenance(
        key=key,
        name=f"DAC-method deflator of {code} from {price_indicator} and exchange rates",
        vintage=src.provenance.vintage,
        attribution=src.provenance.attribution,
        licence=src.provenance.licence,
        url=src.provenance.url,
        file=src.provenance.file,
        sha256=src.provenance.sha256,
        notes="D(t) = P(t)/P(base) x XR(base)/XR(t) x 100; XR " + ("implied NGDP/NGDPD" if implied else "as given"),
    )
    values: list[SeriesValue] = []
    unit = f"index, {base_year}=100, US$ basis (DAC method, from {price_indicator})"
    for t in wanted:
        p = src.get(code, price_indicator, t, allow_estimates=allow_estimates)
        x, x_est = xr(t)
        d = ctx.multiply(ctx.divide(ctx.multiply(p.value, xb), ctx.multiply(pb.value, x)), _HUNDRED)
        est = bool(p.estimate or pb.estimate) or x_est or xb_est
        values.append(SeriesValue(code, t, "DAC_DEFLATOR", d, unit, base_year, prov.vintage, est, None, key))
        values.append(SeriesValue(code, t, "XR", x, "national currency per US$", None, prov.vintage, x_est, None, key))
    if base_year not in wanted:
        values.append(
            SeriesValue(code, base_year, "DAC_DEFLATOR", _HUNDRED, unit, base_year, prov.vintage,
                        bool(pb.estimate) or xb_est, None, key)
        )  # fmt: skip
        values.append(
            SeriesValue(code, base_year, "XR", xb, "national currency per US$", None, prov.vintage, xb_est, None, key)
        )
    return MacroSeries(values, prov)
