"""Pledge files in every format: CSV, JSON, Parquet and Excel; and exporting any result frame.

========  ===========  =========================================================
format    suffix       notes
========  ===========  =========================================================
csv       ``.csv``     :mod:`aidtrack.files.csvfile` (free text guarded, see below)
json      ``.json``    a list of pledge objects as :meth:`Pledge.model_dump_json
                       <aidtrack.pledge.Pledge.model_dump_json>` writes them
                       (amounts as strings, the ``id`` checked on reading)
parquet   ``.parquet`` columns of :data:`aidtrack.frames.rows.FRAME_COLUMNS`; dates
                       ``date32``, amounts exact decimal strings. Needs pyarrow
                       (``pip install "aidtrack[parquet]"``)
excel     ``.xlsx``    sheet ``Pledges`` with a header row; dates as date cells,
                       amounts as numbers when a number holds them exactly
                       (else as text). Needs openpyxl (``aidtrack[excel]``)
========  ===========  =========================================================

Reading checks every row and raises one
:class:`~aidtrack.errors.PledgeFileError` listing every bad row with its
location (``line 7`` in CSV, ``pledge 3`` in JSON, ``row 5`` in Parquet,
``sheet 'Pledges', row 7`` in Excel): a file loads completely or not at all.
Writing renders the whole file first, then writes a temporary file beside the
target and renames it over the target, so a failure never leaves a half-written
file.

**Formula injection.** Text from untrusted sources (a donor name or a note
copied from a web page) that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return would run as a formula in a spreadsheet. CSV exports put an
apostrophe in front of such text (:func:`aidtrack.formula.guard_text`; the
pledge reader removes it again); Excel exports store it as a text cell with
Excel's quote-prefix flag, so it is shown, never evaluated, and reads back
unchanged. A formula cell in an Excel file being *read* is reported as a bad
row rather than read as text, and so is an error value (``#N/A``).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from aidtrack._atomic import atomic_path, atomic_write_text
from aidtrack._extras import require
from aidtrack._options import check_errors
from aidtrack.errors import AidtrackError, DataFormatError, InvalidArgumentError, PledgeFileError, RowProblem
from aidtrack.files._table import (
    Errors,
    Once,
    Prepared,
    RawTable,
    prepare,
    to_pledges_and_frame,
)
from aidtrack.files.csvfile import read_csv_table, write_pledges_csv
from aidtrack.formula import guard_text, needs_guard
from aidtrack.frames.collection import Pledges
from aidtrack.frames.rows import FRAME_COLUMNS, LocatedRowProblem
from aidtrack.tabular import COLUMNS, pledge_to_row

if TYPE_CHECKING:
    from aidtrack.amounts import Rounding
    from aidtrack.pledge import Pledge
    from aidtrack.policy import PolicyLike
    from aidtrack.rates.sources import SourceLike
    from aidtrack.rates.table import SourceInfo

__all__ = [
    "CONVERSION_COLUMNS",
    "FORMATS",
    "FileConversion",
    "Format",
    "check_sheet_name",
    "convert_file",
    "detect_format",
    "read_pledge_frame",
    "read_pledges",
    "write_frame",
    "write_pledges",
]

Format: TypeAlias = Literal["csv", "json", "parquet", "excel"]
FORMATS: dict[str, Format] = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "excel"}
"""File suffixes and the format each one means."""
EXCEL_SHEET = "Pledges"


def detect_format(path: str | os.PathLike[str], format: Format | None = None) -> Format:
    """The format named by ``format``, or by the path's suffix.

    >>> detect_format("pledges.xlsx"), detect_format("x.data", "json")
    ('excel', 'json')
    """
    if format is not None:
        if format not in ("csv", "json", "parquet", "excel"):
            raise InvalidArgumentError(
                "format", format, f"unknown format {format!r}: expected one of csv, json, parquet, excel"
            )
        return format
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise InvalidArgumentError(
            "path",
            path,
            f"cannot tell the format of {os.fspath(path)!r} from its suffix {suffix!r}: "
            f"use one of {', '.join(FORMATS)} or pass format=",
        ) from None


# ---------------------------------------------------------------------------
# Reading


def read_pledges(
    path: str | os.PathLike[str] | IO[str],
    format: Format | None = None,
    *,
    columns: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    errors: Errors = "raise",
) -> Pledges:
    """Read every pledge of a CSV, JSON, Parquet or Excel file (format from the suffix), whatever its headers.

    * ``columns`` maps the file's headers to aidtrack's columns, e.g.
      ``{"Geber": "donor", "Datum": "date", "Betrag": "amount", "Währung": "currency"}``
      (a header mapped to ``None`` is ignored). Headers match case- and space-insensitively,
      so ``Donor`` or ``PERIOD START`` need no mapping.
    * ``delimiter`` (CSV): detected from the first lines (``,``, ``;``, tab, ``|``) unless given.
    * ``decimal`` (``","`` or ``"."``): detected from the amounts unless given; once it is
      known, the other character (and spaces) may group thousands (``1.250.000,50``).
      Amounts are read digit for digit into ``Decimal``, never through a float.
    * ``date_format``: a ``strptime`` format such as ``"%d.%m.%Y"``; without it, dates
      must be ``YYYY-MM-DD`` (date cells of Excel and Parquet need neither).
    * ``sheet`` picks the Excel sheet (default: ``Pledges`` if there is one, else the first).
    * ``path`` may also be an open text file, read as CSV (``format`` must then be
      ``"csv"`` or omitted).

    The columns :func:`convert_file` adds (:data:`CONVERSION_COLUMNS`) are ignored, so its
    output reads back as pledges. Every row is checked. A wrong header (unknown, missing or
    repeated columns, with the delimiter the reader used) is one problem and nothing loads. With
    ``errors="raise"`` (the default) any bad row raises
    :class:`~aidtrack.errors.PledgeFileError` listing every bad row with its location
    and reason, and nothing loads. With ``errors="coerce"`` the good rows load and the
    bad ones are listed in the result's ``problems`` (never dropped silently). Every row is
    checked here; the ``Pledge`` records are built when first used, and the result's
    ``to_frame()`` (and :func:`~aidtrack.frames.aggregate.totals` of it) builds the frame from
    the checks, as :func:`read_pledge_frame` does, without them:

    >>> import pathlib, tempfile
    >>> text = "Geber;Datum;Betrag;Währung\\nKanada;09.01.2025;440.000.000,50;CAD\\nNorwegen;09.01.2025;viel;NOK\\n"
    >>> german = {"Geber": "donor", "Datum": "date", "Betrag": "amount", "Währung": "currency"}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d, "zusagen.csv")
    ...     _ = path.write_text(text, encoding="utf-8")
    ...     ps = read_pledges(path, columns=german, date_format="%d.%m.%Y", errors="coerce")
    >>> ps, ps[0].amount
    (<Pledges: 1 pledge, 1 bad row not loaded>, Money('440000000.50', 'CAD'))
    >>> print(ps.problems[0])  # doctest: +ELLIPSIS
    line 3: amount 'viel' is not a plain decimal number ...
    """
    check_errors(errors)
    prep = _prepared(path, format, columns, sheet, delimiter, decimal, date_format, passthrough=CONVERSION_COLUMNS)
    if prep is None:  # aidtrack's own JSON: pledge objects
        assert isinstance(path, str | os.PathLike)
        pledges, problems = _read_json_pledges(Path(path).read_bytes(), os.fspath(path), errors)
        return Pledges(pledges, problems=problems)
    count, records, problems, frame = to_pledges_and_frame(prep, errors)
    return _FilePledges(count, records, problems=problems, frame=frame)


class _FilePledges(Pledges):
    """The pledges of a file: every row checked, the records built when first used, the frame from the checks.

    The reader checks every row and reports the bad ones at once; the ``Pledge`` records of the
    good rows are built on first use (iterating, indexing, comparing, showing; ``len`` and
    ``problems`` need none). :meth:`to_frame` (and :func:`~aidtrack.frames.aggregate.totals` of
    these pledges) takes the frame :func:`~aidtrack.frames.rows.pledges_to_frame` makes of them,
    built column by column from the checks as :func:`read_pledge_frame` builds it, without
    the records and without computing each pledge's ``id`` one by one; the first call builds
    it, later calls copy it. Once both are built the checks are let go. A slice is a plain
    :class:`Pledges`; a pickled one comes back as one.
    """

    __slots__ = ("_count", "_frame", "_records")

    def __init__(
        self,
        count: int,
        records: Callable[[], list[Pledge]],
        *,
        problems: Iterable[RowProblem],
        frame: Callable[[], pd.DataFrame],
    ) -> None:
        # Pledges.__init__ is left out: it would build the records
        self.problems = tuple(problems)
        self._count = count
        self._records = Once(lambda: tuple(records()))
        self._frame = Once(frame)

    @property  # Pledges' slot, read here from the records built on first use
    def _items(self) -> tuple[Pledge, ...]:  # type: ignore[override]
        return self._records.get()

    def __len__(self) -> int:
        return self._count

    def pledge_frame(self) -> pd.DataFrame:
        """:class:`~aidtrack.frames.rows.FramedPledges`: the frame of these pledges, from the column checks."""
        return self._frame.get().copy()

    def __reduce__(self) -> tuple[Any, ...]:
        return (functools.partial(Pledges, problems=self.problems), (self._items,))


def read_pledge_frame(
    path: str | os.PathLike[str] | IO[str],
    format: Format | None = None,
    *,
    columns: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    errors: Errors = "raise",
) -> pd.DataFrame:
    """Read a pledge file straight into a pledge frame, without making a ``Pledge`` per row.

    The arguments and the checks are those of :func:`read_pledges`, and the frame is the one
    ``read_pledges(...).to_frame()`` gives (:func:`aidtrack.frames.rows.pledges_to_frame`: an
    ``id`` column, dates as ``datetime64[s]``, amounts as exact ``Decimal``), built column by
    column: each distinct value is checked once, and only the rows that fail are checked one
    by one, so every bad row is reported with its location and reason just as
    :func:`read_pledges` reports it. With ``errors="coerce"`` the frame holds the good rows and
    ``frame.attrs["aidtrack"]["problems"]`` lists the bad ones.

    >>> import io
    >>> text = "donor,date,amount,currency\\nCanada,2025-01-09,440000000,CAD\\nNorway,2025-01-10,0,NOK\\n"
    >>> frame = read_pledge_frame(io.StringIO(text), errors="coerce")
    >>> frame[["donor", "amount", "currency"]]
        donor     amount currency
    0  Canada  440000000      CAD
    >>> print(frame.attrs["aidtrack"]["problems"][0])
    line 3: invalid Pledge: amount: pledged amount must be greater than zero, got 0 NOK (got Money('0', 'NOK'))
    """
    from aidtrack.files._table import to_pledge_frame
    from aidtrack.frames.rows import pledges_to_frame

    check_errors(errors)
    prep = _prepared(path, format, columns, sheet, delimiter, decimal, date_format, passthrough=CONVERSION_COLUMNS)
    if prep is None:  # aidtrack's own JSON: pledge objects
        assert isinstance(path, str | os.PathLike)
        where = os.fspath(path)
        pledges, problems = _read_json_pledges(Path(path).read_bytes(), where, errors)
        frame = pledges_to_frame(pledges)
    else:
        where = prep.table.where
        frame, problems = to_pledge_frame(prep, errors)
    frame.attrs["aidtrack"] = {"file": where, "problems": tuple(problems)}
    return frame


def _prepared(
    path: str | os.PathLike[str] | IO[str],
    format: Format | None,
    columns: Mapping[str, str | None] | None,
    sheet: str | None,
    delimiter: str | None,
    decimal: str | None,
    date_format: str | None,
    passthrough: Sequence[str] = (),
) -> Prepared | None:
    """The checked rows of any supported file, or ``None`` for a JSON file of aidtrack pledge objects."""
    if not isinstance(path, str | os.PathLike):
        if format not in (None, "csv"):
            raise InvalidArgumentError("format", format, "an open file is read as CSV; pass a path for other formats")
        table = read_csv_table(path, delimiter=delimiter)
    else:
        fmt = detect_format(path, format)
        where = os.fspath(path)
        if delimiter is not None and fmt != "csv":
            raise InvalidArgumentError("delimiter", delimiter, f"delimiter= applies to CSV files, not {fmt}")
        if sheet is not None and fmt != "excel":
            raise InvalidArgumentError("sheet", sheet, f"sheet= applies to Excel files, not {fmt}")
        if fmt == "csv":
            table = read_csv_table(path, delimiter=delimiter)
        elif fmt == "json":
            json_table = _json_table(Path(path).read_bytes(), where, pledges_ok=columns is None)
            if json_table is None:
                return None
            table = json_table
        elif fmt == "parquet":
            table = _parquet_table(path, where, skip=passthrough)
        else:
            table = _excel_table(path, where, sheet)
    return prepare(table, columns=columns, decimal=decimal, date_format=date_format, passthrough=passthrough)


def _json_table(data: bytes, where: str, *, pledges_ok: bool) -> RawTable | None:
    """A JSON list of flat records as a table; ``None`` if it holds aidtrack's pledge objects."""
    from aidtrack._record import loads_exact

    try:
        doc = loads_exact(data, where=where)  # numbers as their exact text, not through a float
    except DataFormatError as exc:
        at = f", line {exc.line}, column {exc.column}" if exc.line is not None else ""
        message = str(exc).removeprefix(f"{where}{at}: ")
        if exc.column is not None:
            message += f" (column {exc.column})"
        raise PledgeFileError(where, [RowProblem(exc.line or 1, message)]) from None
    if isinstance(doc, dict) and isinstance(doc.get("pledges"), list):
        doc = doc["pledges"]
    if isinstance(doc, dict) and isinstance(doc.get("rows"), list):
        doc = doc["rows"]
    if not isinstance(doc, list):
        raise PledgeFileError(where, [RowProblem(1, "expected a JSON list of pledge objects or records")])
    if not doc or (pledges_ok and any(isinstance(item, dict) and "announced" in item for item in doc)):
        return None
    header: list[str] = []
    for item in doc:
        if isinstance(item, dict):
            header.extend(k for k in item if k not in header)
    rows: list[list[str | None]] = []
    row_errors: dict[int, str] = {}
    for n, item in enumerate(doc):
        if not isinstance(item, dict):
            row_errors[n] = f"expected an object of column: value, got {type(item).__name__}"
            rows.append([])
            continue
        cells: list[str | None] = []
        for name in header:
            try:
                cells.append(_cell(item.get(name), name))
            except ValueError as exc:
                row_errors.setdefault(n, str(exc))
                cells.append(None)
        rows.append(cells)
    return RawTable(
        where,
        header,
        rows,
        list(range(1, len(rows) + 1)),
        unit="record",
        header_location="the records' keys",
        row_errors=row_errors,
        strip=False,
    )


