"""Windows a currency does not fully cover are refused, in the scalar and the vectorised path alike (issue 9).

The property test draws the kind of table (quoted per base, or in base units as the Bank of
Canada), a currency that starts, stops or pauses at random, the look-back and the policy, and
compares :func:`aidtrack.convert` with :func:`aidtrack.convert_frame` row by row, errors included.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack import RateNotAvailableError, RateTable
from aidtrack.frames import convert_frame
from aidtrack.rates.bundled import bundled_table


@pytest.mark.parametrize(
    ("currency", "on", "policy", "coverage"),
    [
        ("RUB", "2022-11-15", "annual_mean", "only 42 of the 257 fixing days in it (2022-01-03 to 2022-03-01)"),
        ("RUB", "2022-03-20", "monthly_mean", "only 1 of the 23 fixing days in it (2022-03-01 to 2022-03-01)"),
        ("ISK", "2008-12-24", "monthly_mean", "ISK has no fixings between 2008-12-09 and 2018-02-01"),
        ("CNY", "2005-06-30", "annual_mean", "only 195 of the 257 fixing days in it (2005-04-01 to 2005-12-30)"),
    ],
)
def test_a_mean_over_a_partly_quoted_window_is_refused(currency: str, on: str, policy: str, coverage: str) -> None:
    with pytest.raises(RateNotAvailableError) as err:
        aidtrack.convert(1, "EUR", to=currency, on=on, policy=policy, source="bundled")
    message = str(err.value)
    assert currency in message and coverage in message and "needs every fixing from" in message
    df = pd.DataFrame({"amount": [1], "currency": ["EUR"], "date": [on]})
    out = convert_frame(df, currency, policy=policy, errors="coerce", source="bundled")
    assert out.loc[0, "problem"] == message.split(": ", 1)[1] or out.loc[0, "problem"] == message


def test_complete_windows_at_the_edges_of_a_currency_still_convert() -> None:
    # CNY starts on 1 April 2005: April 2005 is complete; RUB stops on 1 March 2022: February 2022 is complete
    assert aidtrack.convert(1, "EUR", to="CNY", on="2005-04-15", policy="monthly_mean").rate > 0
    assert aidtrack.convert(1, "EUR", to="RUB", on="2022-02-15", policy="monthly_mean").rate > 0
    # the ECB's first fixing day, Monday 4 January 1999: 1 to 3 January cannot have fixings
    leg = aidtrack.convert(1, "EUR", to="USD", on="1999-01-15", policy="monthly_mean")
    assert leg.fixing_dates[0] == date(1999, 1, 4)
    # the Kiel figure is unchanged
    kiel = aidtrack.convert(500_000_000, "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
    assert str(kiel.result.amount) == "482917877.62"


def test_a_user_table_that_starts_mid_month_has_no_mean_for_that_month() -> None:
    ecb = bundled_table()
    series = ecb.series("USD")
    rows = [
        (date.fromordinal(o), "USD", raw)
        for o, raw in zip(series.ordinals, series.raw, strict=True)
        if date(2025, 1, 20) <= date.fromordinal(o) <= date(2025, 3, 31)
    ]
    table = RateTable.from_rows(rows, base="EUR", key="mine", name="ECB from 20 January")
    with pytest.raises(RateNotAvailableError, match="but the data starts 2025-01-20"):
        aidtrack.convert(1_000_000, "USD", to="EUR", on="2025-01-22", policy="monthly_mean", source=table)
    # February is complete and equals the bundled table's figure
    feb = aidtrack.convert(1_000_000, "USD", to="EUR", on="2025-02-10", policy="monthly_mean", source=table)
    assert feb.result == aidtrack.convert(1_000_000, "USD", to="EUR", on="2025-02-10", policy="monthly_mean").result
    df = pd.DataFrame(
        {"amount": [1_000_000, 1_000_000], "currency": ["USD", "USD"], "date": ["2025-01-22", "2025-02-10"]}
    )
    out = convert_frame(df, "EUR", policy="monthly_mean", source=table, errors="coerce", dtype="decimal")
    assert "the data starts 2025-01-20" in out.loc[0, "problem"]
    assert out.loc[1, "converted"] == feb.result.amount


# -- the property: scalar == vectorised, row by row, errors included --------------------------------

START = date(2024, 1, 1)


@st.composite
def tables(draw: st.DrawFn) -> RateTable:
    """A table of business days in 2024-2025: AAA always quoted, BBB starting, stopping or pausing at random."""
    days = [START + timedelta(days=k) for k in range(730) if (START + timedelta(days=k)).weekday() < 5]
    holes = draw(st.lists(st.integers(0, len(days) - 1), max_size=6))  # days without any fixing
    days = [d for k, d in enumerate(days) if k not in set(holes)]
    first = draw(st.integers(0, 400))
    last = draw(st.integers(first + 2, len(days) - 1))
    pause = draw(st.one_of(st.none(), st.tuples(st.integers(first + 1, last), st.integers(1, 40))))
    quoted_in_base = draw(st.booleans())
    rows = []
    for k, d in enumerate(days):
        rows.append((d, "USD", f"1.{1000 + (k * 37) % 900}"))
        paused = pause is not None and pause[0] <= k < pause[0] + pause[1]
        if first <= k <= last and not paused:
            rows.append((d, "JPY", f"1{50 + (k * 13) % 40}.{k % 100:02d}"))
    return RateTable.from_rows(rows, base="EUR", key="drawn", name="drawn table", quoted_in_base=quoted_in_base)


POLICIES = st.one_of(
    st.sampled_from(["daily", "exact", "monthly_mean", "annual_mean", "fixed:2024-07-03"]),
    st.sampled_from(["quarterly_mean", "fiscal:4", "fiscal:10", "fiscal_year_uk", "fiscal:1", "fiscal:7"]),
    st.integers(1, 120).map(lambda n: f"trailing:{n}"),
    st.tuples(st.dates(date(2023, 12, 1), date(2026, 1, 31)), st.integers(0, 200)).map(
        lambda w: f"trailing:{w[0].isoformat()}..{(w[0] + timedelta(days=w[1])).isoformat()}"
    ),
)
DATES = st.dates(min_value=date(2023, 12, 20), max_value=date(2026, 1, 10))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    table=tables(),
    lookback=st.integers(0, 10),
    policy=POLICIES,
    rows=st.lists(st.tuples(DATES, st.one_of(st.none(), DATES)), min_size=1, max_size=25),
    by_rate_date=st.booleans(),
    pair=st.sampled_from([("JPY", "USD"), ("USD", "JPY"), ("JPY", "EUR"), ("EUR", "JPY"), ("USD", "EUR")]),
)
def test_vectorised_equals_scalar_row_by_row_errors_included(
    table: RateTable,
    lookback: int,
    policy: str,
    rows: list[tuple[date, date | None]],
    by_rate_date: bool,
    pair: tuple[str, str],
) -> None:
    """Every policy (issue 18's quarters, fiscal years and trailing windows included), with or without a
    per-row rate date column (a missing one means the row's own date, as a Pledge without rate_date)."""
    src, dst = pair
    dates = [d for d, _ in rows]
    rate_dates = [r if by_rate_date and r is not None else d for d, r in rows]
    df = pd.DataFrame({"amount": [Decimal("1234567.89")] * len(rows), "currency": src, "date": dates})
    extra = {}
    if by_rate_date:
        df["rate_on"] = pd.Series([r for _, r in rows], dtype=object)
        extra["rate_date"] = "rate_on"
    out = convert_frame(
        df, dst, policy=policy, source=table, max_lookback_days=lookback, errors="coerce", dtype="decimal", **extra
    )
    for i, day in enumerate(rate_dates):
        error = None
        try:
            c = aidtrack.convert(
                Decimal("1234567.89"), src, to=dst, on=day, policy=policy, source=table, max_lookback_days=lookback
            )
        except RateNotAvailableError as exc:
            error = str(exc)
        if by_rate_date:
            assert out.loc[i, "rate_date_used"].date() == day
        if error is not None:
            assert pd.isna(out.loc[i, "converted"]), (day, error)
            assert out.loc[i, "problem"] == error
        else:
            assert out.loc[i, "converted"] == c.result.amount, day
            assert out.loc[i, "rate"] == pytest.approx(float(c.rate), rel=1e-15), day  # a float64 column
            if "fixing_count" in out.columns:
                assert int(out.loc[i, "fixing_count"]) == len(c.fixing_dates)
                if c.fixing_dates:
                    assert out.loc[i, "fixing_first"].date() == c.fixing_dates[0]
                    assert out.loc[i, "fixing_last"].date() == c.fixing_dates[-1]
            elif c.fixing_dates:
                assert out.loc[i, "fixing_date"].date() == c.fixing_dates[0]


def test_a_trailing_mean_is_the_scalar_mean_on_every_day_of_the_bundled_table() -> None:
    """The vectorised trailing means (prefix sums per day) equal quote() exactly, refusals included."""
    from aidtrack.policy import TrailingMean, day_span, leg_arrays, quote

    table = bundled_table()
    o0, o_end = day_span(table)
    for currency, days in [("USD", 90), ("RUB", 30), ("CNY", 7), ("ISK", 365)]:
        legs = leg_arrays(table, currency, TrailingMean(days=days), 7)
        for k in range(0, o_end - o0 + 1, 11):  # every 11th day of the whole history
            on = date.fromordinal(o0 + k)
            try:
                leg = quote(table, currency, on, TrailingMean(days=days))
            except RateNotAvailableError:
                assert legs.rate[k] != legs.rate[k], (currency, on)  # NaN: refused alike
                continue
            assert legs.exact_rate(k) == leg.rate, (currency, on)
            assert int(legs.count[k]) == len(leg.fixing_dates)
