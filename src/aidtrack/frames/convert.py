"""Vectorised conversion of a whole pandas ``DataFrame`` of amounts, and the ``df.aidtrack`` accessor.

:func:`convert_frame` converts every row of a frame with an amount, a currency
and a date column (``amount``, ``currency`` and ``date`` by default, as in the
pledge CSV) in one pass, under any rate policy, with exactly the rules of
:func:`aidtrack.policy.quote` and :func:`aidtrack.convert`:

>>> import pandas as pd
>>> df = pd.DataFrame({"amount": [440_000_000, 500_000_000], "currency": ["CAD", "USD"],
...                    "date": ["2025-01-09", "2025-01-11"]})
>>> out = convert_frame(df, "EUR")
>>> out[["converted", "rate", "fixing_date", "rate_source"]]
     converted      rate fixing_date  rate_source
0  296675881.6  0.674263  2025-01-09  ecb-bundled
1  485248447.2  0.970497  2025-01-10  ecb-bundled

The output keeps every input column and adds:

==================  ===========================================================
``converted``       the converted amount, rounded once to the target's minor
                    unit (``ROUND_HALF_EVEN`` unless ``rounding="half_up"``);
                    ``float64`` by default, ``Decimal`` objects with
                    ``dtype="decimal"``. The name can be changed with ``into=``.
``rate``            units of the target per unit of the row's currency
                    (``float64``: the exact rate is ``rate(to) ÷ rate(from)``
                    of the legs, see :func:`aidtrack.convert`)
``fixing_date``     the ECB fixing day used (``daily``, ``exact``, fixed date)
``fixing_first``,   for the means (``monthly_mean``, ``quarterly_mean``,
``fixing_last``,    ``annual_mean``, ``FiscalYearMean``, ``TrailingMean``):
``fixing_count``    the first and last fixing day of the mean and how many
                    fixings it averages (over both currencies' fixings for a
                    cross rate)
``rate_date_used``  only with ``rate_date=``: the date each rate was chosen for
``rate_source``     the rate source's key (``ecb-bundled``); missing for a row
                    already in the target currency, which needs no rate
``problem``         only with ``errors="coerce"``: why the row has no result
                    (categorical; missing for rows that converted)
==================  ===========================================================

``df.attrs["aidtrack"]`` records the target currency, the policy, the rounding,
the source (:class:`~aidtrack.rates.table.SourceInfo`), the column names, the
number of problem rows, and how many rows were recomputed exactly
(``recomputed``) and on how many of those plain float rounding would have
given another result (``float_differed``).

**Exactness.** Each row's result is *identical* to ``aidtrack.convert`` of the
same amount, currency and date (tested property). Rows are computed in
``float64`` from the table's rates (daily fixings as published; means computed
once per currency and window exactly in ``Decimal``, as the scalar path does),
and every row whose float result lies within a proven error bound
(``2e-15`` relative) of a rounding boundary is recomputed exactly in
``Decimal`` with the scalar formula. On random pledge-like data (amounts up to
a billion, with cents) that is about one row in 10,000, and plain float
rounding would have given another cent on about one in ten of those (one row in
100,000); ``benchmarks/convert_10m.py`` prints both figures.

**Amount types and their precision.**

* integers (``int64``): exact, as integers.
* ``Decimal`` objects: exact; the rare recomputed rows use the ``Decimal``
  itself. Object columns are read element by element (about 1 µs a row).
* strings (``"440000000"``, ``"1250.50"``): parsed as ``Decimal`` exactly, with
  the rules of :class:`~aidtrack.money.Money` (no thousands separators).
* floats: each float stands for its shortest repr, as in ``Money(0.1, ...)``
  (``0.1`` is ``Decimal("0.1")``); a float cannot hold more than about 15
  significant digits, so use ``Decimal`` or strings for larger exact figures.

**Dates** follow the rule of :func:`aidtrack.convert`: ``datetime.date``
objects, ``YYYY-MM-DD`` strings, and date-times (a ``datetime64`` column as
``pd.read_excel`` gives, ``Timestamp`` objects, ISO date-time strings) whose
time of day is dropped; a timezone-aware column counts each value by its own
calendar date, not UTC's. A missing date (``NaT``, ``None``) is a problem row.

**Rows with no result** (no rate for that currency and date, an unknown
currency, a bad date or amount) are never dropped: with ``errors="raise"`` (the
default) :class:`UnconvertibleRowsError` lists every one (index, currency,
date, reason, with the same reason text as the scalar error); with
``errors="coerce"`` they get missing values and a ``problem`` column says why,
and :func:`conversion_problems` returns the report as a frame.

**Threads.** A frame of 200,000 rows or more is converted a range of rows at a
time by the calling thread and helpers, as many as the usable cores (at most 4);
the result is the same row for row. The environment variable
``AIDTRACK_THREADS`` sets the number, and ``AIDTRACK_THREADS=1`` keeps the work
in the calling thread.

The ``df.aidtrack`` accessor (:mod:`aidtrack.frames.accessor`) calls this function as
``df.aidtrack.convert(...)``.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, TypeVar

import numpy as np
import pandas as pd

from aidtrack._options import check_dtype, check_errors
from aidtrack.amounts import AMOUNT_LIMIT, MONEY_CONTEXT, Rounding, to_decimal
from aidtrack.conversion import target_currency
from aidtrack.currency import minor_units, normalize_currency
from aidtrack.errors import AidtrackError, InvalidArgumentError, InvalidFrameError, UnknownCurrencyError
from aidtrack.frames.real import Prices, check_prices, constant_prices
from aidtrack.policy import (
    DEFAULT_MAX_LOOKBACK_DAYS,
    FixedDate,
    LegArrays,
    MeanPolicy,
    Policy,
    PolicyLike,
    RatePolicy,
    TrailingMean,
    as_policy,
    check_lookback,
    day_span,
    is_mean,
    leg_arrays,
    policy_name,
    prices,
)
from aidtrack.rates.sources import SourceLike, resolve_tables_lazily
from aidtrack.rates.table import RateTable

if TYPE_CHECKING:
    from aidtrack.conversion import Conversion

__all__ = [
    "META_KEY",
    "ConversionProblem",
    "Errors",
    "OutputDtype",
    "UnconvertibleRowsError",
    "check_conversion_options",
    "conversion_meta",
    "conversion_problems",
    "convert_frame",
]

META_KEY = "aidtrack"
"""Key of the conversion's metadata in ``DataFrame.attrs``."""

Errors: TypeAlias = Literal["raise", "coerce"]
OutputDtype: TypeAlias = Literal["float", "decimal"]

_EPOCH = date(1970, 1, 1).toordinal()
_DAY = 86_400
_REL_TOL = 2e-15
"""Relative error bound of the float path (about 3x the worst case of 6 roundings of 2**-53)."""
_MAX_SCALED = float(2**50)
"""Above this many minor units a float cannot tell neighbouring results apart: recompute exactly."""


@dataclass(frozen=True, slots=True)
class ConversionProblem:
    """One row that could not be converted: where it is, its values, and why."""

    index: object
    """The row's label in the frame's index."""
    position: int
    """The row's 0-based position in the frame."""
    currency: object
    date: object
    reason: str

    def __str__(self) -> str:
        return f"row {self.index!r} ({self.currency}, {self.date}): {self.reason}"


