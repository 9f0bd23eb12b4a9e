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


def test_core_names_are_public() -> None:
    expected = {
        "AidtrackError", "Money", "Pledge", "Donor", "Category", "Measure", "Qualifier", "convert", "Conversion",
        "totals", "RatePolicy", "FixedDate", "RateTable", "RateSource", "read_pledges_csv", "write_pledges_csv",
        "RateNotAvailableError", "UnknownCurrencyError", "InvalidRecordError", "PledgeFileError", "__version__",
    }  # fmt: skip
    assert expected <= set(aidtrack.__all__)


def test_every_error_derives_from_the_root() -> None:
    import aidtrack.errors as errors

    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, aidtrack.AidtrackError), name


def test_every_module_declares_all() -> None:
    package = Path(aidtrack.__file__).parent
    for path in package.glob("*.py"):
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
