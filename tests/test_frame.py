"""Vectorised conversion (aidtrack.frames.convert): identical to the scalar path, problems reported, the accessor."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack.frames.convert import (
    META_KEY,
    InvalidFrameError,
    UnconvertibleRowsError,
    conversion_problems,
    convert_frame,
)

TABLE = aidtrack.bundled_table()
# every currency of the table, an ISO code it lacks (XAU), and one with a long gap (ISK 2008-2018)
CURRENCIES = [*TABLE.currencies, "XAU"]
TARGETS = ["EUR", "USD", "JPY", "GBP", "CHF", "ISK"]
POLICIES = ["daily", "exact", "monthly_mean", "annual_mean"]


def scalar(amount: Any, currency: str, to: str, on: Any, policy: Any, rounding: str) -> Any:
    """The scalar result for one row, or the text of the scalar error."""
    try:
        return aidtrack.convert(amount, currency, to=to, on=on, policy=policy, rounding=rounding)
    except aidtrack.AidtrackError as exc:
        return str(exc)


def check_rows(out: pd.DataFrame, rows: list[tuple[Any, str, Any]], to: str, policy: Any, rounding: str) -> None:
    mean = policy in ("monthly_mean", "annual_mean")
    for i, (amount, currency, on) in enumerate(rows):
        expected = scalar(amount, currency, to, on, policy, rounding)
        row = out.iloc[i]
        if isinstance(expected, str):
            assert row["problem"] == expected, (amount, currency, on)
            assert row["converted"] is None or pd.isna(row["converted"])
            assert pd.isna(row["rate"])
            continue
        assert pd.isna(row["problem"]), (amount, currency, on, row["problem"])
        assert row["converted"] == expected.result.amount, (amount, currency, on, to, policy)
        assert row["rate"] == pytest.approx(float(expected.rate), rel=1e-13)
        dates = expected.fixing_dates
        periods = {leg.period for leg in expected.legs if leg.period is not None}
        if periods:  # a published period rate (IMF annual table): the period, one published value
            (period,) = periods
            assert (row["fixing_first"].date(), row["fixing_last"].date(), row["fixing_count"]) == (*period, 1)
        elif mean:
            assert row["fixing_count"] == len(dates)
            if dates:
                assert row["fixing_first"].date() == dates[0]
                assert row["fixing_last"].date() == dates[-1]
            else:
                assert pd.isna(row["fixing_first"]) and pd.isna(row["fixing_last"])
        elif dates:
            assert row["fixing_date"].date() == dates[0]
        else:
            assert pd.isna(row["fixing_date"])
        assert (row["rate_source"] == expected.source.key) if expected.source else pd.isna(row["rate_source"])


amount_kinds = st.sampled_from(["int", "float", "decimal", "str"])
date_kinds = st.sampled_from(["str", "date", "datetime64[s]", "datetime64[ns]"])


def amount_for(kind: str) -> st.SearchStrategy[Any]:
    if kind == "int":
        return st.integers(-(10**13), 10**13)
    if kind == "float":
        return st.floats(-1e12, 1e12, allow_nan=False).map(lambda f: round(f, 2))
    decimals = st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False)
    return decimals if kind == "decimal" else decimals.map(str)


@st.composite
def frames(draw: st.DrawFn) -> tuple[pd.DataFrame, list[tuple[Any, str, Any]]]:
    akind, dkind = draw(amount_kinds), draw(date_kinds)
    n = draw(st.integers(1, 25))
    amounts = draw(st.lists(amount_for(akind), min_size=n, max_size=n))
    currencies = draw(st.lists(st.sampled_from(CURRENCIES), min_size=n, max_size=n))
    # weekends, holidays, before 1999 and after the data (2026-10-30) included
    days = draw(st.lists(st.dates(date(1998, 11, 1), date(2027, 2, 28)), min_size=n, max_size=n))
    if dkind == "str":
        column: Any = [d.isoformat() for d in days]
    elif dkind == "date":
        column = pd.Series(days, dtype=object)
    else:
        column = pd.Series(np.array(days, dtype="M8[D]").astype(dkind))
    dtype = {"int": "int64", "float": "float64"}.get(akind, object)
    frame = pd.DataFrame({"amount": pd.Series(amounts, dtype=dtype), "currency": currencies, "date": column})
    return frame, list(zip(amounts, currencies, days, strict=True))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=frames(),
    to=st.sampled_from(TARGETS),
    policy=st.one_of(st.sampled_from(POLICIES), st.dates(date(1998, 12, 1), date(2026, 12, 1)).map(str)),
    rounding=st.sampled_from(["half_even", "half_up"]),
)
def test_every_row_equals_the_scalar_conversion(data: Any, to: str, policy: str, rounding: str) -> None:
    frame, rows = data
    out = convert_frame(frame, to, policy=policy, rounding=rounding, errors="coerce", dtype="decimal")
    check_rows(out, rows, to, policy, rounding)
    floats = convert_frame(frame, to, policy=policy, rounding=rounding, errors="coerce")
    ok = floats["problem"].isna()
    # the float column holds the nearest double to each exact result
    assert [Decimal(repr(v)) for v in floats.loc[ok, "converted"]] == list(out.loc[ok, "converted"])


def test_rounding_ties_are_exact() -> None:
    # amounts whose exact result lies exactly on a half cent (or a yen) take the Decimal path
    frame = pd.DataFrame({"amount": ["0.125", "0.135", "2.5", "3.5"], "currency": "EUR", "date": "2025-01-09"})
    out = convert_frame(frame, "EUR", dtype="decimal")
    assert list(out["converted"]) == [Decimal("0.12"), Decimal("0.14"), Decimal("2.50"), Decimal("3.50")]
    up = convert_frame(frame, "EUR", rounding="half_up", dtype="decimal")
    assert list(up["converted"]) == [Decimal("0.13"), Decimal("0.14"), Decimal("2.50"), Decimal("3.50")]
    yen = convert_frame(frame.assign(currency="JPY"), "JPY", dtype="decimal")
    assert list(yen["converted"]) == [Decimal(0), Decimal(0), Decimal(2), Decimal(4)]


def test_kiel_reference_values() -> None:
    frame = pd.DataFrame(
        {
            "amount": [500_000_000, 200_000_000, 700_000_000, 1_250_000_000],
            "currency": ["USD", "CAD", "NOK", "USD"],
            "date": ["2025-01-09", "2025-01-15", "2025-01-20", "2024-12-30"],
        }
    )
    out = convert_frame(frame, "EUR", policy="monthly_mean", dtype="decimal")
    assert list(out["converted"]) == [
        Decimal("482917877.62"),
        Decimal("134195028.07"),
        Decimal("59596923.56"),
        Decimal("1192890373.37"),
    ]
    assert list(out["fixing_count"]) == [22, 22, 22, 20]


def test_huge_amounts_fall_back_to_decimal() -> None:
    big = Decimal("123456789012345678901234.56")
    out = convert_frame(
        pd.DataFrame({"amount": [big], "currency": ["USD"], "date": ["2025-01-09"]}), "EUR", dtype="decimal"
    )
    assert out.loc[0, "converted"] == aidtrack.convert(big, "USD", to="EUR", on="2025-01-09").result.amount
    assert out.attrs[META_KEY]["recomputed"] == 1


def test_missing_rates_raise_listing_every_row() -> None:
    days = ["2025-01-09", "1990-01-01", "2023-01-02", "2026-11-05"]
    frame = pd.DataFrame(
        {"amount": [1, 2, 3, 4], "currency": ["USD", "USD", "RUB", "USD"], "date": days}, index=["a", "b", "c", "d"]
    )
    with pytest.raises(UnconvertibleRowsError) as info:
        convert_frame(frame, "EUR")
    err = info.value
    assert isinstance(err, aidtrack.AidtrackError) and isinstance(err, LookupError)
    assert [p.index for p in err.problems] == ["b", "c", "d"]
    assert [p.position for p in err.problems] == [1, 2, 3]
    assert "3 of 4 rows cannot be converted" in str(err)
    assert "'b'" in str(err) and "1990-01-01" in str(err)
    report = err.report()
    assert list(report.columns) == ["index", "position", "currency", "date", "reason"]
    assert report["reason"].iloc[1].startswith("no RUB rate for 2023-01-02")
    assert "after the end of the data" in report["reason"].iloc[2]


def test_coerce_gives_missing_values_and_a_report() -> None:
    frame = pd.DataFrame(
        {"amount": [1, 2, 3], "currency": ["USD", "USD", "XYZ"], "date": ["2025-01-09", "1990-01-01", "2025-01-09"]}
    )
    out = convert_frame(frame, "EUR", errors="coerce")
    assert len(out) == 3  # nothing dropped
    assert out["converted"].isna().tolist() == [False, True, True]
    assert out["fixing_date"].isna().tolist() == [False, True, True]
    assert out.attrs[META_KEY]["problems"] == 2
    report = conversion_problems(out)
    assert report["index"].tolist() == [1, 2]
    assert "unknown currency code 'XYZ'" in report["reason"].iloc[1]
    assert out.aidtrack.problems().equals(report)
    assert conversion_problems(convert_frame(frame.iloc[:1], "EUR", errors="coerce")).empty


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        ({"amount": [float("nan")]}, "amount", "missing amount"),  # NaN is pandas' missing value
        ({"amount": [float("inf")]}, "amount", "amount must be a finite number, got inf"),
        ({"amount": [None]}, "amount", "missing amount"),
        ({"amount": ["1,000"]}, "amount", "is not a plain decimal number"),
        ({"amount": [True]}, "amount", "not a boolean"),
        ({"currency": [None]}, "currency", "missing currency"),
        ({"date": ["09/01/2025"]}, "date", "is not an ISO date"),
        ({"date": ["2025-02-30"]}, "date", "is not a valid calendar date"),
        ({"date": [pd.NaT]}, "date", "missing date"),
        ({"date": [None]}, "date", "missing date"),
    ],
)
def test_bad_values_are_reported(values: dict[str, list[Any]], column: str, reason: str) -> None:
    data: dict[str, list[Any]] = {"amount": [5], "currency": ["USD"], "date": ["2025-01-09"], **values}
    out = convert_frame(pd.DataFrame(data), "EUR", errors="coerce")
    assert reason in str(out["problem"].iloc[0])
    with pytest.raises(UnconvertibleRowsError):
        convert_frame(pd.DataFrame(data), "EUR")


def test_date_column_types() -> None:
    days = ["2025-01-09", "2025-01-11"]
    expected = convert_frame(pd.DataFrame({"amount": [1, 1], "currency": "USD", "date": days}), "EUR")
    variants = [
        pd.to_datetime(days),
        pd.to_datetime(days).as_unit("s"),
        pd.Series([date(2025, 1, 9), date(2025, 1, 11)], dtype=object),
        pd.Series([pd.Timestamp("2025-01-09"), pd.Timestamp("2025-01-11")], dtype=object),
    ]
    for variant in variants:
        out = convert_frame(pd.DataFrame({"amount": [1, 1], "currency": "USD", "date": variant}), "EUR")
        assert out["converted"].tolist() == expected["converted"].tolist()
        assert out["fixing_date"].tolist() == expected["fixing_date"].tolist()


def test_date_times_count_by_their_own_calendar_date() -> None:
    """Issue 15: a time of day is dropped (typical after pd.read_excel); a tz-aware value keeps its own date."""
    days = ["2025-01-09", "2025-01-11"]
    expected = convert_frame(pd.DataFrame({"amount": [1, 1], "currency": "USD", "date": days}), "EUR")
    timed = ["2025-01-09 23:59:59", "2025-01-11 00:00:01"]
    variants = [
        pd.to_datetime(timed),
        pd.to_datetime(timed).as_unit("ms"),
        pd.to_datetime(timed).tz_localize("Europe/Kyiv"),  # 23:59 in Kyiv is still the 9th there
        pd.to_datetime(timed).tz_localize("America/Vancouver"),
        pd.Series([datetime(2025, 1, 9, 12, 30), datetime(2025, 1, 11, 8)], dtype=object),
        pd.Series(["2025-01-09T16:30:00+01:00", "2025-01-11 09:00"], dtype=object),
    ]
    for variant in variants:
        out = convert_frame(pd.DataFrame({"amount": [1, 1], "currency": "USD", "date": variant}), "EUR")
        assert out["converted"].tolist() == expected["converted"].tolist(), variant
        assert out["fixing_date"].tolist() == expected["fixing_date"].tolist(), variant
        for i, value in enumerate(variant):
            assert aidtrack.convert(1, "USD", "EUR", on=value).result.amount == Decimal(str(out["converted"][i]))
    # the same instant, two calendar dates: 2025-01-10 00:30 in Kyiv is 2025-01-09 in UTC
    instant = pd.Timestamp("2025-01-09 22:30", tz="UTC")
    kyiv = pd.DataFrame({"amount": [1], "currency": "USD", "date": [instant.tz_convert("Europe/Kyiv")]})
    assert convert_frame(kyiv, "EUR")["fixing_date"].iloc[0] == pd.Timestamp("2025-01-10")
    utc = pd.DataFrame({"amount": [1], "currency": "USD", "date": [instant]})
    assert convert_frame(utc, "EUR")["fixing_date"].iloc[0] == pd.Timestamp("2025-01-09")


def test_categorical_and_nullable_columns() -> None:
    frame = pd.DataFrame(
        {
            "amount": pd.array([100, None, 300], dtype="Int64"),
            "currency": pd.Categorical(["USD", "usd", None]),
            "date": ["2025-01-09", "2025-01-09", "2025-01-09"],
        }
    )
    out = convert_frame(frame, "EUR", errors="coerce")
    assert out["problem"].tolist()[1:] == ["missing amount", "missing currency"]
    assert out["converted"].iloc[0] == float(aidtrack.convert(100, "USD", to="EUR", on="2025-01-09").result.amount)


def test_same_currency_needs_no_rate_and_no_date_range() -> None:
    frame = pd.DataFrame({"amount": ["10.005"], "currency": ["EUR"], "date": ["1990-01-01"]})
    out = convert_frame(frame, "EUR", dtype="decimal")
    assert out.loc[0, "converted"] == Decimal("10.00")
    assert out.loc[0, "rate"] == 1.0 and pd.isna(out.loc[0, "fixing_date"]) and pd.isna(out.loc[0, "rate_source"])


def test_target_missing_from_the_table() -> None:
    frame = pd.DataFrame({"amount": [1], "currency": ["USD"], "date": ["2025-01-09"]})
    with pytest.raises(aidtrack.UnknownCurrencyError):
        convert_frame(frame, "XAU")
    with pytest.raises(aidtrack.UnknownCurrencyError):
        convert_frame(frame, "QQQ")


def test_fixed_date_and_lookback() -> None:
    frame = pd.DataFrame({"amount": [100, 100], "currency": ["USD", "CAD"], "date": ["1990-01-01", "2025-01-09"]})
    out = convert_frame(frame, "EUR", policy="fixed:2026-10-30")
    assert out["fixing_date"].dt.date.tolist() == [date(2026, 10, 30)] * 2
    weekend = pd.DataFrame({"amount": [1], "currency": ["USD"], "date": ["2025-01-12"]})  # a Sunday
    assert convert_frame(weekend, "EUR", max_lookback_days=2)["fixing_date"].iloc[0].date() == date(2025, 1, 10)
    with pytest.raises(UnconvertibleRowsError, match="no fixing day in the 1 days"):
        convert_frame(weekend, "EUR", max_lookback_days=1)
    with pytest.raises(ValueError, match="max_lookback_days"):
        convert_frame(weekend, "EUR", max_lookback_days=-1)


def test_columns_names_and_clashes() -> None:
    frame = pd.DataFrame({"value": [1], "ccy": ["USD"], "day": ["2025-01-09"], "rate": [0.5]})
    with pytest.raises(InvalidFrameError, match="no column 'amount'"):
        convert_frame(frame, "EUR")
    with pytest.raises(InvalidFrameError, match="'rate'"):
        convert_frame(frame, "EUR", amount="value", currency="ccy", date="day")
    out = convert_frame(frame.drop(columns="rate"), "EUR", amount="value", currency="ccy", date="day", into="eur")
    assert list(out.columns) == ["value", "ccy", "day", "eur", "rate", "fixing_date", "rate_source"]
    assert out.attrs[META_KEY]["converted"] == "eur"
    assert frame.columns.tolist() == ["value", "ccy", "day", "rate"]  # the input is untouched
    with pytest.raises(ValueError, match="errors must be"):
        convert_frame(frame, "EUR", errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(aidtrack.errors.UnknownPolicyError):
        convert_frame(frame, "EUR", policy="weekly")


def test_empty_frame() -> None:
    empty = pd.DataFrame({"amount": pd.Series([], dtype="float64"), "currency": [], "date": []})
    out = convert_frame(empty, "USD", policy="monthly_mean")
    assert len(out) == 0 and "fixing_count" in out.columns


def test_index_is_kept() -> None:
    frame = pd.DataFrame({"amount": [1, 2], "currency": ["USD", "CAD"], "date": ["2025-01-09"] * 2}, index=[10, 7])
    out = convert_frame(frame, "EUR")
    assert out.index.tolist() == [10, 7]
    assert out.loc[7, "converted"] == float(aidtrack.convert(2, "CAD", to="EUR", on="2025-01-09").result.amount)


def test_accessor() -> None:
    frame = pd.DataFrame(
        {"donor": ["A", "B"], "amount": [1_000, 2_000], "currency": ["USD", "NOK"], "date": ["2025-01-09"] * 2}
    )
    out = frame.aidtrack.convert(to="EUR", policy="monthly_mean")
    assert out.equals(convert_frame(frame, "EUR", policy="monthly_mean"))
    totals = frame.aidtrack.totals(by=["donor", "quarter"], policy="monthly_mean")
    assert totals["total"].tolist() == [Decimal(str(v)).quantize(Decimal("0.01")) for v in out["converted"]]


def test_import_aidtrack_does_not_import_pandas_but_the_frames_package_registers_the_accessor() -> None:
    code = (
        "import sys, aidtrack; assert 'pandas' not in sys.modules;"
        "import pandas as pd; assert not hasattr(pd.DataFrame, 'aidtrack');"
        "import aidtrack.frames; assert hasattr(pd.DataFrame, 'aidtrack');"
        "aidtrack.frames.register_accessor(); print('ok')"
    )
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_pandas_first_then_import_aidtrack_registers_the_accessor() -> None:
    """The usual notebook order: ``import pandas`` then ``import aidtrack`` is enough for ``df.aidtrack``."""
    code = (
        "import pandas as pd, aidtrack, sys; assert hasattr(pd.DataFrame, 'aidtrack');"
        "assert 'aidtrack.frames.convert' not in sys.modules;"  # registering loads nothing heavy
        "df = pd.DataFrame({'amount': [1], 'currency': ['USD'], 'date': ['2025-01-09']});"
        "print(df.aidtrack.convert('EUR')['converted'].iloc[0])"
    )
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0.97"
