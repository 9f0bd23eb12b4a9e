"""The pure parsers of the live sources: ECB XML, merging, SDMX CSV, Valet and Frankfurter JSON, user tables."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from types import ModuleType

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidtrack import convert
from aidtrack.amounts import RATE_CONTEXT
from aidtrack.errors import RateDataError, RateNotAvailableError
from aidtrack.money import Money
from aidtrack.policy import RatePolicy, compare_means, quote
from aidtrack.rates.bundled import bundled_table
from aidtrack.rates.parsers.ecb import (
    merge_tables,
    parse_eurofxref_csv,
    parse_eurofxref_xml,
    parse_eurofxref_zip,
    write_eurofxref_csv,
    write_eurofxref_zip,
)
from aidtrack.rates.parsers.frankfurter import parse_frankfurter_json
from aidtrack.rates.parsers.sdmx import parse_sdmx_averages, parse_sdmx_csv
from aidtrack.rates.parsers.user import rate_table_from_frame, read_rate_table_csv
from aidtrack.rates.parsers.valet import parse_valet_json, valet_quote
from aidtrack.rates.table import RateTable


# -- ECB XML ----------------------------------------------------------------------------
@pytest.mark.parametrize("q", ['"', "'"])
def test_90d_xml_parses_with_either_quote(payloads: ModuleType, q: str) -> None:
    days = payloads.real_days(64)
    t = parse_eurofxref_xml(payloads.ecb_xml(days, quote=q))
    assert t.base == "EUR"
    assert t.info.last_date == date(2026, 10, 30)
    assert t.info.first_date == date.fromisoformat(days[-1][0])
    assert t.series("USD").rate(t.series("USD").index_of(date(2026, 10, 30))) == Decimal("1.1172")
    assert t.series("JPY").raw[-1] == "175.68"
    assert len(t.calendar) == 64


def test_daily_xml_one_day(payloads: ModuleType) -> None:
    t = parse_eurofxref_xml(payloads.ecb_xml(payloads.real_days(1)))
    assert t.info.first_date == t.info.last_date == date(2026, 10, 30)
    assert Decimal(t.series("GBP").raw[0]) == Decimal("0.8338")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", "not well-formed"),
        (b"<gesmes:Envelope xmlns:gesmes='http://www.gesmes.org/xml/2002-08-01'><Cube>", "not well-formed"),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML page"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
            "document type",
        ),
        (b"<rates><Cube time='2026-10-30'/></rates>", "root element"),
    ],
)
def test_malformed_xml_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(RateDataError, match=match):
        parse_eurofxref_xml(body)


def _one_day_xml(inner: str) -> bytes:
    return (
        "<gesmes:Envelope xmlns:gesmes='http://www.gesmes.org/xml/2002-08-01' "
        "xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'><Cube>" + inner + "</Cube></gesmes:Envelope>"
    ).encode()


@pytest.mark.parametrize(
    ("inner", "match"),
    [
        ("", "no rates"),
        ("<Cube time='2026-13-01'><Cube currency='USD' rate='1.1'/></Cube>", "invalid day"),
        ("<Cube time='2026-10-30'><Cube currency='USD' rate='-1.1'/></Cube>", "invalid USD rate"),
        ("<Cube time='2026-10-30'><Cube currency='USD' rate='0'/></Cube>", "positive"),
        ("<Cube time='2026-10-30'><Cube currency='XYZ' rate='1.1'/></Cube>", "unknown currency"),
        ("<Cube time='2026-10-30'><Cube currency='USD'/></Cube>", "lacks"),
        (
            "<Cube time='2026-10-30'><Cube currency='USD' rate='1.1'/><Cube currency='USD' rate='1.2'/></Cube>",
            "twice",
        ),
        (
            "<Cube time='2026-10-30'><Cube currency='USD' rate='1.1'/></Cube>"
            "<Cube time='2026-10-30'><Cube currency='USD' rate='1.1'/></Cube>",
            "twice",
        ),
        ("<Cube time='2026-10-30'></Cube>", "no rates"),
    ],
)
def test_bad_xml_content_is_refused(inner: str, match: str) -> None:
    with pytest.raises(RateDataError, match=match):
        parse_eurofxref_xml(_one_day_xml(inner))


# -- merging ------------------------------------------------------------------------------
def _t(rows: list[tuple[str, str, str]], name: str = "t") -> RateTable:
    return RateTable.from_rows(rows, base="EUR", key=name, name=name)


def test_merge_extends_history_with_overlap(payloads: ModuleType) -> None:
    old = parse_eurofxref_zip(payloads.hist_zip(payloads.real_days(200)))
    new = parse_eurofxref_xml(payloads.ecb_xml(payloads.real_days(20) + payloads.november()))
    m = merge_tables(old, new)
    assert m.info.first_date == old.info.first_date
    assert m.info.last_date == date(2026, 11, 24)
    assert m.info.key == old.info.key
    assert len(m.calendar) == 200 + len(payloads.november())
    assert quote(m, "USD", date(2026, 11, 24)).rate == Decimal("1.1196")
    assert quote(m, "USD", date(2026, 3, 2)).rate == quote(old, "USD", date(2026, 3, 2)).rate
    # the inputs are untouched
    assert old.info.last_date == date(2026, 10, 30)


def test_merge_across_a_weekend_is_not_a_gap() -> None:
    old = _t([("2026-10-29", "USD", "1.1"), ("2026-10-30", "USD", "1.2")])  # Thursday, Friday
    new = _t([("2026-11-02", "USD", "1.3")])  # Monday
    assert merge_tables(old, new).bounds("USD") == (date(2026, 10, 29), date(2026, 11, 2))


def test_merge_refuses_a_gap() -> None:
    old = _t([("2026-10-30", "USD", "1.2")])
    new = _t([("2026-11-03", "USD", "1.3")])  # Monday 11-02 would be missing
    with pytest.raises(RateDataError, match=r"from 2026-11-02 on would be missing"):
        merge_tables(old, new)


def test_merge_refuses_conflicting_fixings_but_accepts_equal_values() -> None:
    old = _t([("2026-10-30", "USD", "1.10"), ("2026-10-30", "JPY", "175.68")])
    same = _t([("2026-10-30", "USD", "1.1"), ("2026-11-02", "USD", "1.3")])
    assert merge_tables(old, same).series("USD").raw == ["1.10", "1.3"]
    other = _t([("2026-10-30", "USD", "1.11"), ("2026-10-30", "JPY", "175.69")])
    with pytest.raises(RateDataError, match=r"2 fixing\(s\) differ.*USD 2026-10-30: 1.10 vs 1.11"):
        merge_tables(old, other)


def test_merge_keeps_discontinued_and_adds_new_currencies() -> None:
    old = _t([("2026-10-29", "BGN", "1.9558"), ("2026-10-30", "USD", "1.2")])
    new = _t([("2026-10-30", "USD", "1.2"), ("2026-11-02", "ISK", "150.1")])
    m = merge_tables(old, new)
    assert m.currencies == ("BGN", "EUR", "ISK", "USD")
    assert m.series("BGN").raw == ["1.9558"]


def test_merge_refuses_different_bases() -> None:
    cad = RateTable.from_rows([("2026-10-30", "USD", "0.73")], base="CAD", key="c", name="c")
    with pytest.raises(RateDataError, match="different bases"):
        merge_tables(_t([("2026-10-30", "USD", "1.2")]), cad)


@settings(max_examples=25, deadline=None)
@given(split=st.integers(min_value=1, max_value=59), overlap=st.integers(min_value=0, max_value=10))
def test_merging_two_parts_of_a_history_gives_the_history(split: int, overlap: int) -> None:
    full = bundled_table()
    days = [date.fromordinal(o) for o in full.calendar[-60:]]
    cut = days[split]
    rows = [
        (d, c, full.series(c).raw[full.series(c).index_of(d)])
        for d in days
        for c in ("USD", "JPY", "GBP")
        if full.series(c).index_of(d) is not None
    ]
    whole = _t([(d.isoformat(), c, v) for d, c, v in rows])
    old = _t([(d.isoformat(), c, v) for d, c, v in rows if d < cut])
    new = _t([(d.isoformat(), c, v) for d, c, v in rows if d >= days[max(0, split - overlap)]])
    m = merge_tables(old, new)
    assert list(m.calendar) == list(whole.calendar)
    for c in ("USD", "JPY", "GBP"):
        assert m.series(c).raw == whole.series(c).raw


def test_written_history_reads_back_the_same(payloads: ModuleType) -> None:
    t = parse_eurofxref_zip(payloads.hist_zip(payloads.real_days(300)))
    again = parse_eurofxref_zip(write_eurofxref_zip(t))
    assert again.currencies == t.currencies
    assert list(again.calendar) == list(t.calendar)
    for c in (c for c in t.currencies if c != "EUR"):
        assert again.series(c).raw == t.series(c).raw
    assert write_eurofxref_zip(t) == write_eurofxref_zip(again)  # deterministic bytes
    assert parse_eurofxref_csv(write_eurofxref_csv(t)).info.last_date == date(2026, 10, 30)


# -- SDMX ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dataonly", [False, True])
def test_sdmx_daily_csv(payloads: ModuleType, dataonly: bool) -> None:
    rows = [("2026-09-03", "USD", "1.1615"), ("2026-09-04", "USD", "NaN"), ("2026-09-04", "CAD", "1.6012"),
            ("2026-09-07", "USD", "")]  # fmt: skip
    t = parse_sdmx_csv(payloads.sdmx_csv(rows, dataonly=dataonly), url="http://127.0.0.1/x")
    assert t.base == "EUR"
    assert t.series("USD").raw == ["1.1615"]  # NaN and empty mean no value
    assert t.series("CAD").raw == ["1.6012"]
    assert t.info.url == "http://127.0.0.1/x"
    assert t.info.sha256


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", "empty"),
        (b"<html><body>Error</body></html>", "HTML"),
        (b"KEY,FREQ,TIME_PERIOD\nx,D,2026-01-01\n", "missing column"),
        (
            b"KEY,FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nEXR.D.USD.EUR.SP00.A,D,USD,EUR,2026-09-03\n",
            "expected 6 fields",
        ),
        (b"FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nD,USD,EUR,2026-09-03,abc\n", "invalid USD rate"),
        (b"FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nD,USD,EUR,03/09/2026,1.1\n", "invalid period"),
        (b"FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nM,USD,EUR,2026-09,1.1\n", "frequency 'M'"),
        (b"FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nD,USD,USD,2026-09-03,1.1\n", "denominator"),
        (b"FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nD,USD,EUR,2026-09-03,NaN\n", "no observations"),
        (b'FREQ,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nD,USD,EUR,"2026-09-03,1.1\n', "expected 5 fields"),
    ],
)
def test_malformed_sdmx_csv_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(RateDataError, match=match):
        parse_sdmx_csv(body)


def test_official_monthly_averages_against_the_unrounded_means(payloads: ModuleType) -> None:
    """The ECB's January 2025 USD average is 1.0354; the Kiel-style mean is 1.035372727... (unrounded)."""
    body = payloads.sdmx_csv(
        [("2025-01", "USD", "1.0354"), ("2025-01", "CAD", "1.4895"), ("2025-02", "USD", "1.0413")], freq="M"
    )
    avg = parse_sdmx_averages(body, freq="M")
    assert avg.get("USD", "2025-01") == Decimal("1.0354")
    assert avg.decimals["USD"] == 4
    checks = {(c.currency, c.period): c for c in compare_means(avg, bundled_table())}
    jan = checks[("USD", "2025-01")]
    assert jan.computed == quote(bundled_table(), "USD", date(2025, 1, 9), RatePolicy.MONTHLY_MEAN).rate
    assert str(jan.computed).startswith("1.03537272")
    assert jan.rounded == Decimal("1.0354") and jan.matches
    assert jan.fixings == 22
    assert abs(jan.difference) < Decimal("0.00005")
    assert checks[("USD", "2025-02")].matches


