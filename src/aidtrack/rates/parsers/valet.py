"""Parser for the Bank of Canada's Valet API (FX series, CAD base), pure: bytes in, a table out.

Valet serves daily series such as ``FXUSDCAD``: Canadian dollars per one unit
of the foreign currency (``FXUSDCAD 1.3678`` = 1 USD costs 1.3678 CAD)::

    {"seriesDetail": {"FXUSDCAD": {"label": "USD/CAD", ...}},
     "observations": [{"d": "2026-04-28", "FXUSDCAD": {"v": "1.3678"}}, ...]}

The table keeps the quotes exactly as published and is marked
``quoted_in_base=True`` (units of the base, CAD, per one unit of the currency).
Conversions take the fixing -- or, under ``monthly_mean`` / ``annual_mean``,
the mean of the published quotes, as the Bank of Canada averages them -- and
divide by it (``amount × quote(from) ÷ quote(to)``, 1 for CAD):
``1,000,000 CAD → USD`` at ``q = 1.3678`` is
``1,000,000 / 1.3678 = 731,101.0381634741921…`` → ``USD 731,101.04`` (a
property test checks this in general). Each leg's ``rate`` reports the
inverse, per CAD, to :data:`aidtrack.amounts.RATE_CONTEXT` (28 significant
digits, half-even), and ``published`` the quote itself.

``v`` may be a string (current responses) or a number (older ones); numbers
are read as exact decimals, never through a float. A missing series or an
error code (``{"e": -64}``) in an observation means no value that day.

>>> data = (b'{"seriesDetail": {"FXUSDCAD": {"label": "USD/CAD"}}, "observations": '
...         b'[{"d": "2026-04-28", "FXUSDCAD": {"v": "1.3678"}}, {"d": "2026-04-29", "FXUSDCAD": {"e": -64}}]}')
>>> t = parse_valet_json(data)
>>> t.base, t.quoted_in_base, t.series("USD").raw, valet_quote(t, "USD", 0)
('CAD', True, ['1.3678'], Decimal('1.3678'))
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from decimal import Decimal

from aidtrack.amounts import RATE_CONTEXT
from aidtrack.currency import normalize_currency
from aidtrack.errors import RateDataError, UnknownCurrencyError
from aidtrack.rates.parsers._wire import load_json
from aidtrack.rates.table import RateTable

__all__ = ["VALET_BASE_URL", "VALET_FX_GROUP", "parse_valet_json", "valet_quote"]

VALET_BASE_URL = "https://www.bankofcanada.ca/valet/"
VALET_FX_GROUP = "FX_RATES_DAILY"
"""The Valet group holding every daily FX series (``FXUSDCAD``, ``FXEURCAD``, ...)."""
_SERIES = re.compile(r"FX([A-Z]{3})CAD")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_valet_json(
    data: bytes,
    *,
    key: str = "boc",
    name: str = "Bank of Canada exchange rates (Valet)",
    url: str | None = None,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse a Valet ``observations`` JSON response into a table with base CAD (rate = currency per CAD)."""
    doc = load_json(data, what="Valet", name=name)
    if not isinstance(doc, dict) or not isinstance(doc.get("observations"), list):
        raise RateDataError("not a Valet observations response: no 'observations' list", where=name)
    details = doc.get("seriesDetail")
    if isinstance(details, dict):
        for series in details:
            if _SERIES.fullmatch(series) is None:
                raise RateDataError(
                    f"series {series!r} is not a daily CAD exchange-rate series (expected FXxxxCAD)", where=name
                )
    rows: list[tuple[date, str, str]] = []
    for n, obs in enumerate(doc["observations"], start=1):
        if not isinstance(obs, dict) or not isinstance(obs.get("d"), str):
            raise RateDataError(f"observation {n} has no date 'd'", where=name)
        try:
            day = date.fromisoformat(obs["d"])
        except ValueError:
            raise RateDataError(f"observation {n}: invalid date {obs['d']!r}", where=name) from None
        for series, cell in obs.items():
            if series == "d":
                continue
            m = _SERIES.fullmatch(series)
            if m is None:
                raise RateDataError(f"observation {obs['d']}: unexpected series {series!r}", where=name)
            if not isinstance(cell, dict) or "v" not in cell:
                continue  # an error code such as {"e": -64}: no value that day
            value = cell["v"]
            text = str(value).strip() if isinstance(value, str | Decimal) else None
            if text is None or _NUMBER.fullmatch(text) is None or not text.strip("0."):
                raise RateDataError(
                    f"observation {obs['d']}: invalid {series} value {value!r}, expected a positive number", where=name
                )
            try:
                cur = normalize_currency(m.group(1))
            except UnknownCurrencyError as exc:
                raise RateDataError(f"series {series}: unknown currency", where=name) from exc
            rows.append((day, cur, text))
    if not rows:
        raise RateDataError("the response holds no rates", where=name)
    return RateTable.from_rows(
        rows,
        base="CAD",
        key=key,
        name=name,
        url=url,
        retrieved=retrieved,
        sha256=hashlib.sha256(data).hexdigest(),
        quoted_in_base=True,
    )


def valet_quote(table: RateTable, currency: str, i: int, *, places: int = 4) -> Decimal:
    """The quote as Valet published it (CAD per unit of ``currency``) of fixing ``i`` of a Valet table."""
    value = table.series(currency).rate(i)
    if not table.quoted_in_base:
        value = RATE_CONTEXT.divide(Decimal(1), value)
    return value.quantize(Decimal(1).scaleb(-places))
