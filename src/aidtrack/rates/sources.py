"""Rate sources: where a :class:`~aidtrack.rates.table.RateTable` comes from.

A rate source is anything with a ``name`` and a ``load()`` method returning a
``RateTable`` (the :class:`RateSource` protocol); a ``RateTable`` is one itself,
and a :class:`~aidtrack.rates.sources.Composite` holds several in priority order.
Functions that need rates take ``source=``; without it they use the default
source, :func:`default_source`, unless changed with :func:`set_default_source`
or, for a block of code, :func:`using_source`.

Everywhere a source is taken, its **name** is accepted too (:func:`resolve_source`), as in
the CLI's ``--source``:

=======================  ======================================================
name                     source
=======================  ======================================================
``default``              the default: ECB daily first, then the IMF annual table
``bundled``              the bundled ECB snapshot (``ecb-bundled`` also works)
``imf-bundled``          the bundled IMF annual averages (1940-2024)
``ecb``, ``ecb-sdmx``,   the live services (cached downloads; see
``boc``, ``frankfurter``,  :mod:`aidtrack.rates.remote.services`)
``imf``, ``nbu``
``A+B``                  a :class:`~aidtrack.rates.sources.Composite` of A, then B
=======================  ======================================================

>>> resolve_source("imf-bundled").name
'IMF exchange rates, annual averages (bundled snapshot)'

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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypeAlias, overload, runtime_checkable

from aidtrack.errors import InvalidArgumentError, SourceScopeWarning
from aidtrack.rates.bundled import bundled_imf_source, bundled_source
from aidtrack.rates.table import RateTable

__all__ = [
    "BUNDLED_NAMES",
    "Composite",
    "RateSource",
    "SourceLike",
    "combine_reasons",
    "default_source",
    "resolve_source",
    "resolve_table",
    "resolve_tables",
    "resolve_tables_lazily",
    "set_default_source",
    "source_names",
    "using_source",
]

BUNDLED_NAMES = ("default", "bundled", "ecb-bundled", "imf-bundled")


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


# -- composite sources ---------------------------------------------------------------------
# Several sources in priority order, each conversion priced by the first that can.
# Composite rate sources: several sources in priority order, each conversion priced by the first that can.
#
# ``Composite(["ecb", "imf-bundled"])`` asks its sources in order. For each conversion (each row of a
# frame), the first source that can price *both* currencies for the requested policy and date prices
# it, and the conversion records which one (``Conversion.source``, every leg's ``source``, and a
# frame's ``rate_source`` column). A conversion is never assembled from two sources: a mean window is
# averaged within one source or refused, and a daily ECB fixing is never divided by an annual IMF
# average.
#
# The default source is ``Composite([BundledECB(), BundledIMF()])``: the ECB's daily fixings first,
# then the IMF's annual averages, so ``annual_mean`` works for every currency the IMF table holds,
# while ``daily`` for a currency that only the annual table has is refused with a message that says
# so (and names ``annual_mean``).
#
# >>> from aidtrack.rates.bundled import BundledECB, BundledIMF
# >>> c = Composite([BundledECB(), BundledIMF()])
# >>> [t.info.key for t in c.tables()]
# ['ecb-bundled', 'imf-bundled']


class Composite:
    """Rate sources in priority order (see the module docs); sources may be given by name."""

    def __init__(self, sources: Iterable[Any], *, name: str | None = None) -> None:
        items = list(sources)
        if not items:
            raise InvalidArgumentError("sources", items, "a Composite needs at least one source")
        flat: list[Any] = []
        for item in items:
            src = resolve_source(item)
            flat.extend(src.sources if isinstance(src, Composite) else [src])
        self.sources: tuple[Any, ...] = tuple(flat)
        self._name = name

    @property
    def name(self) -> str:
        """``"composite: A, then B"`` unless named."""
        if self._name:
            return self._name
        return "composite: " + ", then ".join(getattr(s, "name", type(s).__name__) for s in self.sources)

    def tables(self) -> tuple[RateTable, ...]:
        """Each source's table, in priority order (loading each source; loading may use the network)."""
        return tuple(resolve_table(s) for s in self.sources)

    def __iter__(self) -> Any:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def __repr__(self) -> str:
        return f"Composite([{', '.join(repr(s) for s in self.sources)}])"


