"""Fixtures for the live-rate tests: a real HTTP server on 127.0.0.1 and payloads in each service's format.

The ECB payloads are cut from the bundled ``eurofxref-hist.zip`` (real rows), extended
with synthetic November 2026 fixings; the XML, SDMX CSV, Valet and Frankfurter bodies
follow ``formats.md``.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from pytest_httpserver import HTTPServer

import aidtrack
from aidtrack.rates.remote.http import HttpClient, HttpConfig

BUNDLED_ZIP = Path(aidtrack.__file__).parent / "data" / "eurofxref-hist.zip"
ECB_PATH = "/stats/eurofxref/"
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
Day = tuple[str, dict[str, str]]


@cache
def _csv_lines() -> tuple[str, ...]:
    with zipfile.ZipFile(BUNDLED_ZIP) as z:
        return tuple(z.read("eurofxref-hist.csv").decode("ascii").splitlines())


def header() -> list[str]:
    return _csv_lines()[0].split(",")[1:-1]


def real_days(n: int, *, until: str = "2026-10-30") -> list[Day]:
    """The newest ``n`` real fixing days up to ``until``, newest first, without N/A."""
    cols = header()
    out: list[Day] = []
    for line in _csv_lines()[1:]:
        fields = line.split(",")
        if fields[0] > until:
            continue
        out.append((fields[0], {c: v for c, v in zip(cols, fields[1:-1], strict=True) if v != "N/A"}))
        if len(out) == n:
            break
    return out


def november(until: str = "2026-11-24") -> list[Day]:
    """Synthetic fixings for the weekdays 2026-11-02 .. ``until``, newest first (USD moves, others as on 10-30)."""
    base = real_days(1)[0][1]
    days: list[Day] = []
    d, i = date(2026, 11, 2), 0
    while d.isoformat() <= until:
        if d.weekday() < 5:
            days.append((d.isoformat(), {**base, "USD": f"1.{1180 + i}"}))
            i += 1
        d += timedelta(days=1)
    return days[::-1]


def hist_csv(days: Sequence[Day]) -> bytes:
    """A history CSV (ECB layout: newest first, N/A, trailing commas) of ``days``."""
    cols = header()
    lines = ["Date," + "".join(f"{c}," for c in cols)]
    for d, rates in sorted(days, reverse=True):
        lines.append(d + "," + "".join(f"{rates.get(c, 'N/A')}," for c in cols))
    return ("\n".join(lines) + "\n").encode()


def hist_zip(days: Sequence[Day]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("eurofxref-hist.csv", hist_csv(days))
    return buf.getvalue()


def ecb_xml(days: Sequence[Day], *, quote: str = '"') -> bytes:
    """A ``gesmes:Envelope`` like eurofxref-hist-90d.xml / eurofxref-daily.xml (newest first)."""
    q = quote
    parts = [
        f"<?xml version={q}1.0{q} encoding={q}UTF-8{q}?>",
        f"<gesmes:Envelope xmlns:gesmes={q}http://www.gesmes.org/xml/2002-08-01{q} "
        f"xmlns={q}http://www.ecb.int/vocabulary/2002-08-01/eurofxref{q}>",
        "\t<gesmes:subject>Reference rates</gesmes:subject>",
        "\t<gesmes:Sender>\n\t\t<gesmes:name>European Central Bank</gesmes:name>\n\t</gesmes:Sender>",
        "\t<Cube>",
    ]
    for d, rates in sorted(days, reverse=True):
        parts.append(f"\t\t<Cube time={q}{d}{q}>")
        parts += [f"\t\t\t<Cube currency={q}{c}{q} rate={q}{r}{q}/>" for c, r in rates.items()]
        parts.append("\t\t</Cube>")
    parts += ["\t</Cube>", "</gesmes:Envelope>"]
    return ("\n".join(parts) + "\n").encode()


SDMX_FULL_HEADER = (
    "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,OBS_CONF,OBS_PRE_BREAK,"
    "OBS_COM,TIME_FORMAT,BREAKS,COLLECTION,COMPILING_ORG,DISS_ORG,DOM_SER_IDS,PUBL_ECB,PUBL_MU,PUBL_PUBLIC,"
    "UNIT_INDEX_BASE,COMPILATION,COVERAGE,DECIMALS,NAT_TITLE,SOURCE_AGENCY,SOURCE_PUB,TITLE,TITLE_COMPL,UNIT,UNIT_MULT"
)


def sdmx_csv(rows: Sequence[tuple[str, str, str]], *, freq: str = "D", dataonly: bool = False) -> bytes:
    """SDMX CSV of (period, currency, value) rows, oldest first, full or ``detail=dataonly`` columns."""
    out = []
    if dataonly:
        out.append("KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE")
        for p, c, v in sorted(rows):
            out.append(f"EXR.{freq}.{c}.EUR.SP00.A,{freq},{c},EUR,SP00,A,{p},{v}")
    else:
        out.append(SDMX_FULL_HEADER)
        for p, c, v in sorted(rows):
            title = f'"ECB reference exchange rate, {c}/Euro, 2.15 pm (C.E.T.)"'
            tf = {"D": "P1D", "M": "P1M", "A": "P1Y"}[freq]
            out.append(
                f"EXR.{freq}.{c}.EUR.SP00.A,{freq},{c},EUR,SP00,A,{p},{v},A,F,,,{tf},,A,,,,,,,99Q1=100,,,4,,4F0,,"
                f"{c}/Euro ECB reference exchange rate,{title},{c},0"
            )
    return ("\n".join(out) + "\n").encode()


def valet_json(days: Sequence[tuple[str, dict[str, object]]]) -> bytes:
    """A Valet observations response; values may be strings, numbers or {"e": code} dicts."""
    series = sorted({s for _, obs in days for s in obs})
    doc = {
        "terms": {"url": "https://www.bankofcanada.ca/terms/"},
        "seriesDetail": {
            s: {"label": f"{s[2:5]}/CAD", "description": f"{s[2:5]} to Canadian dollar daily exchange rate"}
            for s in series
        },
        "observations": [
            {"d": d, **{s: (v if isinstance(v, dict) else {"v": v}) for s, v in obs.items()}} for d, obs in days
        ],
    }
    return json.dumps(doc).encode()


def frankfurter_json(days: Sequence[Day], *, base: str = "EUR") -> bytes:
    """A Frankfurter v1 time-series body; rates written as JSON numbers."""
    ds = sorted(d for d, _ in days)
    rates = ", ".join(f'"{d}": {{' + ", ".join(f'"{c}": {r}' for c, r in rs.items()) + "}" for d, rs in sorted(days))
    return (
        f'{{"amount": 1.0, "base": "{base}", "start_date": "{ds[0]}", "end_date": "{ds[-1]}", "rates": {{{rates}}}}}'
    ).encode()


@pytest.fixture(scope="session")
def _loopback_server() -> Iterator[HTTPServer]:
    """One threaded server on 127.0.0.1 for the session (stopping one takes half a second)."""
    s = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def server(_loopback_server: HTTPServer) -> Iterator[HTTPServer]:
    """The loopback server with no handlers and an empty log (threaded: a slow handler blocks nothing)."""
    _loopback_server.clear()
    yield _loopback_server
    _loopback_server.clear()


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@dataclass
class Sleeps:
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sleeps: Sleeps) -> HttpClient:
    """Quick limits and no real waiting between retries (the waits are recorded instead)."""
    return HttpClient(
        HttpConfig(connect_timeout=2, read_timeout=2, retries=2, backoff=0.01, backoff_max=0.05, retry_after_max=5),
        sleep=sleeps,
    )


@pytest.fixture
def payloads() -> ModuleType:
    """This module, so tests can call the payload builders (``payloads.hist_zip(...)``)."""
    return sys.modules[__name__]
