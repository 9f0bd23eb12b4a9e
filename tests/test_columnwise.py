"""The column-wise reading of pledge tables gives exactly what the per-row path gives (issue 17).

Random tables of good and bad cells (hypothesis): the records, their ids and fields, the
problems (line and reason, word for word), the pledge frame and the text frame of
``convert_file`` all equal those of the per-row reference path (``to_pledges_by_row``).
"""

from __future__ import annotations

import csv
import io
import pathlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidtrack.errors import PledgeFileError
from aidtrack.files._table import (
    RawTable,
    prepare,
    to_frame,
    to_frame_by_row,
    to_pledge_frame,
    to_pledges,
    to_pledges_and_frame,
    to_pledges_by_row,
)
from aidtrack.files.csvfile import read_csv_table
from aidtrack.frames.rows import pledges_to_frame

POOLS: dict[str, list[str | None]] = {
    "donor": ["Canada", " Norway ", "'=X", "", "  ", "Germany", "Acme Org", "usa", "Kanada", "+1 donor"],
    "date": ["2025-01-09", "2024-02-29", "2023-02-29", "09.01.2025", "", "2025-1-9", " 2025-01-10 ", "x"],
    "amount": [
        "440000000",
        "1250.50",
        "0",
        "-5",
        "2e9",
        "abc",
        "",
        "0001.000",
        "1" + "0" * 40,
        "١٢",
        " 7 ",
        "1e30",
        "1.234",
        ".5",
        "5.",
        "007",
        "0.000",
        "1,5",
    ],
    "currency": ["CAD", "eur", "XXX", "", "US$", " usd ", "NOK"],
    "country": [None, "", "CA", "zz", "no", " de "],
    "category": [None, "military", "Military ", "bogus", ""],
    "measure": [None, "commitment", "allocation", "nope", ""],
    "qualifier": [None, "exact", "AT_LEAST", "roughly", ""],
    "recipient": [None, "Ukraine", "  ", "Moldova", "'=R"],
    "period_start": [None, "2025-01-01", "2025-12-31", "bad", ""],
    "period_end": [None, "2025-01-01", "2025-12-31", "2026-06-30", ""],
    "source": [None, "https://example.org/x", "ftp://x", "not a url", "", " http://a.b/c "],
    "source_title": [None, "Title", "", "'-T"],
    "source_publisher": [None, "Publisher", " "],
    "notes": [None, "", "  ", "a note", "'=SUM(1)", " spaced ", "x\ny"],
    "rate_date": [None, "", "2025-01-02", "2025-13-01", " 2024-12-31"],
    "id": [None, "", "0123456789abcdef"],
}
OPTIONAL = [c for c in POOLS if c not in ("donor", "date", "amount", "currency")]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str | None]]]:
    extra = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)))
    header = draw(st.permutations(["donor", "date", "amount", "currency", *extra]))
    # mostly good rows (from the first, valid values), some with a bad cell anywhere
    good = {"donor": "Canada", "date": "2025-01-09", "amount": "440000000", "currency": "CAD"}
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = [good.get(c, POOLS[c][1]) for c in header]
        for j in draw(st.lists(st.integers(0, len(header) - 1), max_size=len(header))):
            row[j] = draw(st.sampled_from(POOLS[header[j]]))
        rows.append(row)
    return list(header), rows


