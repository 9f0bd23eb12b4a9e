"""Pledge files (CSV, JSON, Parquet, Excel) and frames: round trips, bad rows with locations, the formula guard."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack import Money, Pledge
from aidtrack.cli import main
from aidtrack.errors import PledgeFileError
from aidtrack.files.csvfile import read_pledges_csv, write_pledges_csv
from aidtrack.files.formats import detect_format, read_pledges, write_frame, write_pledges
from aidtrack.formula import guard_text, needs_guard, unguard_text
from aidtrack.frames.aggregate import totals
from aidtrack.frames.collection import Pledges
from aidtrack.frames.rows import FRAME_COLUMNS, frame_to_pledges, pledges_to_frame

SUFFIXES = [".csv", ".json", ".parquet", ".xlsx"]
NASTY = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "'quoted",
    "''twice",
    "'=both",
    'plain, with "quotes" and, commas',
    "Ünïcødé – ✓",
]


def nasty_pledges() -> list[Pledge]:
    out = []
    for k, text in enumerate(NASTY):
        out.append(
            Pledge(
                donor=text if text.strip() else "x",
                announced=date(2024, 1, 1 + k),
                amount=Money(Decimal(10 + k) ** 20 / 7 if k % 2 else "12345678901234567890.123456", "USD"),
                notes=text,
                recipient=text.strip() or "Ukraine",
                source={"title": text, "publisher": text, "url": "https://example.org/a?b=1"},
                qualifier="at_least" if k % 3 == 0 else "exact",
                period={"start": "2024-01-01", "end": "2025-12-31"} if k % 2 else None,
            )
        )
    return out


text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12) | st.sampled_from(NASTY)
pledge_strategy = st.builds(
    lambda donor, notes, title, day, amount, currency: Pledge(
        donor=donor,
        announced=day,
        amount=Money(amount, currency),
        notes=notes,
        source={"title": title} if title and title.strip() else None,
    ),
    text.filter(lambda s: bool(s.split())),
    st.none() | text,
    st.none() | text,
    st.dates(date(1999, 1, 1), date(2026, 12, 31)),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10) ** 18, places=3, allow_nan=False),
    st.sampled_from(["EUR", "USD", "JPY", "CAD"]),
)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_round_trip_of_nasty_pledges(tmp_path: Path, suffix: str) -> None:
    pledges = nasty_pledges()
    path = tmp_path / f"pledges{suffix}"
    write_pledges(pledges, path)
    back = read_pledges(path)
    assert isinstance(back, Pledges)
    assert list(back) == pledges
    assert [p.id for p in back] == [p.id for p in pledges]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(pledges=st.lists(pledge_strategy, max_size=6))
def test_round_trip_property(tmp_path: Path, pledges: list[Pledge]) -> None:
    for suffix in SUFFIXES:
        path = tmp_path / f"p{suffix}"
        write_pledges(pledges, path)
        assert list(read_pledges(path)) == pledges, suffix
    assert frame_to_pledges(pledges_to_frame(pledges)) == pledges


def test_frame_round_trip_and_columns() -> None:
    pledges = nasty_pledges()
    frame = pledges_to_frame(pledges)
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert frame["date"].dtype == "datetime64[s]"
    assert isinstance(frame["amount"].iloc[0], Decimal)
    assert frame_to_pledges(frame) == pledges
    assert Pledges.from_frame(frame) == Pledges(pledges)
    assert frame.aidtrack.to_pledges() == pledges
    # order of columns is free; the id may be dropped
    assert frame_to_pledges(frame[list(reversed(frame.columns))].drop(columns="id")) == pledges


def test_frame_bad_rows_are_all_reported_with_their_location() -> None:
    frame = pledges_to_frame(nasty_pledges()[:4])
    frame.index = ["a", "b", "c", "d"]
    frame.loc["b", "currency"] = "XYZ"
    frame.loc["c", "amount"] = Decimal(-5)
    frame.loc["d", "notes"] = "edited"  # the id no longer matches
    with pytest.raises(PledgeFileError) as info:
        frame_to_pledges(frame)
    problems = info.value.problems
    assert [p.line for p in problems] == [2, 3, 4]
    text = str(info.value)
    assert "row 2 (index 'b')" in text and "XYZ" in text
    assert "row 3 (index 'c')" in text and "greater than zero" in text
    assert "row 4 (index 'd')" in text and "does not match" in text
    with pytest.raises(PledgeFileError, match="unknown column"):
        frame_to_pledges(frame.assign(extra=1))
    assert len(frame_to_pledges(frame.iloc[:1].assign(extra=1), extra="ignore")) == 1
    with pytest.raises(PledgeFileError, match="missing required column"):
        frame_to_pledges(frame.drop(columns="currency"))


def test_csv_guard_in_the_file_and_read_back(tmp_path: Path) -> None:
    pledges = nasty_pledges()
    path = tmp_path / "p.csv"
    write_pledges_csv(pledges, path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, pledge in zip(rows, pledges, strict=True):
        for column in ("donor", "notes", "source_title", "source_publisher", "recipient"):
            cell = row[column]
            assert not needs_guard(cell), (column, cell)  # no cell starts a formula
            assert unguard_text(cell) == (pledge.notes if column == "notes" else unguard_text(cell))
    assert rows[0]["donor"] == "'" + NASTY[0]
    assert rows[6]["donor"] == "''quoted"
    assert read_pledges_csv(path) == pledges
    # ordinary text is written unchanged
    plain = Pledge(donor="Norway", announced="2025-01-09", amount=Money(5, "EUR"))
    write_pledges_csv([plain], path)
    assert "\nNorway,2025-01-09,5,EUR," in path.read_text()


def test_guard_functions() -> None:
    for value in [*NASTY, "", "Norway", "a=b", "'"]:
        guarded = guard_text(value)
        assert not needs_guard(guarded)
        assert unguard_text(guarded) == value


def test_excel_cells_are_text_not_formulas(tmp_path: Path) -> None:
    pledges = nasty_pledges()
    path = tmp_path / "p.xlsx"
    write_pledges(pledges, path)
    sheet = openpyxl.load_workbook(path)["Pledges"]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == FRAME_COLUMNS
    donor = header.index("donor") + 1
    for row in range(2, len(pledges) + 2):
        cell = sheet.cell(row=row, column=donor)
        assert cell.data_type == "s"
        if needs_guard(cell.value):
            assert cell.quotePrefix
    assert sheet.cell(row=2, column=donor).value == NASTY[0]  # the value itself is unchanged
    date_cell = sheet.cell(row=2, column=header.index("date") + 1)
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    # exact amounts: a number when a number holds it, else text
    amount = header.index("amount") + 1
    assert sheet.cell(row=2, column=amount).value == "12345678901234567890.123456"


def test_excel_bad_rows_name_sheet_and_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    ws.append(["donor", "date", "amount", "currency"])
    ws.append(["Canada", date(2025, 1, 9), 440_000_000, "CAD"])
    ws.append(["Norway", date(2025, 1, 9), "lots", "EUR"])
    ws.append([None, None, None, None])  # an empty row is skipped
    ws.append(["Japan", date(2025, 1, 9), "=A1*2", "JPY"])
    ws.append(["Chile", "9 Jan 2025", 5, "CLP"])
    wb.save(path)
    with pytest.raises(PledgeFileError) as info:
        read_pledges(path)
    text = str(info.value)
    assert "sheet 'Pledges'" in text
    assert [p.line for p in info.value.problems] == [3, 5, 6]
    assert "row 3: " in text and "'lots'" in text
    assert "row 5: " in text and "formula" in text
    assert "row 6: " in text and "9 Jan 2025" in text
    with pytest.raises(PledgeFileError, match="no sheet 'Other'"):
        read_pledges(path, sheet="Other")


def test_excel_rows_read_past_a_stale_size_record_and_gaps(tmp_path: Path) -> None:
    """The sheet is streamed (read-only): a size record that is missing or too small, rows left out of the file
    and a first row that starts after column A change nothing; rows keep their numbers."""
    import re
    import zipfile

    path = tmp_path / "gaps.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    ws.append(["donor", "date", "amount", "currency", "notes"])
    ws.append(["Canada", date(2025, 1, 9), 440_000_000, "CAD"])
    ws.cell(row=5, column=2, value=date(2025, 1, 10))  # rows 3-4 are not in the file at all
    ws.cell(row=5, column=3, value="12.5")
    ws.cell(row=5, column=4, value="EUR")
    ws.cell(row=5, column=1, value="Norway")
    ws.cell(row=7, column=1, value="Japan")
    ws.cell(row=7, column=2, value=date(2025, 1, 11))
    ws.cell(row=7, column=3, value=-1)
    ws.cell(row=7, column=4, value="JPY")
    ws.cell(row=8, column=6, value="beyond")  # a value right of the header, alone in its row
    wb.save(path)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stale, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:B2"/>', data)
                assert count == 1
            dst.writestr(item, data)
    for each in (path, stale):
        with pytest.raises(PledgeFileError) as info:
            read_pledges(each)
        assert [(p.line, "greater than zero" in p.reason) for p in info.value.problems[:1]] == [(7, True)]
        assert [p.line for p in info.value.problems] == [7, 8]
        assert "cell F8" in info.value.problems[1].reason
        good = read_pledges(each, errors="coerce")
        assert [(p.donor.name, str(p.amount.amount)) for p in good] == [("Canada", "440000000"), ("Norway", "12.5")]


def test_json_bad_records(tmp_path: Path) -> None:
    good = nasty_pledges()[0].model_dump(mode="json")
    bad = dict(good, amount={"amount": "-1", "currency": "USD"})
    path = tmp_path / "p.json"
    path.write_text(json.dumps([good, bad, "not an object", dict(good, id="0" * 16)]))
    with pytest.raises(PledgeFileError) as info:
        read_pledges(path)
    assert [p.line for p in info.value.problems] == [2, 3, 4]
    assert "pledge 2: " in str(info.value) and "pledge 4: " in str(info.value)
    path.write_text("{not json")
    with pytest.raises(PledgeFileError, match="not JSON"):
        read_pledges(path)
    path.write_text(json.dumps({"pledges": [good]}))
    assert len(read_pledges(path)) == 1


def test_parquet_types_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    write_pledges(nasty_pledges(), path)
    schema = pq.read_schema(path)
    assert schema.field("date").type == pa.date32()
    assert schema.field("amount").type == pa.string()
    table = pa.table(
        {
            "donor": ["Canada", "Norway"],
            "date": pa.array([date(2025, 1, 9), None], type=pa.date32()),
            "amount": ["440000000", "2e9"],
            "currency": ["CAD", "EUR"],
        }
    )
    pq.write_table(table, path)
    with pytest.raises(PledgeFileError) as info:
        read_pledges(path)
    assert "row 2: " in str(info.value) and "date" in str(info.value)


def test_writes_are_atomic(tmp_path: Path) -> None:
    pledges = nasty_pledges()
    for suffix in SUFFIXES:
        path = tmp_path / f"keep{suffix}"
        write_pledges(pledges, path)
        before = path.read_bytes()
        with pytest.raises(AttributeError):
            write_pledges([*pledges, "not a pledge"], path)  # type: ignore[list-item]
        assert path.read_bytes() == before, suffix
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_formats_and_errors() -> None:
    assert detect_format("a.CSV") == "csv" and detect_format("a.pq") == "parquet"
    with pytest.raises(ValueError, match="cannot tell the format"):
        detect_format("a.txt")
    with pytest.raises(ValueError, match="unknown format"):
        detect_format("a.csv", "xml")  # type: ignore[arg-type]


def test_write_frame_guards_text_and_keeps_totals_exact(tmp_path: Path) -> None:
    pledges = nasty_pledges()
    table = totals(pledges, "EUR", ["donor", "quarter"])
    csv_path = tmp_path / "t.csv"
    write_frame(table, csv_path)
    back = pd.read_csv(csv_path, dtype=str)
    assert all(not needs_guard(v) for v in back["donor"])
    assert [Decimal(v) for v in back["total"]] == list(table["total"])
    assert list(back["quarter"]) == [str(q) for q in table["quarter"]]
    xlsx = tmp_path / "t.xlsx"
    write_frame(table, xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    for suffix in (".json", ".parquet"):
        write_frame(table, tmp_path / f"t{suffix}")
    assert pd.read_parquet(tmp_path / "t.parquet")["total"].map(Decimal).tolist() == list(table["total"])
    assert [Decimal(r["total"]) for r in json.loads((tmp_path / "t.json").read_text())] == list(table["total"])


def test_top_level_names() -> None:
    assert aidtrack.read_pledges is read_pledges
    assert aidtrack.frames.pledges_to_frame is pledges_to_frame


def test_missing_extra_shows_both_install_forms() -> None:
    """Issue 15: after `pip install .` from a checkout, the index form alone fetches aidtrack from PyPI."""
    from aidtrack._extras import require
    from aidtrack.errors import MissingExtraError

    with pytest.raises(MissingExtraError) as info:
        require("aidtrack_no_such_package", "excel", "writing .xlsx")
    assert 'pip install "aidtrack[excel]"' in str(info.value) and 'pip install ".[excel]"' in str(info.value)


def test_parquet_cells_are_read_as_stored(tmp_path: Path) -> None:
    """An integer column with a null keeps its digits (pandas alone would make it float64), and a list cell is a
    bad row that says so, never its one item."""
    path = tmp_path / "p.parquet"
    n = 4
    pq.write_table(
        pa.table(
            {
                "donor": ["Canada"] * n,
                "date": ["2025-01-09"] * n,
                "amount": pa.array([2**53 + 1, None, 2**62 + 1, 7], type=pa.int64()),
                "currency": ["CAD"] * n,
                "notes": pa.array([None, None, None, ["a"]], type=pa.list_(pa.string())),
            }
        ),
        path,
    )
    ps = read_pledges(path, errors="coerce")
    assert [p.amount.amount for p in ps] == [Decimal(2**53 + 1), Decimal(2**62 + 1)]
    assert [str(p) for p in ps.problems] == [
        "row 2: empty required field: amount",
        "row 4: notes: cannot read a list value (['a'])",
    ]
    pd.testing.assert_frame_equal(ps.to_frame(), pledges_to_frame(list(ps)))
    pq.write_table(
        pa.table(
            {
                "donor": ["Canada"] * 3,
                "date": ["2025-01-09"] * 3,
                "amount": pa.array([[5], [5, 6], []], type=pa.list_(pa.int64())),
                "currency": ["CAD"] * 3,
            }
        ),
        path,
    )
    with pytest.raises(PledgeFileError) as info:
        read_pledges(path)
    assert [str(p) for p in info.value.problems] == [
        "row 1: amount: cannot read a list value ([5])",
        "row 2: amount: cannot read a list value ([5, 6])",
        "row 3: amount: cannot read a list value ([])",
    ]


def test_an_excel_error_value_is_a_bad_row(tmp_path: Path) -> None:
    """``#N/A`` in a cell is Excel's error value, not the text '#N/A' (it was read as the donor's name)."""
    path = tmp_path / "p.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    ws.append(["donor", "date", "amount", "currency"])
    ws.append(["#N/A", "2025-01-09", 5, "CAD"])  # text that looks like the error: read as written
    ws["A2"].data_type = "s"  # (openpyxl would store it as the error)
    ws.append(["Canada", "2025-01-09", 5, "CAD"])
    ws["A3"].value = "#N/A"
    ws["A3"].data_type = "e"
    ws.append(["Canada", "2025-01-09", "#DIV/0!", "CAD"])
    ws["C4"].data_type = "e"
    wb.save(path)
    ps = read_pledges(path, errors="coerce")
    assert [p.donor.name for p in ps] == ["#N/A"]
    assert [str(p) for p in ps.problems] == [
        "row 3: donor: the cell holds the error value '#N/A', not a value",
        "row 4: amount: the cell holds the error value '#DIV/0!', not a value",
    ]
    pledges = [Pledge(donor=name, announced="2025-01-09", amount=Money(5, "CAD")) for name in ("#N/A", "#REF!")]
    write_pledges(pledges, path)  # text, not error values: it reads back
    assert list(read_pledges(path)) == pledges
    write_frame(pd.DataFrame({"donor": ["#NAME?"]}), path)
    assert openpyxl.load_workbook(path).active["A2"].data_type == "s"


