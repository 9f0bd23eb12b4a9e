"""Rate policies and conversion: known figures, fallback rules, bounds, provenance, every error path."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

import aidtrack
from aidtrack import (
    Conversion,
    FixedDate,
    InvalidRecordError,
    Money,
    RateNotAvailableError,
    RatePolicy,
    RateTable,
    UnknownCurrencyError,
    bundled_table,
    convert,
)
from aidtrack.errors import InvalidArgumentError, UnknownPolicyError
from aidtrack.policy import as_policy, quote


# -- the Kiel Ukraine Support Tracker's published method (formats.md) ------------------------
@pytest.mark.parametrize(
    ("amount", "currency", "on", "expected"),
    [
        (500_000_000, "USD", "2025-01-09", "482917877.62"),
        (200_000_000, "CAD", "2025-01-20", "134195028.07"),
        (700_000_000, "NOK", "2025-01-31", "59596923.56"),
        (1_250_000_000, "USD", "2024-12-30", "1192890373.37"),
    ],
)
def test_kiel_monthly_mean_figures(amount: int, currency: str, on: str, expected: str) -> None:
    c = convert(amount, currency, to="EUR", on=on, policy="monthly_mean")
    assert c.result == Money(expected, "EUR")
    assert c.policy is RatePolicy.MONTHLY_MEAN


def test_monthly_mean_rate_and_fixings() -> None:
    leg = quote(bundled_table(), "USD", date(2025, 1, 9), RatePolicy.MONTHLY_MEAN)
    assert str(leg.rate).startswith("1.035372727")
    assert len(leg.fixing_dates) == 22
    assert leg.fixing_dates[0] == date(2025, 1, 2) and leg.fixing_dates[-1] == date(2025, 1, 31)
    assert date(2025, 1, 1) not in leg.fixing_dates  # TARGET holiday


def test_daily_known_values() -> None:
    c = convert(1, "EUR", to="USD", on="2025-01-09")
    assert c.rate == Decimal("1.0305") and c.result == Money("1.03", "USD")
    assert c.fixing_dates == (date(2025, 1, 9),)
    assert convert(Money(11.7605, "NOK"), to="EUR", on="2025-01-09").result == Money("1.00", "EUR")


@pytest.mark.parametrize(
    ("on", "fixing"),
    [
        (date(2025, 1, 11), date(2025, 1, 10)),  # Saturday
        (date(2025, 1, 12), date(2025, 1, 10)),  # Sunday
        (date(2025, 1, 1), date(2024, 12, 31)),  # New Year, a TARGET holiday
        (date(2025, 4, 18), date(2025, 4, 17)),  # Good Friday
        (date(2025, 4, 21), date(2025, 4, 17)),  # Easter Monday: four days back
        (date(2024, 12, 26), date(2024, 12, 24)),  # Boxing Day, after Christmas
    ],
)
def test_daily_falls_back_to_last_fixing(on: date, fixing: date) -> None:
    c = convert(100, "USD", to="EUR", on=on)
    assert c.fixing_dates == (fixing,)


def test_lookback_limit() -> None:
    with pytest.raises(RateNotAvailableError, match="no fixing day in the 1 days"):
        convert(100, "USD", to="EUR", on="2025-01-12", max_lookback_days=1)
    assert convert(100, "USD", to="EUR", on="2025-01-12", max_lookback_days=2).fixing_dates == (date(2025, 1, 10),)
    gap = RateTable.from_rows(
        [("2025-01-01", "USD", "1.1"), ("2025-01-20", "USD", "1.2")], base="EUR", key="gap", name="gappy table"
    )
    with pytest.raises(RateNotAvailableError, match="7 days"):
        convert(1, "USD", to="EUR", on="2025-01-10", source=gap)
    assert convert(1, "USD", to="EUR", on="2025-01-08", source=gap).fixing_dates == (date(2025, 1, 1),)


def test_exact_policy() -> None:
    assert convert(1, "USD", to="EUR", on="2025-01-09", policy="exact").fixing_dates == (date(2025, 1, 9),)
    with pytest.raises(RateNotAvailableError, match="weekend"):
        convert(1, "USD", to="EUR", on="2025-01-11", policy="exact")
    with pytest.raises(RateNotAvailableError, match="no fixing that day"):
        convert(1, "USD", to="EUR", on="2025-01-01", policy="exact")


def test_annual_mean() -> None:
    c = convert(1000, "USD", to="EUR", on="2024-06-15", policy="annual_mean")
    assert len(c.fixing_dates) == len(bundled_table().series("USD").between(date(2024, 1, 1), date(2024, 12, 31)))
    assert c.fixing_dates[0] == date(2024, 1, 2)
    with pytest.raises(RateNotAvailableError, match=r"annual_mean.*2026-12-31.*2026-10-30"):
        convert(1000, "USD", to="EUR", on="2026-03-01", policy="annual_mean")


def test_monthly_mean_needs_the_whole_month() -> None:
    # October 2026 ends on a Saturday, so the snapshot ending Friday 30th covers it.
    assert len(convert(1, "USD", to="EUR", on="2026-10-05", policy="monthly_mean").fixing_dates) == 22
    with pytest.raises(RateNotAvailableError, match="2026-11-30"):
        convert(1, "USD", to="EUR", on="2026-11-01", policy="monthly_mean")


def test_fixed_date_policy() -> None:
    for policy in ("2026-10-30", "fixed:2026-10-30", date(2026, 10, 30), FixedDate(date(2026, 10, 30))):
        c = convert(1_000_000, "USD", to="EUR", on="2001-05-05", policy=policy)
        assert c.fixing_dates == (date(2026, 10, 30),)
        assert c.on == date(2001, 5, 5) and c.policy_name == "fixed:2026-10-30"
    assert convert(1, "USD", to="EUR", on="2001-05-05", policy="2026-11-01").fixing_dates == (date(2026, 10, 30),)


def test_policy_names() -> None:
    assert as_policy("MONTHLY_MEAN") is RatePolicy.MONTHLY_MEAN
    assert RatePolicy.DAILY == "daily"
    names = "daily, exact, monthly_mean, quarterly_mean, annual_mean, fiscal_year_uk"
    with pytest.raises(UnknownPolicyError, match=f"'monthly'.*{names}"):
        convert(1, "USD", to="EUR", on="2025-01-09", policy="monthly")
    with pytest.raises(UnknownPolicyError):
        as_policy("fixed:yesterday")


# -- bounds: nothing extrapolated -------------------------------------------------------------
def test_rub_after_suspension() -> None:
    assert convert(100, "RUB", to="EUR", on="2022-03-01").fixing_dates == (date(2022, 3, 1),)
    with pytest.raises(RateNotAvailableError) as err:
        convert(100, "RUB", to="EUR", on="2022-03-02")
    e = err.value
    assert e.currency == "RUB" and e.date == date(2022, 3, 2)
    assert e.available == (date(2005, 4, 1), date(2022, 3, 1))
    assert "2022-03-01" in str(e)


def test_before_first_fixing_and_after_snapshot() -> None:
    with pytest.raises(RateNotAvailableError, match="before the first USD fixing"):
        convert(1, "USD", to="EUR", on="1998-12-31")
    with pytest.raises(RateNotAvailableError, match=r"after the end of the data \(2026-10-30\)"):
        convert(1, "USD", to="EUR", on="2026-11-02")
    # the weekend right after the last Friday fixing is covered by it
    assert convert(1, "USD", to="EUR", on="2026-11-01").fixing_dates == (date(2026, 10, 30),)


def test_discontinued_currencies() -> None:
    # after the changeover a legacy euro currency is its legal parity (issue 10), not a missing fixing
    assert convert("7.53450", "HRK", to="EUR", on="2023-01-02").result == Money("1.00", "EUR")
    assert convert(1, "BGN", to="EUR", on="2025-12-31").fixing_dates == (date(2025, 12, 31),)
    assert convert("1.95583", "BGN", to="EUR", on="2026-01-02").result == Money("1.00", "EUR")
    # a discontinued currency that is no euro legacy currency still stops with its last fixing
    with pytest.raises(RateNotAvailableError, match="TRL"):
        convert(1, "TRL", to="EUR", on="2010-01-04")


def test_isk_gap_is_an_error_not_a_guess() -> None:
    s = bundled_table().series("ISK")
    ordinals = list(s.ordinals)
    gap_start = next(i for i in range(1, len(ordinals)) if ordinals[i] - ordinals[i - 1] > 30)
    inside = date.fromordinal(ordinals[gap_start - 1] + 10)
    before, after = date.fromordinal(ordinals[gap_start - 1]), date.fromordinal(ordinals[gap_start])
    with pytest.raises(RateNotAvailableError, match=f"ISK has no fixings between {before} and {after}"):
        convert(1, "ISK", to="EUR", on=inside)
    with pytest.raises(RateNotAvailableError, match="ISK has no fixings between"):
        convert(1, "ISK", to="EUR", on=date(2012, 6, 15), policy="monthly_mean")


def test_unknown_currency_errors() -> None:
    with pytest.raises(UnknownCurrencyError, match="ARS"):
        convert(1, "ARS", to="EUR", on="2025-01-09", source="bundled")
    # the default source also asks the IMF table, which has ARS, but annual averages only (to 2024)
    with pytest.raises(RateNotAvailableError, match="ARS.*annual averages only"):
        convert(1, "ARS", to="EUR", on="2024-01-09")
    with pytest.raises(InvalidRecordError, match="QQQ"):
        convert(1, "QQQ", to="EUR", on="2025-01-09")
    with pytest.raises(UnknownCurrencyError, match="QQQ"):
        convert(1, "EUR", to="QQQ", on="2025-01-09")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="not an ISO date"):
        convert(1, "USD", to="EUR", on="09/01/2025")
    with pytest.raises(InvalidArgumentError, match="needs the currency of 1"):
        convert(1, to="EUR", on="2025-01-09")
    with pytest.raises(InvalidRecordError, match="contradicts"):
        convert(Money(1, "USD"), "CAD", to="EUR", on="2025-01-09")
    with pytest.raises(ValueError, match="max_lookback_days"):
        convert(1, "USD", to="EUR", on="2025-01-09", max_lookback_days=-1)


# -- issue 15: one calling convention ------------------------------------------------------------
def test_target_positionally_or_by_name() -> None:
    positional = convert(100, "USD", "EUR", on="2025-01-09")
    keyword = convert(100, "USD", to="EUR", on="2025-01-09")
    assert positional == keyword and positional.result == Money("97.04", "EUR")
    assert convert(100, "USD", "eur", to="EUR", on="2025-01-09") == keyword  # both, agreeing
    assert convert(100, "USD", on="2025-01-09") == keyword  # the default target is EUR, as everywhere
    with pytest.raises(InvalidArgumentError, match="given twice and the two disagree"):
        convert(100, "USD", "EUR", to="CAD", on="2025-01-09")
    assert convert(Money(100, "USD"), None, "EUR", on="2025-01-09") == keyword
    with pytest.raises(InvalidRecordError, match=r"to='EUR'"):  # convert(money, "EUR"): the hint says to use to=
        convert(Money(100, "USD"), "EUR", on="2025-01-09")


def test_to_defaults_to_eur_everywhere() -> None:
    import pandas as pd

    from aidtrack import Pledge, convert_frame, convert_pledges, totals

    p = Pledge(donor="Canada", announced="2025-01-09", amount=Money(440_000_000, "CAD"))
    expected = convert(440_000_000, "CAD", "EUR", on="2025-01-09").result
    assert p.convert().result == p.convert("EUR").result == p.convert(to="EUR").result == expected
    assert convert_pledges([p])[0].result == convert_pledges([p], "EUR")[0].result == expected
    assert convert_pledges([p], to="EUR")[0].result == expected
    frame = pd.DataFrame({"amount": [440_000_000], "currency": ["CAD"], "date": ["2025-01-09"]})
    assert convert_frame(frame, dtype="decimal")["converted"][0] == expected.amount
    assert convert_frame(frame, to="EUR", dtype="decimal")["converted"][0] == expected.amount
    assert totals([p]).attrs["grand_total"] == totals([p], "EUR").attrs["grand_total"] == expected


@pytest.mark.parametrize(
    "on",
    [
        "2025-01-09",
        date(2025, 1, 9),
        datetime(2025, 1, 9),
        datetime(2025, 1, 9, 23, 59, 59),
        "2025-01-09T18:00:00",
        "2025-01-09 18:00",
        "2025-01-09T23:30:00-08:00",  # still the 9th where it was stamped (the 10th in UTC)
        datetime(2025, 1, 9, 0, 15, tzinfo=timezone(timedelta(hours=2))),  # the 8th in UTC
    ],
)
def test_on_accepts_dates_and_date_times(on: object) -> None:
    c = convert(100, "USD", "EUR", on=on)  # type: ignore[arg-type]
    assert c.on == date(2025, 1, 9) and c.fixing_dates == (date(2025, 1, 9),)


def test_on_accepts_pandas_and_numpy_values() -> None:
    import numpy as np
    import pandas as pd

    for on in (
        pd.Timestamp("2025-01-09 14:15"),
        pd.Timestamp("2025-01-09 23:00", tz="Europe/Kyiv"),
        np.datetime64("2025-01-09T10:00"),
    ):
        assert convert(100, "USD", "EUR", on=on).on == date(2025, 1, 9)


@pytest.mark.parametrize("on", [None, float("nan"), "NaT", "", "09/01/2025", "2025-13-01", 20250109])
def test_on_missing_or_bad_is_a_clear_error(on: object) -> None:
    with pytest.raises(InvalidArgumentError, match="conversion date") as info:
        convert(100, "USD", "EUR", on=on)  # type: ignore[arg-type]
    text = str(info.value)
    assert "YYYY-MM-DD" in text or "2025-01-09" in text or "not a valid calendar date" in text


def test_on_nat_is_a_clear_error() -> None:
    import numpy as np
    import pandas as pd

    for nat in (pd.NaT, np.datetime64("NaT")):
        with pytest.raises(InvalidArgumentError, match="conversion date is missing"):
            convert(100, "USD", "EUR", on=nat)


def test_after_the_data_says_how_to_get_newer_rates() -> None:
    with pytest.raises(RateNotAvailableError) as info:
        convert(100, "USD", "EUR", on="2026-11-20")
    assert 'run `aidtrack rates update` or pass source="ecb" for newer rates' in str(info.value)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("US$", "'USD'"),
        ("C$", "'CAD'"),
        ("A$", "'AUD'"),
        ("€", "'EUR'"),
        ("£", "'GBP'"),
        ("¥", "'JPY' or 'CNY'"),
        ("dollars", "'USD' or 'CAD' or 'AUD'"),
        ("Canadian dollars", "'CAD'"),
        ("euros", "'EUR'"),
        ("Norwegische Kronen", "'NOK'"),
        ("EUR€", "'EUR'"),
        ("USDD", "'USD' or 'SDD'"),
    ],
)
def test_currency_symbols_and_names_get_a_fitting_suggestion(typed: str, suggested: str) -> None:
    with pytest.raises((UnknownCurrencyError, InvalidRecordError)) as info:  # the amount's currency: a Money field
        convert(100, typed, "EUR", on="2025-01-09")
    with pytest.raises(UnknownCurrencyError) as target_info:
        convert(100, "EUR", typed, on="2025-01-09")
    assert str(target_info.value) in str(info.value)
    assert f"(did you mean {suggested}?)" in str(info.value)
    if typed == "¥":
        assert "Chinese yuan (CNY)" in str(info.value)
    if typed == "dollars":
        assert "locale=" in str(info.value)  # how to read "dollars" in a text: parse_money with a locale


# -- provenance and cross rates ---------------------------------------------------------------
def test_same_currency_is_exact() -> None:
    c = convert("123.456", "EUR", to="EUR", on="1990-01-01")
    assert c.rate == 1 and c.legs == () and c.source is None
    assert c.unrounded == Decimal("123.456") and c.result == Money("123.46", "EUR")


def test_provenance_is_complete() -> None:
    c = convert(440_000_000, "CAD", to="USD", on="2025-01-09")
    assert [leg.currency for leg in c.legs] == ["CAD", "USD"]
    assert [leg.rate for leg in c.legs] == [Decimal("1.4831"), Decimal("1.0305")]
    assert c.source is not None and c.source.key == "ecb-bundled" and c.source.last_date == date(2026, 10, 30)
    assert c.rate == (Decimal("1.0305") / Decimal("1.4831")).quantize(Decimal("1e-28"))
    data = c.to_dict()
    assert data["rate"] == str(c.rate) and data["result"] == {"amount": "305724495.99", "currency": "USD"}
    assert data["policy"] == "daily" and data["fixing_dates"] == ["2025-01-09"]
    assert json.loads(json.dumps(data)) == data
    assert Conversion.model_validate_json(c.model_dump_json()) == c
    assert "fixing 2025-01-09" in c.explain()


def test_cross_rate_consistency() -> None:
    on = "2025-01-09"
    direct = convert(1_000_000, "CAD", to="USD", on=on)
    via_eur = convert(convert(1_000_000, "CAD", to="EUR", on=on).unrounded, "EUR", to="USD", on=on)
    assert abs(direct.unrounded - via_eur.unrounded) < Decimal("1e-20")
    ctx = aidtrack.conversion.EXACT_CONTEXT
    assert direct.unrounded == ctx.divide(ctx.multiply(Decimal(1_000_000), Decimal("1.0305")), Decimal("1.4831"))


def test_rounding_modes() -> None:
    # 0.125 EUR -> EUR is a tie at the minor unit
    assert convert("0.125", "EUR", to="EUR", on="2025-01-09").result == Money("0.12", "EUR")
    assert convert("0.125", "EUR", to="EUR", on="2025-01-09", rounding="half_up").result == Money("0.13", "EUR")
    assert convert(1000, "EUR", to="JPY", on="2025-01-09").result.amount.as_tuple().exponent == 0


def test_pledge_convert_and_default_source() -> None:
    p = aidtrack.Pledge(donor="United States", announced="2025-01-09", amount=Money(500_000_000, "USD"))
    assert p.convert(to="EUR", policy="monthly_mean").result == Money("482917877.62", "EUR")
    assert p.convert(to="EUR", on=date(2025, 1, 10)).fixing_dates == (date(2025, 1, 10),)
    tiny = RateTable.from_rows([("2025-01-09", "USD", "2")], base="EUR", key="tiny", name="tiny table")
    with aidtrack.using_source(tiny):
        c = p.convert(to="EUR")
        assert c.result == Money(250_000_000, "EUR") and c.source is not None and c.source.key == "tiny"
    assert p.convert(to="EUR").source.key == "ecb-bundled"  # type: ignore[union-attr]


def test_explain_says_when_rates_are_stale() -> None:
    stale = bundled_table().with_info(bundled_table().info.replace(stale=True, fallback="stale cache: offline"))
    c = convert(1, "USD", to="EUR", on="2025-01-09", source=stale)
    assert "STALE: stale cache: offline" in c.explain()


def test_huge_amounts_convert_or_fail_clearly() -> None:
    assert convert("9.99e29", "USD", to="EUR", on="2025-01-09").result.amount > Decimal("9e29")
    with pytest.raises(aidtrack.AidtrackError, match="1e70 is beyond aidtrack's limit"):
        convert("1e70", "USD", to="EUR", on="2025-01-09")


@pytest.mark.parametrize("source", [None, "bundled+imf-bundled", "imf-bundled", "bundled"])
@pytest.mark.parametrize("policy", ["daily", "annual_mean", "monthly_mean"])
def test_convert_pledges_prices_each_pledge_as_pledge_convert_does(source: str | None, policy: str) -> None:
    # convert_pledges used only the first table of the source: with the default source (ECB, then IMF) a UAH or
    # KWD pledge that Pledge.convert(), convert() and totals() price from the IMF's annual averages was refused
    # with UnknownCurrencyError
    from aidtrack import Pledge, convert_pledges

    pledges = [
        Pledge(donor="Canada", announced=day, amount=Money(amount, cur))
        for cur, amount in (("CAD", "440000000"), ("UAH", "1000000"), ("KWD", "12.345"), ("USD", "0.5"))
        for day in ("2024-06-30", "2025-01-09")
    ]
    for p in pledges:
        try:
            expected: object = p.convert("USD", policy=policy, source=source)
        except aidtrack.AidtrackError as exc:
            expected = (type(exc), str(exc))
        try:
            got: object = convert_pledges([p], "USD", policy=policy, source=source)[0]
        except aidtrack.AidtrackError as exc:
            got = (type(exc), str(exc))
        assert got == expected, p


@pytest.mark.parametrize("on", [date.min, date(1, 3, 1), date(9999, 12, 1), date.max])
@pytest.mark.parametrize(
    "policy", ["monthly_mean", "quarterly_mean", "annual_mean", "fiscal:4", "fiscal:10", "trailing:36600", "daily"]
)
def test_a_date_at_the_ends_of_the_calendar_is_refused_with_the_rate_error(on: date, policy: str) -> None:
    # with the default source (ECB, then IMF) the combined error worked out the mean window, which for December
    # 9999 (or a fiscal year or trailing window before year 1) is beyond datetime's range: a bare ValueError
    # ("year 10000 is out of range") or OverflowError came out instead of the sources' refusals
    with pytest.raises(aidtrack.RateNotAvailableError, match=on.isoformat()):
        convert(100, "USD", "EUR", on=on, policy=policy)
