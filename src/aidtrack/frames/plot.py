"""Charts of pledges (matplotlib, an optional extra: ``pip install "aidtrack[plot]"``).

* :func:`plot_cumulative`: one step line per donor, its running total over time.
* :func:`plot_categories`: a stacked bar per donor, its total split by category.

Both take what the aggregations take (a pledge frame, a converted frame or an
iterable of pledges, see :mod:`aidtrack.frames.aggregate`), draw on ``ax`` if given
(else on a new :class:`matplotlib.figure.Figure`, made without pyplot, so no
global state and any backend works, ``Agg`` included) and return the
``Axes``; ``ax.figure`` is the figure. The plotted values are the exact
``Decimal`` totals turned into floats for drawing only.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from aidtrack.files.csvfile import read_pledges_csv
>>> from aidtrack.files import example_path
>>> ax = plot_cumulative(read_pledges_csv(example_path()), "EUR")
>>> ax.get_ylabel(), len(ax.get_lines())
('EUR', 3)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aidtrack._extras import require as _require
from aidtrack.frames.aggregate import Data, Period, cumulative_totals, prepare, totals

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_categories", "plot_cumulative"]


def _axes(ax: Axes | None, what: str) -> Axes:
    if ax is not None:
        return ax
    figure = _require("matplotlib.figure", "plot", what)
    fig = figure.Figure(figsize=(9, 5), layout="constrained")
    return fig.add_subplot()  # type: ignore[no-any-return]


def _label(attrs: Any) -> str:
    return f"{attrs['currency']}, policy {attrs['policy']}"


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
    for donor in donors:
        rows = cum[cum["donor"] == donor]
        x = [p.start_time.to_pydatetime() for p in rows[period]]
        y = [float(v) for v in rows["cumulative"]]
        if x:  # extend the last step to the end of its period
            x.append(rows[period].iloc[-1].end_time.to_pydatetime())
            y.append(y[-1])
        axes.step(x, y, where="post", label=str(donor))
    attrs = cum.attrs
    axes.set_title(f"Cumulative pledges by donor ({_label(attrs)})")
    axes.set_ylabel(str(attrs["currency"]))
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
    positions = list(range(len(keys)))
    bottom = [0.0] * len(keys)
    for category in categories:
        heights = [cells.get((k, category), 0.0) for k in keys]
        axes.bar(positions, heights, bottom=bottom, label=str(category))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xticks(positions, [str(k) for k in keys], rotation=45, ha="right")
    axes.set_ylabel(str(split.attrs["currency"]))
    axes.set_title(f"Totals by {by} and category ({_label(split.attrs)})")
    if categories:
        axes.legend(fontsize="small")
    return axes
