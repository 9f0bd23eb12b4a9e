"""Parser for Frankfurter (``api.frankfurter.dev``) JSON, pure: bytes in, a table out.

Frankfurter republishes the ECB's reference rates. Its v1 answers::

    {"amount": 1.0, "base": "EUR", "start_date": "2025-01-09", "end_date": "2025-01-10",
     "rates": {"2025-01-09": {"USD": 1.0305, "CAD": 1.4831}, ...}}

(a single date answers ``{"amount", "base", "date", "rates": {"USD": ...}}``), and
v2 an array of ``{"date", "base", "quote", "rate"}``. Numbers are read as exact
decimals, never through a float. Rates are units of the currency per one unit
of ``base``, so the table's base is the response's ``base``.

>>> t = parse_frankfurter_json(b'{"amount": 1.0, "base": "EUR", "start_date": "2025-01-09", '
...     b'"end_date": "2025-01-09", "rates": {"2025-01-09": {"USD": 1.0305, "CAD": 1.4831}}}')
>>> t.base, t.series("USD").raw
('EUR', ['1.0305'])
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from aidtrack.errors import RateDataError
from aidtrack.rates.parsers._wire import load_json
from aidtrack.rates.table import RateTable

__all__ = ["FRANKFURTER_BASE_URL", "parse_frankfurter_json"]

FRANKFURTER_BASE_URL = "https://api.frankfurter.dev/v1/"


def parse_frankfurter_json(
    data: bytes,
    *,
    key: str = "frankfurter",
    name: str = "Frankfurter (ECB reference rates)",
    url: str | None = None,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse a Frankfurter v1 (time series or one date) or v2 (array) response into a table."""
    doc = load_json(data, what="Frankfurter", name=name)
    rows = list(_rows(doc, name))
    if not rows:
        raise RateDataError("the response holds no rates", where=name)
    bases = {b for _, _, _, b in rows}
    if len(bases) != 1:
        raise RateDataError(f"the response mixes bases {sorted(bases)}", where=name)
    return RateTable.from_rows(
        ((d, c, r) for d, c, r, _ in rows),
        base=bases.pop(),
        key=key,
        name=name,
        url=url,
        retrieved=retrieved,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _rows(doc: Any, name: str) -> Iterator[tuple[str, str, Any, str]]:
    if isinstance(doc, list):  # v2
        for n, item in enumerate(doc, start=1):
            if not isinstance(item, dict) or not {"date", "base", "quote", "rate"} <= item.keys():
                raise RateDataError(f"item {n} lacks date, base, quote or rate", where=name)
            yield (
                _str(item["date"], name),
                _str(item["quote"], name),
                _rate(item["rate"], name),
                _str(item["base"], name),
            )
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("rates"), dict) or "base" not in doc:
        raise RateDataError("not a Frankfurter response: no 'base' and 'rates'", where=name)
    amount = doc.get("amount", 1)
    if isinstance(amount, bool) or _number(amount) != 1:
        shown = amount if isinstance(amount, Decimal) else repr(amount)
        raise RateDataError(f"amount is {shown}, expected 1 (ask without ?amount=)", where=name)
    base = _str(doc["base"], name)
    rates = doc["rates"]
    if "date" in doc:  # one date: {"date": ..., "rates": {"USD": ...}}
        day = _str(doc["date"], name)
        for cur, rate in rates.items():
            yield day, cur, _rate(rate, name), base
        return
    for day, per_day in rates.items():
        if not isinstance(per_day, dict):
            raise RateDataError(f"rates for {day!r} are not an object", where=name)
        for cur, rate in per_day.items():
            yield day, cur, _rate(rate, name), base


def _number(value: Any) -> Decimal | None:
    """``value`` as a finite ``Decimal``, or ``None`` when it is not a number (``"abc"``, ``null``, ``{}``)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        dec = Decimal(str(value))
    except ArithmeticError:
        return None
    return dec if dec.is_finite() else None


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise RateDataError(f"expected a string, got {value!r}", where=name)
    return value


def _rate(value: Any, name: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            pass
    raise RateDataError(f"invalid rate {value!r}: expected a number", where=name)
