"""Rate sources that download from a service, keep a cache, and fall back safely.

Each class here is a :class:`~aidtrack.rates.sources.RateSource` (``name`` and
``load()``) backed by one service:

========================  ====================  ==================================================
class                     key                   service
========================  ====================  ==================================================
``EcbReferenceRates``     ``ecb``               ECB reference rates: history zip, 90-day, daily XML
``EcbDataPortal``         ``ecb-sdmx``          ECB Data Portal, SDMX EXR daily series (CSV)
``BankOfCanadaValet``     ``boc``               Bank of Canada Valet, daily FX series (base CAD)
``Frankfurter``           ``frankfurter``       Frankfurter v1 (the ECB's rates, republished)
``EcbOfficialAverages``   ``ecb-sdmx-monthly``  the ECB's published monthly / annual averages
                          ``ecb-sdmx-annual``   (``load()`` returns ``OfficialAverages``)
``ImfExchangeRates``      ``imf``               IMF SDMX 3.0, ``IMF.STA:ER`` (annual/monthly, USD)
``NbuRates``              ``nbu``               National Bank of Ukraine, official UAH rates
========================  ====================  ==================================================

``load()`` answers from the first of these that works, in this order:

1. **fresh cache**: cached data retrieved less than ``staleness.max_age`` ago;
2. **network**: an update (conditional GET; for the ECB an incremental
   90-day or daily XML merged into the cached history), parsed and validated
   before it atomically replaces the cached copy;
3. **stale cache**: the cached data, with a :class:`~aidtrack.rates.staleness.StaleRatesWarning`
   saying how old it is and why it was not refreshed;
4. **bundled snapshot**: the ECB history shipped with aidtrack (ECB-based
   sources only, unless ``bundled_fallback`` says otherwise), with a warning.

When none can answer, :class:`~aidtrack.errors.RatesUnavailableError` lists
why each step failed. Offline mode (``offline=True`` or ``AIDTRACK_OFFLINE=1``)
skips step 2 and never opens a socket. The table that answers records all of
this in its :class:`~aidtrack.rates.table.SourceInfo` (``retrieved``, ``stale``,
``fallback``, ``cache_path``, ``sha256``), which every conversion carries.

Each service's base URL can be given by argument (``base_url=``) or by an
environment variable, for mirrors and test servers:

===========================  =================================================
variable                     default
===========================  =================================================
``AIDTRACK_ECB_URL``         ``https://www.ecb.europa.eu/stats/eurofxref/``
``AIDTRACK_ECB_SDMX_URL``    ``https://data-api.ecb.europa.eu/service/``
``AIDTRACK_BOC_VALET_URL``   ``https://www.bankofcanada.ca/valet/``
``AIDTRACK_FRANKFURTER_URL`` ``https://api.frankfurter.dev/v1/``
``AIDTRACK_IMF_URL``         ``https://api.imf.org/external/sdmx/3.0/``
``AIDTRACK_NBU_URL``         ``https://bank.gov.ua/``
===========================  =================================================

>>> src = EcbReferenceRates(offline=True, bundled_fallback=False, cache_dir="/nonexistent/aidtrack-doctest")
>>> src.urls["history"]
'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip'
>>> src.load()
Traceback (most recent call last):
...
aidtrack.errors.RatesUnavailableError: no rates available from ECB euro reference rates:
  - cache: nothing cached in /nonexistent/aidtrack-doctest
  - network: offline mode (AIDTRACK_OFFLINE=1 or offline=True)
  - bundled snapshot: not used by this source (bundled_fallback=False)
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Generic, Literal, TypeVar

from aidtrack.currency import normalize_currency
from aidtrack.errors import (
    CacheError,
    HTTPStatusError,
    InvalidArgumentError,
    NetworkError,
    RateDataError,
    RatesUnavailableError,
    StaleRatesWarning,
)
from aidtrack.rates.parsers.sdmx import OfficialAverages
from aidtrack.rates.remote.cache import CachedBytes, CacheEntry, DownloadRecord, RateCache
from aidtrack.rates.remote.http import Fetched, HttpClient, ProgressCallback, default_client, offline_from_env
from aidtrack.rates.staleness import Staleness, describe_age
from aidtrack.rates.table import RateTable

__all__ = [
    "PLAUSIBLE_JUMP",
    "SOURCE_CLASSES",
    "TIME_ZONE_SLACK",
    "BankOfCanadaValet",
    "EcbDataPortal",
    "EcbOfficialAverages",
    "EcbReferenceRates",
    "Frankfurter",
    "ImfExchangeRates",
    "NbuRates",
    "RemoteSource",
    "UpdateResult",
    "arrive_offline",
    "check_download",
    "latest_possible_fixing",
    "source_from_name",
]

log = logging.getLogger("aidtrack.rates.remote.services")

T = TypeVar("T", RateTable, OfficialAverages)
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What :meth:`RemoteSource.update` did.

    ``status`` is ``"updated"`` (new data cached), ``"not_modified"`` (the
    server said ``304``: the cache is current), ``"current"`` (another process
    updated the cache while this one waited for the lock, or no newer fixing
    can exist yet), and ``previous_last_date`` the last date cached before.
    """

    key: str
    status: Literal["updated", "not_modified", "current"]
    entry: CacheEntry
    previous_last_date: date | None
    downloaded_bytes: int
    urls: tuple[str, ...]
    changes: tuple[str, ...] = ()
    """What a forced update changed in the cached data: revised past fixings, vanished
    currencies, implausible jumps (see :func:`check_download`); empty otherwise."""

    def describe(self) -> str:
        e = self.entry
        span = f"{e.first_date.isoformat()} to {e.last_date.isoformat()}, {len(e.currencies)} currencies"
        if self.status == "updated":
            grew = ""
            if self.previous_last_date is not None and e.last_date > self.previous_last_date:
                grew = f" (was to {self.previous_last_date.isoformat()})"
            text = f"{self.key}: updated, {span}{grew}; {self.downloaded_bytes:,} bytes from {', '.join(self.urls)}"
            if self.changes:
                text += f"\n  accepted with force, {len(self.changes)} change(s) to the cached data:"
                text += "".join(f"\n  - {c}" for c in self.changes[:20])
                if len(self.changes) > 20:
                    text += f"\n  - ... and {len(self.changes) - 20} more"
            return text
        if self.status == "not_modified":
            return f"{self.key}: not modified on the server, {span}"
        return f"{self.key}: already current, {span}"


