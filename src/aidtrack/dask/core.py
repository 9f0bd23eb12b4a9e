"""Exact conversion and totals over Dask DataFrames (``pip install "aidtrack[dask]"``).

A Dask DataFrame is a sequence of pandas partitions, so every partition is
converted by :func:`aidtrack.frames.convert.convert_frame` itself and totalled
by :func:`aidtrack.frames.aggregate.partial_totals`: the results are those of
the pandas path, row for row and cent for cent, however the data is
partitioned and wherever the partitions run.

* :func:`convert` returns a lazy Dask DataFrame with the columns
  ``convert_frame`` adds (``converted``, ``rate``, ``fixing_date`` ...).
* :func:`totals` computes a (small) pandas DataFrame, identical to
  :func:`aidtrack.frames.aggregate.totals` of the whole data: every partition
  sums its rounded amounts as whole numbers of minor units per group, and the
  sums are added as Python integers, which neither round nor overflow.
* :func:`grand_total` and :func:`conversion_problems` compute one figure or the
  report of the rows without a result.

**The rate table travels once.** The source is resolved once, where these
functions are called (the client), and the table is shared with the workers:
scattered to every worker of a ``distributed`` cluster (``broadcast=True``,
one copy per worker process, whatever the number of partitions) or, with
Dask's local schedulers, put into the graph under a single key. A table
pickles as its compact rows and their SHA-256 (checked on arrival), about
0.5 MB for the bundled ECB history; no worker downloads anything.

**Errors.** With ``errors="raise"`` (the default) a row without a result is an
error, as in pandas: :class:`~aidtrack.frames.convert.UnconvertibleRowsError`
lists the first ``max_problems`` such rows over all partitions, in order, with
their position in the whole table, and counts them all (``count``).
:func:`convert` checks this when it is called, reading only the amount,
currency and date columns, so a bad row is reported before any output is
written; :func:`totals` checks it in the same pass as the sums. With
``errors="coerce"`` the rows are kept, with missing results and a ``problem``
column saying why.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.base import compute
from dask.delayed import delayed

from aidtrack.amounts import Rounding
from aidtrack.conversion import target_currency
from aidtrack.errors import DeflationRowsError, InvalidArgumentError, InvalidFrameError
from aidtrack.frames.aggregate import (
    GroupKey,
    PartialTotals,
    finish_totals,
    group_keys,
    partial_totals,
    totals_from_partials,
)
from aidtrack.frames.convert import (
    META_KEY,
    ConversionProblem,
    Errors,
    OutputDtype,
    UnconvertibleRowsError,
    check_conversion_options,
    conversion_problems,
    convert_frame,
)
from aidtrack.frames.real import DenominatorYear, Prices, check_prices, constant_prices
from aidtrack.policy import DEFAULT_MAX_LOOKBACK_DAYS, PolicyLike
from aidtrack.rates.sources import Composite, SourceLike, resolve_tables
from aidtrack.rates.table import RateTable, SourceInfo

if TYPE_CHECKING:
    from aidtrack.money import Money

__all__ = ["MAX_PROBLEMS", "conversion_problems_of", "convert", "grand_total", "share_table", "totals"]

MAX_PROBLEMS = 1000
"""How many unconvertible rows an error or report lists by default (all of them are counted)."""

_PER_PARTITION = ("problems", "recomputed", "float_differed")
"""Conversion metadata that differs from partition to partition: left out of each partition's ``attrs``."""


# ---------------------------------------------------------------------------
# Sharing the rate table with the workers


_SHARED: weakref.WeakKeyDictionary[RateTable, tuple[Any, Any]] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def _current_client() -> Any:
    """The ``distributed`` client the computation will run on, or ``None`` (a local scheduler)."""
    if dask.config.get("scheduler", None) not in (None, "dask.distributed", "distributed"):
        return None
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - the extra installs distributed
        return None
    try:
        return default_client()
    except ValueError:
        return None