class UnconvertibleRowsError(AidtrackError, ValueError, LookupError):
    """Some rows of a frame have no result: no rate for their currency and date, or bad values.

    ``problems`` lists every such row (not only the first); :meth:`report`
    returns them as a DataFrame. Pass ``errors="coerce"`` to get missing values
    and a ``problem`` column instead. ``count`` is how many rows have no
    result: ``len(problems)``, unless the list was capped (``aidtrack.dask``
    keeps the first rows of a table of any size and counts the rest).
    """

    def __init__(self, problems: Sequence[ConversionProblem], *, rows: int, count: int | None = None) -> None:
        self.problems = tuple(problems)
        self.rows = rows
        self.count = len(self.problems) if count is None else count
        shown = "\n  ".join(str(p) for p in self.problems[:20])
        more = self.count - min(len(self.problems), 20)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        n = self.count
        super().__init__(
            f"{n} of {rows} row{'s' if rows != 1 else ''} cannot be converted "
            f"(errors='coerce' gives missing values and a 'problem' column instead):\n  {shown}{tail}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unconvertible, (self.problems, self.rows, self.count))

    def report(self) -> pd.DataFrame:
        """The problems as a DataFrame: ``index, position, currency, date, reason``."""
        return _report_frame(self.problems)


def _unconvertible(problems: Sequence[ConversionProblem], rows: int, count: int) -> UnconvertibleRowsError:
    return UnconvertibleRowsError(problems, rows=rows, count=count)


def _report_frame(problems: Sequence[ConversionProblem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "index": [p.index for p in problems],
            "position": pd.array([p.position for p in problems], dtype="int64"),
            "currency": [p.currency for p in problems],
            "date": [p.date for p in problems],
            "reason": [p.reason for p in problems],
        },
        columns=["index", "position", "currency", "date", "reason"],
    )


# ---------------------------------------------------------------------------
# Per-currency lookup tables: one entry per day from the first fixing to the
# end of coverage, built once per (table, currency, policy) and cached.


_NAT = np.iinfo(np.int64).min  # NaT as datetime64 integers
_IN_CODE_ORDER = 64
"""Up to this many distinct currency codes in a frame, the stack of legs follows the codes' order."""
_SLICE = 1 << 18
"""Rows the pass takes through every step at a time (days, places, rates, rounding, the guard): each step reads
what the step before wrote from the cache. On the 2-core benchmark machine (``benchmarks/frame_warm.py``, idle,
2M rows) 2**18 rows took 5 % less wall-clock time than 2**17 with two threads (each numpy call hands the GIL
over: fewer, longer calls wait less) and the same in one; 2**16 and smaller were slower in both. Under load
2**17 had taken 5-10 % less CPU time than 2**16 and 2**18."""
THREADS_ENV = "AIDTRACK_THREADS"
"""Environment variable: how many threads convert a large frame's rows (``1``: the calling thread only;
unset or ``auto``: min(usable cores, 4))."""
_PARALLEL_MIN_ROWS = 200_000
"""Below this many rows a frame is converted in the calling thread (hand-offs would cost more than they save)."""
_PIECE = 1 << 18
"""Rows per task on the pool: several tasks per thread, so that a core busy with other work holds no one up."""
_POOL: list[tuple[int, int, ThreadPoolExecutor]] = []
_POOL_LOCK = threading.Lock()


def _threads() -> int:
    """How many threads share the row work of a large frame: ``AIDTRACK_THREADS`` (a number), or min(usable
    cores, 4) when it is unset or ``auto``.

    On the 2-core benchmark machine two threads took the warm 2M-row call from 1.55 to 1.05 times the numpy
    baseline while a core was free, and made it 15-20 % slower while other jobs kept both cores busy
    (``benchmarks/frame_warm.py`` times both): ``AIDTRACK_THREADS=1`` is for such machines, and for
    programs that run conversions in parallel already.
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw or raw.lower() == "auto":
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not on Linux
            cores = os.cpu_count() or 1
        return max(1, min(cores, 4))
    value = int(raw) if raw.isdecimal() else 0  # isdigit() takes '²', which int() refuses
    if value < 1:
        raise InvalidArgumentError(
            THREADS_ENV,
            raw,
            f"the environment variable {THREADS_ENV} must be a whole number of threads, 1 or more, or 'auto' "
            f"(as many as usable cores, at most 4, the default), got {raw!r}",
        )
    return value


def _pool(helpers: int) -> ThreadPoolExecutor:
    """The process's pool of ``helpers`` threads (a new one after a fork: the parent's threads are not in the child)."""
    pid = os.getpid()
    with _POOL_LOCK:
        if _POOL and _POOL[0][:2] == (pid, helpers):
            return _POOL[0][2]
        if _POOL and _POOL[0][0] == pid:
            _POOL[0][2].shutdown(wait=False)
        executor = ThreadPoolExecutor(max_workers=helpers, thread_name_prefix="aidtrack-frames")
        _POOL[:] = [(pid, helpers, executor)]
        return executor


_T = TypeVar("_T")


def _in_pieces(n: int, work: Callable[[int, int], _T]) -> list[_T]:
    """``work(a, b)`` over consecutive ranges of rows covering ``range(n)``, results in row order.

    A frame of at least ``_PARALLEL_MIN_ROWS`` rows is cut into pieces of at most ``_PIECE`` rows, which
    the calling thread and ``threads - 1`` helpers of a small pool take one at a time until none is left
    (numpy releases the GIL in its loops). The caller works too: on a machine whose other cores are busy
    it does most pieces itself instead of waiting for helpers that get no core. Each row's result does
    not depend on how the rows are cut (tested), so the threads change the time only.
    """
    workers = _threads()
    if workers <= 1 or n < _PARALLEL_MIN_ROWS or n < 2:
        return [work(0, n)]
    size = max(1, min(_PIECE, -(-n // workers)))  # at least one piece per thread
    starts = range(0, n, size)
    results: list[Any] = [None] * len(starts)
    taken = itertools.count()  # next() on it is atomic: each piece goes to one thread
    failed: list[BaseException] = []

    def drain() -> None:
        for k in iter(taken.__next__, None):
            if k >= len(starts) or failed:
                return
            try:
                results[k] = work(starts[k], min(n, starts[k] + size))
            except BaseException as exc:  # the others stop taking pieces; the caller raises it
                failed.append(exc)
                return

    helpers = [_pool(workers - 1).submit(drain) for _ in range(min(workers - 1, len(starts) - 1))]
    drain()
    for helper in helpers:
        helper.result()
    if failed:
        raise failed[0]
    return results


def _leg(table: RateTable, currency: str, kind: MeanPolicy, lookback: int) -> LegArrays:
    return leg_arrays(table, currency, kind, lookback)


def _stack_key(names: tuple[str | None, ...], kind: MeanPolicy, lookback: int) -> tuple[Any, ...]:
    return ("stack", names, kind, lookback if kind is RatePolicy.DAILY else -1)


def _stacked(table: RateTable, names: tuple[str | None, ...], kind: MeanPolicy, lookback: int) -> bool:
    """Whether the stack of these legs is built already."""
    per_table = _CACHE.get(table)
    return per_table is not None and _stack_key(names, kind, lookback) in per_table


def _wider_stack(
    table: RateTable, names: tuple[str | None, ...], kind: MeanPolicy, lookback: int
) -> tuple[str | None, ...] | None:
    """The legs of a stack built already that holds every currency of ``names`` (the fewest such), or ``None``."""
    per_table = _CACHE.get(table)
    if not per_table:
        return None
    need = {c for c in names if c is not None}
    want = _stack_key((), kind, lookback)
    best: tuple[str | None, ...] | None = None
    for key in list(per_table):  # another thread may add one meanwhile
        fits = key[0] == "stack" and key[2:] == want[2:] and need <= set(key[1])
        if fits and (best is None or len(key[1]) < len(best)):
            best = key[1]
    return best


def _stack(
    table: RateTable, names: tuple[str | None, ...], kind: MeanPolicy, lookback: int
) -> dict[str, np.ndarray[Any, Any]]:
    """The legs' arrays, interleaved day by day (index ``day * rows + row``), plus a last row for the base
    currency (rate 1).

    A ``None`` among ``names`` (the base currency, or a code that is no currency) gets a row like the
    base's. ``inv`` holds ``1 / rate``: the rate into the base currency, computed once per table.
    """
    per_table = _CACHE.setdefault(table, {})
    key = _stack_key(names, kind, lookback)
    found = per_table.get(key)
    if found is None:
        o0, o_end = day_span(table)
        width = o_end - o0 + 2
        ones: dict[str, np.ndarray[Any, Any]] = {
            "rate": np.ones(width),
            "first": np.full(width, _NAT, dtype=np.int64),
            "last": np.full(width, _NAT, dtype=np.int64),
            "count": np.zeros(width, dtype=np.int32),
        }
        legs = [None if c is None else _leg(table, c, kind, lookback) for c in names] + [None]
        found = {
            field: np.stack([ones[field] if lg is None else getattr(lg, field) for lg in legs], axis=1).ravel()
            for field in ("rate", "first", "last", "count")
        }
        found["inv"] = np.divide(1.0, found["rate"])
        found["inv_top"] = np.array(np.fmax.reduce(found["inv"], initial=1.0))  # the largest rate (NaN: none)
        stacks = [k for k in per_table if k[0] == "stack"]
        for old in stacks[:-7]:  # keep a few combinations of currencies per table
            per_table.pop(old, None)  # (another thread may have dropped it already)
        per_table[key] = found
    return found


_CACHE: weakref.WeakKeyDictionary[RateTable, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------------------
# Reading the input columns


@dataclass
class _Amounts:
    floats: np.ndarray[Any, np.dtype[np.float64]]
    bad: dict[int, str]  # position -> reason
    exact: list[Decimal | None] | None  # per row, for object columns
    kind: str  # "int", "float" or "object"
    values: np.ndarray[Any, Any]
    top: float | None = None
    """The largest magnitude among the amounts (NaN ones left out), where it is known."""
    checked: bool = True
    """False: a float64 column read without its checks (``bad`` is empty whatever it holds): the pass over
    the rows checks each slice's amounts and gives up at the first missing, infinite or too large one."""

    def decimal(self, i: int) -> Decimal:
        if self.exact is not None:
            d = self.exact[i]
            assert d is not None
            return d
        v = self.values[i]
        if self.values.dtype == np.float64:  # to_decimal's rule for a float (its shortest repr), checked already
            return Decimal(repr(float(v)))
        return Decimal(int(v)) if self.kind == "int" else to_decimal(v)  # a float32 through its own repr


def _read_amounts(col: pd.Series, *, check: bool = True) -> _Amounts:
    """The amounts as float64 (and exactly where needed), with the reasons of bad ones; ``check=False``
    skips the checks of a float64 column (see :attr:`_Amounts.checked`)."""
    dtype = col.dtype
    n = len(col)
    if not check and dtype == np.float64:
        values = col.to_numpy()
        return _Amounts(values, {}, None, "float", values, None, checked=False)
    if pd.api.types.is_bool_dtype(dtype):
        # each value's reason as an object column's (a nullable column's missing value is a missing amount)
        reasons = {
            i: "missing amount" if pd.isna(v) else f"amount must be a number, not a boolean ({bool(v)!r})"
            for i, v in enumerate(col.tolist())
        }
        return _Amounts(np.full(n, np.nan), reasons, None, "float", np.zeros(n))
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        is_int = pd.api.types.is_integer_dtype(dtype)
        top: float | None = None  # the largest magnitude, when known already
        if isinstance(dtype, np.dtype):
            values = col.to_numpy()
            finite = True
            if not is_int and n:  # max and min carry a NaN through: two reductions, no mask in the usual case
                extremes = np.array(_in_pieces(n, lambda a, b: (values[a:b].max(), values[a:b].min())), dtype=float)
                hi, lo = float(extremes[:, 0].max()), float(extremes[:, 1].min())  # NaN if a piece has one
                finite = math.isfinite(hi) and math.isfinite(lo)
                if finite and values.dtype == np.float64:
                    top = max(abs(hi), abs(lo))
            na = np.zeros(0, dtype=bool) if finite else ~np.isfinite(values)
        else:  # nullable Int64 / Float64 / Float32
            na_mask = col.isna().to_numpy()
            narrow = not is_int and getattr(dtype, "itemsize", 8) < 8
            # an unsigned column stays unsigned: UInt64's 2**64 - 1 read as int64 would be -1
            wide_int = (
                np.uint64 if is_int and np.dtype(getattr(dtype, "numpy_dtype", np.int64)).kind == "u" else np.int64
            )
            values = col.to_numpy(dtype=wide_int if is_int else (np.float32 if narrow else np.float64), na_value=0)
            na = na_mask if is_int else (na_mask | ~np.isfinite(values))
        if values.dtype == np.float64:
            floats = values
        elif values.dtype.kind == "f":
            # float32 / float16: each value is the number its own shortest repr says (float32(1234567.89)
            # is 1234567.9), not the widened binary value 1234567.875
            floats = values.astype(str).astype(np.float64)
        else:
            floats = values.astype(np.float64)
        bad: dict[int, str] = {}
        for i in np.flatnonzero(na).tolist():
            v = col.iloc[i]
            bad[i] = "missing amount" if pd.isna(v) else f"amount must be a finite number, got {float(v)!r}"
        if top is None and not is_int:
            top = max(float(np.fmax.reduce(floats, initial=0.0)), -float(np.fmin.reduce(floats, initial=0.0)))
        if not is_int and top is not None and top >= float(AMOUNT_LIMIT):  # no temporary arrays in the usual case
            for i in np.flatnonzero(
                np.abs(np.where(na, 0.0, floats) if len(na) else floats) >= float(AMOUNT_LIMIT)
            ).tolist():
                bad[i] = (
                    f"amount {float(floats[i])!r} is beyond aidtrack's limit: amounts must be smaller than 10**30 "
                    "in absolute value"
                )
        return _Amounts(floats, bad, None, "int" if is_int else "float", values, top)
    values = col.to_numpy(dtype=object)
    floats = np.empty(n, dtype=np.float64)
    exact: list[Decimal | None] = [None] * n
    bad = {}
    for i, v in enumerate(values.tolist()):
        if v is None or (not isinstance(v, str | Decimal) and pd.isna(v)):
            bad[i] = "missing amount"
            floats[i] = np.nan
            continue
        try:
            d = to_decimal(v.item() if isinstance(v, np.generic) else v)
        except ValueError as exc:
            bad[i] = str(exc)
            floats[i] = np.nan
            continue
        exact[i] = d
        floats[i] = float(d)
    return _Amounts(floats, bad, exact, "object", values)


