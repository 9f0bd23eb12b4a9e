"""Output of the command line: aligned text tables, CSV and JSON that are safe to show and to open.

Text from an input file (a donor's name, a note) reaches the terminal and spreadsheets. So
every renderer goes through one of these helpers:

* :func:`safe_text` removes terminal control characters (C0 such as ESC, DEL, C1 such as
  CSI ``\\x9b``) from text shown in a table or a message: no escape sequence from a file can
  recolour, move the cursor, retitle the window or hide what follows;
* :func:`write_csv` writes CSV with control characters removed from text (tabs and line feeds
  kept) and every text cell guarded against spreadsheet formula injection
  (:func:`aidtrack.formula.guard_text`), numbers plain; :func:`safe_csv` cleans CSV text that
  a file writer rendered (``aidtrack extract --csv``);
* :func:`dump_json` writes JSON whose strings carry no raw control character (C0 and
  DEL/C1 are ``\\u`` escapes), so text is exact but inert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TextIO

__all__ = ["dump_json", "render_table", "safe_csv", "safe_text", "write_csv"]

_CONTROL = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])
"""C0 controls, DEL and C1 controls: removed from text shown on a terminal."""
_JSON_C1 = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


_CONTROL_KEEP_LINES = {k: v for k, v in _CONTROL.items() if chr(k) not in "\t\n"}


def safe_text(text: str, *, lines: bool = False) -> str:
    """``text`` without terminal control characters (C0, DEL, C1); ``lines=True`` keeps tabs and line feeds.

    >>> safe_text("Nor\\x1b[31mway\\x9b2J")
    'Nor[31mway2J'
    """
    return text.translate(_CONTROL_KEEP_LINES if lines else _CONTROL)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """A plain-text table with aligned columns; every cell passes through :func:`safe_text`."""
    headers = [safe_text(h) for h in headers]
    rows = [[safe_text(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _csv_cell(value: Any) -> str:
    from aidtrack.formula import guard_text

    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return "" if value != value else str(value)
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _csv_cell(value.item())
    return guard_text(safe_text(str(value), lines=True))


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV for a terminal or a spreadsheet: control characters removed from text (tabs and line feeds
    kept, quoted), then every text cell (and the header) guarded against formula injection;
    numbers as plain text."""
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])


def safe_csv(text: str) -> str:
    """CSV text rendered by a file writer (already formula-guarded), without terminal control characters.

    Tabs and line feeds stay (a line feed inside a field is quoted by the writer).
    """
    return safe_text(text, lines=True)


def dump_json(data: Any, out: TextIO) -> None:
    """``data`` as indented JSON, non-ASCII text kept, every control character (C0, DEL, C1) escaped."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    out.write(text.translate(_JSON_C1) + "\n")
