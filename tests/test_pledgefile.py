"""Pledge CSV files: round trip, every bad row reported with its line, atomic writes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from aidtrack.errors import PledgeFileError
from aidtrack.files import example_path as example_file
from aidtrack.files import read_pledges_csv, write_pledges_csv

HEADER = "donor,date,amount,currency\n"


def test_example_file_matches_the_shipped_copy() -> None:
    repo = Path(__file__).resolve().parents[1]
    assert (repo / "examples" / "ramstein-2025-01-09.csv").read_bytes() == Path(example_file()).read_bytes()


def test_read_example() -> None:
    pledges = read_pledges_csv(example_file())
    assert [p.donor.country for p in pledges] == ["NO", "CA", "US"]
    norway = pledges[0]
    assert norway.qualifier.value == "at_least" and norway.period is not None
    assert norway.source is not None and norway.source.publisher == "Ministry of Defence of Ukraine"


def test_round_trip(tmp_path: Path) -> None:
    pledges = read_pledges_csv(example_file())
    target = tmp_path / "out.csv"
    write_pledges_csv(pledges, target)
    assert read_pledges_csv(target) == pledges
    assert not [p for p in tmp_path.iterdir() if p.name != "out.csv"]  # no temp files left


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        HEADER
        + "Canada,2025-01-09,440000000,CAD\n"  # line 2: fine
        + "X,2025-01-09,-1,EUR\n"  # 3
        + "Y,09/01/2025,5,EUR\n"  # 4
        + "Z,2025-01-09,5,QQQ\n"  # 5
        + ",2025-01-09,5,EUR\n"  # 6
        + "W,2025-01-09,5,EUR,extra\n"  # 7
        + '"multi\nline",2025-01-09,1.000.000,EUR\n'  # 8-9
        + ",,,\n"  # 10
    )
    with pytest.raises(PledgeFileError) as err:
        read_pledges_csv(io.StringIO(text))
    lines = [p.line for p in err.value.problems]
    assert lines == [3, 4, 5, 6, 7, 8, 10]
    reasons = {p.line: p.reason for p in err.value.problems}
    assert "greater than zero" in reasons[3]
    assert "09/01/2025" in reasons[4]
    assert "QQQ" in reasons[5]
    assert "donor" in reasons[6]
    assert "more fields" in reasons[7]
    assert "1.000.000" in reasons[8]
    assert "empty row" in reasons[10]
    assert "nothing loaded" in str(err.value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("donor,date,amount\n", "missing required column(s): currency"),
        ("donor,date,amount,currency,colour\n", "unknown column(s) 'colour'"),
        ("donor,date,amount,currency,donor\n", "twice"),
    ],
)
def test_bad_headers(text: str, needle: str) -> None:
    with pytest.raises(PledgeFileError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        read_pledges_csv(io.StringIO(text))


def test_period_needs_both_ends() -> None:
    with pytest.raises(PledgeFileError, match="together"):
        read_pledges_csv(io.StringIO("donor,date,amount,currency,period_start\nA,2025-01-01,1,EUR,2025-01-01\n"))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "Österreich,2025-01-09,1,EUR\n").encode("latin-1"))
    with pytest.raises(PledgeFileError, match="UTF-8"):
        read_pledges_csv(path)


def test_bom_and_windows_newlines(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + HEADER + "Canada,2025-01-09,440000000,CAD\n").replace("\n", "\r\n").encode())
    assert read_pledges_csv(path)[0].donor.country == "CA"


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "p.csv"
    target.write_text("precious\n")

    def broken() -> object:
        yield from read_pledges_csv(example_file())[:1]
        raise RuntimeError("crash while writing")

    with pytest.raises(RuntimeError):
        write_pledges_csv(broken(), target)  # type: ignore[arg-type]
    assert target.read_text() == "precious\n"
    assert os.listdir(tmp_path) == ["p.csv"]


def test_write_to_stream_and_column_subset() -> None:
    buf = io.StringIO()
    write_pledges_csv(read_pledges_csv(example_file()), buf, columns=["donor", "date", "amount", "currency"])
    assert buf.getvalue().splitlines()[0] == "donor,date,amount,currency"
    with pytest.raises(ValueError, match="unknown column"):
        write_pledges_csv([], io.StringIO(), columns=["donor", "colour"])


def test_an_open_binary_file_or_a_non_file_is_refused_clearly(tmp_path: Path) -> None:
    """A file opened in binary mode (or anything without read()) gets an AidtrackError saying what to pass (a
    TypeError or AttributeError came out of the reader before)."""
    from aidtrack.errors import InvalidArgumentError
    from aidtrack.files import read_pledge_frame, read_pledges

    path = tmp_path / "p.csv"
    path.write_text("donor,date,amount,currency\nCanada,2025-01-09,5,CAD\n", encoding="utf-8")
    for read in (read_pledges, read_pledge_frame):
        with path.open("rb") as fh, pytest.raises(InvalidArgumentError, match="is in binary mode; pass its path"):
            read(fh)
        with pytest.raises(InvalidArgumentError, match="<stream> is in binary mode"):
            read(io.BytesIO(path.read_bytes()))
        with pytest.raises(InvalidArgumentError, match="expected a file's path or an open text file, got int"):
            read(5)  # type: ignore[arg-type]
        with path.open(encoding="utf-8", newline="") as fh:
            assert len(read(fh)) == 1
