"""The version is defined once, in src/aidtrack/_version.py, and everything else reads it."""

from __future__ import annotations

import importlib.metadata
import io
import re
import tomllib
from pathlib import Path

import pytest

import aidtrack
from aidtrack._version import __version__

ROOT = Path(__file__).resolve().parents[1]
PEP440 = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")
KEEP_A_CHANGELOG_SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_version_is_pep440_and_exported() -> None:
    assert PEP440.match(__version__), __version__
    assert aidtrack.__version__ == __version__


def test_installed_metadata_reads_the_version_file() -> None:
    assert importlib.metadata.version("aidtrack") == __version__


def test_pyproject_does_not_repeat_the_version() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in data["project"], "pyproject.toml must not set [project].version"
    assert "version" in data["project"]["dynamic"]
    assert data["tool"]["hatch"]["version"]["path"] == "src/aidtrack/_version.py"


def test_cli_version_reads_the_version_file(capsys: pytest.CaptureFixture[str]) -> None:
    from aidtrack.cli import main

    assert main(["--version"], out=io.StringIO()) == 0
    assert capsys.readouterr().out.strip() == f"aidtrack {__version__}"


def _text_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "DEVELOPING.md", ROOT / "pyproject.toml", ROOT / "mkdocs.yml"]
    for folder, patterns in {
        "src/aidtrack": ("*.py",),
        "docs": ("*.md",),
        "examples": ("*.py", "*.ipynb"),
        "benchmarks": ("*.py",),
        "scripts": ("*.py",),
    }.items():
        for pattern in patterns:
            files += sorted((ROOT / folder).rglob(pattern))
    return [f for f in files if f.is_file()]


def test_no_other_file_hardcodes_the_version() -> None:
    literal = re.compile(rf"(?<![\w.]){re.escape(__version__)}(?![\w.])")
    assignment = re.compile(r"^\s*__version__\s*[:=]", re.M)
    offenders = []
    for path in _text_files():
        if path == ROOT / "src" / "aidtrack" / "_version.py":
            continue
        text = path.read_text(encoding="utf-8")
        if assignment.search(text):
            offenders.append(f"{path.relative_to(ROOT)} assigns __version__")
        if literal.search(text):
            offenders.append(f"{path.relative_to(ROOT)} contains the literal version {__version__}")
    assert not offenders, "the version must come from src/aidtrack/_version.py only:\n" + "\n".join(offenders)


def test_changelog_is_keep_a_changelog_and_names_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text
    releases = re.findall(r"^## \[([^\]]+)\](?: - (\S+))?$", text, flags=re.M)
    assert releases, "no '## [version] - date' headings"
    versions = [v for v, _ in releases if v != "Unreleased"]
    assert versions and versions[0] == __version__, f"the newest release in CHANGELOG.md is {versions[:1]}"
    for version, when in releases:
        if version != "Unreleased":
            assert when == "Unreleased" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", when or ""), (version, when)
            assert re.search(rf"^\[{re.escape(version)}\]: \S+", text, flags=re.M), f"no link for [{version}]"
    sections = set(re.findall(r"^### (.+)$", text, flags=re.M))
    assert sections and sections <= KEEP_A_CHANGELOG_SECTIONS, sections - KEEP_A_CHANGELOG_SECTIONS


def test_docs_changelog_page_is_the_changelog_file() -> None:
    """Single-sourced: the site's page only includes CHANGELOG.md."""
    page = (ROOT / "docs" / "changelog.md").read_text(encoding="utf-8")
    assert '--8<-- "CHANGELOG.md"' in page
    assert "## [" not in page
