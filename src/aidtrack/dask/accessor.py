"""The ``ddf.aidtrack`` accessor of Dask DataFrames, mirroring ``df.aidtrack`` of pandas.

Registered when :mod:`aidtrack.dask` is imported::

    import aidtrack.dask  # registers ddf.aidtrack
    ddf.aidtrack.convert(to="EUR", policy="monthly_mean")   # lazy, like aidtrack.dask.convert
    ddf.aidtrack.totals(by=["donor", "year"])               # a pandas DataFrame, exact
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dask.dataframe as dd
from dask.dataframe.extensions import register_dataframe_accessor

if TYPE_CHECKING:
    import pandas as pd

    from aidtrack.money import Money

__all__ = ["DaskAccessor", "register_dask_accessor"]


class DaskAccessor:
    """``ddf.aidtrack``: :mod:`aidtrack.dask`'s functions as Dask DataFrame methods.

    The methods take the arguments of the pandas accessor's methods
    (:class:`aidtrack.frames.accessor.AidtrackAccessor`), with the same names
    and meaning; aggregations return small pandas DataFrames, which the pandas
    functions (``pivot``, ``shares`` ...) can reshape further.
    """

    def __init__(self, frame: dd.DataFrame) -> None:
        self._frame = frame

    def convert(self, to: str, **kwargs: Any) -> dd.DataFrame:
        """:func:`aidtrack.dask.core.convert` of this frame (lazy)."""
        from aidtrack.dask.core import convert

        return convert(self._frame, to, **kwargs)

    def problems(self, **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.dask.core.conversion_problems_of` this (converted) frame."""
        from aidtrack.dask.core import conversion_problems_of

        return conversion_problems_of(self._frame, **kwargs)

    def totals(self, to: str | None = None, by: Any = "donor", **kwargs: Any) -> pd.DataFrame:
        """:func:`aidtrack.dask.core.totals` of this frame (computed, exact)."""
        from aidtrack.dask.core import totals

        return totals(self._frame, to, by, **kwargs)

    def grand_total(self, to: str | None = None, **kwargs: Any) -> Money:
        """:func:`aidtrack.dask.core.grand_total` of this frame (computed, exact)."""
        from aidtrack.dask.core import grand_total

        return grand_total(self._frame, to, **kwargs)


def register_dask_accessor() -> None:
    """Register ``ddf.aidtrack`` (done when this module is imported; calling it again is harmless)."""
    if getattr(dd.DataFrame, "aidtrack", None) is not DaskAccessor and not isinstance(
        getattr(dd.DataFrame, "aidtrack", None), type
    ):
        register_dataframe_accessor("aidtrack")(DaskAccessor)


register_dask_accessor()
