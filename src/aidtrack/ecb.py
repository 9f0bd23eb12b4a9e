"""Parsers for the ECB's euro reference-rate files (pure: bytes in, ``RateTable`` out).

The full history ``eurofxref-hist.zip`` holds one CSV, newest day first::

    Date,USD,JPY,BGN,...,ZAR,
    2026-10-30,1.1172,175.68,N/A,...,18.6455,

Each value is units of the currency per 1 EUR; ``N/A`` means no fixing that day;
every line ends with a trailing comma. Every line is checked when parsed, so a
truncated or corrupt file is rejected as a whole; the per-currency columns are
then built lazily, on first use, which keeps a cold start cheap.
"""

from __future__ import annotations

import gc
import hashlib
import io
import re
import zipfile
from array import array
from collections.abc import Callable
from datetime import date, datetime

from .currency import normalize_currency
from .errors import RateDataError, UnknownCurrencyError
from .ratetable import RateTable, Series, SourceInfo

__all__ = ["ECB_HIST_URL", "MAX_UNZIPPED_BYTES", "parse_eurofxref_csv", "parse_eurofxref_zip"]

ECB_HIST_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
"""Refuse a zip member larger than this when unpacked (the real one is about 2 MB)."""


def parse_eurofxref_zip(
    data: bytes,
    *,
    key: str = "ecb",
    name: str = "ECB euro reference rates",
    url: str | None = ECB_HIST_URL,
    retrieved: datetime | None = None,
) -> RateTable:
    """Parse the bytes of ``eurofxref-hist.zip`` (or ``eurofxref.zip``) into a table.

    Every line and value is checked. Raises :class:`~aidtrack.errors.RateDataError`
    for anything that is not a zip holding exactly one valid CSV, including a
    member that unpacks to more than :data:`MAX_UNZIPPED_BYTES` (a zip bomb).
    """
    return _parse_zip(
        data, key=key, name=name, url=url, retrieved=retrieved, sha256=hashlib.sha256(data).hexdigest(), eager=True
    )


def _parse_zip(
    data: bytes,
    *,
    key: str,
    name: str,
    url: str | None,
    retrieved: datetime | None,
    sha256: str,
    eager: bool,
) -> RateTable:
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1 or not members[0].filename.endswith(".csv"):
                names = [m.filename for m in members]
                raise RateDataError(f"expected one CSV file in the zip, found {names}", where=name)
            member = members[0]
            if member.file_size > MAX_UNZIPPED_BYTES:
                raise RateDataError(
                    f"zip member {member.filename} unpacks to {member.file_size} bytes, over the "
                    f"{MAX_UNZIPPED_BYTES}-byte cap",
                    where=name,
                )
            with archive.open(member) as fh:
                raw = fh.read(MAX_UNZIPPED_BYTES + 1)
            if len(raw) > MAX_UNZIPPED_BYTES:
                raise RateDataError(f"zip member unpacks to more than {MAX_UNZIPPED_BYTES} bytes", where=name)
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
    values_of: Callable[[int], list[str]]
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

        def values_of(j: int) -> list[str]:
            return flat[j::stride]
    else:
        # Keep one string and cut a column out with a regular expression when it
        # is first used: cheaper to start and to free than 300,000 small strings.
        aligned = set(map(str.count, body, [","] * len(body))) == {commas}
        aligned = aligned and {line[10:11] for line in body} == {","}  # the date is 10 characters
        body_text = "\n".join(body)
        day_texts = [line[:10] for line in body]

        def values_of(j: int) -> list[str]:
            return re.compile(rf"^(?:[^,\n]*,){{{j}}}([^,\n]*)", re.M).findall(body_text)

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
    for j, cur in enumerate(currencies, start=1):
        build = _column(cur, j, values_of, ordinals, name, newest_first)
        columns[cur] = build() if eager else build
    if eager:
        columns = {c: s for c, s in columns.items() if isinstance(s, Series) and len(s)}
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


def _column(
    currency: str,
    j: int,
    values_of: Callable[[int], list[str]],
    ordinals: list[int],
    where: str,
    newest_first: bool,
) -> Callable[[], Series]:
    """A builder for one currency's series (column ``j``) that checks every value."""

    def build() -> Series:
        values = values_of(j)
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

    return build
