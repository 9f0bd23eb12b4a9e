"""Private to :mod:`aidtrack.files`: one pipeline from a file's raw cells to pledges or a checked frame.

Each format's reader (CSV in :mod:`~aidtrack.files.csvfile`, Excel, JSON records and Parquet in
:mod:`~aidtrack.files.formats`) turns its file into a :class:`RawTable` (header text, cells as
text, a location per row); everything after that is shared, so every format applies the same
rules (those of :mod:`aidtrack.tabular`): header matching and ``columns=``, the decimal
separator, ``date_format``, one header problem, every bad row with its location.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

import numpy as np

from aidtrack._record import whole_text
from aidtrack.errors import AidtrackError, HeaderProblem, InvalidArgumentError, PledgeFileError, RowProblem
from aidtrack.frames.rows import FRAME_COLUMNS, LocatedRowProblem
from aidtrack.tabular import (
    DATE_COLUMNS,
    amount_text,
    date_text,
    detect_decimal,
    is_blank,
    pledge_from_row,
    resolve_header,
)

if TYPE_CHECKING:
    import pandas as pd

    from aidtrack.pledge import Pledge

__all__ = [
    "Column",
    "Errors",
    "Prepared",
    "RawTable",
    "column_of",
    "prepare",
    "to_frame",
    "to_frame_by_row",
    "to_pledge_frame",
    "to_pledges",
    "to_pledges_by_row",
]

Errors = Literal["raise", "coerce"]


@dataclass
class Column:
    """One column of a table, dictionary-encoded: each row's value is ``uniques[codes[row]]``.

    Every check that depends on the value alone runs once per distinct value.
    """

    codes: np.ndarray[Any, np.dtype[np.intp]]
    uniques: list[str | None]
    arrow: Any = None  # the uniques as a pyarrow string array, when the reader has one (checks run on it in bulk)

    def value(self, pos: int) -> str | None:
        found: str | None = self.uniques[self.codes[pos]]
        return found

    def with_uniques(self, uniques: list[str | None]) -> Column:
        return Column(self.codes, uniques)


def column_of(values: Sequence[str | None]) -> Column:
    """A column of text cells (``None`` for empty ones), dictionary-encoded."""
    import pandas as pd

    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    codes, found = pd.factorize(cells)
    uniques: list[str | None] = list(found.tolist())
    codes = codes.astype(np.intp, copy=False)
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(uniques), codes)
        uniques.append(None)
    return Column(codes, uniques)


@dataclass
class RawTable:
    """A file's cells as text (``None`` for an empty cell), before any checking.

    A reader gives the cells row by row (``rows``) or, faster, column by column (``columns``,
    one :class:`Column` per header cell, with ``rows`` left empty).
    """

    where: str  # the file, for messages
    header: list[str]
    rows: list[list[str | None]]
    lines: list[int]  # per row: the line (CSV) or row number (Excel, Parquet) or record number (JSON)
    unit: str = "line"  # "line": CSV, reported as "line N"; else the location is f"{unit} {n}"
    header_location: str = "line 1"
    context: str = ""  # how the file was read (the CSV delimiter), for the header message
    row_errors: dict[int, str] = field(default_factory=dict)  # position -> why the row could not be read
    unguard: bool = False  # CSV: the free-text columns carry the formula guard
    strip: bool = True  # CSV: fields other than free text are stripped
    empty_rows: Literal["problem", "skip"] = "problem"
    ambiguous: bool = False  # decimal separator unknown and the file's convention is the decimal comma
    columns: dict[int, Column] = field(default_factory=dict)  # header position -> its cells
    arrow: dict[int, Any] = field(default_factory=dict)  # header position -> its cells as a pyarrow string array

    def __len__(self) -> int:
        return len(self.lines)

    def column(self, j: int, *, distinct: bool = True) -> Column:
        """The cells under header position ``j`` (``None`` where a row is shorter).

        ``distinct=False`` (a column whose values are mostly distinct, the amounts) skips
        finding the distinct values: each row is its own entry.
        """
        if j not in self.columns:
            if j in self.arrow:
                cells = self.arrow[j].combine_chunks()
                if distinct:
                    encoded = cells.dictionary_encode()
                    self.columns[j] = Column(np.asarray(encoded.indices), encoded.dictionary.to_pylist())
                else:
                    self.columns[j] = Column(np.arange(len(cells), dtype=np.intp), cells.to_pylist(), cells)
            elif distinct:
                self.columns[j] = column_of([r[j] if j < len(r) else None for r in self.rows])
            else:
                values = [r[j] if j < len(r) else None for r in self.rows]
                self.columns[j] = Column(np.arange(len(values), dtype=np.intp), values)
        return self.columns[j]

    def cell(self, pos: int, j: int) -> str | None:
        if self.rows:
            cells = self.rows[pos]
            return cells[j] if j < len(cells) else None
        return self.column(j).value(pos)

    def problem(self, pos: int, reason: str) -> RowProblem:
        n = self.lines[pos]
        if self.unit == "line":
            return RowProblem(n, reason)
        return LocatedRowProblem(n, reason, f"{self.unit} {n}")


@dataclass
class Prepared:
    """The rows of a :class:`RawTable` under their canonical column names, amounts and dates normalised."""

    table: RawTable
    names: list[str]  # canonical columns present, in the file's order
    columns: dict[str, Column]  # name -> the prepared cells (amount and dates normalised)
    dead: np.ndarray[Any, np.dtype[np.bool_]]  # rows that are bad (or skipped) before any pledge check
    problems: dict[int, str]  # position -> reason
    decimal: str | None
    decimal_note: str
    keep: list[tuple[int, str]]  # (header position, canonical name) of each column read
    amount_problems: dict[int, str] = field(default_factory=dict)  # position -> why the amount cannot be read
    plain_amounts: bool = False  # every amount is empty or plain digits (at most one point), read as written

    def __len__(self) -> int:
        return len(self.dead)

    def row(self, pos: int) -> dict[str, str | None] | None:
        """One prepared row as a dict of column to text; ``None`` for a bad row."""
        if self.dead[pos]:
            return None
        return {name: self.columns[name].value(pos) for name in self.names}


def prepare(
    table: RawTable,
    *,
    columns: Mapping[str, str | None] | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    passthrough: Sequence[str] = (),
) -> Prepared:
    """Check the header (one problem, raised) and normalise every row's amount and dates.

    Column by column: amounts and dates are normalised once per distinct value.
    """
    if decimal not in (None, ",", "."):
        raise InvalidArgumentError(
            "decimal", decimal, f"decimal must be ',' or '.' (or None to detect), got {decimal!r}"
        )
    resolved, header_problem = resolve_header(
        table.header, FRAME_COLUMNS, columns, passthrough=passthrough, context=table.context
    )
    if header_problem:
        raise PledgeFileError(table.where, [HeaderProblem(1, header_problem, table.header_location)])
    keep = [(j, name) for j, name in enumerate(resolved) if name is not None]
    names = [name for _, name in keep]
    cols = {name: table.column(j, distinct=name != "amount") for j, name in keep}
    note = " (decimal separator given)"
    plain = _plain(cols["amount"].uniques, cols["amount"].arrow)
    if decimal is None:
        try:
            if plain:  # what detect_decimal finds in such a column, without reading every value
                decimal = next(("." for v in _with_point(cols["amount"]) if not _one_dot(v)), None)
            else:
                decimal = detect_decimal(cols["amount"].uniques)  # distinct values, in order of appearance
        except InvalidArgumentError as exc:
            raise PledgeFileError(table.where, [HeaderProblem(1, str(exc), "column 'amount'")]) from None
        if decimal is not None:
            note = f" (decimal separator {decimal!r} detected from the amounts; force another with decimal=)"
        elif not table.ambiguous:
            decimal = "."
            note = ""
        else:
            note = ""
    n = len(table)
    problems: dict[int, str] = {}
    dead = np.zeros(n, dtype=bool)
    for pos in sorted(table.row_errors):
        problems[pos] = table.row_errors[pos]
        dead[pos] = True
    blank = np.ones(n, dtype=bool)
    for name, col in sorted(cols.items(), key=lambda item: item[0] == "amount"):  # the amounts (mostly distinct) last
        if not blank.any():
            break
        if name == "amount" and plain:
            blank &= np.array([not v for v in col.uniques], dtype=bool)[col.codes]
        else:
            blank &= np.array([is_blank(v) for v in col.uniques], dtype=bool)[col.codes]
    empty = blank & ~dead
    if table.empty_rows == "problem":
        for pos in np.flatnonzero(empty).tolist():
            problems[pos] = "empty row (every field blank)"
    dead |= empty
    # amounts: a bad one is noted, and a stand-in lets the row's other problems be found too
    amounts = cols["amount"]
    texts: list[str | None] = []
    bad: dict[int, str] = {}
    plain = plain and decimal == "."  # then amount_text leaves every amount as it is
    for k, value in enumerate(() if plain else amounts.uniques):
        if value is not None and value.strip():
            try:
                texts.append(amount_text(value, decimal))
            except ValueError as exc:
                bad[k] = f"{exc}{note}"
                texts.append("1")
        else:
            texts.append(value)
    if not plain:
        cols["amount"] = amounts.with_uniques(texts)
    amount_problems: dict[int, str] = {}
    if bad:
        flagged = np.zeros(len(texts), dtype=bool)
        flagged[list(bad)] = True
        for pos in np.flatnonzero(flagged[amounts.codes] & ~dead).tolist():
            amount_problems[pos] = bad[int(amounts.codes[pos])]
    for name in [n for n in names if n in DATE_COLUMNS]:  # in the file's order: the first bad date is reported
        col = cols[name]
        dates: list[str | None] = []
        wrong: dict[int, str] = {}
        for k, value in enumerate(col.uniques):
            if value is not None and value.strip():
                try:
                    dates.append(date_text(value, date_format, column=name))
                except ValueError as exc:
                    wrong[k] = str(exc)
                    dates.append(value)
            else:
                dates.append(value)
        cols[name] = col.with_uniques(dates)
        if wrong:
            flagged = np.zeros(len(dates), dtype=bool)
            flagged[list(wrong)] = True
            hit = flagged[col.codes] & ~dead
            for pos in np.flatnonzero(hit).tolist():
                problems[pos] = wrong[int(col.codes[pos])]
            dead |= hit
    problems = dict(sorted(problems.items()))
    return Prepared(table, names, cols, dead, problems, decimal, note, keep, amount_problems, plain)


def _row_pledge(prep: Prepared, pos: int, row: dict[str, str | None]) -> Pledge | str:
    """The pledge of one prepared row, or the reason it is bad: the per-row check every fast path falls back on."""
    table = prep.table
    try:
        data = dict(row)
        given_id = data.pop("id", None)
        for name in [k for k in data if k not in FRAME_COLUMNS]:
            del data[name]
        pledge = pledge_from_row(data, unguard=table.unguard, strip=table.strip)
        if given_id is not None and given_id.strip() and given_id.strip() != pledge.id:
            raise ValueError(
                f"id {given_id!r} does not match the row's content (its id is {pledge.id!r}); "
                "drop the id column to accept edited rows"
            )
    except (AidtrackError, ValueError) as exc:
        amount = prep.amount_problems.get(pos)
        return f"{amount}; {exc}" if amount else str(exc)
    if pos in prep.amount_problems:
        return prep.amount_problems[pos]
    return pledge


def to_pledges_by_row(prep: Prepared, errors: Errors) -> tuple[list[Pledge], list[RowProblem]]:
    """:func:`to_pledges` one row at a time, through the full validation of every row (the reference path)."""
    pledges: list[Pledge] = []
    problems: dict[int, str] = dict(prep.problems)
    for pos in range(len(prep)):
        row = prep.row(pos)
        if row is None:
            continue
        result = _row_pledge(prep, pos, row)
        if isinstance(result, str):
            problems[pos] = result
        else:
            pledges.append(result)
    return pledges, _report(prep, problems, errors)


def _report(prep: Prepared, problems: dict[int, str], errors: Errors) -> list[RowProblem]:
    report = [prep.table.problem(pos, problems[pos]) for pos in sorted(problems)]
    if report and errors == "raise":
        raise PledgeFileError(prep.table.where, report)
    return report


_T = TypeVar("_T")


class Once(Generic[_T]):
    """A value made on first use, once, however many threads ask at the same time; the maker is let go after."""

    __slots__ = ("_lock", "_make", "_value")

    def __init__(self, make: Callable[[], _T]) -> None:
        self._make: Callable[[], _T] | None = make
        self._value: _T | None = None
        self._lock = threading.Lock()

    @property
    def made(self) -> bool:
        return self._make is None

    def get(self) -> _T:
        if self._make is not None:
            with self._lock:
                if self._make is not None:
                    self._value, self._make = self._make(), None  # the value first: a reader that sees no maker
        return cast(_T, self._value)


def to_pledges(prep: Prepared, errors: Errors) -> tuple[list[Pledge], list[RowProblem]]:
    """One pledge per good row; every bad row as a located problem (raised unless ``errors="coerce"``).

    Checked column by column (:class:`_Checked`); a row that fails there goes through the
    full per-row validation, so its reason is exactly the one :func:`to_pledges_by_row` gives.
    """
    _, records, report, _ = to_pledges_and_frame(prep, errors)
    return records(), report


def to_pledges_and_frame(
    prep: Prepared, errors: Errors
) -> tuple[int, Callable[[], list[Pledge]], list[RowProblem], Callable[[], pd.DataFrame]]:
    """:func:`to_pledges` with the records still to be built: ``(number of good rows, a function that builds
    their records, the bad rows' problems, a function that builds the records' frame)``.

    Every row is checked here, and the problems reported (or raised) here; the functions only
    build. The frame function gives what :func:`~aidtrack.frames.rows.pledges_to_frame` makes of
    the records (the ``id`` column too), column by column as :func:`to_pledge_frame` does, without
    the records and without a ``Pledge``'s ``id`` computed one by one: ``read_pledges(path).to_frame()``
    and ``totals(read_pledges(path))`` take it.
    """
    checked, problems, rescued = _check_rows(prep)
    report = _report(prep, problems, errors)
    count = int(np.count_nonzero(checked.ok)) + len(rescued)
    # a row the column checks refused but the full check took: the frame is made of the records, built once for
    # both functions
    shared = Once(lambda: _records(checked, rescued)) if rescued else None

    def records() -> list[Pledge]:
        pledges = _records(checked, rescued) if shared is None else list(shared.get())  # a list of the caller's own
        assert len(pledges) == count
        return pledges

    def frame() -> pd.DataFrame:
        from aidtrack.frames.rows import pledges_to_frame

        return checked.frame() if shared is None else pledges_to_frame(shared.get())

    return count, records, report, frame


def _check_rows(prep: Prepared) -> tuple[_Checked, dict[int, str], dict[int, Pledge]]:
    """The column checks, then the full per-row validation of the rows they refuse: ``(checked, reasons of
    the bad rows by position, pledges of the rows the full check took)``."""
    checked = _Checked(prep)
    problems: dict[int, str] = dict(prep.problems)
    rescued: dict[int, Pledge] = {}
    for pos in checked.slow_rows():
        row = prep.row(pos)
        assert row is not None
        result = _row_pledge(prep, pos, row)
        if isinstance(result, str):
            problems[pos] = result
        else:
            rescued[pos] = result
    return checked, problems, rescued


def _records(checked: _Checked, rescued: dict[int, Pledge]) -> list[Pledge]:
    """The records of the rows the column checks took, with the rescued rows in their places."""
    pledges = checked.records()
    if rescued:
        positions = np.flatnonzero(checked.ok).tolist()
        merged = dict(zip(positions, pledges, strict=True))
        merged.update(rescued)
        pledges = [merged[pos] for pos in sorted(merged)]
    return pledges


def to_pledge_frame(prep: Prepared, errors: Errors) -> tuple[pd.DataFrame, list[RowProblem]]:
    """The good rows as a pledge frame (that of :func:`~aidtrack.frames.rows.pledges_to_frame`), built
    column by column without making a ``Pledge`` per row; every bad row as a located problem."""
    _, _, report, frame = to_pledges_and_frame(prep, errors)
    return frame(), report


_SAMPLE = {"donor": "X", "date": "2000-01-01", "amount": "1", "currency": "EUR"}
_MISC = ("currency", "category", "measure", "qualifier", "recipient", "rate_date")
_FIELD_ORDER = (
    "donor",
    "announced",
    "amount",
    "rate_date",
    "category",
    "measure",
    "qualifier",
    "recipient",
    "period",
    "source",
    "notes",
)


def _combine(
    codes: list[tuple[np.ndarray[Any, np.dtype[np.intp]], int]], n: int
) -> tuple[np.ndarray[Any, np.dtype[np.intp]], np.ndarray[Any, Any]]:
    """Codes of the distinct combinations of several coded columns (codes, number of codes), and the first
    row of each combination."""
    import pandas as pd

    key = np.zeros(n, dtype=np.int64)
    bound = 1  # every key is below this
    for part, size in codes:
        if size <= 1:
            continue  # one value: it splits nothing
        if bound * size >= 1 << 62:
            key = pd.factorize(key)[0].astype(np.int64)  # renumbered 0..k-1: the key stays small
            bound = int(key.max()) + 1 if n else 1
        key = key * size + part
        bound *= size
    if bound > 1:
        key = pd.factorize(key)[0].astype(np.int64)  # 0..k-1 in order of first appearance
    # codes in order of first appearance: a row is the first of its combination where the running maximum grows
    if not n:
        return key.astype(np.intp), np.zeros(0, dtype=np.intp)
    top = np.maximum.accumulate(key)
    first = np.flatnonzero(np.concatenate(([True], top[1:] > top[:-1])))
    return key.astype(np.intp), first


class _Checked:
    """Every row of a :class:`Prepared` checked column by column.

    A pledge's fields are validated independently of one another (pydantic checks each
    field alone; the only checks across fields sit inside the donor, the period and the
    source). So each group of fields is validated once per distinct value, by the very
    validators of :class:`~aidtrack.pledge.Pledge` (or :func:`~aidtrack.tabular.pledge_from_row`
    on a sample row), and a row is good when every one of its groups is. A row that fails
    any check is left to the per-row path (:meth:`slow_rows`), which says why in its own words.
    """

    def __init__(self, prep: Prepared) -> None:
        from aidtrack.pledge import DateRange, Donor, SourceRef
        from aidtrack.tabular import field_text

        self.prep = prep
        table = prep.table
        n = len(prep)
        self.n = n
        unguard, strip = table.unguard, table.strip
        cols = prep.columns

        def text(name: str, value: str | None) -> str | None:
            return field_text(name, value, unguard=unguard, strip=strip)

        def get(name: str) -> Column:
            return cols[name] if name in cols else Column(np.zeros(n, dtype=np.intp), [None])

        ok = ~prep.dead
        if prep.amount_problems:
            ok[list(prep.amount_problems)] = False
        # amounts, once per distinct text: exact Decimal from the text, greater than zero
        self.amount = get("amount")
        if prep.plain_amounts:
            self.decimals, good = _plain_amounts(self.amount)
        else:
            self.decimals, good = _amounts([text("amount", v) for v in self.amount.uniques])
        ok &= good[self.amount.codes]
        # the date, once per distinct date
        self.date = get("date")
        self.days: list[date | None] = []
        for value in self.date.uniques:
            self.days.append(_day(text("date", value), "announced date"))
        ok &= np.array([d is not None for d in self.days], dtype=bool)[self.date.codes]
        # the groups of fields validated together
        self.groups: dict[str, tuple[np.ndarray[Any, np.dtype[np.intp]], list[Any]]] = {}

        def group(name: str, members: tuple[str, ...], check: Callable[[list[str | None]], Any]) -> None:
            nonlocal ok
            codes, first = _combine([(get(m).codes, len(get(m).uniques)) for m in members], n)
            parts: list[Any] = []
            good = np.ones(len(first), dtype=bool)
            for k, pos in enumerate(first.tolist()):
                try:
                    parts.append(check([get(m).value(pos) for m in members]))
                except (AidtrackError, ValueError):
                    parts.append(None)
                    good[k] = False
            ok &= good[codes]
            self.groups[name] = (codes, parts)

        def donor(values: list[str | None]) -> Donor:
            name = text("donor", values[0])
            if name is None:
                raise ValueError("empty required field: donor")
            return Donor.model_validate({"name": name, "country": text("country", values[1])})

        def period(values: list[str | None]) -> DateRange | None:
            start, end = text("period_start", values[0]), text("period_end", values[1])
            if start is None and end is None:
                return None
            if start is None or end is None:
                raise ValueError("period_start and period_end must be given together")
            return DateRange.model_validate({"start": start, "end": end})

        def source(values: list[str | None]) -> SourceRef | None:
            ref = {
                "url": text("source", values[0]),
                "title": text("source_title", values[1]),
                "publisher": text("source_publisher", values[2]),
            }
            return SourceRef.model_validate(ref) if any(v is not None for v in ref.values()) else None

        def misc(values: list[str | None]) -> tuple[dict[str, Any], frozenset[str]]:
            sample: dict[str, str | None] = dict(_SAMPLE)
            sample.update(zip(_MISC, values, strict=True))
            pledge = pledge_from_row(sample, unguard=unguard, strip=strip)
            given = frozenset(m for m, v in zip(_MISC, values, strict=True) if m != "currency" and text(m, v))
            fields = {"currency": pledge.amount.currency, **{m: getattr(pledge, m) for m in _MISC[1:]}}
            return fields, given

        group("donor", ("donor", "country"), donor)
        group("period", ("period_start", "period_end"), period)
        group("source", ("source", "source_title", "source_publisher"), source)
        group("misc", _MISC, misc)
        # notes: free text, wrong only with a lone surrogate (UTF-8 cannot hold it: the row is left to the per-row
        # check, which says so); a blank one is no note
        self.notes = get("notes")
        self.note_values: list[str | None] = []
        self.note_given: list[bool] = []
        whole = np.ones(len(self.notes.uniques), dtype=bool)
        for k, value in enumerate(self.notes.uniques):
            note = text("notes", value)
            self.note_given.append(note is not None)
            self.note_values.append(note if note and note.strip() else None)
            if note is not None:
                try:
                    whole_text(note, "notes")
                except ValueError:
                    whole[k] = False
                    self.note_values[k] = None  # no good row has it; the frame's text column could not hold it
        ok &= whole[self.notes.codes]
        self.ok = ok
        self._ids: Any = None
        self._static: Any = None  # what _statics gives, for the rows ``ok`` holds now
        if "id" in cols:  # a given id must match the content
            given = cols["id"]
            wanted = [v.strip() if v is not None and v.strip() else None for v in given.uniques]
            rows = np.flatnonzero(ok).tolist()
            ids = self.ids()
            for i, pos in enumerate(rows):
                want = wanted[given.codes[pos]]
                if want is not None and want != ids[i]:
                    ok[pos] = False
            if not ok[rows].all():
                self._ids = self._static = None

    def slow_rows(self) -> list[int]:
        """The rows the column checks did not pass (and that were not already bad): each needs the per-row check."""
        return np.flatnonzero(~self.ok & ~self.prep.dead).tolist()

    def _statics(self) -> tuple[np.ndarray[Any, np.dtype[np.intp]], list[tuple[dict[str, Any], frozenset[str]]]]:
        """Per good row, the code of its donor, period, source and other fields together; per code, those fields."""
        if self._static is None:
            self._static = self._find_statics()
        found: tuple[np.ndarray[Any, np.dtype[np.intp]], list[tuple[dict[str, Any], frozenset[str]]]] = self._static
        return found

    def _find_statics(
        self,
    ) -> tuple[np.ndarray[Any, np.dtype[np.intp]], list[tuple[dict[str, Any], frozenset[str]]]]:
        names = ("donor", "period", "source", "misc")
        rows = np.flatnonzero(self.ok)
        codes, first = _combine([(self.groups[g][0][rows], len(self.groups[g][1])) for g in names], len(rows))
        statics = []
        for pos in rows[first].tolist():
            donor, period, source, (misc, given) = (self.groups[g][1][self.groups[g][0][pos]] for g in names)
            fields = dict.fromkeys(_FIELD_ORDER)
            fields.update(donor=donor, period=period, source=source, rate_date=misc["rate_date"])
            for name in ("category", "measure", "qualifier", "recipient"):
                fields[name] = misc[name]
            fields["_currency"] = misc["currency"]
            fset = {"donor", "announced", "amount", *given}
            if period is not None:
                fset.add("period")
            if source is not None:
                fset.add("source")
            statics.append((fields, frozenset(fset)))
        return codes, statics

    def records(self) -> list[Pledge]:
        """The pledge of every good row, in order, built from the checked values without validating again."""
        from aidtrack.money import Money
        from aidtrack.pledge import Pledge

        rows = np.flatnonzero(self.ok)
        if not len(rows):
            return []
        codes, statics = self._statics()
        # per combination of the other fields: its values, and one fields-set for its rows with a note and one for
        # those without. A fields-set is shared by its records: pydantic never changes a record's fields-set in
        # place (model_copy copies it first), and a set per record would be a million more objects for the garbage
        # collector to walk. (One template per combination with the date and the note too was slower: tens of
        # thousands of templates, copied in random order, miss the CPU caches.)
        bases = []
        for fields, fset in statics:
            base = dict(fields)
            currency = base.pop("_currency")
            bases.append((base, (set(fset), set(fset) | {"notes"}), currency))
        new = object.__new__
        # each attribute's own descriptor, called directly: what object.__setattr__ finds and calls, without the
        # lookup (a fifth of the loop)
        set_amount, set_currency = _setter(Money, "amount"), _setter(Money, "currency")
        set_dict, set_fields_set = _setter(Pledge, "__dict__"), _setter(Pledge, "__pydantic_fields_set__")
        set_extra, set_private = _setter(Pledge, "__pydantic_extra__"), _setter(Pledge, "__pydantic_private__")
        days = self.days
        decimals = self.decimals
        note_values, note_given = self.note_values, self.note_given
        out: list[Pledge] = []
        append = out.append
        cls = Pledge
        with _no_gc():
            for s, d, a, t in zip(
                codes.tolist(),
                self.date.codes[rows].tolist(),
                self.amount.codes[rows].tolist(),
                self.notes.codes[rows].tolist(),
                strict=True,
            ):
                base, fsets, currency = bases[s]
                money = new(Money)
                set_amount(money, decimals[a])
                set_currency(money, currency)
                fields = base.copy()
                fields["announced"] = days[d]
                fields["amount"] = money
                fields["notes"] = note_values[t]
                # Pledge._trusted(fields, fields_set), inlined: the call was a sixth of this loop
                pledge = new(cls)
                set_dict(pledge, fields)
                set_fields_set(pledge, fsets[note_given[t]])
                set_extra(pledge, None)
                set_private(pledge, None)
                append(pledge)
        return out

    def ids(self) -> list[str]:
        """The :attr:`~aidtrack.pledge.Pledge.id` of every good row."""
        found = self._id_column()
        return found if isinstance(found, list) else list(found.to_pylist())

    def _id_column(self) -> Any:
        """The ids of the good rows (a list, or a pyarrow string array), from one JSON template per combination."""
        if self._ids is not None:
            return self._ids
        import json

        from aidtrack.amounts import MONEY_CONTEXT
        from aidtrack.money import Money
        from aidtrack.pledge import Pledge

        rows = np.flatnonzero(self.ok)
        codes, statics = self._statics()
        pieces = []
        for fields, fset in statics:
            sample = dict(fields)
            currency = sample.pop("_currency")
            sample["announced"] = date(2000, 1, 1)
            sample["amount"] = Money(1, currency)
            first, second, third = Pledge._trusted(sample, set(fset))._id_pieces()
            rate = fields["rate_date"]
            head = '{"amount":{"amount":"'
            mid = '","currency":' + json.dumps(currency) + '},"announced":"'
            after_date = '",' + first + ',"notes":'
            tail = "," + second + (f',"rate_date":"{rate.isoformat()}"' if rate is not None else "") + "," + third + "}"
            pieces.append((head, mid, after_date, tail))
        days = [d.isoformat() if d is not None else "" for d in self.days]
        notes = [json.dumps(v, ensure_ascii=False) for v in self.note_values]
        # everything after the amount, once per combination of the other fields, the date and the note
        rest, starts = _combine(
            [(codes, len(pieces)), (self.date.codes[rows], len(days)), (self.notes.codes[rows], len(notes))],
            len(rows),
        )
        tails = []
        for s, d, t in zip(
            codes[starts].tolist(),
            self.date.codes[rows[starts]].tolist(),
            self.notes.codes[rows[starts]].tolist(),
            strict=True,
        ):
            _, mid, after_date, tail = pieces[s]
            tails.append(mid + days[d] + after_date + notes[t] + tail)
        out = _hash_ids(self._id_amounts(MONEY_CONTEXT), self.amount.codes[rows], tails, rest)
        self._ids = out
        return out

    def _id_amounts(self, context: Any) -> list[str]:
        """Each amount as the id's JSON writes it (normalised), per distinct amount text."""
        arrow = self.amount.arrow
        if self.prep.plain_amounts and arrow is not None:
            # plain digits without a point or a leading zero are their own normal form; the others are worked out
            pc: Any = importlib.import_module("pyarrow.compute")
            own = pc.and_(pc.invert(pc.match_substring(arrow, ".")), pc.match_substring_regex(arrow, "^[1-9]"))
            values = cast(list[str], list(self.amount.uniques))  # an empty one (None) is not its own: replaced
            for k in np.flatnonzero(~np.asarray(pc.fill_null(own, False), dtype=bool)).tolist():
                values[k] = _id_amount(self.decimals[k], context)
        elif self.prep.plain_amounts:
            values = [
                v if v and "." not in v and v[0] != "0" else _id_amount(d, context)
                for v, d in zip(self.amount.uniques, self.decimals, strict=True)
            ]
        else:
            values = [_id_amount(d, context) for d in self.decimals]
        return values

    def frame(self) -> pd.DataFrame:
        """The good rows as the frame :func:`~aidtrack.frames.rows.pledges_to_frame` makes of their pledges."""
        import pandas as pd

        from aidtrack.frames.rows import FRAME_COLUMNS, date_column
        from aidtrack.tabular import COLUMNS

        rows = np.flatnonzero(self.ok)
        if not len(rows):
            from aidtrack.frames.rows import pledges_to_frame

            return pledges_to_frame([])
        at, statics = self._statics()

        def per_static(get: Callable[[dict[str, Any]], Any]) -> list[Any]:
            return [get(fields) for fields, _ in statics]

        def dates(values: list[date | None], which: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            taken: np.ndarray[Any, Any] = date_column(values)[which]
            return taken

        def enum_value(name: str) -> Callable[[dict[str, Any]], str | None]:
            return lambda f: f[name].value if f[name] is not None else None

        def period_end(end: str) -> Callable[[dict[str, Any]], date | None]:
            return lambda f: getattr(f["period"], end) if f["period"] else None

        def source_part(attr: str) -> Callable[[dict[str, Any]], str | None]:
            return lambda f: (getattr(f["source"], attr) or None) if f["source"] else None

        def columns() -> dict[str, Any]:
            data: dict[str, Any] = {}
            for name in COLUMNS:
                if name == "amount":
                    data[name] = pd.Series(np.array(self.decimals, dtype=object)[self.amount.codes[rows]], dtype=object)
                elif name == "date":
                    data[name] = dates(self.days, self.date.codes[rows])
                elif name == "currency":
                    data[name] = _text_series(per_static(lambda f: f["_currency"]), at)
                elif name == "donor":
                    data[name] = _text_series(per_static(lambda f: f["donor"].name), at)
                elif name == "country":
                    data[name] = _text_series(per_static(lambda f: f["donor"].country or None), at)
                elif name in ("category", "measure", "qualifier"):
                    data[name] = _text_series(per_static(enum_value(name)), at)
                elif name == "recipient":
                    data[name] = _text_series(per_static(lambda f: f["recipient"] or None), at)
                elif name in ("period_start", "period_end"):
                    end = name.removeprefix("period_")
                    data[name] = dates(per_static(period_end(end)), at)
                elif name in ("source", "source_title", "source_publisher"):
                    attr = {"source": "url", "source_title": "title", "source_publisher": "publisher"}[name]
                    data[name] = _text_series(per_static(source_part(attr)), at)
                elif name == "notes":
                    data[name] = _text_series(self.note_values, self.notes.codes[rows])
                elif name == "rate_date":
                    data[name] = dates(per_static(lambda f: f["rate_date"]), at)
            return data

        if len(rows) >= _OVERLAP_ROWS:
            # the text columns (pyarrow, which lets go of the GIL) built while this thread hashes the ids (which
            # holds it): the frame takes about the longer of the two instead of both
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(1, thread_name_prefix="aidtrack-frame") as pool:
                later = pool.submit(columns)
                ids = self._id_column()
                data = later.result()
        else:
            ids = self._id_column()
            data = columns()
        data["id"] = _text_series(ids, None)
        return pd.DataFrame(data, columns=list(FRAME_COLUMNS))


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """``object.__setattr__(obj, name, value)`` for instances of ``cls``, as the data descriptor it would call.

    ``name`` is a slot or ``__dict__`` (a data descriptor somewhere in ``cls``'s MRO); without one, the
    plain ``object.__setattr__``.
    """
    for klass in cls.__mro__:
        found = vars(klass).get(name)
        if found is not None:
            if hasattr(type(found), "__set__"):
                setter: Callable[[Any, Any], None] = found.__set__  # a bound method-wrapper: no Python frame
                return setter
            break
    return lambda obj, value: object.__setattr__(obj, name, value)


_OVERLAP_ROWS = 100_000
"""From this many rows on, a frame's text columns are built on a second thread while the ids are hashed."""


def _amounts(texts: list[str | None]) -> tuple[list[Decimal | None], np.ndarray[Any, np.dtype[np.bool_]]]:
    """Each amount text as the ``Decimal`` a pledge would hold (``None`` where it would refuse it), and which are good.

    Plain digits (at most 30 characters: within every limit) are read in bulk; anything else
    goes through :func:`~aidtrack.amounts.to_decimal`, as ``Money`` does.
    """
    from aidtrack.amounts import to_decimal

    out: list[Decimal | None] = []
    for t in texts:
        if t is None:
            out.append(None)
        elif len(t) <= 30 and t.isascii() and t.replace(".", "", 1).isdigit():
            out.append(Decimal(t))
        else:
            try:
                out.append(to_decimal(t))
            except ValueError:
                out.append(None)
    good = np.array([d is not None and d > 0 for d in out], dtype=bool)
    return out, good


@contextmanager
def _no_gc() -> Iterator[None]:
    """The garbage collector paused: a million new records would set it off again and again, finding nothing.

    On the way out every tracked object goes straight to the oldest generation (``gc.freeze()``
    then ``gc.unfreeze()``): the records are kept by the caller, and the young collections that
    would otherwise walk all of them at the next allocation (and again one generation up) would
    find nothing either. Nothing is lost: the oldest generation is collected as usual, so a
    garbage cycle made elsewhere before the read is freed by the next full collection instead.
    A program that froze objects itself (``gc.freeze()`` before forking workers) keeps them frozen:
    then this step is left out.
    """
    collecting = gc.isenabled()
    frozen = gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        if not frozen:
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()


_PLAIN = r"^(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"  # what ``v.replace(".", "", 1).isdigit()`` takes of ASCII text


def _plain(values: list[str | None], arrow: Any = None) -> bool:
    """Whether every amount is empty or plain digits with at most one point (and at most 30 characters).

    ``arrow``: the same values as a pyarrow string array, checked in bulk.
    """
    if arrow is not None and len(arrow):
        pc: Any = importlib.import_module("pyarrow.compute")
        size = pc.binary_length(arrow)
        fits = pc.and_(pc.less_equal(size, 30), pc.match_substring_regex(arrow, _PLAIN))
        return bool(pc.all(pc.fill_null(pc.or_(pc.equal(size, 0), fits), True)).as_py())
    return all(not v or (len(v) <= 30 and v.isascii() and v.replace(".", "", 1).isdigit()) for v in values)


def _with_point(column: Column) -> list[str]:
    """The amounts that hold a point, in order (the only ones :func:`~aidtrack.tabular.detect_decimal` reads)."""
    if column.arrow is not None:
        pc: Any = importlib.import_module("pyarrow.compute")
        found: list[str] = column.arrow.filter(pc.fill_null(pc.match_substring(column.arrow, "."), False)).to_pylist()
        return found
    return [v for v in column.uniques if v and "." in v]


def _plain_amounts(column: Column) -> tuple[list[Decimal | None], np.ndarray[Any, np.dtype[np.bool_]]]:
    """Plain amounts (see :func:`_plain`) as exact ``Decimal`` (``None`` when empty), and which are above zero."""
    values = column.uniques
    arrow = column.arrow
    decimals: list[Decimal | None]
    if arrow is None:
        decimals = [Decimal(v) if v else None for v in values]
        return decimals, np.array([d is not None and d > 0 for d in decimals], dtype=bool)
    pc: Any = importlib.import_module("pyarrow.compute")
    if pc.any(pc.fill_null(pc.equal(pc.binary_length(arrow), 0), True)).as_py():
        decimals = [Decimal(v) if v else None for v in values]
    else:  # none empty: map(Decimal, ...) over every value, the fastest way to a million Decimals
        decimals = [*map(Decimal, values)]  # type: ignore[arg-type]
    # plain digits are above zero exactly when a digit other than 0 is among them
    good = np.asarray(pc.fill_null(pc.match_substring_regex(arrow, "[1-9]"), False), dtype=bool)
    return decimals, good


def _one_dot(value: str) -> bool:
    """``1.234``: a point that may group thousands (what :func:`~aidtrack.tabular.detect_decimal` leaves open)."""
    whole, _, part = value.partition(".")
    return len(part) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0"


_ID_HEAD = '{"amount":{"amount":"'


def _hash_ids(amounts: list[str], at: np.ndarray[Any, Any], tails: list[str], rest: np.ndarray[Any, Any]) -> list[str]:
    """16 hex digits of SHA-256 of each row's id JSON: the head, its amount, the tail of its combination."""
    import hashlib

    sha = hashlib.sha256
    with _no_gc():
        return [
            sha((_ID_HEAD + amounts[a] + tails[r]).encode()).hexdigest()[:16]
            for a, r in zip(at.tolist(), rest.tolist(), strict=True)
        ]


def _id_amount(value: Decimal | None, context: Any) -> str:
    """An amount as the id's JSON holds it: normalised (``2E+9`` and ``2000000000`` alike), in plain digits."""
    if value is None:
        return ""
    text = format(value, "f")
    return text if text.isdigit() else format(value.normalize(context), "f")


def _day(text: str | None, what: str) -> date | None:
    from aidtrack._dates import parse_iso_date

    if text is None:
        return None
    try:
        return parse_iso_date(text, what=what)
    except ValueError:
        return None


def _text_series(values: Any, codes: np.ndarray[Any, Any] | None) -> pd.Series:
    """A text column of the pledge frame (pandas' ``str`` dtype): ``values`` at ``codes`` (all, if ``None``)."""
    import pandas as pd

    target = pd.Series(["x"], dtype="str").dtype
    if isinstance(target, pd.StringDtype) and target.storage == "pyarrow":
        pa: Any = importlib.import_module("pyarrow")
        if codes is None:
            array = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
        else:
            array = pa.DictionaryArray.from_arrays(
                pa.array(codes.astype(np.int32, copy=False)), pa.array(values, type=pa.string())
            ).cast(pa.large_string())
        return pd.Series(array.to_pandas(types_mapper={pa.string(): target, pa.large_string(): target}.get))
    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    return pd.Series(cells if codes is None else cells[codes], dtype="str")


def to_frame(prep: Prepared) -> tuple[pd.DataFrame, dict[int, str]]:
    """The good and bad rows as one frame of text (amount as ``Decimal``), and the reason of each bad row.

    The checks are those of :func:`to_pledges` (a row is good here exactly when it makes a
    pledge there). Values are computed once per distinct value; the rows the column checks
    refuse get their reason from :func:`_frame_reason`, one row at a time.
    """
    import pandas as pd

    from aidtrack.amounts import to_decimal
    from aidtrack.formula import unguard_text
    from aidtrack.tabular import GUARDED_COLUMNS

    table = prep.table
    names = prep.names
    n = len(prep)
    problems: dict[int, str] = dict(prep.problems)
    dead = np.flatnonzero(prep.dead).tolist()
    raw = {name: table.column(j) for j, name in prep.keep}

    def as_read(name: str) -> Callable[[str | None], str | None]:
        if name in GUARDED_COLUMNS and table.unguard:
            return lambda v: unguard_text(v) if isinstance(v, str) else v
        if name not in GUARDED_COLUMNS and table.strip:
            return lambda v: v.strip() if isinstance(v, str) else v
        return lambda v: v

    columns: dict[str, np.ndarray[Any, Any]] = {}
    for name in names:
        col = prep.columns[name]
        values: list[Any] = []
        if name == "amount":
            for v in col.uniques:
                if v is None or is_blank(v):
                    values.append(v)
                elif len(v) <= 30 and v.isascii() and v.replace(".", "", 1).isdigit():
                    values.append(Decimal(v))  # plain digits: within every limit, what to_decimal gives
                else:
                    try:
                        values.append(to_decimal(v))
                    except ValueError:
                        values.append(v)
        else:
            values = [as_read(name)(v) for v in col.uniques]
        cells = np.empty(len(values), dtype=object)
        cells[:] = values
        column = cells[col.codes]
        # rows bad before any check keep their cells as read; an unreadable amount keeps its text
        fix = as_read(name) if name != "amount" else (lambda v: v)
        for pos in sorted(set(dead) | set(prep.amount_problems)) if name == "amount" else dead:
            column[pos] = fix(raw[name].value(pos))
        columns[name] = column
    checked = _Checked(prep)
    combos: dict[tuple[str | None, ...], str | None] = {}
    date_ok: dict[tuple[str, str], str | None] = {}
    for pos in checked.slow_rows():
        row = prep.row(pos)
        assert row is not None
        if _all_blank(row):
            problems[pos] = "empty row (every field blank)"
            columns["amount"][pos] = None
            continue
        reason = _frame_reason(prep, pos, row, combos, date_ok)
        if reason is not None:
            problems[pos] = reason
    frame = pd.DataFrame(
        {name: (columns[name] if name != "amount" else np.empty(n, dtype=object)) for name in names}, dtype=object
    )
    frame["amount"] = pd.Series(columns["amount"], dtype=object) if n else pd.Series([], dtype=object)
    for name in names:
        if name == "amount":
            continue
        if (name in GUARDED_COLUMNS and table.unguard) or (name not in GUARDED_COLUMNS and table.strip):
            frame[name] = columns[name].tolist()  # as a list, the column's type is inferred (text)
    return frame, dict(sorted(problems.items()))


def to_frame_by_row(prep: Prepared) -> tuple[pd.DataFrame, dict[int, str]]:
    """:func:`to_frame` one row at a time (the reference path the tests compare it with)."""
    import pandas as pd

    from aidtrack.amounts import to_decimal
    from aidtrack.formula import unguard_text
    from aidtrack.tabular import GUARDED_COLUMNS

    table = prep.table
    names = prep.names
    n = len(prep)
    data: dict[str, list[Any]] = {name: [None] * n for name in names}
    amounts: list[Any] = [None] * n
    problems: dict[int, str] = dict(prep.problems)
    combos: dict[tuple[str | None, ...], str | None] = {}
    date_ok: dict[tuple[str, str], str | None] = {}
    for pos in range(n):
        row = prep.row(pos)
        if row is None:  # a bad row keeps its cells as they were, beside its problem
            for j, name in prep.keep:
                data[name][pos] = table.cell(pos, j)
            amounts[pos] = data["amount"][pos]
            continue
        for name in names:
            data[name][pos] = row[name]
        if _all_blank(row):
            problems[pos] = "empty row (every field blank)"
            continue
        text = row["amount"]
        amounts[pos] = text
        if pos in prep.amount_problems:
            j = next(j for j, name in prep.keep if name == "amount")
            amounts[pos] = data["amount"][pos] = table.cell(pos, j)
        elif not is_blank(text):
            assert text is not None
            with contextlib.suppress(ValueError):
                amounts[pos] = to_decimal(text)
        reason = _frame_reason(prep, pos, row, combos, date_ok)
        if reason is not None:
            problems[pos] = reason
    frame = pd.DataFrame({name: data[name] for name in names}, dtype=object)
    frame["amount"] = pd.Series(amounts, dtype=object) if n else pd.Series([], dtype=object)
    for name in names:
        if name == "amount":
            continue
        if name in GUARDED_COLUMNS and table.unguard:
            frame[name] = [unguard_text(v) if isinstance(v, str) else v for v in frame[name].tolist()]
        elif name not in GUARDED_COLUMNS and table.strip:
            frame[name] = [v.strip() if isinstance(v, str) else v for v in frame[name].tolist()]
    return frame, dict(sorted(problems.items()))


def _frame_reason(
    prep: Prepared,
    pos: int,
    row: dict[str, str | None],
    combos: dict[tuple[str | None, ...], str | None],
    date_ok: dict[tuple[str, str], str | None],
) -> str | None:
    """Why :func:`to_frame` refuses one row (``None``: it does not), checked field by field."""
    from aidtrack.amounts import to_decimal
    from aidtrack.tabular import COLUMNS

    table = prep.table
    names = prep.names
    others = [c for c in COLUMNS if c in names and c not in ("amount", *DATE_COLUMNS)]
    has_period = "period_start" in names or "period_end" in names
    text = row["amount"]
    reason: str | None = None
    if pos in prep.amount_problems:
        reason = prep.amount_problems[pos]
    elif is_blank(text):
        reason = "empty required field: amount"
    else:
        assert text is not None
        try:
            value = to_decimal(text)
        except ValueError as exc:
            reason = str(exc)
        else:
            if value <= 0:
                currency = (row.get("currency") or "").strip()
                reason = f"pledged amount must be greater than zero, got {value} {currency}".rstrip()
    if reason is None:
        for name in DATE_COLUMNS:
            raw = row.get(name)
            if is_blank(raw):
                continue
            assert raw is not None
            key = (name, raw)
            if key not in date_ok:
                date_ok[key] = _check_date(raw, name)
            if date_ok[key] is not None:
                reason = date_ok[key]
                break
        if reason is None and is_blank(row.get("date")):
            reason = "empty required field: date"
    if reason is None:
        combo = tuple(row.get(c) for c in others) + (
            (row.get("period_start"), row.get("period_end")) if has_period else ()
        )
        if combo not in combos:
            sample = {c: row.get(c) for c in others}
            if has_period:
                sample["period_start"] = row.get("period_start")
                sample["period_end"] = row.get("period_end")
            sample.update(amount="1", date="2000-01-01")
            try:
                pledge_from_row(sample, unguard=table.unguard, strip=table.strip)
                combos[combo] = None
            except (AidtrackError, ValueError) as exc:
                combos[combo] = str(exc)
        reason = combos[combo]
    return reason


def _all_blank(row: dict[str, str | None]) -> bool:
    """Whether every pledge column of a row is blank (an id or a converted column may hold something)."""
    from aidtrack.tabular import COLUMNS

    return all(is_blank(v) for k, v in row.items() if k in COLUMNS)


def _check_date(text: str, column: str) -> str | None:
    from aidtrack._dates import parse_iso_date

    try:
        parse_iso_date(text, what="announced date" if column == "date" else column)
    except ValueError as exc:
        return str(exc)
    return None
