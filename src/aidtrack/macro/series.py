"""Macro series (deflators, GDP, GNI, population) as typed, exact, sourced values.

A :class:`MacroSeries` holds :class:`SeriesValue` observations: one country (or
group/institution code), one calendar year, one indicator, an exact ``Decimal``
value read from the file's text (never through a float), its unit, the base year
of an index, the vintage, and whether the source flags it as an estimate or
projection. Every series carries its :class:`SeriesProvenance` (source, vintage,
SHA-256 of the bytes read, licence and attribution text).

Bundled series (``aidtrack/macro/data``, read on first use, checked against
their SHA-256):

=================  ====================================================  =====================
name               content                                               vintage
=================  ====================================================  =====================
``weo``            IMF World Economic Outlook: ``NGDP`` (national        October 2025
                   currency), ``NGDPD`` (US$), ``NGDP_D`` (GDP
                   deflator), ``PCPI`` (CPI), ``LP`` (population) ...
``wdi``            World Bank WDI: ``NY.GDP.MKTP.CD``, ``SP.POP.TOTL``,  snapshot 2026-07-01
                   ``PA.NUS.FCRF``, ``NY.GNP.ATLS.CD`` ...
``dac_deflators``  OECD DAC deflators, 2024 = 100 (``DAC_DEFLATOR``)      Apr 2026 table
``dac_gni``        OECD DAC1 GNI (``GNI``, US$, scaled from US$ million)  Jan 2024
=================  ====================================================  =====================

>>> weo = bundled_series("weo")
>>> v = weo.get("DEU", "NGDP", 2024)
>>> v.value, v.unit, v.base_year, v.estimate
(Decimal('4328970000000'), 'national currency, current prices', 2020, False)
>>> weo.provenance.attribution
'Source: International Monetary Fund, World Economic Outlook Database, October 2025.'

Your own series enter the same way, from a CSV file (:func:`read_series_csv`)
or a pandas ``DataFrame`` (:func:`series_from_frame`) with the columns
``country`` (or ``iso3``), ``year``, ``indicator`` and ``value``, and optionally
``unit``, ``base_year``, ``is_estimate`` (``Y``/``N``) and ``last_actual_year``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from aidtrack.amounts import to_decimal
from aidtrack.errors import EstimateNotAllowedError, InvalidArgumentError, MacroDataError, SeriesNotAvailableError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BUNDLED",
    "BundledName",
    "MacroSeries",
    "SeriesLike",
    "SeriesProvenance",
    "SeriesValue",
    "as_series",
    "bundled_series",
    "read_series_csv",
    "series_from_frame",
]

BundledName: TypeAlias = Literal["weo", "wdi", "dac_deflators", "dac_gni"]


@dataclass(frozen=True, slots=True)
class SeriesProvenance:
    """Where a series came from: recorded in every deflated, shared or per-capita figure."""

    key: str
    """Short name (``imf-weo-2025oct``, or the name you gave your own series)."""
    name: str
    """The source's title."""
    vintage: str
    """Which release (``October 2025``): the same year's value changes between releases."""
    attribution: str = ""
    """The text the licence asks you to print next to figures made from this series."""
    licence: str = ""
    url: str | None = None
    file: str | None = None
    """The file read (the bundled file's name, or your path)."""
    sha256: str | None = None
    """SHA-256 of the exact bytes read (``None`` for a DataFrame)."""
    notes: str = ""
    """Changes made when reading (e.g. US$ million scaled to US$)."""

    def describe(self) -> str:
        """One line: name, vintage and the file's hash prefix.

        >>> print(bundled_series("dac_deflators").provenance.describe())
        OECD DAC deflators (2024=100), Apr 2026 table (oecd_dac_deflators_base2024.csv, sha256 fb79cc626cb1)
        """
        where = self.file or "in memory"
        digest = f", sha256 {self.sha256[:12]}" if self.sha256 else ""
        return f"{self.name}, {self.vintage} ({where}{digest})"


