"""Charts (matplotlib, Agg backend): what is drawn matches the exact totals."""

from __future__ import annotations

from decimal import Decimal

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.figure import Figure

import aidtrack
from aidtrack.frames.aggregate import totals
from aidtrack.frames.plot import plot_categories, plot_cumulative
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


def test_cumulative_lines_end_at_each_donors_total(pledges: list[aidtrack.Pledge]) -> None:
    ax = plot_cumulative(pledges, "EUR", period="month")
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    by_donor = totals(pledges, "EUR", "donor")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == set(by_donor["donor"])
    for donor, total in zip(by_donor["donor"], by_donor["total"], strict=True):
        y = lines[donor].get_ydata()
        assert y[-1] == pytest.approx(float(total))
        assert list(y) == sorted(y)  # running totals never fall
    assert ax.get_ylabel() == "EUR"
    assert "monthly" not in ax.get_title() and "daily" in ax.get_title()
    ax.figure.savefig(__import__("io").BytesIO(), format="png")  # it renders


def test_top_and_given_axes(pledges: list[aidtrack.Pledge]) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    out = plot_cumulative(pledges_to_frame(pledges), "USD", top=1, ax=ax, policy="monthly_mean")
    assert out is ax and len(ax.get_lines()) == 1
    assert "monthly_mean" in ax.get_title()


def test_stacked_categories(pledges: list[aidtrack.Pledge]) -> None:
    ax = plot_categories(pledges, "EUR")
    split = totals(pledges, "EUR", ["donor", "category"])
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == pytest.approx(float(sum(split["total"], Decimal(0))))
    assert {t.get_text() for t in ax.get_xticklabels()} == set(split["donor"])
    assert {t.get_text() for t in ax.get_legend().get_texts()} == set(split["category"])


def test_accessor_plot(pledges: list[aidtrack.Pledge]) -> None:
    ax = pledges_to_frame(pledges).aidtrack.plot_cumulative("EUR", period="quarter")
    assert len(ax.get_lines()) == 3
    bars = pledges_to_frame(pledges).aidtrack.plot_categories("EUR")
    assert len(bars.patches) == 3 * 3  # three donors, three categories
