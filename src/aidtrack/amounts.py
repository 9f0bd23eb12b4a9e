"""Exact decimal amounts: the one way numbers enter aidtrack, the rounding modes and the arithmetic contexts.

Every amount, whatever its source (Python numbers, text, JSON, files, frames), becomes a
``Decimal`` through :func:`to_decimal`; every rounding to a currency's minor unit goes through
:func:`quantize`. The three decimal contexts say how much precision each kind of arithmetic keeps:

==================  =====================================================================
``MONEY_CONTEXT``   ``Money`` arithmetic: 60 significant digits; sums, differences and
                    products that would need more raise instead of rounding silently.
``EXACT_CONTEXT``   ``amount × rate`` before the one rounding step of a conversion (60 digits).
``RATE_CONTEXT``    derived rates (means, cross rates, inverses): 28 significant digits, half-even.
==================  =====================================================================
"""

from __future__ import annotations

import math
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from enum import StrEnum

from aidtrack.currency import minor_units
from aidtrack.errors import InvalidArgumentError

__all__ = ["EXACT_CONTEXT", "MONEY_CONTEXT", "RATE_CONTEXT", "Rounding", "quantize", "quantum", "to_decimal"]

MONEY_CONTEXT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[InvalidOperation, DivisionByZero, Overflow]
)
"""Decimal context of ``Money`` arithmetic: 60 significant digits. Sums, differences and
products that would need more raise instead of rounding silently; division rounds
(half-even) at the 60th digit."""


EXACT_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
"""Decimal context for ``amount × rate`` before the one rounding step."""

RATE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
"""Decimal context for derived rates (means, cross rates, inverses): 28 significant digits, half-even."""


def quantize(amount: Decimal, currency: str, rounding: Rounding | str = "half_even") -> Decimal:
    """Round ``amount`` to ``currency``'s minor unit, the one rounding step aidtrack makes.

    >>> quantize(Decimal("2.675"), "EUR"), quantize(Decimal("2.675"), "EUR", "half_up")
    (Decimal('2.68'), Decimal('2.68'))
    """
    mode = Rounding(rounding)
    try:
        return amount.quantize(quantum(currency), rounding=mode.decimal_mode, context=MONEY_CONTEXT)
    except InvalidOperation:
        raise InvalidArgumentError(
            "amount", amount, f"{amount} {currency} is too large to round to the minor unit within 60 digits"
        ) from None


class Rounding(StrEnum):
    """How an amount is rounded to its currency's minor unit.

    ``half_even`` (the default everywhere in aidtrack) rounds ties to the even
    digit, so rounding errors do not drift in one direction over many pledges;
    ``half_up`` rounds ties away from zero, as most spreadsheets do.
    """

    HALF_EVEN = "half_even"
    HALF_UP = "half_up"

    @property
    def decimal_mode(self) -> str:
        """The :mod:`decimal` rounding constant for this mode."""
        return ROUND_HALF_EVEN if self is Rounding.HALF_EVEN else ROUND_HALF_UP


def to_decimal(value: object, *, what: str = "amount") -> Decimal:
    """Turn ``value`` into a finite ``Decimal`` exactly, or raise ``ValueError``.

    Floats go through ``str()`` so that ``0.1`` stays ``0.1``.

    >>> to_decimal(0.1), to_decimal("2e9"), to_decimal(7)
    (Decimal('0.1'), Decimal('2E+9'), Decimal('7'))
    """
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a boolean")
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, int):
        dec = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be a finite number, got {value!r}")
        dec = Decimal(str(value))
    elif isinstance(value, str):
        try:
            dec = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(
                f"{what} {value!r} is not a plain decimal number (expected e.g. 440000000 or 1250.50)"
            ) from None
    else:
        raise ValueError(f"{what} must be a number (int, Decimal, float or numeric string), not {type(value).__name__}")
    if not dec.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return dec


def quantum(currency: str) -> Decimal:
    """The currency's minor unit as a ``Decimal`` exponent: ``0.01`` for EUR, ``1`` for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))
