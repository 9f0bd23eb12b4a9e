"""The IMF (SDMX 3.0) and NBU sources against a loopback server in their wire formats: updates, conversions,
and every fault kind of the other sources leaving the cache intact."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aidtrack import Money, convert
from aidtrack.errors import HTTPStatusError, NetworkError, RateDataError, RateNotAvailableError, StaleRatesWarning
from aidtrack.rates.parsers.imf import parse_imf_sdmx_csv, parse_imf_sdmx_json
from aidtrack.rates.parsers.nbu import parse_nbu_json
from aidtrack.rates.remote.http import HttpClient, HttpConfig
from aidtrack.rates.remote.services import ImfExchangeRates, NbuRates, source_from_name
from aidtrack.rates.sources import Composite, resolve_source

IMF_PATH = "/imf/data/dataflow/IMF.STA/ER/+/U2+UKR.XDC_USD.PA_RT.A"
NBU_PATH = "/nbu/NBU_Exchange/exchange_site"


def imf_json(values: dict[str, dict[str, str]], *, freq: str = "A", transformation: str = "PA_RT") -> bytes:
    """An SDMX-JSON 2.0 data message as the IMF's SDMX 3.0 API sends it: indexed dimensions and observations."""
    countries = sorted(values)
    periods = sorted({p for per in values.values() for p in per})
    series = {
        f"{countries.index(c)}:0:0:0": {
            "attributes": [],
            "observations": {str(periods.index(p)): [v] for p, v in sorted(values[c].items())},
        }
        for c in countries
    }
    doc = {
        "meta": {"schema": "https://json.sdmx.org/2.0.0/sdmx-json-data-schema.json"},
        "data": {
            "dataSets": [{"action": "Information", "series": series}],
            "structures": [
                {
                    "dimensions": {
                        "series": [
                            {"id": "COUNTRY", "values": [{"id": c, "name": c} for c in countries]},
                            {"id": "INDICATOR", "values": [{"id": "XDC_USD", "name": "Domestic currency per USD"}]},
                            {"id": "TYPE_OF_TRANSFORMATION", "values": [{"id": transformation}]},
                            {"id": "FREQUENCY", "values": [{"id": freq}]},
                        ],
                        "observation": [{"id": "TIME_PERIOD", "values": [{"value": p} for p in periods]}],
                    }
                }
            ],
        },
    }
    return json.dumps(doc).encode()


GOOD_IMF = imf_json({"UKR": {"2023": "36.5686", "2024": "40.152082715"}, "U2": {"2023": "0.9248", "2024": "0.9239"}})


def nbu_json(currency: str, days: list[tuple[str, str]]) -> bytes:
    """The range endpoint's array (``exchange_site``): one object per day, rate per ``units`` units."""
    return json.dumps(
        [
            {
                "exchangedate": d,
                "r030": 840 if currency == "USD" else 978,
                "cc": currency,
                "txt": "x",
                "enname": "x",
                "rate": float(r),
                "units": 1,
                "rate_per_unit": float(r),
                "group": "1",
                "calcdate": d,
            }
            for d, r in days
        ]
    ).encode()


NBU_USD = nbu_json("USD", [("22.11.2026", "41.50"), ("23.11.2026", "41.55"), ("24.11.2026", "41.6012")])
NBU_EUR = nbu_json("EUR", [("22.11.2026", "45.10"), ("23.11.2026", "45.20"), ("24.11.2026", "45.3301")])


def _nbu_handler(usd: bytes, eur: bytes) -> Any:
    def handler(request: Request) -> Response:
        return Response(usd if request.args.get("valcode") == "usd" else eur, content_type="application/json")

    return handler