def _same(prep_a, prep_b) -> None:  # type: ignore[no-untyped-def]
    expected, expected_problems = to_pledges_by_row(prep_a, "coerce")
    got, got_problems = to_pledges(prep_b, "coerce")
    assert got == expected
    assert [p.id for p in got] == [p.id for p in expected]
    assert [p.model_fields_set for p in got] == [p.model_fields_set for p in expected]
    assert [p.model_dump_json() for p in got] == [p.model_dump_json() for p in expected]
    assert [str(p) for p in got_problems] == [str(p) for p in expected_problems]
    frame, frame_problems = to_pledge_frame(prep_b, "coerce")
    pd.testing.assert_frame_equal(frame, pledges_to_frame(expected))
    assert [str(p) for p in frame_problems] == [str(p) for p in expected_problems]
    count, records_of, records_problems, frame_of = to_pledges_and_frame(prep_b, "coerce")  # read_pledges'
    assert [str(p) for p in records_problems] == [str(p) for p in expected_problems]
    pd.testing.assert_frame_equal(frame_of(), pledges_to_frame(expected))  # the frame first: without records
    assert count == len(expected) and records_of() == expected
    text_frame, bad = to_frame(prep_b)
    expected_frame, expected_bad = to_frame_by_row(prep_a)
    pd.testing.assert_frame_equal(text_frame, expected_frame)
    assert bad == expected_bad


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(table=tables())
def test_csv_column_checks_equal_row_checks(table: tuple[list[str], list[list[str | None]]]) -> None:
    header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    try:
        prep_a = prepare(read_csv_table(io.StringIO(buffer.getvalue()), delimiter=","))
        prep_b = prepare(read_csv_table(io.StringIO(buffer.getvalue()), delimiter=","))
    except PledgeFileError:  # the header or the amounts' decimal separator: one problem, both paths alike
        return
    _same(prep_a, prep_b)


@SETTINGS
@given(table=tables())
def test_typed_cells_column_checks_equal_row_checks(table: tuple[list[str], list[list[str | None]]]) -> None:
    """Cells as Excel, JSON and Parquet give them: not stripped, no formula guard."""
    header, rows = table

    def raw() -> RawTable:
        return RawTable("<t>", header, [list(r) for r in rows], list(range(2, len(rows) + 2)), unit="row", strip=False)

    try:
        prep_a, prep_b = prepare(raw()), prepare(raw())
    except PledgeFileError:
        return
    _same(prep_a, prep_b)


@pytest.mark.parametrize("overlap", [False, True])
def test_a_large_table_reads_the_same_both_ways(overlap: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """``overlap``: the frame's text columns built on a second thread while the ids are hashed, as for large files."""
    from aidtrack.files import _table

    monkeypatch.setattr(_table, "_OVERLAP_ROWS", 1 if overlap else 10**9)
    rows = [
        ["Canada", f"2025-01-{1 + i % 28:02d}", f"{i + 1}.50", "CAD", "military" if i % 2 else ""] for i in range(500)
    ]
    rows[7][2] = "-1"
    rows[99][0] = ""
    text = "donor,date,amount,currency,category\n" + "\n".join(",".join(r) for r in rows) + "\n"
    prep = prepare(read_csv_table(io.StringIO(text)))
    _same(prep, prepare(read_csv_table(io.StringIO(text))))
    with pytest.raises(PledgeFileError) as info:
        to_pledges(prep, "raise")
    assert [p.line for p in info.value.problems] == [9, 101]


# --- the bulk (pyarrow) checks of plain amounts and the combination codes (issue 17) -------------------------------

AMOUNT_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["", "0", "000", "0.000", ".5", "5.", ".", "1.2.3", "007", "1" * 30, "1" * 31, "١٢", " 7", "1e3"]),
    st.from_regex(r"\A[0-9]{0,12}(\.[0-9]{0,4})?\Z"),
    st.text(alphabet="0123456789.,-+eE ", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(AMOUNT_TEXT, max_size=12))
