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