@dataclass(frozen=True, slots=True)
class _Download:
    """A validated download, ready to be committed to the cache."""

    data: bytes
    suffix: str
    value: Any
    first_date: date
    last_date: date
    currencies: tuple[str, ...]
    downloads: tuple[DownloadRecord, ...]
    meta: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Touch:
    """The server confirmed the cached data (``304``) or nothing newer can exist."""

    downloads: tuple[DownloadRecord, ...]
    status: Literal["not_modified", "current"]


_RUNTIME = frozenset({"_memo", "_fetched", "_lock", "_client"})
_ARRIVED: dict[tuple[str, str, str], RemoteSource[Any]] = {}
_ARRIVED_LOCK = threading.Lock()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def arrive_offline(cls: type[RemoteSource[Any]], state: dict[str, Any]) -> RemoteSource[Any]:
    """Unpickle a network source: its configuration, offline, shared by every copy in this process.

    A source sent to another process (a Dask worker, a ``multiprocessing``
    pool) never downloads there: it answers from that process's cache (its
    ``AIDTRACK_CACHE_DIR`` or per-user cache folder, unless the source was
    given an explicit ``cache_dir``), then from the bundled snapshot where the
    source allows it. Every copy with the same configuration that arrives in
    one process is the same object, so the cache is read once per process,
    not once per task.
    """
    key = (cls.__module__, cls.__qualname__, repr(sorted(state.items())))
    with _ARRIVED_LOCK:
        found = _ARRIVED.get(key)
        if found is None:
            found = cls.__new__(cls)
            found.__dict__.update(state)
            if "cache" not in state:
                found.cache = RateCache(None)
            found._client = None
            found._start_runtime()
            _ARRIVED[key] = found
        return found