@dataclass(frozen=True, slots=True)
class SeriesValue:
    """One observation of a macro series."""

    country: str
    """ISO 3166 alpha-3 code, or a group/institution code (``DAC``, ``EUI``, WEO ``G998``)."""
    year: int
    indicator: str
    value: Decimal
    """Exactly the number written in the source file."""
    unit: str
    base_year: int | None
    """For an index: the year it equals 100 (``None`` when the source does not say or it is not an index)."""
    vintage: str
    estimate: bool | None
    """``True`` for an estimate or projection, ``False`` for actual data, ``None`` when the source does not say."""
    last_actual_year: int | None
    source: str
    """The series' :attr:`SeriesProvenance.key`."""

    def __str__(self) -> str:
        flag = " (estimate)" if self.estimate else ""
        base = f", {self.base_year}=100" if self.base_year is not None and "index" in self.unit else ""
        return f"{self.country} {self.indicator} {self.year} = {self.value}{base}{flag} [{self.source}]"


class MacroSeries:
    """A set of observations with one provenance, looked up by country, indicator and year.

    Build one with :func:`read_series_csv`, :func:`series_from_frame`, or directly from
    :class:`SeriesValue` objects; the bundled ones come from :func:`bundled_series`.
    """

    __slots__ = ("_data", "_make", "provenance")

    def __init__(self, values: Iterable[SeriesValue], provenance: SeriesProvenance) -> None:
        data: dict[tuple[str, str], dict[int, Any]] = {}
        for v in values:
            years = data.setdefault((v.country, v.indicator), {})
            if v.year in years and years[v.year].value != v.value:
                raise MacroDataError(
                    f"two values for {v.country} {v.indicator} {v.year}: {years[v.year].value} and {v.value}",
                    where=provenance.key,
                )
            years[v.year] = v
        self._data = data
        self._make: Callable[[Any], SeriesValue] | None = None
        self.provenance = provenance

    @classmethod
    def _lazy(
        cls, rows: dict[tuple[str, str], dict[int, Any]], make: Callable[[Any], SeriesValue], prov: SeriesProvenance
    ) -> MacroSeries:
        """A series whose raw rows become :class:`SeriesValue` objects on first access (bundled files)."""
        self = cls((), prov)
        self._data = rows
        self._make = make
        return self

    def _value(self, years: dict[int, Any], year: int) -> SeriesValue | None:
        raw = years.get(year)
        if raw is None or isinstance(raw, SeriesValue):
            return raw
        assert self._make is not None
        value = years[year] = self._make(raw)
        return value

    def __repr__(self) -> str:
        return f"<MacroSeries {self.provenance.key}: {len(self)} values, {len(self._data)} country-indicators>"

    def __len__(self) -> int:
        return sum(len(v) for v in self._data.values())

    def __iter__(self) -> Iterator[SeriesValue]:
        for years in self._data.values():
            for year in list(years):
                value = self._value(years, year)
                assert value is not None
                yield value

    def has(self, country: str, indicator: str) -> bool:
        """Whether the series holds any value of ``indicator`` for ``country``."""
        return (country, indicator) in self._data

    def years(self, country: str, indicator: str) -> tuple[int, ...]:
        """The years with a value, sorted."""
        return tuple(sorted(self._data.get((country, indicator), {})))

    def countries(self, indicator: str | None = None) -> tuple[str, ...]:
        """Country codes present (for one indicator, or any), sorted."""
        return tuple(sorted({c for c, i in self._data if indicator is None or i == indicator}))

    def indicators(self) -> tuple[str, ...]:
        return tuple(sorted({i for _, i in self._data}))

    def get(self, country: str, indicator: str, year: int, *, allow_estimates: bool = False) -> SeriesValue:
        """The value for ``country``, ``indicator`` and ``year``.

        Raises :class:`~aidtrack.errors.SeriesNotAvailableError` when there is none (naming the years
        there are), and :class:`~aidtrack.errors.EstimateNotAllowedError` when the source flags it as an
        estimate or projection and ``allow_estimates`` is false.

        >>> bundled_series("weo").get("DEU", "NGDP", 2025)
        Traceback (most recent call last):
        ...
        aidtrack.errors.EstimateNotAllowedError: DEU NGDP 2025 in imf-weo-2025oct is an estimate, ...
        """
        years = self._data.get((country, indicator))
        value = self._value(years, year) if years else None
        if value is None:
            span = (min(years), max(years)) if years else None
            hint = ""
            if not years:
                there = sorted(i for c, i in self._data if c == country)
                hint = (
                    f"{country} has no {indicator} in this series (it has: {', '.join(there)})"
                    if there
                    else f"{country} is not in this series"
                )
            raise SeriesNotAvailableError(
                country, indicator, year, source=self.provenance.key, available=span, hint=hint
            )
        if value.estimate and not allow_estimates:
            raise EstimateNotAllowedError(
                country, indicator, year, source=self.provenance.key, last_actual=value.last_actual_year
            )
        return value

    def to_frame(self) -> pd.DataFrame:
        """All observations as a DataFrame (values as ``Decimal`` objects)."""
        import pandas as pd

        cols = ("country", "year", "indicator", "value", "unit", "base_year", "estimate", "last_actual_year")
        return pd.DataFrame([[getattr(v, c) for c in cols] for v in self], columns=list(cols))