def test_official_annual_averages(payloads: ModuleType) -> None:
    mean = quote(bundled_table(), "USD", date(2024, 6, 1), RatePolicy.ANNUAL_MEAN).rate
    published = mean.quantize(Decimal("0.0001"))
    avg = parse_sdmx_averages(payloads.sdmx_csv([("2024", "USD", str(published))], freq="A"), freq="A")
    [check] = compare_means(avg, bundled_table())
    assert check.matches and check.period == "2024"
    with pytest.raises(LookupError, match="no published average for period '2023'"):
        avg.get("USD", "2023")


# -- Bank of Canada Valet ---------------------------------------------------------------------
def test_valet_quotes_are_kept_as_published_and_inverted_on_use(payloads: ModuleType) -> None:
    body = payloads.valet_json(
        [
            ("2026-04-28", {"FXUSDCAD": "1.3678", "FXEURCAD": "1.6009"}),
            ("2026-04-29", {"FXUSDCAD": 1.3702, "FXEURCAD": {"e": -64}}),  # an old numeric value; an error code
            ("2026-04-30", {"FXUSDCAD": "1.3690"}),  # FXEURCAD missing that day
        ]
    )
    t = parse_valet_json(body, url="http://127.0.0.1/valet")
    assert t.base == "CAD"
    assert t.currencies == ("CAD", "EUR", "USD")
    assert t.bounds("EUR") == (date(2026, 4, 28), date(2026, 4, 28))
    usd = t.series("USD")
    assert t.quoted_in_base
    assert usd.raw == ["1.3678", "1.3702", "1.3690"]  # CAD per USD, as published
    leg = quote(t, "USD", date(2026, 4, 28))
    assert leg.published == Decimal("1.3678")
    assert leg.rate == Decimal("0.7311010381634741921333528294")  # 1 / 1.3678, 28 significant digits
    assert [valet_quote(t, "USD", i) for i in range(3)] == [Decimal("1.3678"), Decimal("1.3702"), Decimal("1.3690")]


