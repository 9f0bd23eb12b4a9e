"""The examples run: every notebook in examples/ executes, every script exits 0 and prints the right figures.

Notebooks run with nbclient on the ``python3`` kernel, which the test points at
the interpreter running the tests (a kernel spec in a temporary ``JUPYTER_PATH``,
searched before any user or system spec), so the kernel has aidtrack installed
even in a fresh venv that was never activated, whatever kernels the machine has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

# Figures each example must print (all computed from the bundled ECB data).
EXPECTED: dict[str, list[str]] = {
    "tour.py": [
        "EUR 296,675,881.60",  # CAD 440m at the 2025-01-09 fixing
        "EUR 482,917,877.62",  # USD 500m at the January 2025 mean (the Kiel figure)
        "EUR 442,484,479.21",  # ... at the 2025 annual mean
        "EUR 447,547,440.03",  # ... at the rates of 2026-10-30
        "grand total EUR 2,781,877,240.16",
        "monthly_mean: EUR 2,778,146,939.38",
        "USD 2,061,000,000.00",  # Norway's EUR 2bn at 1.0305
        "RateNotAvailableError",
    ],
    "ramstein.ipynb": [
        "EUR 485,201,358.56",
        "EUR 482,917,877.62",
        "-2,283,480.94",
        "daily: EUR 2,781,877,240.16",
        "monthly_mean: EUR 2,778,146,939.38",
        "difference: EUR -3,730,300.78",
    ],
}


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIDTRACK_CACHE_DIR=str(tmp_path / "cache"),
        AIDTRACK_OFFLINE="1",
        MPLBACKEND="Agg",
        MPLCONFIGDIR=str(tmp_path / "mpl"),
        PYTHONWARNINGS="error",
    )
    return env


def test_there_are_examples() -> None:
    assert (EXAMPLES / "ramstein.ipynb") in NOTEBOOKS
    assert (EXAMPLES / "tour.py") in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_runs_from_anywhere(script: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,  # not the repository: scripts must find their data themselves
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"{script.name} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    for figure in EXPECTED.get(script.name, []):
        assert figure in proc.stdout, f"{script.name} did not print {figure!r}:\n{proc.stdout}"


def _outputs_text(nb: Any) -> tuple[str, set[str]]:
    texts: list[str] = []
    mimetypes: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            data = out.get("data", {})
            mimetypes.update(data)
            if "text/plain" in data:
                texts.append(data["text/plain"])
    return "\n".join(texts), mimetypes


def _python3_kernel_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``python3`` mean this interpreter, whatever kernels the machine or the user has installed.

    ``JUPYTER_PATH`` is searched before the user's and the system's Jupyter folders, so a
    ``python3`` spec there wins over, say, a user-level spec pointing at another Python.
    Connection files go to a temporary runtime folder, not the user's home.
    """
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (aidtrack tests)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "jupyter-runtime"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    for key, value in _env(tmp_path).items():
        if key != "PYTHONWARNINGS":  # the kernel's own start-up may warn; the cells run as users run them
            monkeypatch.setenv(key, value)
    _python3_kernel_here(tmp_path, monkeypatch)
    nb = nbformat.read(notebook, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    assert kernel == "python3", f"{notebook.name} asks for kernel {kernel!r}; examples use 'python3'"
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(notebook.parent)}},  # cells run in examples/, like Jupyter
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, if any cell fails
    text, mimetypes = _outputs_text(nb)
    for figure in EXPECTED.get(notebook.name, []):
        assert figure in text, f"{notebook.name} did not show {figure!r}"
    if notebook.name == "ramstein.ipynb":
        assert "image/png" in mimetypes, "the notebook's plot produced no image"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(notebook: Path) -> None:
    """Outputs are produced by running the notebook, never stored, so they cannot go stale."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code = [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    stale = [i for i, cell in code if cell.outputs or cell.execution_count]
    assert not stale, f"{notebook.name}: code cells {stale} hold stored outputs; clear them before committing"
