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

With several sources (a :class:`~aidtrack.rates.sources.Composite`, and the default
source: ECB daily, then IMF annual), the first source that can price both currencies
for the policy and date prices the whole conversion; ``source`` and each leg say which.
``on="latest"`` takes the last date the pricing source covers, and ``on`` records it.

>>> c = convert(1_000_000_000, "UAH", to="USD", on="2024-06-30", policy="annual_mean")
>>> c.result, c.source.key, c.source.attribution
(Money('24905308.33', 'USD'), 'imf-bundled', 'Source: International Monetary Fund.')

>>> c = convert("500000000", "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
>>> c.result
Money('482917877.62', 'EUR')
>>> c.fixing_dates[0], c.fixing_dates[-1], len(c.fixing_dates)
(datetime.date(2025, 1, 2), datetime.date(2025, 1, 31), 22)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from aidtrack._dates import parse_conversion_date
from aidtrack.amounts import EXACT_CONTEXT, MONEY_CONTEXT, RATE_CONTEXT, Rounding, quantize, quantum, to_decimal
from aidtrack.currency import _NORMALIZED, normalize_currency
from aidtrack.errors import AidtrackError, FieldProblem, InvalidArgumentError, InvalidRecordError, UnknownCurrencyError
from aidtrack.money import Money
from aidtrack.policy import (
    _AS_POLICY,
    DEFAULT_MAX_LOOKBACK_DAYS,
    Policy,
    PolicyLike,
    RateLeg,
    RatePolicy,
    as_policy,
    is_mean,
    mean_window,
    policy_name,
    prices,
    quote,
)
from aidtrack.rates.sources import LazyTables, SourceLike, resolve_tables_lazily
from aidtrack.rates.table import RateTable, SourceInfo

__all__ = ["DEFAULT_TARGET", "Conversion", "convert", "convert_money", "target_currency"]


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

    @property
    def window(self) -> tuple[date, date] | None:
        """The window ``(start, end)`` a mean policy averaged over (``None`` for a single fixing or no rate).

        >>> convert(1, "USD", to="EUR", on="2022-09-21", policy="trailing:90").window
        (datetime.date(2022, 6, 24), datetime.date(2022, 9, 21))
        """
        if not self.legs or not is_mean(self.policy):
            return None
        return mean_window(self.policy, self.on)  # type: ignore[arg-type]  # a mean is never a FixedDate

    def explain(self) -> str:
        """One line saying how the figure was produced.

        >>> print(convert(440_000_000, "CAD", to="EUR", on="2025-01-09").explain())
        CAD 440,000,000.00 = EUR 296,675,881.60 at 0.67426336727... EUR/CAD (daily; fixing 2025-01-09; ECB euro ...)
        """
        dates = self.fixing_dates
        periods = sorted({leg.period for leg in self.legs if leg.period is not None})
        parities = [
            f"{leg.currency} {leg.parity} per EUR (legal parity)" for leg in self.legs if leg.parity is not None
        ]
        if periods:
            start, end = periods[0]
            fixings = f"published average of {start.isoformat()}..{end.isoformat()}"
        elif not dates:
            fixings = "no fixing needed"
        elif len(dates) == 1:
            fixings = f"fixing {dates[0].isoformat()}"
        else:
            fixings = f"mean of {len(dates)} fixings {dates[0].isoformat()}..{dates[-1].isoformat()}"
        src = f"{self.source.name}, data to {self.source.last_date.isoformat()}" if self.source else "no source"
        if parities:
            fixings = "; ".join([*parities, fixings])
        if self.source is not None and self.source.stale:
            src += f"; STALE: {self.source.fallback}" if self.source.fallback else "; STALE"
        if self.source is not None and self.source.attribution:
            src += f"; {self.source.attribution}"
        return (
            f"{self.original} = {self.result} at {self.rate} {self.result.currency}/{self.original.currency} "
            f"({self.policy_name}; {fixings}; {src})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: amounts and rates as strings, dates as ISO strings.

        The policy by name (``"fiscal:4"``, ``"trailing:90"``), every fixing date, and for a mean
        policy the ``window`` it averaged over.
        """
        from aidtrack._serialize import dump

        data: dict[str, Any] = dump(self)
        data["policy"] = self.policy_name
        data["fixing_dates"] = [d.isoformat() for d in self.fixing_dates]
        window = self.window
        if window is not None:
            data["window"] = [window[0].isoformat(), window[1].isoformat()]
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


DEFAULT_TARGET = "EUR"
"""The target currency when none is given: EUR (the ECB's base) in :func:`convert`,
:meth:`Pledge.convert <aidtrack.pledge.Pledge.convert>`, :func:`~aidtrack.pledge.convert_pledges`,
:func:`~aidtrack.frames.convert.convert_frame`, :func:`~aidtrack.frames.aggregate.totals` and every command."""


def target_currency(to_currency: object, to: object, *, default: str | None = DEFAULT_TARGET) -> str:
    """The target currency given positionally (``to_currency``) or as ``to=``; both must agree.

    >>> target_currency("usd", None), target_currency(None, "USD"), target_currency(None, None)
    ('USD', 'USD', 'EUR')
    """
    if to_currency is not None and to is not None:
        first, second = normalize_currency(to_currency), normalize_currency(to)
        if first != second:
            raise InvalidArgumentError(
                "to",
                to,
                f"the target currency is given twice and the two disagree: {to_currency!r} as the third "
                f"argument and to={to!r}; give it once, e.g. convert(100, 'USD', 'EUR', on=...) or to='EUR'",
            )
        return first
    given = to_currency if to_currency is not None else to
    if given is None:
        if default is None:
            raise InvalidArgumentError(
                "to", None, "no target currency: give it as the third argument or as to=, e.g. to='EUR'"
            )
        return default
    return normalize_currency(given)


def convert(
    amount: Money | Decimal | int | float | str,
    from_currency: str | None = None,
    to_currency: str | None = None,
    *,
    to: str | None = None,
    on: date | datetime | str,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> Conversion:
    """Convert an amount into another currency at the rate for a date, with its provenance.

    ``convert(amount, from_currency, to_currency, *, on, policy, source)``:
    the calling convention of :meth:`Pledge.convert <aidtrack.pledge.Pledge.convert>`,
    :func:`~aidtrack.pledge.convert_pledges`, :func:`~aidtrack.frames.convert.convert_frame`,
    :func:`~aidtrack.frames.aggregate.totals` and ``aidtrack convert AMOUNT FROM TO``.

    Parameters:
        amount: The amount: a ``Money`` (then ``from_currency`` may be left out),
            or a number (``Decimal``, ``int``, a ``float`` read through ``str()``,
            or exact decimal text such as ``"440000000"`` or ``"2e9"``).
        from_currency: ISO 4217 code of ``amount``, e.g. ``"CAD"`` (any case).
        to_currency: ISO 4217 code of the result. May be given as the third
            argument or as ``to=`` (the same; giving both with different codes is
            an error). Default: ``"EUR"``, as everywhere in aidtrack.
        to: Keyword form of ``to_currency``.
        on: The date whose rate is used (the pledge's date, not a fixing date):
            a ``datetime.date``; a ``YYYY-MM-DD`` string; or a ``datetime``,
            ``pandas.Timestamp``, ``numpy.datetime64`` or ISO date-time string,
            whose **time of day is dropped** (``2025-01-09 23:59`` is 2025-01-09).
            A timezone-aware value counts by **its own calendar date**, not UTC's.
            ``None``, ``NaT`` and NaN are refused. ``"latest"`` is the last date the
            pricing source covers (recorded in ``Conversion.on``).
        policy: Which rate for that date (:mod:`aidtrack.policy`): ``"daily"``
            (default: that day's fixing, or the last one before it, at most
            ``max_lookback_days`` back), ``"exact"``, ``"monthly_mean"``,
            ``"annual_mean"``, or a date / :class:`~aidtrack.policy.FixedDate`
            (every amount at that one date's rate).
        source: Where the rates come from: a source, a table, a
            :class:`~aidtrack.rates.sources.Composite` or a name (``"ecb"``, ``"imf"``,
            ``"nbu"``, ``"boc"``, ``"imf-bundled"``, ``"ecb+imf-bundled"``, see
            :func:`aidtrack.rates.sources.resolve_source`); default: the bundled ECB
            daily rates, then the bundled IMF annual averages.
        rounding: ``"half_even"`` (default) or ``"half_up"``: how the result is
            rounded, once, to the target currency's minor unit.
        max_lookback_days: How far ``"daily"`` looks back for a fixing (default 7).

    Returns:
        A :class:`Conversion`: ``result`` (a rounded ``Money``), ``rate``,
        ``fixing_dates``, ``source``, ``policy`` and :meth:`Conversion.explain`.

    Raises:
        UnknownCurrencyError: A code is not ISO 4217 (with a suggestion for
            ``US$``, ``€``, ``dollars`` ...).
        InvalidArgumentError: ``on`` is missing or not a date; the target is
            given twice with different codes.
        RateNotAvailableError: No rate for that date under that policy (the
            message gives the available range and what to do).

    The target currency positionally or as ``to=``, and the accepted date forms:

    >>> convert(100, "USD", "EUR", on="2025-01-09").result
    Money('97.04', 'EUR')
    >>> convert(100, "USD", to="EUR", on="2025-01-09").result
    Money('97.04', 'EUR')
    >>> from datetime import date, datetime
    >>> convert(100, "USD", on=date(2025, 1, 9)).result == convert(100, "USD", on=datetime(2025, 1, 9, 18, 5)).result
    True
    >>> print(convert(Money("2e9", "NOK"), to="EUR", on="2025-01-09", policy="monthly_mean").explain())
    NOK 2,000,000,000.00 = EUR 170,276,924.46 at 0.08513846... EUR/NOK (monthly_mean; mean of 22 fixings ...)
    """
    # The common call, answered from what earlier calls proved valid: codes, dates and policy names
    # already checked (valid ones only are cached), and the pair's pricing for the day memoised per
    # table (:func:`_priced`). Anything else, or any doubt, takes the checked path below, which
    # gives the same Conversion and raises the same errors.
    if type(from_currency) is str and type(max_lookback_days) is int:
        target: object = to if to_currency is None else (to_currency if to is None else 0)  # 0: given twice
        cur = _NORMALIZED.get(from_currency)
        tgt = _NORMALIZED.get(target) if type(target) is str else (DEFAULT_TARGET if target is None else None)
        day = on if type(on) is date else (_DAYS.get(on) if type(on) is str else None)
        pol: Any = _AS_POLICY.get(policy) if type(policy) is str else (policy if type(policy) is RatePolicy else None)
        integer = type(amount) is int
        dec: Any = (
            (Decimal(amount) if -_AMOUNT_BOUND < amount < _AMOUNT_BOUND else None)  # type: ignore[operator,arg-type]
            if integer
            else _plain_amount(amount)
        )
        half_even = rounding is _HALF_EVEN or (type(rounding) is str and rounding == "half_even")
        if (
            cur is not None
            and tgt is not None
            and cur != tgt
            and day is not None
            and pol is not None
            and dec is not None
            and (half_even or rounding is _HALF_UP or (type(rounding) is str and rounding == "half_up"))
        ):
            tables = resolve_tables_lazily(source)
            first = tables.first if type(tables) is LazyTables else tables[0]
            priced = first._priced.get(
                (cur, tgt, day, pol._value_ if type(pol) is RatePolicy else pol, max_lookback_days)
            )
            if priced is not None:
                divisor, multiplier, rate, legs, info, minor, unit = priced
                if unit == 1 and integer:  # an integer amount times Decimal(1) is the amount itself
                    unrounded = _divide(dec, divisor)
                elif unit == 2 and integer:  # an exact product divided by Decimal(1) is the product itself
                    unrounded = _multiply(dec, multiplier)
                else:
                    unrounded = _divide(_multiply(dec, multiplier), divisor)
                try:  # amounts.quantize(unrounded, tgt, mode), through the context of that mode
                    rounded = (_QUANTIZE_HALF_EVEN if half_even else _QUANTIZE_HALF_UP)(unrounded, minor)
                except InvalidOperation:  # too large to round within 60 digits: the checked path says so
                    pass
                else:
                    # what _money() and _conversion() do, inline: calling them instead costs about 0.1-0.2 us of
                    # ~1.7 us (ratio to currencyconverter 1.18 -> 1.27-1.47, against the 1.5 target)
                    original: Any = _NewMoney()
                    original.amount = dec
                    original.currency = cur
                    original.__class__ = Money
                    result: Any = _NewMoney()
                    result.amount = rounded
                    result.currency = tgt
                    result.__class__ = Money
                    conversion: Any = _NewConversion()
                    conversion.original = original
                    conversion.result = result
                    conversion.unrounded = unrounded
                    conversion.rate = rate
                    conversion.on = day
                    conversion.policy = pol
                    conversion.legs = legs
                    conversion.rounding = _HALF_EVEN if half_even else _HALF_UP
                    conversion.source = info
                    conversion.__class__ = Conversion
                    return conversion  # type: ignore[no-any-return]
    return _convert_checked(amount, from_currency, to_currency, to, on, policy, source, rounding, max_lookback_days)


def _convert_checked(
    amount: Money | Decimal | int | float | str,
    from_currency: str | None,
    to_currency: str | None,
    to: str | None,
    on: date | datetime | str,
    policy: PolicyLike,
    source: SourceLike | None,
    rounding: Rounding | str,
    max_lookback_days: int,
) -> Conversion:
    """:func:`convert` with every argument checked (the first call of a kind, and every unusual one)."""
    if isinstance(amount, Money):
        if from_currency is not None and normalize_currency(from_currency) != amount.currency:
            hint = (
                f"; to give the target currency, write convert(money, to={from_currency!r}, on=...)"
                if to_currency is None and to is None
                else ""
            )
            raise InvalidRecordError(
                "conversion",
                [
                    FieldProblem(
                        "from_currency", from_currency, f"contradicts the Money's currency {amount.currency}{hint}"
                    )
                ],
            )
        money = amount
    else:
        if from_currency is None:
            raise InvalidArgumentError(
                "from_currency",
                None,
                f"convert() needs the currency of {amount!r} (from_currency is None): "
                f"convert({amount!r}, 'USD', 'EUR', on=...), or pass a Money",
            )
        money = Money(amount, from_currency)
    target = target_currency(to_currency, to)
    latest = isinstance(on, str) and on.strip().lower() == "latest"
    pol = as_policy(policy)
    mode = Rounding(rounding)
    if latest:
        tables = resolve_tables_lazily(source)
        if money.currency == target:
            day = tables[0].info.last_date
            return Conversion(money, money.round(mode), money.amount, Decimal(1), day, pol, (), mode, None)
        return convert_money(money, target, None, pol, tables, rounding=mode, max_lookback_days=max_lookback_days)
    day = parse_conversion_date(on)
    if type(on) is str and len(_DAYS) < _CACHE_MAX:
        _DAYS[on] = day
    if money.currency == target:
        return Conversion(money, money.round(mode), money.amount, Decimal(1), day, pol, (), mode, None)
    tables = resolve_tables_lazily(source)
    return convert_money(money, target, day, pol, tables, rounding=mode, max_lookback_days=max_lookback_days)


def convert_money(
    money: Money,
    to: str,
    on: date | None,
    policy: Policy,
    table: RateTable | Sequence[RateTable],
    *,
    rounding: Rounding = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> Conversion:
    """The pure core of :func:`convert`: arguments already validated, table (or tables, in priority order) given.

    With several tables the first that prices both currencies prices the conversion; when none
    can, the error combines every table's reason (:func:`aidtrack.rates.sources.combine_reasons`).
    ``on=None`` means each table's last date (``"latest"``).
    """
    if isinstance(table, RateTable):
        return _convert_one(money, to, on, policy, table, rounding, max_lookback_days)
    failures: list[tuple[RateTable, AidtrackError]] = []
    for t in table:  # a later table (LazyTables) is loaded only when the ones before it cannot price
        try:
            return _convert_one(money, to, on, policy, t, rounding, max_lookback_days)
        except AidtrackError as exc:
            if not isinstance(exc, LookupError):
                raise
            failures.append((t, exc))
    if len(failures) == 1:
        raise failures[0][1]
    raise _combined(failures, money.currency, to, policy, on) from failures[0][1]


def _combined(
    failures: Sequence[tuple[RateTable, AidtrackError]], cur: str, to: str, policy: Policy, on: date | None
) -> AidtrackError:
    from aidtrack.errors import RateNotAvailableError
    from aidtrack.rates.sources import combine_reasons

    reasons = [(t.info.name, str(exc), prices(t, cur) and prices(t, to)) for t, exc in failures]
    straddle = False
    window = _window_of(policy, on)
    if window is not None:  # a window that two sources share part of: say so
        start, end = window
        inside = [t for (t, _), r in zip(failures, reasons, strict=True) if r[2]]
        straddle = sum(t.coverage_start <= end and t.coverage_end >= start for t in inside) > 1
    text = combine_reasons(reasons, straddle=straddle)
    knowing = [exc for (t, exc), r in zip(failures, reasons, strict=True) if r[2]]
    first = (knowing or [exc for _, exc in failures])[0]
    if isinstance(first, RateNotAvailableError):
        err: AidtrackError = RateNotAvailableError(
            first.currency, first.date, available=first.available, source=first.source, reason=first.reason
        )
        err.args = (text,)
        return err
    if isinstance(first, UnknownCurrencyError):
        err = UnknownCurrencyError(first.currency, known=first.known, where=first.where)
        err.args = (text,)
        return err
    return first


def _window_of(policy: Policy, on: date | None) -> tuple[date, date] | None:
    """The mean window of ``policy`` for ``on`` (``None`` for no mean, no date, or a window beyond datetime's range)."""
    if not is_mean(policy) or not on:
        return None
    try:
        return mean_window(policy, on)  # type: ignore[arg-type]  # a mean is never a FixedDate
    except (ValueError, OverflowError):
        return None


def _convert_one(
    money: Money,
    to: str,
    on: date | None,
    policy: Policy,
    table: RateTable,
    rounding: Rounding,
    max_lookback_days: int,
) -> Conversion:
    if on is None:
        on = table.info.last_date
    if money.currency == to:
        return Conversion(money, money.round(rounding), money.amount, Decimal(1), on, policy, (), rounding, None)
    priced = _priced(table, money.currency, to, on, policy, max_lookback_days)
    conversion = _finish(money, to, on, policy, rounding, priced)
    if conversion is None:  # too large to round within 60 digits: the error names the amount
        quantize(EXACT_CONTEXT.divide(EXACT_CONTEXT.multiply(money.amount, priced[1]), priced[0]), to, rounding)
        raise AssertionError("unreachable: quantize() raised above")  # pragma: no cover
    return conversion


# -- the memoised core ------------------------------------------------------------------------------
# A conversion's pricing (both legs, the cross rate, the source) depends only on the table, the two
# currencies, the date, the policy and the look-back: it is computed once by quote() and kept on the
# table (whose rows never change); each call then costs two multiplications and a rounding. Only
# successes are kept: a refusal is worked out (and raised) afresh every time.

Priced = tuple[Decimal, Decimal, Decimal, tuple[RateLeg, ...], SourceInfo, Decimal, int]
"""``(divisor, multiplier, cross rate, legs, table info, target's minor unit, unit)``: the unrounded result
is ``amount x multiplier / divisor`` (the rates of the target and of the original currency per unit of the
base; for a table quoted in base units, the published quotes of the original and of the target, which give
the same product without the rounding of an inverse). ``unit`` is 1 when the multiplier is exactly
``Decimal(1)`` (the table's base), 2 when the divisor is, else 0 (an integer amount times 1, or its product
divided by 1, is itself: exactly what the 60-digit context gives, so that step is skipped)."""

_PRICED_MAX = 50_000
"""At most this many pricings are kept per table (then the table's memo starts again): about 25 MB."""
_CACHE_MAX = 4096
_DAYS: dict[str, date] = {}
"""Date strings as given -> the date they name (valid ones only)."""
_HALF_EVEN, _HALF_UP = Rounding.HALF_EVEN, Rounding.HALF_UP
_multiply, _divide = EXACT_CONTEXT.multiply, EXACT_CONTEXT.divide
_HALF_EVEN_CONTEXT = MONEY_CONTEXT.copy()
_HALF_EVEN_CONTEXT.rounding = ROUND_HALF_EVEN
_HALF_UP_CONTEXT = MONEY_CONTEXT.copy()
_HALF_UP_CONTEXT.rounding = ROUND_HALF_UP
# Context.quantize(x, q) is x.quantize(q, rounding=<the context's>, context=MONEY_CONTEXT) without keyword
# arguments, which cost more than the rounding itself
_QUANTIZE_HALF_EVEN, _QUANTIZE_HALF_UP = _HALF_EVEN_CONTEXT.quantize, _HALF_UP_CONTEXT.quantize
_AMOUNT_BOUND = 10**30


def _priced(table: RateTable, cur: str, to: str, on: date, policy: Policy, max_lookback_days: int) -> Priced:
    """The pricing of ``cur`` -> ``to`` on ``on`` by ``table`` (memoised per table), or the error of :func:`quote`."""
    memo = table._priced
    key = (cur, to, on, policy._value_ if type(policy) is RatePolicy else policy, max_lookback_days)
    found: Priced | None = memo.get(key)
    if found is None:
        found = _price(table, cur, to, on, policy, max_lookback_days=max_lookback_days)
        if len(memo) >= _PRICED_MAX:
            memo.clear()
        memo[key] = found
    return found


def _price(
    table: RateTable,
    cur: str,
    to: str,
    on: date,
    policy: Policy,
    *,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> Priced:
    """The pricing of ``cur`` -> ``to`` on ``on`` by ``table``, never memoised (what the memo must equal).

    Two :func:`~aidtrack.policy.quote` calls; the cross rate ``rate(to) / rate(cur)`` to 28 digits;
    the legs other than the base's. Raises what :func:`~aidtrack.policy.quote` raises.
    """
    src = quote(table, cur, on, policy, max_lookback_days=max_lookback_days)
    dst = quote(table, to, on, policy, max_lookback_days=max_lookback_days)
    legs = tuple(leg for leg in (src, dst) if leg.currency != table.base)
    divisor, multiplier = src.rate, dst.rate
    if table.quoted_in_base:
        # Quoted in base units (Bank of Canada: CAD per USD): ``rate`` is 1 / quote to 28 digits, so
        # amount x rate(to) / rate(from) would carry that rounding into the result (CAD 4.11 at 6 CAD/USD
        # is USD 0.685 exactly, but 0.685000...01 through 1/6). The same product from the published quotes,
        # amount x quote(from) / quote(to), is exact.
        quoted_src, quoted_dst = _published(src, table), _published(dst, table)
        if quoted_src is not None and quoted_dst is not None:
            divisor, multiplier = quoted_dst, quoted_src
    unit = 1 if _is_one(multiplier) else 2 if _is_one(divisor) else 0
    cross = RATE_CONTEXT.divide(multiplier, divisor)
    return (divisor, multiplier, cross, legs, table.info, quantum(to), unit)


def _published(leg: RateLeg, table: RateTable) -> Decimal | None:
    """``leg``'s quote in the table's own direction (1 for the base), or ``None`` if it has none of its own."""
    if leg.currency == table.base:
        return Decimal(1)
    return leg.published if leg.parity is None else None


def _is_one(rate: Decimal) -> bool:
    """Whether ``rate`` is ``Decimal('1')`` itself (value 1, exponent 0: multiplying by it changes nothing)."""
    return rate == 1 and rate.as_tuple().exponent == 0


def _finish(money: Money, to: str, on: date, policy: Policy, rounding: Rounding, priced: Priced) -> Conversion | None:
    """The conversion of ``money`` at a pricing: the exact product, rounded once (``None`` if it cannot be)."""
    divisor, multiplier, rate, legs, info, minor, _ = priced
    unrounded = EXACT_CONTEXT.divide(EXACT_CONTEXT.multiply(money.amount, multiplier), divisor)
    try:
        rounded = unrounded.quantize(minor, rounding=rounding.decimal_mode, context=MONEY_CONTEXT)
    except InvalidOperation:
        return None
    return _conversion(money, _money(rounded, to), unrounded, rate, on, policy, legs, rounding, info)


class _NewMoney:
    """The slots of ``Money``, writable: a checked amount and code are set here, then it becomes a ``Money``.

    Same slots, same layout, so ``__class__`` may be assigned (plain CPython semantics): no second
    validation and no ``object.__setattr__`` per field. ``tests/test_scalar_memo.py`` checks the layouts agree.
    """

    __slots__ = Money.__slots__
    amount: Decimal
    currency: str


class _NewConversion:
    """The slots of :class:`Conversion`, writable: checked fields are set here, then it becomes a ``Conversion``.

    Three times cheaper than the frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field).
    """

    __slots__ = Conversion.__slots__
    original: Money
    result: Money
    unrounded: Decimal
    rate: Decimal
    on: date
    policy: Policy
    legs: tuple[RateLeg, ...]
    rounding: Rounding
    source: SourceInfo | None


def _money(amount: Decimal, currency: str) -> Money:
    """A ``Money`` of an amount and code already checked (no second validation)."""
    money: Any = _NewMoney()
    money.amount = amount
    money.currency = currency
    money.__class__ = Money
    return money  # type: ignore[no-any-return]


def _conversion(
    original: Money,
    result: Money,
    unrounded: Decimal,
    rate: Decimal,
    on: date,
    policy: Policy,
    legs: tuple[RateLeg, ...],
    rounding: Rounding,
    source: SourceInfo | None,
) -> Conversion:
    """A ``Conversion`` of fields already checked (what its ``__init__`` gives, three times faster)."""
    conversion: Any = _NewConversion()
    conversion.original = original
    conversion.result = result
    conversion.unrounded = unrounded
    conversion.rate = rate
    conversion.on = on
    conversion.policy = policy
    conversion.legs = legs
    conversion.rounding = rounding
    conversion.source = source
    conversion.__class__ = Conversion
    return conversion  # type: ignore[no-any-return]


def _plain_amount(amount: object) -> Decimal | None:
    """``to_decimal(amount)`` of a valid ``Decimal``, ``float`` or ``str`` (``None``: the checked path decides)."""
    kind = type(amount)
    if kind is Decimal or kind is float or kind is str:
        try:
            return to_decimal(amount)
        except ValueError:
            return None
    return None
