"""Inputs a user could give convert_frame that once gave other results than the scalar path (found by review).

Each test holds the rows to :func:`aidtrack.convert` of the same amount, currency and date: the value, or
the text of the scalar error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack.frames.aggregate import totals
from aidtrack.frames.convert import convert_frame


def scalar(amount: Any, currency: str, to: str, on: Any, **options: Any) -> Any:
    """The scalar result's amount, or the text of the scalar error."""
    try:
        return aidtrack.convert(amount, currency, to=to, on=on, **options).result.amount
    except aidtrack.AidtrackError as exc:
        return str(exc)


def rows_as_scalar(out: pd.DataFrame, inputs: list[tuple[Any, str, Any]], to: str, **options: Any) -> None:
    for i, (amount, currency, on) in enumerate(inputs):
        expected = scalar(amount, currency, to, on, **options)
        row = out.iloc[i]
        if isinstance(expected, str):
            assert row["problem"] == expected, (i, amount, currency, on)
            assert pd.isna(row["converted"])
        else:
            assert pd.isna(row["problem"]), (i, amount, currency, on, row["problem"])
            got = row["converted"]
            assert got == (expected if isinstance(got, Decimal) else float(expected)), (i, amount, currency, on)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 2**64 - 1)), min_size=1, max_size=8))
def test_a_nullable_unsigned_column_keeps_its_large_values(values: list[int | None]) -> None:
    """UInt64 values of 2**63 and more were read as int64 and wrapped around (2**64 - 1 became -1)."""
    n = len(values)
    frame = pd.DataFrame(
        {
            "amount": pd.array(values, dtype="UInt64"),
            "currency": (["USD", "GBP", "EUR", "JPY"] * n)[:n],
            "date": pd.to_datetime(["2024-01-10"] * n),
        }
    )
    out = convert_frame(frame, "EUR", errors="coerce", dtype="decimal")
    for i, v in enumerate(values):
        if v is None:
            assert out["problem"].iloc[i] == "missing amount"
            continue
        expected = aidtrack.convert(v, frame["currency"].iloc[i], to="EUR", on="2024-01-10").result.amount
        assert out["converted"].iloc[i] == expected
    known = [(v, c) for v, c in zip(values, frame["currency"], strict=True) if v is not None]
    if len(known) == n:  # the totals add the same exact rows
        summed = totals(frame.assign(donor="d"), "EUR", "donor")["total"].iloc[0]
        assert summed == sum(aidtrack.convert(v, c, to="EUR", on="2024-01-10").result.amount for v, c in known)
