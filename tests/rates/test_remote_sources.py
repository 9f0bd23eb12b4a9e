"""The cached network sources against a loopback mirror: updates, precedence, every fault leaving the cache intact."""

from __future__ import annotations

import hashlib
import io
import socket
import time
import warnings
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aidtrack import convert
from aidtrack.errors import (
    HTTPStatusError,
    NetworkError,
    RateDataError,
    RateNotAvailableError,
    RatesUnavailableError,
    StaleRatesWarning,
)
from aidtrack.money import Money
from aidtrack.policy import compare_means
from aidtrack.rates.bundled import bundled_table
from aidtrack.rates.parsers.sdmx import OfficialAverages
from aidtrack.rates.remote.http import HttpClient, HttpConfig
from aidtrack.rates.remote.services import (
    BankOfCanadaValet,
    EcbDataPortal,
    EcbOfficialAverages,
    EcbReferenceRates,
    Frankfurter,
    source_from_name,
)

ECB = "/stats/eurofxref/"


def _conditional(body: bytes, etag: str, content_type: str = "application/octet-stream") -> Any:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag, "Last-Modified": "Tue, 24 Nov 2026 15:00:00 GMT"},
                        content_type=content_type)  # fmt: skip

    return handler


def _mirror(
    server: HTTPServer, *, zip_: bytes | None = None, d90: bytes | None = None, daily: bytes | None = None
) -> str:
    for name, body in (("eurofxref-hist.zip", zip_), ("eurofxref-hist-90d.xml", d90), ("eurofxref-daily.xml", daily)):
        if body is not None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:12] + '"'
            server.expect_request(ECB + name).respond_with_handler(_conditional(body, etag))
    return server.url_for(ECB)


def _paths(server: HTTPServer) -> list[str]:
    return [req.path.rsplit("/", 1)[-1] for req, _ in server.log]


def _ecb(url: str, client: HttpClient, clock: Any, **kw: Any) -> EcbReferenceRates:
    return EcbReferenceRates(base_url=url, client=client, clock=clock, **kw)


def _extended(payloads: ModuleType) -> bytes:
    return payloads.hist_zip(payloads.real_days(250) + payloads.november())


