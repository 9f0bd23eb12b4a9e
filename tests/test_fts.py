"""aidtrack.files.fts: FTS flow JSON read, fetched from a loopback server (paging, retries), compared, totalled.

The bodies follow the shape of the FTS public API's ``/v1/public/fts/flow`` answers
(https://api.hpc.tools/docs/v1/): ``status``, ``data.flows[]`` and ``meta.nextLink``; the flows are
written for these tests (organisations and amounts invented, field names and value forms as FTS sends them).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

import aidtrack
from aidtrack.errors import BadRecordsError, DataFormatError, HTTPStatusError, OfflineError
from aidtrack.files import fts
from aidtrack.rates.remote.http import HttpClient, HttpConfig

FLOW = "/v1/public/fts/flow"


def org(ident: str, name: str) -> dict[str, Any]:
    return {
        "type": "Organization",
        "id": ident,
        "name": name,
        "behavior": "single",
        "organizationTypes": ["Government"],
    }


def flow(ident: str, usd: Any, status: str, day: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": ident,
        "versionId": 1,
        "amountUSD": usd,
        "budgetYear": day[:4],
        "childFlowIds": None,
        "contributionType": "financial",
        "createdAt": f"{day}T09:40:06.517Z",
        "date": f"{day}T00:00:00Z",
        "decisionDate": f"{day}T00:00:00Z",
        "description": f"Flow {ident}",
        "exchangeRate": None,
        "firstReportedDate": f"{day}T00:00:00Z",
        "flowType": "Standard",
        "keywords": None,
        "newMoney": True,
        "method": "Traditional aid",
        "parentFlowId": None,
        "status": status,
        "updatedAt": f"{day}T09:40:06.517Z",
        "sourceObjects": [
            org("2924", "Switzerland, Government of"),
            {"type": "Location", "id": "217", "name": "Switzerland", "behavior": "single"},
            {"type": "UsageYear", "id": "46", "name": day[:4], "behavior": "single"},
        ],
        "destinationObjects": [
            org("2915", "United Nations Children's Fund"),
            {"type": "Plan", "id": "1186", "name": "Ukraine Humanitarian Response Plan 2025", "behavior": "single"},
            {"type": "Location", "id": "234", "name": "Ukraine", "behavior": "single"},
            {"type": "UsageYear", "id": "46", "name": day[:4], "behavior": "shared"},
            {"type": "UsageYear", "id": "47", "name": str(int(day[:4]) + 1), "behavior": "shared"},
        ],
        "boundary": "incoming",
        "onBoundary": "single",
        "reportDetails": [{"sourceType": "Primary", "organization": "Switzerland, Government of"}],
        "refCode": f"REF-{ident}",
    }
    body.update(extra)
    return body


EUR = {"originalAmount": 2000000, "originalCurrency": "EUR", "exchangeRate": 0.956}
FLOWS = [
    # original in CHF with FTS's rate (CHF per USD, three decimals), as FTS publishes it
    flow("900001", 1096491, "paid", "2025-01-09", originalAmount=1000000, originalCurrency="CHF", exchangeRate=0.912),
    flow("900002", 2092050, "commitment", "2025-03-03", **EUR),
    # reported in USD only: no original amount or currency
    flow("900003", 750000, "paid", "2025-02-14"),
    flow("900004", 5000000, "pledge", "2025-01-20", originalAmount=5000000.5, originalCurrency="USD"),
]


def page(flows: list[dict[str, Any]], next_link: str | None = None, count: int | None = None) -> str:
    meta: dict[str, Any] = {"language": "en", "count": count if count is not None else len(flows)}
    if next_link is not None:
        meta["nextLink"] = next_link
    data = {"incoming": {"flowCount": len(flows), "fundingTotal": 0, "pledgeTotal": 0}, "flows": flows}
    return json.dumps({"status": "ok", "data": data, "meta": meta})


@pytest.fixture
def client() -> HttpClient:
    return HttpClient(HttpConfig(retries=2, backoff=0.0, connect_timeout=2, read_timeout=5), sleep=lambda s: None)


# -- reading --------------------------------------------------------------------------------------


def test_read_keeps_ftss_figures_exact() -> None:
    df = fts.read(page(FLOWS))
    assert list(df.columns) == list(fts.COLUMNS)
    assert df["id"].tolist() == ["900001", "900002", "900003", "900004"]
    assert df["status"].tolist() == ["paid", "commitment", "paid", "pledge"]
    assert df["amount_usd"].tolist() == [Decimal(1096491), Decimal(2092050), Decimal(750000), Decimal(5000000)]
    assert df["original_amount"].tolist() == [Decimal(1000000), Decimal(2000000), None, Decimal("5000000.5")]
    assert df["exchange_rate"].tolist()[:2] == [Decimal("0.912"), Decimal("0.956")]  # from the JSON text, not a float
    assert df["original_currency"].tolist() == ["CHF", "EUR", None, "USD"]
    assert df["date"][0] == pd.Timestamp("2025-01-09") and df["decision_date"][1] == pd.Timestamp("2025-03-03")
    row = df.iloc[0]
    assert row["source_org"] == "Switzerland, Government of" and row["source_org_id"] == "2924"
    assert row["source_location"] == "Switzerland" and row["destination_location"] == "Ukraine"
    assert row["destination_plan"] == "Ukraine Humanitarian Response Plan 2025" and row["destination_plan_id"] == "1186"
    assert row["destination_usage_year"] == "2025; 2026" and row["destination_usage_year_id"] == "46;47"
    assert row["destination_org"] == "United Nations Children's Fund"
    assert row["flow_type"] == "Standard" and row["boundary"] == "incoming" and row["budget_year"] == "2025"
    assert row["location"] == "data.flows[0]"


def test_read_from_path_bytes_and_parsed(tmp_path: Any) -> None:
    path = tmp_path / "flows.json"
    path.write_text(page(FLOWS), encoding="utf-8")
    a = fts.read(path)
    b = fts.read(path.read_bytes())
    c = fts.read(json.loads(page(FLOWS)))  # parsed: floats stand for their repr
    assert a.equals(b)
    assert c["exchange_rate"][0] == Decimal("0.912") and c["original_amount"][3] == Decimal("5000000.5")
    assert a.attrs["fts"]["source"] == str(path)


def test_missing_fields_are_reported_never_guessed() -> None:
    bad = [
        flow("900010", None, "paid", "2025-01-09"),
        {k: v for k, v in flow("900011", 10, "paid", "2025-01-09").items() if k != "date"},
        flow("900012", 10, "promised", "2025-01-09"),
        flow("900013", 10, "paid", "2025-01-09", originalAmount=9),  # an amount without its currency
        flow("900014", "10", "paid", "2025-01-09"),  # a number sent as text
        {k: v for k, v in flow("x", 10, "paid", "2025-01-09").items() if k != "id"},
        flow("900016", 10, "paid", "2025-01-09", date="09/01/2025"),
    ]
    with pytest.raises(BadRecordsError) as info:
        fts.read(page([*bad, FLOWS[0]]))
    text = [str(p) for p in info.value.problems]
    assert text[0] == "data.flows[0].amountUSD (flow 900010): missing: the flow's amount in US dollars"
    assert "data.flows[1].date (flow 900011): missing" in text[1]
    assert "'promised' is not an FTS status" in text[2]
    assert "data.flows[3].originalCurrency (flow 900013)" in text[3] and "currency is unknown" in text[3]
    assert "data.flows[4].amountUSD" in text[4] and "not a JSON number" in text[4]
    assert text[5].startswith("data.flows[5].id: missing")
    assert "data.flows[6].date" in text[6] and "is not a date" in text[6]
    df = fts.read(page([*bad, FLOWS[0]]), errors="coerce")
    assert df["problem"].notna().tolist() == [True] * 7 + [False]
    assert pd.isna(df["amount_usd"][0]) or df["amount_usd"][0] is None  # missing stays missing
    assert fts.problems(df)["location"].tolist()[:2] == ["data.flows[0]", "data.flows[1]"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('{"status": "ok", "data": {"flows": [', "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"status": "ok", "data": {}}', "no 'data.flows' list"),
        ('{"status": "error", "message": "bad filter"}', "status 'error': bad filter"),
    ],
)
def test_bodies_that_are_not_flow_responses(body: str, needle: str) -> None:
    with pytest.raises(DataFormatError, match=needle):
        fts.read(body)


def test_numbers_of_any_length_are_exact_and_never_crash() -> None:
    body = (
        '{"status": "ok", "data": {"flows": [{"id": 900020, "status": "paid", "date": "2025-01-09",'
        ' "amountUSD": 1234567890.123456789, "originalAmount": 12345678901234567890123456789.5,'
        ' "originalCurrency": "EUR", "exchangeRate": 0.1000000000000000055511151231257827},'
        ' {"id": "900021", "status": "paid", "date": "2025-01-09", "amountUSD": 1' + "0" * 5000 + "}]}}"
    )
    # the 5001-digit integer raised ValueError ("Exceeds the limit (4300 digits) for integer string conversion")
    df = fts.read(body, errors="coerce")
    assert df.loc[0, "amount_usd"] == Decimal("1234567890.123456789")
    assert str(df.loc[0, "original_amount"]) == "12345678901234567890123456789.5"
    assert str(df.loc[0, "exchange_rate"]) == "0.1000000000000000055511151231257827"
    assert df.loc[0, "id"] == "900020" and df.loc[0, "problem"] is None
    assert df.loc[1, "amount_usd"] is None and "amountUSD: not a number" in df.loc[1, "problem"]


def test_json_nested_too_deeply_is_a_data_format_error() -> None:
    # was RecursionError from the json module
    with pytest.raises(DataFormatError, match="nested too deeply"):
        fts.read('{"status": "ok", "data": {"flows": [' + "[" * 100_000 + "]" * 100_000 + "]}}")


def test_a_key_given_twice_is_a_problem_not_the_last_value() -> None:
    # json keeps the last of two amountUSD values without a word: which one FTS meant is unknown
    one = json.dumps(flow("900030", 100, "paid", "2025-01-09"))[:-1] + ', "amountUSD": 200}'
    with pytest.raises(BadRecordsError) as info:
        fts.read('{"status": "ok", "data": {"flows": [' + one + "]}}")
    assert str(info.value.problems[0]).startswith("data.flows[0].amountUSD (flow 900030): the flow gives this key")
    objects = '[{"type": "Organization", "name": "A", "name": "B"}]'
    base = {k: v for k, v in flow("900031", 100, "paid", "2025-01-09").items() if k != "sourceObjects"}
    two = json.dumps(base)[:-1] + f', "sourceObjects": {objects}}}'
    df = fts.read('{"status": "ok", "data": {"flows": [' + two + "]}}", errors="coerce")
    assert df.loc[0, "problem"].startswith("sourceObjects[0].name: given more than once")
    with pytest.raises(DataFormatError, match="repeats the key 'data'"):
        fts.read('{"status": "ok", "data": {"flows": []}, "data": {"flows": [' + one + "]}}")
    with pytest.raises(DataFormatError, match="repeats the key 'data.flows'"):
        fts.read('{"status": "ok", "data": {"flows": [], "flows": [' + one + "]}}")


# -- fetching from a loopback server --------------------------------------------------------------


def test_fetch_follows_paging(httpserver: HTTPServer, client: HttpClient) -> None:
    second = httpserver.url_for(FLOW) + "?planid=1186&page=2"
    httpserver.expect_ordered_request(FLOW, query_string="planid=1186").respond_with_data(
        page(FLOWS[:2], second, count=4), content_type="application/json"
    )
    httpserver.expect_ordered_request(FLOW, query_string="planid=1186&page=2").respond_with_data(
        page(FLOWS[2:], None, count=4), content_type="application/json"
    )
    df = fts.fetch({"planid": 1186}, base_url=httpserver.url_for("/"), client=client)
    assert df["id"].tolist() == ["900001", "900002", "900003", "900004"]
    assert df["location"].tolist() == [
        "page 1: data.flows[0]",
        "page 1: data.flows[1]",
        "page 2: data.flows[0]",
        "page 2: data.flows[1]",
    ]
    assert df.attrs["fts"]["pages"] == 2 and df.attrs["fts"]["params"] == {"planid": "1186"}
    assert httpserver.log[0][0].headers["Accept"] == "application/json"


def test_fetch_retries_a_5xx_then_succeeds(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_ordered_request(FLOW).respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(FLOW).respond_with_data(page(FLOWS), content_type="application/json")
    df = fts.fetch({"year": 2025}, base_url=httpserver.url_for(""), client=client)
    assert len(df) == 4 and len(httpserver.log) == 2
    assert df["location"][0] == "data.flows[0]"


def test_fetch_gives_up_on_persistent_errors(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request(FLOW).respond_with_data("down", status=502)
    with pytest.raises(HTTPStatusError, match="HTTP 502 after 3 attempts"):
        fts.fetch({"year": 2025}, base_url=httpserver.url_for(""), client=client)


def test_fetch_malformed_json_names_the_url(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request(FLOW).respond_with_data('{"status": "ok", "data": {"flows": [{"id": ', status=200)
    with pytest.raises(DataFormatError, match=r"/v1/public/fts/flow\?year=2025.*not JSON"):
        fts.fetch({"year": 2025}, base_url=httpserver.url_for(""), client=client)


def test_fetch_missing_fields_are_reported_per_page(httpserver: HTTPServer, client: HttpClient) -> None:
    second = httpserver.url_for(FLOW) + "?page=2"
    httpserver.expect_ordered_request(FLOW, query_string="").respond_with_data(page(FLOWS[:1], second))
    broken = {k: v for k, v in FLOWS[1].items() if k != "status"}
    httpserver.expect_ordered_request(FLOW, query_string="page=2").respond_with_data(page([broken]))
    with pytest.raises(BadRecordsError, match=r"page 2: data.flows\[0\].status \(flow 900002\): missing"):
        fts.fetch(base_url=httpserver.url_for(""), client=client)


def test_fetch_refuses_links_off_the_host_and_loops(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request(FLOW, query_string="a=1").respond_with_data(
        page(FLOWS[:1], "https://elsewhere.invalid/v1/public/fts/flow?page=2")
    )
    with pytest.raises(DataFormatError, match="leaves http://localhost"):
        fts.fetch({"a": 1}, base_url=httpserver.url_for(""), client=client)
    loop = httpserver.url_for(FLOW) + "?b=1"
    httpserver.expect_request(FLOW, query_string="b=1").respond_with_data(page(FLOWS[:1], loop))
    with pytest.raises(DataFormatError, match="paging loop"):
        fts.fetch({"b": 1}, base_url=httpserver.url_for(""), client=client)


def test_fetch_offline_opens_no_socket() -> None:
    with pytest.raises(OfflineError):
        fts.fetch({"year": 2025}, client=HttpClient(offline=True))


# -- comparing, totals, pledges -------------------------------------------------------------------


def test_compare_puts_aidtracks_conversion_beside_ftss() -> None:
    df = fts.compare(fts.read(page(FLOWS)))
    chf = df.iloc[0]
    ours = aidtrack.convert("1000000", "CHF", to="USD", on="2025-01-09").result.amount
    assert chf["aidtrack_usd"] == ours and isinstance(chf["aidtrack_usd"], Decimal)
    assert chf["difference_usd"] == Decimal(1096491) - ours
    assert chf["difference_relative"] == pytest.approx(float((Decimal(1096491) - ours) / ours))
    assert chf["aidtrack_exchange_rate"] == pytest.approx(1 / chf["rate"])
    assert chf["fixing_date"] == pd.Timestamp("2025-01-09") and chf["rate_source"] == "ecb-bundled"
    assert chf["comparison"] == "compared"
    assert df["exchange_rate"][0] == Decimal("0.912")  # FTS's own rate stays beside aidtrack's
    usd_only = df.iloc[2]
    assert usd_only["aidtrack_usd"] is None and pd.isna(usd_only["difference_relative"])
    assert usd_only["comparison"].startswith("not compared: FTS gives no original amount")
    usd = df.iloc[3]
    assert usd["aidtrack_usd"] == Decimal("5000000.50") and usd["difference_usd"] == Decimal("-0.50")
    assert df.attrs["fts_compare"]["policy"] == "daily"


def test_compare_under_monthly_mean_at_decision_date() -> None:
    df = fts.compare(fts.read(page(FLOWS)), policy="monthly_mean", date_column="decision_date")
    eur = df.iloc[1]
    assert (
        eur["aidtrack_usd"]
        == aidtrack.convert("2000000", "EUR", to="USD", on="2025-03-03", policy="monthly_mean").result.amount
    )
    assert eur["fixing_count"] == 21


def test_compare_reports_flows_aidtrack_cannot_convert() -> None:
    frame = fts.read(page([flow("900020", 100, "paid", "2025-01-09", originalAmount=367, originalCurrency="SAR")]))
    with pytest.raises(BadRecordsError, match=r"data.flows\[0\] \(flow 900020\): .*SAR"):
        fts.compare(frame)
    df = fts.compare(frame, errors="coerce")
    assert df["comparison"][0].startswith("not compared:") and "SAR" in df["comparison"][0]
    assert df["aidtrack_usd"][0] is None


def test_totals_keep_pledges_apart() -> None:
    df = fts.compare(fts.read(page(FLOWS)))
    t = fts.totals(df)
    assert t["status"].tolist() == ["pledge", "commitment", "paid"]
    assert t["amount_usd"].tolist() == [Decimal(5000000), Decimal(2092050), Decimal(1096491 + 750000)]
    assert t["flows"].tolist() == [1, 1, 2] and t["compared"].tolist() == [1, 1, 1]
    by_org = fts.totals(df, by=["destination_org", "status"])
    assert list(by_org.columns[:2]) == ["status", "destination_org"]
    funding = t.loc[t["status"].isin(["commitment", "paid"]), "amount_usd"].sum()
    assert funding == Decimal(2092050 + 1096491 + 750000)
    with pytest.raises(aidtrack.InvalidArgumentError, match="no column 'donor'"):
        fts.totals(df, by="donor")


def test_to_pledges() -> None:
    frame = fts.read(page(FLOWS))
    with pytest.raises(BadRecordsError, match="status 'pledge' has no pledge measure"):
        fts.to_pledges(frame)
    pledges = fts.to_pledges(frame[frame["status"] != "pledge"])
    assert [p.measure.value for p in pledges] == ["disbursement", "commitment", "disbursement"]
    assert pledges[0].amount == aidtrack.Money("1000000", "CHF") and pledges[2].amount == aidtrack.Money(
        "750000", "USD"
    )
    assert pledges[0].donor.name == "Switzerland, Government of" and pledges[0].recipient == "Ukraine"
    assert pledges[0].category.value == "humanitarian" and pledges[0].notes == "FTS flow 900001, status paid"
    assert (
        len(
            fts.to_pledges(frame, measures={"pledge": "commitment", "paid": "disbursement", "commitment": "commitment"})
        )
        == 4
    )
    parked = fts.read(page([flow("900030", 0, "commitment", "2025-01-09", flowType="Parked")]))
    with pytest.raises(BadRecordsError, match="not positive"):
        fts.to_pledges(parked)
