"""The on-disk rate cache: where downloads are kept, and how they are replaced safely.

Layout of the cache folder (see :func:`cache_dir` for where it is)::

    manifest.json             one entry per source key: file, SHA-256, dates, validators
    manifest.json.lock        held while the manifest is rewritten
    ecb.lock                  held by a process updating the source 'ecb'
    ecb-3f2a9c1d0e4b5a69.zip  the data of 'ecb', named after its SHA-256

How a write stays safe:

* the caller parses and validates a download *before* calling
  :meth:`RateCache.commit`, so bad bytes never reach the cache;
* the data file is written under a temporary name, flushed to disk and
  renamed (``os.replace``, atomic); its name carries its SHA-256, so a new
  file never overwrites the one the manifest points to;
* the manifest is rewritten the same way, under a file lock, and that
  rename is the one moment the new data becomes current. A process killed
  at any point leaves either the old manifest (and the old data) or the new;
* readers take no lock: they read the manifest, then the file it names, and
  check the file's SHA-256 against the manifest before using it;
* a symbolic link, FIFO, device or folder planted under a cache file's name is
  never followed, read or written through: reading refuses it (the cache is
  damaged, the next update replaces it) and writing replaces the link itself.

:class:`CacheEntry` records, per source, the file, its SHA-256 and size, when
the data was retrieved, its first and last fixing dates, its currencies and
the HTTP validators (``ETag``, ``Last-Modified``) of each URL it came from,
for conditional GETs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from aidtrack._atomic import atomic_write_bytes
from aidtrack._cachedir import CACHE_DIR_ENV, cache_dir, read_cache_file
from aidtrack.errors import CacheError, CacheReadOnlyError, InvalidArgumentError

__all__ = [
    "CACHE_DIR_ENV",
    "MANIFEST",
    "CacheEntry",
    "CachedBytes",
    "DownloadRecord",
    "RateCache",
    "cache_dir",
]

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}")
_DATA_FILE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}-[0-9a-f]{16}\.[a-z0-9]{1,8}")
"""A data file's name: ``<key>-<16 hex digits of its SHA-256>.<suffix>``, a plain name in the cache folder."""
_MANIFEST_LIMIT = 16 * 1024 * 1024
"""The most of ``manifest.json`` that is read (a real one is a few kB per source)."""


def _aware(value: object) -> datetime:
    """A time-zone-aware timestamp from the manifest (a naive one is damage, not a guess at UTC)."""
    when = datetime.fromisoformat(str(value))
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"timestamp {value!r} has no time zone")
    return when


