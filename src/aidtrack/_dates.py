"""Strict date parsing shared by records, files and the CLI (ISO 8601 ``YYYY-MM-DD`` only)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from aidtrack.errors import InvalidArgumentError

__all__ = ["parse_iso_date"]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value: object, *, what: str = "date") -> date:
    """Return ``value`` as a ``date``; accept a ``date``, a midnight ``datetime`` or ``YYYY-MM-DD``.

    Raises :class:`~aidtrack.errors.InvalidArgumentError` (a ``ValueError``) naming the
    value otherwise: no guessing of day/month order, no timestamps.

    >>> parse_iso_date("2025-01-09")
    datetime.date(2025, 1, 9)
    """
    if isinstance(value, datetime):
        if value.time() != time(0) or value.tzinfo is not None:
            raise InvalidArgumentError(
                what, value, f"{what} must be a calendar date, got a date-time {value.isoformat()!r}"
            )
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError as exc:
                raise InvalidArgumentError(
                    what, value, f"{what} {value!r} is not a valid calendar date ({exc})"
                ) from None
        raise InvalidArgumentError(
            what, value, f"{what} {value!r} is not an ISO date; expected YYYY-MM-DD, e.g. 2025-01-09"
        )
    raise InvalidArgumentError(
        what, value, f"{what} must be a date or a YYYY-MM-DD string, not {type(value).__name__} ({value!r})"
    )
