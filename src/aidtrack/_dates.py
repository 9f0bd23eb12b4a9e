"""Date parsing shared by records, files, conversions and the CLI.

:func:`parse_iso_date` is strict (records, files): a ``date``, a midnight
``datetime`` or ``YYYY-MM-DD``. :func:`parse_conversion_date` reads the date
a rate is picked for (``on=`` of :func:`aidtrack.convert`, the date column of
:func:`aidtrack.convert_frame`) and also takes date-times: **the time of day
is dropped**, so ``2025-01-09 23:59`` is 2025-01-09, and a timezone-aware
value keeps **its own calendar date** (``2025-01-10T00:30+01:00`` is
2025-01-10, although it is still 2025-01-09 in UTC). Missing values
(``None``, ``NaT``, NaN) are an error, never a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from aidtrack.errors import InvalidArgumentError

__all__ = ["parse_conversion_date", "parse_iso_date"]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")
DATE_FORMS = (
    "a datetime.date, a YYYY-MM-DD string, or a datetime / pandas Timestamp / ISO date-time string "
    "(the time of day is dropped; a timezone-aware value keeps its own calendar date)"
)


def parse_iso_date(value: object, *, what: str = "date") -> date:
    """Return ``value`` as a ``date``; accept a ``date``, a midnight ``datetime`` or ``YYYY-MM-DD``.

    Raises :class:`~aidtrack.errors.InvalidArgumentError` (a ``ValueError``) naming the
    value otherwise: no guessing of day/month order, no timestamps.

    >>> parse_iso_date("2025-01-09")
    datetime.date(2025, 1, 9)
    """
    if isinstance(value, datetime):
        if value != value:  # NaT
            raise InvalidArgumentError(what, None, f"{what} is missing (NaT): give a calendar date, e.g. 2025-01-09")
        if value.time() != time(0) or value.tzinfo is not None:
            raise InvalidArgumentError(
                what,
                value,
                f"{what} must be a calendar date, got a date-time {value.isoformat()!r}; "
                f"use its .date() ({value.date().isoformat()}) to keep the calendar day",
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


def _is_missing(value: object) -> bool:
    try:
        return value is None or bool(value != value)  # NaN, NaT, pd.NA (whose != raises)
    except (TypeError, ValueError):
        return True


def parse_conversion_date(value: object, *, what: str = "conversion date") -> date:
    """The calendar date a rate is picked for (see the module docs for the rule on date-times).

    >>> from datetime import datetime, timedelta, timezone
    >>> parse_conversion_date("2025-01-09"), parse_conversion_date(datetime(2025, 1, 9, 23, 59))
    (datetime.date(2025, 1, 9), datetime.date(2025, 1, 9))
    >>> parse_conversion_date(datetime(2025, 1, 10, 0, 30, tzinfo=timezone(timedelta(hours=1))))
    datetime.date(2025, 1, 10)
    >>> parse_conversion_date("2025-01-09T16:30:00+01:00")
    datetime.date(2025, 1, 9)
    >>> parse_conversion_date(None)
    Traceback (most recent call last):
    ...
    aidtrack.errors.InvalidArgumentError: conversion date is missing (got None): ...
    """
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATETIME.fullmatch(text):
            try:
                return datetime.fromisoformat(text).date()
            except ValueError as exc:
                raise InvalidArgumentError(
                    what, value, f"{what} {value!r} is not a valid date-time ({exc}); expected e.g. 2025-01-09"
                ) from None
        if not _ISO.fullmatch(text):
            raise InvalidArgumentError(
                what,
                value,
                f"{what} {value!r} is not an ISO date; expected YYYY-MM-DD (e.g. 2025-01-09) or {DATE_FORMS}",
            )
        return parse_iso_date(text, what=what)
    if type(value).__name__ == "datetime64":  # numpy, without importing it
        text = str(value)
        if text == "NaT":
            value = None
        else:
            return parse_conversion_date(text[:10], what=what)
    if isinstance(value, datetime):
        if value != value:  # NaT
            raise InvalidArgumentError(what, None, f"{what} is missing (NaT): give {DATE_FORMS}")
        return value.date()  # the value's own calendar date (its wall clock), timezone-aware or not
    if isinstance(value, date):
        return value
    if _is_missing(value):
        shown = "None" if value is None else repr(value)
        raise InvalidArgumentError(what, None, f"{what} is missing (got {shown}): give {DATE_FORMS}")
    raise InvalidArgumentError(what, value, f"{what} must be {DATE_FORMS}; got {type(value).__name__} {value!r}")
