"""The ``df.aidtrack`` pandas accessor: aidtrack's frame functions as DataFrame methods.

It is registered when :mod:`aidtrack.frames` is imported, and by ``import aidtrack``
whenever pandas is already imported (the usual notebook order); ``import aidtrack``
never imports pandas itself. :func:`register_accessor` does it explicitly::

    import aidtrack.frames  # registers df.aidtrack
    df.aidtrack.convert(to="EUR", policy="monthly_mean")
    df.aidtrack.totals(by=["donor", "quarter"])

This module imports only pandas; each method loads the module it calls on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from aidtrack.pledge import Pledge


__all__ = ["AidtrackAccessor", "register_accessor", "register_notebook_display"]


class AidtrackAccessor:
    """``df.aidtrack``: aidtrack's conversions and aggregations on a DataFrame.

    The methods take the arguments of the functions they call, with the same
    names and meaning as the scalar API (:func:`aidtrack.convert`,
    :func:`aidtrack.totals`).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def convert(self, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.frames.convert.convert_frame` of this frame."""
        from aidtrack.frames.convert import convert_frame

        return convert_frame(self._frame, to, **kwargs)

    def problems(self) -> pd.DataFrame:
        """:func:`aidtrack.frames.convert.conversion_problems` of this (converted) frame."""
        from aidtrack.frames.convert import conversion_problems

        return conversion_problems(self._frame)

    def totals(self, to: str | None = None, by: Any = "donor", **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.frames.aggregate.totals` of this frame."""
        from aidtrack.frames.aggregate import totals

        return totals(self._frame, to, by, **kwargs)

    def pivot(self, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.frames.aggregate.pivot_totals` (donor x period) of this frame."""
        from aidtrack.frames.aggregate import pivot_totals

        return pivot_totals(self._frame, to, **kwargs)

    def cumulative(self, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.frames.aggregate.cumulative_totals` of this frame."""
        from aidtrack.frames.aggregate import cumulative_totals

        return cumulative_totals(self._frame, to, **kwargs)

    def shares(self, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.frames.aggregate.shares` of this frame."""
        from aidtrack.frames.aggregate import shares

        return shares(self._frame, to, **kwargs)

    def top(self, n: int = 10, to: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.frames.aggregate.top_donors` of this frame."""
        from aidtrack.frames.aggregate import top_donors

        return top_donors(self._frame, n, to, **kwargs)

    def to_pledges(self, **kwargs: Any) -> list[Pledge]:
        """:func:`aidtrack.frames.rows.frame_to_pledges` of this frame."""
        from aidtrack.frames.rows import frame_to_pledges

        return frame_to_pledges(self._frame, **kwargs)

    def plot_cumulative(self, to: str | None = None, **kwargs: Any) -> Any:
        """:func:`aidtrack.frames.plot.plot_cumulative` of this frame (needs matplotlib)."""
        from aidtrack.frames.plot import plot_cumulative

        return plot_cumulative(self._frame, to, **kwargs)

    def plot_categories(self, to: str | None = None, **kwargs: Any) -> Any:
        """:func:`aidtrack.frames.plot.plot_categories` of this frame (needs matplotlib)."""
        from aidtrack.frames.plot import plot_categories

        return plot_categories(self._frame, to, **kwargs)


def register_accessor() -> None:
    """Register ``df.aidtrack`` (done when this module is imported; calling it again is harmless)."""
    if not isinstance(getattr(pd.DataFrame, "aidtrack", None), type) and "aidtrack" not in getattr(
        pd.DataFrame, "_accessors", set()
    ):
        pd.api.extensions.register_dataframe_accessor("aidtrack")(AidtrackAccessor)
    register_notebook_display()


def _is_aidtrack_frame(frame: pd.DataFrame) -> bool:
    return "aidtrack" in frame.attrs or "grand_total" in frame.attrs


def _notebook_html(frame: pd.DataFrame) -> str | None:
    if _is_aidtrack_frame(frame):
        from aidtrack.frames.collection import frame_html

        return frame_html(frame)
    view: Any = frame
    html: str | None = view._repr_html_()  # every other frame: pandas' own view
    return html


def register_notebook_display(shell: Any = None) -> bool:
    """Show aidtrack's frames (totals, converted frames) in Jupyter with thousands separators in ``Decimal`` columns.

    Registers an HTML formatter for DataFrames with IPython (``shell``, default: the running one); frames that
    aidtrack did not make keep pandas' own view. Returns whether a shell was found. Done by
    :func:`register_accessor`, so importing :mod:`aidtrack.frames` in a notebook is enough.
    """
    import sys

    if shell is None:
        if "IPython" not in sys.modules:
            return False
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return False
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _notebook_html)
    return True


register_accessor()