def share_table(table: RateTable, client: Any = None) -> Any:
    """``table`` as an argument for tasks: on a cluster, scattered once to every worker.

    With a ``distributed`` client (``client``, or the current one) the table
    is scattered with ``broadcast=True`` under a key derived from its rows'
    SHA-256, and the future is remembered, so converting many frames with one
    table sends it once per worker. Without one it is wrapped as a single
    Dask key (``dask.delayed``), shared by every partition of the graph.
    """
    client = client if client is not None else _current_client()
    if client is None:
        name = f"aidtrack-rate-table-{table.content_sha256[:16]}-{id(table):x}"
        return delayed(table, name=name, traverse=False)
    with _SHARED_LOCK:
        found = _SHARED.get(table)
        if found is not None:
            owner, future = found
            if owner is client and client.status == "running" and future.status == "finished":
                return future
        future = client.scatter(table, broadcast=True, hash=True)
        _SHARED[table] = (client, future)
        return future


# ---------------------------------------------------------------------------
# Conversion


@dataclass(frozen=True)
class _Options:
    to: str
    policy: PolicyLike
    rounding: Rounding | str
    max_lookback_days: int
    amount: str
    currency: str
    date: str
    into: str
    dtype: OutputDtype
    rate_date: str | None = None
    real: _Real | None = None
    """Constant prices (``convert_frame``'s ``prices="constant"``), or ``None`` for current prices."""
    deflation_column: bool = False
    """Whether every partition gets a ``deflation_problem`` column (some partition has deflation problems)."""

    @property
    def columns(self) -> list[str]:
        """The input columns a conversion reads."""
        more = [self.real.donor] if self.real is not None else []
        dated = [self.rate_date] if self.rate_date is not None else []
        return list(dict.fromkeys([self.amount, self.currency, self.date, *more, *dated]))

    def convert(self, part: pd.DataFrame, tables: tuple[RateTable, ...], errors: Errors) -> pd.DataFrame:
        real = self.real
        return convert_frame(
            part,
            self.to,
            policy=self.policy,
            source=tables[0] if len(tables) == 1 else Composite(tables),
            rounding=self.rounding,
            max_lookback_days=self.max_lookback_days,
            errors=errors,
            amount=self.amount,
            currency=self.currency,
            date=self.date,
            into=self.into,
            dtype=self.dtype,
            rate_date=self.rate_date,
            prices="current" if real is None else "constant",
            base_year=None if real is None else real.base_year,
            deflator="dac" if real is None else real.deflator,
            donor="donor" if real is None else real.donor,
            allow_estimates=False if real is None else real.allow_estimates,
        )


@dataclass(frozen=True)
class _Real:
    """Constant prices: the arguments of :func:`aidtrack.frames.real.constant_prices`."""

    base_year: int
    deflator: str
    donor: str
    allow_estimates: bool

    def apply(self, conv: pd.DataFrame, errors: Errors) -> pd.DataFrame:
        return constant_prices(
            conv,
            META_KEY,
            base_year=self.base_year,
            deflator=self.deflator,
            donor=self.donor,
            allow_estimates=self.allow_estimates,
            errors=errors,
        )


def _common_attrs(out: pd.DataFrame, tables: tuple[RateTable, ...]) -> pd.DataFrame:
    """Keep only the metadata every partition shares, so the partitions' ``attrs`` agree (and survive concat).

    With a composite source the source a partition's rows used differs from partition to partition:
    every partition names the first table as ``source`` and all the tables as ``sources``.
    """
    meta = {k: v for k, v in out.attrs[META_KEY].items() if k not in _PER_PARTITION}
    meta["source"] = tables[0].info
    meta["sources"] = tuple(t.info for t in tables)
    out.attrs = {META_KEY: meta}
    return out


def _convert_partition(part: pd.DataFrame, options: _Options, errors: Errors, *tables: RateTable) -> pd.DataFrame:
    out = options.convert(part, tables, errors)
    if options.deflation_column and "deflation_problem" not in out.columns:  # as pandas: there for every row
        out["deflation_problem"] = pd.Categorical([None] * len(out))
    for column in ("problem", "deflation_problem"):
        if column in out.columns:  # one dtype for the reasons of every partition, none or some
            problem = out[column]
            reasons = pd.Index(problem.cat.categories.astype(str), dtype="str")
            out[column] = pd.Categorical.from_codes(problem.cat.codes.to_numpy(), dtype=pd.CategoricalDtype(reasons))
    return _common_attrs(out, tables)