def _read_currencies(
    col: pd.Series, table: RateTable, to: str
) -> tuple[np.ndarray[Any, Any], list[str | None], dict[int, str]]:
    """Codes into ``names`` (normalised currency, or None when invalid) and reasons per bad code."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.array.codes  # the Categorical's own codes, read-only (``col.cat.codes`` builds a Series first)
        uniques = list(col.cat.categories)
    else:
        fcodes, funiq = pd.factorize(col, use_na_sentinel=True)
        codes = np.asarray(fcodes, dtype=np.int64)
        uniques = list(funiq)
    names: list[str | None] = []
    reasons: dict[int, str] = {}
    for k, raw in enumerate(uniques):
        try:
            name = normalize_currency(raw)
        except UnknownCurrencyError as exc:
            names.append(None)
            reasons[k] = str(exc)
            continue
        if name not in (to, table.base) and not prices(table, name):
            try:
                table.series(name)
            except UnknownCurrencyError as exc:
                names.append(None)
                reasons[k] = str(exc)
                continue
        names.append(name)
    return codes, names, reasons


class _TickDays(NamedTuple):
    """A ``datetime64`` column's days, not computed yet: ``ticks // per_day`` counts days from 1970-01-01.

    :func:`_read_days` gives this for a ``datetime64`` column, so that the pass over the rows turns each
    tick into its place in the rate stack in one go, a slice of rows at a time in the cache, instead of
    writing and reading a whole-frame array of days in between.
    """

    ticks: np.ndarray[Any, np.dtype[np.int64]]
    per_day: int
    origin: int
    """The day ordinal the materialised days are counted from (as :func:`_read_dates`'s ``origin``)."""
    checked: bool = True
    """False: not searched for missing values (NaT) yet; the pass over the rows finds them, and gives up."""

    def check(self) -> tuple[_Days, dict[int, str]]:
        """The days with the reasons of missing ones, as :func:`_read_dates` gives them (still lazy without any)."""
        ticks = self.ticks

        def has_nat(a: int, b: int) -> bool:
            return b > a and int(ticks[a:b].min()) == _NAT  # NaT is the smallest int64: no mask in the usual case

        if not any(_in_pieces(len(ticks), has_nat)):
            return self._replace(checked=True), {}
        ords = self.days()
        nat = ticks == _NAT
        ords[nat] = -self.origin
        return ords, dict.fromkeys(np.flatnonzero(nat).tolist(), "missing date")

    def days(self, out: np.ndarray[Any, Any] | None = None) -> np.ndarray[Any, np.dtype[np.int64]]:
        """The days after ``origin`` of every row (``ordinal - origin``), as :func:`_read_dates` gives them."""
        ords = np.empty(len(self.ticks), dtype=np.int64) if out is None else out
        shift = _EPOCH - self.origin

        def part(a: int, b: int) -> None:
            days = np.floor_divide(self.ticks[a:b], self.per_day, out=ords[a:b])  # also before 1970
            if shift:
                days += shift

        _in_pieces(len(ords), part)
        return ords


_Days: TypeAlias = "np.ndarray[Any, np.dtype[np.int64]] | _TickDays"


def _read_dates(col: pd.Series, origin: int = 0) -> tuple[np.ndarray[Any, np.dtype[np.int64]], dict[int, str]]:
    """Day ordinals (0 where bad) and reasons per bad position; with ``origin``, days after that ordinal
    (``ordinal - origin``, ``-origin`` where bad).

    The rule of :func:`aidtrack.convert`: a time of day is dropped, a timezone-aware value keeps its own
    calendar date (its wall clock), a missing value is a problem.
    """
    days, bad = _read_days(col, origin)
    return (days.days() if isinstance(days, _TickDays) else days), bad


def _read_days(col: pd.Series, origin: int = 0, *, check: bool = True) -> tuple[_Days, dict[int, str]]:
    """:func:`_read_dates`, but a ``datetime64`` column without missing values comes back as a
    :class:`_TickDays` (its days computed by whoever needs them); with ``check=False`` any ``datetime64``
    column does, not searched for missing values yet (:attr:`_TickDays.checked`)."""
    from aidtrack._dates import parse_conversion_date

    bad: dict[int, str] = {}
    dtype = col.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_localize(None)  # each value's wall-clock time in its own zone
        dtype = col.dtype
    if pd.api.types.is_datetime64_dtype(dtype):
        values = col.to_numpy()
        unit, step = np.datetime_data(values.dtype)
        per_day = {"D": 1, "h": 24, "m": 1440, "s": _DAY, "ms": _DAY * 10**3, "us": _DAY * 10**6, "ns": _DAY * 10**9}
        if unit not in per_day or step != 1:
            values = values.astype("M8[s]")
            unit = "s"
        lazy = _TickDays(values.view(np.int64), per_day[unit], origin, checked=False)
        return lazy.check() if check else (lazy, bad)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    table = np.zeros(len(uniques) + 1, dtype=np.int64)  # last slot: NA
    reasons: dict[int, str] = {}
    for k, raw in enumerate(uniques):
        value = raw.to_pydatetime() if isinstance(raw, pd.Timestamp) else raw
        try:
            table[k] = parse_conversion_date(value).toordinal()
        except ValueError as exc:
            reasons[k] = str(exc)
    if origin:
        table -= origin
    codes = np.asarray(codes, dtype=np.int64)
    codes[codes < 0] = len(uniques)
    ords = table[codes]
    for i in np.flatnonzero(codes == len(uniques)).tolist():
        bad[i] = "missing date"
    if reasons:
        bad_codes = np.array(sorted(reasons), dtype=np.int64)
        for i in np.flatnonzero(np.isin(codes, bad_codes)).tolist():
            bad[i] = reasons[int(codes[i])]
    return ords, bad


# ---------------------------------------------------------------------------
# Conversion


def convert_frame(
    frame: pd.DataFrame,
    to: str | None = None,
    *,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
    errors: Errors = "raise",
    amount: str = "amount",
    currency: str = "currency",
    date: str = "date",
    into: str = "converted",
    dtype: OutputDtype = "float",
    prices: Prices = "current",
    base_year: int | None = None,
    deflator: str = "dac",
    donor: str = "donor",
    allow_estimates: bool = False,
    rate_date: str | None = None,
) -> pd.DataFrame:
    """Convert every row of ``frame`` into ``to`` at the rate for its date (see the module docs).

    With ``prices="constant", base_year=2024`` (and ``deflator="dac"``, ``"gdp"`` or ``"cpi"``) the
    result also has ``constant`` (the converted amount in ``base_year`` prices of the row's donor,
    named by the ``donor`` column), ``deflator`` and ``deflation_estimate``; see
    :mod:`aidtrack.frames.real` and :func:`aidtrack.macro.deflate`.

    The arguments mean what they mean for :func:`aidtrack.convert` (``to``
    positionally or by name, default EUR);
    ``amount``, ``currency`` and ``date`` name the input columns, ``into`` the
    result column. Raises :class:`UnconvertibleRowsError` listing every row
    without a result unless ``errors="coerce"``, and
    :class:`InvalidFrameError` when a column is missing or an output column
    already exists.

    ``rate_date`` names a column whose date picks each row's rate instead of
    ``date`` (a conference or announcement date, as
    :attr:`aidtrack.pledge.Pledge.rate_date`); the ``date`` column stays the
    row's own date. A missing value in it means the row's own date (as a
    pledge without a ``rate_date``); a value that is not a date is a problem
    row. The output then has a ``rate_date_used`` column (the date each rate
    was chosen for) and ``df.attrs["aidtrack"]["rate_date"]`` names the column.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"amount": ["500000000"], "currency": ["USD"], "date": ["2025-01-09"]})
    >>> out = convert_frame(df, "EUR", policy="monthly_mean", dtype="decimal")
    >>> out.loc[0, "converted"], int(out.loc[0, "fixing_count"])
    (Decimal('482917877.62'), 22)
    """
    constant = check_prices(prices, base_year)
    target, pol, mode, mean = _check_arguments(
        frame, to, policy, rounding, max_lookback_days, errors, dtype, amount, currency, date, into, rate_date
    )
    fixing_cols = ["fixing_first", "fixing_last", "fixing_count"] if mean else ["fixing_date"]
    # a composite's later tables (the IMF table behind the ECB one) are loaded only when rows fall through
    tables = resolve_tables_lazily(source)
    args = (target, pol, mode, max_lookback_days, amount, currency, date, into, dtype, mean, rate_date)
    try:
        out, bad_reason, recomputed, differed = _convert_table(frame, tables[0], *args)
    except UnknownCurrencyError:
        # a target the first table lacks: a later table of a composite that has it prices the rows, as
        # convert() tries them (with none that has it, the error stands, as convert()'s does)
        if not any(_has_currency(t, target) for t in tables[1:]):
            raise
        out, bad_reason, recomputed, differed = _convert_table(frame, tables[0], *args, others=True)
    n = len(frame)
    used: list[int] = [0] if len(bad_reason) < n else []
    if len(tables) > 1 and bad_reason:
        out, bad_reason, more, more_differed, used = _fill_from_others(
            frame,
            out,
            bad_reason,
            tables,
            target,
            pol,
            mode,
            max_lookback_days,
            amount,
            currency,
            date,
            into,
            dtype,
            mean,
            fixing_cols,
            rate_date,
        )
        recomputed += more
        differed += more_differed
    if rate_date is not None:  # the date each row's rate was chosen for, before rate_source
        days, _ = _rate_days(frame, date, rate_date)
        used_days = np.where(days > 0, (days - _EPOCH) * _DAY, _NAT).view("M8[s]")  # NaT where no valid date
        at = list(out.columns).index("rate_source")
        out.insert(at, "rate_date_used", pd.Series(used_days, index=out.index))
    problems = _problems(frame, currency, date, bad_reason)
    if problems and errors == "raise":
        raise UnconvertibleRowsError(problems, rows=n)
    if errors == "coerce":
        # a categorical column: one small code per row, each distinct reason stored once
        reasons = sorted({p.reason for p in problems})
        code_of = {r: k for k, r in enumerate(reasons)}
        problem_codes = np.full(n, -1, dtype=np.int32)
        for p in problems:
            problem_codes[p.position] = code_of[p.reason]
        _put(out, "problem", pd.Categorical.from_codes(problem_codes, dtype=pd.CategoricalDtype(reasons)))
    primary = tables[min(used)] if used else tables[0]
    out.attrs[META_KEY] = {
        "to": target,
        "policy": policy_name(pol),
        "rounding": mode.value,
        "source": primary.info,
        "sources": tuple(tables[k].info for k in sorted(used)) if used else (primary.info,),
        "amount": amount,
        "currency": currency,
        "date": date,
        "rate_date": rate_date,
        "converted": into,
        "problems": len(problems),
        "recomputed": recomputed,
        "float_differed": differed,
    }
    if constant:
        assert base_year is not None
        out = constant_prices(
            out,
            META_KEY,
            base_year=base_year,
            deflator=deflator,
            donor=donor,
            allow_estimates=allow_estimates,
            errors=errors,
        )
    return out


def check_conversion_options(errors: str, dtype: str, max_lookback_days: int) -> None:
    """Check ``errors``, ``dtype`` and ``max_lookback_days`` as :func:`convert_frame` takes them (and
    :mod:`aidtrack.dask`, before any partition is read): an :class:`InvalidArgumentError` naming the value."""
    check_errors(errors)
    check_dtype(dtype)
    check_lookback(max_lookback_days)


def _check_arguments(
    frame: pd.DataFrame,
    to: str | None,
    policy: PolicyLike,
    rounding: Rounding | str,
    max_lookback_days: int,
    errors: str,
    dtype: str,
    amount: str,
    currency: str,
    date: str,
    into: str,
    rate_date: str | None = None,
) -> tuple[str, Policy, Rounding, bool]:
    """The checks of :func:`convert_frame` before any row is read: target, policy, rounding, whether a mean."""
    check_conversion_options(errors, dtype, max_lookback_days)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"convert_frame() needs a pandas DataFrame, not {type(frame).__name__}")
    target = target_currency(None, to)
    pol = as_policy(policy)
    mode = Rounding(rounding)
    wanted = (amount, currency, date) if rate_date is None else (amount, currency, date, rate_date)
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InvalidFrameError(
            f"the frame has no column {', '.join(repr(c) for c in missing)} "
            f"(columns: {', '.join(map(str, frame.columns))}); name the columns with amount=, currency=, date="
            + (", rate_date=" if rate_date is not None else ""),
            columns=missing,
        )
    # a name two columns share (or the top level of MultiIndex columns) selects a frame, not a column
    several = [c for c in wanted if not isinstance(frame[c], pd.Series)]
    if several:
        raise InvalidFrameError(
            f"the name(s) {', '.join(repr(c) for c in several)} select more than one column of the frame; "
            "rename the columns so that each name is one column (or name a single column with amount=, "
            "currency=, date=" + (", rate_date=)" if rate_date is not None else ")"),
            columns=several,
        )
    mean = is_mean(pol)
    fixing_cols = ["fixing_first", "fixing_last", "fixing_count"] if mean else ["fixing_date"]
    used_col = ["rate_date_used"] if rate_date is not None else []
    out_cols = [into, "rate", *fixing_cols, *used_col, "rate_source"] + (["problem"] if errors == "coerce" else [])
    clash = [c for c in out_cols if c in frame.columns]
    if clash:
        raise InvalidFrameError(
            f"the frame already has column(s) {', '.join(map(repr, clash))}, which the conversion would "
            "overwrite; drop or rename them first (or name the result with into=)",
            columns=clash,
        )
    return target, pol, mode, mean


