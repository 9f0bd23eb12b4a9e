"""Locale-aware display of :class:`~aidtrack.money.Money` (a thin layer over babel).

Formatting never changes the stored amount: it rounds a *copy* for display.
The locale is always explicit (keyword-only, no default), so output never
depends on the machine's environment.

Styles (``style=``):

===============  ==========================  ==========================
style            de_DE                       en_US / en_IE
===============  ==========================  ==========================
``standard``     ``2.000.000.000,00 €``      ``€2,000,000,000.00``
``code``         ``2.000.000.000,00 EUR``    ``EUR 2,000,000,000.00``
``name``         ``2.000.000.000,00 Euro``   ``2,000,000,000.00 euros``
``compact``      ``2 Mrd. €``                ``€2B``
``compact_name`` ``2 Milliarden Euro``       ``2 billion euros``
===============  ==========================  ==========================

Rounding for display:

* ``standard``, ``code`` and ``name`` round to the currency's minor unit
  (2 decimals for EUR, 0 for JPY; CLDR data) unless ``fraction_digits`` says
  otherwise.
* ``compact`` and ``compact_name`` divide by the locale's abbreviation unit
  (thousand, million, billion ...) and round the quotient to at most
  ``fraction_digits`` decimals (default 2), dropping trailing zeros:
  ``2_549_000_000`` EUR is ``€2.55B``. If rounding carries into the next
  unit, the next unit is used (``999_999`` is ``€1M``, where babel alone
  prints ``€1000K``). Amounts below the locale's first abbreviation are
  shown in full, grouped, with at most ``fraction_digits`` decimals.
* The mode is ``rounding`` (``"half_even"`` by default, as everywhere in
  aidtrack; ``"half_up"`` is available).

Spaces: CLDR puts a no-break space (U+00A0) between number, abbreviation and
symbol (``2\\xa0Mrd.\\xa0€``) so that a line never breaks inside an amount;
``plain_spaces=True`` gives ordinary spaces (``2 Mrd. €``).

>>> from aidtrack import Money
>>> m = Money("2000000000", "EUR")
>>> format_money(m, locale="de_DE")
'2.000.000.000,00\\xa0€'
>>> format_money(m, locale="en_IE")
'€2,000,000,000.00'
>>> format_money(m, locale="de_DE", style="compact", plain_spaces=True)
'2 Mrd. €'
>>> format_money(m, locale="en_IE", style="compact")
'€2B'
>>> format_money(Money("440e6", "CAD"), locale="de_DE", style="compact", plain_spaces=True)
'440 Mio. CA$'
>>> format_money(Money("500e6", "USD"), locale="en_US", style="compact")
'$500M'
>>> format_money(m, locale="de_DE", style="name"), format_money(m, locale="en_IE", style="name")
('2.000.000.000,00 Euro', '2,000,000,000.00 euros')
>>> format_money(m, locale="de_DE", style="compact_name"), format_money(m, locale="en_GB", style="compact_name")
('2 Milliarden Euro', '2 billion euros')
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import TYPE_CHECKING, Any, Literal, get_args

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    format_compact_currency,
    format_currency,
    get_currency_name,
    get_currency_unit_pattern,
    get_group_symbol,
    parse_pattern,
)

from aidtrack.amounts import Rounding
from aidtrack.currency import minor_units
from aidtrack.errors import InvalidArgumentError

if TYPE_CHECKING:
    from aidtrack.money import Money

__all__ = ["Style", "format_money"]

Style = Literal["standard", "code", "name", "compact", "compact_name"]
"""The display styles of :func:`format_money`."""

_STYLES: tuple[str, ...] = get_args(Style)
_COMPACT_DEFAULT_DIGITS = 2

# Grouping is done here, not by babel. CLDR 48 (ticket CLDR-13542, unicode-org/cldr#5019; fr_CH in 48.2)
# changed the group separator of the Swiss locales (de_CH, it_CH, fr_CH, en_CH ...) from ’ (U+2019) to the
# ASCII apostrophe, and babel 2.19.0 ships CLDR 49 (2.18 shipped CLDR 47). babel's NumberPattern.apply
# removes CLDR pattern quotes with re.sub(r"'([^']*)'", ...) over the whole formatted string, digits
# included, so pairs of ASCII group separators vanish: 2'000'000'000 becomes 2000000'000 (a babel defect,
# present since babel 2.14 but harmless until the separator itself became a quote character). aidtrack
# therefore asks babel for ungrouped digits (``group_separator=False``, public since babel 2.9) and groups
# them itself with babel's rule, writing ’ wherever the locale groups with an apostrophe: the documented
# ``EUR 2’000’000’000.00`` in de_CH under every babel version, and no quote character in the output.
_APOSTROPHES = frozenset({"'", "’"})
_DIGITS = re.compile(r"\d+")


_FORMAT_PRECISION = 80
"""Decimal digits available while formatting: 30 integer digits + 20 fraction digits, with room to spare."""
_FORMAT_CONTEXT = Context(prec=_FORMAT_PRECISION, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
"""The context babel formats in: fresh (half-even, default traps), never derived from the caller's."""


