"""How the CLI reads its input files and stdin: UTF-8 (a BOM is dropped), nothing guessed.

A file or stdin that is not UTF-8 (a latin-1 export, say) stops the command with one line naming
the input and the offset of the first byte that cannot be decoded, instead of a traceback or
silently mangled text.
"""

from __future__ import annotations

import sys

from aidtrack.errors import DataFormatError

__all__ = ["decode_input", "read_input_text"]


def decode_input(data: bytes, where: str) -> str:
    """``data`` as UTF-8 text (a leading BOM removed), or a :class:`~aidtrack.errors.DataFormatError`.

    >>> decode_input(b"\\xef\\xbb\\xbfdonor", "x.csv")
    'donor'
    >>> decode_input("Zürich".encode("latin-1"), "x.txt")
    Traceback (most recent call last):
    ...
    aidtrack.errors.DataFormatError: x.txt: not UTF-8 text: byte 0xfc at offset 1 cannot be decoded ...
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            where,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded ({exc.reason}); "
            "save the input as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
        ) from None


def read_input_text(path: str) -> str:
    """The text of the file ``path``, or of stdin for ``-``, decoded by :func:`decode_input`."""
    if path == "-":
        if sys.stdin is None:  # started with stdin closed (`<&-`): nothing to read, as with an empty pipe
            return ""
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text stream put in place of stdin (tests, embedding): already decoded
            return sys.stdin.read()
        return decode_input(buffer.read(), "<stdin>")
    with open(path, "rb") as fh:
        return decode_input(fh.read(), path)