def _fill_from_others(
    frame: pd.DataFrame,
    out: pd.DataFrame,
    bad_reason: dict[int, str],
    tables: Sequence[RateTable],
    target: str,
    pol: Policy,
    mode: Rounding,
    lookback: int,
    amount: str,
    currency: str,
    date: str,
    into: str,
    dtype: OutputDtype,
    mean: bool,
    fixing_cols: list[str],
    rate_date: str | None = None,
) -> tuple[pd.DataFrame, dict[int, str], int, int, list[int]]:
    """A composite source: rows the first table cannot price go to the next, and so on (row by row).

    Each row is priced wholly by one table, exactly as :func:`aidtrack.conversion.convert_money` does with
    several tables; a row no table prices gets the scalar path's combined reason.
    """
    codes = out["rate_source"].cat.codes.to_numpy().astype(np.int64)  # -1: no rate needed (same currency) or none
    remaining = sorted(bad_reason)
    seen: dict[int, list[str]] = {i: [bad_reason[i]] for i in remaining}
    columns = {c: out[c].to_numpy(copy=True) for c in [into, "rate", *fixing_cols]}
    recomputed = differed = 0
    for k, table in enumerate(tables[1:], start=1):
        if not remaining:
            break
        sub = frame.iloc[remaining]
        o2, b2, r2, d2 = _convert_table(
            sub, table, target, pol, mode, lookback, amount, currency, date, into, dtype, mean, rate_date, others=True
        )
        recomputed += r2
        differed += d2
        ok_local = np.array([j for j in range(len(remaining)) if j not in b2], dtype=np.int64)
        if len(ok_local):
            pos = np.asarray(remaining, dtype=np.int64)[ok_local]
            for c, values in columns.items():
                values[pos] = o2[c].to_numpy()[ok_local]
            codes[pos] = k
        for j, why in b2.items():
            seen[remaining[j]].append(why)
        remaining = [remaining[j] for j in sorted(b2)]
    for c, values in columns.items():
        out[c] = pd.Series(values, index=out.index, dtype=out[c].dtype)
    keys = list(dict.fromkeys(t.info.key for t in tables))
    key_codes = np.array([keys.index(t.info.key) for t in tables] + [-1], dtype=np.int64)
    out["rate_source"] = pd.Categorical.from_codes(key_codes[codes], dtype=pd.CategoricalDtype(keys))
    final: dict[int, str] = {}
    cache: dict[tuple[object, object], str] = {}
    # tables that refuse a row for different reasons: a missing or invalid date (or rate date) is the row's
    # problem, as under the table that knows its currency; the scalar reason below would price the row at
    # its rate date alone (a found example: UAH, no date of its own, a rate date)
    # each row's day as the rows were priced (a date-time's calendar day, a rate date where given): the
    # cell itself would be read by the strict ISO rule and refused when it carries a time of day
    rem_days, date_bad = _rate_days(frame.iloc[remaining], date, rate_date) if remaining else (np.zeros(0), {})
    # a bad amount (missing, infinite, not a number) is the row's problem too, as under the table that knows its
    # currency: convert() refuses the amount before it looks for a rate (the scalar reason below prices 1)
    amount_bad = _read_amounts(frame[amount].iloc[remaining]).bad if remaining else {}
    for j, i in enumerate(remaining):
        if len(set(seen[i])) == 1:
            final[i] = seen[i][0]
            continue
        if j in amount_bad:
            final[i] = amount_bad[j]
            continue
        if j in date_bad:
            final[i] = date_bad[j]
            continue
        key = (_plain(frame[currency].iloc[i]), _day(int(rem_days[j])))
        reason = cache.get(key)
        if reason is None:
            reason = cache[key] = _composite_reason(key[0], key[1], target, pol, tables, mode, lookback)
        final[i] = reason
    used = [int(c) for c in np.unique(codes) if c >= 0]
    return out, final, recomputed, differed, used


def _has_currency(table: RateTable, currency: str) -> bool:
    """:func:`aidtrack.policy.prices`, under a name ``convert_frame``'s own ``prices=`` argument leaves visible."""
    return prices(table, currency)


def _day(ordinal: int) -> date:
    """``date.fromordinal``, where a ``date=`` argument (the column's name) hides the class."""
    return date.fromordinal(ordinal)


def _composite_reason(
    cur: object, day: object, target: str, pol: Policy, tables: Sequence[RateTable], mode: Rounding, lookback: int
) -> str:
    """The scalar error of a row no table prices (the text :func:`aidtrack.convert` gives)."""
    from aidtrack._dates import parse_iso_date
    from aidtrack.conversion import convert_money
    from aidtrack.money import Money

    try:
        convert_money(
            Money(1, normalize_currency(cur)),
            target,
            parse_iso_date(day, what="conversion date"),
            pol,
            tables,
            rounding=mode,
            max_lookback_days=lookback,
        )
    except (AidtrackError, ValueError) as exc:
        return str(exc)
    raise AssertionError(f"the vectorised path found no rate where convert() has one: {cur} {day}")  # pragma: no cover


def _rate_days(
    frame: pd.DataFrame, date: str, rate_date: str | None, origin: int = 0
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], dict[int, str]]:
    """The day ordinal each row's rate is chosen for (0 where bad), and the reasons of bad rows; with
    ``origin``, days after that ordinal (as :func:`_read_dates`).

    The ``date`` column, or with ``rate_date`` that column's date (the row's own date where it is missing).
    """
    days, date_bad = _rate_days_lazily(frame, date, rate_date, origin)
    if isinstance(days, _TickDays):
        days, date_bad = days.check()
    return (days.days() if isinstance(days, _TickDays) else days), date_bad