# -- the "done when" -------------------------------------------------------------------------
def test_update_extends_the_range_and_conversions_carry_the_new_source(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    body = _extended(payloads)
    src = _ecb(_mirror(server, zip_=body), client, clock)
    with pytest.raises(RateNotAvailableError, match="after the end of the data"):
        convert(1000, "USD", to="EUR", on="2026-11-20")  # the bundled snapshot stops at 2026-10-30
    result = src.update()
    assert result.status == "updated" and result.previous_last_date is None
    assert result.entry.last_date == date(2026, 11, 24)
    assert result.downloaded_bytes == len(body)
    c = convert(1000, "USD", to="EUR", on="2026-11-20", source=src)
    assert c.fixing_dates == (date(2026, 11, 20),)
    assert c.result == Money((Decimal(1000) / Decimal("1.1194")).quantize(Decimal("0.01")), "EUR")
    info = c.source
    assert info is not None
    assert (info.key, info.name, info.stale, info.fallback) == ("ecb", "ECB euro reference rates", False, None)
    assert info.url == server.url_for(ECB + "eurofxref-hist.zip")
    assert info.retrieved == clock.now
    assert info.sha256 == hashlib.sha256(body).hexdigest()
    assert info.cache_path is not None and Path(info.cache_path).is_file()
    assert info.last_date == date(2026, 11, 24)
    d = c.to_dict()["source"]
    assert d["key"] == "ecb" and d["url"].startswith("http://127.0.0.1:")


def test_a_fresh_cache_answers_without_the_network(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url = _mirror(server, zip_=_extended(payloads))
    _ecb(url, client, clock).update()
    server.clear()
    clock.advance(hours=11)
    table = _ecb(url, client, clock).load()
    assert table.info.last_date == date(2026, 11, 24) and not table.info.stale
    assert server.log == []


# -- incremental updates ------------------------------------------------------------------------
def test_the_90_day_xml_is_merged_into_the_cached_history(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url = _mirror(server, zip_=payloads.hist_zip(payloads.real_days(250)))
    src = _ecb(url, client, clock)
    src.update()
    server.clear()
    _mirror(server, d90=payloads.ecb_xml(payloads.real_days(40) + payloads.november(), quote="'"))
    result = src.update()
    assert result.status == "updated" and result.previous_last_date == date(2026, 10, 30)
    assert _paths(server) == ["eurofxref-hist-90d.xml"]
    table = src.load()
    assert table.info.first_date == date.fromisoformat(payloads.real_days(250)[-1][0])
    assert table.info.last_date == date(2026, 11, 24)
    assert table.info.url == server.url_for(ECB + "eurofxref-hist-90d.xml")
    assert convert(1, "EUR", to="USD", on="2026-11-24", source=src).rate == Decimal("1.1196")
    assert "updated" in result.describe() and "(was to 2026-10-30)" in result.describe()


def test_the_daily_xml_when_one_fixing_is_missing(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    clock.now = datetime(2026, 11, 24, 17, 0, tzinfo=clock.now.tzinfo)
    url = _mirror(server, zip_=payloads.hist_zip(payloads.real_days(30) + payloads.november(until="2026-11-23")))
    src = _ecb(url, client, clock)
    src.update()
    server.clear()
    _mirror(server, daily=payloads.ecb_xml(payloads.november()[:1]))
    assert src.update().status == "updated"
    assert _paths(server) == ["eurofxref-daily.xml"]
    assert src.load().info.last_date == date(2026, 11, 24)


@pytest.mark.parametrize("problem", ["gap", "conflict"])
def test_an_update_that_does_not_fit_falls_back_to_the_full_history(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType, problem: str
) -> None:
    url = _mirror(server, zip_=payloads.hist_zip(payloads.real_days(250)))
    src = _ecb(url, client, clock)
    src.update()
    server.clear()
    if problem == "gap":
        xml_days = payloads.november()[:-1]  # starts 11-03: Monday 11-02 would be missing
    else:
        d, rates = payloads.real_days(1)[0]
        xml_days = [(d, {**rates, "USD": "1.2000"}), *payloads.november()]  # contradicts the 10-30 fixing
    _mirror(server, zip_=_extended(payloads), d90=payloads.ecb_xml(xml_days))
    assert src.update().status == "updated"
    assert _paths(server) == ["eurofxref-hist-90d.xml", "eurofxref-hist.zip"]
    assert src.load().info.last_date == date(2026, 11, 24)


def test_a_mirror_without_the_xml_files_gets_the_zip(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url = _mirror(server, zip_=payloads.hist_zip(payloads.real_days(250)))
    src = _ecb(url, client, clock)
    src.update()
    server.clear()
    _mirror(server, zip_=_extended(payloads))  # the mirror answers 404 for the XML (a 500 would not be skipped)
    server.expect_request(ECB + "eurofxref-hist-90d.xml").respond_with_data("not here", status=404)
    assert src.update().status == "updated"
    assert _paths(server) == ["eurofxref-hist-90d.xml", "eurofxref-hist.zip"]


def test_conditional_get_not_modified(server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType) -> None:
    url = _mirror(server, zip_=payloads.hist_zip(payloads.real_days(250)))
    src = _ecb(url, client, clock)
    src.update()
    server.clear()
    _mirror(server, d90=payloads.ecb_xml(payloads.real_days(40) + payloads.november()))
    assert src.update().status == "updated"
    entry = src.cache.entry("ecb")
    clock.advance(days=1)
    result = src.update()
    assert result.status == "not_modified"
    assert server.log[-1][0].headers["If-None-Match"]
    assert server.log[-1][1].status_code == 304
    assert result.entry.retrieved == clock.now and entry is not None and result.entry.sha256 == entry.sha256


def test_force_downloads_unconditionally(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    src = _ecb(_mirror(server, zip_=_extended(payloads)), client, clock)
    src.update()
    assert src.update(force=True).status == "updated"
    assert "If-None-Match" not in server.log[-1][0].headers and server.log[-1][1].status_code == 200


def test_no_request_when_no_newer_fixing_can_exist(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    clock.now = datetime(2026, 11, 24, 18, 0, tzinfo=clock.now.tzinfo)  # the cache already holds 11-24
    src = _ecb(_mirror(server, zip_=_extended(payloads)), client, clock)
    src.update()
    n = len(server.log)
    assert src.update().status == "current"
    assert len(server.log) == n


def test_a_download_older_than_the_cache_is_refused(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    src = _ecb(_mirror(server, zip_=_extended(payloads)), client, clock)
    src.update()
    before = src.cache.entry("ecb")
    server.clear()
    src2 = _ecb(_mirror(server, zip_=payloads.hist_zip(payloads.real_days(250))), client, clock)
    with pytest.raises(RateDataError, match="before the cached data .2026-11-24.; keeping the cache"):
        src2.update(force=True)
    assert src2.cache.entry("ecb") == before


# -- faults: the cache keeps the last good data -----------------------------------------------------
def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("eurofxref-hist.csv", b"Date,USD,\n" + b"2026-11-24,1.2,\n" * 20_000)
    return buf.getvalue()


def _slow(_: Request) -> Response:
    time.sleep(0.5)
    return Response(b"too late")


FAULTS: dict[str, tuple[Any, type[Exception], str]] = {
    "404": (lambda s: s.respond_with_data("no such file", status=404), HTTPStatusError, "HTTP 404"),
    "500 forever": (lambda s: s.respond_with_data("oops", status=500), HTTPStatusError, "HTTP 500 after 3 attempts"),
    "html with 200": (
        lambda s: s.respond_with_data("<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html"),
        RateDataError,
        "HTML page instead of rate data",
    ),
    "truncated zip": (None, RateDataError, "not a valid zip"),
    "empty body": (lambda s: s.respond_with_data(b""), RateDataError, "empty body"),
    "zip bomb": (lambda s: s.respond_with_data(_bomb()), RateDataError, "over the 50000-byte cap"),
    "xml instead of zip": (lambda s: s.respond_with_data(b"<x/>"), RateDataError, "not a valid zip"),
    "slower than the timeout": (lambda s: s.respond_with_handler(_slow), NetworkError, "timed out"),
    "connection refused": ("refused", NetworkError, "connection failed"),
}


def _refused_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}{ECB}"


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_fault_leaves_the_cache_intact(
    server: HTTPServer, clock: Any, payloads: ModuleType, fault: str, sleeps: Any
) -> None:
    client = HttpClient(HttpConfig(connect_timeout=1, read_timeout=0.2, retries=2, backoff=0), sleep=sleeps)
    good = payloads.hist_zip(payloads.real_days(15) + payloads.november())
    url = _mirror(server, zip_=good)
    src = _ecb(url, client, clock, max_unzipped_bytes=50_000)
    src.update()
    before = src.cache.entry("ecb")
    server.clear()
    respond, error, message = FAULTS[fault]
    if respond == "refused":
        url = _refused_url()
    elif respond is None:
        server.expect_request(ECB + "eurofxref-hist.zip").respond_with_data(good[: len(good) // 2])
    else:
        respond(server.expect_request(ECB + "eurofxref-hist.zip"))
    broken = _ecb(url, client, clock, max_unzipped_bytes=50_000, staleness="0")
    with pytest.raises(error, match=message):
        broken.update(force=True)
    assert broken.cache.entry("ecb") == before
    cached = broken.cache.read("ecb")
    assert cached is not None and cached.data == good
    with pytest.warns(StaleRatesWarning, match=r"using cached rates retrieved 0 seconds ago \(last fixing 2026-11-24"):
        c = convert(1000, "USD", to="EUR", on="2026-11-20", source=broken)
    assert c.result == Money("893.34", "EUR")
    assert c.source is not None and c.source.stale and c.source.key == "ecb"
    assert c.source.fallback is not None and c.source.fallback.startswith("stale cache: network:")
    assert "ECB euro reference rates (stale cache), data to 2026-11-24" in c.explain()
    with pytest.raises(RateNotAvailableError, match=r"in ECB euro reference rates \(stale cache\): the date is after"):
        convert(1000, "USD", to="EUR", on="2026-11-26", source=broken)


def test_500_then_503_then_success_updates(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    body = _extended(payloads)
    server.expect_ordered_request(ECB + "eurofxref-hist.zip").respond_with_data("x", status=500)
    server.expect_ordered_request(ECB + "eurofxref-hist.zip").respond_with_data("x", status=503)
    server.expect_ordered_request(ECB + "eurofxref-hist.zip").respond_with_data(body)
    src = _ecb(server.url_for(ECB), client, clock)
    assert src.update().status == "updated"
    assert src.load().info.last_date == date(2026, 11, 24)


def test_429_with_retry_after_then_success(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType, sleeps: Any
) -> None:
    server.expect_ordered_request(ECB + "eurofxref-hist.zip").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    server.expect_ordered_request(ECB + "eurofxref-hist.zip").respond_with_data(_extended(payloads))
    assert _ecb(server.url_for(ECB), client, clock).update().status == "updated"
    assert sleeps.waits == [1.0]


def test_malformed_xml_leaves_the_cache_intact(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    src = _ecb(_mirror(server, zip_=payloads.hist_zip(payloads.real_days(250))), client, clock)
    src.update()
    before = src.cache.entry("ecb")
    server.clear()
    server.expect_request(ECB + "eurofxref-hist-90d.xml").respond_with_data(b"<gesmes:Envelope><Cube time=")
    with pytest.raises(RateDataError, match="not well-formed XML"):
        src.update()
    assert src.cache.entry("ecb") == before
    assert src.cached() is not None


SINGLE_FILE = {
    "ecb-sdmx (malformed CSV)": (
        lambda url, **kw: EcbDataPortal(base_url=url, **kw),
        "/service/data/EXR/D..EUR.SP00.A",
        lambda p: p.sdmx_csv([("2026-11-20", "USD", "1.1194"), ("2026-11-20", "CAD", "1.6")], dataonly=True),
        b"KEY,FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nEXR.D.USD.EUR.SP00.A,D,USD,EUR,2026-11-20\n",
        "expected 6 fields",
    ),
    "boc (malformed JSON)": (
        lambda url, **kw: BankOfCanadaValet(base_url=url, **kw),
        "/valet/observations/group/FX_RATES_DAILY/json",
        lambda p: p.valet_json([("2026-11-20", {"FXUSDCAD": "1.3678", "FXEURCAD": "1.6009"})]),
        b'{"observations": [{"d": "2026-11-20", "FXUSDCAD": {"v": "1.36',
        "malformed JSON",
    ),
    "frankfurter (malformed JSON)": (
        lambda url, **kw: Frankfurter(base_url=url, **kw),
        "/v1/1999-01-04..",
        lambda p: p.frankfurter_json([("2026-11-20", {"USD": "1.1194", "CAD": "1.6"})]),
        b'{"amount": 1.0, "base": "EUR", "rates": ',
        "malformed JSON",
    ),
}


@pytest.mark.parametrize("case", list(SINGLE_FILE))
def test_other_sources_update_convert_and_survive_malformed_data(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType, case: str
) -> None:
    make, path, good, bad, message = SINGLE_FILE[case]
    server.expect_request(path).respond_with_data(good(payloads))
    url = server.url_for(path.split("/")[1] + "/")
    src = make(url, client=client, clock=clock)
    assert src.update().status == "updated"
    c = convert(1000, "EUR", to="USD", on="2026-11-20", source=src)
    assert c.source is not None and c.source.key == src.key and c.source.url.startswith(url)
    if src.key == "boc":
        assert c.result == Money("1170.42", "USD")  # 1000 × 1.6009 / 1.3678
    else:
        assert c.result == Money("1119.40", "USD")
    before = src.cache.entry(src.key)
    server.clear()
    server.expect_request(path).respond_with_data(bad)
    with pytest.raises(RateDataError, match=message):
        src.update(force=True)
    assert src.cache.entry(src.key) == before
    stale = make(url, client=client, clock=clock, staleness="0")
    with pytest.warns(StaleRatesWarning, match="using cached rates"):
        again = convert(1000, "EUR", to="USD", on="2026-11-20", source=stale)
    assert again.result == c.result and again.source is not None and again.source.stale


def test_sdmx_request_and_official_averages(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    server.expect_request("/service/data/EXR/D.CAD+USD.EUR.SP00.A").respond_with_data(
        payloads.sdmx_csv([("2026-11-20", "USD", "1.1194")])
    )
    server.expect_request("/service/data/EXR/M..EUR.SP00.A").respond_with_data(
        payloads.sdmx_csv([("2025-01", "USD", "1.0354"), ("2025-01", "NOK", "11.7290")], freq="M")
    )
    url = server.url_for("/service/")
    daily = EcbDataPortal(["USD", "cad"], start="2026-11-01", base_url=url, client=client, clock=clock)
    assert daily.key == "ecb-sdmx-cad-usd"
    daily.update()
    args = server.log[0][0].args
    assert (args["format"], args["startPeriod"], args["detail"]) == ("csvdata", "2026-11-01", "dataonly")
    avg_src = EcbOfficialAverages("M", base_url=url, client=client, clock=clock)
    assert avg_src.key == "ecb-sdmx-monthly"
    avg = avg_src.load()
    assert isinstance(avg, OfficialAverages) and avg.info.key == "ecb-sdmx-monthly" and avg.info.retrieved
    checks = {c.currency: c for c in compare_means(avg, bundled_table())}
    assert checks["USD"].matches and checks["USD"].official == Decimal("1.0354")
    assert checks["NOK"].computed.quantize(Decimal("0.0001")) == checks["NOK"].rounded


# -- precedence ----------------------------------------------------------------------------------------
def test_no_cache_and_no_network_falls_back_to_the_bundled_snapshot(client: HttpClient, clock: Any) -> None:
    src = _ecb(_refused_url(), client, clock)
    with pytest.warns(
        StaleRatesWarning, match=r"using the bundled ECB snapshot \(last fixing 2026-10-30, 26 days ago\)"
    ):
        table = src.load()
    assert table.info.key == "ecb-bundled" and table.info.stale
    assert table.info.fallback is not None and "bundled snapshot instead of ecb" in table.info.fallback
    assert convert(1000, "USD", to="EUR", on="2025-01-09", source=src).source == table.info
    assert not bundled_table().info.stale  # the shared bundled table itself is untouched


def test_nothing_can_answer_is_a_clear_error(client: HttpClient, clock: Any) -> None:
    src = BankOfCanadaValet(base_url=_refused_url(), client=client, clock=clock)
    with pytest.raises(RatesUnavailableError) as info:
        src.load()
    msg = str(info.value)
    assert "no rates available from Bank of Canada exchange rates (Valet)" in msg
    assert "cache: nothing cached" in msg and "network:" in msg and "connection failed" in msg
    assert "bundled snapshot: not used by this source" in msg
    assert len(info.value.attempts) == 3 and isinstance(info.value, LookupError)


def test_offline_mode_uses_the_stale_cache_and_never_the_network(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _mirror(server, zip_=_extended(payloads))
    _ecb(url, client, clock).update()
    server.clear()
    clock.advance(days=3)
    monkeypatch.setenv("AIDTRACK_OFFLINE", "1")
    src = _ecb(url, client, clock)
    with pytest.warns(StaleRatesWarning, match="retrieved 3 days ago.*offline mode") as record:
        table = src.load()
    assert record[0].message.used == "stale cache"  # type: ignore[union-attr]
    assert table.info.stale and table.info.last_date == date(2026, 11, 24)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert src.load() is table  # remembered: no second warning, no second attempt
    assert server.log == []


def test_a_stale_cache_is_refreshed_without_warning(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url = _mirror(server, zip_=payloads.hist_zip(payloads.real_days(250)))
    _ecb(url, client, clock).update()
    server.clear()
    _mirror(server, d90=payloads.ecb_xml(payloads.real_days(5) + payloads.november()))
    clock.advance(hours=13)
    table = _ecb(url, client, clock).load()
    assert not table.info.stale and table.info.last_date == date(2026, 11, 24)


def test_a_damaged_cache_is_replaced_by_a_full_download(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType
) -> None:
    url = _mirror(server, zip_=_extended(payloads))
    src = _ecb(url, client, clock)
    src.update()
    entry = src.cache.entry("ecb")
    assert entry is not None
    (src.cache.path / entry.file).write_bytes(b"garbage")
    table = _ecb(url, client, clock).load()
    assert table.info.last_date == date(2026, 11, 24) and not table.info.stale
    assert _paths(server)[-1] == "eurofxref-hist.zip"


def test_base_urls_by_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert EcbReferenceRates().base_url == "https://www.ecb.europa.eu/stats/eurofxref/"
    assert EcbDataPortal().base_url == "https://data-api.ecb.europa.eu/service/"
    assert BankOfCanadaValet().base_url == "https://www.bankofcanada.ca/valet/"
    assert Frankfurter().base_url == "https://api.frankfurter.dev/v1/"
    for var, cls in (
        ("AIDTRACK_ECB_URL", EcbReferenceRates),
        ("AIDTRACK_ECB_SDMX_URL", EcbDataPortal),
        ("AIDTRACK_BOC_VALET_URL", BankOfCanadaValet),
        ("AIDTRACK_FRANKFURTER_URL", Frankfurter),
    ):
        monkeypatch.setenv(var, "http://127.0.0.1:9/mirror")
        assert cls().base_url == "http://127.0.0.1:9/mirror/"
        assert cls(base_url="http://127.0.0.1:8/arg/").base_url == "http://127.0.0.1:8/arg/"
    assert source_from_name("ecb-sdmx-annual").key == "ecb-sdmx-annual"
    with pytest.raises(ValueError, match="unknown rate source 'ecbx'"):
        source_from_name("ecbx")


def test_staleness_argument(clock: Any) -> None:
    src = EcbReferenceRates(staleness="2h")
    assert src.staleness.max_age == timedelta(hours=2)
    assert EcbReferenceRates(staleness="never").staleness.max_age is None
    with pytest.raises(ValueError, match="invalid max age"):
        EcbReferenceRates(staleness="soon")