def _read_json_pledges(data: bytes, where: str, errors: Errors) -> tuple[list[Pledge], list[RowProblem]]:
    from aidtrack._record import loads_exact
    from aidtrack.pledge import Pledge

    doc = loads_exact(data, where=where)  # checked by _json_table before
    if isinstance(doc, dict):
        doc = doc["pledges"]
    pledges: list[Pledge] = []
    problems: list[RowProblem] = []
    for n, item in enumerate(doc, start=1):
        try:
            if not isinstance(item, dict):
                raise ValueError(f"expected a pledge object, got {type(item).__name__}")
            pledges.append(Pledge.model_validate(item))
        except (AidtrackError, ValueError) as exc:
            problems.append(LocatedRowProblem(n, str(exc), f"pledge {n}"))
    if problems and errors == "raise":
        raise PledgeFileError(where, problems)
    return pledges, problems


def _parquet_table(path: str | os.PathLike[str], where: str, *, skip: Sequence[str] = ()) -> RawTable:
    """A Parquet file's cells as text; columns named in ``skip`` (those :func:`convert_file` adds) are not read."""
    from aidtrack.tabular import header_key

    pq = require("pyarrow.parquet", "parquet", "reading Parquet files")
    pa = require("pyarrow", "parquet", "reading Parquet files")
    try:
        schema = pq.read_schema(path)
        wanted = [name for name in schema.names if header_key(name) not in set(skip)]
        table = pq.read_table(path, columns=wanted)
        # integers as Python ints even in a column with nulls (pandas would make it float64: 2**53 + 1 changed)
        frame = table.to_pandas(integer_object_nulls=True)
    except FileNotFoundError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:  # ArrowInvalid for bytes that are not Parquet
        raise PledgeFileError(where, [RowProblem(1, f"not a readable Parquet file ({exc})")]) from exc
    return frame_table(frame, where)


