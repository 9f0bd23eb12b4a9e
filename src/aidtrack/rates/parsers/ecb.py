"""Parsers for the ECB's euro reference-rate files (pure: bytes in, ``RateTable`` out).

The full history ``eurofxref-hist.zip`` holds one CSV, newest day first::

    Date,USD,JPY,BGN,...,ZAR,
    2026-10-30,1.1172,175.68,N/A,...,18.6455,

Each value is units of the currency per 1 EUR; ``N/A`` means no fixing that day;
every line ends with a trailing comma. Every line is checked when parsed, so a
truncated or corrupt file is rejected as a whole; the per-currency columns are
then built lazily, on first use, which keeps a cold start cheap.

The last 90 days (``eurofxref-hist-90d.xml``) and the latest day
(``eurofxref-daily.xml``) come as XML, parsed by :func:`parse_eurofxref_xml`::

    <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
                     xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
      <Cube><Cube time="2026-10-30"><Cube currency="USD" rate="1.1172"/>...</Cube>...</Cube>
    </gesmes:Envelope>

:func:`merge_tables` adds such an update to a cached history (checking that
it leaves no gap and contradicts no fixing), and :func:`write_eurofxref_zip`
writes a table back in the history's own layout, so the cache keeps one file.
"""

from __future__ import annotations

import gc
import hashlib
import re
from array import array
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from aidtrack.currency import normalize_currency
from aidtrack.errors import RateDataError, UnknownCurrencyError
from aidtrack.rates.table import RateTable, Series, SourceInfo

__all__ = [
    "ECB_90D_URL",
    "ECB_BASE_URL",
    "ECB_DAILY_URL",
    "ECB_HIST_URL",
    "MAX_UNZIPPED_BYTES",
    "merge_tables",
    "parse_eurofxref_csv",
    "parse_eurofxref_xml",
    "parse_eurofxref_zip",
    "write_eurofxref_csv",
    "write_eurofxref_zip",
]

ECB_BASE_URL = "https://www.ecb.europa.eu/stats/eurofxref/"
ECB_HIST_URL = ECB_BASE_URL + "eurofxref-hist.zip"
ECB_90D_URL = ECB_BASE_URL + "eurofxref-hist-90d.xml"
ECB_DAILY_URL = ECB_BASE_URL + "eurofxref-daily.xml"
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
"""Refuse a zip member larger than this when unpacked (the real one is about 2 MB)."""


def parse_eurofxref_zip(
    data: bytes,
    *,
    key: str = "ecb",
    name: str = "ECB euro reference rates",
    url: str | None = ECB_HIST_URL,
    retrieved: datetime | None = None,
    max_unzipped_bytes: int | None = None,
    sha256: str | None = None,
    eager: bool = True,
) -> RateTable:
    """Parse the bytes of ``eurofxref-hist.zip`` (or ``eurofxref.zip``) into a table.

    Every line and value is checked. Raises :class:`~aidtrack.errors.RateDataError`
    for anything that is not a zip holding exactly one valid CSV, including a
    member that unpacks to more than ``max_unzipped_bytes`` (default
    :data:`MAX_UNZIPPED_BYTES`), a zip bomb.

    ``sha256`` is the digest of ``data`` when the caller has already verified it
    (the bundled snapshot, a cache entry); with ``eager=False`` each currency's
    column is then parsed and checked on first use only.
    """
    if sha256 is None:
        sha256 = hashlib.sha256(data).hexdigest()
    import io
    import zipfile
    import zlib

    cap = MAX_UNZIPPED_BYTES if max_unzipped_bytes is None else max_unzipped_bytes

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1 or not members[0].filename.endswith(".csv"):
                names = [m.filename for m in members]
                raise RateDataError(f"expected one CSV file in the zip, found {names}", where=name)
            member = members[0]
            if member.file_size > cap:
                raise RateDataError(
                    f"zip member {member.filename} unpacks to {member.file_size} bytes, over the {cap}-byte cap",
                    where=name,
                )
            with archive.open(member) as fh:
                raw = fh.read(cap + 1)
            if len(raw) > cap:
                raise RateDataError(f"zip member unpacks to more than {cap} bytes", where=name)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise RateDataError(f"not a valid zip archive ({exc})", where=name) from exc
    return parse_eurofxref_csv(raw, key=key, name=name, url=url, retrieved=retrieved, sha256=sha256, eager=eager)


