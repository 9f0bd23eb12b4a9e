"""Lazy attributes for packages: ``__all__``, ``__getattr__`` and ``__dir__`` from one table.

A package lists its public names once, each with the module that defines it; the
module is imported on first access, so importing the package stays cheap.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_module"]


def lazy_module(
    package: str,
    namespace: dict[str, Any],
    exports: Mapping[str, str],
    moved: Mapping[str, str] | None = None,
    subpackages: tuple[str, ...] = (),
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``(__all__, __getattr__, __dir__)`` for ``package``.

    ``exports`` maps each public name to the module (absolute) that defines it;
    names already in ``namespace`` are eager. ``moved`` maps old names, kept
    for compatibility, to the module that now holds them: they still work but
    warn with :class:`DeprecationWarning` naming the new place. ``subpackages``
    are imported on first attribute access (``aidtrack.files.read_pledges_csv``
    works after a plain ``import aidtrack``).
    """
    moved = dict(moved or {})

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is not None:
            value = getattr(importlib.import_module(module), name)
            namespace[name] = value
            return value
        if name in subpackages:
            return importlib.import_module(f"{package}.{name}")
        if name in moved:
            warnings.warn(
                f"{package}.{name} moved to {moved[name]}.{name}; import it from there "
                f"(the old name will be removed in a later release)",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(importlib.import_module(moved[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return sorted(exports), __getattr__, __dir__