def test_cad_to_usd_through_a_valet_table_by_hand(payloads: ModuleType) -> None:
    """1,000,000 CAD at 1.3678 CAD/USD is 1,000,000 / 1.3678 = 731,101.038163... USD."""
    t = parse_valet_json(payloads.valet_json([("2026-04-28", {"FXUSDCAD": "1.3678", "FXEURCAD": "1.6009"})]))
    c = convert(1_000_000, "CAD", to="USD", on="2026-04-28", source=t)
    assert c.result == Money("731101.04", "USD")
    assert abs(c.unrounded - Decimal(1_000_000) / Decimal("1.3678")) < Decimal("1e-18")
    back = convert(500, "USD", to="CAD", on="2026-04-28", source=t)
    assert back.result == Money("683.90", "CAD")  # 500 × 1.3678
    cross = convert(1000, "EUR", to="USD", on="2026-04-28", source=t)
    assert cross.result == Money("1170.42", "USD")  # 1000 × 1.6009 / 1.3678 = 1170.4196...
    assert c.source is not None and c.source.key == "boc" and c.source.base == "CAD"


def test_valet_monthly_mean_is_the_mean_of_the_published_quotes(payloads: ModuleType) -> None:
    """The Bank of Canada averages CAD per USD; the mean is taken before the one inversion."""
    days = [d.isoformat() for d in (date(2026, 4, 1) + timedelta(days=k) for k in range(30)) if d.weekday() < 5]
    quotes = [f"1.3{600 + 7 * k}" for k in range(len(days))]
    t = parse_valet_json(payloads.valet_json([(d, {"FXUSDCAD": q}) for d, q in zip(days, quotes, strict=True)]))
    leg = quote(t, "USD", date(2026, 4, 29), RatePolicy.MONTHLY_MEAN)
    mean = sum(map(Decimal, quotes)) / len(quotes)
    assert leg.published == mean
    assert leg.rate == RATE_CONTEXT.divide(Decimal(1), mean)
    c = convert(1_000_000, "CAD", to="USD", on="2026-04-29", policy="monthly_mean", source=t)
    assert c.result == Money((Decimal(1_000_000) / mean).quantize(Decimal("0.01")), "USD")
    # the vectorised path takes the same mean
    from aidtrack.frames.convert import convert_frame

    df = pd.DataFrame({"amount": [1_000_000], "currency": ["CAD"], "date": ["2026-04-29"]})
    out = convert_frame(df, "USD", policy="monthly_mean", source=t, dtype="decimal")
    assert out.loc[0, "converted"] == c.result.amount
    daily = convert_frame(
        pd.DataFrame({"amount": [1_000_000], "currency": ["CAD"], "date": [days[-4]]}),
        "USD",
        source=t,
        dtype="decimal",
    )
    assert daily.loc[0, "converted"] == (Decimal(1_000_000) / Decimal(quotes[-4])).quantize(Decimal("0.01"))