def _rate_days_lazily(
    frame: pd.DataFrame, date: str, rate_date: str | None, origin: int = 0
) -> tuple[_Days, dict[int, str]]:
    """:func:`_rate_days`, but the days of a ``datetime64`` column without missing values (and no
    ``rate_date``) come back as a :class:`_TickDays`, for :func:`_convert_columns` to compute in its pass."""
    if rate_date is None:
        return _read_days(frame[date], origin, check=False)
    ords, date_bad = _read_dates(frame[date], origin)
    if rate_date is not None:  # the rate's date comes from another column; the row keeps its own date
        rate_ords, rate_bad = _read_dates(frame[rate_date], origin)
        for i, why in rate_bad.items():
            if why == "missing date":  # no rate date: the row's own date, as a Pledge without rate_date
                rate_ords[i] = ords[i]
            else:
                date_bad.setdefault(i, f"rate date (column {rate_date!r}): {why}")
        ords = rate_ords
    return ords, date_bad


def _convert_table(
    frame: pd.DataFrame,
    table: RateTable,
    target: str,
    pol: Policy,
    mode: Rounding,
    max_lookback_days: int,
    amount: str,
    currency: str,
    date: str,
    into: str,
    dtype: OutputDtype,
    mean: bool,
    rate_date: str | None = None,
    others: bool = False,
) -> tuple[pd.DataFrame, dict[int, str], int, int]:
    """One table's pass over every row: ``(output, reasons of rows without a result, recomputed, float_differed)``."""
    origin = day_span(table)[0]  # days counted from the table's first: no shift in the pass over the rows
    dates = _rate_days_lazily(frame, date, rate_date, origin)
    res = _convert_columns(
        frame[amount],
        frame[currency],
        dates,
        table,
        target,
        pol,
        mode,
        max_lookback_days,
        fixings=("first", "last", "count") if mean else ("first",),
        in_units=dtype != "decimal",
        origin=origin,
        others=others,
    )
    n, valid, rounded, r, big = res.n, res.valid, res.rounded, res.r, res.big
    mu, all_valid, any_same, ok_conv = res.mu, res.all_valid, res.any_same, res.ok_conv
    dst_leg, base_row = res.dst_leg, res.base_row
    bad_reason, leg_names, gathered = res.bad_reason, res.leg_names, res.gathered

    out = frame.copy(deep=False)
    if dtype == "decimal":
        dec_values: list[Decimal | None] = [None] * n
        valid_rows = np.flatnonzero(valid).tolist()
        for i, w in zip(valid_rows, rounded[valid_rows].tolist(), strict=True):
            dec_values[i] = Decimal(big.get(i) or int(w)).scaleb(-mu, context=MONEY_CONTEXT)
        _put(out, into, pd.Series(dec_values, index=frame.index, dtype=object))
    else:
        _put(out, into, rounded)  # in units already
    if not all_valid:
        r[~valid] = np.nan
    _put(out, "rate", r)

    # fixing dates: both legs of a cross rate use the same fixing day (daily, exact, fixed date)
    from_dst: np.ndarray[Any, Any] | None = None
    if dst_leg is not None:
        # the base, or a legacy euro currency's parity leg against a euro table: no fixings of its own
        from_dst = (res.src_row == base_row) | (gathered["first"] == _NAT)
        if not from_dst.any():
            from_dst = None

    def fixing(name: str) -> np.ndarray[Any, Any]:
        values = gathered[name]
        if from_dst is not None:
            assert dst_leg is not None
            values[from_dst] = getattr(dst_leg, name).take(res.places.day_idx(from_dst))
        if any_same or not all_valid:
            values[~ok_conv] = 0 if name == "count" else _NAT
        return values

    if mean:
        first, last, count = fixing("first"), fixing("last"), fixing("count")
        if dst_leg is not None:
            src_row = res.src_row
            day_idx = res.day_idx
            _union_fixings(ok_conv, first, last, count, src_row, base_row, leg_names, dst_leg, day_idx, table, target)
        _put(out, "fixing_first", first.view("M8[s]"))
        _put(out, "fixing_last", last.view("M8[s]"))
        _put(out, "fixing_count", count)
    else:
        _put(out, "fixing_date", fixing("first").view("M8[s]"))
    src_name = table.info.key
    source_codes = np.zeros(n, dtype=np.int8) if all_valid and not any_same else ok_conv.astype(np.int8) - 1
    source = pd.Categorical.from_codes(source_codes, dtype=_source_dtype(src_name), validate=False)
    _put(out, "rate_source", source)  # codes 0 and -1 only: nothing to validate
    return out, bad_reason, len(res.exact_rows), res.differed


@dataclass
class _Converted:
    """The arrays of one conversion of a block of rows (see :func:`_convert_columns`)."""

    n: int
    table: RateTable
    target: str
    kind: MeanPolicy
    names: list[str | None]
    leg_names: tuple[str | None, ...]
    base_row: int
    valid: np.ndarray[Any, Any]
    ok_conv: np.ndarray[Any, Any]
    same: np.ndarray[Any, Any]
    any_same: bool
    all_valid: bool
    bad_reason: dict[int, str]
    rows: int
    """Rows of the stack: a row's place in it is ``day * rows + leg``."""
    places: _Places
    stack: dict[str, np.ndarray[Any, Any]]
    dst_leg: LegArrays | None
    r: np.ndarray[Any, Any]
    rounded: np.ndarray[Any, Any]
    """The result in minor units, as integral floats (missing where not ``valid``); in units with ``in_units``."""
    in_units: bool
    """Whether ``rounded`` holds units of the target (divided by ``scale``) rather than minor units."""
    gathered: dict[str, np.ndarray[Any, Any]]
    """The stack's fields asked for with ``fixings=``, gathered for every row (no fix-up applied)."""
    big: dict[int, int]
    """Exact minor units of the rows recomputed in ``Decimal`` (``rounded`` holds their nearest double)."""
    exact_rows: np.ndarray[Any, Any]
    differed: int
    mu: int
    scale: float
    top: float
    """An upper bound of the float results' magnitudes in minor units (before the exact recomputation)."""

    @cached_property
    def src_row(self) -> np.ndarray[Any, Any]:
        """Each row's leg (its row in ``stack``; ``base_row`` for the base currency)."""
        return self.places.src_row()

    @cached_property
    def day_idx(self) -> np.ndarray[Any, Any]:
        """Each row's day in the stack (``day_span``'s first day is 0; one past the last: outside it)."""
        return self.places.day_idx()


