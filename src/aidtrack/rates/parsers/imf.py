"""Parsers for the IMF's exchange rates (dataset ``IMF.STA:ER``), pure: bytes in, a period table out.

Two inputs, one result (a *period table*, base USD, national currency per US dollar, see
:class:`~aidtrack.rates.table.RateTable`):

* :func:`parse_imf_table_csv`: the country-keyed CSV that aidtrack bundles (the IATI tooling's copy
  of the IMF's annual averages: ``Date, Rate, Currency, Frequency, Source, Country code, Country``);
* :func:`parse_imf_sdmx_json` and :func:`parse_imf_sdmx_csv`: the IMF's SDMX 3.0 API
  (``https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/ER/+/{COUNTRY}.XDC_USD.{PA_RT|EOP_RT}.{A|Q|M}``),
  as SDMX-JSON 2.0 or SDMX-CSV. Series keys are ``COUNTRY.INDICATOR.TYPE_OF_TRANSFORMATION.FREQUENCY``;
  ``XDC_USD`` is domestic currency per US dollar, ``PA_RT`` the period average and ``EOP_RT`` the end
  of period; ``TIME_PERIOD`` is ``2024``, ``2024-Q2`` or ``2024-M06``.

**One currency, several countries.** The data is keyed by country, so a shared currency appears once
per country using it, with slightly different values (EUR for the euro area, Andorra, Kosovo and
Montenegro). aidtrack takes a shared currency only from its issuer's row (:data:`ISSUERS`: the euro
area ``U2`` for EUR, WAEMU ``7A`` for XOF, ...) and never the first row or a mean; a shared currency
with no issuer listed is an error, so a new case is noticed rather than guessed.

**Corrections** (stated as the IMF's terms require of a material transformation): the bundled copy
labels Uruguay's peso ``UYW`` (the ISO code of an index unit) and Czechoslovakia's koruna ``CSJ``;
aidtrack reads them as ``UYU`` and ``CSK`` (:data:`RELABEL`). Rows of a country that uses another
issuer's currency are dropped (their label is sometimes wrong too: the ``AN`` row labelled NLG holds
Netherlands Antilles guilders).

Source: International Monetary Fund. The attribution travels in every table's
:attr:`~aidtrack.rates.table.SourceInfo.attribution` and so in every conversion's provenance.

>>> t = parse_imf_table_csv(b"Date,Rate,Currency,Frequency,Source,Country code,Country\\n"
...     b"2024-12-31,40.152082715,UAH,A,IMF,UA,Ukraine\\n2024-12-31,1,USD,A,IMF,US,United States\\n")
>>> t.base, t.frequency, t.series("UAH").raw, t.info.attribution
('USD', 'A', ['40.152082715'], 'Source: International Monetary Fund.')
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from aidtrack.currency import is_currency
from aidtrack.errors import RateDataError
from aidtrack.rates.parsers._wire import load_json
from aidtrack.rates.table import RateTable

__all__ = [
    "IMF_ATTRIBUTION",
    "IMF_SDMX_URL",
    "ISSUERS",
    "RELABEL",
    "imf_country",
    "parse_imf_sdmx_csv",
    "parse_imf_sdmx_json",
    "parse_imf_table_csv",
]

IMF_ATTRIBUTION = "Source: International Monetary Fund."
"""The credit line the IMF's terms require of anything that ships or shows its data."""
IMF_SDMX_URL = "https://api.imf.org/external/sdmx/3.0/"

ISSUERS: dict[str, str] = {
    "EUR": "U2",  # Euro Area (EA): equals 1 / the ECB's annual mean of USD fixings
    "XOF": "7A",  # West African Economic and Monetary Union (BCEAO)
    "XAF": "5X",  # Central African Economic and Monetary Community (BEAC)
    "XCD": "5Y",  # Eastern Caribbean Currency Union (ECCB)
    "USD": "US",
    "AUD": "AU",
    "GBP": "GB",
    "DKK": "DK",
    "CHF": "CH",
    "ZAR": "ZA",
    "FRF": "FR",
    "ITL": "IT",
    "BEF": "BE",  # not the Benelux aggregate R1
    "NLG": "NL",
    "XPF": "PF",  # the IEOM issues it for New Caledonia and French Polynesia; no union row exists
    "XCG": "CW",  # the Central Bank of Curacao and Sint Maarten; both rows are identical
    "YDD": "1C_459",  # the People's Democratic Republic of Yemen issued the dinar
}
"""The country (or currency-union) row that speaks for a currency several countries use."""