def test_a_mean_over_a_window_the_table_does_not_cover_is_refused_in_both_paths(payloads: ModuleType) -> None:
    """Data starting on 27 April says nothing of 1 to 24 April: no April mean, scalar or vectorised."""
    quotes = ["1.3678", "1.3702", "1.3690", "1.4100"]
    days = ["2026-04-27", "2026-04-28", "2026-04-29", "2026-04-30"]
    t = parse_valet_json(payloads.valet_json([(d, {"FXUSDCAD": q}) for d, q in zip(days, quotes, strict=True)]))
    with pytest.raises(RateNotAvailableError, match="2026-04-01 to 2026-04-30, but the data starts 2026-04-27"):
        quote(t, "USD", date(2026, 4, 29), RatePolicy.MONTHLY_MEAN)
    from aidtrack.frames.convert import convert_frame

    df = pd.DataFrame({"amount": [1_000_000], "currency": ["CAD"], "date": ["2026-04-29"]})
    out = convert_frame(df, "USD", policy="monthly_mean", source=t, errors="coerce")
    assert "the data starts 2026-04-27" in out.loc[0, "problem"]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", "empty"),
        (b"{not json", "malformed JSON"),
        (b"<!DOCTYPE html><html></html>", "HTML page"),
        (b'{"observations": "none"}', "no 'observations'"),
        (b'{"observations": [{"FXUSDCAD": {"v": "1.3"}}]}', "no date"),
        (b'{"observations": [{"d": "2026-02-30", "FXUSDCAD": {"v": "1.3"}}]}', "invalid date"),
        (b'{"observations": [{"d": "2026-04-28", "FXUSDCAD": {"v": "-1.3"}}]}', "invalid FXUSDCAD value"),
        (b'{"observations": [{"d": "2026-04-28", "FXUSDCAD": {"v": true}}]}', "invalid FXUSDCAD value"),
        (b'{"observations": [{"d": "2026-04-28", "V39079": {"v": "2.25"}}]}', "unexpected series"),
        (b'{"observations": [{"d": "2026-04-28", "FXUSDCAD": {"e": -64}}]}', "no rates"),
    ],
)
def test_malformed_valet_json_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(RateDataError, match=match):
        parse_valet_json(body)