@dataclass(frozen=True)
class _PartProblems:
    rows: int
    problems: tuple[ConversionProblem, ...]
    count: int
    deflation: tuple[tuple[int, Any, str], ...] = ()
    """Rows that could not be deflated (constant prices): position, index, reason."""


def _problems_partition(part: pd.DataFrame, options: _Options, cap: int, *tables: RateTable) -> _PartProblems:
    out = options.convert(part, tables, "coerce")
    found = _problems_in(out, cap)
    return _PartProblems(len(part), *found, _deflation_problems(out))


def _deflation_problems(out: pd.DataFrame) -> tuple[tuple[int, Any, str], ...]:
    """Every row of ``out`` with a ``deflation_problem`` (all of them, as pandas lists them all)."""
    if "deflation_problem" not in out.columns:
        return ()
    reasons = out["deflation_problem"]
    positions = reasons.notna().to_numpy().nonzero()[0]
    return tuple((p, out.index[p], str(reasons.iloc[p])) for p in positions.tolist())


def _problems_in(out: pd.DataFrame, cap: int) -> tuple[tuple[ConversionProblem, ...], int]:
    """The first ``cap`` rows of a converted partition that have a ``problem``, and how many there are."""
    if "problem" not in out.columns:
        return (), 0
    mask = out["problem"].notna().to_numpy()
    count = int(mask.sum())
    if not count:
        return (), 0
    positions = mask.nonzero()[0][:cap]
    head = out.iloc[positions]
    head.attrs = out.attrs
    rows = conversion_problems(head)  # the pandas report, for the same values and reasons
    problems = tuple(
        ConversionProblem(index, position, cur, day, reason)
        for (index, _, cur, day, reason), position in zip(
            rows.itertuples(index=False, name=None), positions.tolist(), strict=True
        )
    )
    return problems, count


def _merge_problems(parts: Sequence[_PartProblems], cap: int) -> tuple[list[ConversionProblem], int, int]:
    """The first ``cap`` problems over all partitions (positions in the whole table), their count, the rows."""
    problems: list[ConversionProblem] = []
    count = 0
    offset = 0
    for p in parts:
        for q in p.problems:
            if len(problems) < cap:
                problems.append(ConversionProblem(q.index, q.position + offset, q.currency, q.date, q.reason))
        count += p.count
        offset += p.rows
    return problems, count, offset


def _raise_for(parts: Sequence[_PartProblems], cap: int) -> None:
    """Raise as pandas would for the whole table: unconvertible rows first, then rows that do not deflate."""
    problems, count, rows = _merge_problems(parts, cap)
    if count:
        raise UnconvertibleRowsError(problems, rows=rows, count=count)
    deflation = [(index, reason) for p in parts for _, index, reason in p.deflation]
    if deflation:
        raise DeflationRowsError(deflation, rows=rows)


def _check_errors(errors: str, dtype: str, max_lookback_days: int, max_problems: int) -> None:
    check_conversion_options(errors, dtype, max_lookback_days)
    if not isinstance(max_problems, int) or max_problems < 0:
        raise InvalidArgumentError(
            "max_problems", max_problems, f"max_problems must be a whole number 0 or more, got {max_problems!r}"
        )


def _need_dask_frame(ddf: Any, what: str) -> dd.DataFrame:
    if not isinstance(ddf, dd.DataFrame):
        hint = " (for a pandas DataFrame use aidtrack.frames)" if isinstance(ddf, pd.DataFrame) else ""
        raise TypeError(f"aidtrack.dask.{what}() needs a dask DataFrame, not {type(ddf).__name__}{hint}")
    return ddf