RELABEL: dict[str, str] = {"UYW": "UYU", "CSJ": "CSK"}
"""Currency labels of the bundled copy that name the wrong ISO code, and the code the values are in."""

# IMF area codes of the SDMX 3.0 API that are not ISO 3166 countries, and their currency
_AREA_CURRENCIES = {"U2": "EUR", "7A": "XOF", "5X": "XAF", "5Y": "XCD"}


def _table(rows: Iterable[tuple[date | str, str, str]], freq: str, measure: str, **info: Any) -> RateTable:
    return RateTable.from_rows(rows, base="USD", frequency=freq, measure=measure, attribution=IMF_ATTRIBUTION, **info)


def parse_imf_table_csv(
    data: bytes,
    *,
    key: str = "imf-bundled",
    name: str = "IMF exchange rates, annual averages",
    url: str | None = None,
    retrieved: datetime | None = None,
    vintage: str | None = None,
) -> RateTable:
    """Parse the country-keyed IMF CSV (``Date, Rate, Currency, Frequency, Source, Country code, Country``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RateDataError(f"not UTF-8 text ({exc})", where=name) from None
    reader = csv.DictReader(io.StringIO(text))
    need = {"Date", "Rate", "Currency", "Frequency", "Country code"}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        raise RateDataError(f"not an IMF rate table: the header lacks {', '.join(sorted(need))}", where=name)
    freqs: set[str] = set()
    chosen: dict[tuple[str, str], tuple[str, str]] = {}  # (currency, date) -> (rate, country)
    unknown: set[str] = set()
    for n, row in enumerate(reader, start=2):
        cur = RELABEL.get(row["Currency"].strip(), row["Currency"].strip())
        country = row["Country code"].strip()
        freqs.add(row["Frequency"].strip())
        issuer = ISSUERS.get(cur)
        if issuer is not None and country != issuer:
            continue
        if not cur or not is_currency(cur):
            if len(cur) == 3 and cur.isalpha() and cur.isupper():
                # a real ISO 4217 code newer than the installed babel's CLDR data (XCG, 2025, needs babel 2.17+):
                # aidtrack cannot make Money in it anyway, so the table leaves it out and says so
                unknown.add(cur)
                continue
            raise RateDataError(f"unknown currency code {row['Currency']!r} (country {country})", where=name, line=n)
        k = (cur, row["Date"].strip())
        if k in chosen and chosen[k][1] != country:
            raise RateDataError(
                f"{cur} appears for two countries ({chosen[k][1]} and {country}) on {k[1]} and has no issuer in "
                "aidtrack.rates.parsers.imf.ISSUERS; refusing to pick one",
                where=name,
                line=n,
            )
        chosen[k] = (row["Rate"].strip(), country)
    if len(freqs) != 1 or not freqs <= {"A", "Q", "M"}:
        raise RateDataError(f"expected one frequency (A, Q or M), found {sorted(freqs)}", where=name)
    rows = [(d, c, r) for (c, d), (r, _) in chosen.items()]
    if unknown:  # recorded in the name, so every conversion's provenance says what the table lacks and why
        name = f"{name} (without {', '.join(sorted(unknown))}: unknown to the installed babel; upgrade babel)"
    return _table(
        rows,
        freqs.pop(),
        "average",
        key=key,
        name=name,
        url=url,
        retrieved=retrieved,
        sha256=hashlib.sha256(data).hexdigest(),
        vintage=vintage,
    )


def imf_country(currency: str) -> str:
    """The SDMX 3.0 ``COUNTRY`` code to ask for ``currency``: its issuer's ISO alpha-3 code or IMF area code.

    >>> imf_country("UAH"), imf_country("EUR"), imf_country("XOF")
    ('UKR', 'U2', '7A')
    """
    from babel.core import get_global

    issuer = ISSUERS.get(currency)
    if issuer in _AREA_CURRENCIES:
        return issuer
    if issuer is None:
        territories = get_global("territory_currencies")
        users = sorted(
            t
            for t, rows in territories.items()
            if len(t) == 2 and any(c == currency and e is None and tender for c, s, e, tender in rows)
        )
        if len(users) != 1:
            from aidtrack.errors import InvalidArgumentError

            raise InvalidArgumentError(
                "currencies",
                currency,
                f"{currency} is the current currency of {len(users)} territories ({', '.join(users) or 'none'}); "
                "aidtrack cannot tell which IMF country row to ask for",
            )
        issuer = users[0]
    for alpha3, targets in get_global("territory_aliases").items():
        if len(alpha3) == 3 and alpha3.isalpha() and list(targets) == [issuer]:
            return str(alpha3)
    return issuer


def _period_day(period: str, name: str) -> tuple[str, date]:
    """``(frequency, first day)`` of an SDMX ``TIME_PERIOD`` (``2024``, ``2024-Q2``, ``2024-M06``, ``2024-06``)."""
    text = period.strip()
    try:
        if len(text) == 4:
            return "A", date(int(text), 1, 1)
        year, rest = text[:4], text[5:]
        if text[4] == "-" and rest[:1] == "Q":
            return "Q", date(int(year), 3 * int(rest[1:]) - 2, 1)
        if text[4] == "-" and rest[:1] == "M":
            return "M", date(int(year), int(rest[1:]), 1)
        if text[4] == "-" and len(rest) == 2:
            return "M", date(int(year), int(rest), 1)
    except (ValueError, IndexError):
        pass
    raise RateDataError(f"unreadable TIME_PERIOD {period!r}: expected 2024, 2024-Q2 or 2024-M06", where=name)


def _country_currency(country: str, day: date) -> str | None:
    """The currency of an SDMX ``COUNTRY`` in a period, or ``None`` when the row is not its issuer's."""
    from aidtrack.currency import legal_tender
    from aidtrack.errors import InvalidArgumentError

    if country in _AREA_CURRENCIES:
        return _AREA_CURRENCIES[country]
    from babel.core import get_global

    alias = get_global("territory_aliases").get(country)
    alpha2 = alias[0] if alias and len(alias) == 1 else country
    try:
        cur = legal_tender(alpha2, day)
    except InvalidArgumentError:
        return None  # no single legal tender: the row cannot be labelled without guessing
    issuer = ISSUERS.get(cur)
    return cur if issuer is None or issuer == alpha2 else None


