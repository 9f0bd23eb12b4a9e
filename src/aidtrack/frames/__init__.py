"""pandas DataFrames: vectorised conversion, totals and other aggregations, pledge collections, charts.

Importing this package registers the ``df.aidtrack`` accessor (:mod:`aidtrack.frames.accessor`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aidtrack._lazy import lazy_module
from aidtrack.frames.accessor import AidtrackAccessor, register_accessor

if TYPE_CHECKING:
    from aidtrack.frames.aggregate import cumulative_totals, grand_total, pivot_totals, shares, top_donors, totals
    from aidtrack.frames.collection import Pledges
    from aidtrack.frames.convert import (
        META_KEY,
        ConversionProblem,
        UnconvertibleRowsError,
        conversion_meta,
        conversion_problems,
        convert_frame,
    )
    from aidtrack.frames.plot import plot_categories, plot_cumulative
    from aidtrack.frames.rows import frame_to_pledges, pledges_to_frame

_EXPORTS = {
    "AidtrackAccessor": "aidtrack.frames.accessor",
    "register_accessor": "aidtrack.frames.accessor",
    "META_KEY": "aidtrack.frames.convert",
    "ConversionProblem": "aidtrack.frames.convert",
    "UnconvertibleRowsError": "aidtrack.frames.convert",
    "conversion_meta": "aidtrack.frames.convert",
    "conversion_problems": "aidtrack.frames.convert",
    "convert_frame": "aidtrack.frames.convert",
    "totals": "aidtrack.frames.aggregate",
    "grand_total": "aidtrack.frames.aggregate",
    "pivot_totals": "aidtrack.frames.aggregate",
    "cumulative_totals": "aidtrack.frames.aggregate",
    "shares": "aidtrack.frames.aggregate",
    "top_donors": "aidtrack.frames.aggregate",
    "Pledges": "aidtrack.frames.collection",
    "frame_to_pledges": "aidtrack.frames.rows",
    "pledges_to_frame": "aidtrack.frames.rows",
    "plot_cumulative": "aidtrack.frames.plot",
    "plot_categories": "aidtrack.frames.plot",
}

__all__, __getattr__, __dir__ = lazy_module(__name__, globals(), _EXPORTS)
