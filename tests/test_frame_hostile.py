"""Inputs a user could give convert_frame that once gave other results than the scalar path (found by review).

Each test holds the rows to :func:`aidtrack.convert` of the same amount, currency and date: the value, or
the text of the scalar error.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack.errors import InvalidArgumentError, InvalidFrameError
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


TIMES = st.one_of(st.just(timedelta(0)), st.timedeltas(timedelta(0), timedelta(hours=23, minutes=59)))


@settings(max_examples=30, deadline=None)
@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from(["GBP", "XAU", "RUB", "USD"]),
            st.sampled_from([date(1999, 1, 3), date(1990, 1, 1), date(2023, 5, 5), date(1998, 6, 1)]),
            TIMES,
        ),
        min_size=1,
        max_size=6,
    ),
    form=st.sampled_from(["datetime64", "text", "objects", "tz"]),
    policy=st.sampled_from(["daily", "monthly_mean"]),
)
def test_rows_no_source_prices_give_the_scalar_reason_for_date_times(cells: Any, form: str, policy: str) -> None:
    """A composite source's rows that no table prices took the scalar reason of the cell read as a strict ISO
    date: a date-time cell (a time of day, a zone) got "is not an ISO date" instead of the rate's reason."""
    moments = [datetime.combine(d, datetime.min.time()) + t for _, d, t in cells]
    column: Any
    if form == "datetime64":
        column = pd.Series(pd.to_datetime(moments))
    elif form == "text":
        column = [m.isoformat() for m in moments]
    elif form == "objects":
        column = pd.Series(moments, dtype=object)
    else:
        column = pd.Series(pd.to_datetime(moments)).dt.tz_localize("Asia/Tokyo")
    frame = pd.DataFrame({"amount": [1.0] * len(cells), "currency": [c for c, _, _ in cells], "date": column})
    out = convert_frame(frame, "EUR", policy=policy, errors="coerce")
    rows_as_scalar(
        out, [(1.0, c, on) for (c, _, _), on in zip(cells, frame["date"], strict=True)], "EUR", policy=policy
    )


@pytest.mark.parametrize("to", ["KWD", "BHD", "UAH"])
@pytest.mark.parametrize("policy", ["daily", "annual_mean"])
@pytest.mark.parametrize("dtype", ["float", "decimal"])
def test_a_target_only_a_later_source_has(to: str, policy: str, dtype: str) -> None:
    """A target the ECB table lacks (but the IMF table behind it has) failed the whole frame with the ECB
    table's UnknownCurrencyError, even with errors="coerce", where convert() prices each row from the IMF."""
    inputs = [
        (1000.0, "USD", "2023-06-10"),
        (2.5, "EUR", "2023-06-10"),
        (7.0, to, "2020-01-02"),
        (1.0, "JPY", "2019-12-31"),
    ]
    frame = pd.DataFrame(inputs, columns=["amount", "currency", "date"])
    out = convert_frame(frame, to, policy=policy, errors="coerce", dtype=dtype)
    rows_as_scalar(out, inputs, to, policy=policy)
    if out["problem"].isna().all():
        summed = totals(frame.assign(donor="d"), to, "donor", policy=policy)["total"].iloc[0]
        assert summed == sum(scalar(a, c, to, on, policy=policy) for a, c, on in inputs)


@pytest.mark.parametrize("column", ["object", "categorical", "categorical with unused"])
def test_rows_already_in_a_target_the_table_lacks_need_no_rate(column: str) -> None:
    """A table without the target: rows already in it convert as themselves (convert() needs no rate for
    them); the stack of legs once built a leg for the target and failed the frame (a categorical with
    categories no row uses took another path to the same leg)."""
    codes: Any = ["KWD", "kwd"]
    if column != "object":
        codes = pd.Categorical(codes, categories=["KWD", "kwd", "NOK"] if column.endswith("unused") else None)
    frame = pd.DataFrame({"amount": [Decimal("1000.0005"), 3], "currency": codes, "date": ["2023-06-10"] * 2})
    out = convert_frame(frame, "KWD", source="ecb-bundled", dtype="decimal")
    assert out["converted"].tolist() == [Decimal("1000.000"), Decimal("3.000")]
    assert out["rate"].tolist() == [1.0, 1.0]
    scalar_results = [
        aidtrack.convert(a, "KWD", to="KWD", on="2023-06-10", source="ecb-bundled").result.amount
        for a in frame["amount"]
    ]
    assert scalar_results == out["converted"].tolist()
    assert np.all(out["rate_source"].isna())
    # under the default sources, with rows that need a rate from the IMF table
    mixed = pd.DataFrame(
        {
            "amount": [1000.0, 2.5, 7.0],
            "currency": pd.Categorical(["USD", "KWD", "EUR"], categories=["EUR", "KWD", "USD", "NOK"]),
            "date": ["2023-06-10"] * 3,
        }
    )
    out = convert_frame(mixed, "KWD", policy="annual_mean", errors="coerce")
    rows_as_scalar(
        out,
        [(1000.0, "USD", "2023-06-10"), (2.5, "KWD", "2023-06-10"), (7.0, "EUR", "2023-06-10")],
        "KWD",
        policy="annual_mean",
    )


