"""HttpClient against a real server on 127.0.0.1: retries, Retry-After, timeouts, caps, conditional GET."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aidtrack.errors import (
    DownloadTooLargeError,
    HTTPStatusError,
    InvalidArgumentError,
    NetworkError,
    OfflineError,
)
from aidtrack.rates.remote.http import USER_AGENT, HttpClient, HttpConfig, offline_from_env

ZIP = "/stats/eurofxref/eurofxref-hist.zip"


def test_get_returns_body_validators_and_identifies_itself(server: HTTPServer, client: HttpClient) -> None:
    server.expect_request(ZIP).respond_with_data(
        b"data", headers={"ETag": '"v1"', "Last-Modified": "Fri, 30 Oct 2026 15:00:00 GMT"}
    )
    got = client.get(server.url_for(ZIP))
    assert got.status == 200 and got.content == b"data" and not got.not_modified
    assert got.etag == '"v1"' and got.last_modified == "Fri, 30 Oct 2026 15:00:00 GMT"
    assert got.attempts == 1
    request, _ = server.log[0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("aidtrack/0.")


def test_conditional_get_gives_not_modified(server: HTTPServer, client: HttpClient) -> None:
    server.expect_request(ZIP, headers={"If-None-Match": '"v1"'}).respond_with_data(b"", status=304)
    got = client.get(server.url_for(ZIP), etag='"v1"', last_modified="Fri, 30 Oct 2026 15:00:00 GMT")
    assert got.not_modified and got.content == b""
    assert got.etag == '"v1"'
    assert server.log[0][0].headers["If-Modified-Since"] == "Fri, 30 Oct 2026 15:00:00 GMT"


def test_5xx_then_success_is_retried_with_backoff(server: HTTPServer, client: HttpClient, sleeps: object) -> None:
    server.expect_ordered_request(ZIP).respond_with_data("boom", status=500)
    server.expect_ordered_request(ZIP).respond_with_data("busy", status=503)
    server.expect_ordered_request(ZIP).respond_with_data(b"ok")
    got = client.get(server.url_for(ZIP))
    assert got.content == b"ok" and got.attempts == 3
    waits = sleeps.waits  # type: ignore[attr-defined]
    assert len(waits) == 2 and all(0 < w <= 0.05 for w in waits)


def test_5xx_gives_up_after_the_retries(server: HTTPServer, client: HttpClient) -> None:
    server.expect_request(ZIP).respond_with_data("down", status=503)
    with pytest.raises(HTTPStatusError) as info:
        client.get(server.url_for(ZIP))
    assert info.value.status == 503 and info.value.attempts == 3
    assert "HTTP 503 after 3 attempts" in str(info.value)
    assert len(server.log) == 3
    assert isinstance(info.value, OSError)


def test_404_is_not_retried(server: HTTPServer, client: HttpClient) -> None:
    server.expect_request(ZIP).respond_with_data("missing", status=404)
    with pytest.raises(HTTPStatusError, match="HTTP 404") as info:
        client.get(server.url_for(ZIP))
    assert info.value.status == 404 and info.value.url == server.url_for(ZIP)
    assert len(server.log) == 1


def test_429_honours_retry_after(server: HTTPServer, client: HttpClient, sleeps: object) -> None:
    server.expect_ordered_request(ZIP).respond_with_data("slow down", status=429, headers={"Retry-After": "2"})
    server.expect_ordered_request(ZIP).respond_with_data(b"ok")
    assert client.get(server.url_for(ZIP)).content == b"ok"
    assert sleeps.waits == [2.0]  # type: ignore[attr-defined]


def test_429_with_a_retry_after_beyond_the_cap_fails_at_once(server: HTTPServer, client: HttpClient) -> None:
    server.expect_request(ZIP).respond_with_data("later", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(HTTPStatusError, match="retry after 3600 s, longer than the 5 s"):
        client.get(server.url_for(ZIP))
    assert len(server.log) == 1


def test_a_response_slower_than_the_read_timeout(server: HTTPServer, sleeps: object) -> None:
    def slow(_: Request) -> Response:
        time.sleep(0.6)
        return Response(b"late")

    server.expect_request(ZIP).respond_with_handler(slow)
    quick = HttpClient(HttpConfig(read_timeout=0.15, retries=1, backoff=0), sleep=lambda s: None)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="timed out.*gave up after 2 attempts"):
        quick.get(server.url_for(ZIP))
    assert time.monotonic() - started < 1.5


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


def test_connection_refused_is_retried_then_reported(client: HttpClient, sleeps: object) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/x"
    with pytest.raises(NetworkError, match=r"connection failed.*gave up after 3 attempts") as info:
        client.get(url)
    assert url in str(info.value)
    assert len(sleeps.waits) == 2  # type: ignore[attr-defined]


@pytest.fixture
def cut_short_server() -> Iterator[str]:
    """A raw server that promises 1000 bytes and closes after 10."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n0123456789")

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/eurofxref-hist.zip"
    stop.set()
    t.join()
    srv.close()