class RemoteSource(Generic[T]):
    """Base of the network sources: cache, conditional download, precedence chain, warnings.

    Arguments shared by every source (keyword-only):

    ``base_url``
        the service's base URL (else the source's environment variable, else the official URL);
    ``cache_dir`` / ``cache``
        the cache folder (else ``AIDTRACK_CACHE_DIR``, else the per-user cache) or a :class:`RateCache`;
    ``offline``
        ``True`` never touches the network; ``None`` (default) reads ``AIDTRACK_OFFLINE``;
    ``staleness``
        a :class:`~aidtrack.rates.staleness.Staleness` (or ``"12h"``, ``"never"``, ...);
    ``client``
        an :class:`~aidtrack.rates.remote.http.HttpClient` (default: one shared client, one Session);
    ``bundled_fallback``
        whether the bundled ECB snapshot may answer when nothing else can;
    ``clock``
        a function returning the current UTC time (for tests).
    """

    key: str
    name: str
    env_var: ClassVar[str]
    default_base_url: ClassVar[str]
    default_staleness: ClassVar[Staleness] = Staleness()
    default_bundled_fallback: ClassVar[bool] = False
    retry_interval: ClassVar[timedelta] = timedelta(minutes=10)
    """After answering from a fallback, how long ``load()`` keeps that answer before trying again."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        cache: RateCache | None = None,
        offline: bool | None = None,
        staleness: Staleness | str | None = None,
        client: HttpClient | None = None,
        bundled_fallback: bool | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._base_url = base_url
        self.cache = cache if cache is not None else RateCache(cache_dir)
        self.offline = offline
        if isinstance(staleness, str):
            staleness = Staleness.parse(staleness)
        self.staleness = staleness if staleness is not None else self.default_staleness
        self._client = client
        self.bundled_fallback = self.default_bundled_fallback if bundled_fallback is None else bundled_fallback
        self._clock = clock or _utc_now
        self._own_cache = cache is None and cache_dir is None
        self._start_runtime()

    def _start_runtime(self) -> None:
        """The per-process parts, which never travel: the memo, the lock, the download log, the HTTP client."""
        self._memo: tuple[T, datetime, bool] | None = None
        self._fetched: list[DownloadRecord] = []
        self._lock = threading.RLock()

    # -- pickling: a source travels as its configuration, and arrives offline -----------------
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as configuration only (see :func:`arrive_offline`): no data, session, lock or memo."""
        state = {k: v for k, v in self.__dict__.items() if k not in _RUNTIME}
        if self._own_cache:
            del state["cache"]  # the receiving process reads its own cache folder
        state["offline"] = True
        return (arrive_offline, (type(self), state))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, cache={str(self.cache.path)!r})"

    # -- configuration ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The base URL in use: the argument, else ``$<env_var>``, else the official one."""
        url = self._base_url or os.environ.get(self.env_var, "").strip() or self.default_base_url
        return url if url.endswith("/") else url + "/"

    @property
    def is_offline(self) -> bool:
        return offline_from_env() if self.offline is None else self.offline

    @property
    def client(self) -> HttpClient:
        return self._client if self._client is not None else default_client()

    def now(self) -> datetime:
        return self._clock()

    # -- the precedence chain ---------------------------------------------------------------
    def load(self) -> T:
        """The best data available: fresh cache, network, stale cache, bundled snapshot (see the module docs)."""
        with self._lock:
            now = self.now()
            if self._memo is not None:
                value, at, degraded = self._memo
                if degraded and now - at < self.retry_interval:
                    return value
                if not degraded and not self._is_stale(value, now):
                    return value
            value, degraded = self._load(now)
            self._memo = (value, now, degraded)
            return value

    def _is_stale(self, value: T, now: datetime) -> bool:
        retrieved = value.info.retrieved
        return retrieved is None or self.staleness.is_stale(retrieved, now=now)

    def _load(self, now: datetime) -> tuple[T, bool]:
        attempts: list[str] = []
        cached: T | None = None
        try:
            cb = self.cache.read(self.key)
            if cb is None:
                attempts.append(f"cache: nothing cached in {self.cache.path}")
            elif not self._usable(cb.entry):
                attempts.append(f"cache: the cached {self.key} data was fetched with other options")
            else:
                cached = self._from_cache(cb)
                if not self.staleness.is_stale(cb.entry.retrieved, now=now):
                    return cached, False
                attempts.append(
                    f"cache: retrieved {describe_age(now - cb.entry.retrieved)} ago, older than the "
                    f"{_max_age(self.staleness)} freshness limit"
                )
        except (CacheError, RateDataError) as exc:
            attempts.append(f"cache: {exc}")
        if self.is_offline:
            attempts.append("network: offline mode (AIDTRACK_OFFLINE=1 or offline=True)")
        else:
            try:
                self.update()
                cb = self.cache.read(self.key)
                if cb is not None:
                    return self._from_cache(cb), False
                attempts.append("network: the update left nothing in the cache")
            except (NetworkError, RateDataError, CacheError) as exc:
                attempts.append(f"network: {exc}")
        reason = attempts[-1]
        if cached is not None:
            info = cached.info
            assert info.retrieved is not None
            msg = (
                f"{self.name}: using cached rates retrieved {describe_age(now - info.retrieved)} ago "
                f"(last fixing {info.last_date.isoformat()}, {(now.date() - info.last_date).days} days ago), "
                f"because fresh data could not be had: {reason}"
            )
            warnings.warn(
                StaleRatesWarning(
                    msg,
                    source=self.key,
                    used="stale cache",
                    last_date=info.last_date,
                    retrieved=info.retrieved,
                    reason=reason,
                ),
                stacklevel=4,
            )
            marked = self._mark(
                cached, stale=True, fallback=f"stale cache: {reason}", name=f"{self.name} (stale cache)"
            )
            return marked, True
        if self.bundled_fallback:
            from aidtrack.rates.bundled import bundled_table

            bundled = bundled_table()
            last = bundled.info.last_date
            msg = (
                f"{self.name}: no cached or downloaded rates, using the bundled ECB snapshot "
                f"(last fixing {last.isoformat()}, {(now.date() - last).days} days ago): {reason}"
            )
            warnings.warn(
                StaleRatesWarning(
                    msg, source=self.key, used="bundled snapshot", last_date=last, retrieved=None, reason=reason
                ),
                stacklevel=4,
            )
            fallback = bundled.with_info(
                bundled.info.replace(stale=True, fallback=f"bundled snapshot instead of {self.key}: {reason}")
            )
            return fallback, True  # type: ignore[return-value]
        attempts.append(f"bundled snapshot: not used by this source (bundled_fallback={self.bundled_fallback})")
        raise RatesUnavailableError(self.name, attempts)

    def cached(self) -> T | None:
        """The cached data (fresh or not), or ``None``; never touches the network."""
        cb = self.cache.read(self.key)
        if cb is None or not self._usable(cb.entry):
            return None
        return self._from_cache(cb)

    def refresh(self) -> None:
        """Forget what ``load()`` remembered, so the next call goes through the chain again."""
        with self._lock:
            self._memo = None

    # -- updating ---------------------------------------------------------------------------
    def update(self, *, force: bool = False, progress: ProgressCallback | None = None) -> UpdateResult:
        """Download now (under the cache lock) and cache the result; the cache is untouched on failure.

        Without ``force``, a cache another process refreshed while this one
        waited for the lock is taken as is, and the request is conditional.
        Raises :class:`~aidtrack.errors.NetworkError` (including
        :class:`~aidtrack.errors.OfflineError`),
        :class:`~aidtrack.errors.RateDataError` (a bad download) or
        :class:`~aidtrack.errors.CacheError`.
        """
        started = self.now()
        with self.cache.lock(self.key):
            self._fetched = []
            previous: CachedBytes | None
            try:
                previous = self.cache.read(self.key)
                if previous is not None and not self._usable(previous.entry):
                    previous = None
            except CacheError as exc:
                log.warning("%s: ignoring the damaged cache: %s", self.key, exc)
                previous = None
            horizon = latest_possible_fixing(started)
            poisoned = previous is not None and previous.entry.last_date > horizon
            if previous is not None and not force and not poisoned and previous.entry.retrieved > started:
                return UpdateResult(self.key, "current", previous.entry, previous.entry.last_date, 0, ())
            try:
                old_value = self._from_cache(previous) if previous is not None else None
            except RateDataError as exc:
                log.warning("%s: ignoring unreadable cached data: %s", self.key, exc)
                previous, old_value = None, None
            if poisoned:
                assert previous is not None
                log.warning(
                    "%s: the cached data has fixings dated %s, after today (%s): downloading in full to replace them",
                    self.key,
                    previous.entry.last_date,
                    horizon,
                )
            outcome = self._fetch(
                previous.entry if previous else None,
                None if poisoned else old_value,
                force=force or poisoned,
                progress=progress,
            )
            prev_last = previous.entry.last_date if previous and not poisoned else None
            if isinstance(outcome, _Touch):
                assert previous is not None
                entry = self.cache.touch(self.key, retrieved=self.now(), downloads=outcome.downloads)
                assert entry is not None
                self.refresh()
                return UpdateResult(self.key, outcome.status, entry, prev_last, 0, ())
            changes = check_download(outcome.value, old_value, horizon=horizon, force=force, where=self.name)
            if prev_last is not None and outcome.last_date < prev_last:
                raise RateDataError(
                    f"the download ends {outcome.last_date.isoformat()}, before the cached data "
                    f"({prev_last.isoformat()}); keeping the cache",
                    where=self.name,
                )
            entry = self.cache.commit(
                self.key,
                outcome.data,
                suffix=outcome.suffix,
                retrieved=self.now(),
                first_date=outcome.first_date,
                last_date=outcome.last_date,
                currencies=outcome.currencies,
                downloads=outcome.downloads,
                meta=outcome.meta,
            )
            self.refresh()
            fetched = tuple(d.url for d in self._fetched)
            size = sum(d.size for d in self._fetched)
            log.info("%s: cached %s to %s", self.key, entry.first_date, entry.last_date)
            for change in changes:
                log.warning("%s: accepted with force: %s", self.key, change)
            return UpdateResult(self.key, "updated", entry, prev_last, size, fetched, changes)

    # -- helpers for subclasses ---------------------------------------------------------------
    def _get(
        self,
        url: str,
        previous: CacheEntry | None,
        *,
        params: Mapping[str, str] | None = None,
        conditional: bool = True,
        progress: ProgressCallback | None = None,
        max_bytes: int | None = None,
    ) -> tuple[Fetched, DownloadRecord]:
        full = _with_params(url, params)
        record = previous.download(full) if previous is not None and conditional else None
        fetched = self.client.get(
            full,
            etag=record.etag if record else None,
            last_modified=record.last_modified if record else None,
            progress=progress,
            max_bytes=max_bytes,
        )
        if fetched.not_modified:
            if record is None:
                raise NetworkError(f"{full}: the server answered 304 Not Modified to an unconditional request")
            new = dataclasses.replace(record, retrieved=fetched.retrieved)
        else:
            _reject_html(fetched, self.name)
            new = DownloadRecord(
                url=full,
                retrieved=fetched.retrieved,
                sha256=hashlib.sha256(fetched.content).hexdigest(),
                size=len(fetched.content),
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                final_url=fetched.url if fetched.url != full else None,
            )
            self._fetched.append(new)
        return fetched, new

    def _info(self, entry: CacheEntry, path: str) -> dict[str, Any]:
        latest = max(entry.downloads, key=lambda d: d.retrieved) if entry.downloads else None
        return {
            "key": self.key,
            "name": self.name,
            "url": (latest.final_url or latest.url) if latest else None,  # where the bytes came from
            "retrieved": entry.retrieved,
            "sha256": entry.sha256,
            "cache_path": path,
        }

    def _mark(self, value: T, **changes: Any) -> T:
        if isinstance(value, RateTable):
            return value.with_info(value.info.replace(**changes))  # type: ignore[return-value]
        return dataclasses.replace(value, info=value.info.replace(**changes))

    # -- what each source defines ---------------------------------------------------------------
    def _start_text(self) -> str | None:
        """The source's ``start`` option as text (a date or a period such as ``"2024-01"``), if it has one."""
        start = getattr(self, "start", None)
        return start.isoformat() if isinstance(start, date) else start

    def _meta(self) -> dict[str, str]:
        """What the cache records about the request beside the body: the start of the data asked for."""
        start = self._start_text()
        return {} if start is None else {"start": start}

    def _usable(self, entry: CacheEntry) -> bool:
        """Whether a cached entry answers this source's options: it must reach back to the start asked for."""
        start = self._start_text()
        return start is None or entry.meta.get("start", "9999") <= start

    def _from_cache(self, cb: CachedBytes) -> T:
        raise NotImplementedError

    def _fetch(
        self, previous: CacheEntry | None, old: T | None, *, force: bool, progress: ProgressCallback | None
    ) -> _Download | _Touch:
        raise NotImplementedError


