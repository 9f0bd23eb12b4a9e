"""The public API is what we say it is, and `import aidtrack` stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aidtrack


def test_all_names_resolve() -> None:
    for name in aidtrack.__all__:
        assert getattr(aidtrack, name) is not None, name
    assert sorted(set(aidtrack.__all__)) == sorted(aidtrack.__all__)


def test_the_top_level_is_small_and_holds_the_daily_names() -> None:
    expected = {
        "AidtrackError", "Money", "Pledge", "Donor", "Category", "Measure", "Qualifier", "convert", "Conversion",
        "totals", "convert_frame", "RatePolicy", "FixedDate", "RateTable", "read_pledges", "write_pledges",
        "extract_pledges", "parse_money", "RateNotAvailableError", "UnknownCurrencyError", "InvalidRecordError",
        "__version__",
    }  # fmt: skip
    assert expected <= set(aidtrack.__all__)
    assert len(aidtrack.__all__) <= 35


def test_names_of_0_1_still_work_with_a_deprecation_warning() -> None:
    import warnings

    from aidtrack.files import read_pledges_csv

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert aidtrack.read_pledges_csv is read_pledges_csv  # type: ignore[attr-defined]
    assert [w.category for w in caught] == [DeprecationWarning]
    assert "aidtrack.files.read_pledges_csv" in str(caught[0].message)


def test_subpackages_load_on_attribute_access() -> None:
    code = "import aidtrack; print(aidtrack.files.example_path().endswith('.csv'))"
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


_NOT_EXPORTS = ("aidtrack._lazy", "aidtrack._version", "__future__", "typing")


def test_type_checking_imports_match_the_lazy_table() -> None:
    """``__all__``, the lazy table and the TYPE_CHECKING imports of every package name the same things."""
    import ast
    import importlib

    package = Path(aidtrack.__file__).parent
    for init in package.rglob("__init__.py"):
        module = importlib.import_module(".".join(init.relative_to(package.parent).parent.parts))
        exports = getattr(module, "_EXPORTS", None)
        if exports is None:
            continue
        tree = ast.parse(init.read_text(encoding="utf-8"))
        blocks = [b.body for b in tree.body if isinstance(b, ast.If) and ast.unparse(b.test) == "TYPE_CHECKING"]
        typed = {
            alias.asname or alias.name: node.module
            for node in [*tree.body, *(n for body in blocks for n in body)]
            if isinstance(node, ast.ImportFrom) and node.module not in _NOT_EXPORTS
            for alias in node.names
        }
        assert typed == exports, init
        assert set(module.__all__) - {"__version__"} == set(exports), init
        for name, where in exports.items():
            assert getattr(importlib.import_module(where), name) is getattr(module, name), (init, name)


def test_every_error_derives_from_the_root() -> None:
    import aidtrack.errors as errors

    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Warning):
            assert issubclass(obj, errors.AidtrackWarning), name
        elif isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, aidtrack.AidtrackError), name


def test_every_module_declares_all() -> None:
    package = Path(aidtrack.__file__).parent
    for path in package.rglob("*.py"):
        if path.name in ("__main__.py", "_version.py"):
            continue
        assert "__all__" in path.read_text(encoding="utf-8"), path.name


def test_py_typed_is_shipped() -> None:
    assert (Path(aidtrack.__file__).parent / "py.typed").exists()


def test_import_and_first_conversion_stay_light() -> None:
    code = (
        "import sys, aidtrack; aidtrack.convert(1, 'USD', to='EUR', on='2025-01-09');"
        "heavy = [m for m in ('pandas', 'numpy', 'pydantic.main', 'requests') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
