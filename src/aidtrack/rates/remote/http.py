"""Fetching bytes over HTTP(S) for the rate sources: one ``requests`` Session, done carefully.

This module only fetches bytes; parsing them is the job of the pure parsers
(:mod:`aidtrack.rates.parsers.ecb`, :mod:`aidtrack.rates.parsers.sdmx`, ...) and keeping them is the job of
:mod:`aidtrack.rates.remote.cache`. What :meth:`HttpClient.get` does:

* one ``requests.Session`` per client (connection reuse), an identifying
  ``User-Agent`` (``aidtrack/<version> ...``), HTTPS certificate checks always on;
* a connect timeout and a read timeout (per socket read) on every request, and an overall
  ``deadline`` per download (all attempts and waits together): a server that drips one byte
  at a time is cut off when it passes, however short each read is;
* redirects are followed, but never from ``https`` to plain ``http`` (refused); ``Fetched.url``
  is the URL the bytes finally came from, which is what provenance records;
* bounded retries with exponential backoff (and jitter) on connection errors,
  timeouts, a body cut short, HTTP 429 and 5xx (500, 502, 503, 504); a
  ``Retry-After`` header is honoured up to ``retry_after_max`` seconds;
* conditional GET: pass the ``etag`` / ``last_modified`` of the copy you
  have, and a ``304 Not Modified`` comes back as ``Fetched.not_modified``;
* a size cap on the body *after* transfer decoding (so a gzip bomb is cut
  off at the cap too), checked against ``Content-Length`` up front;
* offline mode (``offline=True`` or ``AIDTRACK_OFFLINE=1``): no socket is
  opened, :class:`~aidtrack.errors.OfflineError` is raised instead.

Every failure is a :class:`~aidtrack.errors.NetworkError` naming the URL.

>>> client = HttpClient(HttpConfig(retries=0), offline=True)
>>> client.get("https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml")
Traceback (most recent call last):
...
aidtrack.errors.OfflineError: offline mode is on (AIDTRACK_OFFLINE=1 or offline=True): not fetching https://...
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from aidtrack._version import __version__
from aidtrack.errors import DownloadTooLargeError, HTTPStatusError, InvalidArgumentError, NetworkError, OfflineError

if TYPE_CHECKING:
    import requests

__all__ = [
    "DEFAULT_MAX_BYTES",
    "OFFLINE_ENV",
    "RETRY_STATUSES",
    "USER_AGENT",
    "Fetched",
    "HttpClient",
    "HttpConfig",
    "ProgressCallback",
    "default_client",
    "offline_from_env",
]

log = logging.getLogger("aidtrack.rates.remote.http")

OFFLINE_ENV = "AIDTRACK_OFFLINE"
"""Environment variable: ``1`` (or ``true``, ``yes``, ``on``) turns offline mode on."""
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Default cap on one response body, after transfer decoding (the ECB history zip is about 0.7 MB)."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses worth retrying; any other error status fails at once."""
USER_AGENT = f"aidtrack/{__version__} (exchange-rate client; +https://example.invalid/aidtrack)"
"""The ``User-Agent`` sent with every request."""

ProgressCallback = Callable[[int, "int | None"], None]
"""``progress(bytes_so_far, total_or_None)``, called as the body arrives."""


