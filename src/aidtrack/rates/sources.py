"""Rate sources: where a :class:`~aidtrack.rates.table.RateTable` comes from.

A rate source is anything with a ``name`` and a ``load()`` method returning a
``RateTable`` (the :class:`RateSource` protocol); a ``RateTable`` is one itself.
Functions that need rates take ``source=``; without it they use the default
source, which is the ECB history bundled with aidtrack unless changed with
:func:`set_default_source` or, for a block of code, :func:`using_source`.

The bundled snapshot (:mod:`aidtrack.rates.bundled`) is the default.

Scope of the default:

* :func:`set_default_source` is **process-wide**: every thread sees it, including
  ``threading.Thread`` workers, ``concurrent.futures`` pools and Dask's threaded scheduler.
* :func:`using_source` is **scoped** to the ``with`` block in the thread (or asyncio task) that
  runs it, and to contexts copied from it (``contextvars.copy_context().run``, asyncio tasks
  created inside the block). A thread started inside the block does not see it; rather than
  converting silently with another source, such a thread gets a
  :class:`~aidtrack.errors.SourceScopeWarning` when it falls back to the process-wide default
  while a ``using_source`` block is open elsewhere. Pass ``source=`` explicitly, or call
  :func:`set_default_source`, to give worker threads a source.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeAlias, runtime_checkable

from aidtrack.errors import InvalidArgumentError, SourceScopeWarning
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


_UNSET = object()
_SCOPED: ContextVar[object] = ContextVar("aidtrack_scoped_source", default=_UNSET)
"""The source of the innermost ``using_source`` block of this context (``_UNSET`` outside any)."""
_PROCESS: SourceLike | None = None
"""The process-wide default set by ``set_default_source`` (``None``: the bundled ECB data)."""
_LOCK = threading.Lock()
_OPEN_SCOPES: dict[int, int] = {}
"""How many ``using_source`` blocks are open, per thread id (to warn a thread that does not see them)."""


def default_source() -> SourceLike:
    """The source used when a function is given no ``source=``.

    The innermost :func:`using_source` block of this thread/context, else the process-wide
    default of :func:`set_default_source`, else the bundled ECB snapshot.
    """
    scoped = _SCOPED.get()
    if scoped is not _UNSET:
        return scoped  # type: ignore[return-value]
    if _OPEN_SCOPES:
        _warn_unseen_scope()
    src = _PROCESS
    return bundled_source() if src is None else src


def _warn_unseen_scope() -> None:
    me = threading.get_ident()
    with _LOCK:
        elsewhere = [t for t, n in _OPEN_SCOPES.items() if n and t != me]
    if elsewhere:
        warnings.warn(
            SourceScopeWarning(
                "a using_source(...) block is open in another thread, but this thread does not see it "
                "(a with-block is scoped to its own thread); using the process-wide default source instead. "
                "Pass source= explicitly, or call aidtrack.rates.set_default_source(...) for every thread."
            ),
            stacklevel=4,
        )


def set_default_source(source: SourceLike | None) -> None:
    """Make ``source`` the default for the whole process, every thread included.

    ``None`` restores the bundled ECB data. Inside a :func:`using_source` block the block's
    source still wins in that block.
    """
    global _PROCESS
    _check_source(source, allow_none=True)
    with _LOCK:
        _PROCESS = source


@contextmanager
def using_source(source: SourceLike) -> Iterator[SourceLike]:
    """Use ``source`` as the default inside a ``with`` block, in this thread (or asyncio task) only.

    Threads started inside the block do not see it (they warn, see the module docs); pass
    ``source=`` to the work they do, or use :func:`set_default_source`.
    """
    _check_source(source, allow_none=False)
    me = threading.get_ident()
    token = _SCOPED.set(source)
    with _LOCK:
        _OPEN_SCOPES[me] = _OPEN_SCOPES.get(me, 0) + 1
    try:
        yield source
    finally:
        with _LOCK:
            left = _OPEN_SCOPES.get(me, 1) - 1
            if left:
                _OPEN_SCOPES[me] = left
            else:
                _OPEN_SCOPES.pop(me, None)
        _SCOPED.reset(token)


def _check_source(source: object, *, allow_none: bool) -> None:
    if source is None and allow_none:
        return
    if not (isinstance(source, RateTable) or hasattr(source, "load")):
        raise InvalidArgumentError(
            "source",
            source,
            f"a source must be a RateTable or have a load() method, got {type(source).__name__} {source!r}",
        )


def resolve_table(source: SourceLike | None) -> RateTable:
    """The table of ``source``, or of the default source when ``None``."""
    src = default_source() if source is None else source
    if isinstance(src, RateTable):
        return src
    if not hasattr(src, "load"):
        raise TypeError(f"source must be a RateTable or have a load() method, got {type(src).__name__}")
    return src.load()