class _Places:
    """Each row's place in the stack, ``day index * rows + leg``: the array the pass wrote (``flat``), or,
    where the pass computed the places a slice at a time from a ``datetime64`` column's ticks, computed
    again from the ticks and the codes for the rows that need them (rows without a rate, recomputed rows)."""

    __slots__ = ("code_leg", "codes", "flat", "ndays", "per_day", "rows", "shift", "ticks")

    def __init__(
        self,
        *,
        rows: int,
        flat: np.ndarray[Any, Any] | None,
        ticks: np.ndarray[Any, Any] | None = None,
        per_day: int = 1,
        shift: int = 0,
        ndays: int = 0,
        codes: np.ndarray[Any, Any] | None = None,
        code_leg: np.ndarray[Any, Any] | None = None,
    ) -> None:
        self.rows, self.flat, self.ticks, self.per_day, self.shift = rows, flat, ticks, per_day, shift
        self.ndays, self.codes, self.code_leg = ndays, codes, code_leg

    def day_idx(self, at: Any = None) -> np.ndarray[Any, Any]:
        """The day index of the rows ``at`` (all rows: None), ``ndays`` for days outside the span."""
        if self.flat is not None:
            flat = self.flat if at is None else self.flat[at]
            days: np.ndarray[Any, Any] = flat // self.rows
            return days
        assert self.ticks is not None
        day = (self.ticks if at is None else self.ticks[at]) // self.per_day
        day -= self.shift
        unsigned = day.view(np.uint64)
        np.minimum(unsigned, np.uint64(self.ndays), out=unsigned)
        return day

    def src_row(self, at: Any = None) -> np.ndarray[Any, Any]:
        """The leg (row of the stack) of the rows ``at`` (all rows: None)."""
        if self.flat is not None:
            flat = self.flat if at is None else self.flat[at]
            legs: np.ndarray[Any, Any] = flat % self.rows
            return legs
        assert self.codes is not None
        codes = self.codes if at is None else self.codes[at]
        return codes.astype(np.int64) if self.code_leg is None else self.code_leg.take(codes)

    def at(self, rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """The places of ``rows``."""
        if self.flat is not None:
            places: np.ndarray[Any, Any] = self.flat[rows]
            return places
        places = self.day_idx(rows) * self.rows
        places += self.src_row(rows)
        return places


def _round_units(
    scaled: np.ndarray[Any, Any], half_up: bool, out: np.ndarray[Any, Any] | None = None
) -> np.ndarray[Any, Any]:
    """``scaled`` rounded to whole numbers: half to even (``rint``), or half away from zero."""
    if out is None:
        out = np.empty_like(scaled)
    if half_up:
        np.abs(scaled, out=out)
        out += 0.5
        np.floor(out, out=out)
        np.copysign(out, scaled, out=out)
    else:
        np.rint(scaled, out=out)
    return out


class _Piece(NamedTuple):
    """What :class:`_RowWork` found in one range of rows."""

    start: int
    kept: list[tuple[int, np.ndarray[Any, Any]]]
    """(first row, the rows' day ordinals) of the slices where some day lies outside the table's span (their
    place in the stack is its sentinel); not kept where the days come from ticks, which give them again."""
    nan: bool
    """Whether some row's float result is NaN: a row without a rate (or without an amount) is among them."""
    hits: list[np.ndarray[Any, Any]]
    """Rows whose float result may lie on the other side of a rounding boundary than the exact one."""
    top: float
    """An upper bound of the float results' magnitudes in minor units."""
    trouble: bool = False
    """An unchecked input has a value its checks would refuse (a missing date, a missing, infinite or too large
    amount): the pass gave up, and the caller converts again with checked inputs."""


_GAVE_UP = _Piece(0, [], False, [], 0.0, trouble=True)
_AMOUNT_TOP = float(AMOUNT_LIMIT)
_SLACK = 1 + 2.0**-40
"""A float result exceeds amount x rate x scale by at most a few units in the last place: bounds carry this."""


class _RowWork:
    """The per-row arithmetic of :func:`_convert_columns` on a range of rows, writing into whole-frame arrays.

    Called on ``(a, b)``, a slice of ``_SLICE`` rows at a time, every step on the slice before the next
    (so that each reads what the one before wrote from the cache): the rows' days, from ``ticks``
    (``ticks // per_day`` days after 1970-01-01) or from ``flat[a:b]`` (day index + ``shift``; day
    indices when ``shift`` is None), become their places in the stack (in ``flat`` where given, else in
    a scratch array: :class:`_Places` gives them again); ``r`` gets the rates and ``rounded`` the results
    in minor units, rounded from float64. Every value depends on its row alone (the bounds only pick
    candidates for the per-row test), so ranges can run in any order, on any thread.
    """

    flat: np.ndarray[Any, Any] | None
    ticks: np.ndarray[Any, Any] | None
    """A ``datetime64`` column's integers, whose days the pass computes (None: ``flat`` holds days already)."""
    per_day: int
    days_checked: bool
    """Whether ``ticks`` were searched for NaT already; if not, the pass gives up at the first one."""
    shift: int | None
    """Subtracted from the days to count them from the table's first day (None: counted so already, a fixed
    date's)."""
    first_day: int
    """The ordinal of the table's first day (day index 0)."""
    ndays: int
    rows: int
    codes: np.ndarray[Any, Any]
    code_leg: np.ndarray[Any, Any] | None
    inv: np.ndarray[Any, Any]
    src_rate: np.ndarray[Any, Any]
    dst_rate: np.ndarray[Any, Any] | None
    same: np.ndarray[Any, Any] | None
    floats: np.ndarray[Any, Any]
    amounts_checked: bool
    """Whether ``floats`` were checked already; if not, the pass gives up at the first missing, infinite or
    too large amount."""
    r: np.ndarray[Any, Any]
    rounded: np.ndarray[Any, Any]
    mu: int
    scale: float
    half_up: bool
    divide: bool
    """Divide the results by ``scale`` once checked (units rather than minor units)."""
    gathers: tuple[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]], ...]
    """(field of the stack, whole-frame output) pairs gathered at the rows' places too (the fixing days)."""
    bound: float | None
    """An upper bound of every row's float result in minor units, known before the pass (from the largest
    amount and the largest rate); None: each slice bounds its own, from its largest amount."""
    rate_top: float
    """The largest rate any row can get (1 for the rows that need none)."""

    __slots__ = (
        "amounts_checked", "bound", "code_leg", "codes", "days_checked", "divide", "dst_rate", "first_day", "flat",
        "floats", "gathers", "half_up", "inv", "mu", "ndays", "per_day", "r", "rate_top", "rounded", "rows", "same",
        "scale", "shift", "src_rate", "ticks",
    )  # fmt: skip

    def __init__(self, **fields: Any) -> None:  # a plain class: no dataclass to build when the module is imported
        for name in self.__slots__:
            setattr(self, name, fields.pop(name))
        assert not fields, f"unknown fields {sorted(fields)}"

    def __call__(self, a: int, b: int) -> _Piece:
        with np.errstate(invalid="ignore", over="ignore"):
            return self._run(a, b)

    def _run(self, a: int, b: int) -> _Piece:
        size = min(b - a, _SLICE)
        scratch = np.empty(size)  # allocated once per range; a slice of it stays in the cache
        # results in units: rounded here (in the cache), written to the frame's array once, divided
        units = np.empty(size) if self.divide else None
        mask = np.empty(size, dtype=bool)
        places = np.empty(size, dtype=np.int64) if self.flat is None else None
        kept: list[tuple[int, np.ndarray[Any, Any]]] = []
        hits: list[np.ndarray[Any, Any]] = []
        nan = False  # whether a row's result is NaN (no rate, or no amount)
        top = 0.0
        unit = self.scale if self.mu else 1.0
        for s in range(a, b, _SLICE):
            e = min(b, s + _SLICE)
            if places is not None:
                assert self.ticks is not None
                day = np.floor_divide(self.ticks[s:e], self.per_day, out=places[: e - s])  # also before 1970
            else:
                assert self.flat is not None
                day = self.flat[s:e]
            if self.shift is not None:  # days outside the table's span go to the sentinel ndays (negative ones wrap)
                if self.shift:
                    day -= self.shift
                unsigned = day.view(np.uint64)
                if int(unsigned.max()) >= self.ndays:  # some rows outside the span (no rate)
                    if self.ticks is None:  # keep their days
                        kept.append((s, day + self.first_day))
                    elif not self.days_checked and int(self.ticks[s:e].min()) == _NAT:
                        return _GAVE_UP  # a missing date
                    np.minimum(unsigned, np.uint64(self.ndays), out=unsigned)
            # the largest result of the slice, bounded from its largest amount (the amounts' own checks too)
            bound = self.bound
            if bound is None:
                values = self.floats[s:e]
                hi, lo = float(np.maximum.reduce(values, initial=0.0)), float(np.minimum.reduce(values, initial=0.0))
                if hi != hi or lo != lo:  # a NaN: max and min carry it through
                    if not self.amounts_checked:
                        return _GAVE_UP  # a missing amount
                    hi, lo = float(np.fmax.reduce(values, initial=0.0)), float(np.fmin.reduce(values, initial=0.0))
                largest = max(hi, -lo)
                if not self.amounts_checked and not largest < _AMOUNT_TOP:
                    return _GAVE_UP  # an infinite or too large amount
                bound = largest * self.rate_top * unit * _SLACK
            rate = self.r[s:e]
            if self.dst_rate is not None:
                self.dst_rate.take(day, out=rate, mode="clip")  # every index is in range: clip only skips a buffer
            # each row's place in the stack, day by day: day * rows + leg, in place
            day *= self.rows
            if self.code_leg is None:
                day += self.codes[s:e]  # the stack's rows follow the codes (int8 category codes added as they are)
            else:
                day += self.code_leg.take(self.codes[s:e])
            if self.dst_rate is None:
                self.inv.take(day, out=rate, mode="clip")  # 1 / rate, as computed row by row
            else:
                np.divide(rate, self.src_rate.take(day), out=rate)
            for field, values in self.gathers:
                field.take(day, out=values[s:e], mode="clip")
            if self.same is not None:
                rate[self.same[s:e]] = 1.0
            scaled = np.multiply(self.floats[s:e], rate, out=scratch[: e - s])
            if self.mu:
                scaled *= self.scale
            out = self.rounded[s:e] if units is None else units[: e - s]
            _round_units(scaled, self.half_up, out=out)
            if not bound < _MAX_SCALED:  # a bound too loose (or a large amount): the slice's own results
                bound, part_nan = _extremes(scaled)
                nan = nan or part_nan
            top = max(top, bound)
            # a row is "risky" when the float result may lie on the other side of a rounding boundary than
            # the exact one: the slice's bound first, then the per-row bound on the few candidates
            gap = np.subtract(scaled, out, out=scaled)  # exact (Sterbenz): the distance to the rounded value
            if bound < _MAX_SCALED:
                # not (|gap| < limit): the candidates, and the NaN results (no rate or no amount) with them
                calm = np.less(np.abs(gap, out=gap), 0.5 - bound * _REL_TOL, out=mask[: e - s])
                found = np.flatnonzero(np.logical_not(calm, out=calm))
                if len(found):
                    missing = np.isnan(gap.take(found))
                    if missing.any():
                        nan = True
                        found = found[~missing]
                    hits.append(found + s)
            else:
                hits.append(np.arange(s, e))
            if units is not None:
                np.divide(out, self.scale, out=self.rounded[s:e])
        return _Piece(a, kept, nan, hits, top)


def _extremes(scaled: np.ndarray[Any, Any]) -> tuple[float, bool]:
    """The largest magnitude among ``scaled``'s numbers, and whether it holds a NaN."""
    hi, lo = float(np.maximum.reduce(scaled, initial=0.0)), float(np.minimum.reduce(scaled, initial=0.0))
    if hi == hi and lo == lo:  # max and min carry a NaN through: no mask in the usual case
        return max(hi, -lo), False
    hi, lo = float(np.fmax.reduce(scaled, initial=0.0)), float(np.fmin.reduce(scaled, initial=0.0))
    return max(hi, -lo), True


def _convert_columns(
    amount_col: pd.Series,
    currency_col: pd.Series,
    dates: tuple[_Days, dict[int, str]],
    table: RateTable,
    target: str,
    pol: Policy,
    mode: Rounding,
    max_lookback_days: int,
    *,
    fixings: tuple[str, ...] = (),
    in_units: bool = False,
    origin: int = 0,
    others: bool = False,
) -> _Converted:
    """:func:`_convert_columns_once`, optimistic first: the days of a ``datetime64`` column (a
    :class:`_TickDays` not checked yet) and a float64 amount column are checked by the pass over the rows
    itself, slice by slice; if it finds a missing date or a missing, infinite or too large amount, the rows
    are converted again from checked inputs (the reasons of the bad rows come from those checks)."""
    ords = dates[0]
    fixed = isinstance(pol, FixedDate) or (isinstance(pol, TrailingMean) and pol.fixed)
    if isinstance(ords, _TickDays) and not ords.checked and not fixed:
        res = _convert_columns_once(
            _read_amounts(amount_col, check=False), currency_col, dates, table, target, pol, mode,
            max_lookback_days, fixings=fixings, in_units=in_units, origin=origin, others=others,
        )  # fmt: skip
        if res is not None:
            return res
    if isinstance(ords, _TickDays) and not ords.checked:
        dates = ords.check()
    res = _convert_columns_once(
        _read_amounts(amount_col), currency_col, dates, table, target, pol, mode, max_lookback_days,
        fixings=fixings, in_units=in_units, origin=origin, others=others,
    )  # fmt: skip
    assert res is not None  # checked inputs: nothing to give up on
    return res