def offline_from_env() -> bool:
    """Whether ``AIDTRACK_OFFLINE`` asks for offline mode (``1``, ``true``, ``yes`` or ``on``).

    ``0``, ``false``, ``no``, ``off`` or empty (or unset) mean online; any other value raises
    :class:`~aidtrack.errors.InvalidArgumentError` rather than being read as either.

    >>> import os; os.environ.get("AIDTRACK_OFFLINE") is None or offline_from_env() in (True, False)
    True
    """
    raw = os.environ.get(OFFLINE_ENV, "")
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise InvalidArgumentError(  # 'y' or 'offline' would otherwise mean: use the network
        OFFLINE_ENV,
        raw,
        f"the environment variable {OFFLINE_ENV} must be 1, true, yes or on (never use the network) or 0, false, "
        f"no, off or empty (use it), got {raw!r}",
    )


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """Timeouts, retry and size limits for :class:`HttpClient` (seconds and bytes).

    ``retries`` is the number of attempts after the first one; waits grow as
    ``backoff × 2**n`` up to ``backoff_max``. A ``Retry-After`` longer than
    ``retry_after_max`` is not waited for: the request fails, saying so.
    ``verify`` is ``True`` (the default CA bundle) or the path of a CA bundle;
    certificate checks cannot be switched off. ``deadline`` bounds a whole download.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0
    max_bytes: int = DEFAULT_MAX_BYTES
    user_agent: str = USER_AGENT
    verify: bool | str = True
    deadline: float = 300.0
    """The most one :meth:`HttpClient.get` may take in all (seconds), retries and waits included."""

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "deadline"):
            if getattr(self, name) <= 0:
                raise InvalidArgumentError(name, getattr(self, name), f"{name} must be positive")
        for name in ("retries", "backoff", "backoff_max", "retry_after_max"):
            if getattr(self, name) < 0:
                raise InvalidArgumentError(name, getattr(self, name), f"{name} must be 0 or more")
        if self.max_bytes <= 0:
            raise InvalidArgumentError("max_bytes", self.max_bytes, "max_bytes must be positive")
        if self.verify is False:
            raise InvalidArgumentError(
                "verify", self.verify, "certificate checks cannot be switched off; give the path of a CA bundle instead"
            )


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP answer: the body (empty when ``not_modified``) and its validators."""

    url: str
    status: int
    content: bytes = field(repr=False)
    etag: str | None
    last_modified: str | None
    content_type: str | None
    retrieved: datetime
    attempts: int

    @property
    def not_modified(self) -> bool:
        """``True`` for a ``304 Not Modified``: the copy you have is current."""
        return self.status == 304


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, reason: str, wait: float | None = None, status: int | None = None) -> None:
        self.reason = reason
        self.wait = wait
        self.status = status
        super().__init__(reason)


