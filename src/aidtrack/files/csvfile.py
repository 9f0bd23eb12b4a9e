"""Reading and writing pledge CSV files (UTF-8, comma-separated, header row).

Columns (only the first four are required; the order is free)::

    donor, date, amount, currency,
    country, category, measure, qualifier, recipient,
    period_start, period_end, source, source_title, source_publisher, notes

``date`` is ``YYYY-MM-DD``; ``amount`` a plain decimal number (``440000000``
or ``1250.50``: no thousands separators, which differ between locales);
``country`` an ISO 3166 alpha-2 code (inferred from the donor's name when it
is a country's English or German name); ``source`` a URL.

Free text (``donor``, ``recipient``, ``notes``, ``source_title``,
``source_publisher``) is guarded against spreadsheet formula injection
(:mod:`aidtrack.formula`): a value starting with ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or an apostrophe is written with one more apostrophe in
front, and the reader removes one leading apostrophe from these columns, so a
written file reads back exactly. (A hand-made file whose donor starts with an
apostrophe therefore needs two.) The reader takes free text as written, its
whitespace included (donor and recipient names are then normalised by
:class:`~aidtrack.pledge.Pledge`); the other fields are stripped. A row holding a
lone carriage return is written with every field quoted.

Reading checks every row and, if any is bad, raises
:class:`~aidtrack.errors.PledgeFileError` listing each bad row's line number
and reason: a file loads completely or not at all. Writing goes to a
temporary file that replaces the target only once it is complete, so a crash
never leaves a half-written file.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from aidtrack._atomic import atomic_write_text
from aidtrack.errors import AidtrackError, InvalidArgumentError, PledgeFileError, RowProblem
from aidtrack.pledge import Pledge
from aidtrack.tabular import (
    COLUMNS,
    GUARDED_COLUMNS,
    REQUIRED_COLUMNS,
    header_problems,
    is_blank,
    pledge_from_row,
    pledge_to_row,
)

__all__ = ["read_pledges_csv", "write_pledges_csv"]


FIELD_LIMIT = 64 * 1024 * 1024
"""The longest field read (characters). The csv module's default, 131,072, is raised to this
(process-wide, never lowered) on the first read: a long note is data, not an error."""


def _raise_field_limit() -> None:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def _rows(fh: IO[str], where: str) -> Iterator[tuple[int, dict[str, str | None]]]:
    _raise_field_limit()
    reader = csv.DictReader(fh, restkey="\0extra")
    try:
        yield from _checked_rows(reader, where)
    except csv.Error as exc:
        raise PledgeFileError(where, [RowProblem(reader.line_num or 1, f"not readable as CSV ({exc})")]) from None


def _checked_rows(reader: csv.DictReader[str], where: str) -> Iterator[tuple[int, dict[str, str | None]]]:
    header = reader.fieldnames
    if not header:
        raise PledgeFileError(where, [RowProblem(1, "the file is empty; expected a header row")])
    names = [h.strip() if h else h for h in header]
    problems = header_problems(names, COLUMNS)
    if problems:
        raise PledgeFileError(where, [RowProblem(1, reason) for reason in problems])
    reader.fieldnames = names
    line = reader.line_num
    for row in reader:
        start = line + 1
        line = reader.line_num
        yield start, row


def read_pledges_csv(source: str | os.PathLike[str] | IO[str]) -> list[Pledge]:
    """Read every pledge of a CSV file (a path or an open text file).

    >>> import io
    >>> text = "donor,date,amount,currency,category\\nCanada,2025-01-09,440000000,CAD,military\\n"
    >>> [p.amount for p in read_pledges_csv(io.StringIO(text))]
    [Money('440000000', 'CAD')]
    """
    if isinstance(source, str | os.PathLike):
        where = os.fspath(source)
        try:
            with open(source, encoding="utf-8-sig", newline="") as fh:
                return _read(fh, where)
        except UnicodeDecodeError as exc:
            raise PledgeFileError(where, [RowProblem(1, _not_utf8(source, exc))]) from None
    return _read(source, getattr(source, "name", "<stream>"))


def _not_utf8(path: str | os.PathLike[str], exc: UnicodeDecodeError) -> str:
    """Where the first byte that is not UTF-8 is (the decoder's offsets are per chunk: find it again)."""
    try:
        data = Path(path).read_bytes()
        data.decode("utf-8-sig")
    except UnicodeDecodeError as whole:
        exc = whole
        byte = data[whole.start]
    except OSError:
        byte = None
    else:  # pragma: no cover - the file changed between the two reads
        byte = None
    shown = f"byte 0x{byte:02x}" if byte is not None else "a byte"
    return f"not UTF-8 text: {shown} at offset {exc.start} cannot be decoded ({exc.reason}); save the file as UTF-8"


def _read(fh: IO[str], where: str) -> list[Pledge]:
    pledges: list[Pledge] = []
    problems: list[RowProblem] = []
    for line, row in _rows(fh, where):
        if row.get("\0extra"):
            problems.append(RowProblem(line, f"more fields than the {len(row) - 1} columns of the header"))
            continue
        if all(is_blank(v) for v in row.values()):
            problems.append(RowProblem(line, "empty row (every field blank)"))
            continue
        try:
            pledges.append(pledge_from_row(row, unguard=True))
        except (AidtrackError, ValueError) as exc:
            problems.append(RowProblem(line, str(exc)))
    if problems:
        raise PledgeFileError(where, problems)
    return pledges


def write_pledges_csv(
    pledges: Iterable[Pledge], target: str | os.PathLike[str] | IO[str], *, columns: Iterable[str] = COLUMNS
) -> None:
    """Write pledges as CSV (all of :data:`COLUMNS` unless ``columns`` says fewer).

    Free text that a spreadsheet would run as a formula gets a leading
    apostrophe (see the module docs); :func:`read_pledges_csv` removes it.

    A path is written atomically: to a temporary file in the same folder,
    flushed to disk, then renamed over the target.
    """
    cols = list(columns)
    bad = [c for c in cols if c not in COLUMNS]
    if bad:
        raise InvalidArgumentError("columns", bad, f"unknown column(s) {bad}; valid columns: {', '.join(COLUMNS)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise InvalidArgumentError("columns", cols, f"columns must include {', '.join(missing)}")
    if not isinstance(target, str | os.PathLike):
        _write(pledges, target, cols)
        return
    path = Path(target)
    buffer = io.StringIO()
    _write(pledges, buffer, cols)  # fully rendered before the file is touched
    atomic_write_text(path, buffer.getvalue())


def _write(pledges: Iterable[Pledge], fh: IO[str], cols: list[str]) -> None:
    writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    # the csv module quotes a field with "\n" but not one with a lone "\r" (not in the line
    # terminator), which a reader then takes for a line break: quote every field of such a row
    quoted = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore", lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    from aidtrack.formula import guard_text

    for p in pledges:
        row = pledge_to_row(p)
        for name in GUARDED_COLUMNS:
            row[name] = guard_text(row[name])
        (quoted if any("\r" in v for v in row.values()) else writer).writerow(row)
