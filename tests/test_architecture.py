"""The architecture of DEVELOPING.md holds: layers (import-linter), no cycles, no private names across packages."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import aidtrack

PACKAGE = Path(aidtrack.__file__).parent
ROOT = PACKAGE.parent.parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:  # pragma: no cover - import-linter is in the test extra
        pytest.fail("lint-imports (import-linter) is not installed; pip install -e '.[test]'")
    proc = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_no_import_cycles() -> None:
    """No cycle among aidtrack's modules, counting imports inside functions (TYPE_CHECKING ones excluded)."""
    import grimp

    graph = grimp.build_graph("aidtrack", exclude_type_checking_imports=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert cycles == []


def test_no_private_name_crosses_a_package_boundary() -> None:
    """``_name`` (a private module or attribute) is imported only inside its own package or its subpackages."""
    modules = _modules()
    crossings = []
    for module, path in modules.items():
        here = _package_of(module, path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level or not (node.module or "").startswith("aidtrack"):
                continue
            target = node.module or ""
            names = [target, *(f"{target}.{a.name}" for a in node.names)]
            for full in names:
                parts = full.split(".")
                for i, part in enumerate(parts):
                    if part.startswith("_") and not part.startswith("__"):
                        owner = ".".join(parts[:i])  # the package the private part belongs to
                        if owner in modules and modules[owner].name != "__init__.py":
                            owner = owner.rpartition(".")[0]  # a private name of a module: its package's
                        if not (here == owner or here.startswith(owner + ".")):
                            crossings.append(f"{module}: {full}")
                        break
    assert crossings == []


def test_every_exception_lives_in_errors() -> None:
    """Exceptions and warnings are defined in aidtrack.errors (pandas-carrying ones may stay in frames)."""
    allowed = {"aidtrack.frames.convert": {"UnconvertibleRowsError"}}
    strays = []
    for module, path in _modules().items():
        if module == "aidtrack.errors":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            is_error = isinstance(node, ast.ClassDef) and any(
                ast.unparse(b).endswith(("Error", "Warning", "Exception")) for b in node.bases
            )
            # private control-flow exceptions (never raised to a caller) may stay with their module
            if is_error and not node.name.startswith("_") and node.name not in allowed.get(module, set()):
                strays.append(f"{module}.{node.name}")
    assert strays == []