def test_plain_amounts_in_bulk_equal_one_by_one(values: list[str | None]) -> None:
    pa = pytest.importorskip("pyarrow")
    from aidtrack.files._table import Column, _plain, _plain_amounts, _with_point

    arrow = pa.array(values, type=pa.string())
    plain = _plain(values)
    assert _plain(values, arrow) is plain
    column = Column(np.arange(len(values), dtype=np.intp), values, arrow)
    assert _with_point(column) == _with_point(Column(column.codes, values))
    if plain:
        bulk, bulk_good = _plain_amounts(column)
        one, one_good = _plain_amounts(Column(column.codes, values))
        assert [str(d) for d in bulk] == [str(d) for d in one]
        assert bulk_good.tolist() == one_good.tolist() == [d is not None and d > 0 for d in one]


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.lists(st.integers(0, 3), min_size=0, max_size=30), min_size=1, max_size=4),
    size=st.sampled_from([1, 4, 2**40]),  # 2**40: the key would overflow, so it is renumbered on the way
)
def test_combination_codes(parts: list[list[int]], size: int) -> None:
    from aidtrack.files._table import _combine

    n = min(len(p) for p in parts)
    if size == 1:
        parts = [[0] * n for _ in parts]
    columns = [(np.array(p[:n], dtype=np.intp), size) for p in parts]
    codes, first = _combine(columns, n)
    rows = list(zip(*(c.tolist() for c, _ in columns), strict=True)) if n else []
    # same combination, same code; codes numbered in order of first appearance; first[k]: the first row of code k
    seen: dict[tuple[int, ...], int] = {}
    for pos, row in enumerate(rows):
        seen.setdefault(row, pos)
        assert codes[pos] == codes[seen[row]]
    assert first.tolist() == sorted(seen.values())
    assert [int(codes[pos]) for pos in first.tolist()] == list(range(len(seen)))


def test_records_share_a_fields_set_safely() -> None:
    """Records of one file share their fields-set object; changing a copy of one leaves the others alone."""
    text = "donor,date,amount,currency\nCanada,2025-01-09,1,CAD\nCanada,2025-01-10,2,CAD\n"
    first, second = to_pledges(prepare(read_csv_table(io.StringIO(text))), "raise")[0]
    before = set(second.model_fields_set)
    changed = first.model_copy(update={"notes": "x"})
    assert "notes" in changed.model_fields_set
    assert first.model_fields_set == second.model_fields_set == before == {"donor", "announced", "amount"}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("where", ["middle", "end", "two"])
def test_an_empty_line_is_an_empty_row_on_every_path(newline: str, where: str) -> None:
    """pyarrow skips empty lines; the reader notices (rows != lines) and the csv module reads the file instead."""
    lines = ["donor,date,amount,currency", "Canada,2025-01-09,1,CAD", "Norway,2025-01-09,2,NOK"]
    if where == "middle":
        lines.insert(2, "")
    elif where == "end":
        lines.append("")
    else:
        lines[2:2] = ["", ""]
    text = newline.join(lines) + newline
    table = read_csv_table(io.StringIO(text))
    assert not table.arrow  # read by the csv module
    with pytest.raises(PledgeFileError) as err:
        to_pledges(prepare(table), "raise")
    empty = {"middle": [3], "end": [4], "two": [3, 4]}[where]
    assert [(p.line, p.reason) for p in err.value.problems] == [(n, "empty row (every field blank)") for n in empty]
    good = newline.join(line for line in lines if line) + newline
    assert read_csv_table(io.StringIO(good)).arrow  # the same file without them: pyarrow


