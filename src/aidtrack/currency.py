"""ISO 4217 currency codes, validated against babel's CLDR data.

:func:`normalize_currency` is the one check every record uses for a currency:
it strips, upper-cases and checks the code against babel's list of ISO 4217
codes (historical ones such as ``CYP`` or ``ROL`` included, since the ECB
history carries them). Minor units come from the same data.
"""

from __future__ import annotations

import difflib
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from aidtrack.errors import UnknownCurrencyError

__all__ = ["currency_name", "is_currency", "minor_units", "normalize_currency"]


@cache
def _known() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """Whether ``code`` (any case) is an ISO 4217 code that babel knows.

    >>> is_currency("eur"), is_currency("XYZ")
    (True, False)
    """
    return code.strip().upper() in _known()


def normalize_currency(code: object) -> str:
    """Return ``code`` stripped and upper-cased, or raise :class:`UnknownCurrencyError`.

    >>> normalize_currency(" cad ")
    'CAD'
    """
    if not isinstance(code, str):
        raise UnknownCurrencyError(code)
    norm = code.strip().upper()
    if norm not in _known():
        hints = difflib.get_close_matches(norm, sorted(_known()), n=3, cutoff=0.6)
        raise UnknownCurrencyError(code, known=hints)
    return norm


@cache
def minor_units(code: str) -> int:
    """Number of decimal places of the currency's minor unit (CLDR data via babel).

    >>> minor_units("EUR"), minor_units("JPY"), minor_units("BHD")
    (2, 0, 3)
    """
    return int(get_currency_precision(normalize_currency(code)))


def currency_name(code: str, *, locale: str = "en") -> str:
    """The currency's display name in ``locale`` (CLDR via babel).

    >>> currency_name("NOK"), currency_name("NOK", locale="de")
    ('Norwegian Krone', 'Norwegische Krone')
    """
    from babel.numbers import get_currency_name

    return str(get_currency_name(normalize_currency(code), locale=locale))
