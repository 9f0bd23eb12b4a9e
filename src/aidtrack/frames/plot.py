"""Charts of pledges (matplotlib, an optional extra: ``pip install "aidtrack[plot]"``).

* :func:`plot_cumulative`: one step line per donor, its running total over time.
* :func:`plot_categories`: a stacked bar per donor, its total split by category.

Both take what the aggregations take (a pledge frame, a converted frame or an
iterable of pledges, see :mod:`aidtrack.frames.aggregate`), draw on ``ax`` if given
(else on a new :class:`matplotlib.figure.Figure`, made without pyplot, so no
global state and any backend works, ``Agg`` included) and return the
``Axes``; ``ax.figure`` is the figure. The plotted values are the exact
``Decimal`` totals turned into floats for drawing only.

* **Scale.** The y axis is in thousands, millions or billions of the target
  currency, whichever fits the largest value, and says so ("billion EUR"),
  never with matplotlib's ``1e9`` offset; the factor is ``ax.aidtrack_scale``.
* **Range.** Every donor's cumulative line runs to the end of the whole range
  (the end of the last period with a pledge), not only to its own last pledge.
* **Bounds.** Totals that include a floor or ceiling ("at least", "up to") are
  not exact: :func:`plot_cumulative` marks the steps where one enters with a
  triangle, :func:`plot_categories` hatches the bar segments that hold one;
  both say so in the legend.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from aidtrack.files.csvfile import read_pledges_csv
>>> from aidtrack.files import example_path
>>> ax = plot_cumulative(read_pledges_csv(example_path()), "EUR")
>>> ax.get_ylabel(), len([line for line in ax.get_lines() if not line.get_label().startswith("_")])
('billion EUR', 4)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aidtrack._extras import require as _require
from aidtrack.frames.aggregate import Data, Period, cumulative_totals, prepare, totals

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BOUND_NOTE", "plot_categories", "plot_cumulative"]


def _axes(ax: Axes | None, what: str) -> Axes:
    if ax is not None:
        return ax
    figure = _require("matplotlib.figure", "plot", what)
    fig = figure.Figure(figsize=(9, 5), layout="constrained")
    return fig.add_subplot()  # type: ignore[no-any-return]


def _label(attrs: Any) -> str:
    return f"{attrs['currency']}, policy {attrs['policy']}"


_SCALES = ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
BOUND_NOTE = "includes a floor or ceiling (not exact)"


def _scale(largest: float) -> tuple[int, str]:
    """The factor and word for an axis whose largest value is ``largest``: (10**9, "billion") ..."""
    for factor, word in _SCALES:
        if abs(largest) >= factor:
            return factor, word
    return 1, ""


def _y_axis(axes: Axes, currency: str, largest: float) -> int:
    factor, word = _scale(largest)
    axes.set_ylabel(f"{word} {currency}".strip())
    axes.ticklabel_format(axis="y", style="plain", useOffset=False)
    axes.aidtrack_scale = factor  # type: ignore[attr-defined]
    return factor


def plot_cumulative(
    data: Data,
    to: str | None = None,
    *,
    period: Period = "month",
    top: int | None = 10,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw each donor's cumulative total over time as a step line (the ``top`` largest donors).

    ``period`` is the time step (``day`` ... ``year``); ``top=None`` draws
    every donor. Other keyword arguments go to :func:`aidtrack.frames.aggregate.prepare`
    (``policy``, ``source``, ``rounding``, column names).
    """
    axes = _axes(ax, "plot_cumulative")
    conv = prepare(data, to, **kwargs)
    cum = cumulative_totals(conv, None, by="donor", period=period)
    ranked = totals(conv, None, "donor", sort="total")
    donors = list(ranked["donor"])[: top if top is not None else None]
    shown = cum[cum["donor"].isin(donors)]
    factor = _y_axis(axes, str(cum.attrs["currency"]), max((float(v) for v in shown["cumulative"]), default=0.0))
    end = max((p.end_time.to_pydatetime() for p in cum[period]), default=None)  # the end of the whole range
    marked = False
    for donor in donors:
        rows = cum[cum["donor"] == donor]
        x = [p.start_time.to_pydatetime() for p in rows[period]]
        y = [float(v) / factor for v in rows["cumulative"]]
        if x and end is not None:  # run on to the end of the range: the total still stands there
            x.append(end)
            y.append(y[-1])
        (line,) = axes.step(x, y, where="post", label=str(donor))
        bounds = [(xi, yi) for xi, yi, b in zip(x, y, rows["bound_count"], strict=False) if b]
        if bounds:
            axes.plot(
                [b[0] for b in bounds],
                [b[1] for b in bounds],
                linestyle="none",
                marker="^",
                color=line.get_color(),
                label=BOUND_NOTE if not marked else "_" + BOUND_NOTE,
            )
            marked = True
    attrs = cum.attrs
    axes.set_title(f"Cumulative pledges by donor ({_label(attrs)})")
    axes.set_xlabel(period)
    if donors:
        axes.legend(loc="upper left", fontsize="small")
    axes.grid(True, alpha=0.3)
    return axes


def plot_categories(
    data: Data,
    to: str | None = None,
    *,
    by: str = "donor",
    top: int | None = 15,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw a stacked bar per donor (or other ``by`` key): its total split by category, largest first."""
    axes = _axes(ax, "plot_categories")
    conv = prepare(data, to, **kwargs)
    split = totals(conv, None, [by, "category"])
    ranked = totals(conv, None, by, sort="total")
    keys = list(ranked[by])[: top if top is not None else None]
    categories = sorted(set(split["category"]))
    cells = {(k, c): float(t) for k, c, t in zip(split[by], split["category"], split["total"], strict=True)}
    bound = {(k, c) for k, c, b in zip(split[by], split["category"], split["bound_count"], strict=True) if b}
    largest = max((float(t) for t in ranked["total"][: len(keys)]), default=0.0)
    factor = _y_axis(axes, str(split.attrs["currency"]), largest)
    positions = list(range(len(keys)))
    bottom = [0.0] * len(keys)
    for category in categories:
        heights = [cells.get((k, category), 0.0) / factor for k in keys]
        bars = axes.bar(positions, heights, bottom=bottom, label=str(category))
        for k, patch in zip(keys, bars.patches, strict=True):
            if (k, category) in bound:
                patch.set_hatch("//")
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if bound:
        from matplotlib.patches import Patch

        axes.add_artist(
            axes.legend(
                handles=[Patch(facecolor="white", edgecolor="black", hatch="//", label=BOUND_NOTE)],
                loc="upper right",
                fontsize="small",
            )
        )
    axes.set_xticks(positions, [str(k) for k in keys], rotation=45, ha="right")
    axes.set_title(f"Totals by {by} and category ({_label(split.attrs)})")
    if categories:
        axes.legend(loc="upper center", fontsize="small")
    return axes
