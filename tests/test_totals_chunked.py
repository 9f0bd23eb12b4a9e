"""Chunked totals (issue 17): totals of an unconverted frame, converted and summed a block of rows at a time,
are identical to converting the whole frame first and summing it, for every option of ``totals``.

The blocks are made tiny here (``aggregate._BLOCK``, normally about a million rows) so that every example
crosses many block boundaries; ``aggregate._DENSE`` set to 1 forces the table of groups that occur (the
path for many key combinations) instead of the dense one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from aidtrack import Money, Pledge
from aidtrack.errors import AidtrackError
from aidtrack.frames import aggregate
from aidtrack.frames.aggregate import PartialTotals, partial_totals, prepare, totals, totals_from_partials
from aidtrack.frames.convert import UnconvertibleRowsError, convert_frame
from aidtrack.rates.bundled import bundled_table
from aidtrack.rates.sources import Composite, resolve_tables

ECB = bundled_table()
COMPOSITE = Composite(resolve_tables(Composite(["bundled", "imf-bundled"])))  # resolved once for all examples
DONORS = ["Germany", "Norway", "United States", "Japan", "Canada", "NATO fund"]
CURRENCIES = ["EUR", "USD", "JPY", "GBP", "CAD", "NOK", "DEM"]
TROUBLE = ["UAH", "KES", "ZZZ"]  # only in the IMF table (priced by a composite's annual means), unknown
POLICIES = [
    "daily",
    "exact",
    "monthly_mean",
    "annual_mean",
    "quarterly_mean",
    "fiscal:4",
    "trailing:30",
    "fixed:2024-07-03",
]
KEYS = ["donor", "qualifier", "day", "week", "month", "quarter", "year"]
DAYS = st.dates(date(2019, 1, 1), date(2025, 6, 30))
BAD_DAYS = st.sampled_from([date(1990, 5, 2), date(2001, 12, 31), date(2030, 1, 1)])  # no rate; DEM's last day


@contextmanager
def blocks(rows: int, dense: int | None = None) -> Iterator[None]:
    """Totals in blocks of ``rows`` rows (and at most ``dense`` combinations in a dense table)."""
    saved = aggregate._BLOCK, aggregate._DENSE
    aggregate._BLOCK = rows
    if dense is not None:
        aggregate._DENSE = dense
    try:
        yield
    finally:
        aggregate._BLOCK, aggregate._DENSE = saved


def unchunked(data: Any, to: str, by: Any, **options: Any) -> pd.DataFrame:
    """The whole frame converted at once, then totalled: what ``totals`` computed before issue 17."""
    conversion = {k: options.pop(k) for k in ("policy", "source", "rounding", "rate_date") if k in options}
    return totals(prepare(data, to, **conversion), None, by, **options)


def outcome(fn: Callable[[], pd.DataFrame]) -> tuple[Any, ...]:
    try:
        result = fn()
    except AidtrackError as exc:
        problems = getattr(exc, "problems", None)
        return ("error", type(exc), str(exc), problems)
    return ("ok", result)


def assert_same(got: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    assert got[0] == expected[0], (got, expected)
    if got[0] == "error":
        assert got[1:] == expected[1:]
        return
    pd.testing.assert_frame_equal(got[1], expected[1])
    assert got[1].attrs == expected[1].attrs
    frame = got[1]
    if "total" in frame.columns and len(frame):  # the groups add up to the grand total, exactly
        assert sum(frame["total"]) == frame.attrs["grand_total"].amount


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 30))
    kind = draw(st.sampled_from(["float", "int", "decimal", "str"]))
    cents = draw(st.lists(st.integers(-(10**11), 10**11), min_size=n, max_size=n))
    if draw(st.booleans()) and n:  # beyond what a float holds to the cent
        cents[draw(st.integers(0, n - 1))] = draw(st.integers(10**15, 10**20))
    amounts: Any
    if kind == "float":
        amounts = [c / 100 for c in cents]
    elif kind == "int":
        amounts = [c // 100 for c in cents]
    elif kind == "decimal":
        amounts = pd.Series([Decimal(c).scaleb(-2) for c in cents], dtype=object)
    else:
        amounts = [str(Decimal(c).scaleb(-2)) for c in cents]
    trouble = draw(st.integers(0, 3)) == 0  # a frame with rows that may have no result
    days_of = st.one_of(DAYS, BAD_DAYS, st.none()) if trouble else DAYS
    currencies = st.sampled_from(CURRENCIES + TROUBLE) if trouble else st.sampled_from(CURRENCIES)
    days = draw(st.lists(days_of, min_size=n, max_size=n))
    frame = pd.DataFrame(
        {
            "donor": draw(st.lists(st.sampled_from(DONORS if trouble else DONORS[:-1]), min_size=n, max_size=n)),
            "amount": amounts,
            "currency": draw(st.lists(currencies, min_size=n, max_size=n)),
            "date": pd.to_datetime(pd.Series(days, dtype=object)).astype("M8[s]")
            if draw(st.booleans())
            else pd.Series([d.isoformat() if d else None for d in days], dtype=object),
            "qualifier": draw(st.lists(st.sampled_from(["exact", "at_least", "at_most"]), min_size=n, max_size=n)),
        }
    )
    if draw(st.booleans()):
        frame["donor"] = frame["donor"].astype("category")
        frame["currency"] = frame["currency"].astype("category")
    if draw(st.booleans()):
        rate_days = draw(st.lists(st.one_of(st.none(), days_of), min_size=n, max_size=n))
        frame["conference"] = pd.Series([d.isoformat() if d else None for d in rate_days], dtype=object)
    return frame


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    frame=frames(),
    by=st.lists(st.sampled_from(KEYS), max_size=3, unique=True),
    to=st.sampled_from(["EUR", "USD", "JPY"]),
    policy=st.sampled_from(POLICIES),
    composite=st.booleans(),
    rounding=st.sampled_from(["half_even", "half_up"]),
    sort=st.sampled_from(["keys", "total"]),
    block=st.integers(1, 8),
    dense=st.sampled_from([None, 1]),
)
def test_chunked_totals_equal_the_whole_frame_converted_first(
    frame: pd.DataFrame,
    by: list[str],
    to: str,
    policy: str,
    composite: bool,
    rounding: str,
    sort: Any,
    block: int,
    dense: int | None,
) -> None:
    options: dict[str, Any] = {
        "policy": policy,
        "source": COMPOSITE if composite else ECB,
        "rounding": rounding,
        "sort": sort,
    }
    if "conference" in frame.columns:
        options["rate_date"] = "conference"
    expected = outcome(lambda: unchunked(frame, to, by, **options))
    with blocks(block, dense):
        got = outcome(lambda: totals(frame, to, by, **options))
    assert_same(got, expected)
    event(f"{got[0]}: {type(got[1]).__name__ if got[0] == 'ok' else got[1].__name__}")
    if got[0] == "ok":  # and the grand total is that of any grouping
        with blocks(block):
            grand = totals(frame, to, None, **options)
        assert grand.attrs["grand_total"] == got[1].attrs["grand_total"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    frame=frames(),
    by=st.sampled_from([["donor"], ["donor", "year"], ["year", "donor"]]),
    to=st.sampled_from(["EUR", "USD"]),
    policy=st.sampled_from(["daily", "annual_mean"]),
    deflator=st.sampled_from(["dac", "gdp", "cpi"]),
    allow_estimates=st.sampled_from([True, True, False]),
    share=st.sampled_from([None, ("gdp", 2021), ("gni", "same"), ("per_capita", 2021)]),
    block=st.integers(1, 8),
)
def test_chunked_real_terms_equal_the_whole_frame(
    frame: pd.DataFrame,
    by: list[str],
    to: str,
    policy: str,
    deflator: str,
    allow_estimates: bool,
    share: tuple[str, Any] | None,
    block: int,
) -> None:
    """Constant prices (each block converted, then deflated), shares of GDP or GNI and per-capita figures."""
    options: dict[str, Any] = {"policy": policy, "source": ECB, "allow_estimates": allow_estimates}
    if share is None or share[0] != "per_capita" or deflator != "cpi":
        options |= {"prices": "constant", "base_year": 2024, "deflator": deflator}
    if share is not None:
        what, year = share
        options |= {"denominator_year": year} | ({"per_capita": True} if what == "per_capita" else {"share_of": what})
        if year == "same" and "year" not in by:
            by = [*by, "year"]
    if "conference" in frame.columns:
        options["rate_date"] = "conference"
    expected = outcome(lambda: unchunked(frame, to, by, **options))
    with blocks(block):
        got = outcome(lambda: totals(frame, to, by, **options))
    assert_same(got, expected)
    event(f"{got[0]}: {type(got[1]).__name__ if got[0] == 'ok' else got[1].__name__}")


def test_pledges_with_rate_dates_total_alike_in_blocks() -> None:
    pledges = [
        Pledge(donor="Norway", announced="2022-10-05", rate_date="2022-09-21", amount=Money("2000000000", "NOK")),
        Pledge(donor="Canada", announced="2023-03-01", amount=Money("440000000", "CAD")),
        Pledge(donor="Norway", announced="2023-06-01", rate_date="2023-01-02", amount=Money("15.55", "USD")),
    ]
    expected = unchunked(pledges, "EUR", ["donor", "year"])
    for rows in (1, 2, 3):
        with blocks(rows):
            got = totals(pledges, "EUR", ["donor", "year"])
        pd.testing.assert_frame_equal(got, expected)
        assert got.attrs == expected.attrs
    # the rate of the rate date, not of the announcement
    nok = totals(pledges[:1], "EUR", None).attrs["grand_total"]
    at_rate_date = pd.DataFrame({"amount": ["2000000000"], "currency": ["NOK"], "date": ["2022-09-21"]})
    assert nok == Money(convert_frame(at_rate_date, "EUR", dtype="decimal").loc[0, "converted"], "EUR")


def test_every_row_without_a_rate_is_reported_across_blocks() -> None:
    df = pd.DataFrame(
        {
            "donor": ["A", "B", "C", "D", "E"],
            "amount": [1, 2, 3, 4, 5],
            "currency": ["USD", "ZZZ", "USD", "UAH", "USD"],
            "date": ["2024-01-05", "2024-01-05", "1990-01-01", "2024-01-05", "not a date"],
        }
    )
    with pytest.raises(UnconvertibleRowsError) as whole:
        convert_frame(df, "EUR", source=ECB)
    with blocks(2), pytest.raises(UnconvertibleRowsError) as chunked:
        totals(df, "EUR", source=ECB)
    assert str(chunked.value) == str(whole.value)
    assert [p.position for p in chunked.value.problems] == [1, 2, 3, 4]
    # a composite prices UAH from the IMF table (its annual means): that row is no longer a problem
    with pytest.raises(UnconvertibleRowsError) as whole:
        convert_frame(df, "EUR", source=COMPOSITE, policy="annual_mean")
    with blocks(2), pytest.raises(UnconvertibleRowsError) as composite:
        totals(df, "EUR", source=COMPOSITE, policy="annual_mean")
    assert str(composite.value) == str(whole.value)
    assert [p.position for p in composite.value.problems] == [1, 2, 4]


def test_partials_of_blocks_combine_to_the_chunked_totals() -> None:
    """PartialTotals (what aidtrack.dask sums) agree with the chunked totals of the same rows."""
    rng = np.random.default_rng(7)
    n = 500
    df = pd.DataFrame(
        {
            "donor": pd.Categorical(rng.choice(DONORS[:5], n)),
            "amount": rng.integers(100, 10**9, n) / 100,
            "currency": pd.Categorical(rng.choice(["USD", "JPY", "GBP", "EUR"], n)),
            "date": (rng.integers(0, 2000, n) + np.datetime64("2019-01-01", "D").astype(np.int64))
            .astype("M8[D]")
            .astype("M8[s]"),
        }
    )
    parts: list[PartialTotals] = [
        partial_totals(convert_frame(df.iloc[a : a + 97], "EUR"), ["donor", "year"]) for a in range(0, n, 97)
    ]
    combined = totals_from_partials(parts, sort="total")
    with blocks(64):
        chunked = totals(df, "EUR", ["donor", "year"], sort="total")
    pd.testing.assert_frame_equal(chunked, combined)
    assert chunked.attrs == combined.attrs
    whole = totals(df, "EUR", ["donor", "year"], sort="total")  # one block
    pd.testing.assert_frame_equal(whole, combined)


def test_a_long_span_of_dates_labels_only_the_days_that_occur() -> None:
    df = pd.DataFrame(
        {
            "amount": [1.0, 2.0, 3.0],
            "currency": ["EUR", "EUR", "EUR"],
            "date": pd.to_datetime(["1800-01-01", "2024-01-05", "2200-12-31"]).astype("M8[s]"),
        }
    )
    with blocks(1):
        got = totals(df, "EUR", "day")
    assert [str(p) for p in got["day"]] == ["1800-01-01", "2024-01-05", "2200-12-31"]
    pd.testing.assert_frame_equal(got, unchunked(df, "EUR", "day"))


def test_days_before_1970_and_times_of_day_fall_on_their_calendar_day() -> None:
    days = pd.to_datetime(["1969-12-31 23:59:59", "2024-01-05 12:00:00", "2024-01-05 00:00:00"]).astype("M8[s]")
    df = pd.DataFrame({"amount": [1, 2, 3], "currency": "EUR", "date": days})
    with blocks(2):
        got = totals(df, "EUR", ["day"])
    assert [str(p) for p in got["day"]] == ["1969-12-31", "2024-01-05"]
    assert got["total"].tolist() == [Decimal("1.00"), Decimal("5.00")]
