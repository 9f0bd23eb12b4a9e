"""The documentation: the site builds with ``mkdocs build --strict``, and its code runs.

Code blocks in README.md and docs/**/*.md are run, page by page, in order, in
one namespace per page (like a notebook), in a temporary working directory
that holds a link to ``examples/``:

* ```` ```python ```` blocks are executed (they check themselves with ``assert``);
* ```` ```pycon ```` blocks (``>>>`` lines and their output) run as doctests,
  so every figure they show is checked;
* ```` ```console ```` blocks run each ``$ aidtrack ...`` line through the CLI
  and compare its output (``...`` matches anything, whitespace is normalised).

A block that must not run (it needs the network, or shows a sketch) is preceded
by the line ``<!-- notest -->``. Other languages (``bash``, ``text``) never run.
"""

from __future__ import annotations

import contextlib
import contextvars
import doctest
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RUNNABLE = ("python", "pycon", "console")
NOTEST = "<!-- notest -->"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    code: str
    skip: bool

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def code_blocks(path: Path) -> list[Block]:
    """Every fenced code block of a Markdown file, dedented to its fence."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        info = m["info"].strip()
        lang = info.split()[0].lstrip("{.").rstrip("}") if info else ""
        previous = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not (
            lines[j].strip().startswith(fence[0] * len(fence)) and lines[j].strip().strip(fence[0]) == ""
        ):
            text = lines[j]
            body.append(text[len(indent) :] if text.startswith(indent) else text.lstrip())
            j += 1
        if j == len(lines):
            raise AssertionError(f"{path.relative_to(ROOT)}:{i + 1}: code fence is never closed")
        blocks.append(Block(path, i + 1, lang, "\n".join(body) + "\n", previous == NOTEST))
        i = j + 1
    return blocks


def markdown_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    return [f for f in files if "_griffe" not in f.parts]


def _run_console(block: Block, checker: doctest.OutputChecker) -> None:
    from aidtrack.cli import main

    commands: list[tuple[str, list[str]]] = []
    for line in block.code.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"{block.where}: output before any '$ ' command line")
    for command, expected_lines in commands:
        argv = shlex.split(command)
        assert argv[0] == "aidtrack", f"{block.where}: console blocks may only run 'aidtrack', got {command!r}"
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            try:
                code = main(argv[1:], out=buffer)
            except SystemExit as exc:  # --help, --version, usage errors
                code = exc.code if isinstance(exc.code, int) else 1
        got = buffer.getvalue()
        # A last line "(exit status N)" states the expected status; it is not part of the output.
        status = 0
        if expected_lines and (m := re.fullmatch(r"\(exit status (\d+)\)", expected_lines[-1].strip())):
            status = int(m[1])
            expected_lines = expected_lines[:-1]
        expected = "\n".join(expected_lines).strip() + "\n"
        if expected.strip() and not checker.check_output(expected, got, FLAGS):
            raise AssertionError(f"{block.where}: `{command}` printed:\n{got}\nexpected:\n{expected}")
        assert code == status, f"{block.where}: `{command}` exited with status {code}, expected {status}:\n{got}"


def run_page(path: Path) -> int:
    """Run the page's runnable blocks in order; return how many ran."""
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    parser = doctest.DocTestParser()
    checker = doctest.OutputChecker()
    ran = 0
    for block in code_blocks(path):
        if block.lang not in RUNNABLE or block.skip:
            continue
        ran += 1
        if block.lang == "python":
            try:
                exec(compile(block.code, block.where, "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"{block.where}: the python block raised {exc!r}") from exc
        elif block.lang == "pycon":
            test = parser.get_doctest(block.code, namespace, block.where, str(path), block.line)
            runner = doctest.DocTestRunner(checker=checker, optionflags=FLAGS)
            out = io.StringIO()
            runner.run(test, out=out.write, clear_globs=False)
            namespace.update(test.globs)  # DocTest works on a copy; later blocks see its names
            if runner.failures:
                raise AssertionError(f"{block.where}: doctest block failed:\n{out.getvalue()}")
        else:
            _run_console(block, checker)
    return ran


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with ``examples/`` in it, a private cache and headless matplotlib."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("AIDTRACK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AIDTRACK_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps --help output to the terminal width
    return work


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run(path: Path, sandbox: Path) -> None:
    # A fresh context per page, so a page that sets a default rate source cannot leak it.
    contextvars.Context().run(run_page, path)
    try:
        import matplotlib.pyplot as plt

        plt.close("all")
    except ImportError:  # pragma: no cover - matplotlib is a test dependency
        pass


_CLAIM = re.compile(r"^(?:Money|Decimal|Donor|datetime|\(|')")


def comment_claims(code: str) -> list[tuple[str, str]]:
    """``(expression, shown repr)`` pairs written as ``expr  # repr`` or ``expr`` then ``# repr`` on the next line.

    A note after the repr, separated by two spaces (``# Decimal('0.67')  (EUR per CAD)``), is not part of it.
    """
    claims = []
    lines = code.splitlines()
    for k, line in enumerate(lines):
        if line.startswith((" ", "#", "import ", "from ")) or not line.strip():
            continue
        expr, _, comment = line.partition("  #")
        if not comment and k + 1 < len(lines) and lines[k + 1].startswith("# "):
            comment = lines[k + 1][1:]
        shown = comment.strip().split("  ")[0]
        if shown and _CLAIM.match(shown) and "=" not in expr.split("(")[0]:
            claims.append((expr.strip(), shown))
    return claims


def test_readme_tour_runs_and_its_comments_are_true(sandbox: Path) -> None:
    """The README's tour runs, and each value written in a comment is what the code gives."""
    blocks = [b for b in code_blocks(ROOT / "README.md") if b.lang == "python" and not b.skip]
    assert blocks, "README.md has no runnable python block"
    namespace: dict[str, object] = {}
    checked = 0
    for block in blocks:
        exec(compile(block.code, block.where, "exec"), namespace)
        for expr, shown in comment_claims(block.code):
            got = repr(eval(expr, namespace))
            assert got == shown, f"{block.where}: `{expr}` is {got}, the README says {shown}"
            checked += 1
    assert checked >= 5, f"only {checked} README comments were checked"


def test_comment_claims() -> None:
    code = "c.rate  # Decimal('1')  (EUR per CAD)\nx = f(1)  # Money('1', 'EUR')\nf(2)\n# Money('2', 'EUR')\n"
    assert comment_claims(code) == [("c.rate", "Decimal('1')"), ("f(2)", "Money('2', 'EUR')")]


def test_notest_marker_is_recognised() -> None:
    sample = DOCS / "concepts" / "policies.md"
    blocks = code_blocks(sample)
    assert any(b.lang == "pycon" and not b.skip for b in blocks)


def test_code_block_parser(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n<!-- notest -->\n```python\nraise SystemExit\n```\n\n"
        "!!! note\n    ```pycon\n    >>> 1 + 1\n    2\n    ```\n\n```bash\nrm -rf /\n```\n",
        encoding="utf-8",
    )
    blocks = code_blocks(page)
    assert [(b.lang, b.skip, b.line) for b in blocks] == [("python", True, 4), ("pycon", False, 9), ("bash", False, 14)]
    assert blocks[1].code == ">>> 1 + 1\n2\n"


# -- the site -----------------------------------------------------------------------------------
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    assert "WARNING" not in log, log
    # The API reference is generated from the docstrings, with working cross-references.
    money = (site / "api" / "money" / "index.html").read_text(encoding="utf-8")
    assert 'id="aidtrack.money.Money"' in money
    assert 'id="aidtrack.money.Money.round"' in money
    policy = (site / "api" / "policy" / "index.html").read_text(encoding="utf-8")
    assert 'href="../rates.table/#aidtrack.rates.table.RateTable"' in policy
    for page in [site / "api" / "index.html", *sorted((site / "api").glob("*/index.html"))]:
        html = page.read_text(encoding="utf-8")
        where = page.parent.name
        assert "<blockquote>" not in html, f"{where}: a >>> example rendered as nested block quotes"
        assert "&gt;&gt;&gt;" not in html.replace('<span class="gp">&gt;&gt;&gt; </span>', ""), f"{where}: bare >>>"
        leftover = re.search(r":(?:class|func|meth|mod|data|attr|exc):`", html)
        assert leftover is None, f"{where}: a reST role was not converted: {html[leftover.start() :][:80]}"
    # The changelog page is CHANGELOG.md itself.
    from aidtrack import __version__

    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert f"[{__version__}]" in changelog or f"{__version__}</a>" in changelog or __version__ in changelog
    for page in ("quickstart", "cookbook", "cli", "concepts/policies", "methodology/kiel"):
        assert (site / page / "index.html").is_file(), page


def test_every_public_module_has_an_api_page() -> None:
    src = ROOT / "src"
    modules = set()
    for path in (src / "aidtrack").rglob("*.py"):
        parts = path.relative_to(src).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        if len(parts) > 1 and parts[1] != "cli" and not any(p.startswith("_") for p in parts):
            modules.add(".".join(parts[1:]))
    documented = set()
    for page in (DOCS / "api").glob("*.md"):
        documented |= set(re.findall(r"^::: aidtrack\.([\w.]+)\s*$", page.read_text(encoding="utf-8"), flags=re.M))
    missing = sorted(modules - documented)
    assert not missing, f"public modules without an API page in docs/api/: {missing}"
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (DOCS / "api").glob("*.md"):
        assert f"api/{page.name}" in nav, f"docs/api/{page.name} is not in the nav of mkdocs.yml"


def test_cli_reference_covers_every_subcommand_and_option() -> None:
    """docs/cli.md names every subcommand (as a heading) and every option of each."""
    import argparse

    from aidtrack.cli.app import build_parser

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    missing: list[str] = []

    def walk(p: argparse.ArgumentParser, prefix: str) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    path = f"{prefix} {name}"
                    if not re.search(rf"^#+ `{re.escape(path)}`", text, flags=re.M):
                        missing.append(f"heading `{path}`")
                    walk(sub, path)
            else:
                for opt in action.option_strings:
                    if opt.startswith("--") and opt != "--help" and f"`{opt}" not in text:
                        missing.append(f"{prefix} {opt}")

    walk(parser, "aidtrack")
    assert not missing, f"docs/cli.md does not document: {missing}"


# -- docstring examples ----------------------------------------------------------------------------
def test_doctests_are_collected_by_the_default_pytest_run() -> None:
    """`python -m pytest` (what CI runs) collects the docstring examples of src/aidtrack."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in config["addopts"]
    assert "src/aidtrack" in config["testpaths"]


def test_every_docstring_example_is_found_as_a_doctest() -> None:
    """Each module whose source shows `>>>` yields doctests (none hides where doctest cannot see it)."""
    import importlib

    finder = doctest.DocTestFinder(exclude_empty=True)
    silent = []
    for path in sorted((ROOT / "src" / "aidtrack").rglob("*.py")):
        if ">>>" not in path.read_text(encoding="utf-8"):
            continue
        relative = path.relative_to(ROOT / "src").with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        examples = sum(len(t.examples) for t in finder.find(module))
        if examples == 0:
            silent.append(name)
    assert not silent, f"modules with '>>>' in their source but no doctest found: {silent}"


def cli_help(command: str) -> str:
    """``aidtrack <command> --help`` as printed at 100 columns."""
    from aidtrack.cli import main

    buffer = io.StringIO()
    env = {**os.environ, "COLUMNS": "100"}
    with contextlib.redirect_stdout(buffer), _environ(env), contextlib.suppress(SystemExit):
        main([*command.split(), "--help"])
    return buffer.getvalue().rstrip("\n")


@contextlib.contextmanager
def _environ(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="argparse formats help differently from Python 3.13")
def test_cli_reference_shows_the_current_help() -> None:
    """Each ```text block of docs/cli.md that starts with 'usage: aidtrack ...' is that command's --help.

    After changing an option, regenerate the blocks with
    ``AIDTRACK_WRITE_CLI_DOCS=1 python -m pytest tests/test_docs.py -k current_help``.
    """
    path = DOCS / "cli.md"
    text = path.read_text(encoding="utf-8")
    stale = []

    def replace(match: re.Match[str]) -> str:
        body = match["body"]
        usage = re.match(r"usage: aidtrack((?: [a-z][a-z-]*)*)", body)
        assert usage is not None
        command = usage[1].strip()
        current = cli_help(command)
        if " ".join(current.split()) != " ".join(body.split()):
            stale.append(command or "aidtrack")
        return f"```text\n{current}\n```"

    updated = re.sub(r"```text\n(?P<body>usage: aidtrack.*?)\n```", replace, text, flags=re.S)
    if stale and os.environ.get("AIDTRACK_WRITE_CLI_DOCS") == "1":
        path.write_text(updated, encoding="utf-8")
        return
    assert not stale, (
        f"docs/cli.md shows outdated --help for: {stale}; regenerate with "
        "AIDTRACK_WRITE_CLI_DOCS=1 python -m pytest tests/test_docs.py -k current_help, then describe new options"
    )


def _rst_extension() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("rst_docstrings", DOCS / "_griffe" / "rst_docstrings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rst_docstring_conversion() -> None:
    convert = _rst_extension().rst_to_markdown  # type: ignore[attr-defined]
    text = (
        "See :class:`~aidtrack.money.Money` and :func:`convert`, not :mod:`decimal`.\n\n"
        ">>> 1 + 1\n2\n\n"
        "Layout::\n\n    a  b\n\n"
        "====  =====\nname  means\n====  =====\n``x``   one\n      more\n====  =====\n"
    )
    out = convert(text, lambda target: "aidtrack.conversion.convert" if target == "convert" else None)
    assert "[`Money`][aidtrack.money.Money]" in out
    assert "[`convert`][aidtrack.conversion.convert]" in out
    assert "`decimal`" in out and ":mod:" not in out
    assert "```pycon\n>>> 1 + 1\n2\n```" in out
    assert "Layout:\n\n```text\na  b\n```" in out
    assert "| name | means |" in out and "| ``x`` | one more |" in out
    # A role with an explicit title, to a member aidtrack does not document: link to its class.
    out = convert(
        ":meth:`Pledge.model_dump_json <aidtrack.pledge.Pledge.model_dump_json>`",
        lambda target: "aidtrack.pledge.Pledge" if target == "aidtrack.pledge.Pledge" else None,
    )
    assert out == "[`Pledge.model_dump_json`][aidtrack.pledge.Pledge]"


# -- issue 15: docs a newcomer can follow -----------------------------------------------------------
def _doc_pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_files_the_recipes_write_are_git_ignored() -> None:
    """A recipe run from the checkout must not leave untracked files that `git status` shows."""
    from aidtrack.files.examples import EXAMPLES

    names = set()
    for page in _doc_pages():
        code = "\n".join(b.code for b in code_blocks(page) if b.lang in ("python", "pycon"))
        names |= set(re.findall(r'"([\w.-]+\.(?:csv|xlsx|json|parquet|png|txt|xml))"', code))
    written = sorted(names - set(EXAMPLES))
    assert "pledges.xlsx" in written
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    proc = subprocess.run(["git", "check-ignore", *written], cwd=ROOT, capture_output=True, text=True, check=False)
    assert sorted(proc.stdout.split()) == written


def test_no_platform_specific_strftime() -> None:
    """`%-d` (no leading zero) is glibc-only: it fails on Windows."""
    for page in _doc_pages():
        assert not re.search(r"%-[a-zA-Z]", page.read_text(encoding="utf-8")), page


def test_recipes_use_the_example_files_that_ship_with_the_package() -> None:
    from aidtrack.files.examples import EXAMPLES, example_path

    for name in EXAMPLES:
        assert Path(example_path(name)).read_bytes() == (ROOT / "examples" / name).read_bytes(), name
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for block in re.findall(r"```(?:python|pycon)\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
            assert 'Path("examples/article' not in block, f"{page}: use example_path(...)"


def test_copy_button_of_pycon_blocks_copies_only_code() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "content.code.copy" in config and "javascripts/pycon-copy.js" in config
    script = (ROOT / "docs" / "javascripts" / "pycon-copy.js").read_text(encoding="utf-8")
    assert "data-clipboard-text" in script and ".language-pycon" in script and '"gp"' in script


def test_the_docs_extra_formats_signatures_and_is_documented() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(dep.startswith(("ruff", "black")) for dep in extras["docs"])  # mkdocstrings' signature formatter
    assert any(dep.startswith("nbconvert") for dep in extras["notebook"])  # `jupyter nbconvert`
    for page in ("README.md", "DEVELOPING.md"):
        assert '".[docs]"' in (ROOT / page).read_text(encoding="utf-8"), page