# -- Frankfurter ---------------------------------------------------------------------------------
def test_frankfurter_v1_series_single_date_and_v2(payloads: ModuleType) -> None:
    t = parse_frankfurter_json(payloads.frankfurter_json([("2025-01-09", {"USD": "1.0305", "CAD": "1.4831"})]))
    assert t.series("USD").raw == ["1.0305"] and t.base == "EUR"
    one = parse_frankfurter_json(b'{"amount": 1.0, "base": "EUR", "date": "2019-12-31", "rates": {"USD": 1.1234}}')
    assert one.bounds("USD") == (date(2019, 12, 31),) * 2
    v2 = parse_frankfurter_json(b'[{"date": "2025-01-09", "base": "EUR", "quote": "USD", "rate": 1.0305}]')
    assert v2.series("USD").raw == ["1.0305"]
    assert convert(1000, "EUR", to="USD", on="2025-01-09", source=t).result == Money("1030.50", "USD")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", "empty"),
        (b'{"amount": 1.0, "base": "EUR", "rates": {"2025-01-09": {"USD": 1.03', "malformed JSON"),
        (b"<html><body>Bad gateway</body></html>", "HTML page"),
        (b'{"message": "not found"}', "no 'base' and 'rates'"),
        (b'{"amount": 10, "base": "EUR", "rates": {"2025-01-09": {"USD": 10.305}}}', "amount is 10"),
        (b'{"amount": 1, "base": "EUR", "rates": {"2025-01-09": {"USD": "x"}}}', "invalid rate"),
        (b'{"amount": 1, "base": "EUR", "rates": {}}', "no rates"),
        (b'[{"date": "2025-01-09", "base": "EUR", "quote": "USD"}]', "lacks"),
    ],
)
def test_malformed_frankfurter_json_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(RateDataError, match=match):
        parse_frankfurter_json(body)


