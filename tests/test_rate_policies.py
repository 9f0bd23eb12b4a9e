"""Quarterly, fiscal-year and trailing means, and per-row rate dates (issue 18).

The headline figures are checked against means computed here, independently, from the raw bundled
ECB CSV (zipfile + csv + Decimal, no aidtrack code), to the full 28 significant digits.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

import aidtrack
from aidtrack import Money, Pledge, RateNotAvailableError
from aidtrack.errors import InvalidArgumentError, InvalidFrameError, UnknownPolicyError
from aidtrack.frames import convert_frame
from aidtrack.pledge import convert_pledges
from aidtrack.policy import (
    FISCAL_YEARS,
    FiscalYearMean,
    RatePolicy,
    TrailingMean,
    as_policy,
    mean_window,
    policy_name,
    quote,
    windows,
)
from aidtrack.rates.bundled import bundled_table

RAW_ZIP = Path(__file__).resolve().parents[1] / "src" / "aidtrack" / "data" / "eurofxref-hist.zip"


@cache
def raw_fixings(currency: str) -> dict[date, Decimal]:
    """The currency's fixings straight from the bundled ECB CSV."""
    with zipfile.ZipFile(RAW_ZIP) as zf:
        text = zf.read("eurofxref-hist.csv").decode("utf-8")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        value = (row.get(currency) or "").strip()
        if value and value != "N/A":
            out[date.fromisoformat(row["Date"])] = Decimal(value)
    return out


def raw_mean(currency: str, start: date, end: date) -> tuple[Decimal, list[date]]:
    days = sorted(d for d in raw_fixings(currency) if start <= d <= end)
    total = sum((raw_fixings(currency)[d] for d in days), Decimal(0))  # exact: few digits per fixing
    return Context(prec=28, rounding=ROUND_HALF_EVEN).divide(total, Decimal(len(days))), days


@pytest.mark.parametrize(
    ("currency", "on", "policy", "start", "end"),
    [
        ("USD", date(2024, 8, 15), "quarterly_mean", date(2024, 7, 1), date(2024, 9, 30)),
        ("GBP", date(2023, 11, 20), FiscalYearMean(4), date(2023, 4, 1), date(2024, 3, 31)),
        ("GBP", date(2024, 3, 31), "fiscal_year_uk", date(2023, 4, 1), date(2024, 3, 31)),
        ("USD", date(2022, 9, 21), TrailingMean(days=90), date(2022, 6, 24), date(2022, 9, 21)),
        ("USD", date(2019, 1, 1), "trailing:2022-06-01..2022-08-31", date(2022, 6, 1), date(2022, 8, 31)),
        ("JPY", date(2024, 2, 1), "fiscal_year_jp", date(2023, 4, 1), date(2024, 3, 31)),
        ("CAD", date(2024, 2, 1), "fiscal_year_us", date(2023, 10, 1), date(2024, 9, 30)),
    ],
)
def test_means_equal_the_raw_csv_mean_to_28_digits(
    currency: str, on: date, policy: object, start: date, end: date
) -> None:
    expected, days = raw_mean(currency, start, end)
    leg = quote(bundled_table(), currency, on, as_policy(policy))  # type: ignore[arg-type]
    assert leg.rate == expected
    assert str(leg.rate) == str(expected)  # every digit (28 significant, or fewer where the mean terminates)
    assert list(leg.fixing_dates) == days
    # EUR -> currency: the conversion's rate is that mean, and the provenance lists every fixing date
    c = aidtrack.convert(1_000_000, "EUR", to=currency, on=on, policy=policy)  # type: ignore[arg-type]
    assert c.rate == expected
    assert list(c.fixing_dates) == days
    assert c.policy_name == policy_name(as_policy(policy))  # type: ignore[arg-type]
    assert c.to_dict()["fixing_dates"] == [d.isoformat() for d in days]


