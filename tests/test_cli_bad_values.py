"""Every subcommand and option of the CLI, with a generated list of bad values: never a traceback (issue 15).

The list of subcommands and options is read from the argparse parser itself (``build_parser()``), so a
subcommand or option added later is covered without touching this file. Each run goes through
``aidtrack.cli.main`` in-process and must end with a non-zero exit status, exactly one ``error:`` line on
stderr, no other stray lines, no "Traceback" and no "this is a bug" (the last-resort handler of ``main``).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aidtrack.cli import main
from aidtrack.cli.app import build_parser
from aidtrack.files import example_path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

BAD_VALUES = [
    "",
    " ",
    "nonsense",
    "-x",
    "0x10",
    "1e999999",
    "NaN",
    "2025-02-30",
    "9999-99-99",
    "\x00",
    "x" * 3000,
    "€£¥",
    "../no/such/dir/file.csv",
    "/",
    ",,,",
]
"""Values no option of aidtrack accepts (each option is tested with every one of them)."""


def _valid_positional(path: tuple[str, ...], action: argparse.Action) -> str:
    """A good value for a positional argument, so that the option under test is what fails."""
    name = action.dest
    if name == "amount":
        return "100"
    if name == "currency":
        return "USD"
    if name == "target":
        return "EUR"
    if name == "file":
        if "extract" in path:
            return str(EXAMPLES / "article_en.txt")
        if "iati" in path:
            return str(EXAMPLES / "iati-activities.xml")
        return example_path()
    return example_path()  # a new subcommand's file argument: the pledge CSV is the best guess


VALID_OPTIONS = {"--on": "2025-01-09", "--lang": "en", "--date": "2025-01-09", "--today": "2026-01-01"}


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _leaves(child, (*path, name))


def _cases() -> Iterator[Any]:
    for path, parser in _leaves(build_parser()):
        if not path:
            continue
        positionals = [a for a in parser._actions if not a.option_strings]
        required = [a for a in parser._actions if a.option_strings and a.required]
        base = [_valid_positional(path, a) for a in positionals if a.nargs != "?"]
        for a in required:
            base += [a.option_strings[-1], VALID_OPTIONS.get(a.option_strings[-1], "2025-01-09")]
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction) or action.nargs == 0:
                continue  # flags take no value
            for value in BAD_VALUES:
                if action.option_strings:
                    opt = action.option_strings[-1]
                    rest = [x for i, x in enumerate(base) if not (x == opt or (i and base[i - 1] == opt))]
                    argv = [*path, *rest, f"{opt}={value}"]
                    label = f"{' '.join(path)} {opt}"
                else:
                    index = positionals.index(action)
                    args = [_valid_positional(path, a) for a in positionals[:index]] + [value]
                    args += [_valid_positional(path, a) for a in positionals[index + 1 :] if a.nargs != "?"]
                    argv = [*path, *args, *base[len([a for a in positionals if a.nargs != "?"]) :]]
                    label = f"{' '.join(path)} {action.dest}"
                yield pytest.param(argv, id=f"{label}={value[:12]!r}")


CASES = list(_cases())


def test_every_subcommand_and_option_is_covered() -> None:
    labels = {c.id.split("=")[0] for c in CASES}
    for needle in (
        "convert --to",
        "convert target",
        "convert --on",
        "totals --by",
        "rates update --source",
        "rates info --cache-dir",
        "extract --lang",
        "iati --elements",
        "demo --file",
        "convert --source",
    ):
        assert needle in labels, needle
    assert len(CASES) > 300


@pytest.mark.parametrize("argv", CASES)
def test_bad_value_is_one_line_error(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AIDTRACK_OFFLINE", "1")  # a network source must never be reached
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)  # a relative path among the bad values lands here, never in the checkout
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(argv, out=io.StringIO())
    err = capsys.readouterr().err
    assert code != 0, f"accepted a bad value: {argv!r}"
    assert "Traceback" not in err and "this is a bug" not in err, err
    lines = err.splitlines()
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1, err
    assert all(line.startswith("aidtrack") for line in lines), err


@pytest.mark.parametrize(
    "argv",
    [
        ["totals", "-"],
        ["extract", "-", "--lang", "en", "--date", "2025-01-09"],
    ],
)
def test_empty_stdin_is_one_clear_error(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(argv, out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing on stdin" in err and "bad row" not in err
