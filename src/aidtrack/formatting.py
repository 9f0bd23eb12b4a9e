"""Locale-aware display of :class:`~aidtrack.money.Money` (a thin babel wrapper).

Formatting never changes the stored amount; it only rounds for display, to the
currency's minor unit with babel's ``ROUND_HALF_EVEN``.

>>> from aidtrack import Money
>>> format_money(Money("2000000000", "EUR"), locale="de_DE")
'2.000.000.000,00\\xa0€'
>>> format_money(Money("2000000000", "EUR"), locale="en_IE")
'€2,000,000,000.00'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel.numbers import format_currency

if TYPE_CHECKING:
    from .money import Money

__all__ = ["format_money"]


def format_money(money: Money, *, locale: str) -> str:
    """Format ``money`` with the currency symbol and separators of ``locale``."""
    return str(format_currency(money.amount, money.currency, locale=locale))
