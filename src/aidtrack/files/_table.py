"""Private to :mod:`aidtrack.files`: one pipeline from a file's raw cells to pledges or a checked frame.

Each format's reader (CSV in :mod:`~aidtrack.files.csvfile`, Excel, JSON records and Parquet in
:mod:`~aidtrack.files.formats`) turns its file into a :class:`RawTable` (header text, cells as
text, a location per row); everything after that is shared, so every format applies the same
rules (those of :mod:`aidtrack.tabular`): header matching and ``columns=``, the decimal
separator, ``date_format``, one header problem, every bad row with its location.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

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

__all__ = ["Errors", "Prepared", "RawTable", "check_errors", "prepare", "to_pledges"]

Errors = Literal["raise", "coerce"]


def check_errors(errors: str) -> None:
    if errors not in ("raise", "coerce"):
        raise InvalidArgumentError("errors", errors, f"errors must be 'raise' or 'coerce', got {errors!r}")


@dataclass
class RawTable:
    """A file's cells as text (``None`` for an empty cell), before any checking."""

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
    rows: list[dict[str, str | None] | None]  # None where the row is bad
    problems: dict[int, str]  # position -> reason
    decimal: str | None
    decimal_note: str
    keep: list[tuple[int, str]]  # (header position, canonical name) of each column read
    amount_problems: dict[int, str] = field(default_factory=dict)  # position -> why the amount cannot be read


def prepare(
    table: RawTable,
    *,
    columns: Mapping[str, str | None] | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    passthrough: Sequence[str] = (),
) -> Prepared:
    """Check the header (one problem, raised) and normalise every row's amount and dates."""
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
    amount_at = names.index("amount")
    note = " (decimal separator given)"
    if decimal is None:
        amounts = (r[keep[amount_at][0]] if keep[amount_at][0] < len(r) else None for r in table.rows)
        try:
            decimal = detect_decimal(amounts)
        except InvalidArgumentError as exc:
            raise PledgeFileError(table.where, [HeaderProblem(1, str(exc), "column 'amount'")]) from None
        if decimal is not None:
            note = f" (decimal separator {decimal!r} detected from the amounts; force another with decimal=)"
        elif not table.ambiguous:
            decimal = "."
            note = ""
        else:
            note = ""
    rows: list[dict[str, str | None] | None] = []
    problems: dict[int, str] = {}
    amount_problems: dict[int, str] = {}
    dates = [n for n in names if n in DATE_COLUMNS]
    for pos, cells in enumerate(table.rows):
        if pos in table.row_errors:
            problems[pos] = table.row_errors[pos]
            rows.append(None)
            continue
        row = {name: (cells[j] if j < len(cells) else None) for j, name in keep}
        if all(is_blank(v) for v in row.values()):
            if table.empty_rows == "problem":
                problems[pos] = "empty row (every field blank)"
            rows.append(None)
            continue
        try:
            value = row["amount"]
            if value is not None and value.strip():
                try:
                    row["amount"] = amount_text(value, decimal)
                except ValueError as exc:
                    amount_problems[pos] = f"{exc}{note}"
                    row["amount"] = "1"  # a stand-in, so that the row's other problems are found too
            for name in dates:
                value = row[name]
                if value is not None and value.strip():
                    row[name] = date_text(value, date_format, column=name)
        except ValueError as exc:
            problems[pos] = str(exc)
            rows.append(None)
            continue
        rows.append(row)
    return Prepared(table, names, rows, problems, decimal, note, keep, amount_problems)


def to_pledges(prep: Prepared, errors: Errors) -> tuple[list[Pledge], list[RowProblem]]:
    """One pledge per good row; every bad row as a located problem (raised unless ``errors="coerce"``)."""
    table = prep.table
    pledges: list[Pledge] = []
    problems: dict[int, str] = dict(prep.problems)
    for pos, row in enumerate(prep.rows):
        if row is None:
            continue
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
            problems[pos] = f"{amount}; {exc}" if amount else str(exc)
            continue
        if pos in prep.amount_problems:
            problems[pos] = prep.amount_problems[pos]
            continue
        pledges.append(pledge)
    report = [table.problem(pos, problems[pos]) for pos in sorted(problems)]
    if report and errors == "raise":
        raise PledgeFileError(table.where, report)
    return pledges, report


def to_frame(prep: Prepared) -> tuple[pd.DataFrame, dict[int, str]]:
    """The good and bad rows as one frame of text (amount as ``Decimal``), and the reason of each bad row.

    The checks are those of :func:`to_pledges` (a row is good here exactly when it makes a
    pledge there), done once per distinct value instead of once per row: the amount and its
    sign per row, dates per distinct date, and the other fields per distinct combination.
    """
    import pandas as pd

    from aidtrack.amounts import to_decimal
    from aidtrack.tabular import COLUMNS

    table = prep.table
    problems: dict[int, str] = dict(prep.problems)
    names = prep.names
    n = len(prep.rows)
    data: dict[str, list[Any]] = {name: [None] * n for name in names}
    amounts: list[Decimal | str | None] = [None] * n
    combos: dict[tuple[str | None, ...], str | None] = {}
    date_ok: dict[tuple[str, str], str | None] = {}
    others = [c for c in COLUMNS if c in names and c not in ("amount", *DATE_COLUMNS)]
    has_period = "period_start" in names or "period_end" in names
    for pos, row in enumerate(prep.rows):
        if row is None:  # a bad row keeps its cells as they were, beside its problem
            cells = table.rows[pos]
            for j, name in prep.keep:
                data[name][pos] = cells[j] if j < len(cells) else None
                if name == "amount":
                    amounts[pos] = data[name][pos]
            continue
        for name in names:
            data[name][pos] = row[name]
        if all(is_blank(v) for k, v in row.items() if k in COLUMNS):
            problems[pos] = "empty row (every field blank)"
            continue
        text = row["amount"]
        amounts[pos] = text
        reason: str | None = None
        if pos in prep.amount_problems:
            j = next(j for j, name in prep.keep if name == "amount")
            cells = table.rows[pos]
            amounts[pos] = data["amount"][pos] = cells[j] if j < len(cells) else None
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
                amounts[pos] = value
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
        if reason is not None:
            problems[pos] = reason
    frame = pd.DataFrame({name: data[name] for name in names}, dtype=object)
    frame["amount"] = pd.Series(amounts, dtype=object) if n else pd.Series([], dtype=object)
    from aidtrack.formula import unguard_text
    from aidtrack.tabular import GUARDED_COLUMNS

    for name in names:
        if name == "amount":
            continue
        if name in GUARDED_COLUMNS and table.unguard:
            frame[name] = [unguard_text(v) if isinstance(v, str) else v for v in frame[name].tolist()]
        elif name not in GUARDED_COLUMNS and table.strip:
            frame[name] = [v.strip() if isinstance(v, str) else v for v in frame[name].tolist()]
    return frame, problems


def _check_date(text: str, column: str) -> str | None:
    from aidtrack._dates import parse_iso_date

    try:
        parse_iso_date(text, what="announced date" if column == "date" else column)
    except ValueError as exc:
        return str(exc)
    return None
