"""aidtrack.files.iati: IATI activity files (2.0x and 1.0x) read, checked and converted at their value-dates."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack.cli import main
from aidtrack.errors import BadRecordsError, DataFormatError, InvalidArgumentError, UnsafeXmlError
from aidtrack.files import iati

DATA = Path(__file__).parent / "data" / "iati"
V203 = DATA / "activities-2.03.xml"
DEFAULT_ONLY = DATA / "default-currency-2.01.xml"
V105 = DATA / "activities-1.05.xml"
TODAY = date(2026, 1, 1)


def _xml(values: str, *, activity: str = 'default-currency="EUR"') -> bytes:
    return (
        f'<iati-activities version="2.03"><iati-activity {activity}>'
        f"<iati-identifier>XM-T-1</iati-identifier>{values}</iati-activity></iati-activities>"
    ).encode()


def _tx(value: str, code: str = "3") -> str:
    return (
        f'<transaction><transaction-type code="{code}"/><transaction-date iso-date="2025-01-09"/>{value}</transaction>'
    )


# -- reading --------------------------------------------------------------------------------------


def test_a_203_file_reads_every_value_with_its_currency_date_and_path() -> None:
    df = iati.read(V203, today=TODAY, errors="coerce")
    assert list(df.columns) == [*iati.COLUMNS, "problem"]
    assert df["element"].tolist() == [
        "budget",
        "planned-disbursement",
        "transaction",
        "transaction",
        "transaction",
        "transaction",
    ]
    assert df["currency"].tolist() == ["EUR", "EUR", "EUR", "USD", "GBP", None]
    assert df["amount"].tolist()[:5] == [
        Decimal("2000000"),
        Decimal("500000"),
        Decimal("1000000.00"),
        Decimal("800000"),
        Decimal("1250000.50"),
    ]
    assert all(isinstance(a, Decimal) for a in df["amount"].dropna())
    assert str(df["amount"][4]) == "1250000.50"  # the text, digit for digit
    assert df["type_name"].tolist() == [
        "Original", "Original", "Outgoing Commitment", "Disbursement", "Disbursement", "Expenditure",
    ]  # fmt: skip
    assert df["path"].tolist() == [
        "iati-activities/iati-activity[1]/budget[1]/value",
        "iati-activities/iati-activity[1]/planned-disbursement[1]/value",
        "iati-activities/iati-activity[1]/transaction[1]/value",
        "iati-activities/iati-activity[1]/transaction[2]/value",
        "iati-activities/iati-activity[1]/transaction[3]/value",
        "iati-activities/iati-activity[2]/transaction[1]/value",
    ]
    first = df.iloc[2]
    assert first["reporting_org_ref"] == "XM-DAC-41114" and first["reporting_org"] == "Example Agency"
    assert first["receiver_org"] == "Ukraine Humanitarian Fund" and first["receiver_org_ref"] == "XM-OCHA-CBPF-UKR"
    assert first["provider_org"] == "Example Agency"
    assert first["transaction_date"] == pd.Timestamp("2025-01-09") and first["value_date"] == pd.Timestamp("2025-01-09")
    assert df.iloc[0]["period_start"] == pd.Timestamp("2025-01-01") and df.iloc[0]["period_end"] == pd.Timestamp(
        "2025-12-31"
    )
    # the transaction's own flag wins over the activity's; an activity without one gives NA
    assert df["humanitarian"].tolist()[:5] == [True, True, True, False, True]
    assert pd.isna(df["humanitarian"][5])
    assert set(df["version"]) == {"2.03"}
    assert df["problem"].tolist()[:5] == [None] * 5


def test_a_value_without_any_currency_is_reported_with_activity_and_path() -> None:
    with pytest.raises(BadRecordsError) as info:
        iati.read(V203, today=TODAY)
    err = info.value
    assert len(err.problems) == 1
    problem = err.problems[0]
    assert problem.record == "XM-DAC-41114-EXAMPLE-2"
    assert problem.location == "iati-activities/iati-activity[2]/transaction[1]/value"
    assert "no currency" in problem.reason and "default-currency" in problem.reason
    assert "XM-DAC-41114-EXAMPLE-2" in str(err) and "iati-activity[2]/transaction[1]/value" in str(err)
    assert "errors='coerce'" in str(err)
    report = iati.problems(iati.read(V203, today=TODAY, errors="coerce"))
    assert report.to_dict(orient="records") == [
        {
            "activity": "XM-DAC-41114-EXAMPLE-2",
            "path": "iati-activities/iati-activity[2]/transaction[1]/value",
            "reason": problem.reason,
        }
    ]


def test_only_a_default_currency() -> None:
    df = iati.read(DEFAULT_ONLY, today=TODAY)
    assert df["currency"].tolist() == ["GBP", "GBP"]
    assert df["currency_from"].tolist() == ["default-currency", "default-currency"]
    assert df["amount"].tolist() == [Decimal("1250000"), Decimal("300000.25")]
    assert "problem" not in df.columns


def test_a_105_file_uses_letter_codes_and_text_names() -> None:
    df = iati.read(V105, today=TODAY)
    assert df["element"].tolist() == ["budget", "transaction", "transaction", "transaction"]
    assert df["type"].tolist() == ["1", "C", "D", "IF"]
    assert df["type_name"].tolist() == ["Original", "Commitment", "Disbursement", "Incoming Funds"]
    assert df["reporting_org"].tolist() == ["Example Foundation"] * 4
    assert df["provider_org"].tolist()[1:] == ["Example Foundation", None, "Another Donor"]
    assert df["receiver_org"][1] == "Partner NGO" and df["receiver_org_ref"][1] == "XM-PARTNER"
    assert df["currency"].tolist() == ["USD", "EUR", "USD", "CAD"]
    assert df["amount"][3] == Decimal("2500.75")
    assert set(df["version"]) == {"1.05"}
    assert df["humanitarian"].isna().all()  # 1.0x has no humanitarian flag


def test_elements_pick_what_is_read() -> None:
    df = iati.read(V203, elements="transaction", today=TODAY, errors="coerce")
    assert set(df["element"]) == {"transaction"} and len(df) == 4
    df = iati.read(V203, elements=["budget", "planned-disbursement"], today=TODAY)  # no problem among these
    assert df["element"].tolist() == ["budget", "planned-disbursement"]
    with pytest.raises(InvalidArgumentError, match="transaction, budget, planned-disbursement"):
        iati.read(V203, elements=["transactions"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ('<value currency="EUR">10</value>', "no @value-date"),
        ('<value currency="EUR" value-date="2031-05-01">10</value>', "in the future (after 2026-01-01)"),
        ('<value currency="EUR" value-date="01/05/2025">10</value>', "is not a date"),
        ('<value currency="EUR" value-date="2025-01-09">1,000</value>', "not a decimal number"),
        ('<value currency="EUR" value-date="2025-01-09">1e3</value>', "not a decimal number"),
        ('<value currency="EUR" value-date="2025-01-09"> </value>', "empty"),
        ('<value currency="EURO" value-date="2025-01-09">10</value>', "not an ISO 4217"),
    ],
)
def test_bad_values_are_problems_never_guesses(value: str, needle: str) -> None:
    with pytest.raises(BadRecordsError, match="nothing loaded") as info:
        iati.read(_xml(_tx(value)), today=TODAY)
    assert needle in info.value.problems[0].reason
    df = iati.read(_xml(_tx(value)), today=TODAY, errors="coerce")
    assert needle in df.loc[0, "problem"]


@pytest.mark.parametrize("text", ["5<b>0</b>", "5<b/>0", "<b>50</b>"])
def test_a_value_with_an_element_inside_is_a_problem_not_its_first_text(text: str) -> None:
    # '5<b>0</b>' was read as 5: ElementTree's .text stops at the first child element
    tx = _tx(f'<value value-date="2025-01-09">{text}</value>')
    with pytest.raises(BadRecordsError, match="holds an element <b>"):
        iati.read(_xml(tx), today=TODAY)
    df = iati.read(_xml(tx), today=TODAY, errors="coerce")
    assert df.loc[0, "amount"] is None and "plain text" in df.loc[0, "problem"]


def test_comments_and_cdata_inside_a_value_are_not_part_of_the_amount() -> None:
    # XML character data: a comment is not text, CDATA is; both are read as XML defines them
    df = iati.read(_xml(_tx('<value value-date="2025-01-09">1<!-- x -->2<![CDATA[.5]]></value>')), today=TODAY)
    assert df.loc[0, "amount"] == Decimal("12.5")


@pytest.mark.parametrize("text", ["\u0661\u0662\u0663", "\uff15", "1\u0660"])
def test_non_ascii_digits_are_not_an_xsd_decimal(text: str) -> None:
    # Arabic-Indic '\u0661\u0662\u0663' and fullwidth '\uff15' were read as 123 and 5 (the regex's \d is Unicode)
    df = iati.read(_xml(_tx(f'<value value-date="2025-01-09">{text}</value>')), today=TODAY, errors="coerce")
    assert df.loc[0, "amount"] is None and "not a decimal number" in df.loc[0, "problem"]


def test_a_transaction_without_value_and_a_bad_flag_are_problems() -> None:
    df = iati.read(_xml('<transaction><transaction-type code="3"/></transaction>'), today=TODAY, errors="coerce")
    assert df.loc[0, "path"] == "iati-activities/iati-activity[1]/transaction[1]"
    assert "no <value> element" in df.loc[0, "problem"]
    tx = _tx('<value value-date="2025-01-09">10</value>')
    df = iati.read(_xml(tx, activity='default-currency="EUR" humanitarian="yes"'), today=TODAY, errors="coerce")
    assert "not a boolean" in df.loc[0, "problem"]


def test_value_date_today_is_not_future_and_today_is_checked() -> None:
    xml = _xml(_tx('<value value-date="2025-01-09">10</value>'))
    assert iati.read(xml, today="2025-01-09")["value_date"][0] == pd.Timestamp("2025-01-09")
    with pytest.raises(BadRecordsError, match="future"):
        iati.read(xml, today="2025-01-08")
    with pytest.raises(InvalidArgumentError, match="today"):
        iati.read(xml, today="yesterday")


def test_sources_bytes_path_and_file_objects() -> None:
    data = V105.read_bytes()
    a = iati.read(data, today=TODAY)
    b = iati.read(str(V105), today=TODAY)
    c = iati.read(io.BytesIO(data), today=TODAY)
    assert a.drop(columns=[]).equals(b) and b.equals(c)
    assert b.attrs["iati"]["source"] == str(V105)


def test_many_activities_stream() -> None:
    one = '<iati-activity default-currency="EUR"><iati-identifier>A-{i}</iati-identifier>{tx}</iati-activity>'
    tx = _tx('<value value-date="2025-01-09">{i}.01</value>')
    body = "".join(one.format(i=i, tx=tx.format(i=i)) for i in range(2000))
    df = iati.read(f'<iati-activities version="2.03">{body}</iati-activities>'.encode(), today=TODAY)
    assert len(df) == 2000
    assert df["activity"].iloc[-1] == "A-1999" and df["amount"].iloc[-1] == Decimal("1999.01")
    assert df["path"].iloc[-1] == "iati-activities/iati-activity[2000]/transaction[1]/value"


@settings(max_examples=60, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15, places=4))
def test_amounts_are_the_exact_text(amount: Decimal) -> None:
    text = format(amount, "f")
    df = iati.read(_xml(_tx(f'<value value-date="2025-01-09">{text}</value>')), today=TODAY)
    got = df.loc[0, "amount"]
    assert isinstance(got, Decimal) and str(got) == text


# -- hardened parsing -----------------------------------------------------------------------------


def test_billion_laughs_is_refused_without_expansion() -> None:
    with pytest.raises(UnsafeXmlError, match="DTD") as info:
        iati.read(DATA / "billion-laughs.xml")
    assert "billion laughs" in str(info.value)
    assert isinstance(info.value, DataFormatError) and isinstance(info.value, aidtrack.AidtrackError)


def test_an_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?>\n<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<iati-activities version="2.03"><iati-activity default-currency="EUR">'
        "<iati-identifier>&xxe;</iati-identifier></iati-activity></iati-activities>"
    ).encode()
    with pytest.raises(UnsafeXmlError) as info:
        iati.read(xml)
    assert "TOP-SECRET" not in str(info.value)
    assert "refused" in str(info.value)


def test_an_external_dtd_is_refused_and_never_fetched() -> None:
    # the DTD's URL is on 127.0.0.1 (a closed port): the conftest guard would fail any other address
    with pytest.raises(UnsafeXmlError, match="DOCTYPE iati-activities"):
        iati.read(DATA / "external-dtd.xml")


def test_an_undeclared_entity_is_malformed_xml() -> None:
    with pytest.raises(DataFormatError, match="undefined entity") as info:
        iati.read(b'<iati-activities version="2.03"><iati-activity>&lol;</iati-activity></iati-activities>')
    assert info.value.line == 1


def test_malformed_xml_and_other_files() -> None:
    with pytest.raises(DataFormatError, match="malformed XML: mismatched tag") as info:
        iati.read(b'<iati-activities version="2.03">\n<iati-activity>\n</iati-activities>')
    assert info.value.line == 3
    with pytest.raises(DataFormatError, match="root element is <iati-organisations>.*organisation file"):
        iati.read(b'<iati-organisations version="2.03"/>')
    with pytest.raises(DataFormatError, match="no element found"):
        iati.read(b"")


@pytest.mark.parametrize("encoding", ["x-unknown", "shift_jis", "UTF-32", "base64"])
def test_an_undecodable_declared_encoding_is_a_data_format_error(encoding: str) -> None:
    # was LookupError / ValueError from expat, which the CLI reported as a bug in aidtrack
    xml = f'<?xml version="1.0" encoding="{encoding}"?><iati-activities version="2.03"/>'.encode()
    with pytest.raises(DataFormatError, match="encoding its XML declaration names.*UTF-8"):
        iati.read(xml)


def test_a_file_declared_and_encoded_as_utf16_is_read() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?>' + _xml(_tx('<value value-date="2025-01-09">7</value>')).decode()
    assert iati.read(xml.encode("utf-16"), today=TODAY).loc[0, "amount"] == Decimal("7")


@pytest.mark.parametrize(
    ("xml", "inside"),
    [
        (
            '<iati-activities version="2.03"><wrap><iati-activity default-currency="EUR">'
            "<iati-identifier>X</iati-identifier>{tx}</iati-activity></wrap></iati-activities>",
            "<wrap> (iati-activities/wrap)",
        ),
        (
            '<iati-activities version="2.03"><iati-activity default-currency="EUR"><iati-identifier>A</iati-identifier>'
            "<iati-activity><iati-identifier>B</iati-identifier>{tx}</iati-activity></iati-activity></iati-activities>",
            "<iati-activity> (iati-activities/iati-activity)",
        ),
    ],
)
def test_a_misplaced_activity_is_refused_not_skipped(xml: str, inside: str) -> None:
    # was: 0 rows and no problem: the activity's values were silently dropped
    body = xml.format(tx=_tx('<value value-date="2025-01-09">10</value>')).encode()
    with pytest.raises(DataFormatError, match="direct children of <iati-activities>") as info:
        iati.read(body, today=TODAY)
    assert inside in str(info.value)


def test_cli_iati_undecodable_file_is_one_line_no_bug_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="x-unknown"?><iati-activities/>')
    assert main(["iati", str(path), "--today", "2026-01-01"]) == 1
    err = capsys.readouterr().err
    assert "encoding" in err and "bug" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# -- conversion -----------------------------------------------------------------------------------


def test_convert_at_value_dates_in_three_currencies_with_the_currencyless_row_reported() -> None:
    df = iati.convert(V203, "USD", policy="monthly_mean", today=TODAY, errors="coerce")
    ok = df[df["problem"].isna()]
    assert len(ok) == 5
    for row in ok.itertuples():
        scalar = aidtrack.convert(row.amount, row.currency, to="USD", on=row.value_date.date(), policy="monthly_mean")
        assert row.converted == scalar.result.amount, row.path
        assert isinstance(row.converted, Decimal)
    gbp = df.iloc[4]
    assert gbp["currency"] == "GBP" and gbp["fixing_first"] == pd.Timestamp("2025-03-03")
    assert gbp["fixing_count"] == 21 and gbp["rate_source"] == "ecb-bundled"
    bad = df.iloc[5]
    assert bad["converted"] is None and "no currency" in bad["problem"]
    assert pd.isna(bad["rate"]) and pd.isna(bad["fixing_count"])
    meta = df.attrs["aidtrack"]
    assert meta["to"] == "USD" and meta["policy"] == "monthly_mean" and meta["date"] == "value_date"
    assert meta["source"].key == "ecb-bundled" and meta["problems"] == 1
    with pytest.raises(BadRecordsError, match=r"iati-activity\[2\]/transaction\[1\]/value \(XM-DAC-41114-EXAMPLE-2\)"):
        iati.convert(V203, "USD", today=TODAY)


def test_convert_daily_default_currency_file() -> None:
    df = iati.convert(DEFAULT_ONLY, "EUR", today=TODAY)
    assert df["converted"].tolist()[0] == aidtrack.convert("1250000", "GBP", to="EUR", on="2025-03-15").result.amount
    assert df["fixing_date"][0] == pd.Timestamp("2025-03-14")  # a Saturday value-date: Friday's fixing
    assert "problem" not in df.columns


def test_convert_reports_values_without_a_rate() -> None:
    xml = _xml(_tx('<value currency="XAF" value-date="2025-01-09">10</value>'))
    with pytest.raises(BadRecordsError, match="XAF") as info:
        iati.convert(xml, "USD", today=TODAY)
    assert info.value.problems[0].location == "iati-activities/iati-activity[1]/transaction[1]/value"
    df = iati.convert(xml, "USD", today=TODAY, errors="coerce")
    assert "XAF" in df.loc[0, "problem"] and df.loc[0, "converted"] is None


# -- command line ---------------------------------------------------------------------------------


def test_cli_iati_converts_and_fails_on_a_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iati", str(DEFAULT_ONLY), "--to", "USD", "--policy", "monthly_mean", "--today", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    assert "GB-GOV-1-EXAMPLE" in out and "GBP 1,250,000" in out and "mean of 21" in out
    assert "2 of 2 value(s) converted to USD, policy monthly_mean" in out
    assert main(["iati", str(V203), "--to", "USD", "--today", "2026-01-01"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("aidtrack: error: ") and "Traceback" not in captured.err
    assert "XM-DAC-41114-EXAMPLE-2" in captured.err


def test_cli_iati_coerce_reports_on_stderr_and_strict_fails(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["iati", str(V203), "--to", "USD", "--today", "2026-01-01", "--errors", "coerce"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "not converted" in captured.out and "5 of 6 value(s) converted" in captured.out
    assert "aidtrack iati: problem: iati-activities/iati-activity[2]/transaction[1]/value (XM-DAC-41114-EXAMPLE-2)" in (
        captured.err
    )
    assert main([*args, "--strict"]) == 1


def test_cli_iati_csv_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    evil = tmp_path / "evil.xml"
    evil.write_bytes(
        _xml(
            _tx('<value value-date="2025-01-09">10</value>')
            .replace(
                "<transaction>", '<transaction><receiver-org><narrative>=HYPERLINK("x")</narrative></receiver-org>'
            )
            .replace('code="3"/>', 'code="3"/>', 1),
            activity='default-currency="EUR"',
        ).replace(b"XM-T-1", "XM-\u009b31mRED".encode())  # a C1 control (8-bit CSI), legal in XML 1.0
    )
    assert main(["iati", str(evil), "--csv", "--today", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    assert "'=HYPERLINK" in out and ",=HYPERLINK" not in out
    assert main(["iati", str(evil), "--today", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    assert "\u009b" not in out and "XM-31mRED" in out
    assert main(["iati", str(DEFAULT_ONLY), "--json", "--to", "EUR", "--today", "2026-01-01"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["to"] == "EUR" and data["count"] == 2 and data["source"]["key"] == "ecb-bundled"
    assert data["rows"][1]["amount"] == "300000.25" and isinstance(data["rows"][1]["converted"], str)


def test_cli_iati_refuses_a_malicious_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iati", str(DATA / "billion-laughs.xml")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refused" in err and "Traceback" not in err
