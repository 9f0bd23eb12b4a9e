"""Parsers for the ECB Data Portal's SDMX CSV (dataset EXR), pure: bytes in, tables out.

The ECB Data Portal (``https://data-api.ecb.europa.eu/service/``) serves the
reference rates as SDMX series ``EXR.{FREQ}.{CURRENCY}.EUR.SP00.A``:

* ``FREQ=D``: the daily fixings, the same numbers as the ECB's
  ``eurofxref`` files, parsed by :func:`parse_sdmx_csv` into a
  :class:`~aidtrack.rates.table.RateTable` (base EUR);
* ``FREQ=M`` / ``FREQ=A``: the ECB's own monthly and annual averages of those
  fixings, *rounded to the series' decimals* (``DECIMALS``, 4 for USD), parsed
  by :func:`parse_sdmx_averages` into :class:`OfficialAverages`.
  :func:`compare_means` checks aidtrack's unrounded ``monthly_mean`` /
  ``annual_mean`` against them.

Columns are found by header name, so the short ``detail=dataonly`` layout
works as well as the full one. An empty ``OBS_VALUE`` or ``NaN`` means no
value for that period and is skipped; anything else that is not a positive
number is an error.

>>> csv = (b"KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE\\n"
...        b"EXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,A,2026-09-03,1.1615\\n"
...        b"EXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,A,2026-09-04,NaN\\n")
>>> parse_sdmx_csv(csv).series("USD").raw
['1.1615']
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from aidtrack.currency import normalize_currency
from aidtrack.errors import InvalidArgumentError, RateDataError, RateNotAvailableError, UnknownCurrencyError
from aidtrack.rates.table import RateTable, SourceInfo

__all__ = [
    "SDMX_BASE_URL",
    "MeanCheck",
    "OfficialAverages",
    "parse_sdmx_averages",
    "parse_sdmx_csv",
    "period_start",
    "sdmx_series_key",
]

SDMX_BASE_URL = "https://data-api.ecb.europa.eu/service/"
_REQUIRED = ("FREQ", "CURRENCY", "CURRENCY_DENOM", "TIME_PERIOD", "OBS_VALUE")
_PERIOD = {"D": re.compile(r"\d{4}-\d{2}-\d{2}"), "M": re.compile(r"\d{4}-\d{2}"), "A": re.compile(r"\d{4}")}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _real_period(period: str) -> bool:
    """Whether a well-formed period names a real day, month or year (``2025-13`` does not)."""
    try:
        if len(period) == 10:
            date.fromisoformat(period)
        else:
            period_start(period)
    except ValueError:
        return False
    return True


def sdmx_series_key(freq: Literal["D", "M", "A"], currencies: Sequence[str] = ()) -> str:
    """The EXR series key for ``freq`` and ``currencies`` (all currencies when empty).

    >>> sdmx_series_key("D", ["USD", "CAD"]), sdmx_series_key("M")
    ('D.USD+CAD.EUR.SP00.A', 'M..EUR.SP00.A')
    """
    return f"{freq}.{'+'.join(currencies)}.EUR.SP00.A"


@dataclass(frozen=True, slots=True)
class _Obs:
    line: int
    currency: str
    period: str
    value: str
    decimals: int | None


def _observations(data: bytes, freq: str, where: str) -> list[_Obs]:
    if not data.strip():
        raise RateDataError("the response is empty", where=where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RateDataError(f"not UTF-8 text (byte {exc.start})", where=where) from None
    if text.lstrip()[:1] == "<":
        raise RateDataError("not SDMX CSV: the response is an HTML or XML page", where=where)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise RateDataError(f"not SDMX CSV ({exc})", where=where) from None
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise RateDataError(
            f"not SDMX CSV of the EXR dataset: missing column(s) {', '.join(missing)} "
            f"(header: {','.join(header)[:120]})",
            where=where,
            line=1,
        )
    col = {name: i for i, name in enumerate(header)}
    out: list[_Obs] = []
    try:
        for n, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise RateDataError(f"expected {len(header)} fields, got {len(row)}", where=where, line=n)
            if row[col["FREQ"]] != freq:
                raise RateDataError(f"frequency {row[col['FREQ']]!r}, expected {freq!r}", where=where, line=n)
            if row[col["CURRENCY_DENOM"]] != "EUR":
                raise RateDataError(f"denominator {row[col['CURRENCY_DENOM']]!r}, expected EUR", where=where, line=n)
            if "EXR_TYPE" in col and row[col["EXR_TYPE"]] != "SP00":
                raise RateDataError(f"series type {row[col['EXR_TYPE']]!r}, expected SP00", where=where, line=n)
            if "EXR_SUFFIX" in col and row[col["EXR_SUFFIX"]] != "A":
                raise RateDataError(f"series suffix {row[col['EXR_SUFFIX']]!r}, expected A", where=where, line=n)
            try:
                cur = normalize_currency(row[col["CURRENCY"]])
            except UnknownCurrencyError as exc:
                raise RateDataError(f"unknown currency {row[col['CURRENCY']]!r}", where=where, line=n) from exc
            period = row[col["TIME_PERIOD"]]
            if _PERIOD[freq].fullmatch(period) is None or not _real_period(period):
                raise RateDataError(f"invalid period {period!r} for frequency {freq}", where=where, line=n)
            value = row[col["OBS_VALUE"]].strip()
            if value in ("", "NaN", "nan"):
                continue
            if _NUMBER.fullmatch(value) is None or not value.strip("0."):
                raise RateDataError(f"invalid {cur} rate {value!r}: expected a positive number", where=where, line=n)
            dec_text = row[col["DECIMALS"]].strip() if "DECIMALS" in col else ""
            out.append(_Obs(n, cur, period, value, int(dec_text) if dec_text.isdigit() else None))
    except csv.Error as exc:
        raise RateDataError(f"malformed CSV ({exc})", where=where, line=reader.line_num) from None
    if not out:
        raise RateDataError("no observations in the response", where=where)
    return out


def parse_sdmx_csv(
    data: bytes,
    *,
    key: str = "ecb-sdmx",
    name: str = "ECB Data Portal (SDMX EXR, daily)",
    url: str | None = None,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse a daily (``FREQ=D``) EXR CSV response into a table with base EUR."""
    obs = _observations(data, "D", name)
    rows = []
    for o in obs:
        try:
            rows.append((date.fromisoformat(o.period), o.currency, o.value))
        except ValueError:
            raise RateDataError(f"invalid date {o.period!r}", where=name, line=o.line) from None
    return RateTable.from_rows(
        rows, base="EUR", key=key, name=name, url=url, retrieved=retrieved, sha256=hashlib.sha256(data).hexdigest()
    )


