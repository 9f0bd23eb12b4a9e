"""HTML views for Jupyter: conversions and pledge collections, with every text escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import aidtrack
from aidtrack import Money, Pledge
from aidtrack.display import conversion_html, pledges_html
from aidtrack.frames.collection import Pledges


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.links.extend(v or "" for k, v in attrs if k == "href")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


EVIL = '<script>alert("x")</script> & <b onmouseover="x">'


def test_conversion_html_shows_the_provenance() -> None:
    daily = aidtrack.convert(440_000_000, "CAD", to="EUR", on="2025-01-09")
    mean = aidtrack.convert(500_000_000, "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
    same = aidtrack.convert(5, "EUR", to="EUR", on="2025-01-09")
    html = daily._repr_html_()
    assert html == conversion_html([daily])
    text = " ".join(parse(html).text)
    assert "EUR 296,675,881.60" in text and "2025-01-09" in text and "daily" in text
    assert "ECB euro reference rates" in text
    both = " ".join(parse(conversion_html([daily, mean, same])).text)
    assert "mean of 22: 2025-01-02 to 2025-01-31" in both and "none needed" in both
    assert "3 conversions" in both


def test_pledges_html_escapes_everything() -> None:
    p = Pledge(
        donor=EVIL,
        announced="2025-01-09",
        amount=Money(5, "EUR"),
        notes=EVIL,
        source={"url": 'https://example.org/?a=1&b="2"', "title": EVIL},
    )
    html = Pledges([p])._repr_html_()
    parsed = parse(html)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert EVIL in "".join(parsed.text)
    assert parsed.links == ['https://example.org/?a=1&b="2"']
    assert "<script>" not in html


def test_only_http_links() -> None:
    p = Pledge(donor="x", announced="2025-01-09", amount=Money(5, "EUR"), source={"publisher": "javascript:alert(1)"})
    assert parse(pledges_html([p])).links == []


def test_long_collections_are_cut() -> None:
    ps = [Pledge(donor=f"D{k}", announced="2025-01-09", amount=Money(k + 1, "EUR")) for k in range(70)]
    text = " ".join(parse(pledges_html(ps, max_rows=10)).text)
    assert "... and 60 more" in text and "70 pledges" in text
    assert "D9" in text and "D10 " not in text


def test_pledges_collection() -> None:
    ps = Pledges(aidtrack.files.read_pledges_csv("examples/ramstein-2025-01-09.csv"))
    assert len(ps) == 3 and isinstance(ps[1:], Pledges) and ps[0].donor.name == "Norway"
    assert repr(ps) == "<Pledges: 3 pledges>"
    assert ps.totals(by="donor")["count"].sum() == 3
    assert ps == Pledges(list(ps)) and hash(ps) == hash(Pledges(list(ps)))


def test_decimal_columns_in_notebook_tables_have_thousands_separators() -> None:
    """Issue 15: pandas shows a Decimal column without separators; aidtrack's frames get them in Jupyter."""
    import re
    from types import SimpleNamespace

    import pandas as pd
    from IPython.core.formatters import HTMLFormatter

    import aidtrack
    from aidtrack.frames.accessor import register_notebook_display
    from aidtrack.frames.collection import frame_html

    frame = aidtrack.totals(aidtrack.read_pledges("examples/ramstein-2025-01-09.csv"))
    assert "2000000000.00" in frame._repr_html_()  # pandas' own view: no separators
    cells = re.findall(r"<td>([^<]*)</td>", frame_html(frame))
    assert "2,000,000,000.00" in cells and "296,675,881.60" in cells
    html = HTMLFormatter()
    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters={"text/html": html}))
    assert register_notebook_display(shell)
    assert "2,000,000,000.00" in html(frame)
    plain = pd.DataFrame({"x": [1234567]})
    assert html(plain) == plain._repr_html_()  # other frames keep pandas' view
    converted = aidtrack.convert_frame(
        pd.DataFrame({"amount": [2e9], "currency": ["NOK"], "date": ["2025-01-09"]}), dtype="decimal"
    )
    grouped = format(converted["converted"][0], ",f")
    assert grouped.count(",") == 2 and grouped in html(converted)
