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

The limits of an amount (:data:`AMOUNT_LIMIT`, :data:`AMOUNT_DIGITS`) keep these contexts from
ever rounding an amount: an amount is smaller than ``10**30`` and has at most 60 significant digits,
so it is held exactly by ``MONEY_CONTEXT``; ``amount × rate`` (60 digits) keeps at least 28 digits
below the minor unit, so the one rounding that matters is the documented one to the minor unit;
totals are summed exactly in whole minor units. A larger amount is refused where it enters, naming
it, instead of being rounded or overflowing somewhere later.
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
from typing import Any

from aidtrack.currency import minor_units
from aidtrack.errors import InvalidArgumentError

__all__ = [
    "AMOUNT_DIGITS",
    "AMOUNT_LIMIT",
    "EXACT_CONTEXT",
    "MONEY_CONTEXT",
    "RATE_CONTEXT",
    "Rounding",
    "check_amount",
    "quantize",
    "quantum",
    "to_decimal",
]

AMOUNT_LIMIT = Decimal(10) ** 30
"""Amounts must be smaller than this in absolute value (``10**30``; world GDP is about ``10**14`` USD)."""
AMOUNT_DIGITS = 60
"""Amounts may have at most this many significant digits (trailing zeros do not count): the precision of
``MONEY_CONTEXT``."""

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


def to_decimal(value: object, *, what: str = "amount", limit: bool = True) -> Decimal:
    """Turn ``value`` into a finite ``Decimal`` exactly, or raise ``ValueError``.

    Floats go through their shortest ``repr`` so that ``0.1`` stays ``0.1``; numpy scalars are
    read as their own type (a ``float32`` through its float32 shortest repr, so ``float32(0.1)``
    is ``0.1``, not ``0.100000001490116``). Booleans are refused (numpy's too). With ``limit``
    (the default) the value must be within :data:`AMOUNT_LIMIT` and :data:`AMOUNT_DIGITS`
    (see :func:`check_amount`). The error is an
    :class:`~aidtrack.errors.InvalidArgumentError` (a ``ValueError``) naming the value.

    >>> to_decimal(0.1), to_decimal("2e9"), to_decimal(7)
    (Decimal('0.1'), Decimal('2E+9'), Decimal('7'))
    """
    if isinstance(value, bool):
        raise InvalidArgumentError(what, value, f"{what} must be a number, not a boolean ({value!r})")
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, int):
        dec = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidArgumentError(what, value, f"{what} must be a finite number, got {value!r}")
        dec = Decimal(repr(float(value)))
    elif isinstance(value, str):
        try:
            text = value.strip()
            if not text.isascii() or "_" in text:  # Decimal() reads '1_000', '١٠٠' and '１００'; a file cell may not
                raise InvalidOperation
            dec = Decimal(text)
        except InvalidOperation:
            raise InvalidArgumentError(
                what, value, f"{what} {value!r} is not a plain decimal number (expected e.g. 440000000 or 1250.50)"
            ) from None
    elif _numpy_kind(value) is not None:
        return to_decimal(_from_numpy(value, what), what=what, limit=limit)
    else:
        raise InvalidArgumentError(
            what,
            value,
            f"{what} must be a number (int, Decimal, float or numeric string), not {type(value).__name__} ({value!r})",
        )
    if not dec.is_finite():
        raise InvalidArgumentError(what, value, f"{what} must be a finite number, got {value!r}")
    if limit:
        check_amount(dec, what=what, original=value)
    return dec


def _numpy_kind(value: object) -> str | None:
    """The dtype kind of a numpy scalar (``'f'``, ``'i'``, ...), without importing numpy."""
    dtype = getattr(value, "dtype", None)
    if dtype is None or getattr(value, "ndim", None) != 0 or type(value).__module__ != "numpy":
        return None
    return str(getattr(dtype, "kind", "")) or None


def _from_numpy(value: Any, what: str) -> object:
    kind = _numpy_kind(value)
    if kind == "b":
        raise InvalidArgumentError(what, value, f"{what} must be a number, not a boolean ({value!r})")
    if kind in ("i", "u"):
        return int(value)
    if kind == "f":
        if not math.isfinite(float(value)):
            raise InvalidArgumentError(what, value, f"{what} must be a finite number, got {value!r}")
        return str(value)  # numpy's shortest repr for the scalar's own precision
    raise InvalidArgumentError(what, value, f"{what} must be a number, not a numpy {value.dtype} ({value!r})")


def _significant_digits(dec: Decimal) -> int:
    digits = dec.as_tuple().digits
    text = "".join(map(str, digits)).strip("0")
    return max(len(text), 1)


def check_amount(dec: Decimal, *, what: str = "amount", original: object = None) -> Decimal:
    """Return ``dec`` if it is within the documented limits of an amount, else raise.

    The limits (:data:`AMOUNT_LIMIT`, :data:`AMOUNT_DIGITS`) keep every arithmetic context
    exact; beyond them aidtrack refuses rather than rounds.

    >>> check_amount(Decimal("1e29"))
    Decimal('1E+29')
    >>> check_amount(Decimal("1e30"))
    Traceback (most recent call last):
    ...
    aidtrack.errors.InvalidArgumentError: amount 1E+30 is beyond aidtrack's limit: ...
    """
    shown = dec if original is None or isinstance(original, Decimal) else original
    text = str(shown) if len(str(shown)) <= 60 else str(shown)[:57] + "..."
    if dec and dec.adjusted() >= 30:
        raise InvalidArgumentError(
            what,
            original if original is not None else dec,
            f"{what} {text} is beyond aidtrack's limit: amounts must be smaller than 10**30 in absolute "
            "value (at most 30 digits before the decimal point)",
        )
    n = _significant_digits(dec)
    if n > AMOUNT_DIGITS:
        raise InvalidArgumentError(
            what,
            original if original is not None else dec,
            f"{what} {text} has {n} significant digits, beyond aidtrack's limit of {AMOUNT_DIGITS} "
            "(the precision of aidtrack's decimal arithmetic)",
        )
    return dec


def quantum(currency: str) -> Decimal:
    """The currency's minor unit as a ``Decimal`` exponent: ``0.01`` for EUR, ``1`` for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))
