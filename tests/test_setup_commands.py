"""The README is the contract: CI runs exactly the README's test command."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    # first exactly the README's test command, then the nox sessions of DEVELOPING.md
    assert f"\n{ci_lines[0]}\n" in readme
    assert ci_lines[-1] == "nox --non-interactive -s lint types imports tests_lowest"
    assert all(line.startswith(("pip install", "nox ")) for line in ci_lines[1:])


def test_readme_has_the_demo_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\npython3 -m venv .venv && . .venv/bin/activate && pip install . && aidtrack demo\n" in readme
