"""Reading and writing pledge CSV files (UTF-8, header row; aidtrack writes commas, and reads any delimiter).

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

Reading detects the delimiter (``,``, ``;``, tab or ``|``: the one that splits the
header and the first lines into equal numbers of columns; ``delimiter=`` forces one)
and says which one it used when the header does not fit. Headers, amounts with a
decimal comma and dates in other formats are read by the rules of
:mod:`aidtrack.tabular` (``columns=``, ``decimal=``, ``date_format=``; see
:func:`aidtrack.files.read_pledges`).

Reading checks every row and, if any is bad, raises
:class:`~aidtrack.errors.PledgeFileError` listing each bad row's line number
and reason: a file loads completely or not at all. Writing goes to a
temporary file that replaces the target only once it is complete, so a crash
never leaves a half-written file.
"""

from __future__ import annotations

import codecs
import csv
import importlib
import io
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from aidtrack._atomic import atomic_write_text
from aidtrack.errors import InvalidArgumentError, PledgeFileError, RowProblem
from aidtrack.files._table import RawTable, prepare, to_pledges
from aidtrack.pledge import Pledge
from aidtrack.tabular import COLUMNS, GUARDED_COLUMNS, REQUIRED_COLUMNS, pledge_to_row

__all__ = ["DELIMITERS", "detect_delimiter", "read_csv_table", "read_pledges_csv", "write_pledges_csv"]


FIELD_LIMIT = 64 * 1024 * 1024
"""The longest field read (characters). The csv module's default, 131,072, is raised to this
(process-wide, never lowered) on the first read: a long note is data, not an error."""


def _raise_field_limit() -> None:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


DELIMITERS = (",", ";", "\t", "|")
"""The field delimiters the reader detects, in order of preference."""
_SAMPLE = 1 << 16


def _name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


def detect_delimiter(sample: str) -> str | None:
    """The delimiter of a CSV text from its first lines: the one of :data:`DELIMITERS` that splits
    the header into the most columns, every other line into as many; ``None`` if none splits it.

    >>> detect_delimiter("Geber;Datum;Betrag\\nKanada;2025-01-09;440000000,50\\n")
    ';'
    >>> detect_delimiter("donor\\nCanada\\n") is None
    True
    """
    lines = sample.splitlines()
    if len(sample) >= _SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    lines = [line for line in lines[:100] if line.strip()]
    best: tuple[int, int, int] | None = None
    choice = None
    for rank, delimiter in enumerate(DELIMITERS):
        try:
            counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        agree = sum(c == counts[0] for c in counts[1:])
        score = (int(agree == len(counts) - 1), counts[0], -rank)
        if best is None or score > best:
            best, choice = score, delimiter
    return choice


def read_csv_table(
    source: str | os.PathLike[str] | IO[str], *, delimiter: str | None = None, where: str | None = None
) -> RawTable:
    """The cells of a CSV file (path or open text file) as a :class:`RawTable`, delimiter detected unless given."""
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise InvalidArgumentError(
            "delimiter",
            delimiter,
            f"delimiter must be one character other than a quote or line break, got {delimiter!r}",
        )
    if isinstance(source, str | os.PathLike):
        name = where or os.fspath(source)
        try:
            with open(source, "rb") as binary:
                raw = binary.read()
            with open(source, encoding="utf-8-sig", newline="") as fh:
                return _table(fh, name, delimiter, raw)
        except UnicodeDecodeError as exc:
            raise PledgeFileError(name, [RowProblem(1, _not_utf8(source, exc))]) from None
    name = where or str(getattr(source, "name", "<stream>"))
    read = getattr(source, "read", None)
    if not callable(read):
        raise InvalidArgumentError(
            "path", source, f"expected a file's path or an open text file, got {type(source).__name__} ({source!r:.80})"
        )
    try:
        as_bytes = isinstance(read(0), bytes | bytearray)  # a zero-length read tells the mode without taking anything
    except TypeError:  # a read() without a size
        as_bytes = False
    if as_bytes:
        raise InvalidArgumentError(
            "path",
            source,
            f"the open file {name} is in binary mode; pass its path, or open it as text: "
            "open(path, encoding='utf-8', newline='')",
        )
    try:
        seekable = source.seekable()
    except (AttributeError, ValueError, OSError):
        seekable = False
    if not seekable:
        text = source.read()
        source = io.StringIO(text.removeprefix("\ufeff"))
    return _table(source, name, delimiter)