def test_the_three_headline_figures() -> None:
    """Issue 18's "done when": 2024-Q3 USD, UK FY 2023/24 GBP, 90 days to 21 September 2022 EUR -> USD."""
    q3, _ = raw_mean("USD", date(2024, 7, 1), date(2024, 9, 30))
    fy, _ = raw_mean("GBP", date(2023, 4, 1), date(2024, 3, 31))
    t90, t90_days = raw_mean("USD", date(2022, 6, 24), date(2022, 9, 21))
    assert aidtrack.convert(1, "EUR", to="USD", on="2024-09-30", policy="quarterly_mean").rate == q3
    assert aidtrack.convert(1, "EUR", to="GBP", on="2023-04-01", policy=FiscalYearMean(4)).rate == fy
    c = aidtrack.convert(1, "EUR", to="USD", on="2022-09-21", policy=TrailingMean(days=90))
    assert c.rate == t90
    assert c.fixing_dates[0] == t90_days[0] and c.fixing_dates[-1] == date(2022, 9, 21)
    assert c.policy_name == "trailing:90" and "mean of 64 fixings 2022-06-24..2022-09-21" in c.explain()


# -- windows ------------------------------------------------------------------------------------------


def test_quarter_and_fiscal_windows() -> None:
    q = RatePolicy.QUARTERLY_MEAN
    assert mean_window(q, date(2024, 1, 1)) == (date(2024, 1, 1), date(2024, 3, 31))
    assert mean_window(q, date(2024, 12, 31)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert mean_window(FiscalYearMean(10), date(2024, 9, 30)) == (date(2023, 10, 1), date(2024, 9, 30))
    assert mean_window(FiscalYearMean(10), date(2024, 10, 1)) == (date(2024, 10, 1), date(2025, 9, 30))
    assert mean_window(FiscalYearMean(1), date(2024, 5, 5)) == mean_window(RatePolicy.ANNUAL_MEAN, date(2024, 5, 5))
    # the partitions tile the span without gaps or overlaps
    for policy in (q, FiscalYearMean(4), FiscalYearMean(7)):
        spans = windows(policy, date(2019, 2, 10), date(2025, 6, 1))
        assert spans[0][0] <= date(2019, 2, 10) and spans[-1][1] >= date(2025, 6, 1)
        assert all(b[0] == a[1] + timedelta(days=1) for a, b in pairwise(spans))
    with pytest.raises(ValueError, match="overlap"):
        windows(TrailingMean(days=30), date(2020, 1, 1), date(2020, 12, 31))  # type: ignore[arg-type]


def test_fiscal_presets() -> None:
    assert FISCAL_YEARS["fiscal_year_uk"] == FiscalYearMean(4) == as_policy("fiscal:4") == as_policy("FISCAL_YEAR_UK")
    assert FISCAL_YEARS["fiscal_year_us"] == FiscalYearMean(10) == as_policy("fiscal:10")
    assert as_policy("fiscal_year_ca") == as_policy("fiscal_year_jp") == FiscalYearMean(4)
    assert policy_name(as_policy("fiscal_year_us")) == "fiscal:10"


# -- validation and names -----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 13, -1, True, 4.0, "4"])
def test_fiscal_year_mean_is_validated(bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match="1 to 12"):
        FiscalYearMean(bad)  # type: ignore[arg-type]


def test_trailing_mean_is_validated() -> None:
    with pytest.raises(InvalidArgumentError, match="needs a window"):
        TrailingMean()
    with pytest.raises(InvalidArgumentError, match="not both"):
        TrailingMean(days=30, start=date(2022, 1, 1), end=date(2022, 2, 1))
    with pytest.raises(InvalidArgumentError, match="needs a window"):
        TrailingMean(start=date(2022, 1, 1))
    for days in (0, -5, True, 2.5, 10**6):
        with pytest.raises(InvalidArgumentError, match="whole number of calendar days"):
            TrailingMean(days=days)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"ends \(2022-01-01\) before it starts \(2022-02-01\)"):
        TrailingMean(start=date(2022, 2, 1), end=date(2022, 1, 1))
    # ISO strings are read once, on construction
    t = TrailingMean(start="2022-06-01", end="2022-08-31")  # type: ignore[arg-type]
    assert t == TrailingMean(start=date(2022, 6, 1), end=date(2022, 8, 31)) and t.fixed
    assert hash(t) == hash(TrailingMean(start=date(2022, 6, 1), end=date(2022, 8, 31)))
    with pytest.raises(AttributeError):
        t.days = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quarterly_mean", RatePolicy.QUARTERLY_MEAN),
        (" Quarterly_Mean ", RatePolicy.QUARTERLY_MEAN),
        ("fiscal:4", FiscalYearMean(4)),
        ("fiscal:10", FiscalYearMean(10)),
        ("fiscal_year_uk", FiscalYearMean(4)),
        ("trailing:90", TrailingMean(days=90)),
        ("trailing:2022-06-01..2022-08-31", TrailingMean(start=date(2022, 6, 1), end=date(2022, 8, 31))),
    ],
)
def test_names_round_trip(text: str, expected: object) -> None:
    policy = as_policy(text)
    assert policy == expected
    assert as_policy(policy_name(policy)) == policy


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("fiscal:13", "'fiscal:' takes the month the fiscal year starts in, 1 to 12"),
        ("fiscal:april", "'fiscal:' takes the month"),
        ("trailing:0", "days must be a whole number of calendar days"),
        ("trailing:ninety", "'trailing:' takes a number of days"),
        ("trailing:2022-08-31..2022-06-01", "before it starts"),
        ("trailing:2022-06-01..later", "trailing window end"),
        ("quarterly", None),
        ("fiscal_year_fr", None),
    ],
)
def test_unknown_names_list_what_exists(text: str, reason: str | None) -> None:
    with pytest.raises(UnknownPolicyError) as err:
        as_policy(text)
    message = str(err.value)
    for name in ("quarterly_mean", "fiscal_year_uk", "fiscal_year_us", "fiscal:M", "trailing:DAYS", "fixed:"):
        assert name in message
    if reason is not None:
        assert reason in message


