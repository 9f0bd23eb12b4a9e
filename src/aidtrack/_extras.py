"""Optional dependencies (the extras of ``pip install "aidtrack[...]"``), imported on demand."""

from __future__ import annotations

import importlib
from typing import Any

from aidtrack.errors import MissingExtraError

__all__ = ["require"]


def require(package: str, extra: str, what: str) -> Any:
    """Import ``package``, or raise :class:`~aidtrack.errors.MissingExtraError` naming the extra to install."""
    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise MissingExtraError(package.split(".")[0], extra, what) from exc