@settings(max_examples=100, deadline=None)
@given(
    amounts=st.lists(st.from_regex(r"\A(0{0,2}[0-9]{1,5}(\.[0-9]{0,3})?|\.[0-9]{1,3})\Z"), min_size=1, max_size=10),
    notes=st.lists(st.one_of(st.none(), st.text(max_size=6).filter(lambda t: '"' not in t)), min_size=10, max_size=10),
)
def test_ids_of_plain_amounts_equal_the_per_row_ids(amounts: list[str], notes: list[str | None]) -> None:
    """Plain amounts (leading zeros, trailing points, zero: a bad row) through the pyarrow path: the frame's ids,
    computed in bulk, are the records' ids, and the bad rows read the same."""
    rows = [["Canada", "2025-01-09", a, "CAD", notes[i] or ""] for i, a in enumerate(amounts)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["donor", "date", "amount", "currency", "notes"], *rows])
    text = buffer.getvalue()
    try:
        prep_a, prep_b = (prepare(read_csv_table(io.StringIO(text), delimiter=",")) for _ in range(2))
    except PledgeFileError:
        return
    _same(prep_a, prep_b)


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("frozen_before", [False, True])
def test_reading_leaves_the_garbage_collector_as_it_was(enabled: bool, frozen_before: bool) -> None:
    """The collector is paused while records are built and comes back as it was; objects the program froze stay
    frozen, and the read freezes nothing of its own."""
    import gc

    text = "donor,date,amount,currency\nCanada,2025-01-09,1,CAD\nNorway,2025-01-10,2,NOK\n"
    was_enabled = gc.isenabled()
    keep = [[object()] for _ in range(100)]
    froze = frozen_before and not gc.get_freeze_count()  # (never unfreeze what someone else froze)
    try:
        if froze:
            gc.freeze()
        frozen = gc.get_freeze_count()
        if not enabled:
            gc.disable()
        pledges = to_pledges(prepare(read_csv_table(io.StringIO(text))), "raise")[0]
        assert len(pledges) == 2
        assert gc.isenabled() is enabled
        after = gc.get_freeze_count()
        if frozen:  # still frozen (a frozen object may have been freed meanwhile), and none of the read's added
            assert 0 < after <= frozen
        else:
            assert after == 0
        if froze:
            assert frozen >= len(keep)
    finally:
        if froze:
            gc.unfreeze()
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_a_files_pledges_give_their_frame_from_the_column_checks(tmp_path: pathlib.Path) -> None:
    """``read_pledges(path).to_frame()`` and ``totals(read_pledges(path))`` take the reader's column-wise frame:
    the same frame and totals as the records give one by one, bad rows left out, a new copy every time."""
    import pickle

    import aidtrack
    from aidtrack.files import read_pledges
    from aidtrack.frames.collection import Pledges
    from aidtrack.frames.rows import FramedPledges

    path = tmp_path / "pledges.csv"
    path.write_text(
        "donor,date,amount,currency,category,notes\n"
        "Canada,2025-01-09,440000000,CAD,military,\n"
        "Norway,2025-01-10,0,NOK,,\n"  # bad: not greater than zero
        "Norway,2025-01-10,2e9,NOK,humanitarian,a note\n"
        "Germany,2024-02-29,1250.50,EUR,,\n"
        "Japan,2025-01-09,abc,JPY,,\n",  # bad: not a number
        encoding="utf-8",
    )
    ps = read_pledges(path, errors="coerce")
    assert isinstance(ps, FramedPledges) and len(ps) == 3 and len(ps.problems) == 2
    first = ps.to_frame()
    assert not ps._records.made  # type: ignore[attr-defined]  # neither len, problems nor the frame built records
    expected = pledges_to_frame(list(ps))  # a plain list: pledge by pledge
    pd.testing.assert_frame_equal(first, expected)
    first.loc[0, "donor"] = "changed"  # the caller's copy
    pd.testing.assert_frame_equal(ps.to_frame(), expected)
    pd.testing.assert_frame_equal(pledges_to_frame(ps), expected)
    ours = aidtrack.totals(ps, to="EUR", by="donor", policy="monthly_mean")
    theirs = aidtrack.totals(list(ps), to="EUR", by="donor", policy="monthly_mean")
    pd.testing.assert_frame_equal(ours, theirs)
    assert ours.attrs == theirs.attrs
    part = ps[1:]  # a slice is a plain Pledges, its frame its own
    assert type(part) is Pledges and not isinstance(part, FramedPledges)
    pd.testing.assert_frame_equal(part.to_frame(), pledges_to_frame(list(ps)[1:]))
    back = pickle.loads(pickle.dumps(ps))
    assert type(back) is Pledges and back == ps and back.problems == ps.problems
    pd.testing.assert_frame_equal(back.to_frame(), expected)


