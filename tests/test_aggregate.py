"""Vectorised aggregations (aidtrack.frames.aggregate): same totals as the scalar path, and every grouping adds up."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack import Money, Pledge
from aidtrack.errors import InvalidGroupingError
from aidtrack.frames.aggregate import cumulative_totals, pivot_totals, prepare, shares, top_donors, totals
from aidtrack.frames.convert import InvalidFrameError, UnconvertibleRowsError, convert_frame
from aidtrack.frames.rows import pledges_to_frame

DONORS = ["Canada", "Norway", "Germany", "European Union", "NATO fund", "United States"]
CURRENCIES = ["EUR", "USD", "CAD", "NOK", "GBP", "JPY", "PLN", "SEK"]
KEYS = ["donor", "country", "category", "measure", "qualifier", "day", "week", "month", "quarter", "year"]

pledge_strategy = st.builds(
    lambda donor, day, cents, currency, category, measure, qualifier: Pledge(
        donor=donor,
        announced=day,
        amount=Money(Decimal(cents) / 100, currency),
        category=category,
        measure=measure,
        qualifier=qualifier,
    ),
    st.sampled_from(DONORS),
    st.dates(date(2014, 1, 1), date(2025, 12, 31)),
    st.integers(1, 10**14),
    st.sampled_from(CURRENCIES),
    st.sampled_from(["military", "financial", "humanitarian", "other"]),
    st.sampled_from(["commitment", "allocation", "disbursement"]),
    st.sampled_from(["exact", "at_least", "at_most", "approximately"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pledges=st.lists(pledge_strategy, max_size=40),
    by=st.lists(st.sampled_from(KEYS), max_size=3, unique=True),
    to=st.sampled_from(["EUR", "USD", "JPY"]),
    policy=st.sampled_from(["daily", "monthly_mean", "annual_mean"]),
    sort=st.sampled_from(["keys", "total"]),
)
def test_same_result_as_the_scalar_totals(
    pledges: list[Pledge], by: list[str], to: str, policy: str, sort: Any
) -> None:
    expected = aidtrack.totals(pledges, to=to, by=by, policy=policy, sort=sort)
    got = totals(pledges_to_frame(pledges), to, by, policy=policy, sort=sort)
    pd.testing.assert_frame_equal(got, expected)
    assert got.attrs == expected.attrs
    # the invariant: the groups add up to the grand total, exactly
    assert sum(got["total"], Decimal(0)) == got.attrs["grand_total"].amount
    assert int(got["count"].sum()) == len(pledges)
    assert int(got["bound_count"].sum()) == got.attrs["bound_count"]


@pytest.fixture(scope="module")
def pledges() -> list[Pledge]:
    rng = np.random.default_rng(7)
    out = []
    for k in range(300):
        out.append(
            Pledge(
                donor=DONORS[k % len(DONORS)],
                announced=date(2022, 2, 24) + timedelta(days=int(rng.integers(0, 1300))),
                amount=Money(Decimal(int(rng.integers(1, 10**11))) / 100, CURRENCIES[int(rng.integers(0, 8))]),
                category=["military", "financial", "humanitarian"][k % 3],
                qualifier="at_least" if k % 7 == 0 else "exact",
            )
        )
    return out


def test_frame_totals_through_aidtrack_totals(pledges: list[Pledge]) -> None:
    frame = pledges_to_frame(pledges)
    pd.testing.assert_frame_equal(aidtrack.totals(frame, by="quarter"), aidtrack.totals(pledges, by="quarter"))


def test_pivot_adds_up(pledges: list[Pledge]) -> None:
    pivot = pivot_totals(pledges, "EUR", period="year")
    years = [c for c in pivot.columns if isinstance(c, pd.Period)]
    assert years == sorted(years) and len(years) == 4
    for _, row in pivot.iterrows():
        assert sum((row[y] for y in years), Decimal(0)) == row["total"]
    assert sum(pivot["total"], Decimal(0)) == pivot.attrs["grand_total"].amount
    by_year = totals(pledges, "EUR", "year")
    for year, total in zip(by_year["year"], by_year["total"], strict=True):
        assert sum(pivot[year], Decimal(0)) == total
    assert pivot["count"].sum() == len(pledges)
    assert pivot["bound_count"].sum() == sum(p.qualifier.is_bound for p in pledges)
    assert list(pivot.columns[-4:]) == ["currency", "total", "count", "bound_count"]


def test_cumulative_totals(pledges: list[Pledge]) -> None:
    cum = cumulative_totals(pledges, "EUR", period="month")
    by_donor = totals(pledges, "EUR", "donor")
    for donor, total, count in zip(by_donor["donor"], by_donor["total"], by_donor["count"], strict=True):
        rows = cum[cum["donor"] == donor]
        assert list(rows["month"]) == sorted(rows["month"])
        assert rows["cumulative"].iloc[-1] == total
        assert rows["cumulative_count"].iloc[-1] == count
        running = Decimal(0)
        for t, c in zip(rows["total"], rows["cumulative"], strict=True):
            running += t
            assert c == running
    overall = cumulative_totals(pledges, "EUR", by=None, period="quarter")
    assert overall["cumulative"].iloc[-1] == overall.attrs["grand_total"].amount
    with pytest.raises(InvalidGroupingError):
        cumulative_totals(pledges, "EUR", by=["month"], period="month")


def test_shares_and_top_donors(pledges: list[Pledge]) -> None:
    table = shares(pledges, "USD")
    assert list(table.columns) == ["donor", "currency", "total", "share", "count", "bound_count"]
    assert table["share"].sum() == pytest.approx(1.0)
    assert list(table["total"]) == sorted(table["total"], reverse=True)
    top = top_donors(pledges, 3, "USD")
    assert list(top["rank"].iloc[:3]) == [1, 2, 3] and pd.isna(top["rank"].iloc[3])
    assert top["donor"].iloc[3] == f"other ({len(DONORS) - 3} donors)"
    assert sum(top["total"], Decimal(0)) == top.attrs["grand_total"].amount
    assert top["count"].sum() == len(pledges)
    assert list(top["donor"].iloc[:3]) == list(table["donor"].iloc[:3])
    assert len(top_donors(pledges, 3, "USD", others=False)) == 3
    assert len(top_donors(pledges, 100, "USD")) == len(DONORS)  # no "other" row when nobody is left
    with pytest.raises(ValueError, match="n must be"):
        top_donors(pledges, -1)


def test_converted_frames_are_used_as_they_are(pledges: list[Pledge]) -> None:
    frame = pledges_to_frame(pledges)
    converted = convert_frame(frame, "USD", policy="monthly_mean")
    assert prepare(converted) is converted
    pd.testing.assert_frame_equal(
        totals(converted, by="donor"), aidtrack.totals(pledges, to="USD", by="donor", policy="monthly_mean")
    )
    with pytest.raises(InvalidFrameError, match="converted with currency 'USD', not 'EUR'"):
        totals(converted, "EUR")
    with pytest.raises(InvalidFrameError, match="policy 'monthly_mean', not 'daily'"):
        totals(converted, policy="daily")
    # filtering keeps the metadata; the totals follow
    subset = converted[converted["donor"] == "Canada"]
    assert totals(subset, by=None)["count"].iloc[0] == sum(p.donor.name == "Canada" for p in pledges)


def test_rows_without_a_result_are_never_summed_silently() -> None:
    frame = pd.DataFrame(
        {"donor": ["A", "B"], "amount": [1, 2], "currency": ["USD", "USD"], "date": ["2025-01-09", "1990-01-01"]}
    )
    with pytest.raises(UnconvertibleRowsError):
        totals(frame, "EUR")
    coerced = convert_frame(frame, "EUR", errors="coerce")
    with pytest.raises(UnconvertibleRowsError, match="1990-01-01"):
        totals(coerced)
    kept = coerced[coerced["problem"].isna()]
    assert totals(kept)["count"].tolist() == [1]


def test_grouping_columns_from_plain_frames() -> None:
    frame = pd.DataFrame(
        {
            "donor": pd.Categorical(["Norway", "Canada", "Norway", None]),
            "amount": [1.0, 2.0, 3.0, 4.0],
            "currency": ["EUR"] * 4,
            "date": pd.to_datetime(["2025-01-09", "2025-02-01", "2025-03-01", "2025-03-02"]),
        }
    )
    out = totals(frame, "EUR", ["donor", "month"])
    assert out["donor"].tolist()[:3] == ["Canada", "Norway", "Norway"]
    assert out["donor"].isna().tolist() == [False, False, False, True]  # missing donors form their own group
    assert out["bound_count"].sum() == 0  # no qualifier column: no bounds
    with pytest.raises(InvalidFrameError, match="no 'category' column"):
        totals(frame, "EUR", "category")
    with pytest.raises(InvalidGroupingError):
        totals(frame, "EUR", "colour")


def test_large_frame_sums_exactly() -> None:
    n = 200_000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "donor": pd.Categorical.from_codes(rng.integers(0, 50, n), [f"D{i}" for i in range(50)]),
            "amount": rng.integers(1, 10**12, n) / 100,
            "currency": pd.Categorical.from_codes(rng.integers(0, 3, n), ["USD", "CAD", "EUR"]),
            "date": pd.to_datetime("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), unit="D"),
        }
    )
    converted = convert_frame(frame, "EUR", dtype="decimal")
    by = totals(converted, by=["donor", "year"])
    exact = sum(converted["converted"], Decimal(0))
    assert by.attrs["grand_total"].amount == exact
    assert sum(by["total"], Decimal(0)) == exact
    assert totals(convert_frame(frame, "EUR"), by=["donor", "year"]).equals(by)