class HttpClient:
    """Fetches bytes with one ``requests.Session`` (see the module docs for what it guarantees).

    ``offline=None`` reads ``AIDTRACK_OFFLINE`` at each request. ``sleep`` is
    the function used to wait between attempts (tests pass a recorder).
    """

    def __init__(
        self,
        config: HttpConfig | None = None,
        *,
        offline: bool | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or HttpConfig()
        self.offline = offline
        self._sleep = sleep
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HttpClient({self.config!r}, offline={self.offline!r})"

    @property
    def is_offline(self) -> bool:
        return offline_from_env() if self.offline is None else self.offline

    @property
    def session(self) -> requests.Session:
        """The one ``requests.Session`` of this client (created on first use)."""
        with self._lock:
            if self._session is None:
                s = _make_session()
                s.headers["User-Agent"] = self.config.user_agent
                s.headers["Accept-Encoding"] = "gzip, deflate"
                self._session = s
            return self._session

    def close(self) -> None:
        """Close the session's connections."""
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        progress: ProgressCallback | None = None,
        accept: str | None = None,
    ) -> Fetched:
        """GET ``url`` and return the whole body, retrying what is worth retrying.

        ``etag`` / ``last_modified`` make the request conditional. ``max_bytes``
        overrides the configured size cap for this request. Raises
        :class:`~aidtrack.errors.HTTPStatusError` (404, or 5xx after the
        retries), :class:`~aidtrack.errors.DownloadTooLargeError`,
        :class:`~aidtrack.errors.OfflineError` or
        :class:`~aidtrack.errors.NetworkError` (connection, timeout).
        """
        if self.is_offline:
            raise OfflineError(url)
        if not url.lower().startswith(("https://", "http://")):
            raise InvalidArgumentError("url", url, f"not an http(s) URL: {url!r}")
        cap = self.config.max_bytes if max_bytes is None else max_bytes
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        attempt = 0
        end = time.monotonic() + self.config.deadline
        while True:
            attempt += 1
            try:
                return self._attempt(url, params, headers, cap, progress, attempt, end)
            except _Retry as retry:
                if attempt > self.config.retries:
                    if retry.status is not None:
                        raise HTTPStatusError(url, retry.status, attempts=attempt, detail=retry.reason) from None
                    raise NetworkError(f"{url}: {retry.reason} (gave up after {attempt} attempts)") from None
                wait = retry.wait if retry.wait is not None else self._backoff(attempt)
                if wait > self.config.retry_after_max:
                    raise HTTPStatusError(
                        url,
                        retry.status or 0,
                        attempts=attempt,
                        detail=f"the server asks to retry after {wait:g} s, longer than the "
                        f"{self.config.retry_after_max:g} s this client waits",
                    ) from None
                if time.monotonic() + wait >= end:
                    raise NetworkError(
                        f"{url}: {retry.reason}; no time left to retry within the {self.config.deadline:g} s "
                        f"deadline (after {attempt} attempts)"
                    ) from None
                log.info("GET %s: %s; retrying in %.2f s (attempt %d)", url, retry.reason, wait, attempt + 1)
                self._sleep(wait)

    def _backoff(self, attempt: int) -> float:
        base: float = min(self.config.backoff_max, self.config.backoff * 2 ** (attempt - 1))
        return base * random.uniform(0.5, 1.0)  # jitter: several processes do not retry in step

    def _attempt(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str],
        cap: int,
        progress: ProgressCallback | None,
        attempt: int,
        end: float | None = None,
    ) -> Fetched:
        end = time.monotonic() + self.config.deadline if end is None else end
        left = end - time.monotonic()
        if left <= 0:
            raise NetworkError(f"{url}: the {self.config.deadline:g} s deadline passed before attempt {attempt}")
        watchdog = _Watchdog(left)
        late = (
            f"{url}: the download took longer than its {self.config.deadline:g} s deadline "
            "(the server is sending too slowly); giving up"
        )
        try:
            fetched = self._attempt_within(url, params, headers, cap, progress, attempt, left, watchdog)
        except (_Retry, NetworkError, requests_errors()) as exc:
            if watchdog.fired:
                raise NetworkError(late) from exc
            raise
        finally:
            watchdog.cancel()
        if watchdog.fired:  # a body without a length ends "normally" when its socket is shut down
            raise NetworkError(late)
        return fetched

    def _attempt_within(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str],
        cap: int,
        progress: ProgressCallback | None,
        attempt: int,
        left: float,
        watchdog: _Watchdog,
    ) -> Fetched:
        import requests

        timeout = (min(self.config.connect_timeout, left), min(self.config.read_timeout, left))
        try:
            with _watching(watchdog):
                resp = self.session.get(
                    url, params=params, headers=dict(headers), timeout=timeout, stream=True, verify=self.config.verify
                )
        except _Downgrade as exc:
            raise NetworkError(
                f"{url}: redirected from https to plain http ({exc.target}); refusing the downgrade"
            ) from None
        except requests.exceptions.SSLError as exc:
            raise NetworkError(f"{url}: TLS certificate check failed ({exc})") from exc
        except requests.exceptions.Timeout as exc:
            raise _Retry(f"timed out ({_short(exc)})") from exc
        except requests.exceptions.ConnectionError as exc:
            raise _Retry(f"connection failed ({_short(exc)})") from exc
        except requests.exceptions.RequestException as exc:
            raise NetworkError(f"{url}: {exc}") from exc
        with resp:
            status = resp.status_code
            retrieved = datetime.now(UTC)
            if status == 304:
                return Fetched(
                    resp.url,
                    304,
                    b"",
                    resp.headers.get("ETag") or headers.get("If-None-Match"),
                    resp.headers.get("Last-Modified") or headers.get("If-Modified-Since"),
                    resp.headers.get("Content-Type"),
                    retrieved,
                    attempt,
                )
            if status in RETRY_STATUSES:
                wait = _retry_after(resp.headers.get("Retry-After"), now=retrieved)
                raise _Retry(f"HTTP {status} {resp.reason or ''}".strip(), wait=wait, status=status)
            if status != 200:
                raise HTTPStatusError(resp.url, status, attempts=attempt, detail=resp.reason or "")
            declared = resp.headers.get("Content-Length")
            total = int(declared) if declared and declared.isdigit() else None
            if total is not None and total > cap and not resp.headers.get("Content-Encoding"):
                raise DownloadTooLargeError(url, cap, size=total)
            chunks: list[bytes] = []
            size = 0
            try:
                watchdog.watch(resp)
                for chunk in resp.iter_content(chunk_size=64 * 1024):
                    size += len(chunk)
                    if size > cap:
                        raise DownloadTooLargeError(url, cap)
                    chunks.append(chunk)
                    if progress is not None:
                        progress(size, total)
            except requests.exceptions.Timeout as exc:
                raise _Retry(f"timed out while reading the body ({_short(exc)})") from exc
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
                raise _Retry(f"the body was cut short ({_short(exc)})") from exc
            except requests.exceptions.ContentDecodingError as exc:
                raise NetworkError(f"{url}: the body could not be decoded ({_short(exc)})") from exc
            return Fetched(
                resp.url,
                200,
                b"".join(chunks),
                resp.headers.get("ETag"),
                resp.headers.get("Last-Modified"),
                resp.headers.get("Content-Type"),
                retrieved,
                attempt,
            )


