"""Guarding exported text against spreadsheet formula injection (pure functions).

A spreadsheet program that opens a CSV file runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and, in some programs, a tab or carriage return
followed by one) as a formula: a donor name or a note copied from an untrusted
web page could then read other cells or start a program (OWASP "CSV
injection"). aidtrack neutralises such text when it writes CSV:

* :func:`guard_text` puts an apostrophe (``'``) before text that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and also before text
  that already starts with an apostrophe, so the guard can be undone without
  ambiguity. Spreadsheets show the apostrophe-led text as plain text.
* :func:`unguard_text` removes exactly one leading apostrophe; aidtrack's CSV
  reader applies it to the free-text columns, so ``write`` then ``read`` gives
  the original text back exactly (``'s-Hertogenbosch`` is written
  ``''s-Hertogenbosch``).

Excel files need no visible apostrophe: aidtrack stores such text as a text
cell with Excel's "quote prefix" flag, so the value reads back unchanged.

>>> guard_text("=HYPERLINK(\\"http://evil\\")"), guard_text("Norway"), guard_text("'quoted")
('\\'=HYPERLINK("http://evil")', 'Norway', "''quoted")
>>> unguard_text(guard_text("-5 million")) == "-5 million"
True
"""

from __future__ import annotations

__all__ = ["FORMULA_TRIGGERS", "guard_text", "needs_guard", "unguard_text"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula."""
_GUARD = "'"


def needs_guard(text: str) -> bool:
    """Whether ``text`` would be read as a formula by a spreadsheet (it starts with a trigger)."""
    return text.startswith(FORMULA_TRIGGERS)


def guard_text(text: str) -> str:
    """``text`` safe for a spreadsheet cell: an apostrophe before a trigger (or an apostrophe)."""
    if text.startswith(FORMULA_TRIGGERS) or text.startswith(_GUARD):
        return _GUARD + text
    return text


def unguard_text(text: str) -> str:
    """Undo :func:`guard_text`: drop one leading apostrophe, if there is one."""
    return text[1:] if text.startswith(_GUARD) else text