def frame_table(frame: pd.DataFrame, where: str) -> RawTable:
    """A frame's cells as text, column by column (vectorised for text and date columns)."""
    import numpy as np

    n = len(frame)
    columns: list[list[str | None]] = []
    row_errors: dict[int, str] = {}
    for name in frame.columns:
        series = frame[name]
        label = str(name)
        if pd.api.types.is_datetime64_any_dtype(series.dtype) and not isinstance(series.dtype, pd.DatetimeTZDtype):
            values = series.to_numpy().astype("M8[s]")
            days = values.astype("M8[D]")
            timed = (values != days.astype("M8[s]")) & ~np.isnat(values)
            texts = np.datetime_as_string(days, unit="D").astype(object)
            texts[np.isnat(values)] = None
            for i in np.flatnonzero(timed).tolist():
                row_errors.setdefault(i, f"{label} must be a calendar date, got a date-time {str(values[i])!r}")
            columns.append(texts.tolist())
            continue
        cells: list[str | None] = []
        narrow = isinstance(series.dtype, np.dtype) and series.dtype.kind == "f" and series.dtype.itemsize < 8
        cells_in: list[Any] = list(series.to_numpy()) if narrow else series.tolist()  # a float32 keeps its own repr
        for i, value in enumerate(cells_in):
            if isinstance(value, str):
                cells.append(value)
                continue
            try:
                cells.append(_cell(value, label))
            except ValueError as exc:
                row_errors.setdefault(i, str(exc))
                cells.append(None)
        columns.append(cells)
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else [[] for _ in range(n)]
    return RawTable(
        where,
        [str(c) for c in frame.columns],
        rows,
        list(range(1, n + 1)),
        unit="row",
        header_location="columns",
        row_errors=row_errors,
        strip=False,
        empty_rows="problem",
    )


