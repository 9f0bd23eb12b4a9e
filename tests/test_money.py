"""Money: exact amounts, validated codes, same-currency arithmetic, JSON round trip."""

from __future__ import annotations

import copy
import pickle
from decimal import ROUND_DOWN, Decimal, Inexact, Rounded, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidtrack import InvalidArgumentError, InvalidRecordError, Money, Rounding
from aidtrack.amounts import to_decimal
from aidtrack.errors import CurrencyMismatchError


def test_float_enters_through_str() -> None:
    assert Money(0.1, "EUR").amount == Decimal("0.1")
    assert Money(0.1, "EUR") + Money(0.2, "EUR") == Money("0.3", "EUR")


def test_currency_is_upper_cased_and_validated() -> None:
    assert Money(1, " usd ").currency == "USD"
    with pytest.raises(InvalidRecordError) as err:
        Money(1, "XYZ")
    assert "XYZ" in str(err.value)
    assert err.value.problems[0].field == "currency"
    assert err.value.problems[0].value == "XYZ"


def test_unknown_currency_suggests_close_codes() -> None:
    with pytest.raises(InvalidRecordError, match="did you mean"):
        Money(1, "EUX")


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), "NaN", "-Infinity", "sNaN", Decimal("NaN"), "abc", "", True, None, [1]]
)
def test_non_finite_and_non_numbers_are_rejected(bad: object) -> None:
    with pytest.raises(InvalidRecordError) as err:
        Money(bad, "EUR")
    assert err.value.problems[0].field == "amount"


def test_historical_codes_from_the_ecb_file_are_valid() -> None:
    for code in ["CYP", "EEK", "ROL", "TRL", "SIT", "SKK", "MTL", "LTL", "LVL", "HRK", "BGN", "RUB"]:
        assert Money(1, code).currency == code


def test_arithmetic_within_one_currency() -> None:
    a, b = Money("10.50", "EUR"), Money("0.25", "EUR")
    assert a + b == Money("10.75", "EUR")
    assert a - b == Money("10.25", "EUR")
    assert -a == Money("-10.50", "EUR")
    assert a * 2 == Money("21.00", "EUR")
    assert 2 * a == Money("21", "EUR")
    assert a / 2 == Money("5.25", "EUR")
    assert a / b == Decimal(42)
    assert abs(Money(-1, "EUR")) == Money(1, "EUR")
    assert b < a and a > b and a >= a and b <= b


def test_mixing_currencies_raises() -> None:
    with pytest.raises(CurrencyMismatchError, match="EUR and USD"):
        Money(1, "EUR") + Money(1, "USD")
    with pytest.raises(CurrencyMismatchError):
        Money(1, "EUR") - Money(1, "USD")
    with pytest.raises(CurrencyMismatchError):
        _ = Money(1, "EUR") < Money(1, "USD")
    with pytest.raises(TypeError):
        Money(1, "EUR") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(1, "EUR") * Money(1, "EUR")


def test_sum_works() -> None:
    assert sum([Money(1, "USD"), Money("2.50", "USD")]) == Money("3.50", "USD")
    with pytest.raises(CurrencyMismatchError):
        sum([Money(1, "USD"), Money(1, "EUR")])


def test_immutable_hashable_picklable() -> None:
    m = Money("1.10", "EUR")
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]
    assert hash(m) == hash(Money("1.1", "EUR"))
    assert len({m, Money("1.1", "EUR")}) == 1
    assert pickle.loads(pickle.dumps(m)) == m
    assert copy.deepcopy(m) is m


def test_round_to_minor_units() -> None:
    assert Money("0.125", "EUR").round() == Money("0.12", "EUR")
    assert Money("0.125", "EUR").round(Rounding.HALF_UP) == Money("0.13", "EUR")
    assert str(Money("1234.5", "JPY").round().amount) == "1234"
    assert str(Money("1.2345", "BHD").round().amount) == "1.234"


def test_json_round_trip_and_schema() -> None:
    m = Money("0.10", "EUR")
    text = m.model_dump_json()
    assert text == '{"amount":"0.10","currency":"EUR"}'
    assert Money.model_validate_json(text) == m
    assert str(Money.model_validate_json(text).amount) == "0.10"
    assert Money.model_validate({"amount": "5", "currency": "cad"}) == Money(5, "CAD")
    schema = Money.model_json_schema()
    assert set(schema["required"]) == {"amount", "currency"}
    with pytest.raises(InvalidRecordError):
        Money.model_validate_json('{"amount": "x", "currency": "EUR"}')
    with pytest.raises(InvalidRecordError):
        Money.model_validate({"amount": 1})


def test_large_amounts_stay_plain_in_json() -> None:
    assert Money("2e9", "EUR").model_dump(mode="json") == {"amount": "2000000000", "currency": "EUR"}


def test_to_decimal_keeps_digits() -> None:
    assert to_decimal("  440000000 ") == Decimal(440000000)
    assert to_decimal(1e-7) == Decimal("1E-7")