def _convert_columns_once(
    amounts: _Amounts,
    currency_col: pd.Series,
    dates: tuple[_Days, dict[int, str]],
    table: RateTable,
    target: str,
    pol: Policy,
    mode: Rounding,
    max_lookback_days: int,
    *,
    fixings: tuple[str, ...] = (),
    in_units: bool = False,
    origin: int = 0,
    others: bool = False,
) -> _Converted | None:
    """Convert rows with one table: the arrays :func:`_convert_table` and the chunked totals
    (:func:`aidtrack.frames.aggregate.totals`) build on.

    ``origin`` is the ``origin`` the days were read with (:func:`_rate_days`). ``fixings`` names the
    stack's fields (``first``, ``last``, ``count``) to gather for every row (into
    :attr:`_Converted.gathered`, before any fix-up); ``in_units`` gives ``rounded`` in units of the
    target rather than minor units. Both are done in the same pass over the rows as the rates.

    ``dates`` is what :func:`_rate_days` (or :func:`_rate_days_lazily`) gives: the day each row's rate is
    chosen for, and the reasons of rows whose dates are bad. Its array of days is reused in place (it
    becomes the rows' places in the stack): pass a fresh one.

    ``others``: other tables of a composite source follow this one. A target this table does not have then
    makes every row that needs a rate a row without a result here (the next tables may price it, as
    :func:`aidtrack.convert` tries them), instead of an error for the whole frame.
    """
    n = len(currency_col)
    codes, names, cur_reasons = _read_currencies(currency_col, table, target)
    ords, date_bad = dates

    # per-row problems with the input values: currency, then amount, then date (the order of convert())
    bad_reason: dict[int, str] = {}
    any_na = bool(n) and int(codes.min()) < 0  # one reduction: no mask in the usual case
    if any_na:
        for i in np.flatnonzero(codes < 0).tolist():
            bad_reason[i] = "missing currency"
    if cur_reasons:
        bad_codes = np.array(sorted(cur_reasons), dtype=np.int64)
        for i in np.flatnonzero(np.isin(codes, bad_codes)).tolist():
            bad_reason[i] = cur_reasons[int(codes[i])]
    for i, why in amounts.bad.items():
        bad_reason.setdefault(i, why)
    for i, why in date_bad.items():
        bad_reason.setdefault(i, why)

    # legs: one per currency in the data other than the base (whose rate is 1)
    # with few codes (the usual case) the stack's rows follow the codes, so a row's place in the stack is
    # code * width + day with no lookup; with many (a categorical of every currency), or categories some of
    # which no row uses (a filtered frame: their legs are not built for nothing), one row per leg
    kind: MeanPolicy = RatePolicy.DAILY if isinstance(pol, FixedDate) else pol  # a fixed date: daily on its date
    # the target's own rows need no rate (and a table without the target has no leg for them)
    leg_names: tuple[str | None, ...] = tuple(
        c if c is not None and c not in (table.base, target) else None for c in names
    )
    code_leg: np.ndarray[Any, Any] | None = None
    in_order = len(names) <= _IN_CODE_ORDER
    used: Any = None  # which codes occur, where it was worth finding out
    if isinstance(currency_col.dtype, pd.CategoricalDtype) and not (
        in_order and _stacked(table, leg_names, kind, max_lookback_days)
    ):
        used = np.bincount(np.where(codes < 0, len(names), codes) if any_na else codes, minlength=len(names) + 1)
        in_order = in_order and all(used[k] or c is None for k, c in enumerate(leg_names))
    if not in_order:
        leg_names = tuple(
            sorted(
                {c for k, c in enumerate(names) if c not in (None, table.base, target) and (used is None or used[k])}
            )
        )
        leg_of_name = {c: k for k, c in enumerate(leg_names)}
        code_leg = np.array([leg_of_name.get(c, len(leg_names)) if c else len(leg_names) for c in names])
        code_leg = np.append(code_leg, len(leg_names)).astype(np.int64)
    if not _stacked(table, leg_names, kind, max_lookback_days):
        # a stack built for the same currencies in another order (the next partition of a Dask frame, whose
        # codes follow its own rows) or for more of them serves through code_leg: no stack of its own
        wider = _wider_stack(table, leg_names, kind, max_lookback_days)
        if wider is not None:
            row_of = {c: k for k, c in enumerate(wider) if c is not None}
            code_leg = np.array(
                [row_of.get(c, len(wider)) if c is not None and c != table.base else len(wider) for c in names]
                + [len(wider)],
                dtype=np.int64,
            )
            leg_names = wider
    base_row = len(leg_names)  # the stack's last row: rate 1
    code_same = np.array([c == target for c in names] + [False], dtype=bool)
    safe_codes = np.where(codes < 0, len(names), codes) if any_na else codes
    any_same = bool(code_same.any())
    same = code_same.take(safe_codes) if any_same else np.zeros(n, dtype=bool)
    valid = np.ones(n, dtype=bool)
    if bad_reason:
        valid[np.fromiter(bad_reason, dtype=np.int64)] = False

    stack = _stack(table, leg_names, kind, max_lookback_days)
    needs_rates = bool((valid & ~same).any()) if any_same or bad_reason else n > 0
    # a target the table lacks fails every row that needs a rate: say so once, as convert() would
    try:
        dst_leg = None if target == table.base or not needs_rates else _leg(table, target, kind, max_lookback_days)
    except UnknownCurrencyError as exc:
        if not others:
            raise
        dst_leg = None  # every row needing a rate is bad: the rates the pass computes are thrown away
        lacking = np.flatnonzero(valid & ~same)
        bad_reason.update(dict.fromkeys(lacking.tolist(), str(exc)))
        valid[lacking] = False
    o0, o_end = day_span(table)
    ndays = o_end - o0 + 1
    rows = base_row + 1
    kept_ords: np.ndarray[Any, Any] | None = None  # the days, where the stack's places cannot give them back
    fixed: int | None = None
    if isinstance(pol, FixedDate):
        fixed = pol.on.toordinal() - o0
    elif isinstance(pol, TrailingMean) and pol.fixed:  # one window for every row, read on its end (as quote())
        assert pol.end is not None
        fixed = pol.end.toordinal() - o0
    ticks: np.ndarray[Any, Any] | None = None
    flat: np.ndarray[Any, Any] | None
    per_day = 1
    if isinstance(ords, _TickDays) and fixed is not None:
        assert ords.checked
        ords = ords.days()
    if fixed is not None:
        assert not isinstance(ords, _TickDays)
        flat = np.full(n, fixed if 0 <= fixed < ndays else ndays, dtype=np.int64)
        kept_ords = ords + origin if origin else ords
    elif isinstance(ords, _TickDays):  # the pass computes the days, and the places, a slice at a time
        ticks, per_day, origin = ords.ticks, ords.per_day, _EPOCH
        flat = None
    else:  # each row's day becomes its place in the stack in place: at 10 million rows a fresh array costs
        flat = ords  # more than the arithmetic (page faults)
    places = _Places(
        rows=rows,
        flat=flat,
        ticks=ticks,
        per_day=per_day,
        shift=o0 - origin,
        ndays=ndays,
        codes=safe_codes,
        code_leg=code_leg,
    )
    mu = minor_units(target)
    scale = float(10**mu)
    r = np.empty(n)
    rounded = np.empty(n)
    divide = in_units and mu > 0
    gathered = {f: np.empty(n, dtype=stack[f].dtype) for f in fixings}
    # the largest result any row can have: the largest amount x the largest rate (a row's float result
    # exceeds its exact amount x rate by a few units in the last place at most)
    rate_top = float(stack["inv_top"])
    if dst_leg is not None:
        rate_top *= float(np.fmax.reduce(dst_leg.rate, initial=1.0))  # dst / src <= max(dst) x max(1 / src)
    bound = None if amounts.top is None else amounts.top * rate_top * (scale if mu else 1.0) * _SLACK
    rows_of = _RowWork(
        flat=flat, ticks=ticks, per_day=per_day, days_checked=not isinstance(ords, _TickDays) or ords.checked,
        shift=o0 - origin if fixed is None else None, first_day=o0, ndays=ndays, rows=rows, bound=bound,
        rate_top=rate_top, amounts_checked=amounts.checked,
        codes=safe_codes, code_leg=code_leg,
        inv=stack["inv"], src_rate=stack["rate"], dst_rate=None if dst_leg is None else dst_leg.rate,
        same=same if any_same else None, floats=amounts.floats, r=r, rounded=rounded, mu=mu, scale=scale,
        half_up=mode is Rounding.HALF_UP, divide=divide,
        gathers=tuple((stack[f], values) for f, values in gathered.items()),
    )  # fmt: skip
    pieces = _in_pieces(n, rows_of)
    if any(p.trouble for p in pieces):
        return None
    top = max((p.top for p in pieces), default=0.0)
    all_valid = not bad_reason
    rescued: dict[int, Conversion] = {}
    rate_bad: np.ndarray[Any, Any] | None = None
    if any(p.nan for p in pieces):  # some row may have no rate (a NaN): which, and why
        rate_bad = np.isnan(r) if all_valid else np.isnan(r) & valid
    if rate_bad is not None and rate_bad.any():
        all_valid = False
        if kept_ords is None and ticks is not None:
            kept_ords = ticks // per_day + _EPOCH
        elif kept_ords is None:
            assert flat is not None
            kept_ords = flat // rows + o0
            for p in pieces:
                for start, days in p.kept:
                    kept_ords[start : start + len(days)] = days
        rescued = _rate_reasons(
            np.flatnonzero(rate_bad),
            names,
            codes,
            kept_ords,
            target,
            pol,
            table,
            mode,
            max_lookback_days,
            bad_reason,
            amounts,
        )
        if rescued:  # the day arrays end with the data; a rule that needs no data there (a legal parity) does not
            at = np.fromiter(rescued, dtype=np.int64, count=len(rescued))
            rate_bad[at] = False
            r[at] = [float(rescued[i].rate) for i in at.tolist()]
        valid &= ~rate_bad
    ok_conv = valid & ~same if any_same else valid

    with np.errstate(invalid="ignore", over="ignore"):
        found = [h for p in pieces for h in p.hits]
        candidates = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        # the candidates' float results again (the same operations, so the same values)
        near_scaled = amounts.floats[candidates] * r[candidates]
        if mu:
            near_scaled *= scale
        near_units = _round_units(near_scaled, mode is Rounding.HALF_UP)  # what the pass wrote (before dividing)
        near_frac = np.abs(near_scaled - near_units)
        near = np.abs(near_scaled)
        exact = (near_frac >= 0.5 - near * _REL_TOL) | (near >= _MAX_SCALED)
        exact_rows = candidates[exact]
        float_units = dict(zip(exact_rows.tolist(), near_units[exact].tolist(), strict=True))
        if not all_valid:
            exact_rows = exact_rows[valid[exact_rows]]
            rounded[~valid] = np.nan
    big: dict[int, int] = {}
    differed = 0
    if rescued:
        for i, conv in rescued.items():
            scaled_units = int(conv.result.amount.scaleb(mu))
            rounded[i] = scaled_units / 10**mu if divide else float(scaled_units)  # int / int: the nearest double
            big[i] = scaled_units
            top = max(top, abs(float(scaled_units)))
        exact_rows = exact_rows[~np.isin(exact_rows, np.fromiter(rescued, dtype=np.int64, count=len(rescued)))]
    if len(exact_rows):
        big |= _recompute(
            exact_rows,
            amounts,
            same,
            places.at(exact_rows),
            rows,
            leg_names,
            table,
            kind,
            max_lookback_days,
            dst_leg,
            target,
            mode,
        )
        for i, v in big.items():
            if i in rescued:
                continue
            w = float_units[i]
            if not (abs(w) < 2.0**62 and v == int(w)):
                differed += 1
            # the nearest double: the float column is as exact as a float can be (int / int rounds once; float(v)
            # / scale would round twice beyond 2**53)
            rounded[i] = v / 10**mu if divide else float(v)

    return _Converted(
        n=n, table=table, target=target, kind=kind, names=names, leg_names=leg_names, base_row=base_row,
        valid=valid, ok_conv=ok_conv, same=same, any_same=any_same, all_valid=all_valid, bad_reason=bad_reason,
        rows=rows, places=places, stack=stack, dst_leg=dst_leg, r=r, rounded=rounded, in_units=divide,
        gathered=gathered, big=big, exact_rows=exact_rows, differed=differed, mu=mu, scale=scale, top=top,
    )  # fmt: skip