def _cell(value: Any, column: str) -> str | None:
    """One typed cell (JSON, Parquet, Excel) as the text a pledge CSV would hold; ``None`` when empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{column}: expected text, a number or a date, got a boolean")
    if isinstance(value, np.floating) and not isinstance(value, np.float64):
        return None if np.isnan(value) else str(value)  # a float32 through its own shortest repr
    if isinstance(value, np.ndarray):  # a list cell (Parquet): refused below as a list, never unwrapped
        value = value.tolist()
    elif isinstance(value, np.generic):  # numpy scalars
        value = value.item()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return None
        return repr(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None or (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
            raise ValueError(f"{column} must be a calendar date, got a date-time {value.isoformat()!r}")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise ValueError(f"{column}: cannot read a {type(value).__name__} value ({value!r})")


def _excel_cell(value: Any, data_type: str, column: str) -> str | None:
    if data_type == "f":
        raise ValueError(f"{column}: the cell holds a formula ({value!r}); aidtrack reads values only")
    if data_type == "e":  # #N/A, #VALUE!, ...: an error, not text
        raise ValueError(f"{column}: the cell holds the error value {value!r}, not a value")
    if isinstance(value, str):
        return _decode_cr(value)
    return _cell(value, column)


# An .xlsx file is XML, which cannot hold most C0 control characters, and whose parsers turn a
# carriage return into a line feed. Excel (and aidtrack, both ways) writes such a character as
# "_xHHHH_" ("_x000D_" for a carriage return, "_x001B_" for ESC), and a literal "_xHHHH_" in the
# text as "_x005F_xHHHH_".
_XML_UNSAFE = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]")
_XML_TOKENS = re.compile(r"_x005F(_x[0-9A-Fa-f]{4}_)|_x([0-9A-Fa-f]{4})_")


def _encode_cr(text: str) -> str:
    if "_x" not in text and not any(c < " " for c in text):
        return text
    return _XML_UNSAFE.sub(lambda m: "_x005F" + m[0] if m[0].startswith("_x") else f"_x{ord(m[0]):04X}_", text)


def _decode_cr(text: str) -> str:
    if "_x" not in text:
        return text
    return _XML_TOKENS.sub(lambda m: m[1] if m[1] else chr(int(m[2], 16)), text)


def _excel_table(path: str | os.PathLike[str], where: str, sheet: str | None) -> RawTable:
    openpyxl = require("openpyxl", "excel", "reading Excel files")

    try:  # read-only: rows streamed from the file, not a cell object per cell of the whole sheet kept in memory
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise PledgeFileError(where, [RowProblem(1, f"not a readable .xlsx file ({exc})")]) from exc
    try:
        return _sheet_table(wb, where, sheet)
    finally:
        wb.close()


def _sheet_table(wb: Any, where: str, sheet: str | None) -> RawTable:
    if sheet is None:
        sheet = EXCEL_SHEET if EXCEL_SHEET in wb.sheetnames else wb.sheetnames[0]
    if sheet not in wb.sheetnames:
        raise PledgeFileError(where, [RowProblem(1, f"no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}")])
    ws = wb[sheet]
    ws.reset_dimensions()  # the size a file records may be missing or wrong (some writers leave it stale): read all
    place = f"{where}, sheet {sheet!r}"
    rows_iter = enumerate(ws.iter_rows(min_row=1), start=1)  # every row from the first, empty ones included
    try:
        _, header_cells = next(rows_iter)
    except StopIteration:
        raise PledgeFileError(
            place, [LocatedRowProblem(1, "the sheet is empty; expected a header row", "row 1")]
        ) from None
    header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
    while header and not header[-1]:
        header.pop()
    rows: list[list[str | None]] = []
    lines: list[int] = []
    row_errors: dict[int, str] = {}
    for number, cells in rows_iter:
        values = cells[: len(header)]
        extra = [c for c in cells[len(header) :] if c.value is not None]
        if all(c.value is None for c in values) and not extra:
            continue  # an empty row holds no pledge (spreadsheets keep many)
        pos = len(rows)
        lines.append(number)
        texts: list[str | None] = []
        for h, c in zip(header, values, strict=False):
            try:
                texts.append(_excel_cell(c.value, c.data_type, h))
            except ValueError as exc:
                row_errors.setdefault(pos, str(exc))
                texts.append(None)
        if extra:
            row_errors[pos] = f"a value beyond the {len(header)} columns of the header (cell {extra[0].coordinate})"
        rows.append(texts)
    return RawTable(
        place,
        header,
        rows,
        lines,
        unit="row",
        header_location="row 1",
        row_errors=row_errors,
        strip=False,
        empty_rows="skip",
    )


# ---------------------------------------------------------------------------
# Writing


def write_pledges(
    pledges: Iterable[Pledge], path: str | os.PathLike[str], format: Format | None = None, *, sheet: str = EXCEL_SHEET
) -> None:
    """Write pledges as CSV, JSON, Parquet or Excel (format from the suffix), atomically.

    >>> import tempfile, pathlib
    >>> from aidtrack import Money, Pledge
    >>> ps = [Pledge(donor="=cmd|' /C calc'!A0", announced="2025-01-09", amount=Money(5, "EUR"))]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_pledges(ps, pathlib.Path(d, "p.csv"))
    ...     print(pathlib.Path(d, "p.csv").read_text().splitlines()[1][:30])
    ...     list(read_pledges(pathlib.Path(d, "p.csv"))) == ps
    '=cmd|' /C calc'!A0,2025-01-09
    True
    """
    fmt = detect_format(path, format)
    if fmt == "excel":
        check_sheet_name(sheet)
    items = list(pledges)
    target = Path(path)
    if fmt == "csv":
        write_pledges_csv(items, target)
    elif fmt == "json":
        text = json.dumps([p.model_dump(mode="json") for p in items], ensure_ascii=False, indent=2) + "\n"
        atomic_write_text(target, text)
    elif fmt == "parquet":
        _write_parquet(items, target)
    else:
        _write_excel_rows(
            target,
            sheet,
            list(FRAME_COLUMNS),
            [_pledge_cells(p) for p in items],
            date_columns={"date", "period_start", "period_end", "rate_date"},
        )


def _pledge_cells(pledge: Pledge) -> list[Any]:
    row = pledge_to_row(pledge)
    cells: list[Any] = [pledge.id]
    for name in COLUMNS:
        if name == "amount":
            cells.append(pledge.amount.amount)
        elif name == "date":
            cells.append(pledge.announced)
        elif name in ("period_start", "period_end"):
            cells.append(getattr(pledge.period, name.removeprefix("period_")) if pledge.period else None)
        elif name == "rate_date":
            cells.append(pledge.rate_date)
        else:
            cells.append(row[name] or None)
    return cells


def _write_parquet(pledges: list[Pledge], path: Path) -> None:
    pa = require("pyarrow", "parquet", "writing Parquet files")
    pq = require("pyarrow.parquet", "parquet", "writing Parquet files")
    rows = [_pledge_cells(p) for p in pledges]
    arrays = []
    fields = []
    for j, name in enumerate(FRAME_COLUMNS):
        values = [r[j] for r in rows]
        if name in ("date", "period_start", "period_end", "rate_date"):
            arrays.append(pa.array(values, type=pa.date32()))
            fields.append(pa.field(name, pa.date32()))
        else:
            text = [None if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v)) for v in values]
            arrays.append(pa.array(text, type=pa.string()))
            fields.append(pa.field(name, pa.string()))
    schema = pa.schema(fields, metadata={"aidtrack": "pledges/1", "amount": "exact decimal string"})
    table = pa.Table.from_arrays(arrays, schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)  # fully rendered before the file is touched
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())


def _excel_number(value: Decimal) -> float | int | str:
    """A number cell when it holds ``value`` exactly (and reads back to it), else text.

    Excel keeps 15 significant digits (and openpyxl writes no more), so a longer figure is text.
    """
    if len(value.normalize().as_tuple().digits) > 15:
        return format(value, "f")
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else format(value, "f")


def _write_excel_rows(
    path: Path,
    sheet: str,
    header: list[str],
    rows: Iterable[list[Any]],
    *,
    date_columns: set[str] = frozenset(),  # type: ignore[assignment]
    guard: Callable[[str], bool] = needs_guard,
) -> None:
    openpyxl = require("openpyxl", "excel", "writing Excel files")
    styles = require("openpyxl.styles", "excel", "writing Excel files")
    check_sheet_name(sheet)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for cell in ws[1]:
        cell.font = styles.Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, (name, value) in enumerate(zip(header, row, strict=True), start=1):
            if value is None:
                continue
            if isinstance(value, Decimal):
                value = _excel_number(value)
            elif isinstance(value, pd.Period):
                value = str(value)
            elif isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif isinstance(value, str):
                value = _encode_cr(value)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and (guard(value) or cell.data_type == "e"):
                cell.data_type = "s"  # text, never a formula (nor an error value: openpyxl makes "#N/A" one)
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
            elif isinstance(value, date) and name in date_columns:
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())


_SHEET_FORBIDDEN = set("[]:*?/\\")


def check_sheet_name(sheet: object) -> str:
    """Return ``sheet`` if Excel accepts it as a sheet name, else raise :class:`~aidtrack.errors.InvalidArgumentError`.

    Excel's rules: 1 to 31 characters, none of ``[ ] : * ? / \\``, not starting or ending with an
    apostrophe, and not ``History`` (reserved).

    >>> check_sheet_name("Pledges 2025")
    'Pledges 2025'
    """
    rule = "1 to 31 characters, none of [ ] : * ? / \\, no apostrophe at either end, not 'History'"
    if not isinstance(sheet, str):
        raise InvalidArgumentError("sheet", sheet, f"sheet must be a text name, not {type(sheet).__name__} ({sheet!r})")
    bad = sorted(set(sheet) & _SHEET_FORBIDDEN)
    if not 1 <= len(sheet) <= 31 or bad or sheet.startswith("'") or sheet.endswith("'") or sheet.lower() == "history":
        why = f" (it contains {' '.join(bad)})" if bad else ""
        raise InvalidArgumentError("sheet", sheet, f"invalid Excel sheet name {sheet!r}{why}: a sheet name has {rule}")
    return sheet


def write_frame(
    frame: pd.DataFrame, path: str | os.PathLike[str], format: Format | None = None, *, sheet: str = "Sheet1"
) -> None:
    """Export any result frame (totals, a converted frame, a pivot) as CSV, JSON, Parquet or Excel.

    Text cells are guarded against formula injection in CSV (leading
    apostrophe) and Excel (text cell with quote prefix). ``Decimal`` totals are
    written exactly: as text in CSV, JSON and Parquet, and in Excel as numbers
    when a number holds them exactly. Periods are written as text
    (``2025Q1``). The index is not written; an Excel file gets one sheet named
    ``sheet``; the write is atomic.
    """
    fmt = detect_format(path, format)
    if fmt == "excel":
        check_sheet_name(sheet)
    target = Path(path)
    flat = frame.copy()
    flat.columns = [str(c) for c in flat.columns]
    flat.attrs = {str(k): str(v) for k, v in frame.attrs.items()}  # Parquet keeps them as JSON text
    if fmt == "excel":
        rows = (list(r) for r in flat.itertuples(index=False, name=None))
        clean = ([None if _missing(v) else v for v in r] for r in rows)
        _write_excel_rows(target, sheet, list(flat.columns), clean)
        return
    for col in flat.columns:
        series = flat[col]
        if series.dtype == object or isinstance(series.dtype, pd.PeriodDtype) or pd.api.types.is_string_dtype(series):
            guarded = fmt == "csv"
            flat[col] = pd.Series(
                [
                    (guard_text(v) if guarded else v)
                    if type(v) is str
                    else (None if v.is_nan() else f"{v:f}")  # an exact amount, the commonest other cell
                    if type(v) is Decimal
                    else None
                    if _missing(v)
                    else _text(v, guarded)
                    for v in series.tolist()
                ],
                index=series.index,
                dtype=object,
            )
    if fmt == "csv":
        # text fields quoted: a lone carriage return in a note must not read back as a line break
        atomic_write_text(target, flat.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC))
    elif fmt == "json":
        atomic_write_text(target, _json_records(flat))
    else:
        require("pyarrow", "parquet", "writing Parquet files")
        buffer = io.BytesIO()
        flat.to_parquet(buffer, index=False)
        with atomic_path(target) as tmp:
            tmp.write_bytes(buffer.getvalue())


def _json_records(flat: pd.DataFrame) -> str:
    """``flat`` as a JSON array of records, floats and dates exactly as CSV writes them.

    pandas' ``to_json`` keeps 10 significant digits of a float (a rate 0.9156670634557275 became
    0.9156670635) and writes a date as a midnight time stamp; here a float is its shortest repr (it
    reads back as the same float) and a date without a time of day is ``YYYY-MM-DD``.
    """
    records = json.loads(flat.to_json(orient="records", date_format="iso", force_ascii=False))
    for col in flat.columns:
        series = flat[col]
        if pd.api.types.is_float_dtype(series.dtype):
            values: list[Any] = [float(v) if math.isfinite(v) else None for v in series.tolist()]
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            values = [
                None if pd.isna(v) else v.date().isoformat() if v == v.normalize() else v.isoformat()
                for v in series.tolist()
            ]
        else:
            continue
        for record, value in zip(records, values, strict=True):
            record[col] = value
    return json.dumps(records, ensure_ascii=False, indent=2)


def _missing(value: Any) -> bool:
    try:
        return bool(value is None or pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any, guarded: bool) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return guard_text(text) if guarded and not isinstance(value, Decimal) else text


# ---------------------------------------------------------------------------
# Converting whole files

CONVERSION_COLUMNS = (
    "converted",
    "converted_currency",
    "rate",
    "fixing_date",
    "fixing_first",
    "fixing_last",
    "fixing_count",
    "policy",
    "rate_source",
    "problem",
)
"""The columns :func:`convert_file` adds to every row (``fixing_date`` for a daily, exact or
fixed-date policy, ``fixing_first``/``fixing_last``/``fixing_count`` for a mean; ``problem``
only with ``errors="coerce"``). An input that has them (the output of an earlier
conversion) is converted afresh: they are replaced."""


@dataclass(frozen=True)
class FileConversion:
    """What :func:`convert_file` wrote: the frame, the rows with problems, and the rate provenance."""

    frame: pd.DataFrame
    """Every row of the input, with the columns of :data:`CONVERSION_COLUMNS`."""
    problems: tuple[RowProblem, ...]
    """Each row without a conversion, with its location in the input and the reason."""
    source: SourceInfo | None
    """The rate source (name, date range, URL, SHA-256) of every rate used."""

    @property
    def converted(self) -> int:
        """How many rows have a converted amount."""
        return len(self.frame) - len(self.problems)


def convert_file(
    path: str | os.PathLike[str] | IO[str],
    output: str | os.PathLike[str] | None,
    to: str,
    *,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = "half_even",
    format: Format | None = None,
    output_format: Format | None = None,
    columns: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    errors: Errors = "raise",
) -> FileConversion:
    """Convert every row of a pledge file into ``to`` and write the rows with their provenance.

    The input is read like :func:`read_pledges` reads it (any of its formats; ``columns``,
    ``sheet``, ``delimiter``, ``decimal``, ``date_format`` mean the same) and every row is
    checked by the same rules. The output (format from ``output``'s suffix, or
    ``output_format``; ``None`` writes nothing) holds each row's columns under aidtrack's
    names, the amount as exact decimal text (a decimal comma becomes a point), and the
    columns of :data:`CONVERSION_COLUMNS`: the converted amount (exact, rounded once to the
    target's minor unit), the rate (target units per unit, as a float: the converted amount
    is computed exactly from the fixings, see :func:`aidtrack.frames.convert.convert_frame`),
    the fixing date(s), the policy and the rate source's key. Written text is guarded
    against formula injection (CSV, Excel).

    With ``errors="raise"`` a bad row or a row without a rate raises
    :class:`~aidtrack.errors.PledgeFileError` listing every one with its location, and
    nothing is written. With ``errors="coerce"`` every row is still written, the bad ones
    with their cells as read, no conversion and a ``problem`` column saying why; the
    result's ``problems`` lists them. Rows are converted in one vectorised pass
    (``benchmarks/convert_file_1m.py``).
    """
    from aidtrack.files._columns import spread
    from aidtrack.files._table import to_frame
    from aidtrack.frames.convert import convert_frame
    from aidtrack.policy import as_policy, policy_name

    check_errors(errors)
    prep = _prepared(path, format, columns, sheet, delimiter, decimal, date_format, passthrough=CONVERSION_COLUMNS)
    located: Callable[[int, str], RowProblem]
    if prep is None:  # aidtrack's own JSON pledge objects
        from aidtrack.frames.rows import pledges_to_frame

        assert isinstance(path, str | os.PathLike)
        where = os.fspath(path)
        pledges, read_problems = _read_json_pledges(Path(path).read_bytes(), where, errors)
        frame = pledges_to_frame(pledges)
        frame["date"] = [d.date().isoformat() for d in frame["date"]]
        bad: dict[int, str] = {}
        loaded = len(pledges)
        extra_problems: list[RowProblem] = list(read_problems)

        def located(pos: int, reason: str) -> RowProblem:
            return LocatedRowProblem(pos + 1, reason, f"pledge {pos + 1} of the loaded ones")

    else:
        where = prep.table.where
        frame, bad = to_frame(prep)
        frame = frame.drop(columns=[c for c in CONVERSION_COLUMNS if c in frame.columns])
        loaded = len(frame)
        extra_problems = []
        located = prep.table.problem
    pol = as_policy(policy)
    good = np.array([i for i in range(loaded) if i not in bad], dtype=np.int64)
    sub = frame.iloc[good][["amount", "currency", "date"]].reset_index(drop=True)
    conv = convert_frame(sub, to, policy=pol, source=source, rounding=rounding, errors="coerce", dtype="decimal")
    meta = conv.attrs.get("aidtrack", {})
    for k, reason in zip(good.tolist(), conv["problem"].tolist(), strict=True):
        if isinstance(reason, str):
            bad[k] = reason
    problems = extra_problems + [located(pos, bad[pos]) for pos in sorted(bad)]
    if problems and errors == "raise":
        raise PledgeFileError(where, problems)
    order = [c for c in FRAME_COLUMNS if c in frame.columns]
    out = frame[order].copy()
    for name in ("converted", "rate", "fixing_date", "fixing_first", "fixing_last", "fixing_count", "rate_source"):
        if name not in conv.columns:
            continue
        column = conv[name].copy()
        if name == "converted":
            out[name] = spread(column, good, out.index)
            out["converted_currency"] = [meta.get("to") if ok else None for ok in out[name].notna().tolist()]
        else:
            out[name] = spread(column, good, out.index)
    out["policy"] = [policy_name(pol) if ok else None for ok in out["converted"].notna().tolist()]
    if errors == "coerce":
        out["problem"] = [bad.get(i) for i in range(len(out))]
    out.attrs["aidtrack"] = {**meta, "file": where}
    if output is not None:
        write_frame(out, output, output_format, sheet="Converted")
    return FileConversion(out, tuple(problems), meta.get("source"))