PLAUSIBLE_JUMP = Decimal(10)
"""The largest factor by which a new fixing may differ from the currency's previous fixing.

A larger jump (a rate ten times, or a tenth of, the day before) is refused as a corrupt download
unless the update is forced; the largest one-day moves in the ECB's history are far smaller."""
TIME_ZONE_SLACK = timedelta(hours=14)
"""How far ahead of UTC a fixing's calendar day may be (UTC+14 is the earliest time zone)."""


def latest_possible_fixing(now: datetime) -> date:
    """The last day a genuine fixing can be dated at ``now``: today anywhere on Earth.

    >>> latest_possible_fixing(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))
    datetime.date(2026, 11, 25)
    >>> latest_possible_fixing(datetime(2026, 11, 25, 10, 30, tzinfo=UTC))
    datetime.date(2026, 11, 26)
    """
    return (now.astimezone(UTC) + TIME_ZONE_SLACK).date()


def check_download(new: object, old: object, *, horizon: date, force: bool = False, where: str = "") -> tuple[str, ...]:
    """Check a downloaded table against the cached one before it may replace it.

    Always refused (:class:`~aidtrack.errors.RateDataError`, the cache untouched): a fixing
    dated after ``horizon`` (see :func:`latest_possible_fixing`). Refused unless ``force``,
    and returned as the list of changes when forced:

    * a published past fixing changed or removed (within the download's date range);
    * a currency of the cached data missing from the download;
    * a new fixing more than :data:`PLAUSIBLE_JUMP` times (or less than its inverse) the
      currency's previous fixing.

    Only rate tables are checked (official averages are not). Cached fixings dated after
    ``horizon`` (a cache damaged by an older version) are ignored.
    """
    if not isinstance(new, RateTable):
        return ()
    future = [
        (c, new.series(c).last)
        for c in new.currencies
        if c != new.base and len(new.series(c)) and new.series(c).last > horizon
    ]
    if future:
        shown = ", ".join(f"{c} {d.isoformat()}" for c, d in future[:5])
        raise RateDataError(
            f"the download has fixings dated after today ({horizon.isoformat()} in the earliest time zone): "
            f"{shown}; a fixing cannot be published before its day, so the download is refused and the cache kept",
            where=where,
        )
    problems: list[str] = []
    cutoff = horizon.toordinal()
    old_table = old if isinstance(old, RateTable) else None
    new_first = new.info.first_date.toordinal()
    for c in new.currencies:
        if c == new.base:
            continue
        series = new.series(c)
        fixings = dict(zip(series.ordinals, series.raw, strict=True))
        old_last = -1
        if old_table is not None and c in old_table and c != old_table.base:
            o = old_table.series(c)
            for ordinal, raw in zip(o.ordinals, o.raw, strict=True):
                if ordinal > cutoff or ordinal < new_first:
                    continue
                old_last = max(old_last, ordinal)
                got = fixings.get(ordinal)
                day = date.fromordinal(ordinal).isoformat()
                if got is None:
                    problems.append(f"{c} {day}: the published fixing {raw} is missing from the download")
                elif got != raw and Decimal(got) != Decimal(raw):
                    problems.append(f"{c} {day}: the published fixing {raw} was changed to {got}")
        if old_table is None:
            continue
        previous: str | None = None
        for ordinal, raw in zip(series.ordinals, series.raw, strict=True):
            if ordinal > old_last and previous is not None:
                a, b = Decimal(previous), Decimal(raw)
                if a > 0 and b > 0 and (b / a > PLAUSIBLE_JUMP or a / b > PLAUSIBLE_JUMP):
                    problems.append(
                        f"{c} {date.fromordinal(ordinal).isoformat()}: {raw} after {previous}, a jump beyond the "
                        f"plausibility bound (x{PLAUSIBLE_JUMP})"
                    )
            previous = raw
    if old_table is not None:
        for c in old_table.currencies:
            if c != old_table.base and c not in new and len(old_table.series(c)):
                problems.append(f"{c}: in the cached data, missing from the download")
    if problems and not force:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise RateDataError(
            f"the download contradicts the cached data ({shown}); the cache is kept. If the service really "
            "revised its data, update with force=True ('aidtrack rates update --force'), which reports every change",
            where=where,
        )
    return tuple(problems)


