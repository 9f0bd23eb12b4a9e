"""Pledges as DataFrame rows and back: :func:`pledges_to_frame`, :func:`frame_to_pledges`.

A pledge frame has one row per pledge and the columns of the pledge CSV
(:data:`aidtrack.files.csvfile.COLUMNS`) after an ``id`` column:

=========================================  =====================================
``id``                                     the pledge's content hash (str)
``donor``, ``currency``, ``country``,      text (missing optional values: NA)
``category``, ``measure``, ``qualifier``,
``recipient``, ``source``,
``source_title``, ``source_publisher``,
``notes``
``date``, ``period_start``, ``period_end``, ``datetime64[s]`` (NaT when absent)
``rate_date``
``amount``                                 ``Decimal`` objects (exact)
=========================================  =====================================

:func:`frame_to_pledges` reads such a frame back (any column order; only
``donor``, ``date``, ``amount`` and ``currency`` are required). Each row is
validated like a CSV row, and every bad row is reported with its location
(position and index label) in one :class:`~aidtrack.errors.PledgeFileError`.
A given ``id`` must match the row's content, so an edited row is caught.

>>> from aidtrack import Money, Pledge
>>> ps = [Pledge(donor="Canada", announced="2025-01-09", amount=Money("440000000", "CAD"))]
>>> df = pledges_to_frame(ps)
>>> df[["donor", "date", "amount", "currency"]]
    donor       date     amount currency
0  Canada 2025-01-09  440000000      CAD
>>> frame_to_pledges(df) == list(ps)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from aidtrack.errors import AidtrackError, PledgeFileError, RowProblem
from aidtrack.pledge import Pledge
from aidtrack.tabular import COLUMNS, header_problems, pledge_from_row, pledge_to_row

if TYPE_CHECKING:
    pass

__all__ = [
    "FRAME_COLUMNS",
    "FramedPledges",
    "LocatedRowProblem",
    "date_column",
    "frame_to_pledges",
    "pledges_to_frame",
]

FRAME_COLUMNS = ("id", *COLUMNS)
"""The columns of :func:`pledges_to_frame`, in order."""
_DATE_COLUMNS = ("date", "period_start", "period_end", "rate_date")


@dataclass(frozen=True)
class LocatedRowProblem(RowProblem):
    """A bad row whose location is not a text line: a frame's row, a sheet's row, a JSON record."""

    location: str = ""

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}" if self.location else super().__str__()


def date_column(values: Sequence[date | None]) -> np.ndarray[Any, Any]:
    """Dates (``None`` for none) as a ``datetime64[s]`` array with NaT: the date columns of every pledge frame."""
    return np.array(
        [np.datetime64(v, "s") if v is not None else np.datetime64("NaT", "s") for v in values], dtype="M8[s]"
    )


@runtime_checkable
class FramedPledges(Protocol):
    """Pledges that can give their own frame: the one :func:`pledges_to_frame` would build of them.

    :func:`pledges_to_frame` (and so :meth:`Pledges.to_frame <aidtrack.frames.collection.Pledges.to_frame>`
    and :func:`~aidtrack.frames.aggregate.totals`) takes a fresh copy of that frame instead of
    building it pledge by pledge. The pledges a file reader returns do this: their frame comes
    from the reader's column checks, without computing each pledge's ``id`` one by one.
    """

    def pledge_frame(self) -> pd.DataFrame:
        """A new frame equal to the one :func:`pledges_to_frame` builds of these pledges, row for row."""
        ...


def pledges_to_frame(pledges: Iterable[Pledge]) -> pd.DataFrame:
    """One row per pledge, with the columns of :data:`FRAME_COLUMNS` (see the module docs)."""
    if isinstance(pledges, FramedPledges):
        return pledges.pledge_frame()
    items = list(pledges)
    rows = [pledge_to_row(p) for p in items]

    def text(name: str) -> pd.Series:
        return pd.Series([r[name] or None for r in rows], dtype="str" if rows else object)

    data: dict[str, Any] = {"id": pd.Series([p.id for p in items], dtype="str" if items else object)}
    for name in COLUMNS:
        if name == "amount":
            data[name] = pd.Series([p.amount.amount for p in items], dtype=object)
        elif name == "date":
            data[name] = date_column([p.announced for p in items])
        elif name == "period_start":
            data[name] = date_column([p.period.start if p.period else None for p in items])
        elif name == "period_end":
            data[name] = date_column([p.period.end if p.period else None for p in items])
        elif name == "rate_date":
            data[name] = date_column([p.rate_date for p in items])
        else:
            data[name] = text(name)
    return pd.DataFrame(data, columns=list(FRAME_COLUMNS))


def _cell_text(value: Any, column: str) -> str | None:
    """One frame cell as the text a pledge CSV would hold (``None`` when missing)."""
    if value is None:
        return None
    if isinstance(value, np.floating) and not isinstance(value, np.float64):
        # a float32 (Parquet, numpy) through its own shortest repr: float32(1234567.89) is 1234567.9,
        # not the widened 1234567.875
        return None if np.isnan(value) else str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return repr(value)
    if isinstance(value, datetime):
        if pd.isna(value):
            return None
        if value.tzinfo is not None or (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
            raise ValueError(f"{column} must be a calendar date, got a date-time {value.isoformat()!r}")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    raise ValueError(f"{column}: cannot read a {type(value).__name__} value ({value!r})")


def _column_values(col: pd.Series) -> list[Any]:
    """The cells of ``col``; a narrower float column keeps its numpy scalars (see :func:`_cell_text`)."""
    dtype = col.dtype
    size = getattr(dtype, "itemsize", 8)
    if pd.api.types.is_float_dtype(dtype) and size < 8:
        values = col.to_numpy(dtype=np.float32 if size == 4 else np.float16, na_value=np.nan)
        return list(values)
    return col.tolist()


def frame_to_pledges(
    frame: pd.DataFrame, *, extra: Literal["error", "ignore"] = "error", where: str = "<DataFrame>"
) -> list[Pledge]:
    """Build one :class:`~aidtrack.pledge.Pledge` per row of ``frame`` (see the module docs).

    Columns other than :data:`FRAME_COLUMNS` are an error unless
    ``extra="ignore"`` (a converted frame's ``converted``, ``rate``, ... for
    instance). Raises :class:`~aidtrack.errors.PledgeFileError` listing every
    bad row (``row 3 (index 'x')``) if any row is bad: all or nothing.
    """
    if extra not in ("error", "ignore"):
        raise ValueError(f"extra must be 'error' or 'ignore', got {extra!r}")
    names = [str(c) for c in frame.columns]
    header: list[RowProblem] = [
        LocatedRowProblem(0, reason, "columns")
        for reason in header_problems(
            names, FRAME_COLUMNS, unknown_hint=" (extra='ignore' skips the others)" if extra == "error" else None
        )
    ]
    if header:
        raise PledgeFileError(where, header)
    used = [c for c in FRAME_COLUMNS if c in names]
    columns = {c: _column_values(frame[c]) for c in used}
    labels = frame.index.tolist()
    pledges: list[Pledge] = []
    problems: list[RowProblem] = []
    for pos, label in enumerate(labels):
        location = f"row {pos + 1}" + (f" (index {label!r})" if label != pos else "")
        try:
            row = {c: _cell_text(columns[c][pos], c) for c in used}
            given_id = row.pop("id", None)
            if all(v is None or not v.strip() for v in row.values()):
                raise ValueError("empty row (every field blank)")
            pledge = pledge_from_row(row, strip=False)
            if given_id is not None and given_id.strip() and given_id.strip() != pledge.id:
                raise ValueError(
                    f"id {given_id!r} does not match the row's content (its id is {pledge.id!r}); "
                    "drop the id column to accept edited rows"
                )
        except (AidtrackError, ValueError) as exc:
            problems.append(LocatedRowProblem(pos + 1, str(exc), location))
            continue
        pledges.append(pledge)
    if problems:
        raise PledgeFileError(where, problems)
    return pledges
