"""``Pledges``: an immutable sequence of pledges with a table view in Jupyter, a frame and totals.

>>> from aidtrack import Money, Pledge
>>> ps = Pledges([Pledge(donor="Canada", announced="2025-01-09", amount=Money("440000000", "CAD"))])
>>> ps
<Pledges: 1 pledge>
>>> ps.to_frame()[["donor", "amount", "currency"]]
    donor     amount currency
0  Canada  440000000      CAD
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import pandas as pd

from aidtrack.frames.rows import frame_to_pledges, pledges_to_frame
from aidtrack.pledge import Pledge

if TYPE_CHECKING:
    from aidtrack.amounts import Rounding
    from aidtrack.errors import RowProblem
    from aidtrack.policy import PolicyLike
    from aidtrack.rates.sources import SourceLike

__all__ = ["Pledges", "frame_html"]


class Pledges(Sequence[Pledge]):
    """An immutable sequence of pledges that shows as a table in Jupyter.

    Anything that takes an iterable of pledges takes a ``Pledges``; it adds
    :meth:`to_frame`, :meth:`totals` and an HTML view (``_repr_html_``).

    ``problems`` holds the rows a reader could not load when it was asked to go on
    (:func:`aidtrack.files.read_pledges` with ``errors="coerce"``): each a
    :class:`~aidtrack.errors.RowProblem` with its location and reason; empty otherwise.
    """

    __slots__ = ("_items", "problems")

    def __init__(self, pledges: Iterable[Pledge] = (), *, problems: Iterable[RowProblem] = ()) -> None:
        items = tuple(pledges)
        for p in items:
            if not isinstance(p, Pledge):
                raise TypeError(f"Pledges holds Pledge objects, not {type(p).__name__}")
        self._items = items
        self.problems: tuple[RowProblem, ...] = tuple(problems)

    @overload
    def __getitem__(self, index: int) -> Pledge: ...
    @overload
    def __getitem__(self, index: slice) -> Pledges: ...
    def __getitem__(self, index: int | slice) -> Pledge | Pledges:
        if isinstance(index, slice):
            return Pledges(self._items[index])
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Pledge]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Pledges):
            return self._items == other._items
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        bad = (
            f", {len(self.problems)} bad row{'s' if len(self.problems) != 1 else ''} not loaded"
            if self.problems
            else ""
        )
        return f"<Pledges: {len(self)} pledge{'s' if len(self) != 1 else ''}{bad}>"

    def _repr_html_(self) -> str:
        from aidtrack.display import pledges_html

        return pledges_html(self)

    def to_frame(self) -> pd.DataFrame:
        """:func:`pledges_to_frame` of these pledges."""
        return pledges_to_frame(self)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, **kwargs: Any) -> Pledges:
        """:func:`frame_to_pledges`, as a ``Pledges``."""
        return cls(frame_to_pledges(frame, **kwargs))

    def totals(
        self,
        to: str = "EUR",
        by: Any = "donor",
        *,
        policy: PolicyLike = "daily",
        source: SourceLike | None = None,
        rounding: Rounding | str = "half_even",
    ) -> pd.DataFrame:
        """:func:`aidtrack.totals` of these pledges."""
        from aidtrack.frames.aggregate import totals

        return totals(self, to, by, policy=policy, source=source, rounding=rounding)


def _decimal_cell(value: Any) -> str:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return format(value, ",f")  # grouped, every stored digit, never an exponent
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def frame_html(frame: pd.DataFrame, *, max_rows: int | None = None) -> str:
    """HTML of a frame whose ``Decimal`` columns show thousands separators (``2,781,877,240.16``).

    pandas prints a ``Decimal`` as ``str()`` does, without separators; the
    notebook view of aidtrack's frames (totals, converted frames) uses this
    instead (see :func:`aidtrack.frames.accessor.register_notebook_display`). Text is HTML-escaped.

    >>> from decimal import Decimal
    >>> "2,781,877,240.16" in frame_html(pd.DataFrame({"total": [Decimal("2781877240.16")]}))
    True
    """
    from decimal import Decimal

    decimal_columns = [
        col
        for col in frame.columns
        if frame[col].dtype == object and any(isinstance(v, Decimal) for v in frame[col].head(50))
    ]
    limit = pd.get_option("display.max_rows") if max_rows is None else max_rows
    html: str = frame.to_html(
        formatters=dict.fromkeys(decimal_columns, _decimal_cell),
        max_rows=limit,
        escape=True,
        notebook=True,
        border=0,
    )
    return html
