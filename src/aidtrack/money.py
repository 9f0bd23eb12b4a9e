"""``Money``: an exact ``Decimal`` amount in one ISO 4217 currency.

* Floats enter through ``str()``, so ``0.1`` stays ``Decimal('0.1')``.
* NaN, infinities, booleans and non-numbers are rejected.
* Arithmetic works only within one currency; mixing raises
  :class:`~aidtrack.errors.CurrencyMismatchError`. ``0 + money`` works, so the
  builtin ``sum()`` works over a list of ``Money``.
* Nothing is rounded unless you call :meth:`Money.round` (to the currency's
  minor unit, ``ROUND_HALF_EVEN`` by default).

``Money`` is an immutable value class with a pydantic core schema: it
validates as a field of any pydantic model (``Pledge.amount`` is one), round
trips through JSON (``model_dump_json`` / ``model_validate_json``) and has a
JSON schema (``Money.model_json_schema()``), while ``import aidtrack`` stays
free of pydantic's model machinery.

>>> Money("0.1", "eur") + Money(0.2, "EUR")
Money('0.3', 'EUR')
>>> sum([Money(1, "USD"), Money("2.50", "USD")])
Money('3.50', 'USD')
"""

from __future__ import annotations

from decimal import (
    Decimal,
    Inexact,
)
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Self

from aidtrack.amounts import MONEY_CONTEXT, Rounding, quantize, to_decimal
from aidtrack.currency import minor_units, normalize_currency
from aidtrack.errors import (
    CurrencyMismatchError,
    FieldProblem,
    InvalidArgumentError,
    InvalidRecordError,
    MoneyDivisionError,
    UnknownCurrencyError,
)

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

__all__ = ["Money", "Rounding", "plain_amount", "to_decimal"]

# Rounding and to_decimal are re-exported: they are part of the Money API (Money.round, Money(...)).


def plain_amount(amount: Decimal, currency: str) -> str:
    """The canonical text of an amount: plain digits, grouped by thousands, never an exponent.

    The amount shows the currency's minor-unit decimals (2 for EUR, 0 for JPY),
    or more when it has more non-zero decimals; nothing is rounded away. This
    is the text of ``str(Money)``, of :meth:`Conversion.explain
    <aidtrack.conversion.Conversion.explain>` and of the command line.

    >>> plain_amount(Decimal("2E+9"), "EUR"), plain_amount(Decimal("0.125"), "EUR")
    ('2,000,000,000.00', '0.125')
    >>> plain_amount(Decimal("1500.50"), "JPY"), plain_amount(Decimal("-7.0000"), "USD")
    ('1,500.5', '-7.00')
    """
    places = minor_units(currency)
    exact = MONEY_CONTEXT.copy()
    exact.traps[Inexact] = True
    try:
        shown = exact.quantize(amount, Decimal(1).scaleb(-places))
    except ArithmeticError:  # more decimals than the minor unit (or too many digits to pad): drop trailing zeros
        shown = amount.normalize(MONEY_CONTEXT) if amount else Decimal(0)
        if shown.as_tuple().exponent > -places:  # type: ignore[operator]
            shown = amount
    if shown == 0:
        shown = shown.copy_abs()  # no "-0.00"
    return format(shown, ",f")


def _exact(operation: str, a: Decimal, b: Decimal) -> Decimal:
    ctx = MONEY_CONTEXT.copy()
    ctx.traps[Inexact] = True
    try:
        result: Decimal = getattr(ctx, operation)(a, b)
    except Inexact:
        raise InvalidArgumentError(
            "amount", a, f"cannot {operation} {a} and {b} exactly within 60 significant digits"
        ) from None
    return result