_SOURCE_DTYPES: dict[str, pd.CategoricalDtype] = {}


def _source_dtype(key: str) -> pd.CategoricalDtype:
    """The ``rate_source`` column's dtype for one source (built once per source: it validates its categories)."""
    found = _SOURCE_DTYPES.get(key)
    if found is None:
        if len(_SOURCE_DTYPES) >= 64:  # tables made on the fly, each with a key of its own: kept bounded
            _SOURCE_DTYPES.clear()
        found = _SOURCE_DTYPES.setdefault(key, pd.CategoricalDtype([key]))
    return found


def _put(frame: pd.DataFrame, name: str, values: Any) -> None:
    """Add a column without copying ``values`` (a fresh array nothing else refers to)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, index=frame.index, copy=False)
    frame.insert(len(frame.columns), name, series)


def _problems(frame: pd.DataFrame, currency: str, date: str, reasons: dict[int, str]) -> list[ConversionProblem]:
    rows = sorted(reasons)
    if not rows:
        return []
    labels = frame.index.take(rows).tolist()
    curs = frame[currency].take(rows).tolist()
    days = frame[date].take(rows).tolist()
    return [
        ConversionProblem(label, i, _plain(c), _plain(d), reasons[i])
        for label, i, c, d in zip(labels, rows, curs, days, strict=True)
    ]


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() and value.tzinfo is None else value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _union_fixings(
    ok: np.ndarray[Any, Any],
    first: np.ndarray[Any, Any],
    last: np.ndarray[Any, Any],
    count: np.ndarray[Any, Any],
    src_row: np.ndarray[Any, Any],
    base_row: int,
    leg_names: tuple[str | None, ...],
    dst_leg: LegArrays,
    day_idx: np.ndarray[Any, Any],
    table: RateTable,
    target: str,
) -> None:
    """A cross rate averages each currency over its own fixings: report the union of both (in place)."""
    if table.is_period_table:
        return  # both legs answer for the same period: first, last and count are already right
    has_leg = np.array([c is not None for c in leg_names] + [False] * (base_row + 1 - len(leg_names)))
    cross = np.flatnonzero(ok & has_leg.take(src_row) & (first != _NAT))
    if not len(cross):
        return
    d_first = dst_leg.first.take(day_idx[cross])
    d_last = dst_leg.last.take(day_idx[cross])
    combos = pd.DataFrame({"k": src_row[cross], "f": first[cross], "l": last[cross], "df": d_first, "dl": d_last})
    codes, uniq = pd.factorize(pd.MultiIndex.from_frame(combos))
    dst_ords = _fixing_ordinals(table, target)
    u_first = np.empty(len(uniq), dtype=np.int64)
    u_last = np.empty(len(uniq), dtype=np.int64)
    u_count = np.empty(len(uniq), dtype=np.int32)

    def day(secs: int) -> int:
        return secs // _DAY + _EPOCH

    for j, (k, f, lst, df_, dl) in enumerate(uniq):
        name = leg_names[k]
        assert name is not None  # only rows of a leg are cross rates
        src_ords = _fixing_ordinals(table, name)
        a = src_ords[np.searchsorted(src_ords, day(f)) : np.searchsorted(src_ords, day(lst), side="right")]
        b = dst_ords[np.searchsorted(dst_ords, day(df_)) : np.searchsorted(dst_ords, day(dl), side="right")]
        union = np.union1d(a, b)
        u_first[j], u_last[j], u_count[j] = (union[0] - _EPOCH) * _DAY, (union[-1] - _EPOCH) * _DAY, len(union)
    first[cross] = u_first[codes]
    last[cross] = u_last[codes]
    count[cross] = u_count[codes]


def _fixing_ordinals(table: RateTable, currency: str) -> np.ndarray[Any, Any]:
    """The fixing days a leg's mean can draw on: its own, and the euro's for a legacy euro currency."""
    own = table.series(currency).as_numpy()[0] if currency in table and currency != table.base else None
    if prices(table, currency) and currency not in table and table.base != "EUR":
        eur = table.series("EUR").as_numpy()[0]
        return eur if own is None else np.union1d(own, eur)
    return own if own is not None else np.zeros(0, dtype=np.int64)


def _recompute(
    rows: np.ndarray[Any, Any],
    amounts: _Amounts,
    same: np.ndarray[Any, Any],
    places: np.ndarray[Any, Any],
    rows_in_stack: int,
    leg_names: tuple[str | None, ...],
    table: RateTable,
    kind: MeanPolicy,
    lookback: int,
    dst_leg: LegArrays | None,
    target: str,
    mode: Rounding,
) -> dict[int, int]:
    """Exact minor units for ``rows`` (whose places in the stack are ``places``), with the formula and contexts
    of :func:`aidtrack.conversion.convert_money`."""
    from aidtrack.amounts import EXACT_CONTEXT, quantum

    q = quantum(target)
    mu = minor_units(target)
    rounding = mode.decimal_mode
    quoted = table.quoted_in_base
    one = Decimal(1)
    out: dict[int, int] = {}
    legs: dict[str, LegArrays] = {}
    for i, place in zip(rows.tolist(), places.tolist(), strict=True):
        a = amounts.decimal(i)
        if same[i]:
            value = a.quantize(q, rounding=rounding, context=EXACT_CONTEXT)
        else:
            d, k = divmod(place, rows_in_stack)
            name = leg_names[k] if k < len(leg_names) else None
            leg = None
            if name is not None:
                leg = legs.get(name)
                if leg is None:
                    leg = legs[name] = _leg(table, name, kind, lookback)
            quoted_src = quoted_dst = None
            if quoted:
                # as convert(): amount x quote(from) / quote(to) from the published quotes (1 for the base),
                # without the rounding of their inverses; a leg without a quote of its own (a parity) keeps
                # the rates
                quoted_src = leg.published_quote(d) if leg is not None else one
                quoted_dst = dst_leg.published_quote(d) if dst_leg is not None else one
            if quoted_src is not None and quoted_dst is not None:
                divisor, multiplier = quoted_dst, quoted_src
            else:
                divisor = leg.exact_rate(d) if leg is not None else one
                multiplier = dst_leg.exact_rate(d) if dst_leg is not None else one
            unrounded = EXACT_CONTEXT.divide(EXACT_CONTEXT.multiply(a, multiplier), divisor)
            # 60 digits, as the unrounded figure: the default context (28) cannot quantize 1e27 to cents
            value = unrounded.quantize(q, rounding=rounding, context=EXACT_CONTEXT)
        out[i] = int(value.scaleb(mu, context=EXACT_CONTEXT))
    return out


def _rate_reasons(
    rows: np.ndarray[Any, Any],
    names: list[str | None],
    codes: np.ndarray[Any, Any],
    ords: np.ndarray[Any, Any],
    target: str,
    pol: Policy,
    table: RateTable,
    mode: Rounding,
    lookback: int,
    into: dict[int, str],
    amounts: _Amounts | None = None,
) -> dict[int, Conversion]:
    """The scalar error's text for each row without a rate (computed once per currency and date).

    A row the scalar path *can* convert although the day arrays have no rate for it (a legal euro
    parity on a date after the rate data ends needs no fixing) comes back converted by the scalar
    path itself, so the two paths agree row by row.
    """
    from aidtrack.conversion import convert_money
    from aidtrack.money import Money

    cache: dict[tuple[int, int], str | None] = {}
    rescued: dict[int, Conversion] = {}
    for i in rows.tolist():
        key = (int(codes[i]), int(ords[i]))
        cur = names[key[0]]
        assert cur is not None
        if key in cache and cache[key] is not None:
            into[i] = cache[key]  # type: ignore[assignment]
            continue
        try:
            conv = convert_money(
                Money(amounts.decimal(i) if amounts is not None else 1, cur),
                target,
                date.fromordinal(key[1]),
                pol,
                table,
                rounding=mode,
                max_lookback_days=lookback,
            )
        except AidtrackError as exc:
            cache[key] = into[i] = str(exc)
        else:
            cache[key] = None
            rescued[i] = conv
    return rescued


# ---------------------------------------------------------------------------
# Reports and metadata


def conversion_meta(frame: pd.DataFrame) -> dict[str, Any]:
    """The metadata :func:`convert_frame` stored in ``frame.attrs`` (raises if there is none)."""
    meta = frame.attrs.get(META_KEY)
    if not isinstance(meta, dict) or meta.get("converted") not in frame.columns:
        raise InvalidFrameError(
            "this frame is not the result of aidtrack.frames.convert.convert_frame (no conversion metadata in "
            "frame.attrs, or its result column is gone)"
        )
    return meta


def conversion_problems(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a converted frame (``errors="coerce"``) that have no result, as a report.

    Columns: ``index, position, currency, date, reason`` (empty when every row converted).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"amount": [1, 2], "currency": ["USD", "USD"], "date": ["2025-01-09", "1990-01-01"]})
    >>> conversion_problems(convert_frame(df, "EUR", errors="coerce"))[["index", "currency", "date"]]
       index currency        date
    0      1      USD  1990-01-01
    """
    meta = conversion_meta(frame)
    if "problem" not in frame.columns:
        return _report_frame([])
    mask = frame["problem"].notna().to_numpy()
    reasons = {i: str(r) for i, r in zip(np.flatnonzero(mask).tolist(), frame["problem"][mask].tolist(), strict=True)}
    problems = _problems(frame, meta["currency"], meta["date"], reasons)
    return _report_frame(problems)


# ---------------------------------------------------------------------------
# The accessor
