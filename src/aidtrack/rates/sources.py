"""Rate sources: where a :class:`~aidtrack.rates.table.RateTable` comes from.

A rate source is anything with a ``name`` and a ``load()`` method returning a
``RateTable`` (the :class:`RateSource` protocol); a ``RateTable`` is one itself.
Functions that need rates take ``source=``; without it they use the default
source, which is the ECB history bundled with aidtrack unless changed with
:func:`set_default_source` or, for a block of code, :func:`using_source`.

The bundled snapshot (:mod:`aidtrack.rates.bundled`) is the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeAlias, runtime_checkable

from aidtrack.rates.bundled import bundled_source
from aidtrack.rates.table import RateTable

__all__ = [
    "RateSource",
    "SourceLike",
    "default_source",
    "resolve_table",
    "set_default_source",
    "using_source",
]


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


_DEFAULT: ContextVar[SourceLike | None] = ContextVar("aidtrack_default_source", default=None)


def default_source() -> SourceLike:
    """The source used when a function is given no ``source=``."""
    src = _DEFAULT.get()
    return bundled_source() if src is None else src


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
