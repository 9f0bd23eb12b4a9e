"""The aidtrack command line: output formats, errors on stderr with exit status, no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aidtrack.cli import main
from aidtrack.files import example_path as example_file


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_convert_text() -> None:
    code, out = run("convert", "440000000", "CAD", "--to", "EUR", "--on", "2025-01-09")
    assert code == 0
    assert "EUR 296,675,881.60" in out and "fixing 2025-01-09" in out


def test_convert_json_has_strings_for_amounts() -> None:
    code, out = run(
        "convert", "500000000", "USD", "--to", "EUR", "--on", "2025-01-09", "--policy", "monthly_mean", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["result"] == {"amount": "482917877.62", "currency": "EUR"}
    assert isinstance(data["rate"], str) and data["policy"] == "monthly_mean"
    assert len(data["fixing_dates"]) == 22 and data["source"]["last_date"] == "2026-10-30"


def test_convert_latest() -> None:
    code, out = run("convert", "1", "USD", "--on", "latest", "--json")
    assert code == 0 and json.loads(out)["on"] == "2026-10-30"


def test_totals_formats(tmp_path: Path) -> None:
    code, out = run("totals", example_file(), "--to", "EUR", "--by", "donor")
    assert code == 0 and "Grand total: EUR 2,781,877,240.16" in out and "floor or ceiling" in out
    code, out = run("totals", example_file(), "--by", "donor,month", "--json", "--policy", "monthly_mean")
    data = json.loads(out)
    assert data["grand_total"] == "2778146939.38" and data["groups"][0]["month"] == "2025-01"
    assert all(isinstance(g["total"], str) for g in data["groups"])
    code, out = run("totals", example_file(), "--by", "none", "--csv")
    header = "currency,total,count,bound_count,policy,rate_source,rates_first,rates_last,rates_sha256"
    assert out.splitlines()[0] == header
    assert out.splitlines()[1].startswith(
        "EUR,2781877240.16,3,1,daily,ECB euro reference rates (bundled snapshot),1999-01-04,2026-10-30,"
    )


def test_demo() -> None:
    code, out = run("demo")
    assert code == 0
    for needle in ["Norway", "Canada", "United States", "0.674263", "2025-01-09", "2,781,877,240.16", "monthly_mean"]:
        assert needle in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["convert", "100", "XYZ", "--on", "2025-01-09"], "XYZ"),
        (["convert", "abc", "USD", "--on", "2025-01-09"], "abc"),
        (["convert", "100", "RUB", "--on", "2023-01-05"], "RUB"),
        (["convert", "100", "USD", "--on", "2027-01-01"], "after the end of the data"),
        (["convert", "100", "USD", "--on", "2025-01-09", "--policy", "weekly"], "weekly"),
        (["convert", "100", "USD", "--on", "9.1.2025"], "9.1.2025"),
        (["totals", "does-not-exist.csv"], "no such file"),
        (["totals", example_file(), "--by", "colour"], "colour"),
    ],
)
def test_errors_go_to_stderr(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(*argv)
    err = capsys.readouterr().err
    assert code == 1 and out == ""
    assert err.startswith("aidtrack: error:") and needle in err and "Traceback" not in err


def test_bad_rows_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("donor,date,amount,currency\nA,2025-01-09,-5,EUR\n")
    assert run("totals", str(bad))[0] == 1
    assert "line 2" in capsys.readouterr().err


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("aidtrack convert: error: ") and "--help" in err


def test_python_m_and_stdin() -> None:
    text = Path(example_file()).read_text()
    proc = subprocess.run(
        [sys.executable, "-m", "aidtrack", "totals", "-", "--by", "country", "--json"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert {g["country"] for g in json.loads(proc.stdout)["groups"]} == {"NO", "CA", "US"}
    proc = subprocess.run(
        [sys.executable, "-m", "aidtrack", "convert", "1", "USD", "--on", "1990-01-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "before the first USD fixing" in proc.stderr


# -- issue 15: a newcomer's first hour ------------------------------------------------------------
def test_convert_takes_the_target_positionally() -> None:
    code, positional = run("convert", "100", "USD", "EUR", "--on", "2025-01-09")
    assert code == 0 and positional.startswith("USD 100.00 = EUR 97.04 at ")
    assert run("convert", "100", "USD", "--to", "EUR", "--on", "2025-01-09") == (0, positional)
    assert run("convert", "100", "USD", "eur", "--to", "EUR", "--on", "2025-01-09") == (0, positional)
    assert run("convert", "100", "USD", "--on", "2025-01-09") == (0, positional)  # EUR by default


def test_convert_target_given_twice_and_disagreeing(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("convert", "100", "USD", "EUR", "--to", "CAD", "--on", "2025-01-09")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "disagree" in err


def test_money_prints_in_its_canonical_form() -> None:
    code, out = run("convert", "2e9", "EUR", "--to", "USD", "--on", "2025-01-09")
    assert code == 0 and out.startswith("EUR 2,000,000,000.00 = USD 2,061,")
    assert "E+" not in out


def test_one_pledge_is_singular(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    lines = Path(example_file()).read_text().splitlines()
    one.write_text("\n".join(lines[:2]) + "\n")
    code, out = run("totals", str(one), "--by", "none")
    assert code == 0 and ("(1 pledge)" in out or "(1 pledge;" in out) and "1 pledges" not in out


def test_demo_with_a_file_suggests_a_command_for_that_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("donor,date,amount,currency\nSweden,2024-03-01,1000000,SEK\n")
    code, out = run("demo", "--file", str(mine))
    assert code == 0 and "Ramstein" not in out and "440000000 CAD" not in out
    assert "Try: aidtrack convert 1000000 SEK EUR --on 2024-03-01 --policy monthly_mean" in out
    code, out = run("demo")
    assert "Ramstein" in out and "Try: aidtrack convert " in out


def test_totals_csv_keeps_the_provenance() -> None:
    import csv

    code, out = run("totals", example_file(), "--by", "donor", "--csv", "--policy", "monthly_mean")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 3
    for row in rows:
        assert row["policy"] == "monthly_mean" and row["rate_source"].startswith("ECB euro reference rates")
        assert row["rates_last"] == "2026-10-30" and len(row["rates_sha256"]) == 64


def test_extract_table_shows_the_category_the_csv_writes(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Canada will provide $440 million in assistance to Ukraine.")
    code, table = run("extract", str(article), "--lang", "en", "--date", "2025-01-09")
    code_csv, csv_text = run("extract", str(article), "--lang", "en", "--date", "2025-01-09", "--csv")
    assert code == 0 and code_csv == 0
    row = next(line for line in table.splitlines() if line.startswith("Canada"))
    category = csv_text.splitlines()[1].split(",")[csv_text.splitlines()[0].split(",").index("category")]
    assert category in row.split()