def test_a_body_cut_short_is_retried_then_reported(cut_short_server: str, client: HttpClient) -> None:
    with pytest.raises(NetworkError, match="cut short.*gave up after 3 attempts"):
        client.get(cut_short_server)


def test_size_cap_from_content_length(server: HTTPServer, client: HttpClient) -> None:
    server.expect_request(ZIP).respond_with_data(b"x" * 5000)
    with pytest.raises(DownloadTooLargeError, match="5000 bytes, over the 1000-byte download cap") as info:
        client.get(server.url_for(ZIP), max_bytes=1000)
    assert info.value.limit == 1000


def test_size_cap_applies_after_gzip_decoding(server: HTTPServer, client: HttpClient) -> None:
    bomb = gzip.compress(b"0" * 2_000_000)
    assert len(bomb) < 5000
    server.expect_request(ZIP).respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(DownloadTooLargeError, match="over the 100000-byte download cap"):
        client.get(server.url_for(ZIP), max_bytes=100_000)


def test_progress_callback_sees_the_bytes(server: HTTPServer, client: HttpClient) -> None:
    server.expect_request(ZIP).respond_with_data(b"y" * 200_000)
    seen: list[tuple[int, int | None]] = []
    client.get(server.url_for(ZIP), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (200_000, 200_000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_offline_mode_opens_no_socket(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(OfflineError, match="offline mode"):
        HttpClient(offline=True).get(server.url_for(ZIP))
    monkeypatch.setenv("AIDTRACK_OFFLINE", "1")
    with pytest.raises(OfflineError):
        HttpClient().get(server.url_for(ZIP))
    assert server.log == []


@pytest.mark.parametrize("value", ["maybe", "y", "offline", "2"])
def test_an_unreadable_offline_variable_is_an_error(
    value: str, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hostile review: 'AIDTRACK_OFFLINE=y' was read as online and the download went ahead."""
    monkeypatch.setenv("AIDTRACK_OFFLINE", value)
    with pytest.raises(InvalidArgumentError, match=f"AIDTRACK_OFFLINE must be 1, true, yes or on .*got '{value}'"):
        HttpClient().get(server.url_for(ZIP))
    assert server.log == []
    for online in ("", "0", "off", " No "):
        monkeypatch.setenv("AIDTRACK_OFFLINE", online)
        assert offline_from_env() is False
    monkeypatch.setenv("AIDTRACK_OFFLINE", " TRUE ")
    assert offline_from_env() is True


def test_configuration_is_validated() -> None:
    with pytest.raises(InvalidArgumentError, match="cannot be switched off"):
        HttpConfig(verify=False)
    with pytest.raises(InvalidArgumentError, match="read_timeout must be positive"):
        HttpConfig(read_timeout=0)
    with pytest.raises(InvalidArgumentError, match="retries must be 0 or more"):
        HttpConfig(retries=-1)
    with pytest.raises(InvalidArgumentError, match="not an http"):
        HttpClient(offline=False).get("ftp://127.0.0.1/x")


def test_the_guard_refuses_non_loopback_addresses() -> None:
    with pytest.raises(RuntimeError, match="non-loopback"):
        socket.getaddrinfo("www.ecb.europa.eu", 443)
    with pytest.raises(RuntimeError, match="non-loopback"):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