# -- user tables -------------------------------------------------------------------------------------
def test_user_csv_table_converts_and_records_its_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "my-rates.csv"
    path.write_text("date,currency,rate\n2025-01-09,USD,1.0305\n2025-01-09,CAD,1.4831\n2025-01-10,USD,1.0304\n")
    t = read_rate_table_csv(path, base="EUR")
    assert t.info.name == "rates from my-rates.csv"
    assert t.info.url == path.resolve().as_uri()
    assert t.info.sha256 is not None and len(t.info.sha256) == 64
    assert (
        convert(1000, "USD", to="CAD", on="2025-01-09", source=t).result
        == convert(1000, "USD", to="CAD", on="2025-01-09").result
    )


def test_user_csv_reports_every_bad_row_and_loads_nothing() -> None:
    text = (
        "date,currency,rate\n2025-01-09,USD,1.03\n09/01/2025,USD,1.03\n2025-01-09,USDX,1\n"
        "2025-01-10,USD,-2\n2025-01-11,USD\n"
    )
    with pytest.raises(RateDataError) as info:
        read_rate_table_csv(io.StringIO(text), base="EUR")
    msg = str(info.value)
    assert "4 bad row(s), nothing loaded" in msg
    for n in (3, 4, 5, 6):
        assert f"line {n}:" in msg


def test_user_csv_absurd_rates_and_the_lines_of_table_rules() -> None:
    """Hostile review: a rate of 1e400 loaded (USD 100 became EUR 0.00) and 1e-400 ended in 'too large to
    round'; a second rate for a day and a base rate other than 1 were reported one line too early."""
    text = (
        "date,currency,rate\n2024-01-05,USD,1.1\n2024-01-05,JPY,1e400\n2024-01-05,GBP,1e-400\n"
        "2024-01-05,USD,1.2\n2024-01-05,EUR,2\n2024-01-05,CHF,0.93\n2024-01-05,CHF,0.930\n"
    )
    with pytest.raises(RateDataError) as info:
        read_rate_table_csv(io.StringIO(text), base="EUR")
    msg = str(info.value)
    assert "4 bad row(s), nothing loaded" in msg
    assert "line 3: rate 1E+400 is outside the range of a real exchange rate" in msg
    assert "line 4: rate 1E-400 is outside the range" in msg
    assert "line 5: two different USD rates for 2024-01-05: 1.1 and 1.2" in msg
    assert "line 6: the base currency EUR must have rate 1" in msg
    assert "line 8" not in msg  # the same rate twice is no conflict
    edge = read_rate_table_csv(
        io.StringIO("date,currency,rate\n2024-01-05,IRR,9e29\n2024-01-05,KWD,1e-30\n"), base="EUR"
    )
    assert [Decimal(edge.series(c).raw[0]) for c in ("IRR", "KWD")] == [Decimal("9e29"), Decimal("1e-30")]
    for rate in ("1e30", "0.99e-30"):
        with pytest.raises(RateDataError, match="outside the range of a real exchange rate"):
            RateTable.from_rows([("2024-01-05", "USD", rate)], base="EUR", key="k", name="n")  # every parser


def test_user_csv_header_problems_and_custom_columns() -> None:
    with pytest.raises(RateDataError, match="missing column.*rate.*the header has day, ccy, value"):
        read_rate_table_csv(io.StringIO("day,ccy,value\n2025-01-09,USD,1.03\n"), base="EUR")
    t = read_rate_table_csv(
        io.StringIO("day;ccy;value\n2025-01-09;USD;1.03\n"),
        base="EUR",
        date_column="day",
        currency_column="ccy",
        rate_column="value",
        delimiter=";",
    )
    assert t.series("USD").raw == ["1.03"]
    with pytest.raises(RateDataError, match="empty"):
        read_rate_table_csv(io.StringIO(""), base="EUR")


