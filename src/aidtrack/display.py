"""HTML tables for Jupyter: conversions and pledge collections (pure, standard library only).

``Conversion._repr_html_`` and ``Pledges._repr_html_`` call these, so a
notebook shows a readable table. Every piece of text (donor names, notes,
source titles, URLs) is HTML-escaped: a pledge copied from an untrusted page
cannot inject markup or script into the notebook. Links are made only from
``http``/``https`` URLs.

>>> import aidtrack
>>> html = conversion_html([aidtrack.convert(440_000_000, "CAD", to="EUR", on="2025-01-09")])
>>> "EUR 296,675,881.60" in html, html.startswith("<table")
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aidtrack.conversion import Conversion
    from aidtrack.pledge import Pledge

__all__ = ["DEFAULT_MAX_ROWS", "conversion_html", "pledges_html"]

DEFAULT_MAX_ROWS = 60
"""Rows shown before a table is cut (the rest is counted in the last row)."""

_STYLE = "border-collapse:collapse"
_NUM = ' style="text-align:right;white-space:nowrap"'


def _table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[bool]) -> str:
    head = "".join(f"<th{_NUM if num else ''}>{escape(h)}</th>" for h, num in zip(headers, numeric, strict=True))
    body = []
    for cells in rows:
        tds = "".join(f"<td{_NUM if num else ''}>{cell}</td>" for cell, num in zip(cells, numeric, strict=True))
        body.append(f"<tr>{tds}</tr>")
    return (
        f'<table class="aidtrack" style="{_STYLE}"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _more_row(hidden: int, width: int) -> list[str]:
    return [f"<em>... and {hidden} more</em>"] + [""] * (width - 1)


def conversion_html(conversions: Sequence[Conversion], *, max_rows: int = DEFAULT_MAX_ROWS) -> str:
    """An HTML table of conversions: amount, result, rate, policy, fixing dates and source."""
    headers = ["original", "result", "rate", "policy", "fixings", "source"]
    numeric = [True, True, True, False, False, False]
    rows: list[list[str]] = []
    for c in conversions[:max_rows]:
        dates = c.fixing_dates
        if not dates:
            fixings = "none needed"
        elif len(dates) == 1:
            fixings = dates[0].isoformat()
        else:
            fixings = f"mean of {len(dates)}: {dates[0].isoformat()} to {dates[-1].isoformat()}"
        source = f"{c.source.name} (data to {c.source.last_date.isoformat()})" if c.source else "none needed"
        rate = f"{c.rate:.10g} {c.result.currency}/{c.original.currency}"
        rows.append(
            [
                escape(str(c.original)),
                f"<b>{escape(str(c.result))}</b>",
                f'<span title="{escape(str(c.rate), quote=True)}">{escape(rate)}</span>',
                escape(c.policy_name),
                escape(fixings),
                escape(source),
            ]
        )
    if len(conversions) > max_rows:
        rows.append(_more_row(len(conversions) - max_rows, len(headers)))
    n = len(conversions)
    return _table(f"{n} conversion{'s' if n != 1 else ''}", headers, rows, numeric)


def _link(url: str | None, text: str | None) -> str:
    label = escape(text or url or "")
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer" target="_blank">{label or "link"}</a>'
    return label


def pledges_html(pledges: Sequence[Pledge], *, max_rows: int = DEFAULT_MAX_ROWS) -> str:
    """An HTML table of pledges: donor, date, amount, category, measure, qualifier, recipient, source, notes.

    >>> from aidtrack import Money, Pledge
    >>> p = Pledge(donor="<script>alert(1)</script>", announced="2025-01-09", amount=Money(5, "EUR"))
    >>> "<script>" in pledges_html([p]), "&lt;script&gt;" in pledges_html([p])
    (False, True)
    """
    headers = ["donor", "date", "amount", "category", "measure", "qualifier", "recipient", "source", "notes"]
    numeric = [False, False, True, False, False, False, False, False, False]
    rows: list[list[str]] = []
    for p in pledges[:max_rows]:
        donor = p.donor.name + (f" ({p.donor.country})" if p.donor.country else "")
        period = f" for {p.period.start.isoformat()} to {p.period.end.isoformat()}" if p.period else ""
        src = _link(p.source.url, p.source.title or p.source.publisher) if p.source else ""
        rows.append(
            [
                escape(donor),
                escape(p.announced.isoformat() + period),
                escape(str(p.amount)),
                escape(p.category.value),
                escape(p.measure.value),
                escape(p.qualifier.value.replace("_", " ")),
                escape(p.recipient),
                src,
                escape(p.notes or ""),
            ]
        )
    if len(pledges) > max_rows:
        rows.append(_more_row(len(pledges) - max_rows, len(headers)))
    n = len(pledges)
    return _table(f"{n} pledge{'s' if n != 1 else ''}", headers, rows, numeric)