def parse_eurofxref_csv(
    data: bytes | str,
    *,
    key: str = "ecb",
    name: str = "ECB euro reference rates",
    url: str | None = ECB_HIST_URL,
    retrieved: datetime | None = None,
    sha256: str | None = None,
    eager: bool = True,
) -> RateTable:
    """Parse the text of ``eurofxref-hist.csv`` into a :class:`RateTable` with base EUR.

    The layout (header, field counts, dates, their order) is always checked
    here. With ``eager=True`` (the default, used for downloads) every value is
    checked too before the table is returned; with ``eager=False`` (used for
    the bundled snapshot, whose bytes are verified by SHA-256) each currency's
    values are checked when that currency is first used. Either way a bad value
    raises :class:`~aidtrack.errors.RateDataError` naming its line.

    >>> t = parse_eurofxref_csv("Date,USD,JPY,\\n2025-01-10,1.0304,163.1,\\n2025-01-09,1.0305,N/A,\\n",
    ...                         url=None)
    >>> t.series("JPY").raw, t.bounds("USD")
    (['163.1'], (datetime.date(2025, 1, 9), datetime.date(2025, 1, 10)))
    """
    if isinstance(data, bytes):
        if sha256 is None:
            sha256 = hashlib.sha256(data).hexdigest()
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError as exc:
            raise RateDataError(f"not an ECB rates CSV: non-ASCII byte at offset {exc.start}", where=name) from None
    else:
        text = data
    lines = text.splitlines()
    if not lines or not lines[0].startswith("Date,"):
        head = lines[0][:60] if lines else ""
        raise RateDataError(
            f"not an ECB rates CSV: first line should start with 'Date,', got {head!r}", where=name, line=1
        )
    fields = lines[0].split(",")
    trailing = fields[-1] == ""
    header = fields[1:-1] if trailing else fields[1:]
    currencies: list[str] = []
    for code in header:
        try:
            currencies.append(normalize_currency(code.strip()))
        except UnknownCurrencyError as exc:
            raise RateDataError(f"unknown currency column {code!r}", where=name, line=1) from exc
    if len(set(currencies)) != len(currencies):
        raise RateDataError("a currency column appears twice", where=name, line=1)
    while lines and not lines[-1]:
        lines.pop()
    body = lines[1:]
    if not body:
        raise RateDataError("the file has a header but no rows", where=name)
    commas = len(fields) - 1
    stride = commas + 1
    body_text: str | None = None
    flat: list[str] = []
    if eager:
        # One C-level split of the whole body; every row has commas + 1 fields (the
        # trailing empty one included), so column j is flat[j::stride].
        gc_was_enabled = gc.isenabled()
        gc.disable()  # 300,000 short strings: the cyclic collector only slows this down
        try:
            flat = ",".join(body).split(",")
        finally:
            if gc_was_enabled:
                gc.enable()
        day_texts = flat[0::stride]
        # A row with a wrong field count either changes the total or shifts a later
        # row's date out of place, so these two checks together catch every one.
        aligned = len(flat) == len(body) * stride
    else:
        # Keep one string and cut a column out with a regular expression when it
        # is first used: cheaper to start and to free than 300,000 small strings.
        aligned = set(map(str.count, body, [","] * len(body))) == {commas}
        aligned = aligned and {line[10:11] for line in body} == {","}  # the date is 10 characters
        body_text = "\n".join(body)
        day_texts = [line[:10] for line in body]

    if not aligned or _DATES.fullmatch("\n".join(day_texts)) is None:
        for n, line in enumerate(body, start=2):
            if line.count(",") != commas:
                raise RateDataError(
                    f"malformed row {line[:80]!r}: expected {commas + 1} comma-separated fields, "
                    f"got {line.count(',') + 1}",
                    where=name,
                    line=n,
                )
        for n, line in enumerate(body, start=2):
            first = line.split(",", 1)[0]
            if _DATE.fullmatch(first) is None:
                raise RateDataError(f"invalid date {first!r}, expected YYYY-MM-DD", where=name, line=n)
        raise RateDataError("malformed file: rows do not line up with the header", where=name)  # pragma: no cover
    try:
        ordinals = [date.fromisoformat(d).toordinal() for d in day_texts]
    except ValueError as exc:
        raise RateDataError(f"invalid date ({exc})", where=name) from exc
    newest_first = ordinals[0] > ordinals[-1]
    if newest_first:  # the ECB writes newest first
        ordinals.reverse()
    for i in range(1, len(ordinals)):
        if ordinals[i] <= ordinals[i - 1]:
            raise RateDataError(
                f"dates are not in order or repeat near {date.fromordinal(ordinals[i]).isoformat()}", where=name
            )
    columns: dict[str, Series | Callable[[], Series]] = {}
    if body_text is None:
        for j, cur in enumerate(currencies, start=1):
            series = _build_column(cur, flat[j::stride], ordinals, name, newest_first)
            if len(series):
                columns[cur] = series
    else:
        rows = _CsvRows(body_text, ordinals, name, newest_first, stride=stride, columns=len(currencies))
        for j, cur in enumerate(currencies, start=1):
            columns[cur] = _LazyColumn(rows, cur, j)
    info = SourceInfo(
        key=key,
        name=name,
        base="EUR",
        first_date=date.fromordinal(ordinals[0]),
        last_date=date.fromordinal(ordinals[-1]),
        url=url,
        retrieved=retrieved,
        sha256=sha256,
    )
    return RateTable(base="EUR", calendar=array("l", ordinals), columns=columns, info=info)