# -- parsers --------------------------------------------------------------------------------------------
def test_imf_sdmx_json_and_csv_give_the_same_period_table() -> None:
    t = parse_imf_sdmx_json(GOOD_IMF)
    assert (t.base, t.frequency, t.info.measure, t.info.attribution) == (
        "USD", "A", "average", "Source: International Monetary Fund."
    )  # fmt: skip
    assert t.series("UAH").raw == ["36.5686", "40.152082715"] and t.series("EUR").raw == ["0.9248", "0.9239"]
    csv_body = (
        b"STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE\n"
        b"dataflow,IMF.STA:ER(4.0.1),I,UKR: Ukraine,XDC_USD,PA_RT,A,2024,40.152082715\n"
        b"dataflow,IMF.STA:ER(4.0.1),I,UKR: Ukraine,XDC_USD,PA_RT,A,2023,36.5686\n"
        b"dataflow,IMF.STA:ER(4.0.1),I,DEU,XDC_USD,PA_RT,A,2024,0.9239\n"  # a euro member: not the issuer, skipped
    )
    c = parse_imf_sdmx_csv(csv_body)
    assert c.series("UAH").raw == ["36.5686", "40.152082715"] and "EUR" not in c.currencies
    monthly = parse_imf_sdmx_json(imf_json({"UKR": {"2024-M06": "40.5"}}, freq="M", transformation="EOP_RT"))
    assert (monthly.frequency, monthly.info.measure) == ("M", "end_of_period")
    assert convert(1000, "UAH", to="USD", on="2024-06-30", policy="exact", source=monthly).result.amount > 0
    with pytest.raises(RateNotAvailableError, match="end-of-period rate"):
        convert(1000, "UAH", to="USD", on="2024-06-15", policy="exact", source=monthly)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"<html>busy</html>", "HTML page"),
        (GOOD_IMF[: len(GOOD_IMF) // 2], "malformed JSON"),
        (b'{"data": {}}', "not an SDMX-JSON data message"),
        (imf_json({"UKR": {"2024": "abc"}}), "invalid OBS_VALUE"),
        (imf_json({"UKR": {"2024-M06": "1"}}), "does not match FREQUENCY"),
    ],
)
def test_imf_parser_refuses_bad_bodies(body: bytes, message: str) -> None:
    with pytest.raises(RateDataError, match=message):
        parse_imf_sdmx_json(body)


def test_nbu_parser() -> None:
    t = parse_nbu_json(NBU_USD)
    assert t.base == "UAH" and t.quoted_in_base and t.series("USD").raw[-1] == "41.6012"
    # the one-day endpoint: rate per one unit, no units field; metals skipped
    one = parse_nbu_json(
        '[{"r030":840,"txt":"Долар США","rate":41.1234,"cc":"USD","exchangedate":"09.01.2025"},'
        '{"r030":959,"txt":"Золото","rate":110000.5,"cc":"XAU","exchangedate":"09.01.2025"}]'.encode()
    )
    assert one.currencies == ("UAH", "USD")
    c = convert(1_000_000_000, "UAH", to="USD", on="2025-01-09", source=one)
    assert c.result.amount == (Decimal(10**9) / Decimal("41.1234")).quantize(Decimal("0.01"))
    assert c.legs[0].published == Decimal("41.1234")
    for bad, message in [(b"{}", "expected a JSON array"), (b'[{"cc": "USD", "exchangedate": "2025-01-09",'
                         b' "rate": 1}]', "not DD.MM.YYYY"), (NBU_USD[:40], "malformed JSON")]:  # fmt: skip
        with pytest.raises(RateDataError, match=message):
            parse_nbu_json(bad)


# -- the sources against the loopback server ------------------------------------------------------------
def _imf(server: HTTPServer, client: HttpClient, clock: Any, **kw: Any) -> ImfExchangeRates:
    return ImfExchangeRates(["UAH", "EUR"], base_url=server.url_for("/imf/"), client=client, clock=clock, **kw)


def _nbu(server: HTTPServer, client: HttpClient, clock: Any, **kw: Any) -> NbuRates:
    return NbuRates(base_url=server.url_for("/nbu/"), client=client, clock=clock, start="2026-11-01", **kw)


def test_imf_update_and_convert_with_attribution(server: HTTPServer, client: HttpClient, clock: Any) -> None:
    server.expect_request(IMF_PATH).respond_with_data(GOOD_IMF, content_type="application/json")
    src = _imf(server, client, clock)
    assert src.update().status == "updated"
    c = convert(1_000_000_000, "UAH", to="USD", on="2024-06-30", policy="annual_mean", source=src)
    assert c.result == Money("24905308.33", "USD")
    assert c.source is not None and c.source.key == src.key and "TIME_PERIOD" in (c.source.url or "")
    assert c.source.attribution == "Source: International Monetary Fund."
    assert convert(100, "UAH", to="EUR", on="2024-06-30", policy="annual_mean", source=src).legs[0].period
    # a named composite falls back to the bundled table for what the download lacks
    both = Composite([src, "imf-bundled"])
    assert convert(1, "KES", to="USD", on="2020-06-30", policy="annual_mean", source=both).source.key == "imf-bundled"


def test_nbu_update_and_convert(server: HTTPServer, client: HttpClient, clock: Any) -> None:
    server.expect_request(NBU_PATH).respond_with_handler(_nbu_handler(NBU_USD, NBU_EUR))
    src = _nbu(server, client, clock)
    seen = len(server.log)  # older pytest-httpserver releases keep earlier tests' requests in the log
    assert src.update().status == "updated"
    c = convert(1_000_000_000, "UAH", to="USD", on="2026-11-24", source=src)
    assert c.result.amount == (Decimal(10**9) / Decimal("41.6012")).quantize(Decimal("0.01"))
    assert c.fixing_dates == (date(2026, 11, 24),)
    eur = convert(1_000_000_000, "UAH", to="EUR", on="2026-11-24", source=src)  # a cross rate through UAH
    assert eur.result.amount == (Decimal(10**9) / Decimal("45.3301")).quantize(Decimal("0.01"))
    # this test's NBU requests only (a request of an earlier test may still arrive on the shared server)
    log = [r for r, _ in server.log[seen:] if r.path.endswith("exchange_site")]
    requests = [r.args.get("valcode") for r in log]
    assert sorted(requests) == ["eur", "usd"] and all(r.args.get("start") == "20261101" for r in log)


