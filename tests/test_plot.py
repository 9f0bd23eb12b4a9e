"""Charts (matplotlib, Agg backend): what is drawn matches the exact totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.figure import Figure

import aidtrack
from aidtrack.frames.aggregate import totals
from aidtrack.frames.plot import BOUND_NOTE, plot_categories, plot_cumulative
from aidtrack.frames.rows import pledges_to_frame


@pytest.fixture
def pledges() -> list[aidtrack.Pledge]:
    base = aidtrack.files.read_pledges_csv("examples/ramstein-2025-01-09.csv")
    extra = [
        aidtrack.Pledge(donor="Canada", announced="2025-03-03", amount=aidtrack.Money(100_000_000, "CAD"),
                        category="humanitarian"),
        aidtrack.Pledge(donor="Norway", announced="2025-06-02", amount=aidtrack.Money(500_000_000, "NOK"),
                        category="financial"),
    ]  # fmt: skip
    return [*base, *extra]


def _donor_lines(ax: Axes) -> dict[str, Any]:
    return {
        line.get_label(): line
        for line in ax.get_lines()
        if not str(line.get_label()).startswith("_") and line.get_label() != BOUND_NOTE
    }


def test_axis_says_billion_with_no_offset(pledges: list[aidtrack.Pledge]) -> None:
    """Issue 15: the y axis said "EUR" with matplotlib's 1e9 offset."""
    for ax in (plot_cumulative(pledges, "EUR"), plot_categories(pledges, "EUR")):
        ax.figure.canvas.draw()  # ticks and offset text exist only after drawing
        assert ax.get_ylabel() == "billion EUR" and ax.aidtrack_scale == 10**9
        assert ax.yaxis.get_offset_text().get_text() == ""
    small = [aidtrack.Pledge(donor="Estonia", announced="2025-01-09", amount=aidtrack.Money(2_500_000, "EUR"))]
    assert plot_cumulative(small, "EUR").get_ylabel() == "million EUR"


def test_every_line_runs_to_the_end_of_the_range(pledges: list[aidtrack.Pledge]) -> None:
    ax = plot_cumulative(pledges, "EUR", period="month")
    ends = {name: line.get_xdata()[-1] for name, line in _donor_lines(ax).items()}
    assert len(set(ends.values())) == 1  # the United States pledged only in January, still drawn to June's end
    assert str(next(iter(ends.values())))[:10] == "2025-06-30"


def test_bounds_are_marked(pledges: list[aidtrack.Pledge]) -> None:
    ax = plot_cumulative(pledges, "EUR")
    markers = [line for line in ax.get_lines() if line.get_marker() == "^"]
    assert len(markers) == 1 and markers[0].get_label() == BOUND_NOTE  # Norway's "more than" pledge
    assert BOUND_NOTE in {t.get_text() for t in ax.get_legend().get_texts()}
    bars = plot_categories(pledges, "EUR")
    assert sum(1 for p in bars.patches if p.get_hatch() == "//") == 1


def test_cumulative_lines_end_at_each_donors_total(pledges: list[aidtrack.Pledge]) -> None:
    ax = plot_cumulative(pledges, "EUR", period="month")
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    by_donor = totals(pledges, "EUR", "donor")
    lines = _donor_lines(ax)
    assert set(lines) == set(by_donor["donor"])
    for donor, total in zip(by_donor["donor"], by_donor["total"], strict=True):
        y = lines[donor].get_ydata()
        assert y[-1] * 1e9 == pytest.approx(float(total))
        assert list(y) == sorted(y)  # running totals never fall
    assert ax.get_ylabel() == "billion EUR"
    assert "monthly" not in ax.get_title() and "daily" in ax.get_title()
    ax.figure.savefig(__import__("io").BytesIO(), format="png")  # it renders


def test_top_and_given_axes(pledges: list[aidtrack.Pledge]) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    out = plot_cumulative(pledges_to_frame(pledges), "USD", top=1, ax=ax, policy="monthly_mean")
    assert out is ax and len(_donor_lines(ax)) == 1
    assert "monthly_mean" in ax.get_title()


def test_stacked_categories(pledges: list[aidtrack.Pledge]) -> None:
    ax = plot_categories(pledges, "EUR")
    split = totals(pledges, "EUR", ["donor", "category"])
    heights = sum(p.get_height() for p in ax.patches) * ax.aidtrack_scale
    assert heights == pytest.approx(float(sum(split["total"], Decimal(0))))
    assert {t.get_text() for t in ax.get_xticklabels()} == set(split["donor"])
    assert {t.get_text() for t in ax.get_legend().get_texts()} == set(split["category"])


def test_accessor_plot(pledges: list[aidtrack.Pledge]) -> None:
    ax = pledges_to_frame(pledges).aidtrack.plot_cumulative("EUR", period="quarter")
    assert len(_donor_lines(ax)) == 3
    bars = pledges_to_frame(pledges).aidtrack.plot_categories("EUR")
    assert len(bars.patches) == 3 * 3  # three donors, three categories
