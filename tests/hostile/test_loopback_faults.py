"""Fault injection against a loopback mirror: every download is checked against the cache before it replaces it.

Issue 16, items 2-6: a poisoned future, a changed past, a vanished currency, an implausible jump, a tampered
manifest, a read-only or locked cache, a naive timestamp, a slow drip and an https -> http redirect.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import ssl
import subprocess
import time
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aidtrack import convert
from aidtrack.errors import CacheError, NetworkError, RateDataError, StaleRatesWarning
from aidtrack.rates.remote.cache import RateCache
from aidtrack.rates.remote.http import HttpClient, HttpConfig
from aidtrack.rates.remote.services import EcbDataPortal, EcbReferenceRates

ECB = "/stats/eurofxref/"


def _serve_zip(server: HTTPServer, body: bytes) -> str:
    """A mirror holding only the history zip (the XML files answer 404), replacing any earlier one."""
    server.clear()
    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_data(body, content_type="application/zip")
    for name in ("eurofxref-hist-90d.xml", "eurofxref-daily.xml"):
        server.expect_request(ECB + name).respond_with_data("not here", status=404)
    return server.url_for(ECB)


def _ecb(url: str, client: HttpClient, clock: Any, **kw: Any) -> EcbReferenceRates:
    return EcbReferenceRates(base_url=url, client=client, clock=clock, bundled_fallback=False, **kw)


def _days(payloads: ModuleType) -> list[Any]:
    return payloads.real_days(60) + payloads.november()


def _cached_ecb(server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType) -> tuple[str, RateCache]:
    url = _serve_zip(server, payloads.hist_zip(_days(payloads)))
    src = _ecb(url, client, clock)
    assert src.update().status == "updated"
    clock.advance(days=2)
    return url, src.cache


def _snapshot(cache: RateCache) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in cache.path.iterdir() if p.is_file() and not p.name.endswith(".lock")}


# -- the poisoned future ------------------------------------------------------------------------
def test_a_fixing_after_today_is_refused_and_never_poisons_the_cache(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url, cache = _cached_ecb(server, client, clock, payloads)
    before = _snapshot(cache)
    future = ("2030-01-02", {"USD": "1.0400", "JPY": "160.00"})
    _serve_zip(server, payloads.hist_zip([*_days(payloads), future]))
    for force in (False, True):  # a fixing dated in the future is refused even with force
        with pytest.raises(RateDataError, match=r"after today.*USD 2030-01-02"):
            _ecb(url, client, clock).update(force=force)
        assert _snapshot(cache) == before
    # the 90-day XML path too
    server.clear()
    server.expect_request(ECB + "eurofxref-hist-90d.xml").respond_with_data(
        payloads.ecb_xml([future, *payloads.november()])
    )
    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_data(payloads.hist_zip(_days(payloads)))
    with pytest.raises(RateDataError, match="after today"):
        _ecb(url, client, clock).update()
    assert _snapshot(cache) == before
    # correct data afterwards is accepted: nothing was poisoned
    good = payloads.hist_zip([*_days(payloads), ("2026-11-25", {"USD": "1.1300"})])
    _serve_zip(server, good)
    result = _ecb(url, client, clock).update(force=True)
    assert result.status == "updated" and result.entry.last_date == date(2026, 11, 25)


def test_a_cache_poisoned_by_an_older_version_is_replaced_by_the_next_update(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    from datetime import UTC, datetime

    poisoned = payloads.hist_zip([*_days(payloads), ("2030-01-02", {"USD": "1.0400"})])
    RateCache().commit(
        "ecb",
        poisoned,
        suffix="zip",
        retrieved=datetime(2026, 11, 24, tzinfo=UTC),
        first_date=date(2026, 8, 1),
        last_date=date(2030, 1, 2),
        currencies=("USD",),
    )
    url = _serve_zip(server, payloads.hist_zip(_days(payloads)))
    result = _ecb(url, client, clock).update()  # not "current": the future fixing is no reason to trust it
    assert result.status == "updated" and result.entry.last_date == date(2026, 11, 24)
    table = _ecb(url, client, clock).load()
    assert table.series("USD").last == date(2026, 11, 24)


# -- the changed past, a vanished currency, an implausible jump ---------------------------------------
def _revised(payloads: ModuleType, change: Any) -> bytes:
    days = [(d, dict(r)) for d, r in _days(payloads)]
    change(days)
    return payloads.hist_zip(days)


def test_a_changed_past_fixing_is_refused_unless_forced_and_then_reported(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url, cache = _cached_ecb(server, client, clock, payloads)
    before = _snapshot(cache)
    victim = payloads.real_days(60)[10]
    day, old = victim[0], victim[1]["USD"]

    def change(days: list[Any]) -> None:
        next(r for d, r in days if d == day)["USD"] = "9.9999"

    _serve_zip(server, _revised(payloads, change))
    with pytest.raises(RateDataError, match=rf"USD {day}: the published fixing {old} was changed to 9.9999"):
        _ecb(url, client, clock).update()
    assert _snapshot(cache) == before
    result = _ecb(url, client, clock).update(force=True)
    assert any(f"USD {day}" in c and "9.9999" in c for c in result.changes)
    assert "accepted with force" in result.describe() and "9.9999" in result.describe()


def test_a_vanished_currency_is_refused(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url, cache = _cached_ecb(server, client, clock, payloads)
    before = _snapshot(cache)

    def drop(days: list[Any]) -> None:
        for _, r in days:
            r.pop("JPY", None)

    _serve_zip(server, _revised(payloads, drop))
    with pytest.raises(RateDataError, match="JPY: in the cached data, missing from the download"):
        _ecb(url, client, clock).update()
    assert _snapshot(cache) == before


def test_a_thousandfold_jump_is_refused(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url, cache = _cached_ecb(server, client, clock, payloads)
    before = _snapshot(cache)
    body = payloads.hist_zip([*_days(payloads), ("2026-11-25", {**payloads.november()[0][1], "USD": "1118.0"})])
    _serve_zip(server, body)
    with pytest.raises(RateDataError, match=r"USD 2026-11-25: 1118.0 after .*plausibility bound"):
        _ecb(url, client, clock).update()
    assert _snapshot(cache) == before


# -- the cache stays in its folder; read-only and locked caches degrade -------------------------------
@pytest.mark.parametrize("name", ["../victim.txt", "ABSOLUTE"])
def test_a_tampered_manifest_never_touches_files_outside_the_cache(
    server: HTTPServer,
    client: HttpClient,
    clock: Any,
    payloads: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    url, cache = _cached_ecb(server, client, clock, payloads)
    victim = cache.path.parent / "victim.txt"
    victim.write_text("precious")
    doc = json.loads((cache.path / "manifest.json").read_text())
    doc["entries"]["ecb"]["file"] = str(victim) if name == "ABSOLUTE" else name
    doc["entries"]["ecb"]["sha256"] = hashlib.sha256(b"precious").hexdigest()
    (cache.path / "manifest.json").write_text(json.dumps(doc))
    with pytest.raises(CacheError, match="damaged"):
        cache.read("ecb")
    _ecb(url, client, clock).update()  # a damaged manifest is rebuilt; the victim is not "the old file"
    cache.remove("ecb")
    assert victim.read_text() == "precious"
    from aidtrack.cli.app import main

    monkeypatch.setenv("AIDTRACK_ECB_URL", url)
    assert main(["rates", "update", "--source", "ecb"], out=io.StringIO()) in (0, 1)
    assert victim.read_text() == "precious"


def test_a_locked_cache_is_used_read_only_with_a_warning(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url, cache = _cached_ecb(server, client, clock, payloads)
    clock.advance(days=1)
    lock = cache.path / "ecb.lock"
    if lock.exists():
        lock.unlink()
    lock.mkdir()  # the lock cannot be created: as with a read-only folder, even for root
    with pytest.warns(StaleRatesWarning, match="cannot take the lock"):
        table = _ecb(url, client, clock).load()
    assert table.info.stale and table.series("USD").last == date(2026, 11, 24)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file modes bind")
def test_a_read_only_cache_folder_is_used_read_only_with_a_warning(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:  # pragma: no cover - root ignores file modes
    url, cache = _cached_ecb(server, client, clock, payloads)
    clock.advance(days=1)
    for p in cache.path.iterdir():
        p.unlink() if p.name.endswith(".lock") else None
    cache.path.chmod(0o555)
    try:
        with pytest.warns(StaleRatesWarning):
            assert _ecb(url, client, clock).load().info.stale
    finally:
        cache.path.chmod(0o755)


def test_a_manifest_timestamp_without_a_time_zone_is_damage_not_a_crash(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    url, cache = _cached_ecb(server, client, clock, payloads)
    doc = json.loads((cache.path / "manifest.json").read_text())
    doc["entries"]["ecb"]["retrieved"] = "2026-11-24T17:00:00"
    (cache.path / "manifest.json").write_text(json.dumps(doc))
    with pytest.raises(CacheError, match="no time zone"):
        cache.read("ecb")
    src = _ecb(url, client, clock, offline=True)
    with pytest.raises(Exception, match="no time zone") as info:
        src.load()
    assert "TypeError" not in repr(info.value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the update replaces the damaged cache
        assert convert(1, "USD", to="EUR", on="2026-11-02", source=_ecb(url, client, clock)).result.amount > 0
    from aidtrack.cli.app import main

    main(["rates", "info"], out=io.StringIO())
    err = capsys.readouterr().err
    assert "Traceback" not in err


# -- HTTP: an overall deadline, the final URL, no downgrade -----------------------------------------------
def test_a_slow_drip_is_cut_off_at_the_overall_deadline(server: HTTPServer, payloads: ModuleType) -> None:
    def drip(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(200):
                time.sleep(0.05)
                yield b"x"

        return Response(body(), content_type="application/zip")

    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_handler(drip)
    client = HttpClient(HttpConfig(connect_timeout=2, read_timeout=2, retries=2, backoff=0.01, deadline=1.0))
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"longer than its 1 s deadline"):
        client.get(server.url_for(ECB + "eurofxref-hist.zip"))
    assert time.monotonic() - started < 3.0  # bounded by the deadline, not by 200 reads of 2 s each


def test_provenance_records_the_final_url_after_redirects(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    body = payloads.hist_zip(_days(payloads))
    server.expect_request("/moved/eurofxref-hist.zip").respond_with_data(body, content_type="application/zip")
    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_response(
        Response(status=302, headers={"Location": "/moved/eurofxref-hist.zip"})
    )
    src = _ecb(server.url_for(ECB), client, clock)
    src.update()
    info = src.load().info
    assert info.url == server.url_for("/moved/eurofxref-hist.zip")
    assert src.cache.entry("ecb").downloads[0].url == server.url_for(ECB + "eurofxref-hist.zip")  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


@pytest.mark.skipif(subprocess.run(["which", "openssl"], capture_output=True).returncode != 0, reason="no openssl")
def test_an_https_to_http_redirect_is_refused(server: HTTPServer, tls: tuple[Path, Path]) -> None:
    key, cert = tls
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    secure = HTTPServer(host="127.0.0.1", port=0, ssl_context=ctx)
    secure.start()
    try:
        server.expect_request("/plain").respond_with_data(b"from plain http")
        secure.expect_request("/data").respond_with_response(
            Response(status=301, headers={"Location": server.url_for("/plain")})
        )
        secure.expect_request("/ok").respond_with_data(b"fine")
        client = HttpClient(HttpConfig(retries=0, verify=str(cert)))
        assert client.get(secure.url_for("/ok")).content == b"fine"
        with pytest.raises(NetworkError, match="from https to plain http.*refusing the downgrade"):
            client.get(secure.url_for("/data"))
        assert [r.path for r, _ in server.log] == []  # the plain server was never asked
    finally:
        secure.stop()


# -- a Data Portal source over many currencies -------------------------------------------------------------
def test_a_data_portal_source_over_many_currencies_loads(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    codes = sorted(c for c in payloads.header() if c not in ("ISK", "RUB", "HRK", "BGN"))[:25]
    rows = [("2026-11-24", c, "1.5") for c in codes]
    server.expect_request("/service/data/EXR/D." + "+".join(codes) + ".EUR.SP00.A").respond_with_data(
        payloads.sdmx_csv(rows)
    )
    src = EcbDataPortal(codes, base_url=server.url_for("/service/"), client=client, clock=clock)
    assert len(src.key) <= 80
    table = src.load()
    assert set(codes) <= set(table.currencies)
