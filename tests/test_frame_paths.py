"""convert_frame's internal paths give the same frame (issue 17): the rate stack in the order of the currency
codes or one row per leg, categories no row uses, days outside the table's span, fixed-date policies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidtrack.frames.convert import convert_frame
from aidtrack.rates.bundled import bundled_table

ECB = bundled_table()
ROWS = {
    "amount": [440_000_000.25, 12.5, 3.0, 7.75, 1_000.0, 2.0],
    "currency": ["CAD", "USD", "JPY", "EUR", "GBP", "USD"],
    "date": ["2025-01-09", "1990-06-01", "2024-02-29", "2024-03-01", "2030-01-01", "2024-07-03"],
}


def _as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(currency=frame["currency"].astype(object))


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert got["currency"].astype(object).tolist() == expected["currency"].astype(object).tolist()
    pd.testing.assert_frame_equal(got.drop(columns="currency"), expected.drop(columns="currency"))
    assert got.attrs == expected.attrs


@pytest.mark.parametrize("policy", ["daily", "monthly_mean", "fixed:2024-07-03", "trailing:2024-01-01..2024-03-31"])
@pytest.mark.parametrize("to", ["EUR", "USD"])
def test_categories_no_row_uses_change_nothing(policy: str, to: str) -> None:
    """A filtered frame keeps every category: its legs are not built, and the result is the same."""
    frame = pd.DataFrame(ROWS)
    everything = pd.CategoricalDtype(list(ECB.currencies))
    options: dict[str, Any] = {"policy": policy, "errors": "coerce", "source": ECB}
    expected = convert_frame(_as_objects(frame), to, **options)
    got = convert_frame(frame.astype({"currency": everything}), to, **options)
    _same(got, expected)
    # another subset under the same categories: the first call's rate arrays must not serve it wrongly
    other = pd.DataFrame({**ROWS, "currency": ["NOK", "SEK", "CHF", "PLN", "AUD", "NZD"]})
    _same(convert_frame(other.astype({"currency": everything}), to, **options), convert_frame(other, to, **options))


def test_more_codes_than_the_stack_follows() -> None:
    """Seventy categories (most no currency at all): one row per leg, the same result."""
    codes = list(ECB.currencies) + [f"Q{k:02d}" for k in range(70 - len(ECB.currencies))]
    frame = pd.DataFrame(ROWS).astype({"currency": pd.CategoricalDtype(codes)})
    expected = convert_frame(_as_objects(frame), "USD", errors="coerce", source=ECB)
    _same(convert_frame(frame, "USD", errors="coerce", source=ECB), expected)


def test_days_outside_the_table_are_reported_with_their_own_dates() -> None:
    frame = pd.DataFrame(ROWS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("M8[s]")
    out = convert_frame(frame, "EUR", errors="coerce", source=ECB)
    assert out["problem"].notna().tolist() == [False, True, False, False, True, False]
    assert "1990-06-01" in out.loc[1, "problem"] and "2030-01-01" in out.loc[4, "problem"]
    as_text = convert_frame(pd.DataFrame(ROWS), "EUR", errors="coerce", source=ECB)
    assert out["problem"].astype(object).tolist() == as_text["problem"].astype(object).tolist()
    assert out["converted"].tolist()[2:4] == as_text["converted"].tolist()[2:4]


@pytest.mark.parametrize(("src", "dst"), [("CAD", "USD"), ("USD", "CAD"), ("USD", "EUR"), ("EUR", "USD")])
def test_a_table_quoted_in_base_units_rounds_as_convert_does(src: str, dst: str) -> None:
    """Rows on a rounding boundary are recomputed from the published quotes, as convert() computes them
    (CAD 4.11 at 6 CAD per USD is USD 0.685 exactly: 0.68, half-even; through the inverse 1/6 it was 0.69)."""
    from datetime import date
    from decimal import Decimal

    import aidtrack
    from aidtrack import RateTable

    table = RateTable.from_rows(
        [(date(2024, 1, 5), "USD", "6"), (date(2024, 1, 5), "EUR", "7")],
        base="CAD",
        key="quoted-in-base",
        name="quoted in base units",
        quoted_in_base=True,
    )
    amounts = [str(Decimal(k).scaleb(-2)) for k in range(1, 1200, 7)] + ["4.11"]
    frame = pd.DataFrame({"amount": amounts, "currency": src, "date": "2024-01-05"})
    out = convert_frame(frame, dst, source=table, dtype="decimal")
    expected = [aidtrack.convert(a, src, to=dst, on="2024-01-05", source=table).result.amount for a in amounts]
    assert out["converted"].tolist() == expected


def test_a_row_without_its_own_date_is_a_date_problem_under_a_composite_too() -> None:
    """UAH (only the IMF table has it) with a rate date but no date of its own: "missing date", as for EUR.

    The two tables refused the row for different reasons, and the combined reason used to be asked of
    convert() at the rate date alone, which prices it (found by the chunked-totals property).
    """
    frame = pd.DataFrame(
        {
            "amount": [1.0, 1.0, 1.0],
            "currency": ["UAH", "EUR", "UAH"],
            "date": [None, None, "2019-06-01"],
            "conference": ["2019-01-01", "2019-01-01", None],
        }
    )
    out = convert_frame(frame, to="USD", policy="annual_mean", rate_date="conference", errors="coerce")
    assert out["problem"].tolist()[:2] == ["missing date", "missing date"]
    assert pd.isna(out["problem"].iloc[2]) and out["rate_source"].iloc[2] == "imf-bundled"
    # a code no table knows keeps the reason every table gives, as under one table
    unknown = pd.DataFrame({"amount": [1.0], "currency": ["ZZZ"], "date": [None], "conference": [None]})
    both = convert_frame(unknown, to="USD", policy="annual_mean", rate_date="conference", errors="coerce")
    alone = convert_frame(
        unknown, to="USD", policy="annual_mean", rate_date="conference", errors="coerce", source=bundled_table()
    )
    assert both["problem"].iloc[0] == alone["problem"].iloc[0]
    assert both["problem"].iloc[0].startswith("unknown currency code 'ZZZ'")


_CURRENCIES = ["USD", "JPY", "GBP", "CHF", "NOK", "CAD", "PLN", "EUR", "XXX", "not money"]
_OWN = ECB.with_info(ECB.info.replace(key="ecb-bundled-stacks"))
"""The bundled fixings under a table object of their own (its stacks are this module's to drop)."""


@settings(max_examples=30, deadline=None)
@given(
    first=st.lists(st.sampled_from(_CURRENCIES), min_size=1, max_size=12),
    again=st.permutations(_CURRENCIES).map(lambda p: p[:6]),
    seed=st.integers(0, 2**32 - 1),
    policy=st.sampled_from(["daily", "monthly_mean", "fixed:2024-07-03"]),
    to=st.sampled_from(["EUR", "USD"]),
)
def test_a_frame_of_the_same_or_fewer_currencies_reuses_the_stack(
    first: list[str], again: list[str], seed: int, policy: str, to: str
) -> None:
    """A second frame whose currencies a stack built already holds (in any order: the next partition of a Dask
    frame) is converted through that stack, with no stack of its own, and gives the result of its own stack."""
    from aidtrack.frames.convert import _CACHE

    rng = np.random.default_rng(seed)

    def frame(codes: list[str]) -> pd.DataFrame:
        n = 3 * len(codes)
        days = pd.Timestamp("1999-01-01") + pd.to_timedelta(rng.integers(0, 10_200, n), unit="D")
        return pd.DataFrame(
            {
                "amount": np.round(rng.uniform(0, 1e9, n), 2),
                "currency": [codes[k % len(codes)] for k in rng.permutation(n)],
                "date": days.astype("M8[s]"),
            }
        )

    options: dict[str, Any] = {"policy": policy, "errors": "coerce", "source": _OWN}
    second = frame(again)
    _CACHE.pop(_OWN, None)
    expected = convert_frame(second, to, **options)  # with a stack of its own
    _CACHE.pop(_OWN, None)
    convert_frame(frame(first + again), to, **options)  # a stack of these currencies, in their order
    stacks = {k for k in _CACHE[_OWN] if k[0] == "stack"}
    _same(convert_frame(second, to, **options), expected)
    assert {k for k in _CACHE[_OWN] if k[0] == "stack"} == stacks  # no new stack