_NUMBER = r"\d+(?:\.\d+)?"
_VALUES = re.compile(rf"(?:(?:N/A|{_NUMBER})\n)*(?:N/A|{_NUMBER})")
_VALUE = re.compile(rf"N/A|{_NUMBER}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATES = re.compile(r"(?:\d{4}-\d{2}-\d{2}\n)*\d{4}-\d{2}-\d{2}")


class _CsvRows:
    """The body of a verified history CSV, kept as one string until its columns are used.

    The first few columns are cut out one at a time with a regular expression;
    when more are asked for (pickling a table builds them all), the body is
    split once, as the eager parser does, and the split is dropped when every
    column has been served.
    """

    __slots__ = ("_flat", "_served", "columns", "newest_first", "ordinals", "stride", "text", "where")

    def __init__(
        self, text: str, ordinals: list[int], where: str, newest_first: bool, *, stride: int, columns: int
    ) -> None:
        self.text = text
        self.ordinals = ordinals
        self.where = where
        self.newest_first = newest_first
        self.stride = stride
        self.columns = columns
        self._flat: list[str] | None = None
        self._served = 0

    def values(self, j: int) -> list[str]:
        """The text of column ``j`` (1 = the first currency), one string per row, in file order."""
        self._served += 1
        flat = self._flat
        if flat is None and self._served > 3:
            flat = self._flat = self.text.replace("\n", ",").split(",")
        if flat is None:
            return re.compile(rf"^(?:[^,\n]*,){{{j}}}([^,\n]*)", re.M).findall(self.text)
        if self._served >= self.columns:
            self._flat = None
        return flat[j :: self.stride]


class _LazyColumn:
    """One currency of a lazily parsed history: builds (and checks) its :class:`Series` when called.

    A plain object rather than a closure, so a table holding one can be pickled
    (a :class:`RateTable` pickles as its packed rows anyway, see :mod:`aidtrack.rates.table`).
    """

    __slots__ = ("currency", "j", "rows")

    def __init__(self, rows: _CsvRows, currency: str, j: int) -> None:
        self.rows = rows
        self.currency = currency
        self.j = j

    def __call__(self) -> Series:
        rows = self.rows
        return _build_column(self.currency, rows.values(self.j), rows.ordinals, rows.where, rows.newest_first)


def _build_column(currency: str, values: list[str], ordinals: list[int], where: str, newest_first: bool) -> Series:
    """One currency's series from its column's values (in file order), checking every value."""
    if newest_first:
        values.reverse()

    def line_of(i: int) -> int:  # i counts oldest first
        return (len(values) - 1 - i if newest_first else i) + 2

    if _VALUES.fullmatch("\n".join(values)) is None:
        bad = next(i for i, v in enumerate(values) if _VALUE.fullmatch(v) is None)
        raise RateDataError(
            f"invalid {currency} rate {values[bad]!r}: expected a positive number or N/A",
            where=where,
            line=line_of(bad),
        )
    ords = array("l")
    raw: list[str] = []
    for i, (o, value) in enumerate(zip(ordinals, values, strict=True)):
        if value != "N/A":
            if not value.strip("0."):
                raise RateDataError(
                    f"invalid {currency} rate {value!r}: a rate must be positive",
                    where=where,
                    line=line_of(i),
                )
            ords.append(o)
            raw.append(value)
    return Series(currency, ords, raw)


# -- the XML files (90 days, latest day) ------------------------------------------
_GESMES = "{http://www.gesmes.org/xml/2002-08-01}"
_EUROFXREF = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
_RATE = re.compile(r"\d+(?:\.\d+)?")


def parse_eurofxref_xml(
    data: bytes,
    *,
    key: str = "ecb",
    name: str = "ECB euro reference rates",
    url: str | None = ECB_90D_URL,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse ``eurofxref-hist-90d.xml`` or ``eurofxref-daily.xml`` into a table with base EUR.

    Attributes may be quoted with single or double quotes. Every day and rate
    is checked; a document type declaration (entity tricks), another root
    element, a repeated day or currency, or a non-positive rate raises
    :class:`~aidtrack.errors.RateDataError`.

    >>> xml = b\"\"\"<?xml version='1.0' encoding='UTF-8'?>
    ... <gesmes:Envelope xmlns:gesmes='http://www.gesmes.org/xml/2002-08-01'
    ...     xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'>
    ...  <gesmes:subject>Reference rates</gesmes:subject>
    ...  <Cube><Cube time='2026-11-02'><Cube currency='USD' rate='1.1160'/><Cube currency="JPY" rate="175.1"/></Cube>
    ...  </Cube></gesmes:Envelope>\"\"\"
    >>> t = parse_eurofxref_xml(xml, url=None)
    >>> t.currencies, t.series("USD").raw, t.info.last_date
    (('EUR', 'JPY', 'USD'), ['1.1160'], datetime.date(2026, 11, 2))
    """
    import xml.etree.ElementTree as ET

    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        what = "an HTML page" if b"<html" in head else "a document type declaration"
        raise RateDataError(f"not an ECB rates XML file: it contains {what}", where=name)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise RateDataError(f"not well-formed XML ({exc})", where=name) from None
    if root.tag != f"{_GESMES}Envelope":
        raise RateDataError(f"not an ECB rates XML file: root element is {root.tag!r}, not gesmes:Envelope", where=name)
    rows: list[tuple[date, str, str]] = []
    seen: set[date] = set()
    for day_cube in root.iter(f"{_EUROFXREF}Cube"):
        when = day_cube.get("time")
        if when is None:
            continue
        try:
            day = date.fromisoformat(when) if _DATE.fullmatch(when) else None
        except ValueError:
            day = None
        if day is None:
            raise RateDataError(f"invalid day time={when!r}: expected YYYY-MM-DD", where=name)
        if day in seen:
            raise RateDataError(f"the day {when} appears twice", where=name)
        seen.add(day)
        currencies: set[str] = set()
        for cube in day_cube.findall(f"{_EUROFXREF}Cube"):
            code, rate = cube.get("currency"), cube.get("rate")
            if code is None or rate is None:
                raise RateDataError(f"a rate on {when} lacks its currency or rate attribute", where=name)
            try:
                cur = normalize_currency(code)
            except UnknownCurrencyError as exc:
                raise RateDataError(f"unknown currency {code!r} on {when}", where=name) from exc
            if _RATE.fullmatch(rate) is None or not rate.strip("0."):
                raise RateDataError(f"invalid {cur} rate {rate!r} on {when}: expected a positive number", where=name)
            if cur in currencies:
                raise RateDataError(f"{cur} appears twice on {when}", where=name)
            currencies.add(cur)
            rows.append((day, cur, rate))
        if not currencies:
            raise RateDataError(f"the day {when} has no rates", where=name)
    if not rows:
        raise RateDataError("the file holds no rates (no <Cube time=...> element)", where=name)
    return RateTable.from_rows(
        rows, base="EUR", key=key, name=name, url=url, retrieved=retrieved, sha256=hashlib.sha256(data).hexdigest()
    )


# -- merging an update into a history -----------------------------------------------
def merge_tables(old: RateTable, new: RateTable, *, info: SourceInfo | None = None) -> RateTable:
    """``old ∪ new``: a history extended by an update (pure; neither table is changed).

    The update must leave no gap: its first day must be on or before the first
    weekday after ``old``'s last day (fixings happen on weekdays only). Days
    present in both must agree, currency by currency, to the digit's value
    (``1.10`` equals ``1.1``). A currency only in ``old`` (discontinued) keeps
    its fixings; one only in ``new`` is added. The result carries ``info``, or
    ``old``'s with the new date range. Raises
    :class:`~aidtrack.errors.RateDataError` for a gap, a conflict or a base mismatch.

    >>> a = RateTable.from_rows([("2026-10-29", "USD", "1.1150"), ("2026-10-30", "USD", "1.1172")],
    ...                         base="EUR", key="ecb", name="history")
    >>> b = RateTable.from_rows([("2026-10-30", "USD", "1.1172"), ("2026-11-02", "USD", "1.116")],
    ...                         base="EUR", key="ecb-90d", name="update")
    >>> m = merge_tables(a, b)
    >>> m.bounds("USD"), m.series("USD").raw
    ((datetime.date(2026, 10, 29), datetime.date(2026, 11, 2)), ['1.1150', '1.1172', '1.116'])
    """
    where = f"merging {new.info.name} into {old.info.name}"
    if old.base != new.base:
        raise RateDataError(f"the tables have different bases, {old.base} and {new.base}", where=where)
    if old.quoted_in_base != new.quoted_in_base:
        raise RateDataError("the tables quote their rates in opposite directions", where=where)
    first_new, last_old = new.info.first_date, old.info.last_date
    day = last_old + timedelta(days=1)
    while day < first_new:
        if day.weekday() < 5:
            raise RateDataError(
                f"the update starts {first_new.isoformat()} but the history ends {last_old.isoformat()}: "
                f"fixings from {day.isoformat()} on would be missing",
                where=where,
            )
        day += timedelta(days=1)
    conflicts: list[str] = []
    columns: dict[str, Series | Callable[[], Series]] = {}
    names = [c for c in dict.fromkeys([*old.currencies, *new.currencies]) if c != old.base]
    for cur in names:
        merged: dict[int, str] = {}
        if cur in old:
            s = old.series(cur)
            merged.update(zip(s.ordinals, s.raw, strict=True))
        if cur in new:
            s = new.series(cur)
            for o, v in zip(s.ordinals, s.raw, strict=True):
                have = merged.get(o)
                if have is None:
                    merged[o] = v
                elif Decimal(have) != Decimal(v):
                    conflicts.append(f"{cur} {date.fromordinal(o).isoformat()}: {have} vs {v}")
        if merged:  # a column with no fixing at all (all N/A) is not a currency of the table
            ords = sorted(merged)
            columns[cur] = Series(cur, array("l", ords), [merged[o] for o in ords])
    if conflicts:
        shown = "; ".join(conflicts[:10]) + (f"; ... {len(conflicts) - 10} more" if len(conflicts) > 10 else "")
        raise RateDataError(f"{len(conflicts)} fixing(s) differ between the two: {shown}", where=where)
    calendar = sorted(set(old.calendar) | set(new.calendar))
    if info is None:
        info = old.info.replace(
            first_date=date.fromordinal(calendar[0]), last_date=date.fromordinal(calendar[-1]), stale=False
        )
    return RateTable(
        base=old.base, calendar=array("l", calendar), columns=columns, info=info, quoted_in_base=old.quoted_in_base
    )


# -- writing the history layout ---------------------------------------------------------
def write_eurofxref_csv(table: RateTable) -> bytes:
    """The table in the layout of ``eurofxref-hist.csv`` (newest first, ``N/A``, trailing commas).

    The exact rate strings are written back, so parsing the result gives the
    same fixings.

    >>> t = parse_eurofxref_csv("Date,USD,JPY,\\n2025-01-10,1.0304,163.1,\\n2025-01-09,1.0305,N/A,\\n", url=None)
    >>> print(write_eurofxref_csv(t).decode(), end="")
    Date,JPY,USD,
    2025-01-10,163.1,1.0304,
    2025-01-09,N/A,1.0305,
    """
    currencies = [c for c in table.currencies if c != table.base]
    values: list[dict[int, str]] = []
    for cur in currencies:
        s = table.series(cur)
        values.append(dict(zip(s.ordinals, s.raw, strict=True)))
    lines = ["Date," + "".join(f"{c}," for c in currencies)]
    for o in reversed(table.calendar):
        lines.append(date.fromordinal(o).isoformat() + "," + "".join(f"{col.get(o, 'N/A')}," for col in values))
    return ("\n".join(lines) + "\n").encode("ascii")


def write_eurofxref_zip(table: RateTable) -> bytes:
    """:func:`write_eurofxref_csv` inside a zip like ``eurofxref-hist.zip`` (same bytes for the same table)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member = zipfile.ZipInfo("eurofxref-hist.csv", date_time=(1999, 1, 4, 0, 0, 0))
        member.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(member, write_eurofxref_csv(table))
    return buffer.getvalue()