def combine_reasons(reasons: Sequence[tuple[str, str, bool]], *, straddle: bool) -> str:
    """One message from each source's refusal ``(source name, message, knows both currencies)``.

    The first source that holds both currencies speaks (its message as it would be alone); when
    sources before it lack a currency, the message says so; ``straddle`` (a mean window that several
    sources holding both currencies each cover in part) adds that a mean is never taken across two sources.
    """
    knowing = [r for r in reasons if r[2]]
    first = (knowing or list(reasons))[0]
    text = first[1]
    before = [r for r in reasons[: reasons.index(first)] if not r[2]]
    if before:
        text += "; " + "; ".join(f"{n} does not quote it" for n, _, _ in before)
    if straddle:
        text += "; no other source covers the whole window either (a mean is never taken across two sources)"
    return text


SourceLike: TypeAlias = "RateSource | RateTable | Composite | str"
"""A source, a table, a composite, or a source's name (:func:`resolve_source`)."""


_UNSET = object()
_SCOPED: ContextVar[object] = ContextVar("aidtrack_scoped_source", default=_UNSET)
"""The source of the innermost ``using_source`` block of this context (``_UNSET`` outside any)."""
_PROCESS: Any = None
"""The process-wide default set by ``set_default_source`` (``None``: the standard composite)."""
_STANDARD: list[Composite] = []


def _standard() -> Composite:
    if not _STANDARD:
        _STANDARD.append(
            Composite(
                [bundled_source(), bundled_imf_source()], name="ECB daily rates, then IMF annual averages (bundled)"
            )
        )
    return _STANDARD[0]


_LOCK = threading.Lock()
_OPEN_SCOPES: dict[int, int] = {}
"""How many ``using_source`` blocks are open, per thread id (to warn a thread that does not see them)."""


def default_source() -> Any:
    """The source used when a function is given no ``source=``.

    The innermost :func:`using_source` block of this thread/context, else the process-wide
    default of :func:`set_default_source`, else the standard one: the bundled ECB daily rates
    first, then the bundled IMF annual averages (a :class:`Composite`).
    """
    scoped = _SCOPED.get()
    if scoped is not _UNSET:
        return scoped
    if _OPEN_SCOPES:
        _warn_unseen_scope()
    src = _PROCESS
    return _standard() if src is None else src


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
    """Make ``source`` (or a source name) the default for the whole process, every thread included.

    ``None`` restores the standard default (ECB daily, then IMF annual). Inside a
    :func:`using_source` block the block's source still wins in that block.
    """
    global _PROCESS
    if source is not None:
        source = resolve_source(source)
    _check_source(source, allow_none=True)
    with _LOCK:
        _PROCESS = source


@contextmanager
def using_source(source: SourceLike) -> Iterator[Any]:
    """Use ``source`` as the default inside a ``with`` block, in this thread (or asyncio task) only.

    Threads started inside the block do not see it (they warn, see the module docs); pass
    ``source=`` to the work they do, or use :func:`set_default_source`.
    """
    source = resolve_source(source)
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
    if not (isinstance(source, RateTable) or hasattr(source, "load") or isinstance(source, Composite)):
        raise InvalidArgumentError(
            "source",
            source,
            f"a source must be a RateTable or have a load() method, got {type(source).__name__} {source!r}",
        )


def source_names() -> tuple[str, ...]:
    """Every name :func:`resolve_source` accepts (besides CSV paths and ``A+B`` composites)."""
    from aidtrack.rates.remote.services import SOURCE_CLASSES

    return (*BUNDLED_NAMES, *SOURCE_CLASSES)