# -- refusals -----------------------------------------------------------------------------------------


def test_incomplete_windows_are_refused() -> None:
    # the quarter, the fiscal year and the trailing window must all be complete for the currency
    cases = [
        ("RUB", "2022-02-15", "quarterly_mean", "only 42 of the 64 fixing days in it"),
        ("RUB", "2021-11-15", "fiscal:10", "RUB has fixings on only"),  # FY Oct 2021 - Sep 2022
        ("RUB", "2022-03-01", "trailing:30", None),  # ends on RUB's last fixing: complete
        ("RUB", "2022-03-02", "trailing:30", "RUB has fixings on only 21 of the 22 fixing days in it"),
        ("CNY", "2005-05-10", "trailing:60", "CNY has fixings on only"),  # CNY starts 2005-04-01
        ("USD", "2026-10-30", "quarterly_mean", "but the data ends 2026-10-30"),
        ("USD", "2026-05-01", "fiscal_year_uk", "needs every fixing from 2026-04-01 to 2027-03-31"),
        ("USD", "2025-01-12", "trailing:2", "needs every fixing from 2025-01-11 to 2025-01-12, but there is no fixing"),
    ]
    for currency, on, policy, refusal in cases:
        if refusal is None:
            assert aidtrack.convert(1, "EUR", to=currency, on=on, policy=policy).rate > 0
            continue
        with pytest.raises(RateNotAvailableError) as err:
            aidtrack.convert(1, "EUR", to=currency, on=on, policy=policy)
        assert refusal in str(err.value), (currency, on, policy, str(err.value))


