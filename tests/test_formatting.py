"""Locale-aware display of Money (aidtrack.formatting): exact strings, rounding, errors."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal, Inexact, Rounded, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack import InvalidArgumentError, Money
from aidtrack.formatting import format_money

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("money", "locale", "style", "expected"),
    [
        (Money("2e9", "EUR"), "de_DE", "standard", f"2.000.000.000,00{NBSP}€"),
        (Money("2e9", "EUR"), "en_IE", "standard", "€2,000,000,000.00"),
        (Money("2e9", "EUR"), "de_DE", "compact", f"2{NBSP}Mrd.{NBSP}€"),
        (Money("2e9", "EUR"), "en_IE", "compact", "€2B"),
        (Money("440e6", "CAD"), "de_DE", "compact", f"440{NBSP}Mio.{NBSP}CA$"),
        (Money("500e6", "USD"), "en_US", "compact", "$500M"),
        (Money("2e9", "EUR"), "de_DE", "name", "2.000.000.000,00 Euro"),
        (Money("2e9", "EUR"), "en_IE", "name", "2,000,000,000.00 euros"),
        (Money("440e6", "CAD"), "de_DE", "name", "440.000.000,00 Kanadische Dollar"),
        (Money("440e6", "CAD"), "en_CA", "name", "440,000,000.00 Canadian dollars"),
        (Money("2e9", "EUR"), "de_DE", "compact_name", "2 Milliarden Euro"),
        (Money("1e9", "EUR"), "de_DE", "compact_name", "1 Milliarde Euro"),
        (Money("2.5e9", "EUR"), "en_GB", "compact_name", "2.5 billion euros"),
        (Money("440e6", "CAD"), "en_CA", "code", f"CAD{NBSP}440,000,000.00"),
        (Money("440e6", "CAD"), "de_DE", "code", f"440.000.000,00{NBSP}CAD"),
        (Money("440e6", "CAD"), "en_CA", "standard", "$440,000,000.00"),
        (Money("440e6", "CAD"), "en_US", "standard", "CA$440,000,000.00"),
        (Money("1234", "JPY"), "en_US", "standard", "¥1,234"),
        (Money("2e9", "EUR"), "de_CH", "standard", f"EUR{NBSP}2’000’000’000.00"),
    ],
)
def test_exact_strings(money: Money, locale: str, style: str, expected: str) -> None:
    assert format_money(money, locale=locale, style=style) == expected  # type: ignore[arg-type]


def test_plain_spaces_give_the_strings_of_the_issue() -> None:
    assert Money("2e9", "EUR").format(locale="de_DE", style="compact", plain_spaces=True) == "2 Mrd. €"
    assert Money("440e6", "CAD").format(locale="de_DE", style="compact", plain_spaces=True) == "440 Mio. CA$"
    assert Money("2e9", "EUR").format(locale="de_DE", plain_spaces=True) == "2.000.000.000,00 €"


def test_money_format_delegates_and_the_top_level_name_exists() -> None:
    m = Money("2e9", "EUR")
    assert m.format(locale="en_IE") == aidtrack.format_money(m, locale="en_IE") == "€2,000,000,000.00"


def test_locale_is_required_and_keyword_only() -> None:
    with pytest.raises(TypeError):
        format_money(Money(1, "EUR"))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        format_money(Money(1, "EUR"), "de_DE")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"locale": "xx_YY"}, "unknown locale 'xx_YY'"),
        ({"locale": ""}, "locale must be"),
        ({"locale": "de_DE", "style": "fancy"}, "unknown style 'fancy'"),
        ({"locale": "de_DE", "fraction_digits": -1}, "fraction_digits"),
        ({"locale": "de_DE", "rounding": "up"}, "up"),
    ],
)
def test_bad_options_are_named(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises((InvalidArgumentError, ValueError), match=needle):
        format_money(Money(1, "EUR"), **kwargs)  # type: ignore[arg-type]


def test_standard_rounds_to_the_minor_unit_half_even_by_default() -> None:
    assert format_money(Money("0.125", "EUR"), locale="en_US") == "€0.12"
    assert format_money(Money("0.135", "EUR"), locale="en_US") == "€0.14"
    assert format_money(Money("0.125", "EUR"), locale="en_US", rounding="half_up") == "€0.13"
    assert format_money(Money("2.5", "JPY"), locale="en_US") == "¥2"
    assert format_money(Money("1.0005", "BHD"), locale="en_US", style="code") == f"BHD{NBSP}1.000"
    assert format_money(Money("2e9", "EUR"), locale="de_DE", fraction_digits=0) == f"2.000.000.000{NBSP}€"


def test_compact_rounding_rule() -> None:
    fmt = format_money
    assert fmt(Money("2549000000", "EUR"), locale="en_US", style="compact") == "€2.55B"
    assert fmt(Money("2545000000", "EUR"), locale="en_US", style="compact") == "€2.54B"  # half even
    assert fmt(Money("2545000000", "EUR"), locale="en_US", style="compact", rounding="half_up") == "€2.55B"
    assert fmt(Money("2549000000", "EUR"), locale="en_US", style="compact", fraction_digits=0) == "€3B"
    # babel alone prints "€1000K": the carry moves to the next unit
    assert fmt(Money("999999", "EUR"), locale="en_US", style="compact") == "€1M"
    assert fmt(Money("999999999", "EUR"), locale="de_DE", style="compact", plain_spaces=True) == "1 Mrd. €"
    # German CLDR has no abbreviation below a million: the amount is shown in full, grouped
    assert fmt(Money("12345.678", "EUR"), locale="de_DE", style="compact", plain_spaces=True) == "12.345,68 €"
    assert fmt(Money("12", "USD"), locale="en_US", style="compact") == "$12"


def test_formatting_never_changes_the_money() -> None:
    m = Money("1234.5678", "EUR")
    format_money(m, locale="de_DE", style="compact")
    assert m.amount == Decimal("1234.5678")


@settings(max_examples=60, deadline=None)
@given(
    amount=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1e14"), places=3, allow_nan=False),
    currency=st.sampled_from(["EUR", "USD", "CAD", "NOK", "GBP", "JPY", "CHF"]),
    locale=st.sampled_from(["de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_CA", "en_IE"]),
)
def test_compact_is_within_half_a_unit_of_the_last_shown_digit(amount: Decimal, currency: str, locale: str) -> None:
    from aidtrack.text.parsing import parse_money

    text = format_money(Money(amount, currency), locale=locale, style="compact")
    back = parse_money(text, locale=locale, currency=currency)
    assert back.currency == currency
    # at most 2 decimals of the unit shown: the error is below 0.5% of the value (or 0.005 for small amounts)
    assert abs(back.amount - amount) <= max(amount * Decimal("0.005"), Decimal("0.005"))


# -- babel versions: grouping is aidtrack's, the same under every babel it supports ------------------------
@pytest.mark.parametrize("locale", ["de_CH", "it_CH", "de_LI", "en_CH"])
@pytest.mark.parametrize("style", ["standard", "code", "name"])
def test_swiss_apostrophe_grouping_is_the_same_under_every_babel(locale: str, style: str) -> None:
    # CLDR 48 (babel 2.19) writes the Swiss separator as the ASCII apostrophe, which babel's own pattern
    # unquoting then swallows in pairs ("2000000'000.00"); aidtrack groups with ’ under every version.
    text = format_money(Money("2e9", "CHF"), locale=locale, style=style)  # type: ignore[arg-type]
    assert "2’000’000’000" in text
    assert "'" not in text


def test_de_ch_documented_output() -> None:
    assert Money("2e9", "CHF").format(locale="de_CH") == f"CHF{NBSP}2’000’000’000.00"
    assert Money("-1234567.891", "EUR").format(locale="de_CH", style="code") == "EUR-1’234’567.89"
    assert Money("123456789", "JPY").format(locale="it_CH", style="name") == "123’456’789 yen giapponesi"


@pytest.mark.parametrize("locale", ["en_US", "en_IN", "de_DE", "de_AT", "fr", "nb", "sv", "ja", "es", "pl"])
@pytest.mark.parametrize("amount", ["0", "1.5", "999", "1000", "-12345.678", "1234567", "2e9", "123456789012.35"])
def test_grouping_matches_babel_where_the_separator_is_no_apostrophe(locale: str, amount: str) -> None:
    from babel.numbers import format_currency, get_group_symbol

    assert get_group_symbol(locale) not in ("'", "’")
    exact = Decimal(amount).quantize(Decimal("0.01"))
    assert format_money(Money(amount, "EUR"), locale=locale) == format_currency(exact, "EUR", locale=locale)


def test_long_compact_of_exactly_one_unit_without_an_explicit_one_form() -> None:
    # babel 2.14-2.16 raise KeyError for French "1 million" (CLDR has an explicit "1" form only for "mille")
    assert Money("1e6", "EUR").format(locale="fr", style="compact_name") == "1 million euros"
    assert Money("999999", "CHF").format(locale="fr_CH", style="compact_name") == "1 million francs suisses"


@pytest.mark.parametrize("style", ["standard", "code", "name", "compact", "compact_name"])
def test_formatting_does_not_depend_on_the_callers_decimal_context(style: str) -> None:
    # the formatting context was a copy of the caller's: traps on Inexact/Rounded raised decimal.Inexact
    # from every display of an amount with more decimals than shown, and the caller's rounding mode applied
    money = Money("123456789.125", "EUR")
    expected = format_money(money, locale="de_DE", style=style)  # type: ignore[arg-type]
    for rounding in (ROUND_DOWN, ROUND_UP):
        with localcontext(prec=3, rounding=rounding) as ctx:
            ctx.traps[Inexact] = ctx.traps[Rounded] = True
            assert format_money(money, locale="de_DE", style=style) == expected  # type: ignore[arg-type]
            assert ctx.prec == 3 and ctx.rounding == rounding and ctx.traps[Inexact]
