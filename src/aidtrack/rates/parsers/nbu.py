"""Parser for the National Bank of Ukraine's official hryvnia rates (JSON), pure: bytes in, a table out.

The NBU publishes an official UAH rate for about 40 currencies every working day; a rate set on the
last working day before a weekend or holiday is in force through it. Its public API answers a JSON
array of one object per currency and day, from two endpoints:

* ``/NBUStatService/v1/statdirectory/exchange?json&date=YYYYMMDD`` (one day, every currency):
  ``{"r030": 840, "txt": "Долар США", "rate": 41.1234, "cc": "USD", "exchangedate": "09.01.2025"}``;
* ``/NBU_Exchange/exchange_site?start=YYYYMMDD&end=YYYYMMDD&valcode=usd&sort=exchangedate&order=asc&json``
  (a date range for one currency), whose objects add ``enname``, ``units`` and ``rate_per_unit``.

``rate`` is hryvnias per ``units`` units of the currency (per one unit when ``units`` is absent);
``rate_per_unit`` is per one unit and is preferred when present. Dates are ``DD.MM.YYYY``. The table's
base is UAH, quoted as published (hryvnias per unit of the currency, ``quoted_in_base=True``).
Precious metals (``XAU``, ``XAG``, ``XPT``, ``XPD``) are not currencies and are skipped.

>>> t = parse_nbu_json(b'[{"r030": 840, "txt": "x", "rate": 41.1234, "cc": "USD", "exchangedate": "09.01.2025"}]')
>>> t.base, t.quoted_in_base, t.series("USD").raw
('UAH', True, ['41.1234'])
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from aidtrack.errors import RateDataError
from aidtrack.rates.parsers._wire import load_json
from aidtrack.rates.table import RateTable

__all__ = ["NBU_BASE_URL", "parse_nbu_json"]

NBU_BASE_URL = "https://bank.gov.ua/"
_METALS = frozenset({"XAU", "XAG", "XPT", "XPD"})


def parse_nbu_json(
    data: bytes,
    *,
    key: str = "nbu",
    name: str = "National Bank of Ukraine official rates",
    url: str | None = None,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse an NBU exchange-rate response (either endpoint) into a table based on UAH."""
    doc = load_json(data, what="NBU", name=name)
    if not isinstance(doc, list):
        raise RateDataError("not an NBU response: expected a JSON array of rates", where=name)
    rows: list[tuple[date, str, Decimal]] = []
    for n, item in enumerate(doc, start=1):
        if not isinstance(item, dict) or not {"cc", "exchangedate"} <= item.keys():
            raise RateDataError(f"item {n} lacks cc or exchangedate", where=name)
        code = str(item["cc"]).strip().upper()
        if code in _METALS:
            continue
        rows.append((_day(item["exchangedate"], name, n), code, _rate(item, name, n)))
    if not rows:
        raise RateDataError("the response holds no rates", where=name)
    return RateTable.from_rows(
        rows,
        base="UAH",
        key=key,
        name=name,
        url=url,
        retrieved=retrieved,
        sha256=hashlib.sha256(data).hexdigest(),
        quoted_in_base=True,
    )


def _day(value: Any, name: str, n: int) -> date:
    text = str(value).strip()
    try:
        dd, mm, yyyy = text.split(".")
        return date(int(yyyy), int(mm), int(dd))
    except ValueError:
        raise RateDataError(f"item {n}: exchangedate {value!r} is not DD.MM.YYYY", where=name) from None


def _rate(item: dict[str, Any], name: str, n: int) -> Decimal:
    try:
        if item.get("rate_per_unit") is not None:
            return Decimal(str(item["rate_per_unit"]))
        rate = Decimal(str(item["rate"]))
        units = Decimal(str(item.get("units", 1)))
        return rate / units if units != 1 else rate
    except (KeyError, InvalidOperation, ArithmeticError):
        raise RateDataError(f"item {n}: no valid rate in {item!r}", where=name) from None
