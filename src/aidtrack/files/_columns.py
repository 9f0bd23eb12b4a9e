"""Private helper of the file readers: put the columns of a converted subset back into the full frame."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["spread"]


def spread(series: pd.Series, positions: np.ndarray[Any, Any], index: pd.Index) -> pd.Series:
    """``series`` (one value per row at ``positions``) as a column of ``len(index)`` rows, missing elsewhere.

    Integer columns become nullable integers (a missing fixing count stays an
    integer column); object columns hold ``None`` where they have no value.
    """
    part = series.copy()
    part.index = pd.Index(positions)
    if pd.api.types.is_integer_dtype(part.dtype) and not isinstance(part.dtype, pd.CategoricalDtype):
        nullable: Any = f"Int{np.dtype(str(part.dtype)).itemsize * 8}"
        part = part.astype(nullable)
    full = part.reindex(pd.RangeIndex(len(index)))
    if full.dtype == object:
        full = full.where(full.notna(), None)
    full.index = index
    return full