def test_a_trailing_window_before_the_data_is_refused_with_the_dates() -> None:
    with pytest.raises(RateNotAvailableError) as err:
        aidtrack.convert(1, "USD", to="EUR", on="1999-02-15", policy="trailing:90")
    assert (
        "policy 'trailing:90' needs every fixing from 1998-11-18 to 1999-02-15, but the data starts 1999-01-04"
        in str(err.value)
    )
    with pytest.raises(RateNotAvailableError, match="from 1998-12-01 to 1999-01-31, but the data starts 1999-01-04"):
        aidtrack.convert(1, "USD", to="EUR", on="2024-01-01", policy="trailing:1998-12-01..1999-01-31")
    # the ECB's first window that is wholly inside the data
    assert aidtrack.convert(1, "USD", to="EUR", on="1999-01-31", policy="trailing:28").rate > 0


def test_a_fixed_window_ignores_the_rows_date() -> None:
    policy = TrailingMean(start=date(2022, 6, 1), end=date(2022, 8, 31))
    a = aidtrack.convert(1_000_000, "USD", to="EUR", on="2001-01-01", policy=policy)
    b = aidtrack.convert(1_000_000, "USD", to="EUR", on="2024-01-01", policy=policy)
    assert a.result == b.result and a.fixing_dates == b.fixing_dates
    assert a.on == date(2001, 1, 1)  # the row's own date is still recorded
    # the rouble has no fixings then: the error names the window, not the row's date
    with pytest.raises(RateNotAvailableError, match="no RUB rate for 2022-08-31.*from 2022-06-01 to 2022-08-31"):
        aidtrack.convert(1, "EUR", to="RUB", on="2001-01-01", policy=policy)


# -- the vectorised path and per-row rate dates -------------------------------------------------------


@pytest.mark.parametrize(
    "policy", ["quarterly_mean", "fiscal:4", "fiscal_year_us", "trailing:90", "trailing:2022-06-01..2022-08-31"]
)
def test_convert_frame_reports_the_mean_columns(policy: str) -> None:
    df = pd.DataFrame(
        {
            "amount": [Decimal("500000000"), Decimal("1000"), Decimal("440000000")],
            "currency": ["USD", "EUR", "CAD"],
            "date": ["2022-09-21", "2022-09-21", "2024-02-02"],
        }
    )
    out = convert_frame(df, "GBP", policy=policy, dtype="decimal")
    assert out.attrs["aidtrack"]["policy"] == policy_name(as_policy(policy))
    for i, row in df.iterrows():
        c = aidtrack.convert(row["amount"], row["currency"], to="GBP", on=row["date"], policy=policy)
        assert out.loc[i, "converted"] == c.result.amount
        assert int(out.loc[i, "fixing_count"]) == len(c.fixing_dates)
        assert out.loc[i, "fixing_first"].date() == c.fixing_dates[0]
        assert out.loc[i, "fixing_last"].date() == c.fixing_dates[-1]


def test_rate_date_column_picks_the_rate_and_keeps_the_date() -> None:
    df = pd.DataFrame(
        {
            "donor": ["A", "B", "C", "D"],
            "amount": [100_000_000, 25_000_000, 10_000_000, 5_000_000],
            "currency": ["GBP", "JPY", "CAD", "USD"],
            "date": ["2023-01-15", "2023-03-01", "2023-05-05", "2023-06-01"],
            "conference_date": ["2022-09-21", "2022-09-21", None, "2022-09-21"],
        }
    )
    out = convert_frame(df, "USD", rate_date="conference_date", dtype="decimal")
    assert list(out["date"]) == list(df["date"])  # the pledge's own date is kept as it was
    assert out.attrs["aidtrack"]["rate_date"] == "conference_date"
    used = [d.date() for d in out["rate_date_used"]]
    assert used == [date(2022, 9, 21), date(2022, 9, 21), date(2023, 5, 5), date(2022, 9, 21)]
    for i, row in df.iterrows():
        on = row["date"] if pd.isna(row["conference_date"]) else row["conference_date"]
        c = aidtrack.convert(row["amount"], row["currency"], to="USD", on=on)
        assert out.loc[i, "converted"] == c.result.amount
    # a value that is not a date is a problem row, never the row's own date
    df.loc[1, "conference_date"] = "21/09/2022"
    bad = convert_frame(df, "USD", rate_date="conference_date", errors="coerce")
    assert bad.loc[1, "problem"].startswith("rate date (column 'conference_date'): ")
    assert pd.isna(bad.loc[1, "converted"]) and pd.isna(bad.loc[1, "rate_date_used"])
    # a rate date with no rate: the scalar error, for the rate date
    df.loc[1, "conference_date"] = "1990-01-01"
    bad = convert_frame(df, "USD", rate_date="conference_date", errors="coerce")
    assert "no JPY rate for 1990-01-01" in bad.loc[1, "problem"]
    with pytest.raises(InvalidFrameError, match="no column 'conference'"):
        convert_frame(df, "USD", rate_date="conference")