def _sdmx_rows(
    observations: Iterable[tuple[str, str, str, str, str, Any]], name: str
) -> tuple[list[tuple[date, str, str]], str, str]:
    rows: list[tuple[date, str, str]] = []
    freqs: set[str] = set()
    kinds: set[str] = set()
    for country, indicator, transformation, freq, period, value in observations:
        if indicator != "XDC_USD":
            raise RateDataError(f"indicator {indicator!r}: expected XDC_USD (domestic currency per USD)", where=name)
        if transformation not in ("PA_RT", "EOP_RT"):
            raise RateDataError(f"TYPE_OF_TRANSFORMATION {transformation!r}: expected PA_RT or EOP_RT", where=name)
        pfreq, day = _period_day(period, name)
        if pfreq != freq:
            raise RateDataError(f"TIME_PERIOD {period!r} does not match FREQUENCY {freq!r}", where=name)
        freqs.add(freq)
        kinds.add(transformation)
        if value is None or (isinstance(value, str) and value.strip() in ("", "NaN", "NA")):
            continue
        try:
            rate = Decimal(str(value).strip())
        except InvalidOperation:
            raise RateDataError(f"invalid OBS_VALUE {value!r} for {country} {period}", where=name) from None
        if not rate.is_finite():
            continue
        cur = _country_currency(country, day)
        if cur is None:
            continue
        rows.append((day, cur, str(rate)))
    if not rows:
        raise RateDataError("the response holds no XDC_USD observations", where=name)
    if len(freqs) != 1 or len(kinds) != 1:
        raise RateDataError(f"the response mixes frequencies {sorted(freqs)} or measures {sorted(kinds)}", where=name)
    measure = "average" if kinds.pop() == "PA_RT" else "end_of_period"
    if not any(c == "USD" for _, c, _ in rows):  # the base: the US row is 1 by definition
        rows.append((rows[0][0], "USD", "1"))
    return rows, freqs.pop(), measure