# -- bundled files ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Bundled:
    file: str
    sha256: str
    provenance: SeriesProvenance


_DATA = os.path.join(os.path.dirname(__file__), "data")

BUNDLED: Mapping[str, _Bundled] = {
    "weo": _Bundled(
        "imf_weo_2025oct.csv.gz",
        "35f5e92e21f86be272ce21953a8bbb1ffb27697b35a2752c7191c2ada94a9530",
        SeriesProvenance(
            key="imf-weo-2025oct",
            name="IMF World Economic Outlook",
            vintage="October 2025",
            attribution="Source: International Monetary Fund, World Economic Outlook Database, October 2025.",
            licence="IMF terms of use (reuse and redistribution with attribution)",
            url="https://data.imf.org/en/datasets/IMF.RES:WEO",
        ),
    ),
    "wdi": _Bundled(
        "wb_wdi_2026jul.csv.gz",
        "11f469d4bae31e6483641b0a4889fae9496ea5d0af5f2e59aa7fa8af6635e67a",
        SeriesProvenance(
            key="wb-wdi-2026jul",
            name="World Bank World Development Indicators",
            vintage="snapshot 2026-07-01",
            attribution=(
                "World Bank, World Development Indicators (CC BY 4.0), accessed via api.worldbank.org, "
                "snapshot 2026-07-01."
            ),
            licence="CC BY 4.0",
            url="https://datacatalog.worldbank.org/search/dataset/0037712",
        ),
    ),
    "dac_deflators": _Bundled(
        "oecd_dac_deflators_base2024.csv",
        "fb79cc626cb1f0580cb2ba06eebd860372bcc4f394d46b1790c42b3acd521574",
        SeriesProvenance(
            key="oecd-dac-deflators-2024base",
            name="OECD DAC deflators (2024=100)",
            vintage="Apr 2026 table",
            attribution=(
                "Source: OECD (2026), DAC deflators (2024=100), CC BY 4.0; machine-readable copy from the "
                "CALP CVA Tracking Pipeline (Apache-2.0)."
            ),
            licence="CC BY 4.0",
            url="https://www.oecd.org/en/data/insights/data-explainers/2025/01/deflators-for-resource-flows.html",
        ),
    ),
    "dac_gni": _Bundled(
        "oecd_dac1_gni_2010_2022.csv",
        "97b54b91548087c8dbad332a77a71a8ec3a467a1bdbf55a43c9b125575b5f445",
        SeriesProvenance(
            key="oecd-dac1-gni-2024jan",
            name="OECD DAC1 GNI",
            vintage="January 2024",
            attribution="Source: OECD, DAC1 (GNI of DAC members), CC BY 4.0; extract from ONE Campaign (MIT).",
            licence="CC BY 4.0",
            url="https://data-explorer.oecd.org/",
            notes="values scaled from US$ million to US$ (exactly, by 10^6); indicator GNI_DAC1 renamed GNI",
        ),
    ),
}
"""The bundled series: file name, expected SHA-256 and provenance (without the file fields)."""

_ENTITIES_FILE = "wb_wdi_2026jul_entities.csv"
_ENTITIES_SHA256 = "d248922247c8c42b5062d10ffdf31f949a7f67fb32f04dc69162309cacb2b5e2"


def _read_bundled_bytes(file: str, expected: str) -> tuple[bytes, str]:
    with open(os.path.join(_DATA, file), "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise MacroDataError(
            f"bundled {file} is damaged or was replaced: SHA-256 {digest}, expected {expected}; reinstall aidtrack",
            where="aidtrack package data",
        )
    return data, digest