def _slow(_: Request) -> Response:
    time.sleep(0.5)
    return Response(b"too late")


FAULTS: dict[str, tuple[Any, type[Exception], str]] = {
    "500 forever": (lambda r: r.respond_with_data("oops", status=500), HTTPStatusError, "HTTP 500"),
    "429 forever": (
        lambda r: r.respond_with_data("slow", status=429, headers={"Retry-After": "0"}),
        HTTPStatusError,
        "HTTP 429",
    ),
    "timeout": (lambda r: r.respond_with_handler(_slow), NetworkError, "timed out"),
    "malformed": (lambda r: r.respond_with_data(b'{"data": {"dataSets": ['), RateDataError, "malformed JSON"),
    "truncated": (None, RateDataError, "malformed JSON"),
    "html with 200": (
        lambda r: r.respond_with_data("<!DOCTYPE html><html>Maintenance</html>", content_type="text/html"),
        RateDataError,
        "HTML page",
    ),
    "empty": (lambda r: r.respond_with_data(b""), RateDataError, "empty"),
}


@pytest.mark.parametrize("which", ["imf", "nbu"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_fault_leaves_the_cache_intact(
    server: HTTPServer, clock: Any, sleeps: Any, which: str, fault: str
) -> None:
    client = HttpClient(HttpConfig(connect_timeout=1, read_timeout=0.2, retries=2, backoff=0), sleep=sleeps)
    path, good = (IMF_PATH, GOOD_IMF) if which == "imf" else (NBU_PATH, NBU_USD)
    make = _imf if which == "imf" else (lambda s, c, k, **kw: _nbu(s, c, k, currencies=["USD"], **kw))
    server.expect_request(path).respond_with_data(good, content_type="application/json")
    src = make(server, client, clock)
    src.update()
    before = src.cache.entry(src.key)
    first = src.cache.read(src.key)
    assert first is not None
    server.clear()
    respond, error, message = FAULTS[fault]
    if respond is None:
        server.expect_request(path).respond_with_data(good[: len(good) // 2])
    else:
        respond(server.expect_request(path))
    broken = make(server, client, clock, staleness="0")
    with pytest.raises(error, match=message):
        broken.update(force=True)
    assert broken.cache.entry(src.key) == before
    cached = broken.cache.read(src.key)
    assert cached is not None and cached.data == first.data
    on, policy = ("2024-06-30", "annual_mean") if which == "imf" else ("2026-11-24", "daily")
    with pytest.warns(StaleRatesWarning, match="using cached rates"):
        c = convert(1_000_000_000, "UAH", to="USD", on=on, policy=policy, source=broken)
    rate = Decimal("40.152082715") if which == "imf" else Decimal("41.6012")
    assert c.result.amount == (Decimal(10**9) / rate).quantize(Decimal("0.01"))
    assert c.source is not None and c.source.stale


@pytest.mark.parametrize("which", ["imf", "nbu"])
def test_5xx_then_success_and_429_then_success(server: HTTPServer, client: HttpClient, clock: Any, sleeps: Any,
                                               which: str) -> None:  # fmt: skip
    path, good = (IMF_PATH, GOOD_IMF) if which == "imf" else (NBU_PATH, NBU_USD)
    server.expect_ordered_request(path).respond_with_data("x", status=500)
    server.expect_ordered_request(path).respond_with_data("x", status=503)
    server.expect_ordered_request(path).respond_with_data(good)
    src = _imf(server, client, clock) if which == "imf" else _nbu(server, client, clock, currencies=["USD"])
    assert src.update().status == "updated"
    server.clear()
    server.expect_ordered_request(path).respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    server.expect_ordered_request(path).respond_with_data(good)
    assert src.update(force=True).status == "updated"
    assert 1.0 in sleeps.waits


def test_names_and_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("AIDTRACK_CACHE_DIR", str(tmp_path))
    assert isinstance(source_from_name("imf", offline=True), ImfExchangeRates)
    assert isinstance(resolve_source("nbu", offline=True), NbuRates)
    with pytest.raises(Exception, match="offline mode"):
        convert(1, "UAH", to="USD", on="2024-06-30", policy="annual_mean", source=resolve_source("imf", offline=True))