def test_pledge_rate_date() -> None:
    base = {"donor": "Japan", "announced": "2023-03-01", "amount": Money("25000000000", "JPY")}
    plain = Pledge(**base)  # type: ignore[arg-type]
    dated = Pledge(**base, rate_date="2022-09-21")  # type: ignore[arg-type]
    assert plain.rate_date is None and plain.rate_on == date(2023, 3, 1)
    assert dated.rate_date == date(2022, 9, 21) and dated.rate_on == date(2022, 9, 21)
    assert dated.id != plain.id
    # the id of a pledge without a rate date is the one it had before the field existed (aidtrack 0.1)
    assert plain.id == "fa262111ddfd8636"
    spot = aidtrack.convert(25_000_000_000, "JPY", to="USD", on="2022-09-21")
    assert dated.convert("USD").result == spot.result
    assert dated.convert("USD").on == date(2022, 9, 21)
    assert dated.convert("USD", on=date(2023, 3, 1)).result == plain.convert("USD").result
    assert [c.result for c in convert_pledges([dated, plain], "USD")] == [
        spot.result,
        plain.convert("USD").result,
    ]
    # totals go through the frames: the rate date is used there too
    total = aidtrack.totals([dated, plain], to="USD", by=None).attrs["grand_total"]
    assert total.amount == spot.result.amount + plain.convert("USD").result.amount
    # and it survives the flat row schema and the frame round trip
    from aidtrack.frames.rows import frame_to_pledges, pledges_to_frame
    from aidtrack.tabular import pledge_from_row, pledge_to_row

    assert pledge_to_row(dated)["rate_date"] == "2022-09-21" and pledge_to_row(plain)["rate_date"] == ""
    assert pledge_from_row(pledge_to_row(dated)) == dated
    assert frame_to_pledges(pledges_to_frame([dated, plain])) == [dated, plain]
    with pytest.raises(aidtrack.errors.InvalidRecordError, match="rate date"):
        Pledge(**base, rate_date="21.09.2022")  # type: ignore[arg-type]


def test_cli_accepts_the_new_policies(capsys: pytest.CaptureFixture[str]) -> None:
    from aidtrack.cli.app import main

    for policy, shown in [
        ("quarterly_mean", "quarterly_mean; mean of 66 fixings 2024-07-01..2024-09-30"),
        ("fiscal:4", "fiscal:4; mean of"),
        ("fiscal_year_uk", "fiscal:4; mean of"),
        ("trailing:90", "trailing:90; mean of"),
        ("trailing:2022-06-01..2022-08-31", "trailing:2022-06-01..2022-08-31; mean of 66 fixings"),
    ]:
        assert main(["convert", "1000000", "USD", "--to", "EUR", "--on", "2024-08-15", "--policy", policy]) == 0
        assert shown in capsys.readouterr().out
    assert main(["convert", "1", "USD", "--on", "2024-08-15", "--policy", "fiscal:13"]) != 0
    err = capsys.readouterr().err
    assert "1 to 12" in err and "fiscal_year_us" in err


