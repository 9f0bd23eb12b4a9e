"""convert_frame's fused pass over a datetime64 column: every row as the scalar path, errors included.

A ``datetime64`` date column and a float64 amount column are read without their checks; the pass over the
rows turns ticks into places in the rate stack slice by slice, checks the dates and amounts as it goes,
and gives up at a missing date or a missing, infinite or too large amount (the rows are then converted
again from checked inputs). These tests hold every branch of that to the scalar path and to the path
that reads the dates as text.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
import aidtrack.frames.convert as convert_module
from aidtrack.frames.convert import META_KEY, convert_frame

TABLE = aidtrack.bundled_table()
CURRENCIES = [*TABLE.currencies[:10], "USD", "EUR", "JPY", "XAU", "DEM", "ISK"]
TARGETS = ["EUR", "USD", "JPY", "GBP"]
POLICIES = ["daily", "exact", "monthly_mean", "2024-03-15", "trailing:30"]
UNITS = ["datetime64[s]", "datetime64[ns]", "datetime64[ms]", "datetime64[D]"]
AMOUNTS = st.one_of(
    st.floats(-1e12, 1e12, allow_nan=False).map(lambda f: round(f, 2)),
    st.sampled_from([0.0, -0.0, 0.005, 0.125, 2.5, -0.015, 1e16, 1e29, 1e30, float("nan"), float("inf")]),
)


def scalar(amount: float, currency: str, to: str, on: Any, policy: str, rounding: str) -> Any:
    """The scalar result, or the text of the scalar error."""
    try:
        return aidtrack.convert(amount, currency, to=to, on=on, policy=policy, rounding=rounding)
    except aidtrack.AidtrackError as exc:
        return str(exc)


@st.composite
def frames(draw: st.DrawFn) -> tuple[pd.DataFrame, list[tuple[float, str, date | None]]]:
    n = draw(st.integers(1, 30))
    amounts = draw(st.lists(AMOUNTS, min_size=n, max_size=n))
    currencies = draw(st.lists(st.sampled_from(CURRENCIES), min_size=n, max_size=n))
    days = draw(st.lists(st.one_of(st.dates(date(1998, 11, 1), date(2027, 2, 28)), st.none()), min_size=n, max_size=n))
    unit = draw(st.sampled_from(UNITS))
    column = pd.Series(np.array([d if d is not None else "NaT" for d in days], dtype="M8[D]").astype(unit))
    cur: Any = pd.Series(currencies, dtype=object)
    if draw(st.booleans()):
        cur = cur.astype("category")
    frame = pd.DataFrame({"amount": pd.Series(amounts, dtype="float64"), "currency": cur, "date": column})
    return frame, list(zip(amounts, currencies, days, strict=True))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=frames(),
    to=st.sampled_from(TARGETS),
    policy=st.sampled_from(POLICIES),
    rounding=st.sampled_from(["half_even", "half_up"]),
    slice_rows=st.integers(1, 7),
)
def test_every_row_equals_the_scalar_conversion(
    data: Any, to: str, policy: str, rounding: str, slice_rows: int
) -> None:
    frame, rows = data
    with mock.patch.object(convert_module, "_SLICE", slice_rows):
        out = convert_frame(frame, to, policy=policy, rounding=rounding, errors="coerce")
    for i, (amount, currency, on) in enumerate(rows):
        row = out.iloc[i]
        if on is None or not abs(amount) < 1e30:  # no date, or an amount convert() refuses as it reads it
            assert isinstance(row["problem"], str) and pd.isna(row["converted"]) and pd.isna(row["rate"])
            continue
        expected = scalar(amount, currency, to, on, policy, rounding)
        if isinstance(expected, str):
            assert row["problem"] == expected, (amount, currency, on)
            assert pd.isna(row["converted"]) and pd.isna(row["rate"])
            continue
        assert pd.isna(row["problem"]), (amount, currency, on, row["problem"])
        # the float column holds the nearest double to the exact result
        assert row["converted"] == float(expected.result.amount), (amount, currency, on, to, policy)
        assert row["rate"] == pytest.approx(float(expected.rate), rel=1e-13)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=frames(),
    to=st.sampled_from(TARGETS),
    policy=st.sampled_from(POLICIES),
    dtype=st.sampled_from(["float", "decimal"]),
    slice_rows=st.integers(1, 7),
)
def test_ticks_give_what_the_same_dates_as_text_give(
    data: Any, to: str, policy: str, dtype: str, slice_rows: int
) -> None:
    # the text column takes the path with an array of days (and of places); the datetime64 column computes
    # the places a slice at a time and again for the rows that need them: fixing days, reasons, the exact rows
    frame, _ = data
    as_text = frame.assign(date=[None if pd.isna(d) else d.date().isoformat() for d in frame["date"]])
    with mock.patch.object(convert_module, "_SLICE", slice_rows):
        fused = convert_frame(frame, to, policy=policy, dtype=dtype, errors="coerce")
    plain = convert_frame(as_text, to, policy=policy, dtype=dtype, errors="coerce")
    pd.testing.assert_frame_equal(fused.drop(columns="date"), plain.drop(columns="date"), check_exact=True)
    assert fused.attrs[META_KEY] == plain.attrs[META_KEY]


def passes(frame: pd.DataFrame, **kwargs: Any) -> tuple[pd.DataFrame, list[bool]]:
    """The conversion, and for each pass over the rows whether it was the optimistic one (unchecked inputs)."""
    calls: list[bool] = []
    real = convert_module._convert_columns_once

    def spy(amounts: Any, *args: Any, **kw: Any) -> Any:
        calls.append(not amounts.checked)
        return real(amounts, *args, **kw)

    with mock.patch.object(convert_module, "_convert_columns_once", spy):
        return convert_frame(frame, **kwargs), calls


def clean_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": [440_000_000.0, 500_000_000.0, 1250.5],
            "currency": ["CAD", "USD", "JPY"],
            "date": pd.to_datetime(["2025-01-09", "2025-01-11", "2024-02-29"]).astype("M8[s]"),
        }
    )


def test_a_clean_frame_takes_one_optimistic_pass() -> None:
    out, calls = passes(clean_frame(), to="EUR")
    assert calls == [True]
    assert out["converted"].tolist() == [296675881.6, 485248447.2, 7.69]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("date", pd.NaT, "missing date"),
        ("amount", float("nan"), "missing amount"),
        ("amount", float("inf"), "amount must be a finite number, got inf"),
        ("amount", -1e31, "beyond aidtrack's limit"),
    ],
)
def test_a_bad_value_makes_the_pass_give_up_and_convert_again_checked(column: str, value: Any, reason: str) -> None:
    frame = clean_frame()
    frame.loc[1, column] = value
    out, calls = passes(frame, to="USD", errors="coerce")
    # the optimistic pass met the bad value; the checked one reports it (and a composite source's next table
    # takes the row it could not price, in passes of its own)
    assert calls[:2] == [True, False]
    assert reason in out.loc[1, "problem"]
    assert out["problem"].isna().tolist() == [True, False, True]
    clean, _ = passes(clean_frame(), to="USD")
    assert out.loc[[0, 2], "converted"].tolist() == clean.loc[[0, 2], "converted"].tolist()


def test_days_outside_the_table_need_no_second_pass() -> None:
    frame = clean_frame()
    frame.loc[1, "date"] = pd.Timestamp("1990-01-01")
    out, calls = passes(frame, to="EUR", errors="coerce")
    assert calls and all(calls)  # no checked pass (the composite source's next table takes the row: a pass of its own)
    assert "1990-01-01" in out.loc[1, "problem"]
