"""The flat row form of a :class:`~aidtrack.pledge.Pledge`: column names, row -> pledge, pledge -> row.

One schema for every tabular format (CSV, Excel, Parquet, JSON records, DataFrames). Columns (only the
first four are required; the order is free)::

    donor, date, amount, currency,
    country, category, measure, qualifier, recipient,
    period_start, period_end, source, source_title, source_publisher, notes

Values are text: ``date`` is ``YYYY-MM-DD``; ``amount`` a plain decimal number (``440000000`` or
``1250.50``: no thousands separators, which differ between locales). Free text columns
(:data:`GUARDED_COLUMNS`) may carry the spreadsheet formula guard of :mod:`aidtrack.formula`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aidtrack.pledge import Pledge

__all__ = [
    "COLUMNS",
    "GUARDED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "header_problems",
    "is_blank",
    "pledge_from_row",
    "pledge_to_row",
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


def is_blank(value: str | None) -> bool:
    """Whether a cell is empty or only whitespace."""
    return value is None or not value.strip()


def pledge_from_row(row: dict[str, str | None], *, unguard: bool = False, strip: bool = True) -> Pledge:
    """Build a :class:`Pledge` from one CSV row (a dict of column to text).

    With ``unguard=True`` (the CSV reader) the :data:`GUARDED_COLUMNS` are
    taken as written, less one leading apostrophe (see :mod:`aidtrack.formula`). With
    ``strip=False`` (frames, Excel: typed cells) text keeps its surrounding
    whitespace, which only ``notes`` and the source title and publisher keep.
    """
    from aidtrack.formula import unguard_text
    from aidtrack.money import Money

    def get(name: str) -> str | None:
        value = row.get(name)
        if is_blank(value):
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