@pytest.mark.parametrize(
    ("policy", "window"),
    [
        ("quarterly_mean", ["2024-07-01", "2024-09-30"]),
        ("fiscal_year_us", ["2023-10-01", "2024-09-30"]),
        ("trailing:90", ["2024-05-18", "2024-08-15"]),
        ("trailing:2022-06-01..2022-08-31", ["2022-06-01", "2022-08-31"]),
        ("daily", None),
    ],
)
def test_provenance_records_name_window_and_fixings(policy: str, window: list[str] | None) -> None:
    from aidtrack.conversion import Conversion

    c = aidtrack.convert(1_000_000, "USD", to="EUR", on="2024-08-15", policy=policy)
    d = c.to_dict()
    assert d["policy"] == policy_name(as_policy(policy))
    assert d.get("window") == window
    if window is not None:
        assert window[0] <= d["fixing_dates"][0] and d["fixing_dates"][-1] <= window[1]
    assert Conversion.model_validate_json(c.model_dump_json()) == c  # the typed policy reads back
    assert aidtrack.convert(1, "EUR", to="EUR", on="2024-08-15", policy=policy).window is None


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet", ".xlsx"])
def test_rate_date_survives_every_pledge_file_format(tmp_path: Path, suffix: str) -> None:
    from aidtrack.files import read_pledges, write_pledges

    pytest.importorskip("pyarrow" if suffix == ".parquet" else "openpyxl" if suffix == ".xlsx" else "csv")
    pledges = [
        Pledge(donor="Norway", announced="2022-10-05", rate_date="2022-09-21", amount=Money("2000000000", "NOK")),
        Pledge(donor="Canada", announced="2022-09-21", amount=Money("1200000000", "CAD")),
    ]
    path = tmp_path / f"pledges{suffix}"
    write_pledges(pledges, path)
    back = list(read_pledges(path))
    assert back == pledges
    assert [p.id for p in back] == [p.id for p in pledges]


@pytest.mark.parametrize(
    ("policy", "needs"),
    [
        ("quarterly_mean", "a mean over the calendar quarter"),
        ("fiscal:4", "a mean over a fiscal year"),
        ("trailing:90", "a mean over a trailing window"),
        ("trailing:2020-01-01..2020-03-31", "a mean over a fixed window"),
    ],
)
def test_a_period_table_refuses_the_new_policies_alike_in_both_paths(policy: str, needs: str) -> None:
    """The IMF's annual averages answer annual_mean only; the default (ECB, then IMF) says so for NGN."""
    for source in ("imf-bundled", None):
        with pytest.raises(RateNotAvailableError) as err:
            aidtrack.convert(1000, "NGN", to="USD", on="2020-05-05", policy=policy, source=source)
        message = str(err.value)
        assert f"policy '{policy}' needs {needs}" in message and "use policy='annual_mean'" in message
        df = pd.DataFrame({"amount": [1000], "currency": ["NGN"], "date": ["2020-05-05"]})
        out = convert_frame(df, "USD", policy=policy, source=source, errors="coerce")
        assert out.loc[0, "problem"] == message


@pytest.mark.parametrize(
    "policy", ["quarterly_mean", "fiscal_year_us", "trailing:90", "trailing:2020-01-01..2020-03-31"]
)
def test_legacy_currencies_under_the_new_policies(policy: str) -> None:
    """DEM after the changeover: its legal parity times the euro leg, in both paths."""
    c = aidtrack.convert(1_955_830, "DEM", to="USD", on="2020-05-05", policy=policy)
    assert c.result == aidtrack.convert(1_000_000, "EUR", to="USD", on="2020-05-05", policy=policy).result
    df = pd.DataFrame({"amount": [1_955_830], "currency": ["DEM"], "date": ["2020-05-05"]})
    assert convert_frame(df, "USD", policy=policy, dtype="decimal").loc[0, "converted"] == c.result.amount