@cache
def bundled_series(name: BundledName = "weo") -> MacroSeries:
    """A bundled series by name (``weo``, ``wdi``, ``dac_deflators``, ``dac_gni``), read once per process."""
    entry = BUNDLED.get(name)
    if entry is None:
        raise InvalidArgumentError(
            "name", name, f"unknown bundled series {name!r}: expected one of {', '.join(sorted(BUNDLED))}"
        )
    data, digest = _read_bundled_bytes(entry.file, entry.sha256)
    if entry.file.endswith(".gz"):
        data = gzip.decompress(data)
    p = entry.provenance
    prov = SeriesProvenance(p.key, p.name, p.vintage, p.attribution, p.licence, p.url, entry.file, digest, p.notes)
    return _parse_lazy(data.decode("utf-8"), prov, scale=6 if name == "dac_gni" else 0)


def _parse_lazy(text: str, prov: SeriesProvenance, *, scale: int) -> MacroSeries:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    col = {name: i for i, name in enumerate(header)}
    ci, yi, ii = col["iso3"], col["year"], col["indicator"]
    rows: dict[tuple[str, str], dict[int, Any]] = {}
    for line, row in enumerate(reader, start=2):
        rows.setdefault((row[ci], row[ii]), {})[int(row[yi])] = (line, row)

    def make(raw: tuple[int, list[str]]) -> SeriesValue:
        line, row = raw
        record = dict(zip(header, row, strict=True))
        return next(_rows_to_values([(line, record)], prov, scale=scale))

    if scale:  # DAC1 GNI: the indicator is renamed (see _rows_to_values)
        rows = {(c, "GNI" if i == "GNI_DAC1" else i): v for (c, i), v in rows.items()}
    return MacroSeries._lazy(rows, make, prov)


@cache
def bundled_entities() -> dict[str, tuple[str, str]]:
    """ISO3 code -> (ISO2 code, English name) of every entity in the bundled files."""
    out: dict[str, tuple[str, str]] = {}
    data, _ = _read_bundled_bytes(_ENTITIES_FILE, _ENTITIES_SHA256)
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        out[row["iso3"]] = (row["iso2"], row["name"])
    return out


# -- parsing ------------------------------------------------------------------------------------------------


def _int_or_none(text: str | None, what: str, where: str, line: int) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if not text or not text.isdigit():
        return None  # "Other", empty: the source does not give a year
    return int(text)


def _estimate(text: str | None, where: str, line: int) -> bool | None:
    if text is None:
        return None
    t = text.strip().upper()
    if t in ("", "NA"):
        return None
    if t in ("Y", "YES", "TRUE", "1"):
        return True
    if t in ("N", "NO", "FALSE", "0"):
        return False
    raise MacroDataError(f"is_estimate {text!r} is not Y or N", where=where, line=line)


def _value(text: object, where: str, line: int) -> Decimal:
    try:
        return to_decimal(text, what="value")
    except (ValueError, InvalidOperation) as exc:
        raise MacroDataError(str(exc), where=where, line=line) from None


def _rows_to_values(
    rows: Iterable[tuple[int, Mapping[str, Any]]], prov: SeriesProvenance, *, scale: int = 0
) -> Iterator[SeriesValue]:
    where = prov.file or prov.key
    for line, row in rows:
        country = row.get("country") or row.get("iso3")
        if not isinstance(country, str) or not country.strip():
            raise MacroDataError("no country (column 'country' or 'iso3')", where=where, line=line)
        indicator = row.get("indicator")
        if not isinstance(indicator, str) or not indicator.strip():
            raise MacroDataError("no indicator", where=where, line=line)
        year_text = str(row.get("year", "")).strip()
        if not year_text.isdigit():
            raise MacroDataError(f"year {row.get('year')!r} is not a calendar year", where=where, line=line)
        value = _value(row.get("value"), where, line)
        if scale:
            value = value * Decimal(10) ** scale  # exact: US$ million -> US$
        indicator = indicator.strip()
        if indicator == "GNI_DAC1":
            indicator = "GNI"
        unit = str(row.get("unit") or "")
        if scale and unit.startswith("US$ million"):
            unit = "US$" + unit[len("US$ million") :]
        yield SeriesValue(
            country=country.strip().upper(),
            year=int(year_text),
            indicator=indicator,
            value=value,
            unit=unit,
            base_year=_base_year(row, unit, where, line),
            vintage=prov.vintage,
            estimate=_estimate(_text(row.get("is_estimate")), where, line),
            last_actual_year=_int_or_none(_text(row.get("last_actual_year")), "last_actual_year", where, line),
            source=prov.key,
        )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from a DataFrame
        return None
    return str(value)