def format_money(
    money: Money,
    *,
    locale: str,
    style: Style = "standard",
    fraction_digits: int | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    plain_spaces: bool = False,
) -> str:
    """Format ``money`` for display in ``locale`` (e.g. ``"de_DE"``, ``"en_CA"``).

    ``fraction_digits``: for ``standard``/``code``/``name`` the exact number of
    decimals (default: the currency's minor unit); for the compact styles the
    maximum (default 2). See the module docstring for the rounding rule.

    >>> from aidtrack import Money
    >>> format_money(Money("2549000000", "EUR"), locale="en_US", style="compact")
    '€2.55B'
    >>> format_money(Money("999999", "EUR"), locale="en_US", style="compact")
    '€1M'
    >>> format_money(Money("1234.5", "JPY"), locale="en_US")
    '¥1,234'
    >>> format_money(Money("440e6", "CAD"), locale="en_CA", style="code")
    'CAD\\xa0440,000,000.00'
    >>> format_money(Money("0.125", "EUR"), locale="en_US", rounding="half_up")
    '€0.13'
    """
    if style not in _STYLES:
        raise InvalidArgumentError("style", style, f"unknown style {style!r}: expected one of {', '.join(_STYLES)}")
    if fraction_digits is not None and (
        isinstance(fraction_digits, bool) or not isinstance(fraction_digits, int) or not 0 <= fraction_digits <= 20
    ):
        raise InvalidArgumentError(
            "fraction_digits",
            fraction_digits,
            f"fraction_digits must be an integer from 0 to 20, got {fraction_digits!r}",
        )
    mode = Rounding(rounding)
    loc = _locale(locale)
    # babel rounds in the current decimal context (28 digits by default); an amount within aidtrack's
    # limit (30 integer digits) with 20 fraction digits needs 50: give it room, in this thread only. A fresh
    # context, not a copy of the caller's: its rounding mode and traps (Inexact, Rounded) play no part
    with localcontext(_FORMAT_CONTEXT):
        if style in ("compact", "compact_name"):
            digits = _COMPACT_DEFAULT_DIGITS if fraction_digits is None else fraction_digits
            text = _compact(money, loc, digits, mode, long=style == "compact_name")
        else:
            text = _full(money, loc, style, fraction_digits, mode)
    if plain_spaces:
        text = text.replace("\xa0", " ").replace("\u202f", " ")
    return text


def _locale(locale: object) -> Locale:
    """The babel ``Locale`` for an identifier (``de_DE``, ``en-CA``), or :class:`InvalidArgumentError`."""
    if not isinstance(locale, str) or not locale.strip():
        raise InvalidArgumentError(
            "locale", locale, f"locale must be a locale identifier such as 'de_DE' or 'en_US', got {locale!r}"
        )
    try:
        return Locale.parse(locale.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise InvalidArgumentError(
            "locale", locale, f"unknown locale {locale!r}: expected an identifier such as 'de_DE' or 'en_US'"
        ) from exc


def _with_fraction(pattern: str, digits: int, *, optional: bool = False) -> str:
    """``pattern`` with its fraction part replaced by ``digits`` places (``#`` if optional)."""
    frac = ("." + ("#" if optional else "0") * digits) if digits else ""
    return re.sub(r"(?<=[0#])\.[0#]+", frac, pattern)


def _group_symbol(loc: Locale) -> str:
    """The locale's digit group separator, with ’ for an apostrophe of either kind (see the note above)."""
    symbol = str(get_group_symbol(loc))
    return "’" if symbol in _APOSTROPHES else symbol


def _currency_text(amount: Decimal, code: str, loc: Locale, pattern: str) -> str:
    """``format_currency`` with ``pattern``, its integer digits grouped by :func:`_group_symbol`.

    babel writes the digits ungrouped; the first run of digits is the integer part (the pattern holds at most
    a currency symbol or code, and no CLDR currency symbol contains a digit) and is grouped as babel groups
    it: the primary size from the right, then the secondary size (``#,##,##0`` in en_IN), whenever more
    digits remain than the group holds.
    """
    text = str(format_currency(amount, code, locale=loc, format=pattern, currency_digits=False, group_separator=False))
    primary, secondary = parse_pattern(pattern).grouping
    match = _DIGITS.search(text)
    if match is None or len(match.group()) <= primary:
        return text
    digits, size = match.group(), primary
    groups: list[str] = []
    while len(digits) > size:
        groups.insert(0, digits[-size:])
        digits, size = digits[:-size], secondary
    grouped = _group_symbol(loc).join([digits, *groups])
    return text[: match.start()] + grouped + text[match.end() :]


def _with_name(number: str, amount: Decimal, code: str, loc: Locale) -> str:
    """``number`` and the currency name in the locale's unit pattern (``{0} {1}``), plural for ``amount``."""
    name = str(get_currency_name(code, count=amount, locale=loc))
    return str(get_currency_unit_pattern(code, count=amount, locale=loc)).format(number, name)


def _round(amount: Decimal, digits: int, mode: Rounding) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-digits), rounding=mode.decimal_mode)