def test_a_json_key_given_twice_is_refused(tmp_path: Path) -> None:
    """``{"amount": "5", "amount": "5000"}``: the standard parser keeps the last value silently; aidtrack refuses."""
    path = tmp_path / "p.json"
    row = '"donor": "Canada", "date": "2025-01-09", "currency": "CAD"'
    path.write_text(f'[{{{row}, "amount": "5"}}, {{{row}, "amount": "5", "amount": "5000"}}]', encoding="utf-8")
    for errors in ("raise", "coerce"):
        with pytest.raises(PledgeFileError, match=r"an object names 'amount' more than once \('5', '5000'\)"):
            read_pledges(path, errors=errors)  # type: ignore[arg-type]
    good = Pledge(donor="Canada", announced="2025-01-09", amount=Money(5, "CAD"))
    text = good.model_dump_json()
    assert Pledge.model_validate_json(text) == good
    with pytest.raises(ValueError, match="names 'notes' more than once"):
        Pledge.model_validate_json(text[:-1] + ', "notes": "a", "notes": "b"}')


# -- hostile review: the JSON export kept 10 digits of a float rate and wrote dates as time stamps --
def test_convert_file_json_rate_is_the_csv_rate(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("donor,date,amount,currency\nDE,2024-01-05,100,USD\nFR,2024-01-05,0.1,GBP\n")
    assert main(["convert-file", str(src), "-o", str(tmp_path / "o.csv")], out=io.StringIO()) == 0
    assert main(["convert-file", str(src), "-o", str(tmp_path / "o.json")], out=io.StringIO()) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "o.csv").read_text())))
    records = json.loads((tmp_path / "o.json").read_text())
    assert [r["rate"] for r in records] == [float(r["rate"]) for r in rows]  # was 0.9156670635 for 0.9156670634557275
    assert records[0]["rate"] == 0.9156670634557275
    assert [r["fixing_date"] for r in records] == [r["fixing_date"] for r in rows] == ["2024-01-05"] * 2
    assert [r["converted"] for r in records] == [r["converted"] for r in rows] == ["91.57", "0.12"]