def test_user_table_in_the_base_per_unit_direction() -> None:
    t = read_rate_table_csv(
        io.StringIO("date,currency,rate\n2026-04-28,USD,1.3678\n"), base="CAD", quote="base_per_unit"
    )
    assert convert(1_000_000, "CAD", to="USD", on="2026-04-28", source=t).result == Money("731101.04", "USD")
    with pytest.raises(ValueError, match="quote must be"):
        read_rate_table_csv(io.StringIO("date,currency,rate\n"), base="CAD", quote="inverse")  # type: ignore[arg-type]


def test_user_dataframe_table() -> None:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-09", "2025-01-09", "2025-01-10"]),
            "currency": ["USD", "CAD", "USD"],
            "rate": [1.0305, 1.4831, Decimal("1.0304")],
        }
    )
    t = rate_table_from_frame(df, base="EUR")
    assert t.series("USD").raw == ["1.0305", "1.0304"]  # floats read through str(), never binary noise
    df.loc[1, "rate"] = float("nan")
    with pytest.raises(RateDataError, match="row 1: the rate is missing"):
        rate_table_from_frame(df, base="EUR")
    with pytest.raises(RateDataError, match="missing column"):
        rate_table_from_frame(df.rename(columns={"rate": "fx"}), base="EUR")
    late = pd.DataFrame({"date": [pd.Timestamp("2025-01-09 15:00")], "currency": ["USD"], "rate": [1.0]})
    with pytest.raises(RateDataError, match="date-time"):
        rate_table_from_frame(late, base="EUR")


@settings(max_examples=60, deadline=None)
@given(
    quote_units=st.integers(min_value=1, max_value=10**9),
    places=st.integers(min_value=0, max_value=6),
    cents=st.integers(min_value=1, max_value=10**14),
)
def test_valet_inversion_converts_like_dividing_by_the_quote(quote_units: int, places: int, cents: int) -> None:
    """CAD → X through the inverted 28-digit rate equals CAD amount ÷ published quote, rounded once."""
    from decimal import ROUND_HALF_EVEN, localcontext

    q = Decimal(quote_units).scaleb(-places)
    t = parse_valet_json(f'{{"observations": [{{"d": "2026-04-28", "FXUSDCAD": {{"v": "{q}"}}}}]}}'.encode())
    amount = Decimal(cents).scaleb(-2)
    with localcontext() as ctx:
        ctx.prec = 80
        expected = (amount / q).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    assert convert(amount, "CAD", to="USD", on="2026-04-28", source=t).result == Money(expected, "USD")
    assert valet_quote(t, "USD", 0, places=places) == q


@pytest.mark.parametrize("policy", ["daily", "exact", "monthly_mean"])
def test_a_tie_through_an_inverted_quote_rounds_like_the_quote(policy: str) -> None:
    """CAD 4.11 at 6 CAD/USD is USD 0.685 exactly: half-even gives 0.68, the scalar and the frame path alike.

    Through the inverted 28-digit rate (0.1666...667) the product is 0.685000...0001 and rounds to 0.69;
    the published quotes give the exact product. The cross pair (USD -> JPY through CAD) and the way
    back (USD -> CAD) use the quotes too.
    """
    days = [date(2026, 4, d).isoformat() for d in range(1, 31)]  # a whole month, for the monthly mean
    t = RateTable.from_rows(
        [(d, "USD", "6") for d in days] + [(d, "JPY", "0.04") for d in days],
        base="CAD",
        key="boc-test",
        name="Bank of Canada (test)",
        quoted_in_base=True,
    )
    cases = [("4.11", "CAD", "USD", "0.68"), ("0.005", "USD", "JPY", "1"), ("0.125", "USD", "CAD", "0.75")]
    for amount, cur, to, expected in cases:
        c = convert(amount, cur, to=to, on="2026-04-28", policy=policy, source=t)
        assert c.result == Money(expected, to), (amount, cur, to)
        assert c.unrounded == Decimal(amount) * (Decimal(1) if cur == "CAD" else t.series(cur).rate(0)) / (
            Decimal(1) if to == "CAD" else t.series(to).rate(0)
        )