def parse_imf_sdmx_json(
    data: bytes,
    *,
    key: str = "imf",
    name: str = "IMF exchange rates (SDMX 3.0, IMF.STA:ER)",
    url: str | None = None,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse an SDMX-JSON 2.0 answer of the IMF's SDMX 3.0 API for the ER dataflow."""
    doc = load_json(data, what="IMF SDMX-JSON", name=name)
    try:
        structure = doc["data"]["structures"][0]
        dims = structure["dimensions"]
        series_dims = [(d["id"], [v["id"] for v in d["values"]]) for d in dims["series"]]
        periods = [v.get("value", v.get("id")) for v in dims["observation"][0]["values"]]
        series = doc["data"]["dataSets"][0]["series"]
    except (KeyError, IndexError, TypeError):
        raise RateDataError("not an SDMX-JSON data message: no data.structures / data.dataSets", where=name) from None
    order = [d for d, _ in series_dims]
    need = ["COUNTRY", "INDICATOR", "TYPE_OF_TRANSFORMATION", "FREQUENCY"]
    if sorted(order) != sorted(need):
        raise RateDataError(f"series dimensions {order}: expected {need}", where=name)

    def observations() -> Iterator[tuple[str, str, str, str, str, Any]]:
        if not isinstance(series, dict):
            raise RateDataError("dataSets[0].series is not an object", where=name)
        for skey, body in series.items():
            try:
                idx = [int(p) for p in str(skey).split(":")]
                codes = {order[i]: series_dims[i][1][k] for i, k in enumerate(idx)}
            except (ValueError, IndexError):
                raise RateDataError(f"series key {skey!r} does not match the structure", where=name) from None
            obs = body.get("observations", {}) if isinstance(body, dict) else None
            if not isinstance(obs, dict):
                raise RateDataError(f"series {skey!r} has no observations object", where=name)
            for pk, values in obs.items():
                try:
                    period = periods[int(pk)]
                    value = values[0] if isinstance(values, list) and values else None
                except (ValueError, IndexError):
                    raise RateDataError(f"observation {pk!r} of series {skey!r} is malformed", where=name) from None
                yield (
                    codes["COUNTRY"],
                    codes["INDICATOR"],
                    codes["TYPE_OF_TRANSFORMATION"],
                    codes["FREQUENCY"],
                    str(period),
                    value,
                )

    rows, freq, measure = _sdmx_rows(observations(), name)
    return _table(
        rows, freq, measure, key=key, name=name, url=url, retrieved=retrieved, sha256=hashlib.sha256(data).hexdigest()
    )


def parse_imf_sdmx_csv(
    data: bytes,
    *,
    key: str = "imf",
    name: str = "IMF exchange rates (SDMX 3.0, IMF.STA:ER)",
    url: str | None = None,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse an SDMX-CSV answer (columns by header name; ``CODE: label`` cells are read by their code)."""
    if not data.strip():
        raise RateDataError("the response is empty", where=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RateDataError(f"not UTF-8 text ({exc})", where=name) from None
    if text.lstrip()[:1] in ("<", "{"):
        raise RateDataError("not an SDMX-CSV response (HTML, XML or JSON)", where=name)
    reader = csv.DictReader(io.StringIO(text))
    need = ["COUNTRY", "INDICATOR", "TYPE_OF_TRANSFORMATION", "FREQUENCY", "TIME_PERIOD", "OBS_VALUE"]
    if reader.fieldnames is None or not set(need) <= set(reader.fieldnames):
        raise RateDataError(f"not an SDMX-CSV ER response: the header lacks one of {', '.join(need)}", where=name)

    def code(cell: str | None) -> str:
        return (cell or "").split(":", 1)[0].strip()

    def observations() -> Iterator[tuple[str, str, str, str, str, Any]]:
        for row in reader:
            if None in row.values() or None in row:
                raise RateDataError(f"a row has the wrong number of fields (line {reader.line_num})", where=name)
            yield (
                code(row["COUNTRY"]),
                code(row["INDICATOR"]),
                code(row["TYPE_OF_TRANSFORMATION"]),
                code(row["FREQUENCY"]),
                code(row["TIME_PERIOD"]),
                row["OBS_VALUE"],
            )

    rows, freq, measure = _sdmx_rows(observations(), name)
    return _table(
        rows, freq, measure, key=key, name=name, url=url, retrieved=retrieved, sha256=hashlib.sha256(data).hexdigest()
    )
