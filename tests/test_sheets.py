"""Other people's spreadsheets (issue 14): mapped headers, detected delimiters and decimal commas,
stated date formats, one header problem, errors="coerce"; `aidtrack convert-file`; and no CLI output
carrying a spreadsheet formula or a terminal escape from the input."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidtrack import Money
from aidtrack.cli import main
from aidtrack.errors import HeaderProblem, PledgeFileError
from aidtrack.files import read_pledges
from aidtrack.files.formats import CONVERSION_COLUMNS, convert_file
from aidtrack.formula import FORMULA_TRIGGERS
from aidtrack.tabular import amount_text, detect_decimal

GERMAN = "Geber;Datum;Betrag;Währung;Kategorie\n" + (
    "Kanada;09.01.2025;440.000.000,50;CAD;military\n"
    "Norwegen;09.01.2025;22.000.000.000;NOK;military\n"
    "Vereinigte Staaten;09.01.2025;500 000 000;USD;military\n"
    "Dänemark;10.01.2025;1,5;DKK;humanitarian\n"
)
MAPPING = {"Geber": "donor", "Datum": "date", "Betrag": "amount", "Währung": "currency", "Kategorie": "category"}


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def german(tmp_path: Path) -> Path:
    path = tmp_path / "zusagen.csv"
    path.write_text(GERMAN, encoding="utf-8")
    return path


# -- done when: a semicolon CSV with decimal commas and German headers ---------------------------
def test_german_semicolon_csv_loads_with_one_mapping(german: Path) -> None:
    pledges = read_pledges(german, columns=MAPPING, date_format="%d.%m.%Y")
    assert [p.amount for p in pledges] == [
        Money("440000000.50", "CAD"),
        Money("22000000000", "NOK"),
        Money("500000000", "USD"),
        Money("1.5", "DKK"),
    ]
    assert pledges[0].amount.amount == Decimal("440000000.50")  # exact, not via a float
    assert [p.announced.isoformat() for p in pledges] == ["2025-01-09"] * 3 + ["2025-01-10"]
    assert pledges.problems == ()


def test_the_same_file_without_the_mapping_names_the_delimiter_and_the_headers(german: Path) -> None:
    with pytest.raises(PledgeFileError) as err:
        read_pledges(german)
    message = str(err.value)
    assert "bad header" in message and "bad rows" not in message
    assert len(err.value.problems) == 1 and isinstance(err.value.problems[0], HeaderProblem)
    assert "detected delimiter ';'" in message
    for header in ("'Geber'", "'Datum'", "'Betrag'", "'Währung'", "'Kategorie'"):
        assert header in message
    assert "missing required column(s): donor, date, amount, currency" in message


def test_a_header_problem_is_one_problem_not_one_per_row(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Donor,Date,Amount,Colour\nCanada,2025-01-09,5,red\nNorway,2025-01-09,6,blue\n", encoding="utf-8")
    with pytest.raises(PledgeFileError) as err:
        read_pledges(path)
    assert len(err.value.problems) == 1
    assert "unknown column(s) 'Colour'" in str(err.value) and "missing required column(s): currency" in str(err.value)


def test_headers_match_case_and_space_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        " Donor ,DATE,Amount,currency,Period Start,period  end\nCanada,2025-01-09,5,CAD,2025-01-01,2025-12-31\n"
    )
    (pledge,) = read_pledges(path)
    assert pledge.donor.name == "Canada" and pledge.period is not None


def test_a_column_mapped_to_none_is_ignored_and_a_stale_mapping_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("donor,date,amount,currency,Bemerkung\nCanada,2025-01-09,5,CAD,x\n")
    assert len(read_pledges(path, columns={"Bemerkung": None})) == 1
    with pytest.raises(PledgeFileError, match="columns= names 'Geber', which the header does not have"):
        read_pledges(path, columns={"Bemerkung": None, "Geber": "donor"})


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "p.csv"
    rows = [["donor", "date", "amount", "currency"], ["Canada", "2025-01-09", "440000000", "CAD"]]
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n")
    assert read_pledges(path)[0].amount == Money("440000000", "CAD")


def test_no_delimiter_found_is_stated(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("donor amount\nCanada 5\n")
    with pytest.raises(PledgeFileError, match="no delimiter detected"):
        read_pledges(path)


def test_a_forced_delimiter_and_decimal(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("donor;date;amount;currency\nCanada;2025-01-09;1.234;CAD\n")
    with pytest.raises(PledgeFileError, match="ambiguous"):  # ';' file: 1.234 could be 1234
        read_pledges(path)
    assert read_pledges(path, decimal=",")[0].amount == Money("1234", "CAD")
    assert read_pledges(path, decimal=".")[0].amount == Money("1.234", "CAD")
    with pytest.raises(PledgeFileError, match="delimiter ',' you gave"):
        read_pledges(path, delimiter=",")


def test_mixed_decimal_separators_are_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('donor,date,amount,currency\nA,2025-01-09,"2,5",EUR\nB,2025-01-09,2.5,EUR\n')
    with pytest.raises(PledgeFileError, match="both decimal separators"):
        read_pledges(path)


def test_dates_in_a_stated_format_or_iso(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("donor,date,amount,currency\nA,09/01/2025,5,EUR\n")
    with pytest.raises(PledgeFileError, match=r"pass date_format='%d/%m/%Y'"):
        read_pledges(path)
    assert read_pledges(path, date_format="%d/%m/%Y")[0].announced.isoformat() == "2025-01-09"
    with pytest.raises(PledgeFileError, match="does not match date_format"):
        read_pledges(path, date_format="%Y-%m-%d")


def test_every_bad_row_with_its_location_and_coerce_keeps_the_good(german: Path) -> None:
    text = GERMAN + "Schweden;32.01.2025;5;SEK;military\nFinnland;09.01.2025;viel;EUR;military\n"
    german.write_text(text, encoding="utf-8")
    with pytest.raises(PledgeFileError) as err:
        read_pledges(german, columns=MAPPING, date_format="%d.%m.%Y")
    assert [p.line for p in err.value.problems] == [6, 7]
    assert "6 bad rows" not in str(err.value) and "2 bad rows" in str(err.value)
    pledges = read_pledges(german, columns=MAPPING, date_format="%d.%m.%Y", errors="coerce")
    assert len(pledges) == 4 and [p.line for p in pledges.problems] == [6, 7]
    assert "32.01.2025" in pledges.problems[0].reason and "viel" in pledges.problems[1].reason
    assert repr(pledges) == "<Pledges: 4 pledges, 2 bad rows not loaded>"


def test_excel_json_and_parquet_through_the_same_entry_point(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"Geber": ["Kanada", "Norwegen"], "Datum": ["09.01.2025", "bad"], "Betrag": ["440.000.000,50", "7"]}
    )
    frame["Währung"] = ["CAD", "NOK"]
    frame.to_excel(tmp_path / "x.xlsx", sheet_name="Zusagen", index=False)
    frame.to_json(tmp_path / "x.json", orient="records", force_ascii=False)
    frame.to_parquet(tmp_path / "x.parquet")
    mapping = {k: v for k, v in MAPPING.items() if k != "Kategorie"}
    for name, where in (("x.xlsx", "row 3"), ("x.json", "record 2"), ("x.parquet", "row 2")):
        pledges = read_pledges(tmp_path / name, columns=mapping, date_format="%d.%m.%Y", errors="coerce")
        assert [p.amount for p in pledges] == [Money("440000000.50", "CAD")], name
        assert str(pledges.problems[0]).startswith(where), (name, str(pledges.problems[0]))


def test_aidtrack_files_still_read_back(tmp_path: Path) -> None:
    from aidtrack.files import example_path, write_pledges

    pledges = read_pledges(example_path())
    for suffix in (".csv", ".json", ".parquet", ".xlsx"):
        write_pledges(pledges, tmp_path / f"p{suffix}")
        assert read_pledges(tmp_path / f"p{suffix}") == pledges, suffix


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=0, max_value=99),
    st.sampled_from([",", "."]),
    st.booleans(),
)
def test_amount_text_is_exact_for_grouped_numbers(whole: int, cents: int, decimal: str, grouped: bool) -> None:
    group = "." if decimal == "," else ","
    digits = f"{whole:,}".replace(",", group) if grouped else str(whole)
    text = f"{digits}{decimal}{cents:02d}"
    assert Decimal(amount_text(text, decimal)) == Decimal(whole) + Decimal(cents) / 100
    assert detect_decimal([text]) in (decimal, None)


# -- convert-file --------------------------------------------------------------------------------
def test_convert_file_writes_every_row_with_rate_fixing_policy_and_source(german: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    args = [f"--column={k}={v}" for k, v in MAPPING.items()]
    code, text = run("convert-file", str(german), "--to", "EUR", "-o", str(out), "--date-format", "%d.%m.%Y", *args)
    assert code == 0 and "Wrote 4 row(s)" in text and "SHA-256" in text
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["amount"] == "440000000.50" and rows[0]["converted"] == "296675881.94"
    assert rows[0]["fixing_date"] == "2025-01-09" and rows[0]["policy"] == "daily"
    assert rows[0]["rate_source"] == "ecb-bundled" and rows[0]["converted_currency"] == "EUR"
    from aidtrack import convert

    assert Decimal(rows[0]["converted"]) == convert("440000000.50", "CAD", to="EUR", on="2025-01-09").result.amount


def test_convert_file_errors_raise_writes_nothing_and_coerce_keeps_every_row(german: Path, tmp_path: Path) -> None:
    german.write_text(GERMAN + "Atlantis;09.01.2025;5;XXX;military\n", encoding="utf-8")
    out = tmp_path / "out.json"
    with pytest.raises(PledgeFileError, match="line 6: currency 'XXX'"):
        convert_file(german, out, "EUR", columns=MAPPING, date_format="%d.%m.%Y")
    assert not out.exists()
    result = convert_file(german, out, "EUR", columns=MAPPING, date_format="%d.%m.%Y", errors="coerce")
    assert result.converted == 4 and len(result.frame) == 5 and result.problems[0].line == 6
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data[4]["donor"] == "Atlantis" and data[4]["converted"] is None and "XXX" in data[4]["problem"]


def test_convert_file_cli_coerce_reports_on_stderr_and_strict_fails(
    german: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    german.write_text(GERMAN + "Atlantis;09.01.2025;5;XXX;military\n", encoding="utf-8")
    args = ["convert-file", str(german), "-o", str(tmp_path / "o.csv"), "--date-format", "%d.%m.%Y"]
    args += [f"--column={k}={v}" for k, v in MAPPING.items()]
    assert run(*args)[0] == 1
    assert run(*args, "--errors", "coerce")[0] == 0
    assert "line 6" in capsys.readouterr().err
    assert run(*args, "--errors", "coerce", "--strict")[0] == 1


def test_convert_file_round_trip_csv_parquet_csv_is_exact(tmp_path: Path) -> None:
    import random

    rng = random.Random(14)
    currencies = ["USD", "CAD", "GBP", "JPY", "NOK", "EUR"]
    lines = ["donor,date,amount,currency"]
    amounts = []
    for i in range(5000):
        amount = f"{rng.randint(1, 10**12)}.{rng.randint(0, 99):02d}" if i % 3 else str(rng.randint(1, 10**17))
        amounts.append(amount)
        lines.append(f"D{i % 37},2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{amount},{currencies[i % 6]}")
    source = tmp_path / "in.csv"
    source.write_text("\n".join(lines) + "\n")
    assert run("convert-file", str(source), "--to", "EUR", "-o", str(tmp_path / "mid.parquet"))[0] == 0
    assert run("convert-file", str(tmp_path / "mid.parquet"), "--to", "EUR", "-o", str(tmp_path / "back.csv"))[0] == 0
    back = pd.read_csv(tmp_path / "back.csv", dtype=str, keep_default_na=False)
    mid = pd.read_parquet(tmp_path / "mid.parquet")
    assert back["amount"].tolist() == amounts  # every amount exactly as written
    assert mid["amount"].tolist() == amounts
    assert back["converted"].tolist() == mid["converted"].tolist()
    from aidtrack import convert

    for i in range(0, 5000, 250):
        row = back.iloc[i]
        expected = convert(row["amount"], row["currency"], to="EUR", on=row["date"]).result.amount
        assert Decimal(row["converted"]) == expected


def test_totals_reads_excel_and_every_format(tmp_path: Path) -> None:
    from aidtrack.files import example_path, write_pledges

    pledges = read_pledges(example_path())
    expected = run("totals", str(example_path()), "--to", "EUR", "--csv")[1]
    for suffix in (".xlsx", ".json", ".parquet"):
        write_pledges(pledges, tmp_path / f"p{suffix}")
        code, out = run("totals", str(tmp_path / f"p{suffix}"), "--to", "EUR", "--csv")
        assert code == 0 and out == expected, suffix


def test_totals_reads_convert_file_output(german: Path, tmp_path: Path) -> None:
    convert_file(german, tmp_path / "o.xlsx", "EUR", columns=MAPPING, date_format="%d.%m.%Y")
    code, out = run("totals", str(tmp_path / "o.xlsx"), "--to", "EUR", "--by", "none", "--json")
    assert code == 0 and json.loads(out)["count"] == 4
    assert all(c in CONVERSION_COLUMNS for c in ("converted", "rate", "policy"))


def test_totals_coerce_skips_rows_without_a_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.csv"
    path.write_text("donor,date,amount,currency\nCanada,2025-01-09,5,CAD\nOld,1990-01-09,5,CAD\n")
    assert run("totals", str(path))[0] == 1
    code, out = run("totals", str(path), "--errors", "coerce", "--csv")
    assert code == 0 and "Canada" in out and "Old" not in out
    assert "pledge 2 (Old" in capsys.readouterr().err
    assert run("totals", str(path), "--errors", "coerce", "--strict")[0] == 1


# -- no formula, no terminal escape in any output ------------------------------------------------
HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "Nor\x1b[2J\x1b]0;pwned\x07way",
    "Den\x9b31mmark",
    "Fin\rland",
]


def _no_control(text: str, where: str) -> None:
    bad = [c for c in text if (ord(c) < 0x20 and c not in "\n") or 0x7F <= ord(c) < 0xA0]
    assert not bad, f"{where}: control characters {bad!r} in output"


def _no_formula(text: str, where: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), f"{where}: formula cell {cell!r}"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a lone \r stays in its field
        writer.writerow(["donor", "date", "amount", "currency", "notes"])
        for i, name in enumerate(HOSTILE):
            writer.writerow([name, "2025-01-09", str(1000 + i), "USD", name])
    return path


def _outputs(*argv: str) -> dict[str, str]:
    results = {}
    for fmt in ("", "--csv", "--json"):
        args = [*argv, fmt] if fmt else list(argv)
        err = io.StringIO()
        import contextlib

        with contextlib.redirect_stderr(err):
            code, out = run(*args)
        results[fmt or "table"] = out + err.getvalue()
        assert code in (0, 1), args
    return results


def test_no_cli_output_carries_a_formula_or_an_escape(hostile: Path, tmp_path: Path) -> None:
    checked = []
    # totals: table, csv, json
    for kind, text in _outputs("totals", str(hostile), "--to", "EUR").items():
        _no_control(text, f"totals {kind}")
        if kind == "--csv":
            _no_formula(text, "totals --csv")
        if kind == "--json":
            donors = {g["donor"] for g in json.loads(text)["groups"]}
            assert "Nor\x1b[2J\x1b]0;pwned\x07way" in donors  # exact data, escaped in the JSON text
        checked.append("totals")
    # demo on the file: tables
    _no_control(run("demo", "--file", str(hostile))[1], "demo")
    # extract: a text whose donor-like words carry escapes and formulas
    article = tmp_path / "a.txt"
    article.write_text(
        '=HYPERLINK("x") Canada\x1b[31m will provide $440 million. Norway\x9b2J pledged NOK 22 billion.\n',
        encoding="utf-8",
    )
    for kind, text in _outputs("extract", str(article), "--lang", "en", "--date", "2025-01-09").items():
        _no_control(text, f"extract {kind}")
        if kind == "--csv":
            _no_formula(text, "extract --csv")
    # iati: hostile identifiers and organisation names
    xml = tmp_path / "a.xml"
    xml.write_text(
        '<iati-activities version="2.03"><iati-activity default-currency="EUR">'
        "<iati-identifier>=HYPERLINK(1)&#x1b;[2J&#x9b;</iati-identifier>"
        '<reporting-org ref="X"><narrative>@evil&#x1b;]0;t&#x7;</narrative></reporting-org>'
        '<transaction><transaction-type code="3"/><transaction-date iso-date="2025-01-09"/>'
        '<value value-date="2025-01-09">100</value></transaction></iati-activity></iati-activities>',
        encoding="utf-8",
    )
    for kind, text in _outputs("iati", str(xml), "--to", "USD", "--today", "2026-01-01").items():
        _no_control(text, f"iati {kind}")
        if kind == "--csv":
            _no_formula(text, "iati --csv")
    # convert-file: its summary, and the CSV file it writes keeps the guard
    out = tmp_path / "out.csv"
    code, text = run("convert-file", str(hostile), "--to", "EUR", "-o", str(out))
    assert code == 0
    _no_control(text, "convert-file")
    written = out.read_text(encoding="utf-8")
    _no_formula(written, "convert-file output")
    assert read_pledges(out)[0].donor.name == HOSTILE[0]  # the guard reads back exactly
    # errors: a hostile value in a message
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        run("convert", "5", "US\x1b[2JD", "--on", "2025-01-09")
    _no_control(err.getvalue(), "convert error")
    assert checked


def test_every_subcommand_is_covered_by_the_hostile_test() -> None:
    import argparse

    from aidtrack.cli.app import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    covered = {"totals", "demo", "extract", "iati", "convert-file", "convert", "rates"}  # rates: no input text
    assert set(sub.choices) <= covered, set(sub.choices) - covered