def convert(
    ddf: dd.DataFrame,
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
    max_problems: int = MAX_PROBLEMS,
) -> dd.DataFrame:
    """Convert every row of the Dask DataFrame ``ddf`` into ``to``: :func:`~aidtrack.frames.convert.convert_frame`
    on each partition (see the module docs).

    Returns a lazy Dask DataFrame whose partitions are exactly
    ``convert_frame`` of the input partitions, with the same arguments
    (``prices="constant"``, ``base_year``, ``deflator``, ``donor`` and
    ``allow_estimates`` for constant prices; ``rate_date`` for a column of rate dates).
    ``errors="raise"`` first checks every row (one pass over the columns the
    conversion reads) and raises
    :class:`~aidtrack.frames.convert.UnconvertibleRowsError` naming the first
    ``max_problems`` rows without a result and counting all of them (then, with
    constant prices, :class:`~aidtrack.errors.DeflationRowsError` listing every
    row that could not be deflated, as pandas does);
    ``errors="coerce"`` keeps them, with missing values and a ``problem`` column
    (and, with constant prices, a ``deflation_problem`` column when any row
    of the whole table could not be deflated: that takes one pass more, to
    know before the partitions are built).
    """
    ddf = _need_dask_frame(ddf, "convert")
    _check_errors(errors, dtype, max_lookback_days, max_problems)
    real = _real_options(prices, base_year, deflator, donor, allow_estimates)
    options = _Options(
        to=target_currency(None, to),  # EUR unless given, as everywhere in aidtrack
        policy=policy,
        rounding=rounding,
        max_lookback_days=max_lookback_days,
        amount=amount,
        currency=currency,
        date=date,
        into=into,
        dtype=dtype,
        rate_date=rate_date,
        real=real,
    )
    tables = resolve_tables(source)
    # the empty meta frame goes through convert_frame too: argument and column checks, output dtypes
    _convert_partition(ddf._meta, options, errors, *tables)
    shared = [share_table(t) for t in tables]
    if errors == "raise" or real is not None:
        found = _scan(ddf, shared, options, max_problems)
        if errors == "raise":
            _raise_for(found, max_problems)
        elif any(p.deflation for p in found):
            options = dataclasses.replace(options, deflation_column=True)
    meta = _convert_partition(ddf._meta, options, errors, *tables)
    for column in ("problem", "deflation_problem"):
        if column in meta.columns:
            from dask.dataframe.utils import clear_known_categories

            meta = clear_known_categories(meta, cols=[column])  # each partition has its own reasons
    out: dd.DataFrame = ddf.map_partitions(
        _convert_partition, options, errors, *shared, meta=meta, enforce_metadata=False
    )
    return out


def _real_options(prices: str, base_year: int | None, deflator: str, donor: str, allow_estimates: bool) -> _Real | None:
    """Constant prices asked for (the arguments checked as pandas checks them), or ``None``."""
    if not check_prices(prices, base_year):
        return None
    assert base_year is not None
    return _Real(base_year, deflator, donor, allow_estimates)


def _scan(ddf: dd.DataFrame, shared: list[Any], options: _Options, cap: int) -> list[_PartProblems]:
    """Every partition's unconvertible rows (only the columns the conversion reads)."""
    parts = ddf[options.columns].to_delayed()
    return list(compute(*[delayed(_problems_partition)(p, options, cap, *shared) for p in parts]))


def conversion_problems_of(ddf: dd.DataFrame, *, max_problems: int = MAX_PROBLEMS) -> pd.DataFrame:
    """The rows of a frame converted with ``errors="coerce"`` that have no result, as a pandas report.

    Columns ``index, position, currency, date, reason`` as for
    :func:`aidtrack.frames.convert.conversion_problems`, with ``position`` in
    the whole table; at most ``max_problems`` rows (``attrs["count"]`` counts them all).
    """
    ddf = _need_dask_frame(ddf, "conversion_problems_of")
    meta = ddf._meta.attrs.get(META_KEY)
    if not isinstance(meta, dict) or meta.get("converted") not in ddf.columns:
        raise InvalidFrameError(
            "this Dask DataFrame is not the result of aidtrack.dask.convert (no conversion metadata, or its "
            "result column is gone)"
        )
    found = compute(*[delayed(_report_partition)(p, max_problems) for p in ddf.to_delayed()])
    problems, count, _ = _merge_problems(found, max_problems)
    report = UnconvertibleRowsError(problems, rows=0).report()
    report.attrs["count"] = count
    return report