def test_repr_and_str() -> None:
    assert repr(Money("2000000000", "EUR")) == "Money('2000000000', 'EUR')"
    assert str(Money("2000000000", "EUR")) == "EUR 2,000,000,000.00"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("2e9", "EUR", "EUR 2,000,000,000.00"),  # issue 15: was 'EUR 2E+9'
        (2e9, "EUR", "EUR 2,000,000,000.00"),  # was 'EUR 2,000,000,000.0'
        ("2000000000.000", "EUR", "EUR 2,000,000,000.00"),
        ("0.125", "EUR", "EUR 0.125"),  # more decimals than the minor unit: kept, never rounded away
        ("1500.50", "JPY", "JPY 1,500.5"),
        ("1500", "JPY", "JPY 1,500"),
        ("1.5", "BHD", "BHD 1.500"),
        ("-0.00", "EUR", "EUR 0.00"),
        ("-1234.5", "USD", "USD -1,234.50"),
        ("1E-7", "EUR", "EUR 0.0000001"),
        ("1e29", "EUR", "EUR 100,000,000,000,000,000,000,000,000,000.00"),
    ],
)
def test_canonical_text(amount: object, currency: str, text: str) -> None:
    assert str(Money(amount, currency)) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**20), max_value=10**20, places=6))
def test_canonical_text_is_exact_and_plain(value: Decimal) -> None:
    text = str(Money(value, "EUR"))
    assert "E" not in text.removeprefix("EUR") and "e" not in text
    number = text.removeprefix("EUR ")
    assert Decimal(number.replace(",", "")) == value  # nothing rounded away
    assert len(number.rpartition(".")[2]) >= 2


def test_arithmetic_never_rounds_silently() -> None:
    big = Money("1e29", "EUR")
    assert (big + Money("0.01", "EUR")).amount == Decimal("100000000000000000000000000000.01")
    with pytest.raises(InvalidArgumentError, match="60 significant digits"):
        big + Money("1e-31", "EUR")
    with pytest.raises(InvalidRecordError, match="beyond aidtrack's limit"):
        Money("1e70", "EUR")
    assert str((Money(1, "EUR") / 3).amount) == "0." + "3" * 60


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**29) + 1, max_value=10**29 - 1, places=30),
    st.integers(min_value=1, max_value=28),
)
def test_negation_and_abs_are_exact_in_any_caller_context(value: Decimal, prec: int) -> None:
    # -x and abs(x) of a Decimal round to the current context (28 digits by default): a 59-digit amount lost
    # its last 31 digits, and under a caller's prec=3 -Money("1.23456", ...) was Money("-1.23", ...)
    money = Money(value, "EUR")
    with localcontext(prec=prec, rounding=ROUND_DOWN) as ctx:
        ctx.traps[Inexact] = ctx.traps[Rounded] = True
        negated, absolute = -money, abs(money)
    assert negated.amount == value.copy_negate() and str(negated.amount).lstrip("-") == str(value).lstrip("-")
    assert absolute.amount == value.copy_abs() and absolute == abs(negated)
    assert -negated == money


def test_negating_a_long_amount_keeps_every_digit() -> None:
    money = Money("1234567890.1234567890123456789012345", "EUR")
    assert (-money).amount == Decimal("-1234567890.1234567890123456789012345")
    assert abs(-money) == money


@pytest.mark.parametrize("divisor", [0, "0", Decimal("-0"), 0.0, Decimal("0E+5")])
def test_dividing_money_by_zero_is_a_clear_error(divisor: object) -> None:
    """An AidtrackError that is also the ZeroDivisionError Python code expects, naming the amount."""
    from aidtrack.errors import AidtrackError, MoneyDivisionError

    with pytest.raises(MoneyDivisionError, match=r"cannot divide EUR 5\.00 by zero") as info:
        Money("5", "EUR") / divisor
    assert isinstance(info.value, AidtrackError) and isinstance(info.value, ZeroDivisionError)
    with pytest.raises(MoneyDivisionError):
        Money("5", "EUR") / Money(divisor, "EUR")  # type: ignore[arg-type]
    assert Money("5", "EUR") / 2 == Money("2.5", "EUR") and Money("5", "EUR") / Money("2", "EUR") == Decimal("2.5")


# -- hostile review: to_decimal read '1_000' and non-ASCII digits, which the file reader refuses --
@pytest.mark.parametrize("text", ["1_000", "١٠٠", "１００", "1٠0", "1e1_0"])
def test_amount_text_is_ascii_digits_only(text: str) -> None:
    with pytest.raises(InvalidArgumentError, match="is not a plain decimal number"):
        to_decimal(text)
    with pytest.raises(InvalidRecordError, match="is not a plain decimal number"):
        Money(text, "USD")  # `aidtrack convert 1_000 USD` converted 1000 USD


def test_plain_amount_text_still_reads() -> None:
    assert to_decimal(" 1250.50 ") == Decimal("1250.50") and to_decimal("-2e9") == Decimal("-2e9")
