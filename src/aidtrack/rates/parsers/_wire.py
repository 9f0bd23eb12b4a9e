"""Checks shared by the parsers of the rate services' wire formats (pure)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from aidtrack.errors import RateDataError

__all__ = ["load_json"]


def load_json(data: bytes, *, what: str, name: str) -> Any:
    """Decode a JSON response with exact numbers (``Decimal``), or raise :class:`RateDataError`.

    An empty body, an HTML error page and malformed JSON each get a message that
    says which, naming the service (``what``) and the source (``name``).

    >>> load_json(b'{"rate": 1.0305}', what="Frankfurter", name="test")
    {'rate': Decimal('1.0305')}
    """
    if not data.strip():
        raise RateDataError("the response is empty", where=name)
    try:
        return json.loads(data, parse_float=Decimal, parse_int=Decimal)
    except (ValueError, RecursionError) as exc:
        kind = "an HTML page" if data.lstrip()[:1] == b"<" else "malformed JSON"
        raise RateDataError(f"not a {what} JSON response: {kind} ({exc})", where=name) from None
