"""Rate sources: where a :class:`~aidtrack.ratetable.RateTable` comes from.

A rate source is anything with a ``name`` and a ``load()`` method returning a
``RateTable`` (the :class:`RateSource` protocol); a ``RateTable`` is one itself.
Functions that need rates take ``source=``; without it they use the default
source, which is the ECB history bundled with aidtrack unless changed with
:func:`set_default_source` or, for a block of code, :func:`using_source`.

The bundled snapshot is read lazily on first use and its bytes are checked
against the SHA-256 recorded beside it, so a damaged installation is reported
instead of producing wrong numbers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Protocol, TypeAlias, runtime_checkable

from .errors import RateDataError
from .ratetable import RateTable

__all__ = [
    "BUNDLED_SHA256",
    "BundledECB",
    "RateSource",
    "SourceLike",
    "bundled_table",
    "default_source",
    "resolve_table",
    "set_default_source",
    "using_source",
]

BUNDLED_FILE = "eurofxref-hist.zip"
BUNDLED_SHA256 = "73db21584dd46cebf5cd6df75ebb6de7afcdeebff52f54d5046ca8e459c0fbb3"
"""SHA-256 of the bundled ``eurofxref-hist.zip`` (``scripts/refresh_ecb.py`` updates it)."""


@runtime_checkable
class RateSource(Protocol):
    """Anything that can produce a rate table."""

    @property
    def name(self) -> str:
        """A human-readable name, used in messages."""
        ...

    def load(self) -> RateTable:
        """Return the rates (may read files or the network; may be cached)."""
        ...


SourceLike: TypeAlias = RateSource | RateTable


class BundledECB:
    """The ECB reference-rate history shipped inside aidtrack (1999-01-04 to 2026-10-30).

    Works offline. The table is parsed on the first ``load()`` and kept.
    """

    key = "ecb-bundled"
    name = "ECB euro reference rates (bundled snapshot)"

    def __init__(self) -> None:
        self._table: RateTable | None = None

    def load(self) -> RateTable:
        if self._table is None:
            self._table = _read_bundled()
        return self._table

    def __repr__(self) -> str:
        return "BundledECB()"


def _read_bundled() -> RateTable:
    from .ecb import ECB_HIST_URL

    # A plain path beside this module: cheaper to import than importlib.resources,
    # and the package is always installed as files (the wheel is not zip-safe).
    with open(os.path.join(os.path.dirname(__file__), "data", BUNDLED_FILE), "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != BUNDLED_SHA256:
        raise RateDataError(
            f"bundled {BUNDLED_FILE} is damaged or was replaced: SHA-256 {digest}, expected {BUNDLED_SHA256}; "
            "reinstall aidtrack or run scripts/refresh_ecb.py",
            where="aidtrack package data",
        )
    # The bytes are verified, so each currency's values are checked on first use only.
    from .ecb import _parse_zip

    return _parse_zip(
        data, key=BundledECB.key, name=BundledECB.name, url=ECB_HIST_URL, retrieved=None, sha256=digest, eager=False
    )


@cache
def _bundled() -> BundledECB:
    return BundledECB()


def bundled_table() -> RateTable:
    """The bundled ECB table (parsed once per process)."""
    return _bundled().load()


_DEFAULT: ContextVar[SourceLike | None] = ContextVar("aidtrack_default_source", default=None)


def default_source() -> SourceLike:
    """The source used when a function is given no ``source=``."""
    src = _DEFAULT.get()
    return _bundled() if src is None else src


def set_default_source(source: SourceLike | None) -> None:
    """Make ``source`` the default for this context (``None`` restores the bundled ECB data)."""
    _DEFAULT.set(source)


@contextmanager
def using_source(source: SourceLike) -> Iterator[SourceLike]:
    """Use ``source`` as the default inside a ``with`` block."""
    token = _DEFAULT.set(source)
    try:
        yield source
    finally:
        _DEFAULT.reset(token)


def resolve_table(source: SourceLike | None) -> RateTable:
    """The table of ``source``, or of the default source when ``None``."""
    src = default_source() if source is None else source
    if isinstance(src, RateTable):
        return src
    if not hasattr(src, "load"):
        raise TypeError(f"source must be a RateTable or have a load() method, got {type(src).__name__}")
    return src.load()
