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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from ._atomic import atomic_write_text
from .errors import AidtrackError, InvalidArgumentError, PledgeFileError, RowProblem
from .pledge import Pledge

__all__ = [
    "COLUMNS",
    "GUARDED_COLUMNS",
    "REQUIRED_COLUMNS",
    "header_problems",
    "pledge_from_row",
    "pledge_to_row",
    "read_pledges_csv",
    "write_pledges_csv",
]

REQUIRED_COLUMNS = ("donor", "date", "amount", "currency")
OPTIONAL_COLUMNS = (
    "country",
    "category",
    "measure",
    "qualifier",
    "recipient",
    "period_start",
    "period_end",
    "source",
    "source_title",
    "source_publisher",
    "notes",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
"""Every column a pledge CSV may have, in the order aidtrack writes them."""
GUARDED_COLUMNS = ("donor", "recipient", "notes", "source_title", "source_publisher")
"""Free-text columns guarded against formula injection in CSV (see :mod:`aidtrack.formula`)."""


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def pledge_from_row(row: dict[str, str | None], *, unguard: bool = False, strip: bool = True) -> Pledge:
    """Build a :class:`Pledge` from one CSV row (a dict of column to text).

    With ``unguard=True`` (the CSV reader) the :data:`GUARDED_COLUMNS` are
    taken as written, less one leading apostrophe (see :mod:`aidtrack.formula`). With
    ``strip=False`` (frames, Excel: typed cells) text keeps its surrounding
    whitespace, which only ``notes`` and the source title and publisher keep.
    """
    from .formula import unguard_text
    from .money import Money

    def get(name: str) -> str | None:
        value = row.get(name)
        if _blank(value):
            return None
        assert value is not None
        if unguard and name in GUARDED_COLUMNS:
            # free text is taken as written (the record keeps a note's whitespace), less the guard
            return unguard_text(value)
        return value.strip() if strip else value

    missing = [c for c in REQUIRED_COLUMNS if get(c) is None]
    if missing:
        raise ValueError(f"empty required field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    data: dict[str, Any] = {
        "donor": {"name": get("donor"), "country": get("country")},
        "announced": get("date"),
        "amount": Money(get("amount"), get("currency")),
    }
    for name in ("category", "measure", "qualifier", "recipient", "notes"):
        if get(name) is not None:
            data[name] = get(name)
    start, end = get("period_start"), get("period_end")
    if start is not None or end is not None:
        if start is None or end is None:
            raise ValueError("period_start and period_end must be given together")
        data["period"] = {"start": start, "end": end}
    source = {"url": get("source"), "title": get("source_title"), "publisher": get("source_publisher")}
    if any(v is not None for v in source.values()):
        data["source"] = source
    return Pledge.model_validate(data)


def pledge_to_row(pledge: Pledge) -> dict[str, str]:
    """One pledge as a CSV row (every column of :data:`COLUMNS`, blanks as ``""``)."""
    src = pledge.source
    return {
        "donor": pledge.donor.name,
        "date": pledge.announced.isoformat(),
        "amount": format(pledge.amount.amount, "f"),
        "currency": pledge.amount.currency,
        "country": pledge.donor.country or "",
        "category": pledge.category.value,
        "measure": pledge.measure.value,
        "qualifier": pledge.qualifier.value,
        "recipient": pledge.recipient,
        "period_start": pledge.period.start.isoformat() if pledge.period else "",
        "period_end": pledge.period.end.isoformat() if pledge.period else "",
        "source": (src.url or "") if src else "",
        "source_title": (src.title or "") if src else "",
        "source_publisher": (src.publisher or "") if src else "",
        "notes": pledge.notes or "",
    }


def header_problems(names: Sequence[str], valid: Sequence[str], *, unknown_hint: str | None = "") -> list[str]:
    """What is wrong with a pledge table's header: unknown, missing required or repeated columns.

    ``unknown_hint=None`` accepts unknown columns; otherwise the hint is appended to
    their message. Used for CSV, Excel and DataFrame input alike.

    >>> header_problems(["donor", "date", "amount", "colour"], COLUMNS)[1]
    'missing required column(s): currency'
    """
    problems = []
    unknown = [h for h in names if h not in valid]
    if unknown and unknown_hint is not None:
        problems.append(
            f"unknown column(s) {', '.join(repr(u) for u in unknown)}; valid columns: {', '.join(valid)}{unknown_hint}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if len(set(names)) != len(names):
        problems.append("a column name appears twice")
    return problems


def _rows(fh: IO[str], where: str) -> Iterator[tuple[int, dict[str, str | None]]]:
    reader = csv.DictReader(fh, restkey="\0extra")
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
            raise PledgeFileError(where, [RowProblem(1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from exc
    return _read(source, getattr(source, "name", "<stream>"))


def _read(fh: IO[str], where: str) -> list[Pledge]:
    pledges: list[Pledge] = []
    problems: list[RowProblem] = []
    for line, row in _rows(fh, where):
        if row.get("\0extra"):
            problems.append(RowProblem(line, f"more fields than the {len(row) - 1} columns of the header"))
            continue
        if all(_blank(v) for v in row.values()):
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
    from .formula import guard_text

    for p in pledges:
        row = pledge_to_row(p)
        for name in GUARDED_COLUMNS:
            row[name] = guard_text(row[name])
        (quoted if any("\r" in v for v in row.values()) else writer).writerow(row)