def resolve_source(source: Any, *, offline: bool | None = None, rates_base: str | None = None) -> Any:
    """The source ``source`` names, or ``source`` itself when it is already a source.

    Names as in the CLI's ``--source`` (see the module docs); ``"A+B"`` is a composite of A,
    then B; the path of a CSV of ``date,currency,rate`` needs its base currency (``rates_base``).
    ``offline`` is passed to the live services.
    """
    if source is None:
        return default_source()
    if not isinstance(source, str):
        if isinstance(source, RateTable) or hasattr(source, "load") or hasattr(source, "tables"):
            return source
        raise InvalidArgumentError(
            "source",
            source,
            f"source must be a rate source, a RateTable or a source name such as 'ecb' or 'imf', "
            f"got {type(source).__name__}",
        )
    spec = source.strip()
    if "+" in spec and not spec.lower().endswith((".csv", ".txt")):
        parts = spec.split("+")
        if not all(p.strip() for p in parts):  # 'ecb+' or '+': a source left out is not read as none
            raise InvalidArgumentError(
                "source",
                source,
                f"source {source!r} has an empty part: 'A+B' takes a source on each side of every '+', "
                "e.g. 'ecb+imf' (the ECB's rates, then the IMF's)",
            )
        return Composite([resolve_source(p, offline=offline, rates_base=rates_base) for p in parts])
    key = spec.lower()
    if key == "default":
        return _standard()
    if key in ("bundled", "ecb-bundled"):
        return bundled_source()
    if key == "imf-bundled":
        return bundled_imf_source()
    from aidtrack.rates.remote.services import SOURCE_CLASSES, source_from_name

    if key in SOURCE_CLASSES:
        return source_from_name(key, offline=offline)
    if key.endswith((".csv", ".txt")) or "/" in spec or "\\" in spec:
        if not rates_base:
            raise InvalidArgumentError(
                "source",
                source,
                f"{spec!r} is a rates file: give its base currency (rates_base='EUR', or --rates-base on the command "
                f"line), or read it yourself: aidtrack.rates.read_rate_table_csv({spec!r}, base='EUR')",
            )
        from aidtrack.rates.parsers.user import read_rate_table_csv

        return read_rate_table_csv(spec, base=rates_base)
    names = ", ".join(source_names())
    raise InvalidArgumentError(
        "source", source, f"unknown rate source {source!r}: expected one of {names}, 'A+B', or a CSV path"
    )


def resolve_tables(source: Any) -> tuple[RateTable, ...]:
    """The tables of ``source`` in priority order: one, or each of a composite's."""
    src = resolve_source(source)
    if hasattr(src, "tables") and not isinstance(src, RateTable):
        return tuple(src.tables())
    return (resolve_table(src),)


class LazyTables(Sequence[RateTable]):
    """A composite's tables in priority order, each source loaded when first needed.

    The first table is loaded at once (every conversion needs it); a later source (the IMF
    table behind the ECB in the default) is loaded only when a conversion falls through to it,
    so a cold ``convert()`` priced by the first source never reads the others.
    """

    __slots__ = ("_tables", "first", "sources")

    def __init__(self, sources: Sequence[Any]) -> None:
        self.sources = tuple(sources)
        self.first = resolve_table(self.sources[0])
        self._tables: list[RateTable | None] = [self.first, *([None] * (len(self.sources) - 1))]

    def __len__(self) -> int:
        return len(self.sources)

    @overload
    def __getitem__(self, index: int) -> RateTable: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[RateTable]: ...

    def __getitem__(self, index: int | slice) -> RateTable | Sequence[RateTable]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.sources)))]
        found = self._tables[index]
        if found is None:
            found = self._tables[index] = resolve_table(self.sources[index])
        return found

    def __repr__(self) -> str:
        return f"LazyTables({self.sources!r})"


_STANDARD_LAZY: list[LazyTables] = []
"""The standard default's tables: both sources are bundled snapshots, loaded once per process, so one
:class:`LazyTables` serves every call."""


def resolve_tables_lazily(source: Any) -> Sequence[RateTable]:
    """:func:`resolve_tables`, with a composite's later sources loaded only when first needed (:class:`LazyTables`).

    For the standard default (no ``source``, no :func:`using_source` block, no
    :func:`set_default_source`) the same object is returned every time.
    """
    if source is None and _PROCESS is None and not _OPEN_SCOPES and _SCOPED.get() is _UNSET:
        if not _STANDARD_LAZY:
            _STANDARD_LAZY.append(LazyTables(_standard().sources))
        return _STANDARD_LAZY[0]
    src = resolve_source(source)
    if isinstance(src, Composite):
        return LazyTables(src.sources)
    if hasattr(src, "tables") and not isinstance(src, RateTable):
        return tuple(src.tables())
    return (resolve_table(src),)


def resolve_table(source: Any) -> RateTable:
    """The table of ``source`` (the first, the primary one, for a composite), or of the default source."""
    src = resolve_source(source)
    if isinstance(src, RateTable):
        return src
    if hasattr(src, "tables"):
        return resolve_table(src.sources[0])
    if not hasattr(src, "load"):
        raise TypeError(f"source must be a RateTable or have a load() method, got {type(src).__name__}")
    table = src.load()
    if not isinstance(table, RateTable):
        raise InvalidArgumentError(
            "source",
            src,
            f"{getattr(src, 'name', src)!r} gives {type(table).__name__}, not a rate table for conversions",
        )
    return table
