"""Every check CI runs, as nox sessions (``pip install nox uv``; ``nox -l`` lists them).

``.ci/run`` runs the README's test command from a clean checkout, then
``nox -s lint types imports tests_lowest``. Sessions use uv to create their
environments, so each one installs from scratch in seconds.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = False
nox.options.sessions = ["lint", "types", "imports", "tests", "tests_lowest", "docs", "coverage"]

PYTHON = "3.11"
LINTED = ["src", "tests", "benchmarks", "scripts", "examples", "noxfile.py"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole suite against today's latest versions of every dependency (what a new user gets)."""
    session.install("--upgrade", "--reinstall-package", "aidtrack", "-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(python=PYTHON)
def tests_lowest(session: nox.Session) -> None:
    """The whole suite against the lowest versions pyproject.toml declares for aidtrack's own dependencies."""
    session.install("--resolution", "lowest-direct", "-e", ".[test]")
    session.run("python", "-m", "pytest", "-q", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff: lint and format check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)


@nox.session(python=PYTHON)
def types(session: nox.Session) -> None:
    """mypy, strict, with the pydantic plugin."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(python=PYTHON)
def imports(session: nox.Session) -> None:
    """The layer contracts of DEVELOPING.md (import-linter)."""
    session.install("-e", ".", "import-linter>=2.1")
    session.run("lint-imports", "--no-cache")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """The documentation site, strict (every cross-reference resolves)."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", "-d", str(session.create_tmp()) + "/site")


@nox.session(python=PYTHON)
def coverage(session: nox.Session) -> None:
    """The suite under coverage; fails below the floor in pyproject.toml ([tool.coverage.report] fail_under)."""
    session.install("-e", ".[test]", "pytest-cov>=5")
    session.run("python", "-m", "pytest", "-q", "--cov=aidtrack", "--cov-report=term-missing:skip-covered")