def _full(money: Money, loc: Locale, style: str, fraction_digits: int | None, mode: Rounding) -> str:
    digits = minor_units(money.currency) if fraction_digits is None else fraction_digits
    amount = _round(money.amount, digits, mode)
    if style == "name":
        # as babel's format_type="name" does it, but with the number grouped by _currency_text
        # (some CLDR currency names hold digits: "Turkish lira (1922–2005)")
        number = _currency_text(
            amount, money.currency, loc, _with_fraction(str(loc.decimal_formats[None].pattern), digits)
        )
        return _with_name(number, amount, money.currency, loc)
    pattern = _with_fraction(str(loc.currency_formats["standard"].pattern), digits)
    if style == "code":
        pattern = pattern.replace("¤", "¤¤")
        pattern = re.sub(r"¤¤(?=[#0])", "¤¤\xa0", pattern)
        pattern = re.sub(r"(?<=[0#])¤¤", "\xa0¤¤", pattern)
    return _currency_text(amount, money.currency, loc, pattern)


def _compact_round(amount: Decimal, table: Any, digits: int, mode: Rounding) -> tuple[Decimal, bool]:
    """Round ``amount`` as the compact pattern will show it.

    Returns the rounded amount (an exact multiple of the unit, so babel's own
    rounding has nothing left to do) and whether an abbreviation applies.
    """
    magnitudes = sorted((int(m) for m in table["other"]), reverse=True)
    for _ in range(4):  # a carry moves up at most one unit per pass
        chosen = next((m for m in magnitudes if abs(amount) >= m), None)
        if chosen is None:
            return _round(amount, digits, mode), False
        pattern = parse_pattern(table["other"][str(chosen)]).pattern
        if pattern == "0":
            return _round(amount, digits, mode), False
        divisor = Decimal(chosen // (10 ** (pattern.count("0") - 1)))
        # normalize(): "1.00" would pick CLDR's plural form for a visible fraction ("1,00 Milliarden")
        rounded = _round(amount / divisor, digits, mode).normalize() * divisor
        again = next((m for m in magnitudes if abs(rounded) >= m), None)
        if again == chosen:
            return rounded, True
        amount = rounded
    return amount, True  # pragma: no cover - the carry settles after one pass


def _long_compact(amount: Decimal, table: Any, loc: Locale) -> str:
    """The long compact number ("2,5 Milliarden") for an ``amount`` already rounded by :func:`_compact_round`.

    The pattern is chosen as CLDR describes (and babel 2.19 does): the explicit "1" form if the shown
    quotient is exactly 1 and the locale has one for this unit ("mille"), else the plural form of the shown
    quotient, falling back to "other" where that form lacks the unit. babel's own ``format_compact_decimal``
    raises KeyError for French "1 million" under babel 2.14-2.17 (the "1" forms lack "1000000") and writes
    "1 millions" under 2.18, so the choice is made here, the same under every babel version.
    """
    magnitude = max(int(m) for m in table["other"] if abs(amount) >= int(m))
    unit = str(magnitude)
    divisor = Decimal(magnitude // (10 ** (parse_pattern(table["other"][unit]).pattern.count("0") - 1)))
    quotient = (amount / divisor).normalize()
    if abs(quotient) == 1 and unit in table.get("1", {}):
        form = "1"
    else:
        form = str(loc.plural_form(abs(quotient)))
        if unit not in table.get(form, {}):
            form = "other"
    return str(parse_pattern(table[form][unit]).apply(quotient, loc, decimal_quantization=False))


def _compact(money: Money, loc: Locale, digits: int, mode: Rounding, *, long: bool) -> str:
    code = money.currency
    if long:
        # CLDR: a locale without long compact forms uses its short ones (ja has no long forms in babel 2.16-2.18)
        table = loc.compact_decimal_formats.get("long") or loc.compact_decimal_formats.get("short")
        if table is None:  # pragma: no cover - every CLDR locale has short compact decimals
            return _full(money, loc, "name", None, mode)
        amount, abbreviated = _compact_round(money.amount, table, digits, mode)
        if abbreviated:
            number = _long_compact(amount, table, loc)
        else:
            pattern = _with_fraction(str(loc.decimal_formats[None].pattern), digits, optional=True)
            number = _currency_text(amount, code, loc, pattern)
        return _with_name(number, amount, code, loc)
    table = loc.compact_currency_formats.get("short")
    if table is None:  # pragma: no cover - every CLDR locale has short compact currency formats
        return _full(money, loc, "standard", None, mode)
    amount, abbreviated = _compact_round(money.amount, table, digits, mode)
    if abbreviated:
        return str(format_compact_currency(amount, code, locale=loc, fraction_digits=digits))
    pattern = _with_fraction(str(loc.currency_formats["standard"].pattern), digits, optional=True)
    return _currency_text(amount, code, loc, pattern)
