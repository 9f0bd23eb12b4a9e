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
row rather than read as text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import pandas as pd

from aidtrack._atomic import atomic_path, atomic_write_text
from aidtrack._extras import require
from aidtrack.errors import AidtrackError, DataFormatError, InvalidArgumentError, PledgeFileError, RowProblem
from aidtrack.files.csvfile import read_pledges_csv, write_pledges_csv
from aidtrack.formula import guard_text, needs_guard
from aidtrack.frames.collection import Pledges
from aidtrack.frames.rows import FRAME_COLUMNS, LocatedRowProblem, frame_to_pledges
from aidtrack.tabular import COLUMNS, header_problems, pledge_to_row

if TYPE_CHECKING:
    from aidtrack.pledge import Pledge

__all__ = [
    "FORMATS",
    "Format",
    "check_sheet_name",
    "detect_format",
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


def read_pledges(path: str | os.PathLike[str], format: Format | None = None, *, sheet: str | None = None) -> Pledges:
    """Read every pledge of a CSV, JSON, Parquet or Excel file (format from the suffix).

    ``sheet`` picks the Excel sheet (default: ``Pledges`` if there is one,
    else the first).
    """
    fmt = detect_format(path, format)
    where = os.fspath(path)
    if fmt == "csv":
        return Pledges(read_pledges_csv(path))
    if fmt == "json":
        return Pledges(_read_json(Path(path).read_bytes(), where))
    if fmt == "parquet":
        return Pledges(_read_parquet(path, where))
    return Pledges(_read_excel(path, where, sheet))


def _read_json(data: bytes, where: str) -> list[Pledge]:
    from aidtrack._record import loads_exact
    from aidtrack.pledge import Pledge

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
    if not isinstance(doc, list):
        raise PledgeFileError(where, [RowProblem(1, "expected a JSON list of pledge objects")])
    pledges: list[Pledge] = []
    problems: list[RowProblem] = []
    for n, item in enumerate(doc, start=1):
        try:
            if not isinstance(item, dict):
                raise ValueError(f"expected a pledge object, got {type(item).__name__}")
            pledges.append(Pledge.model_validate(item))
        except (AidtrackError, ValueError) as exc:
            problems.append(LocatedRowProblem(n, str(exc), f"pledge {n}"))
    if problems:
        raise PledgeFileError(where, problems)
    return pledges


def _read_parquet(path: str | os.PathLike[str], where: str) -> list[Pledge]:
    pq = require("pyarrow.parquet", "parquet", "reading Parquet files")
    pa = require("pyarrow", "parquet", "reading Parquet files")
    try:
        table = pq.read_table(path)
        frame = table.to_pandas()
    except FileNotFoundError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:  # ArrowInvalid for bytes that are not Parquet
        raise PledgeFileError(where, [RowProblem(1, f"not a readable Parquet file ({exc})")]) from exc
    return frame_to_pledges(frame, where=where)


def _excel_cell(value: Any, data_type: str, column: str) -> str | None:
    if data_type == "f":
        raise ValueError(f"{column}: the cell holds a formula ({value!r}); aidtrack reads values only")
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{column}: expected text, a number or a date, got a boolean")
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
            raise ValueError(f"{column} must be a calendar date, got a date-time {value.isoformat()!r}")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return _decode_cr(str(value))


# An .xlsx file is XML, whose parsers turn a carriage return into a line feed; Excel writes it
# as "_x000D_" (and a literal "_x000D_" as "_x005F_x000D_"), and so does aidtrack, both ways.
_CR_TOKENS = re.compile(r"_x005F_x000D_|_x000D_")


def _encode_cr(text: str) -> str:
    if "\r" not in text and "_x000D_" not in text:
        return text
    return re.sub(r"_x000D_|\r", lambda m: "_x005F_x000D_" if m.group(0) == "_x000D_" else "_x000D_", text)


def _decode_cr(text: str) -> str:
    if "_x000D_" not in text:
        return text
    return _CR_TOKENS.sub(lambda m: "_x000D_" if m.group(0).startswith("_x005F") else "\r", text)


def _read_excel(path: str | os.PathLike[str], where: str, sheet: str | None) -> list[Pledge]:
    openpyxl = require("openpyxl", "excel", "reading Excel files")
    from aidtrack.tabular import pledge_from_row

    try:
        wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise PledgeFileError(where, [RowProblem(1, f"not a readable .xlsx file ({exc})")]) from exc
    if sheet is None:
        sheet = EXCEL_SHEET if EXCEL_SHEET in wb.sheetnames else wb.sheetnames[0]
    if sheet not in wb.sheetnames:
        raise PledgeFileError(where, [RowProblem(1, f"no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}")])
    ws = wb[sheet]
    place = f"{where}, sheet {sheet!r}"
    rows = ws.iter_rows()
    try:
        header_cells = next(rows)
    except StopIteration:
        raise PledgeFileError(
            place, [LocatedRowProblem(1, "the sheet is empty; expected a header row", "row 1")]
        ) from None
    header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
    while header and not header[-1]:
        header.pop()
    problems: list[RowProblem] = [
        LocatedRowProblem(1, reason, "row 1") for reason in header_problems(header, FRAME_COLUMNS)
    ]
    if problems:
        raise PledgeFileError(place, problems)
    pledges: list[Pledge] = []
    for cells in rows:
        row_no = cells[0].row if cells else 0
        values = cells[: len(header)]
        extra = [c for c in cells[len(header) :] if c.value is not None]
        if all(c.value is None for c in values) and not extra:
            continue  # an empty row holds no pledge (spreadsheets keep many)
        location = f"row {row_no}"
        try:
            if extra:
                raise ValueError(f"a value beyond the {len(header)} columns of the header (cell {extra[0].coordinate})")
            row = {h: _excel_cell(c.value, c.data_type, h) for h, c in zip(header, values, strict=False)}
            given_id = row.pop("id", None)
            pledge = pledge_from_row(row, strip=False)
            if given_id and given_id != pledge.id:
                raise ValueError(f"id {given_id!r} does not match the row's content (its id is {pledge.id!r})")
        except (AidtrackError, ValueError) as exc:
            problems.append(LocatedRowProblem(row_no, str(exc), location))
            continue
        pledges.append(pledge)
    if problems:
        raise PledgeFileError(place, problems)
    return pledges


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
            date_columns={"date", "period_start", "period_end"},
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
        if name in ("date", "period_start", "period_end"):
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
            if isinstance(value, str) and guard(value):
                cell.data_type = "s"  # text, never a formula
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
            flat[col] = series.map(lambda v: None if _missing(v) else _text(v, fmt == "csv"), na_action=None).astype(
                object
            )
    if fmt == "csv":
        # text fields quoted: a lone carriage return in a note must not read back as a line break
        atomic_write_text(target, flat.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC))
    elif fmt == "json":
        atomic_write_text(target, flat.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    else:
        require("pyarrow", "parquet", "writing Parquet files")
        buffer = io.BytesIO()
        flat.to_parquet(buffer, index=False)
        with atomic_path(target) as tmp:
            tmp.write_bytes(buffer.getvalue())


def _missing(value: Any) -> bool:
    try:
        return bool(value is None or pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any, guarded: bool) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return guard_text(text) if guarded and not isinstance(value, Decimal) else text