@dataclass(frozen=True, slots=True)
class DownloadRecord:
    """One URL the cached data came from, with its validators for a conditional GET."""

    url: str
    retrieved: datetime
    sha256: str
    size: int
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    """The URL the bytes came from after redirects, when it differs from ``url``."""


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What the manifest says about one source's cached data."""

    key: str
    file: str
    sha256: str
    size: int
    retrieved: datetime
    """When the data was last confirmed current (a download or a ``304 Not Modified``)."""
    first_date: date
    last_date: date
    currencies: tuple[str, ...]
    downloads: tuple[DownloadRecord, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)
    """Source-specific facts needed to read the file again (e.g. the base currency)."""

    def download(self, url: str) -> DownloadRecord | None:
        """The record of ``url``, if the data came from it."""
        return next((d for d in self.downloads if d.url == url), None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["retrieved"] = self.retrieved.isoformat()
        data["first_date"] = self.first_date.isoformat()
        data["last_date"] = self.last_date.isoformat()
        data["currencies"] = list(self.currencies)
        data["downloads"] = [{**asdict(d), "retrieved": d.retrieved.isoformat()} for d in self.downloads]
        data["meta"] = dict(self.meta)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CacheEntry:
        file = str(data["file"])
        if _DATA_FILE.fullmatch(file) is None:
            raise ValueError(f"file {file!r} is not the name of a data file in the cache folder")
        return cls(
            key=_check_key(str(data["key"])),
            file=file,
            sha256=str(data["sha256"]),
            size=int(data["size"]),
            retrieved=_aware(data["retrieved"]),
            first_date=date.fromisoformat(data["first_date"]),
            last_date=date.fromisoformat(data["last_date"]),
            currencies=tuple(str(c) for c in data["currencies"]),
            downloads=tuple(
                DownloadRecord(
                    url=str(d["url"]),
                    retrieved=_aware(d["retrieved"]),
                    sha256=str(d["sha256"]),
                    size=int(d["size"]),
                    etag=d.get("etag"),
                    last_modified=d.get("last_modified"),
                    final_url=d.get("final_url"),
                )
                for d in data.get("downloads", ())
            ),
            meta={str(k): str(v) for k, v in dict(data.get("meta", {})).items()},
        )


@dataclass(frozen=True, slots=True)
class CachedBytes:
    """The bytes of a cache entry, checked against the manifest's SHA-256."""

    entry: CacheEntry
    path: Path
    data: bytes = field(repr=False)


class RateCache:
    """A cache folder holding one data file per source key, described by ``manifest.json``.

    ``directory`` defaults to :func:`cache_dir`. The folder is created on the
    first write; reading an absent cache finds nothing. ``lock_timeout`` is
    how long (seconds) a writer waits for another process before giving up
    with :class:`~aidtrack.errors.CacheError`.

    >>> import tempfile
    >>> from datetime import date, datetime, UTC
    >>> cache = RateCache(tempfile.mkdtemp())
    >>> e = cache.commit("demo", b"Date,USD,\\n2025-01-09,1.0305,\\n", suffix="csv",
    ...                  retrieved=datetime(2026, 11, 25, tzinfo=UTC), first_date=date(2025, 1, 9),
    ...                  last_date=date(2025, 1, 9), currencies=("USD",))
    >>> cache.read("demo").data[:8], cache.entry("demo").last_date
    (b'Date,USD', datetime.date(2025, 1, 9))
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, lock_timeout: float = 120.0) -> None:
        self.path = cache_dir(directory)
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"RateCache({str(self.path)!r})"

    # -- reading ----------------------------------------------------------------
    def manifest(self) -> dict[str, CacheEntry]:
        """Every entry of the manifest (empty if there is no cache yet).

        An unreadable manifest raises :class:`~aidtrack.errors.CacheError`.
        """
        path = self.path / MANIFEST
        try:
            raw = read_cache_file(path, limit=_MANIFEST_LIMIT)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CacheError(str(self.path), f"cannot read {MANIFEST} ({exc}); run 'aidtrack rates update'") from exc
        try:
            if len(raw) > _MANIFEST_LIMIT:
                raise ValueError(f"larger than {_MANIFEST_LIMIT} bytes")
            doc = json.loads(raw)
            if doc.get("format") != MANIFEST_FORMAT:
                raise ValueError(f"unknown manifest format {doc.get('format')!r}")
            return {k: CacheEntry.from_json(v) for k, v in doc["entries"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CacheError(str(self.path), f"{MANIFEST} is damaged ({exc}); run 'aidtrack rates update'") from exc

    def entry(self, key: str) -> CacheEntry | None:
        """The manifest entry of ``key``, or ``None``."""
        return self.manifest().get(_check_key(key))

    def read(self, key: str) -> CachedBytes | None:
        """The data of ``key``, verified against its SHA-256; ``None`` if nothing is cached.

        Raises :class:`~aidtrack.errors.CacheError` if the file is missing or
        does not match the manifest (the cache was damaged from outside).
        """
        for _ in range(3):  # a concurrent commit may remove the file between the two reads
            entry = self.entry(key)
            if entry is None:
                return None
            path = self._inside(entry.file)
            try:
                data = read_cache_file(path, limit=entry.size)  # longer than recorded: the SHA-256 check fails
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise CacheError(
                    str(self.path),
                    f"cannot read {entry.file} ({exc}); it will be replaced by the next successful update",
                ) from exc
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry.sha256:
                raise CacheError(
                    str(self.path),
                    f"{entry.file} does not match the manifest (SHA-256 {digest}, expected {entry.sha256}); "
                    "it will be replaced by the next successful update",
                )
            return CachedBytes(entry, path, data)
        raise CacheError(str(self.path), f"the data file of {key!r} named in {MANIFEST} is missing")

    # -- writing ----------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the update lock of ``key`` (one updating process per source at a time)."""
        import filelock

        self._ensure_dir()
        lock = filelock.FileLock(str(self.path / f"{_check_key(key)}.lock"), timeout=self.lock_timeout)
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise CacheError(
                str(self.path), f"another process has held the lock of {key!r} for over {self.lock_timeout:g} s"
            ) from exc
        except OSError as exc:  # a read-only folder, a lock file owned by someone else
            raise CacheReadOnlyError(str(self.path), f"cannot take the lock of {key!r} ({exc})") from exc
        try:
            yield
        finally:
            lock.release()

    def commit(
        self,
        key: str,
        data: bytes,
        *,
        suffix: str,
        retrieved: datetime,
        first_date: date,
        last_date: date,
        currencies: tuple[str, ...],
        downloads: tuple[DownloadRecord, ...] = (),
        meta: Mapping[str, str] | None = None,
    ) -> CacheEntry:
        """Make ``data`` (already parsed and validated by the caller) the cached data of ``key``.

        The file is written atomically under a name carrying its SHA-256, then
        the manifest is replaced atomically under its lock; the previous file
        of ``key`` is removed afterwards.
        """
        key = _check_key(key)
        self._ensure_dir()
        digest = hashlib.sha256(data).hexdigest()
        name = f"{key}-{digest[:16]}.{suffix}"
        target = self.path / name
        if not _holds(target, digest, len(data)):
            try:
                atomic_write_bytes(target, data, prefix=f".{key}~", follow_links=False)
            except OSError as exc:
                raise CacheReadOnlyError(str(self.path), f"cannot write {name} ({exc})") from exc
        entry = CacheEntry(
            key=key,
            file=name,
            sha256=digest,
            size=len(data),
            retrieved=retrieved,
            first_date=first_date,
            last_date=last_date,
            currencies=currencies,
            downloads=downloads,
            meta=dict(meta or {}),
        )
        old = self._replace_entry(key, entry)
        if old is not None and old.file != name:
            self._unlink(old.file)
        self._sweep(key, keep=name)
        return entry

    def touch(self, key: str, *, retrieved: datetime, downloads: tuple[DownloadRecord, ...]) -> CacheEntry | None:
        """Record that the data of ``key`` was confirmed current (a ``304``) at ``retrieved``."""
        import dataclasses

        entry = self.entry(key)
        if entry is None:
            return None
        new = dataclasses.replace(entry, retrieved=retrieved, downloads=downloads)
        self._replace_entry(key, new)
        return new

    def remove(self, key: str) -> bool:
        """Forget ``key`` (entry and file); ``True`` if something was removed."""
        key = _check_key(key)
        if not (self.path / MANIFEST).exists():
            return False
        old = self._replace_entry(key, None)
        if old is not None:
            self._unlink(old.file)
        return old is not None

    def _inside(self, name: str) -> Path:
        """``name`` as a path in the cache folder; anything that would leave it raises :class:`CacheError`.

        The manifest is data from disk: a tampered ``"file": "../victim.txt"`` or an absolute path
        must never be read, replaced or deleted.
        """
        candidate = self.path / name
        try:
            folder = self.path.resolve()
            resolved = candidate.resolve()
        except (OSError, RuntimeError) as exc:
            raise CacheError(str(self.path), f"cannot resolve {name!r} ({exc})") from exc
        if _DATA_FILE.fullmatch(name) is None or resolved.parent != folder:
            raise CacheError(str(self.path), f"{MANIFEST} names {name!r}, which is not a file inside the cache folder")
        return candidate

    def _unlink(self, name: str) -> None:
        """Remove the data file ``name`` if, and only if, it is inside the cache folder."""
        with contextlib.suppress(OSError, CacheError):
            self._inside(name).unlink()

    def _replace_entry(self, key: str, entry: CacheEntry | None) -> CacheEntry | None:
        import filelock

        try:
            with filelock.FileLock(str(self.path / f"{MANIFEST}.lock"), timeout=self.lock_timeout):
                try:
                    entries = self.manifest()
                except CacheError:
                    entries = {}  # a damaged manifest is rebuilt from what is written now
                old = entries.pop(key, None)
                if entry is not None:
                    entries[key] = entry
                doc = {"format": MANIFEST_FORMAT, "entries": {k: entries[k].to_json() for k in sorted(entries)}}
                text = json.dumps(doc, indent=2).encode() + b"\n"
                atomic_write_bytes(self.path / MANIFEST, text, prefix=".manifest~", follow_links=False)
                return old
        except filelock.Timeout as exc:
            raise CacheError(str(self.path), f"could not lock {MANIFEST} within {self.lock_timeout:g} s") from exc
        except OSError as exc:
            raise CacheReadOnlyError(str(self.path), f"cannot rewrite {MANIFEST} ({exc})") from exc

    def _sweep(self, key: str, *, keep: str) -> None:
        """Remove leftovers of ``key`` (temporary files of a killed writer, orphaned data files).

        Only called under the update lock of ``key``, or right after a commit:
        files of other keys and the current file are never touched.
        """
        current = self.manifest().get(key)
        for p in self.path.iterdir():
            n = p.name
            if n in (keep, current.file if current else None):
                continue
            if (n.startswith(f".{key}~") and n.endswith(".tmp")) or re.fullmatch(
                rf"{re.escape(key)}-[0-9a-f]{{16}}\.\w+", n
            ):
                with contextlib.suppress(OSError):
                    p.unlink()

    def _ensure_dir(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheReadOnlyError(str(self.path), f"cannot create the cache folder ({exc})") from exc


def _check_key(key: str) -> str:
    if not isinstance(key, str) or _KEY.fullmatch(key) is None:
        raise InvalidArgumentError("key", key, f"invalid cache key {key!r}: lower-case letters, digits, '-', '_', '.'")
    return key


def _holds(path: Path, digest: str, size: int) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly the bytes with this SHA-256."""
    try:
        return hashlib.sha256(read_cache_file(path, limit=size)).hexdigest() == digest
    except OSError:
        return False