def _report_partition(part: pd.DataFrame, cap: int) -> _PartProblems:
    found = _problems_in(part, cap)
    return _PartProblems(len(part), *found)


# ---------------------------------------------------------------------------
# Totals


_FITS = 2**62
"""Sums below this in magnitude are kept as int64 (two of them add without overflow); others as Python ints."""


def _exact_ints(values: list[int]) -> np.ndarray[Any, Any]:
    """``values`` as int64 where every one fits below :data:`_FITS`, else as Python ints (an object array)."""
    if not values or (min(values) > -_FITS and max(values) < _FITS):
        return np.array(values, dtype=np.int64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _largest(values: np.ndarray[Any, Any]) -> int:
    return max(int(values.max()), -int(values.min())) if len(values) else 0


@dataclass(frozen=True)
class _Sums:
    """A partition's :class:`~aidtrack.frames.aggregate.PartialTotals` as columns: what a worker keeps (and sends)
    until the sums are combined.

    A ``PartialTotals`` holds a dict entry, a tuple and a list of Python ints per group, about 240 bytes
    (3.3 MB for the 13,500 donor x year groups of a 100,000-row partition), and a worker holds several of
    them before they are combined. Here each key's distinct labels are kept once and the groups as
    arrays of codes and sums: a fifth of that. :meth:`combine` gives what ``PartialTotals.combine``
    gives, group for group, in the same order; the sums stay exact (int64 while they fit with room to
    add, Python integers beyond).
    """

    keys: tuple[str, ...]
    currency: str
    policy: str
    source: SourceInfo | None
    labels: tuple[tuple[Any, ...], ...]
    """Per key, its distinct labels."""
    codes: np.ndarray[Any, Any]
    """Per group (row) and key (column), the position of its label in ``labels``."""
    totals: np.ndarray[Any, Any]
    counts: np.ndarray[Any, Any]
    bounds: np.ndarray[Any, Any]
    firsts: np.ndarray[Any, Any]
    rows: int
    bound_rows: int
    ordered: bool

    @classmethod
    def of(cls, partial: PartialTotals) -> _Sums:
        groups = partial.groups
        codes = np.zeros((len(groups), len(partial.keys)), dtype=np.int64)
        labels: list[tuple[Any, ...]] = []
        for j in range(len(partial.keys)):
            index: dict[Any, int] = {}
            codes[:, j] = [index.setdefault(label[j], len(index)) for label in groups]
            labels.append(tuple(index))
        values = list(groups.values())
        return cls(
            partial.keys,
            partial.currency,
            partial.policy,
            partial.source,
            tuple(labels),
            codes,
            _exact_ints([v[0] for v in values]),
            np.array([v[1] for v in values], dtype=np.int64),
            np.array([v[2] for v in values], dtype=np.int64),
            np.array([v[3] for v in values], dtype=np.int64),
            partial.rows,
            partial.bound_rows,
            partial.ordered,
        )

    def partial(self) -> PartialTotals:
        """The :class:`~aidtrack.frames.aggregate.PartialTotals` these columns stand for (groups in their order)."""
        columns = [[self.labels[j][c] for c in self.codes[:, j].tolist()] for j in range(len(self.keys))]
        names = list(zip(*columns, strict=True)) if columns else [()] * len(self.codes)
        columns_of_sums = (self.totals, self.counts, self.bounds, self.firsts)
        values = zip(*(c.tolist() for c in columns_of_sums), strict=True)
        groups = {name: list(v) for name, v in zip(names, values, strict=True)}
        return PartialTotals(
            self.keys, self.currency, self.policy, self.source, groups, self.rows, self.bound_rows, self.ordered
        )

    def combine(self, other: _Sums) -> _Sums:
        """These rows followed by ``other``'s, summed exactly, as ``PartialTotals.combine`` (neither is changed)."""
        if (other.keys, other.currency, other.policy) != (self.keys, self.currency, self.policy):
            self.partial().combine(other.partial())  # raises the error that names both
        if not other.rows:
            return self
        if not self.rows:
            return other
        width = len(self.keys)
        labels: list[tuple[Any, ...]] = []
        theirs = np.zeros_like(other.codes)
        for j in range(width):
            index = {label: k for k, label in enumerate(self.labels[j])}
            remap = np.array([index.setdefault(label, len(index)) for label in other.labels[j]], dtype=np.int64)
            theirs[:, j] = remap.take(other.codes[:, j])
            labels.append(tuple(index))
        if width:  # where each of other's groups is among these (-1: a new group)
            mine = pd.MultiIndex.from_arrays(list(self.codes.T))
            at = mine.get_indexer(pd.MultiIndex.from_arrays(list(theirs.T)))
        else:  # no keys: one group at most on each side
            at = np.zeros(len(other.codes), dtype=np.int64) if len(self.codes) else np.full(len(other.codes), -1)
        hit = at >= 0
        new = ~hit
        ours = at[hit]
        totals = self.totals
        if (
            totals.dtype != object
            and other.totals.dtype != object
            and max(_largest(totals), _largest(other.totals)) < _FITS
        ):
            totals = totals.copy()
            totals[ours] += other.totals[hit]
            if len(totals) and _largest(totals) >= _FITS:  # room to add again: beyond, Python integers
                totals = _exact_ints(totals.tolist())
            added = other.totals[new]
        else:
            totals = _exact_ints(totals.tolist()).astype(object)
            totals[ours] += other.totals[hit].astype(object)
            added = other.totals[new].astype(object)
        counts = self.counts.copy()
        counts[ours] += other.counts[hit]
        bounds = self.bounds.copy()
        bounds[ours] += other.bounds[hit]
        return _Sums(
            self.keys,
            self.currency,
            self.policy,
            self.source if self.source is not None else other.source,
            tuple(labels),
            np.concatenate([self.codes, theirs[new]]),
            np.concatenate([totals, added]),
            np.concatenate([counts, other.counts[new]]),
            np.concatenate([bounds, other.bounds[new]]),
            np.concatenate([self.firsts, other.firsts[new] + self.rows]),
            self.rows + other.rows,
            self.bound_rows + other.bound_rows,
            False,
        )


@dataclass(frozen=True)
class _PartTotals:
    rows: int
    partial: _Sums | None
    problems: tuple[ConversionProblem, ...]
    count: int
    used: frozenset[SourceInfo] = frozenset()
    """The tables (of a composite source) whose rates the rows used."""
    deflation: tuple[tuple[int, Any, str], ...] = ()
    """Rows that could not be deflated (constant prices): position in the partition(s), index, reason."""


def _totals_partition(
    part: pd.DataFrame,
    options: _Options | None,
    real: _Real | None,
    keys: list[str],
    cap: int,
    *tables: RateTable,
) -> _PartTotals:
    if options is None:  # already converted by aidtrack.dask.convert
        conv = part
    else:
        conv = options.convert(part, tables, "coerce")
        if _beyond_floats(conv):  # as aidtrack.frames.aggregate.prepare: exact Decimals where floats cannot hold
            conv = dataclasses.replace(options, dtype="decimal").convert(part, tables, "coerce")
    del part  # only the converted rows from here on
    meta = conv.attrs[META_KEY]
    used = frozenset(meta.get("sources", (meta["source"],))) if len(conv) else frozenset()
    problems, count = _problems_in(conv, cap)
    missing = conv[meta["converted"]].isna().to_numpy()
    if missing.any():
        if not count:  # converted with errors="raise" yet missing: the frame was changed after converting
            count = int(missing.sum())
            problems = tuple(
                ConversionProblem(conv.index[i], i, None, None, "no converted amount")
                for i in missing.nonzero()[0][:cap].tolist()
            )
        return _PartTotals(len(conv), None, problems, count)  # the whole computation raises: no sums needed
    if real is not None:  # as pandas totals: each row in base-year prices, then summed exactly
        conv = real.apply(conv.drop(columns=["problem"], errors="ignore"), "coerce")
        deflation = _deflation_problems(conv)
        if deflation:
            return _PartTotals(len(conv), None, (), 0, used, deflation)
        conv.attrs[META_KEY] = {**conv.attrs[META_KEY], "converted": "constant"}
    return _PartTotals(len(conv), _Sums.of(partial_totals(conv, keys)), problems, count, used)


def _beyond_floats(conv: pd.DataFrame) -> bool:
    """Whether a float column cannot hold every result to the minor unit (the pandas totals then use Decimals)."""
    from aidtrack.currency import minor_units

    meta = conv.attrs[META_KEY]
    values = conv[meta["converted"]].to_numpy(dtype=np.float64)
    if not len(values) or np.isnan(values).all():
        return False
    return bool(float(np.nanmax(np.abs(values))) * 10 ** minor_units(meta["to"]) >= 2.0**50)


def totals(
    ddf: dd.DataFrame,
    to: str | None = None,
    by: GroupKey | str | Sequence[str] | None = "donor",
    *,
    policy: PolicyLike | None = None,
    source: SourceLike | None = None,
    rounding: Rounding | str | None = None,
    sort: Literal["keys", "total"] = "keys",
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
    amount: str = "amount",
    currency: str = "currency",
    date: str = "date",
    rate_date: str | None = None,
    prices: Prices = "current",
    base_year: int | None = None,
    deflator: str = "dac",
    share_of: Literal["gdp", "gni"] | None = None,
    denominator_year: DenominatorYear | None = None,
    per_capita: bool = False,
    allow_estimates: bool = False,
    max_problems: int = MAX_PROBLEMS,
) -> pd.DataFrame:
    """Total ``ddf`` in ``to`` by ``by``: :func:`aidtrack.frames.aggregate.totals` of the whole table, computed
    partition by partition and combined exactly.

    Arguments and result as for the pandas function (a pandas DataFrame with
    the group keys, ``currency``, ``total`` as ``Decimal``, ``count``,
    ``bound_count``, and ``attrs`` holding ``currency``, ``policy``,
    ``grand_total``, ``source``, ``count``, ``bound_count``), real terms
    included: ``prices="constant", base_year=2024, deflator="dac"`` deflates
    every row on its partition before the exact sums; ``share_of=``,
    ``denominator_year=`` and ``per_capita=`` are applied to the (small)
    totals table, as pandas applies them. ``rate_date`` names a column of
    rate dates (as for :func:`~aidtrack.frames.convert.convert_frame`: the
    totals are those of the frame converted with it). ``ddf`` is the raw table
    (converted in the same pass, never held in memory whole) or the result of
    :func:`convert`. Rows without a result raise
    :class:`~aidtrack.frames.convert.UnconvertibleRowsError` (the first
    ``max_problems`` listed, all counted); with constant prices, rows that
    cannot be deflated raise :class:`~aidtrack.errors.DeflationRowsError`
    listing them all, as pandas does.
    """
    ddf = _need_dask_frame(ddf, "totals")
    keys = group_keys(by)
    if sort not in ("keys", "total"):
        raise InvalidArgumentError("sort", sort, f"sort must be 'keys' or 'total', got {sort!r}")
    _check_errors("raise", "float", max_lookback_days, max_problems)
    real = _real_options(prices, base_year, deflator, "donor", allow_estimates)
    if (share_of is not None or per_capita) and denominator_year is None:
        raise InvalidArgumentError(
            "denominator_year", None, "a share or per-capita figure needs denominator_year=<year> (e.g. 2021) or 'same'"
        )
    meta = ddf._meta.attrs.get(META_KEY)
    shared: list[Any] = []
    tables: tuple[RateTable, ...] = ()
    options: _Options | None = None
    if isinstance(meta, dict) and meta.get("converted") in ddf.columns:
        from aidtrack.frames.aggregate import prepare

        prepare(ddf._meta, to, policy=policy, rounding=rounding)  # the same checks as pandas: no silent re-conversion
        for key in keys:
            if key not in ("day", "week", "month", "quarter", "year") and key not in ddf.columns:
                raise InvalidFrameError(f"cannot group by {key!r}: the frame has no {key!r} column", columns=[key])
    else:
        options = _Options(
            to="EUR" if to is None else to,
            policy="daily" if policy is None else policy,
            rounding=Rounding.HALF_EVEN if rounding is None else rounding,
            max_lookback_days=max_lookback_days,
            amount=amount,
            currency=currency,
            date=date,
            into="converted",
            dtype="float",
            rate_date=rate_date,
        )
        tables = resolve_tables(source)
        empty = _convert_partition(ddf._meta, options, "coerce", *tables)  # argument and column checks
        if real is not None:
            empty = real.apply(empty.drop(columns=["problem"]), "coerce")  # the donor column exists
        partial_totals(empty.drop(columns=["problem"], errors="ignore"), keys)  # grouping keys exist
        shared = [share_table(t) for t in tables]
        needed = [k for k in keys if k not in ("day", "week", "month", "quarter", "year")]
        bound = ["qualifier"] if "qualifier" in ddf.columns else []
        donor = ["donor"] if real is not None else []
        cols = list(dict.fromkeys([*options.columns, *needed, *bound, *donor]))
        ddf = ddf[cols]  # read only what the totals need (parquet: column pruning)
    parts = [delayed(_totals_partition)(p, options, real, keys, max_problems, *shared) for p in ddf.to_delayed()]
    while len(parts) > 1:  # a tree of combines, in partition order: memory stays bounded whatever the partitions
        parts = [
            delayed(_combine_parts)(max_problems, *parts[i : i + _SPLIT_EVERY])
            for i in range(0, len(parts), _SPLIT_EVERY)
        ]
    (found,) = compute(*parts)
    if found.count:
        raise UnconvertibleRowsError(list(found.problems), rows=found.rows, count=found.count)
    if found.deflation:
        raise DeflationRowsError([(index, reason) for _, index, reason in found.deflation], rows=found.rows)
    assert found.partial is not None
    frame = totals_from_partials([found.partial.partial()], sort=sort)
    if tables and found.rows:  # as pandas: the first table, in priority order, that priced any row
        frame.attrs["source"] = next((t.info for t in tables if t.info in found.used), tables[0].info)
    return finish_totals(
        frame,
        constant=(real.base_year, real.deflator) if real is not None else None,
        share_of=share_of,
        denominator_year=denominator_year,
        per_capita=per_capita,
        allow_estimates=allow_estimates,
    )


_SPLIT_EVERY = 8
"""How many consecutive partitions' sums one combine task adds."""


def _combine_parts(cap: int, *parts: _PartTotals) -> _PartTotals:
    """Consecutive partitions' results as one: sums added exactly, problems kept in order (positions shifted)."""
    problems: list[ConversionProblem] = []
    deflation: list[tuple[int, Any, str]] = []
    count = 0
    rows = 0
    partial: _Sums | None = None
    used: frozenset[SourceInfo] = frozenset()
    for p in parts:
        used |= p.used
        for q in p.problems:
            if len(problems) < cap:
                problems.append(ConversionProblem(q.index, q.position + rows, q.currency, q.date, q.reason))
        count += p.count
        deflation += [(position + rows, index, reason) for position, index, reason in p.deflation]
        if not count and not deflation and p.partial is not None:
            partial = p.partial if partial is None else partial.combine(p.partial)
        rows += p.rows
    failed = count or deflation
    return _PartTotals(rows, None if failed else partial, tuple(problems), count, used, tuple(deflation))


def grand_total(
    ddf: dd.DataFrame,
    to: str | None = None,
    *,
    policy: PolicyLike | None = None,
    source: SourceLike | None = None,
    rounding: Rounding | str | None = None,
    **kwargs: Any,
) -> Money:
    """The sum of all the converted (rounded) amounts of ``ddf`` in ``to``, exact (see :func:`totals`)."""
    frame = totals(ddf, to, None, policy=policy, source=source, rounding=rounding, **kwargs)
    grand: Money = frame.attrs["grand_total"]
    return grand