def _table(fh: IO[str], where: str, delimiter: str | None, raw: bytes | None = None) -> RawTable:
    start = fh.tell()
    sample = fh.read(_SAMPLE)
    fh.seek(start)
    if sample.startswith("\ufeff"):
        fh.read(1)
        sample = sample[1:]
    if delimiter is not None:
        used, context = delimiter, f" (read with the delimiter {_name(delimiter)} you gave)"
    else:
        found = detect_delimiter(sample)
        if found is None:
            used = ","
            tried = ", ".join(_name(d) for d in DELIMITERS)
            context = (
                f" (no delimiter detected: none of {tried} splits the header into columns, so it was read as "
                "one column; pass delimiter= if the file uses another)"
            )
        else:
            used, context = found, f" (read with the detected delimiter {_name(found)}; force another with delimiter=)"
    fast = _arrow_table(fh, raw, where, used, context)
    if fast is not None:
        return fast
    _raise_field_limit()
    reader = csv.reader(fh, delimiter=used)
    try:
        return _read_rows(reader, where, context, used)
    except csv.Error as exc:
        raise PledgeFileError(where, [RowProblem(reader.line_num or 1, f"not readable as CSV ({exc})")]) from None


_FILLED = re.compile(rb"[^\r\n]")


def _arrow_table(fh: IO[str], raw: bytes | None, where: str, used: str, context: str) -> RawTable | None:
    """The table read by pyarrow's CSV parser, column by column, when that gives exactly what the csv module
    gives; else ``None``.

    That is a file without quotes, lone carriage returns, empty lines or NUL characters, whose
    every line has the header's number of fields: then each line is one row, split at the
    delimiter. pyarrow refuses anything else (a short or long row, a byte that is not UTF-8),
    and the csv module reads it instead, with its line numbers and messages. ``raw`` is the
    file's bytes (``None``: read the text from ``fh``, which is left where it was).
    """
    try:  # pyarrow is optional (aidtrack[parquet]); without it the csv module reads every file
        pa: Any = importlib.import_module("pyarrow")
        pacsv: Any = importlib.import_module("pyarrow.csv")
    except ImportError:
        return None
    if raw is None:
        start = fh.tell()
        raw = fh.read().encode("utf-8", "surrogatepass")
        fh.seek(start)
    begin = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    if b'"' in raw or b"\x00" in raw or (b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n")):
        return None
    end = raw.find(b"\n", begin)
    if end < 0 or _FILLED.search(raw, end + 1) is None or raw[end + 1 : end + 2] in (b"\r", b"\n"):
        return None  # no rows, or an empty first line (a row the csv module reads as empty): the csv module says so
    try:
        header = [h.strip() for h in raw[begin:end].decode("utf-8").removesuffix("\r").split(used)]
    except UnicodeDecodeError:
        return None
    names = [f"c{j}" for j in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(raw).slice(end + 1)),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=used, quote_char=False, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    n = table.num_rows
    lines = raw.count(b"\n", end + 1) + (not raw.endswith(b"\n"))
    if n != lines:
        return None  # pyarrow skipped an empty line (a row the csv module reads as empty): the csv module says so
    return RawTable(
        where,
        header,
        [],
        list(range(2, n + 2)),
        context=context,
        unguard=True,
        strip=True,
        ambiguous=used == ";",
        arrow={j: table.column(j) for j in range(len(header))},
    )


def _read_rows(reader: Any, where: str, context: str, used: str) -> RawTable:
    try:
        header = next(reader)
    except StopIteration:
        raise PledgeFileError(where, [RowProblem(1, "the file is empty; expected a header row")]) from None
    header = [h.strip() for h in header]
    width = len(header)
    rows: list[list[str | None]] = []
    lines: list[int] = []
    row_errors: dict[int, str] = {}
    line = reader.line_num
    for record in reader:
        lines.append(line + 1)
        line = reader.line_num
        if len(record) > width and any(v.strip() for v in record[width:]):
            row_errors[len(rows)] = f"more fields than the {width} columns of the header"
        rows.append(record)
    return RawTable(
        where,
        header,
        rows,
        lines,
        context=context,
        row_errors=row_errors,
        unguard=True,
        strip=True,
        ambiguous=used == ";",
    )


def read_pledges_csv(
    source: str | os.PathLike[str] | IO[str],
    *,
    columns: Mapping[str, str | None] | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
) -> list[Pledge]:
    """Read every pledge of a CSV file (a path or an open text file); see :func:`aidtrack.files.read_pledges`
    for ``columns``, ``delimiter``, ``decimal`` and ``date_format``.

    >>> import io
    >>> text = "donor,date,amount,currency,category\\nCanada,2025-01-09,440000000,CAD,military\\n"
    >>> [p.amount for p in read_pledges_csv(io.StringIO(text))]
    [Money('440000000', 'CAD')]
    >>> text = "Geber;Datum;Betrag;Währung\\nKanada;09.01.2025;440.000.000,50;CAD\\n"
    >>> german = {"Geber": "donor", "Datum": "date", "Betrag": "amount", "Währung": "currency"}
    >>> [p.amount for p in read_pledges_csv(io.StringIO(text), columns=german, date_format="%d.%m.%Y")]
    [Money('440000000.50', 'CAD')]
    """
    table = read_csv_table(source, delimiter=delimiter)
    prep = prepare(table, columns=columns, decimal=decimal, date_format=date_format)
    return to_pledges(prep, "raise")[0]


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
