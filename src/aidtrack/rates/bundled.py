"""The rate tables bundled with aidtrack (offline, verified by SHA-256).

* :class:`BundledECB` (``ecb-bundled``): the ECB's daily reference rates, 1999-01-04 to 2026-10-30;
* :class:`BundledIMF` (``imf-bundled``): the IMF's annual average rates against the US dollar,
  174 currencies, 1940-2024 (a period table; Source: International Monetary Fund).

Each snapshot is read lazily on first use and its bytes are checked against the
SHA-256 recorded here, so a damaged installation is reported instead of
producing wrong numbers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from aidtrack.errors import RateDataError
from aidtrack.rates.table import (
    PackedColumn,
    RateTable,
    Series,
    SourceInfo,
    _deltas,
    _join_rates,
    _series_from_packed,
    _undeltas,
)

__all__ = [
    "BUNDLED_FILE",
    "BUNDLED_IMF_FILE",
    "BUNDLED_IMF_SHA256",
    "BUNDLED_SHA256",
    "PREPARSED_FOLDER",
    "BundledECB",
    "BundledIMF",
    "CachedColumn",
    "bundled_imf_source",
    "bundled_imf_table",
    "bundled_source",
    "bundled_table",
    "preparsed_path",
    "read_preparsed",
    "write_preparsed",
]

BUNDLED_FILE = "eurofxref-hist.zip"
BUNDLED_SHA256 = "73db21584dd46cebf5cd6df75ebb6de7afcdeebff52f54d5046ca8e459c0fbb3"
"""SHA-256 of the bundled ``eurofxref-hist.zip`` (``scripts/refresh_ecb.py`` updates it)."""
BUNDLED_IMF_FILE = "imf_exchangerates_A_ENDA_USD.csv"
BUNDLED_IMF_SHA256 = "30cab73d7d89e1b3ec8d7d65f22ca6e511954ab9d63a4f658822ef27553d9506"
"""SHA-256 of the bundled IMF table (see ``data/PROVENANCE-imf.md``)."""
BUNDLED_IMF_VINTAGE = "codeforIATI/imf-exchangerates@89e77b6b (deployed 2025-11-01)"
BUNDLED_IMF_URL = "https://data.imf.org/en/datasets/IMF.STA:ER"


class BundledECB:
    """The ECB reference-rate history shipped inside aidtrack (1999-01-04 to 2026-10-30).

    Works offline. The table is parsed on the first ``load()`` and kept.
    Pickled, it travels as its name (a few bytes): the receiving process uses
    its own bundled snapshot, checked against the same SHA-256.
    """

    key = "ecb-bundled"
    name = "ECB euro reference rates (bundled snapshot)"

    def __init__(self) -> None:
        self._table: RateTable | None = None

    def load(self) -> RateTable:
        if self._table is None:
            self._table = _read_bundled()
        return self._table

    def __reduce__(self) -> tuple[Any, ...]:
        # travels as a name: the receiving process reads (and verifies) its own copy, once
        return (bundled_source, ())

    def __repr__(self) -> str:
        return "BundledECB()"


class BundledIMF:
    """The IMF's annual average exchange rates, national currency per US dollar (1940-2024), shipped with aidtrack.

    A period table (:attr:`~aidtrack.rates.table.RateTable.is_period_table`): it answers
    ``annual_mean`` with the IMF's published average for the year, and refuses every other
    policy. Works offline; parsed on the first ``load()``. Source: International Monetary Fund.

    >>> t = BundledIMF().load()
    >>> t.base, t.frequency, t.series("UAH").rate(t.series("UAH").index_of(date(2024, 1, 1)))
    ('USD', 'A', Decimal('40.152082715'))
    """

    key = "imf-bundled"
    name = "IMF exchange rates, annual averages (bundled snapshot)"

    def __init__(self) -> None:
        self._table: RateTable | None = None

    def load(self) -> RateTable:
        if self._table is None:
            self._table = _read_imf()
        return self._table

    def __repr__(self) -> str:
        return "BundledIMF()"


def _data_file(name: str, expected: str, fix: str) -> bytes:
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", name), "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise RateDataError(
            f"bundled {name} is damaged or was replaced: SHA-256 {digest}, expected {expected}; {fix}",
            where="aidtrack package data",
        )
    return data


def _read_imf() -> RateTable:
    data = _data_file(BUNDLED_IMF_FILE, BUNDLED_IMF_SHA256, "reinstall aidtrack")
    path = preparsed_path(BUNDLED_IMF_SHA256, key=BundledIMF.key)
    table = read_preparsed(path, BUNDLED_IMF_SHA256, key=BundledIMF.key) if path is not None else None
    if table is not None:
        return table
    from aidtrack.rates.parsers.imf import parse_imf_table_csv

    table = parse_imf_table_csv(
        data, key=BundledIMF.key, name=BundledIMF.name, url=BUNDLED_IMF_URL, vintage=BUNDLED_IMF_VINTAGE
    )
    if path is not None and _writable(path.parent):
        write_preparsed(path, table, BUNDLED_IMF_SHA256)
    return table


@cache
def bundled_imf_source() -> BundledIMF:
    """The process-wide :class:`BundledIMF` source (its table is parsed once)."""
    return BundledIMF()


def bundled_imf_table() -> RateTable:
    """The bundled IMF table (parsed once per process)."""
    return bundled_imf_source().load()


def _read_bundled() -> RateTable:
    # A plain path beside this module: cheaper to import than importlib.resources,
    # and the package is always installed as files (the wheel is not zip-safe).
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", BUNDLED_FILE), "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != BUNDLED_SHA256:
        raise RateDataError(
            f"bundled {BUNDLED_FILE} is damaged or was replaced: SHA-256 {digest}, expected {BUNDLED_SHA256}; "
            "reinstall aidtrack or run scripts/refresh_ecb.py",
            where="aidtrack package data",
        )
    path = preparsed_path(digest, key=BundledECB.key)
    table = read_preparsed(path, digest, key=BundledECB.key) if path is not None else None
    if table is not None:
        return table
    from aidtrack.rates.parsers.ecb import ECB_HIST_URL, parse_eurofxref_zip

    # The bytes are verified: with nowhere to keep a pre-parsed copy, each currency's values are
    # parsed and checked on first use only; otherwise all at once (one pass), and the copy is written.
    writable = path is not None and _writable(path.parent)
    table = parse_eurofxref_zip(
        data,
        key=BundledECB.key,
        name=BundledECB.name,
        url=ECB_HIST_URL,
        retrieved=None,
        sha256=digest,
        eager=writable,
    )
    if writable and path is not None:
        write_preparsed(path, table, digest)
    return table


# -- pre-parsed copies of the bundled tables ------------------------------------------------------
# Parsing a bundled file costs tens of milliseconds per process (the ECB history: the largest part of
# a cold start; the IMF table: more than a first DataFrame call's conversion). A table, once parsed,
# is kept in the user cache folder in a compact form, keyed by the SHA-256 of the file it came from
# and verified by a SHA-256 of its own before use. A copy that fails any check (damaged, truncated,
# from another snapshot or format) is ignored and written anew.

PREPARSED_FOLDER = "tables"
"""The sub-folder of the cache folder (:func:`aidtrack.rates.remote.cache.cache_dir`) holding pre-parsed tables."""
_PREPARSED_MAGIC = b"aidtrack-preparsed-table/1"
_PREPARSED_LIMIT = 64 * 1024 * 1024
"""The most of a pre-parsed copy that is read (the bundled ECB table's is about 1 MB)."""
_INFO_FIELDS = ("key", "name", "base", "url", "sha256", "frequency", "measure", "vintage", "attribution")


def preparsed_path(file_sha256: str, *, key: str = BundledECB.key) -> Path | None:
    """Where the pre-parsed copy of a bundled table (from the file with this SHA-256) is kept.

    ``<cache folder>/tables/<key>-<first 16 hex digits>.table``; ``None`` where no cache
    folder can be named (no home directory).
    """
    from aidtrack._cachedir import cache_dir

    try:
        folder = cache_dir()
    except (OSError, RuntimeError, KeyError):  # pragma: no cover - no home directory to put a cache in
        return None
    return folder / PREPARSED_FOLDER / f"{key}-{file_sha256[:16]}.table"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def write_preparsed(path: Path, table: RateTable, file_sha256: str) -> bool:
    """Write ``table`` (every column) to ``path`` atomically; ``False`` when it is not written.

    Layout: a first line ``aidtrack-preparsed-table/1 <SHA-256 of the rest>``, then ASCII header lines
    (the source file's SHA-256, the table's :class:`SourceInfo` fields, its currencies, the byte size of
    each section), a blank line, and the sections: the calendar's day differences, then per currency
    its fixing days' differences and its exact rate strings, each compressed with zlib. Only a table
    as a bundled file gives it is written (no download time, no staleness, no cache path).
    """
    import zlib

    from aidtrack._atomic import atomic_write_bytes

    info = table.info
    if info.retrieved is not None or info.stale or info.fallback or info.cache_path:
        return False
    fields = [f"{name} {getattr(info, name) or ''}" for name in _INFO_FIELDS]
    names = [c for c in table.currencies if c != table.base]
    parts = [_deltas(table.calendar)]
    for cur in names:
        series = table.series(cur)
        parts += [_deltas(series.ordinals), _join_rates(series.raw)]
    sections = [zlib.compress(p, 6) for p in parts]
    lines = [
        f"file-sha256 {file_sha256}",
        *fields,
        f"first-date {info.first_date.isoformat()}",
        f"last-date {info.last_date.isoformat()}",
        f"quoted-in-base {int(table.quoted_in_base)}",
        f"currencies {','.join(names)}",
        f"sections {','.join(str(len(x)) for x in sections)}",
    ]
    try:
        head = ("\n".join(lines) + "\n\n").encode("ascii")
    except UnicodeEncodeError:
        return False
    if any("\n" in line for line in fields):
        return False
    rest = head + b"".join(sections)
    data = _PREPARSED_MAGIC + b" " + hashlib.sha256(rest).hexdigest().encode("ascii") + b"\n" + rest
    try:
        atomic_write_bytes(path, data, follow_links=False)  # a link planted at ``path`` is replaced, not followed
    except OSError:
        return False
    return True


def read_preparsed(path: Path, file_sha256: str, *, key: str = BundledECB.key) -> RateTable | None:
    """The table kept at ``path`` if it passes every check (else ``None``: parse the bundled file again).

    Checks: the first line and format, the SHA-256 of everything after it, the source file's SHA-256
    and the table's key it was built for, the header's fields and section sizes. Each currency's
    section is decompressed on first use (:class:`CachedColumn`). A symbolic link, FIFO, device or
    folder at ``path`` is not followed or read (``None``).
    """
    from aidtrack._cachedir import read_cache_file

    try:
        data = read_cache_file(path, limit=_PREPARSED_LIMIT)
    except OSError:
        return None
    first, newline, rest = data.partition(b"\n")
    magic, _, digest = first.partition(b" ")
    if not newline or magic != _PREPARSED_MAGIC or hashlib.sha256(rest).hexdigest().encode("ascii") != digest:
        return None
    head, blank, body = rest.partition(b"\n\n")
    try:
        fields = dict(line.split(" ", 1) for line in head.decode("ascii").split("\n"))
        names = fields["currencies"].split(",")
        sizes = [int(x) for x in fields["sections"].split(",")]
        first_date = date.fromisoformat(fields["first-date"])
        last_date = date.fromisoformat(fields["last-date"])
        quoted_in_base = {"0": False, "1": True}[fields["quoted-in-base"]]
        info_fields = {name: fields[name] or None for name in _INFO_FIELDS}
    except (UnicodeDecodeError, ValueError, KeyError):
        return None
    if (
        not blank
        or fields.get("file-sha256") != file_sha256
        or info_fields["key"] != key
        or len(sizes) != 1 + 2 * len(names)
        or sum(sizes) != len(body)
    ):
        return None
    import zlib

    sections: list[bytes] = []
    at = 0
    for size in sizes:
        sections.append(body[at : at + size])
        at += size
    try:
        calendar = _undeltas(zlib.decompress(sections[0]))
        info = SourceInfo(first_date=first_date, last_date=last_date, **info_fields)  # type: ignore[arg-type]
    except (zlib.error, TypeError):  # pragma: no cover - the SHA-256 matched: only a writer's bug could get here
        return None
    if not calendar:
        return None
    columns: dict[str, Callable[[], Series] | Series] = {
        cur: CachedColumn(cur, sections[1 + 2 * k], sections[2 + 2 * k]) for k, cur in enumerate(names)
    }
    return RateTable(base=info.base, calendar=calendar, columns=columns, info=info, quoted_in_base=quoted_in_base)


class CachedColumn(PackedColumn):
    """One currency of a pre-parsed table: a :class:`PackedColumn` whose two sections are also
    zlib-compressed, decompressed when the column is first used.

    The bytes were checked against the file's SHA-256 when the table was read.
    """

    __slots__ = ()

    def __call__(self) -> Series:
        # the rates as a list of str: the first reads by position (a cold start, a first frame) cost nothing extra
        return _series_from_packed(self.currency, *self.packed(), compact=False)

    def packed(self) -> tuple[bytes, bytes]:
        """The two sections, decompressed."""
        import zlib

        return zlib.decompress(self.days), zlib.decompress(self.rates)


@cache
def bundled_source() -> BundledECB:
    """The process-wide :class:`BundledECB` source (its table is parsed once)."""
    return BundledECB()


def bundled_table() -> RateTable:
    """The bundled ECB table (parsed once per process)."""
    return bundled_source().load()