def _max_age(s: Staleness) -> str:
    return "no" if s.max_age is None else describe_age(s.max_age)


def _with_params(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return url
    from urllib.parse import urlencode

    return url + ("&" if "?" in url else "?") + urlencode(params, safe=":+,.")


def _reject_html(fetched: Fetched, where: str) -> None:
    """A ``200`` whose body is an HTML page (a portal error page, a captive portal) is not data."""
    head = fetched.content[:512].lstrip().lower()
    ctype = (fetched.content_type or "").lower()
    if head.startswith((b"<!doctype html", b"<html")) or ctype.startswith("text/html"):
        raise RateDataError(
            f"{fetched.url} answered HTTP {fetched.status} with an HTML page instead of rate data "
            f"(starts {fetched.content[:60]!r})",
            where=where,
        )
    if not fetched.content.strip():
        raise RateDataError(f"{fetched.url} answered HTTP {fetched.status} with an empty body", where=where)


def _weekdays_after(last: date, today: date) -> int:
    """Weekdays in ``(last, today]``: fixings that may exist but are not in the data."""
    n, day = 0, last + timedelta(days=1)
    while day <= today:
        n += day.weekday() < 5
        day += timedelta(days=1)
    return n


# -- ECB reference rates ------------------------------------------------------------------------
class EcbReferenceRates(RemoteSource[RateTable]):
    """The ECB's euro reference rates, kept as a full history in the cache and updated cheaply.

    The first update downloads ``eurofxref-hist.zip`` (about 0.7 MB). Later
    ones fetch ``eurofxref-daily.xml`` when at most one fixing can be missing,
    ``eurofxref-hist-90d.xml`` when the cache is less than ``incremental_days``
    old, and the zip otherwise (or with ``force=True``, or when an update
    would leave a gap or contradict a cached fixing); the XML is merged into
    the cached history with :func:`aidtrack.rates.parsers.ecb.merge_tables`. Every request is
    conditional. The bundled snapshot is the last fallback.
    """

    key = "ecb"
    name = "ECB euro reference rates"
    env_var = "AIDTRACK_ECB_URL"
    default_base_url = "https://www.ecb.europa.eu/stats/eurofxref/"
    default_staleness = Staleness(timedelta(hours=12))
    default_bundled_fallback = True
    incremental_days: ClassVar[int] = 80
    """The 90-day file covers about 64 fixing days; beyond this many days the zip is fetched."""

    def __init__(self, *, max_unzipped_bytes: int | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.max_unzipped_bytes = max_unzipped_bytes

    @property
    def urls(self) -> dict[str, str]:
        """The three files: ``history`` (zip), ``90d`` and ``daily`` (XML)."""
        b = self.base_url
        return {
            "history": b + "eurofxref-hist.zip",
            "90d": b + "eurofxref-hist-90d.xml",
            "daily": b + "eurofxref-daily.xml",
        }

    def _from_cache(self, cb: CachedBytes) -> RateTable:
        from aidtrack.rates.parsers.ecb import parse_eurofxref_zip

        table = parse_eurofxref_zip(
            cb.data,
            key=self.key,
            name=self.name,
            url=None,
            retrieved=cb.entry.retrieved,
            sha256=cb.entry.sha256,
            eager=False,
            max_unzipped_bytes=self.max_unzipped_bytes,
        )
        return table.with_info(table.info.replace(**self._info(cb.entry, str(cb.path))))

    def _fetch(
        self,
        previous: CacheEntry | None,
        old: RateTable | None,
        *,
        force: bool,
        progress: ProgressCallback | None,
    ) -> _Download | _Touch:
        if previous is None or old is None or force:
            return self._full(previous, progress, conditional=not force)
        today = self.now().date()
        missing = _weekdays_after(previous.last_date, today)
        if missing == 0:
            return _Touch(previous.downloads, "current")
        steps: list[str] = []
        if missing <= 1:
            steps.append("daily")
        if (today - previous.last_date).days <= self.incremental_days:
            steps.append("90d")
        for step in steps:
            try:
                fetched, record = self._get(self.urls[step], previous, progress=progress)
            except HTTPStatusError as exc:
                if exc.status not in (404, 410):  # a mirror may hold the zip only
                    raise
                log.info("%s: %s; trying the next step", self.key, exc)
                continue
            downloads = _replace_record(previous.downloads, record)
            if fetched.not_modified:
                return _Touch(downloads, "not_modified")
            from aidtrack.rates.parsers.ecb import merge_tables, parse_eurofxref_xml

            update = parse_eurofxref_xml(
                fetched.content, key=self.key, name=f"{self.name} ({step} XML)", url=fetched.url
            )
            try:
                merged = merge_tables(old, update)
            except RateDataError as exc:
                log.info("%s: cannot merge the %s file (%s); trying the next step", self.key, step, exc)
                continue
            if merged.info.last_date == previous.last_date and len(merged.calendar) == len(old.calendar):
                return _Touch(downloads, "current")
            return self._package(merged, downloads)
        return self._full(previous, progress)

    def _full(
        self, previous: CacheEntry | None, progress: ProgressCallback | None, *, conditional: bool = True
    ) -> _Download | _Touch:
        from aidtrack.rates.parsers.ecb import parse_eurofxref_zip

        fetched, record = self._get(self.urls["history"], previous, progress=progress, conditional=conditional)
        downloads = _replace_record(previous.downloads if previous else (), record)
        if fetched.not_modified:
            return _Touch(downloads, "not_modified")
        table = parse_eurofxref_zip(
            fetched.content, key=self.key, name=self.name, url=fetched.url, max_unzipped_bytes=self.max_unzipped_bytes
        )
        return _Download(
            fetched.content,
            "zip",
            table,
            table.info.first_date,
            table.info.last_date,
            tuple(c for c in table.currencies if c != "EUR"),
            # a full download replaces the history: the XML validators no longer describe it
            (record,),
            {},
        )

    def _package(self, merged: RateTable, downloads: tuple[DownloadRecord, ...]) -> _Download:
        from aidtrack.rates.parsers.ecb import parse_eurofxref_zip, write_eurofxref_zip

        data = write_eurofxref_zip(merged)
        check = parse_eurofxref_zip(data, key=self.key, name=self.name, url=None)  # what will be cached, re-read
        if check.info.last_date != merged.info.last_date or check.currencies != merged.currencies:
            raise RateDataError("the merged history does not read back the same", where=self.name)
        return _Download(
            data,
            "zip",
            check,
            check.info.first_date,
            check.info.last_date,
            tuple(c for c in check.currencies if c != "EUR"),
            downloads,
            {},
        )


def _replace_record(records: Sequence[DownloadRecord], new: DownloadRecord) -> tuple[DownloadRecord, ...]:
    return (*(r for r in records if r.url != new.url), new)


# -- ECB Data Portal ---------------------------------------------------------------------------
def _currency_list(currencies: Sequence[str] | str | None) -> tuple[str, ...]:
    if currencies is None:
        return ()
    items = [currencies] if isinstance(currencies, str) else list(currencies)
    return tuple(sorted({normalize_currency(c) for c in items}))


def _key_suffix(parts: Sequence[str]) -> str:
    """``-usd-jpy`` for a few parts; a hash of them when spelled out they would make a long key.

    >>> _key_suffix(["USD", "JPY"]), _key_suffix([f"C{i:02d}" for i in range(30)])
    ('-usd-jpy', '-hc4fcfd5f4faede95')
    """
    if not parts:
        return ""
    text = "-" + "-".join(p.lower() for p in parts)
    if len(text) <= 48:
        return text
    return "-h" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _start(value: date | str, what: str) -> date:
    from aidtrack._dates import parse_iso_date

    try:
        return parse_iso_date(value, what=what)
    except ValueError as exc:
        raise InvalidArgumentError(what, value, str(exc)) from None


class _SingleFile(RemoteSource[T]):
    """A source whose cache holds one response body, fetched from one URL."""

    suffix: ClassVar[str] = "csv"
    max_bytes: ClassVar[int | None] = None

    def _request(self) -> tuple[str, dict[str, str]]:
        raise NotImplementedError

    def _parse(self, data: bytes, *, url: str | None, retrieved: datetime | None) -> T:
        raise NotImplementedError

    def _from_cache(self, cb: CachedBytes) -> T:
        value = self._parse(cb.data, url=None, retrieved=cb.entry.retrieved)
        return self._mark(value, **{k: v for k, v in self._info(cb.entry, str(cb.path)).items() if k != "name"})

    def _fetch(
        self, previous: CacheEntry | None, old: T | None, *, force: bool, progress: ProgressCallback | None
    ) -> _Download | _Touch:
        url, params = self._request()
        fetched, record = self._get(
            url, previous, params=params, conditional=not force, progress=progress, max_bytes=self.max_bytes
        )
        if fetched.not_modified:
            assert previous is not None
            return _Touch(_replace_record(previous.downloads, record), "not_modified")
        value = self._parse(fetched.content, url=fetched.url, retrieved=fetched.retrieved)
        info = value.info
        currencies = value.currencies
        return _Download(
            fetched.content,
            self.suffix,
            value,
            info.first_date,
            info.last_date,
            tuple(c for c in currencies if c != info.base),
            (record,),
            self._meta(),
        )


class EcbDataPortal(_SingleFile[RateTable]):
    """Daily reference rates from the ECB Data Portal (SDMX REST, dataset EXR, CSV), base EUR.

    ``currencies`` (default: all) and ``start`` (default 1999-01-04) choose the
    series; the request is ``GET {base}data/EXR/D.{CUR+CUR}.EUR.SP00.A?format=csvdata&
    startPeriod=...&detail=dataonly``. The bundled snapshot is the last fallback.
    """

    name = "ECB Data Portal (SDMX EXR, daily)"
    env_var = "AIDTRACK_ECB_SDMX_URL"
    default_base_url = "https://data-api.ecb.europa.eu/service/"
    default_staleness = Staleness(timedelta(hours=12))
    default_bundled_fallback = True

    def __init__(
        self, currencies: Sequence[str] | str | None = None, *, start: date | str = "1999-01-04", **options: Any
    ) -> None:
        super().__init__(**options)
        self.currencies = _currency_list(currencies)
        self.start = _start(start, "start")
        self.key = "ecb-sdmx" + _key_suffix(self.currencies)

    def _request(self) -> tuple[str, dict[str, str]]:
        from aidtrack.rates.parsers.sdmx import sdmx_series_key

        url = f"{self.base_url}data/EXR/{sdmx_series_key('D', self.currencies)}"
        return url, {"format": "csvdata", "startPeriod": self.start.isoformat(), "detail": "dataonly"}

    def _parse(self, data: bytes, *, url: str | None, retrieved: datetime | None) -> RateTable:
        from aidtrack.rates.parsers.sdmx import parse_sdmx_csv

        return parse_sdmx_csv(data, key=self.key, name=self.name, url=url, retrieved=retrieved)


class EcbOfficialAverages(_SingleFile[OfficialAverages]):
    """The ECB's own monthly (``freq="M"``) or annual (``"A"``) averages, from the Data Portal.

    ``load()`` returns :class:`~aidtrack.rates.parsers.sdmx.OfficialAverages`; use
    :func:`aidtrack.policy.compare_means` to check aidtrack's unrounded means
    against these rounded published values. Not a rate source for conversions.
    """

    env_var = "AIDTRACK_ECB_SDMX_URL"
    default_base_url = "https://data-api.ecb.europa.eu/service/"
    default_staleness = Staleness(timedelta(days=1))

    def __init__(
        self,
        freq: Literal["M", "A"] = "M",
        currencies: Sequence[str] | str | None = None,
        *,
        start: str = "1999",
        **options: Any,
    ) -> None:
        if freq not in ("M", "A"):
            raise InvalidArgumentError("freq", freq, f"freq must be 'M' (monthly) or 'A' (annual), got {freq!r}")
        options.setdefault("bundled_fallback", False)
        super().__init__(**options)
        self.freq = freq
        self.currencies = _currency_list(currencies)
        self.start = start
        label = "monthly" if freq == "M" else "annual"
        self.key = f"ecb-sdmx-{label}" + _key_suffix(self.currencies)
        self.name = f"ECB Data Portal (SDMX EXR, {label} averages)"

    def _request(self) -> tuple[str, dict[str, str]]:
        from aidtrack.rates.parsers.sdmx import sdmx_series_key

        url = f"{self.base_url}data/EXR/{sdmx_series_key(self.freq, self.currencies)}"
        return url, {"format": "csvdata", "startPeriod": self.start}

    def _parse(self, data: bytes, *, url: str | None, retrieved: datetime | None) -> OfficialAverages:
        from aidtrack.rates.parsers.sdmx import parse_sdmx_averages

        return parse_sdmx_averages(data, freq=self.freq, key=self.key, name=self.name, url=url, retrieved=retrieved)


class BankOfCanadaValet(_SingleFile[RateTable]):
    """The Bank of Canada's daily exchange rates from its Valet API (base CAD).

    ``series`` (default: the whole ``FX_RATES_DAILY`` group) names Valet series
    such as ``"FXUSDCAD"`` or plain currency codes (``"USD"``); ``start``
    defaults to 2017-01-03, the first day of the current series. Rates are
    stored as units of the currency per CAD (see :mod:`aidtrack.rates.parsers.valet`). There
    is no bundled fallback by default: the ECB's rates are not the Bank of
    Canada's, so a Canadian-official figure is never silently replaced.

    >>> BankOfCanadaValet(["USD", "FXEURCAD"], offline=True).key
    'boc-fxeurcad-fxusdcad'
    """

    name = "Bank of Canada exchange rates (Valet)"
    env_var = "AIDTRACK_BOC_VALET_URL"
    default_base_url = "https://www.bankofcanada.ca/valet/"
    default_staleness = Staleness(timedelta(hours=12))
    suffix = "json"

    def __init__(
        self, series: Sequence[str] | str | None = None, *, start: date | str = "2017-01-03", **options: Any
    ) -> None:
        super().__init__(**options)
        items = [series] if isinstance(series, str) else list(series or ())
        names = set()
        for s in items:
            text = s.strip().upper()
            if len(text) == 8 and text.startswith("FX") and text.endswith("CAD"):
                normalize_currency(text[2:5])
                names.add(text)
            else:
                names.add(f"FX{normalize_currency(text)}CAD")
        self.series = tuple(sorted(names))
        self.start = _start(start, "start")
        self.key = "boc" + _key_suffix(self.series)

    def _request(self) -> tuple[str, dict[str, str]]:
        from aidtrack.rates.parsers.valet import VALET_FX_GROUP

        path = (
            f"observations/{','.join(self.series)}/json" if self.series else f"observations/group/{VALET_FX_GROUP}/json"
        )
        return self.base_url + path, {"start_date": self.start.isoformat()}

    def _parse(self, data: bytes, *, url: str | None, retrieved: datetime | None) -> RateTable:
        from aidtrack.rates.parsers.valet import parse_valet_json

        return parse_valet_json(data, key=self.key, name=self.name, url=url, retrieved=retrieved)


class Frankfurter(_SingleFile[RateTable]):
    """Rates from Frankfurter v1 (``api.frankfurter.dev``), a republication of the ECB's fixings.

    The request is ``GET {base}{start}..?base=EUR[&symbols=USD,CAD]``. The
    bundled ECB snapshot is the last fallback (the same underlying rates).
    """

    name = "Frankfurter (ECB reference rates)"
    env_var = "AIDTRACK_FRANKFURTER_URL"
    default_base_url = "https://api.frankfurter.dev/v1/"
    default_staleness = Staleness(timedelta(hours=12))
    default_bundled_fallback = True
    suffix = "json"

    def __init__(
        self,
        symbols: Sequence[str] | str | None = None,
        *,
        base: str = "EUR",
        start: date | str = "1999-01-04",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.symbols = _currency_list(symbols)
        self.rates_base = normalize_currency(base)
        self.start = _start(start, "start")
        self.key = (
            "frankfurter"
            + _key_suffix(() if self.rates_base == "EUR" else (self.rates_base,))
            + _key_suffix(self.symbols)
        )

    def _request(self) -> tuple[str, dict[str, str]]:
        params = {"base": self.rates_base}
        if self.symbols:
            params["symbols"] = ",".join(self.symbols)
        return f"{self.base_url}{self.start.isoformat()}..", params

    def _parse(self, data: bytes, *, url: str | None, retrieved: datetime | None) -> RateTable:
        from aidtrack.rates.parsers.frankfurter import parse_frankfurter_json

        table = parse_frankfurter_json(data, key=self.key, name=self.name, url=url, retrieved=retrieved)
        if table.base != self.rates_base:
            raise RateDataError(f"asked for base {self.rates_base}, the response has {table.base}", where=self.name)
        return table


class ImfExchangeRates(_SingleFile[RateTable]):
    """The IMF's exchange rates (``IMF.STA:ER``) from its SDMX 3.0 API: a period table, national currency per USD.

    ``freq`` ``"A"`` (annual, default) or ``"M"`` (monthly); ``measure`` ``"average"`` (``PA_RT``,
    default) or ``"end_of_period"`` (``EOP_RT``); ``currencies`` (default: every country) are asked
    for by their issuer's ``COUNTRY`` code (:func:`~aidtrack.rates.parsers.imf.imf_country`); ``start``
    is the first period. The request is ``GET {base}data/dataflow/IMF.STA/ER/+/{COUNTRY}.XDC_USD.
    {PA_RT|EOP_RT}.{A|M}?c[TIME_PERIOD]=ge:{start}``; the answer (SDMX-JSON or SDMX-CSV) is parsed
    by :mod:`aidtrack.rates.parsers.imf`. No bundled fallback by default (``source="imf+imf-bundled"``
    falls back to the bundled annual table explicitly). Source: International Monetary Fund.

    >>> ImfExchangeRates(["UAH", "EUR"], offline=True).key
    'imf-a-pa_rt-eur-uah'
    """

    name = "IMF exchange rates (SDMX 3.0, IMF.STA:ER)"
    env_var = "AIDTRACK_IMF_URL"
    default_base_url = "https://api.imf.org/external/sdmx/3.0/"
    default_staleness = Staleness(timedelta(days=7))
    suffix = "json"

    def __init__(
        self,
        currencies: Sequence[str] | str | None = None,
        *,
        freq: Literal["A", "M"] = "A",
        measure: Literal["average", "end_of_period"] = "average",
        start: str = "1950",
        **options: Any,
    ) -> None:
        if freq not in ("A", "M"):
            raise InvalidArgumentError("freq", freq, f"freq must be 'A' (annual) or 'M' (monthly), got {freq!r}")
        if measure not in ("average", "end_of_period"):
            raise InvalidArgumentError("measure", measure, "measure must be 'average' or 'end_of_period'")
        super().__init__(**options)
        self.currencies = _currency_list(currencies)
        self.freq = freq
        self.measure = measure
        self.start = str(start)
        self.transformation = "PA_RT" if measure == "average" else "EOP_RT"
        self.key = f"imf-{freq.lower()}-{self.transformation.lower()}" + _key_suffix(self.currencies)

    def _request(self) -> tuple[str, dict[str, str]]:
        from aidtrack.rates.parsers.imf import imf_country

        countries = "+".join(imf_country(c) for c in self.currencies) if self.currencies else "*"
        url = f"{self.base_url}data/dataflow/IMF.STA/ER/+/{countries}.XDC_USD.{self.transformation}.{self.freq}"
        return url, {"c[TIME_PERIOD]": f"ge:{self.start}"}

    def _parse(self, data: bytes, *, url: str | None, retrieved: datetime | None) -> RateTable:
        from aidtrack.rates.parsers.imf import parse_imf_sdmx_csv, parse_imf_sdmx_json

        parse = parse_imf_sdmx_json if data.lstrip()[:1] == b"{" else parse_imf_sdmx_csv
        table = parse(data, key=self.key, name=self.name, url=url, retrieved=retrieved)
        if table.frequency != self.freq or table.info.measure != self.measure:
            raise RateDataError(
                f"asked for {self.freq} {self.measure}, the response holds {table.frequency} {table.info.measure}",
                where=self.name,
            )
        return table


class NbuRates(RemoteSource[RateTable]):
    """The National Bank of Ukraine's official daily hryvnia rates (base UAH), from its public JSON API.

    ``currencies`` (default USD and EUR) are fetched from ``start`` (default 2014-01-01) to today, one
    request per currency: ``GET {base}NBU_Exchange/exchange_site?start=YYYYMMDD&end=YYYYMMDD&
    valcode=usd&sort=exchangedate&order=asc&json``; the cache holds the combined JSON array (the
    same wire format, parsed by :func:`~aidtrack.rates.parsers.nbu.parse_nbu_json`). No bundled
    fallback: the ECB's rates are not the NBU's official ones.

    >>> NbuRates(offline=True).key
    'nbu-eur-usd'
    """

    name = "National Bank of Ukraine official rates"
    env_var = "AIDTRACK_NBU_URL"
    default_base_url = "https://bank.gov.ua/"
    default_staleness = Staleness(timedelta(hours=12))

    def __init__(
        self,
        currencies: Sequence[str] | str | None = ("USD", "EUR"),
        *,
        start: date | str = "2014-01-01",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.currencies = _currency_list(currencies) or ("EUR", "USD")
        self.start = _start(start, "start")
        self.key = "nbu" + _key_suffix(self.currencies)

    def _parse(self, data: bytes, *, url: str | None, retrieved: datetime | None) -> RateTable:
        from aidtrack.rates.parsers.nbu import parse_nbu_json

        return parse_nbu_json(data, key=self.key, name=self.name, url=url, retrieved=retrieved)

    def _from_cache(self, cb: CachedBytes) -> RateTable:
        value = self._parse(cb.data, url=None, retrieved=cb.entry.retrieved)
        return self._mark(value, **{k: v for k, v in self._info(cb.entry, str(cb.path)).items() if k != "name"})

    def _fetch(
        self, previous: CacheEntry | None, old: RateTable | None, *, force: bool, progress: ProgressCallback | None
    ) -> _Download | _Touch:
        import json
        from decimal import Decimal

        end = self.now().date()
        items: list[Any] = []
        records = []
        for cur in self.currencies:
            params = {
                "start": self.start.strftime("%Y%m%d"),
                "end": end.strftime("%Y%m%d"),
                "valcode": cur.lower(),
                "sort": "exchangedate",
                "order": "asc",
                "json": "",
            }
            fetched, record = self._get(
                f"{self.base_url}NBU_Exchange/exchange_site", None, params=params, conditional=False, progress=progress
            )
            self._parse(fetched.content, url=record.url, retrieved=fetched.retrieved)  # validate each answer
            items.extend(json.loads(fetched.content, parse_float=Decimal, parse_int=Decimal))
            records.append(record)
        data = json.dumps(items, default=str, ensure_ascii=False).encode()
        value = self._parse(data, url=records[-1].url, retrieved=self.now())
        missing = [c for c in self.currencies if c not in value.currencies]
        if missing:
            raise RateDataError(f"the NBU sent no rates for {', '.join(missing)}", where=self.name)
        info = value.info
        return _Download(
            data,
            "json",
            value,
            info.first_date,
            info.last_date,
            tuple(c for c in value.currencies if c != info.base),
            tuple(records),
            self._meta(),
        )


# -- by name -------------------------------------------------------------------------------------
SOURCE_CLASSES: dict[str, type[RemoteSource[Any]]] = {
    "ecb": EcbReferenceRates,
    "ecb-sdmx": EcbDataPortal,
    "boc": BankOfCanadaValet,
    "frankfurter": Frankfurter,
    "imf": ImfExchangeRates,
    "nbu": NbuRates,
}
"""The network rate sources by name (``aidtrack ... --source NAME``)."""


def source_from_name(name: str, **options: Any) -> RemoteSource[Any]:
    """A network source by name: ``ecb``, ``ecb-sdmx``, ``boc``, ``frankfurter``,
    ``ecb-sdmx-monthly`` or ``ecb-sdmx-annual`` (the last two: official averages).

    >>> source_from_name("boc", offline=True).name
    'Bank of Canada exchange rates (Valet)'
    """
    key = name.strip().lower()
    if key == "ecb-sdmx-monthly":
        return EcbOfficialAverages("M", **options)
    if key == "ecb-sdmx-annual":
        return EcbOfficialAverages("A", **options)
    try:
        cls = SOURCE_CLASSES[key]
    except KeyError:
        valid = [*SOURCE_CLASSES, "ecb-sdmx-monthly", "ecb-sdmx-annual"]
        raise InvalidArgumentError(
            "source", name, f"unknown rate source {name!r}: expected one of {', '.join(valid)}"
        ) from None
    return cls(**options)
