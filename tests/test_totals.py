"""Totals: grouping keys, counts and bounds, the grand total, errors."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import aidtrack
from aidtrack import Money, Pledge, UnconvertibleRowsError, totals
from aidtrack.errors import InvalidGroupingError
from aidtrack.files import example_path as example_file
from aidtrack.files import read_pledges_csv
from aidtrack.frames.aggregate import grand_total


@pytest.fixture
def ramstein() -> list[Pledge]:
    return read_pledges_csv(example_file())


def test_by_donor(ramstein: list[Pledge]) -> None:
    df = totals(ramstein, to="EUR", by="donor", policy="monthly_mean")
    assert list(df.columns) == ["donor", "currency", "total", "count", "bound_count"]
    assert list(df["donor"]) == ["Canada", "Norway", "United States"]
    row = df.set_index("donor").loc["United States"]
    assert row["total"] == Decimal("482917877.62") and row["count"] == 1 and row["bound_count"] == 0
    assert df.set_index("donor").loc["Norway", "bound_count"] == 1
    assert df.attrs["grand_total"] == Money(sum(df["total"]), "EUR")
    assert df.attrs["source"].key == "ecb-bundled" and df.attrs["policy"] == "monthly_mean"


def test_combined_keys_and_periods(ramstein: list[Pledge]) -> None:
    df = totals(ramstein, to="USD", by=["category", "quarter"])
    assert list(df.columns[:2]) == ["category", "quarter"]
    assert df.loc[0, "quarter"] == pd.Period("2025Q1", freq="Q")
    assert df.loc[0, "count"] == 3 and df.loc[0, "currency"] == "USD"
    for key in ["day", "week", "month", "year", "measure", "qualifier", "country"]:
        assert totals(ramstein, by=key)["count"].sum() == 3


def test_sort_by_total(ramstein: list[Pledge]) -> None:
    df = totals(ramstein, by="donor", sort="total")
    assert list(df["donor"]) == ["Norway", "United States", "Canada"]


def test_no_grouping_is_the_grand_total(ramstein: list[Pledge]) -> None:
    df = totals(ramstein, by=None)
    assert len(df) == 1 and df.loc[0, "total"] == grand_total(ramstein).amount


def test_empty_input() -> None:
    df = totals([], by="donor")
    assert len(df) == 0 and df.attrs["grand_total"] == Money(0, "EUR")


def test_bad_grouping() -> None:
    with pytest.raises(InvalidGroupingError, match="'colour'.*donor"):
        totals([], by="colour")
    with pytest.raises(aidtrack.AidtrackError):
        totals([], by=["donor", "donor"])


def test_missing_rate_names_the_pledge() -> None:
    p = Pledge(donor="Russia", announced="2023-01-05", amount=Money(1, "RUB"))
    with pytest.raises(UnconvertibleRowsError) as err:
        totals([p])
    assert p.id in str(err.value) and "RUB" in str(err.value)