def requests_errors() -> type[Exception]:
    """``requests.exceptions.RequestException`` (imported when first needed)."""
    import requests

    return requests.exceptions.RequestException


class _Downgrade(Exception):
    """Internal: a redirect from https to http."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        super().__init__(f"{source} -> {target}")


def _make_session() -> requests.Session:
    """A ``requests.Session`` that refuses https -> http redirects and lets a :class:`_Watchdog` find its sockets."""
    from urllib.parse import urljoin, urlsplit

    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class _Pool(HTTPConnectionPool):
        def _get_conn(self, timeout: float | None = None) -> Any:
            conn = super()._get_conn(timeout)
            _note_connection(conn)
            return conn

    class _SPool(HTTPSConnectionPool):
        def _get_conn(self, timeout: float | None = None) -> Any:
            conn = super()._get_conn(timeout)
            _note_connection(conn)
            return conn

    class _Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _SPool}

    class _Session(requests.Session):
        def get_redirect_target(self, resp: requests.Response) -> str | None:
            target = super().get_redirect_target(resp)
            if target is not None and resp.url.lower().startswith("https://"):
                following = urljoin(resp.url, target)
                if urlsplit(following).scheme.lower() != "https":
                    raise _Downgrade(resp.url, following)
            return target

    session = _Session()
    session.mount("https://", _Adapter())
    session.mount("http://", _Adapter())
    return session


_WATCHED = threading.local()


def _note_connection(conn: Any) -> None:
    watchdog = getattr(_WATCHED, "current", None)
    if watchdog is not None:
        watchdog.connections.append(conn)


@contextlib.contextmanager
def _watching(watchdog: _Watchdog) -> Iterator[None]:
    _WATCHED.current = watchdog
    try:
        yield
    finally:
        _WATCHED.current = None


class _Watchdog:
    """Cuts the connections of one attempt when the download's deadline passes.

    A read timeout bounds each socket read, not the whole body: a server sending one byte
    every few seconds never trips it. At the deadline the watchdog shuts the sockets down,
    which wakes the blocked read with an error.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self.connections: list[Any] = []
        self._sockets: list[Any] = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, resp: Any) -> None:
        """Watch the socket ``resp``'s body is read from (its connection may have handed it over)."""
        raw = getattr(resp, "raw", None)
        conn = getattr(raw, "connection", None)
        if conn is not None:
            self.connections.append(conn)
        # urllib3 response -> http.client response -> buffered reader -> SocketIO -> socket
        sock = getattr(getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None), "_sock", None)
        if sock is not None:
            self._sockets.append(sock)
        if self.fired:
            self._fire()

    def _fire(self) -> None:
        import socket

        self.fired = True
        socks = [*self._sockets, *(getattr(c, "sock", None) for c in self.connections)]
        for sock in socks:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


_CAUSE = re.compile(
    r"\[Errno -?\d+\] [^'\")\]]+|Name or service not known|Temporary failure in name resolution|"
    r"timed out|Connection refused|Connection reset by peer|certificate verify failed[^'\")]*"
)


def _short(exc: BaseException, limit: int = 200) -> str:
    """A network error in a few words: urllib3's innermost cause when there is one, else cut at a word.

    >>> _short(OSError("HTTPSConnectionPool(host='x.invalid', port=443): Max retries exceeded with url: / "
    ...                "(Caused by NameResolutionError(<urllib3.connection.HTTPSConnection object at 0x7f>: "
    ...                "Failed to resolve 'x.invalid' ([Errno -2] Name or service not known)))"))
    '[Errno -2] Name or service not known'
    >>> _short(OSError("word " * 60), limit=22)
    'word word word word...'
    """
    text = " ".join(str(exc).split())
    causes = _CAUSE.findall(text)
    if causes:
        return str(causes[-1]).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:(") + "..."


def _retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); ``None`` if absent/invalid.

    >>> from datetime import datetime, UTC
    >>> _retry_after("3", now=datetime(2026, 1, 1, tzinfo=UTC))
    3.0
    >>> _retry_after("Thu, 01 Jan 2026 00:00:10 GMT", now=datetime(2026, 1, 1, tzinfo=UTC))
    10.0
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


_DEFAULT: HttpClient | None = None
_DEFAULT_LOCK = threading.Lock()


def default_client() -> HttpClient:
    """The process-wide client (one Session) used by sources given no ``client=``."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = HttpClient()
        return _DEFAULT