@pytest.mark.parametrize(
    "columns",
    [
        ["amount", "currency", "date", "date"],
        ["amount", "currency", "date", "amount"],
        pd.MultiIndex.from_tuples([("amount", "a"), ("currency", "b"), ("date", "c"), ("date", "d")]),
    ],
)
def test_a_name_that_selects_several_columns_is_a_frame_error(columns: Any) -> None:
    """Duplicate column names (pd.concat(axis=1) makes them) or the top level of MultiIndex columns: an
    AttributeError ('DataFrame' object has no attribute 'dtype') came out of the column readers."""
    frame = pd.DataFrame([[1.0, "USD", "2024-01-10", "2024-01-11"]], columns=columns)
    with pytest.raises(InvalidFrameError, match="select more than one column"):
        convert_frame(frame, "EUR")
    if not isinstance(columns, pd.MultiIndex):
        with pytest.raises(InvalidFrameError, match="select more than one column"):
            totals(frame.assign(donor="d"), "EUR", "donor")


@pytest.mark.parametrize("value", ["²", "¹", "1²"])
def test_aidtrack_threads_refuses_digits_int_cannot_read(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """'²'.isdigit() is true but int('²') raises a bare ValueError: the variable's own error instead."""
    import aidtrack.frames.convert as convert_module

    monkeypatch.setenv(convert_module.THREADS_ENV, value)
    frame = pd.DataFrame({"amount": np.ones(4), "currency": ["USD"] * 4, "date": pd.to_datetime(["2024-01-10"] * 4)})
    with pytest.MonkeyPatch.context() as m:
        m.setattr(convert_module, "_PARALLEL_MIN_ROWS", 2)
        with pytest.raises(InvalidArgumentError, match="AIDTRACK_THREADS"):
            convert_frame(frame, "EUR")


@pytest.mark.parametrize("dtype", ["bool", "boolean", "bool[pyarrow]", "object"])
def test_boolean_amounts_give_the_reasons_of_an_object_column(dtype: str) -> None:
    """A nullable boolean amount column: its missing value was "not a boolean" (it is a missing amount, as
    in every other column), and the reasons left out the value an object column's name."""
    values = [True, False] if dtype == "bool" else [True, None, False]
    frame = pd.DataFrame(
        {
            "amount": pd.Series(values, dtype=dtype),
            "currency": ["USD"] * len(values),
            "date": ["2024-01-10"] * len(values),
        }
    )
    out = convert_frame(frame, "EUR", errors="coerce")
    expected = ["missing amount" if v is None else f"amount must be a number, not a boolean ({v!r})" for v in values]
    assert out["problem"].tolist() == expected
    assert out["converted"].isna().all()


@settings(max_examples=25, deadline=None)
@given(
    amount=st.sampled_from([float("nan"), float("inf"), None, "abc", "1e30", True, Decimal("NaN")]),
    day=st.one_of(st.none(), st.sampled_from(["2006-12-29", "1960-01-01", "2031-01-01"])),
    policy=st.sampled_from(["daily", "annual_mean"]),
    to=st.sampled_from(["EUR", "USD", "KWD"]),
)
def test_a_bad_amount_in_a_currency_only_a_later_source_has(amount: Any, day: str | None, policy: str, to: str) -> None:
    """KWD (only the IMF table has it) with a missing or bad amount under ECB then IMF: the ECB table refused
    the currency and the IMF table the amount, and the reason convert() gives for 1 KWD was looked for, which
    found a rate and stopped with an AssertionError. The row's problem is its amount, as under the IMF table."""
    frame = pd.DataFrame(
        {"amount": pd.Series([amount, 5.0], dtype=object), "currency": ["KWD", "USD"], "date": [day, "2006-12-29"]}
    )
    out = convert_frame(frame, to, policy=policy, errors="coerce")
    alone = convert_frame(frame.iloc[:1], to, policy=policy, errors="coerce", source="imf-bundled")
    assert out["problem"].iloc[0] == alone["problem"].iloc[0]
    assert pd.isna(out["converted"].iloc[0])


@pytest.mark.parametrize("policy", ["daily", "annual_mean"])
def test_a_target_a_later_source_lacks(policy: str) -> None:
    """IMF then ECB with target KWD: the rows the IMF table cannot price went to the ECB table, which lacks
    KWD, and its UnknownCurrencyError failed the whole frame where convert() gives each row its result."""
    from aidtrack.rates.sources import Composite, resolve_source

    source = Composite([resolve_source("imf-bundled"), resolve_source("ecb-bundled")])
    inputs = [
        (1000.0, "USD", "2023-06-10"),
        (2.5, "EUR", "2023-06-10"),
        (7.0, "KWD", "2020-01-02"),
        (3.0, "GBP", "2026-05-05"),
    ]
    frame = pd.DataFrame(inputs, columns=["amount", "currency", "date"])
    out = convert_frame(frame, "KWD", policy=policy, source=source, errors="coerce")
    rows_as_scalar(out, inputs, "KWD", policy=policy, source=source)