class Money:
    """An amount of money: exact ``Decimal`` amount and upper-case ISO 4217 code."""

    __slots__ = ("amount", "currency")
    amount: Decimal
    currency: str

    def __init__(self, amount: object, currency: object) -> None:
        problems = []
        try:
            dec = to_decimal(amount)
        except ValueError as exc:
            problems.append(FieldProblem("amount", amount, str(exc)))
        try:
            code = normalize_currency(currency)
        except UnknownCurrencyError as exc:
            problems.append(FieldProblem("currency", currency, str(exc)))
        if problems:
            raise InvalidRecordError("Money", problems)
        object.__setattr__(self, "amount", dec)
        object.__setattr__(self, "currency", code)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Money is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Money is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[type[Money], tuple[str, str]]:
        return (Money, (str(self.amount), self.currency))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self.currency == other.currency and self.amount == other.amount
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    # -- construction helpers -------------------------------------------------
    @classmethod
    def local(cls, amount: object, *, donor: str, on: object) -> Money:
        """``amount`` in the legal tender of ``donor`` (an ISO 3166 code) on ``on``.

        The currency comes from CLDR's territory data (via babel), see
        :func:`aidtrack.currency.legal_tender`: Croatia in 2020 is HRK, in 2024 EUR. A territory
        with two concurrent legal tenders (Panama, Bhutan) is refused, never guessed.

        >>> Money.local(100, donor="HR", on="2020-06-01"), Money.local(100, donor="HR", on="2024-06-01")
        (Money('100', 'HRK'), Money('100', 'EUR'))
        """
        from aidtrack._dates import parse_iso_date
        from aidtrack.currency import legal_tender

        return cls(amount, legal_tender(donor, parse_iso_date(on, what="date")))

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in ``currency``."""
        return cls(Decimal(0), currency)

    def _same(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency, operation)

    # -- arithmetic -----------------------------------------------------------
    def __add__(self, other: object) -> Money:
        if isinstance(other, Money):
            self._same(other, "add")
            return Money(_exact("add", self.amount, other.amount), self.currency)
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: object) -> Money:
        if isinstance(other, Money):
            self._same(other, "subtract")
            return Money(_exact("subtract", self.amount, other.amount), self.currency)
        return NotImplemented

    def __neg__(self) -> Money:
        # copy_negate/copy_abs are exact: -x and abs(x) round to the caller's decimal context (28 digits
        # by default, or whatever precision and rounding the caller set), which an amount must never see
        return Money(self.amount.copy_negate(), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            raise TypeError("cannot multiply Money by Money")
        try:
            dec = to_decimal(factor, what="factor")
        except ValueError:
            return NotImplemented
        return Money(_exact("multiply", self.amount, dec), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Any:
        if isinstance(other, Money):
            self._same(other, "divide")
            if not other.amount:
                raise MoneyDivisionError(self, other)
            return MONEY_CONTEXT.divide(self.amount, other.amount)
        try:
            dec = to_decimal(other, what="divisor")
        except ValueError:
            return NotImplemented
        if not dec:
            raise MoneyDivisionError(self, other)
        return Money(MONEY_CONTEXT.divide(self.amount, dec), self.currency)

    def _cmp(self, other: object) -> Decimal:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same(other, "compare")
        return other.amount

    def __lt__(self, other: object) -> bool:
        return self.amount < self._cmp(other)

    def __le__(self, other: object) -> bool:
        return self.amount <= self._cmp(other)

    def __gt__(self, other: object) -> bool:
        return self.amount > self._cmp(other)

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._cmp(other)

    def __bool__(self) -> bool:
        return bool(self.amount)

    # -- rounding and display -------------------------------------------------
    def round(self, rounding: Rounding | str = Rounding.HALF_EVEN) -> Money:
        """Round to the currency's minor unit (2 for EUR, 0 for JPY, 3 for BHD).

        >>> Money("0.125", "EUR").round(), Money("0.125", "EUR").round("half_up")
        (Money('0.12', 'EUR'), Money('0.13', 'EUR'))
        """
        return Money(quantize(self.amount, self.currency, rounding), self.currency)

    def format(self, *, locale: str, **kwargs: Any) -> str:
        """Format for display in ``locale`` (see :mod:`aidtrack.formatting`).

        >>> Money("440000000", "CAD").format(locale="en_CA")
        '$440,000,000.00'
        """
        from aidtrack.formatting import format_money

        return format_money(self, locale=locale, **kwargs)

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self) -> str:
        """``'EUR 2,000,000,000.00'``: the code and :func:`plain_amount` (the canonical text form).

        >>> str(Money("2e9", "EUR")), str(Money(2e9, "EUR")), str(Money("0.125", "EUR"))
        ('EUR 2,000,000,000.00', 'EUR 2,000,000,000.00', 'EUR 0.125')
        """
        return f"{self.currency} {plain_amount(self.amount, self.currency)}"

    def __format__(self, spec: str) -> str:
        return f"{self.currency} {self.amount:{spec}}" if spec else str(self)

    # -- pydantic integration and JSON ------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema as cs

        fields = cs.typed_dict_schema(
            {
                "amount": cs.typed_dict_field(
                    # strict: JSON true is not the amount 1 (as Money(True, ...) is refused)
                    cs.union_schema(
                        [
                            cs.str_schema(strict=True),
                            cs.int_schema(strict=True),
                            cs.decimal_schema(strict=True, allow_inf_nan=False),
                        ]
                    ),
                    required=True,
                ),
                "currency": cs.typed_dict_field(cs.str_schema(pattern=r"^[A-Za-z]{3}$"), required=True),
            },
            extra_behavior="forbid",
        )
        from_dict = cs.no_info_after_validator_function(lambda d: cls(d["amount"], d["currency"]), fields)
        return cs.json_or_python_schema(
            json_schema=from_dict,
            python_schema=cs.no_info_plain_validator_function(cls._coerce),
            serialization=cs.plain_serializer_function_ser_schema(
                lambda m: {"amount": format(m.amount, "f"), "currency": m.currency}, when_used="json"
            ),
        )

    @classmethod
    def _coerce(cls, value: object) -> Money:
        if isinstance(value, Money):
            return value
        if isinstance(value, dict):
            extra = set(value) - {"amount", "currency"}
            if extra or "amount" not in value or "currency" not in value:
                raise ValueError(f"a Money mapping needs exactly the keys 'amount' and 'currency', got {sorted(value)}")
            return cls(value["amount"], value["currency"])
        raise ValueError(f"expected Money or a mapping with 'amount' and 'currency', not {type(value).__name__}")

    def model_dump(self, *, mode: Literal["json", "python"] = "python") -> dict[str, Any]:
        """``{"amount": ..., "currency": ...}``; with ``mode="json"`` the amount is a string."""
        amount: Any = format(self.amount, "f") if mode == "json" else self.amount
        return {"amount": amount, "currency": self.currency}

    def model_dump_json(self) -> str:
        """JSON text with the amount as a string, e.g. ``{"amount":"0.10","currency":"EUR"}``."""
        from aidtrack._serialize import dump_json

        return dump_json(self)

    @classmethod
    def model_validate(cls, data: Any) -> Money:
        """Build from a ``Money`` or a ``{"amount", "currency"}`` mapping."""
        from aidtrack._serialize import validate

        return validate(cls, data)

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Money:
        """Build from JSON text as written by :meth:`model_dump_json`."""
        from aidtrack._serialize import validate_json

        return validate_json(cls, data)

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        """The JSON schema of a serialised ``Money``."""
        from aidtrack._serialize import json_schema

        return json_schema(cls)
