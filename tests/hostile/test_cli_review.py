"""A hostile review of the command line: closed streams, odd encodings, folders for files, exact output.

Each test pins a defect the review found (a traceback-style "bug" line, a raw errno message or a
silently wrong value) and what the command does now.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aidtrack.cli import main

PLEDGES = "donor,date,amount,currency\nDE,2024-01-05,100,USD\nFR,2024-01-05,0.1,GBP\n"


def _cli(shell_tail: str, *argv: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m aidtrack ARGV`` through sh (so that ``shell_tail`` can close a stream), offline."""
    command = " ".join([f"'{sys.executable}'", "-m", "aidtrack", *(f"'{a}'" for a in argv), shell_tail])
    proc = subprocess.run(
        ["sh", "-c", command],
        input=stdin,
        capture_output=True,
        env={**os.environ, "AIDTRACK_OFFLINE": "1", **env},
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stderr and "unexpected" not in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("aidtrack: error: "), proc.stderr
    return proc.stderr


# -- closed standard streams: an AttributeError 'bug' line before ---------------------------------------
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("totals", "-"), "nothing on stdin"),
        (("extract", "-", "--lang", "en", "--date", "2024-01-05"), "nothing on stdin"),
        (("convert-file", "-", "-o", "OUT"), "the file is empty"),
    ],
)
def test_closed_stdin_reads_as_empty(tmp_path: Path, argv: tuple[str, ...], expected: str) -> None:
    argv = tuple(str(tmp_path / "o.csv") if a == "OUT" else a for a in argv)
    assert expected in _one_error_line(_cli("<&-", *argv))
    assert not (tmp_path / "o.csv").exists()


def test_closed_stdout_is_one_clear_error() -> None:
    assert "standard output is closed" in _one_error_line(_cli(">&-", "convert", "1", "USD", "--on", "2024-01-05"))


def test_convert_file_stdin_that_is_not_utf8(tmp_path: Path) -> None:
    data = "donor,date,amount,currency\nDüsseldorf,2024-01-05,1,USD\n".encode("latin-1")
    err = _one_error_line(_cli("", "convert-file", "-", "-o", str(tmp_path / "o.csv"), stdin=data))
    assert "<stdin>: not UTF-8 text: byte 0xfc" in err  # was a UnicodeEncodeError 'bug' (a surrogate escape)
    assert not (tmp_path / "o.csv").exists()


# -- an output encoding that cannot hold the data --------------------------------------------------------
def test_ascii_output_encoding_is_one_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("donor,date,amount,currency\nDüsseldorf,2024-01-05,1,USD\n", encoding="utf-8")
    for flag in ((), ("--csv",)):
        err = _one_error_line(_cli("", "totals", str(src), *flag, PYTHONIOENCODING="ascii"))
        assert "(U+00FC) in the output's encoding ascii" in err and "PYTHONIOENCODING=utf-8" in err
    assert _cli("", "totals", str(src), "--json", PYTHONIOENCODING="utf-8").returncode == 0


# -- a folder given for a file, a missing folder: raw '[Errno 21] ...' with a temporary name before -----
def test_folder_for_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "p.csv"
    src.write_text(PLEDGES)
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    cases = [
        ["totals", str(folder)],
        ["convert-file", str(src), "-o", str(folder)],
        ["convert", "1", "USD", "--on", "2024-01-05", "--source", str(tmp_path), "--rates-base", "EUR"],
    ]
    for argv in cases:
        assert main(argv, out=io.StringIO()) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is a folder, not a file" in err and "Errno" not in err, err
        assert ".tmp" not in err
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]  # no temporary file left


def test_output_in_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "p.csv"
    src.write_text(PLEDGES)
    target = tmp_path / "nope" / "o.csv"
    assert main(["convert-file", str(src), "-o", str(target)], out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert f"no such folder: {target.parent} (for {target})" in err and err.count("\n") == 1
    assert main(["totals", str(tmp_path / "absent.csv")], out=io.StringIO()) == 1
    assert f"no such file: {tmp_path / 'absent.csv'}" in capsys.readouterr().err