def test_a_files_pledges_build_their_records_once_whoever_asks_first(tmp_path: pathlib.Path) -> None:
    """The records of ``read_pledges`` are built on first use, once, however many threads ask at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    from aidtrack.files import read_pledges
    from aidtrack.files.csvfile import read_csv_table as read_table
    from aidtrack.frames.collection import Pledges

    path = tmp_path / "pledges.csv"
    rows = [f"Donor {k},2025-01-{1 + k % 28:02d},{k + 1}000.5,CAD" for k in range(500)]
    path.write_text("\n".join(["donor,date,amount,currency", *rows]) + "\n", encoding="utf-8")
    ps = read_pledges(path)
    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(lambda _: ps._items, range(32)))  # type: ignore[attr-defined]
    assert all(items is seen[0] for items in seen)
    expected, _ = to_pledges_by_row(prepare(read_table(path)), "raise")
    assert list(ps) == expected and len(ps) == 500 and ps[-1] == expected[-1]
    assert ps == Pledges(expected) and hash(ps) == hash(Pledges(expected))


def test_a_rescued_row_builds_the_records_once_for_records_and_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row the column checks refuse but the full check takes: the frame is made of the records, built once."""
    from aidtrack.files import _table

    class Refusing(_table._Checked):
        def __init__(self, prep: _table.Prepared) -> None:
            super().__init__(prep)
            self.ok[1] = False  # as if a column check had refused a good row: the full check takes it again

    built = []
    records = _table._Checked.records

    def counted(self: _table._Checked) -> list[object]:
        built.append(1)
        return records(self)  # type: ignore[return-value]

    monkeypatch.setattr(_table, "_Checked", Refusing)
    monkeypatch.setattr(Refusing, "records", counted)
    text = "donor,date,amount,currency\nCanada,2025-01-09,440000000,CAD\nNorway,2025-01-10,2000000000,NOK\n"
    expected, _ = to_pledges_by_row(prepare(read_csv_table(io.StringIO(text))), "raise")
    count, records_of, problems, frame_of = to_pledges_and_frame(prepare(read_csv_table(io.StringIO(text))), "raise")
    assert count == 2 and not problems
    pd.testing.assert_frame_equal(frame_of(), pledges_to_frame(expected))
    first = records_of()
    assert first == expected and records_of() == expected
    assert first is not records_of()  # each caller gets a list of its own
    assert len(built) == 1


@pytest.mark.parametrize("column", ["donor", "recipient", "notes", "source_title", "source_publisher", "source"])
def test_a_lone_surrogate_is_a_bad_row_on_every_path(tmp_path: pathlib.Path, column: str) -> None:
    """Half a character (a JSON ``\\ud800`` escape without its pair) cannot be hashed into an id: the row is bad,
    with the same reason on every path (``read_pledge_frame`` and ``to_frame()`` raised UnicodeEncodeError)."""
    import json

    from aidtrack import Money, Pledge
    from aidtrack.files import read_pledge_frame, read_pledges

    value = "https://example.org/\ud800" if column == "source" else "x\ud800y"
    good = {"donor": "Canada", "date": "2025-01-09", "amount": "5", "currency": "CAD"}
    records = [good, {**good, column: value}, {**good, "amount": "7"}]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(records), encoding="ascii")  # the escape as JSON writes it
    ps = read_pledges(path, errors="coerce")
    assert len(ps) == 2 and [p.line for p in ps.problems] == [2]
    assert "a lone surrogate" in ps.problems[0].reason
    frame = read_pledge_frame(path, errors="coerce")
    assert [str(p) for p in frame.attrs["aidtrack"]["problems"]] == [str(p) for p in ps.problems]
    frame.attrs = {}
    pd.testing.assert_frame_equal(frame, pledges_to_frame(list(ps)))
    pd.testing.assert_frame_equal(ps.to_frame(), frame)
    text = io.StringIO()  # an open text file (in memory) as the CSV reader takes it
    csv.writer(text, lineterminator="\n").writerows([list(good), *[[r.get(c, "") for c in good] for r in records]])
    if column not in good:
        text = io.StringIO()
        header = [*good, column]
        csv.writer(text, lineterminator="\n").writerows([header, *[[r.get(c, "") for c in header] for r in records]])
    expected, expected_problems = to_pledges_by_row(prepare(read_csv_table(io.StringIO(text.getvalue()))), "coerce")
    frame, problems = to_pledge_frame(prepare(read_csv_table(io.StringIO(text.getvalue()))), "coerce")
    assert [str(p) for p in problems] == [str(p) for p in expected_problems] and len(problems) == 1
    pd.testing.assert_frame_equal(frame, pledges_to_frame(expected))
    with pytest.raises(ValueError, match="lone surrogate"):
        Pledge(donor="Canada", announced="2025-01-09", amount=Money(5, "CAD"), notes="\udfff")