def _base_year(row: Mapping[str, Any], unit: str, where: str, line: int) -> int | None:
    given = _int_or_none(_text(row.get("base_year")), "base_year", where, line)
    if given is not None:
        return given
    # "index, 2024=100, ..." (the DAC deflator table states its base in the unit)
    head = unit.split(",")
    for part in head:
        part = part.strip()
        if part.endswith("=100") and part[:-4].isdigit():
            return int(part[:-4])
    return None


def _parse_csv(text: str, prov: SeriesProvenance, *, scale: int = 0) -> MacroSeries:
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or ())
    missing = [c for c in ("year", "indicator", "value") if c not in fields]
    if not ({"country", "iso3"} & fields):
        missing.insert(0, "country")
    if missing:
        raise MacroDataError(
            f"missing column(s) {', '.join(missing)}; a series needs country (or iso3), year, indicator, value "
            f"(and optionally unit, base_year, is_estimate, last_actual_year); found: {', '.join(sorted(fields))}",
            where=prov.file or prov.key,
        )
    return MacroSeries(_rows_to_values(((i + 2, r) for i, r in enumerate(reader)), prov, scale=scale), prov)


def read_series_csv(
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    vintage: str = "",
    attribution: str = "",
    licence: str = "",
) -> MacroSeries:
    """Your own series from a CSV file (UTF-8, optionally ``.gz``), with its SHA-256 recorded.

    Columns: ``country`` (or ``iso3``), ``year``, ``indicator``, ``value`` and optionally ``unit``,
    ``base_year``, ``is_estimate`` (``Y``/``N``) and ``last_actual_year``. Values are read exactly from
    their text. Use the bundled indicator codes for what the functions look up: ``DAC_DEFLATOR``,
    ``NGDP_D``, ``PCPI`` (indexes), ``XR`` (national currency per US$, annual average), ``NGDP``
    (national currency), ``NGDPD`` and ``GNI`` (US$), ``LP`` (persons).
    """
    with open(path, "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    file = os.fspath(path)
    key = name or os.path.basename(file)
    prov = SeriesProvenance(key, key, vintage or "user data", attribution, licence, None, file, digest)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MacroDataError(f"not UTF-8 text ({exc})", where=file) from None
    return _parse_csv(text, prov)


def series_from_frame(
    frame: pd.DataFrame,
    *,
    name: str = "user series",
    vintage: str = "",
    attribution: str = "",
    licence: str = "",
) -> MacroSeries:
    """Your own series from a DataFrame with the columns of :func:`read_series_csv`.

    Values should be ``Decimal``, ``int`` or strings; a float stands for its shortest repr
    (``0.1`` is ``Decimal('0.1')``), as in :class:`~aidtrack.money.Money`.
    """
    prov = SeriesProvenance(name, name, vintage or "user data", attribution, licence)
    cols = set(map(str, frame.columns))
    missing = [c for c in ("year", "indicator", "value") if c not in cols]
    if not ({"country", "iso3"} & cols):
        missing.insert(0, "country")
    if missing:
        raise MacroDataError(f"missing column(s) {', '.join(missing)}", where=name)
    records: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    return MacroSeries(_rows_to_values(((i + 1, r) for i, r in enumerate(records)), prov), prov)


SeriesLike: TypeAlias = "MacroSeries | str | os.PathLike[str] | pd.DataFrame"


def as_series(series: object, *, default: BundledName) -> MacroSeries:
    """``series`` as a :class:`MacroSeries`: ``None`` is the bundled ``default``; a bundled name, a CSV path or
    a DataFrame are read."""
    if series is None:
        return bundled_series(default)
    if isinstance(series, MacroSeries):
        return series
    if isinstance(series, str) and series in BUNDLED:
        return bundled_series(series)
    if isinstance(series, str | os.PathLike):
        return read_series_csv(series)
    if type(series).__name__ == "DataFrame":
        return series_from_frame(series)  # type: ignore[arg-type]
    raise InvalidArgumentError(
        "series",
        series,
        f"series must be a MacroSeries, a bundled name ({', '.join(BUNDLED)}), a CSV path or a DataFrame, "
        f"not {type(series).__name__}",
    )