@dataclass(frozen=True)
class OfficialAverages:
    """The ECB's published monthly (``freq="M"``) or annual (``"A"``) average rates, per EUR.

    ``values[currency][period]`` is the published value as a ``Decimal``
    (``period`` is ``"2025-01"`` or ``"2025"``); ``decimals[currency]`` the
    number of decimals the ECB rounds that series to.
    """

    freq: Literal["M", "A"]
    values: Mapping[str, Mapping[str, Decimal]]
    decimals: Mapping[str, int]
    info: SourceInfo

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted(self.values))

    def get(self, currency: str, period: str) -> Decimal:
        """The published average of ``currency`` for ``period`` (``"2025-01"`` or ``"2025"``)."""
        cur = normalize_currency(currency)
        try:
            series = self.values[cur]
        except KeyError:
            raise UnknownCurrencyError(cur, known=self.currencies, where=self.info.name) from None
        try:
            return series[period]
        except KeyError:
            periods = sorted(series)
            first, last = period_start(periods[0]), period_start(periods[-1])
            raise RateNotAvailableError(
                cur,
                period_start(period) if _PERIOD[self.freq].fullmatch(period) else first,
                available=(first, last),
                source=self.info.name,
                reason=f"no published average for period {period!r}",
            ) from None


def period_start(period: str) -> date:
    """The first day of an SDMX period: ``"2024"`` -> 2024-01-01, ``"2024-03"`` -> 2024-03-01."""
    if len(period) == 4:
        return date(int(period), 1, 1)
    return date(int(period[:4]), int(period[5:7]), 1)


def parse_sdmx_averages(
    data: bytes,
    *,
    freq: Literal["M", "A"],
    key: str = "ecb-sdmx-averages",
    name: str | None = None,
    url: str | None = None,
    retrieved: datetime | None = None,
) -> OfficialAverages:
    """Parse a monthly (``M``) or annual (``A``) EXR CSV response into :class:`OfficialAverages`.

    >>> csv = (b"FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,DECIMALS\\n"
    ...        b"M,USD,EUR,SP00,A,2025-01,1.0354,4\\n")
    >>> parse_sdmx_averages(csv, freq="M").get("USD", "2025-01")
    Decimal('1.0354')
    """
    if freq not in ("M", "A"):
        raise InvalidArgumentError("freq", freq, f"freq must be 'M' or 'A', got {freq!r}")
    label = name or f"ECB Data Portal (SDMX EXR, {'monthly' if freq == 'M' else 'annual'} averages)"
    obs = _observations(data, freq, label)
    values: dict[str, dict[str, Decimal]] = {}
    decimals: dict[str, int] = {}
    for o in obs:
        series = values.setdefault(o.currency, {})
        if o.period in series:
            raise RateDataError(f"{o.currency} {o.period} appears twice", where=label, line=o.line)
        series[o.period] = Decimal(o.value)
        places = o.decimals if o.decimals is not None else len(o.value.partition(".")[2])
        decimals[o.currency] = max(decimals.get(o.currency, 0), places)
    starts = [period_start(p) for s in values.values() for p in s]
    info = SourceInfo(
        key=key,
        name=label,
        base="EUR",
        first_date=min(starts),
        last_date=max(starts),
        url=url,
        retrieved=retrieved,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return OfficialAverages(freq, values, decimals, info)


@dataclass(frozen=True, slots=True)
class MeanCheck:
    """aidtrack's mean of the daily fixings against the ECB's published average for one period.

    ``computed`` is the unrounded mean (28 significant digits), ``rounded`` the
    same rounded half-up to the ECB's ``decimals``; ``matches`` says whether
    ``rounded`` equals ``official``.
    """

    currency: str
    period: str
    official: Decimal
    computed: Decimal
    rounded: Decimal
    decimals: int
    fixings: int

    @property
    def matches(self) -> bool:
        return self.rounded == self.official

    @property
    def difference(self) -> Decimal:
        """``computed - official``: what the ECB's rounding moved the average by."""
        return self.computed - self.official
