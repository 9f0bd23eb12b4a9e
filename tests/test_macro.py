"""Real terms: macro series, deflate (dac / gdp / cpi), shares of GDP/GNI, per capita, donor groups, frames."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack import Money
from aidtrack.errors import (
    AidtrackError,
    DeflationRowsError,
    EstimateNotAllowedError,
    InvalidArgumentError,
    MacroDataError,
    NoDenominatorError,
    NotConvertibleError,
    SeriesNotAvailableError,
    UnknownDonorError,
)
from aidtrack.macro import (
    DEFLATE_CONTEXT,
    bundled_series,
    dac_deflator_from_prices,
    deflate,
    deflate_frame,
    members,
    national_currency,
    per_capita,
    read_series_csv,
    resolve_donor,
    series_from_frame,
    share_of,
)

DATA = Path(aidtrack.__file__).parent / "macro" / "data"


@pytest.fixture(autouse=True)
def _sixty_digits() -> Iterator[None]:
    """The tests restate the library's arithmetic in its documented context (60 digits, half-even)."""
    with localcontext(DEFLATE_CONTEXT):
        yield


# -- the OECD's worked example, on a user series -------------------------------------------------------------
def _oecd_example_series() -> object:
    """Yen in 1966 and 2006: prices doubled (50 -> 100), the rate went from 300 to 100 yen per dollar."""
    frame = pd.DataFrame(
        {
            "country": ["JPN"] * 4,
            "year": [1966, 2006, 1966, 2006],
            "indicator": ["NGDP_D", "NGDP_D", "XR", "XR"],
            "value": ["50", "100", "300", "100"],
            "unit": ["index", "index", "JPY per USD", "JPY per USD"],
            "base_year": [2006, 2006, None, None],
        }
    )
    return series_from_frame(frame, name="oecd-information-note-example", vintage="2006 note")


def test_oecd_worked_example_on_a_user_series() -> None:
    dac = dac_deflator_from_prices(_oecd_example_series(), "JPN", base_year=2006, years=[1966])
    deflator = dac.get("JPN", "DAC_DEFLATOR", 1966).value
    assert round(deflator, 1) == Decimal("16.7")
    assert deflator * 3 * 2 == Decimal(100)  # (1/3 exchange ratio) x (1/2 price ratio), exactly
    d = deflate(
        Money("30000000000", "JPY"), year=1966, base_year=2006, method="dac", donor="JPN", series=dac, fx="series"
    )
    assert d.to_price_currency is not None
    assert d.to_price_currency.after == Decimal("100000000")  # USD 100 m at 300 yen per dollar
    assert d.result == Money("600000000.00", "USD")
    assert round(d.deflator, 1) == Decimal("16.7")
    assert d.provenance.key.startswith("dac-method:JPN")
    # Back into yen at the base year's rate: the same as deflating in yen with the price index alone.
    in_yen = deflate(
        Money("30000000000", "JPY"), year=1966, base_year=2006, method="dac", donor="JPN", series=dac, fx="series",
        to="JPY",
    )  # fmt: skip
    assert in_yen.result == Money("60000000000", "JPY")
    gdp = deflate(Money("30000000000", "JPY"), year=1966, base_year=2006, method="gdp", donor="JPN",
                  series=_oecd_example_series())  # fmt: skip
    assert gdp.result == in_yen.result


def test_a_user_csv_deflator_series(tmp_path: Path) -> None:
    path = tmp_path / "defl.csv"
    path.write_text("iso3,year,indicator,value,unit\nJPN,1966,DAC_DEFLATOR,16.7,\"index, 2006=100\"\n"
                    "JPN,2006,DAC_DEFLATOR,100,\"index, 2006=100\"\n", encoding="utf-8")  # fmt: skip
    s = read_series_csv(path, name="mine", vintage="v1")
    assert s.provenance.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert s.get("JPN", "DAC_DEFLATOR", 1966).base_year == 2006
    d = deflate(Money("100000000", "USD"), year=1966, base_year=2006, method="dac", donor="Japan", series=s)
    assert d.unrounded == Decimal("100000000") * 100 / Decimal("16.7")
    assert "mine" in d.explain()


# -- the bundled DAC deflators: reproduced from WEO, and returned exactly ----------------------------------
REPRO = [(c, y) for c in ("DEU", "FRA", "USA", "SWE", "KOR", "NOR") for y in range(2015, 2024)]


@pytest.mark.parametrize(("country", "year"), REPRO)
def test_dac_deflators_are_reproduced_from_weo_within_half_a_percent(country: str, year: int) -> None:
    rebuilt = dac_deflator_from_prices(None, country, base_year=2024, years=[year])
    ours = rebuilt.get(country, "DAC_DEFLATOR", year).value
    published = bundled_series("dac_deflators").get(country, "DAC_DEFLATOR", year).value
    assert abs(ours / published - 1) < Decimal("0.005"), (country, year, ours, published)


@pytest.mark.parametrize(
    ("donor", "year", "published"),
    [("DAC", 2025, "105.193723"), ("DEU", 2025, "107.192207"), ("DAC", 2023, "97.668439"),
     ("DEU", 2023, "96.964889"), ("USA", 2025, "102.688043"), ("EUI", 2025, "106.72158"), ("JPN", 2000, "142.272549")],
)  # fmt: skip
def test_dac_method_returns_the_published_2024_values_exactly(donor: str, year: int, published: str) -> None:
    d = deflate(Money(1_000_000, "USD"), year=year, base_year=2024, method="dac", donor=donor)
    assert d.deflator == Decimal(published)
    assert d.index_year.value == Decimal(published)
    assert d.index_base.value == 100
    assert d.unrounded == Decimal(1_000_000) * 100 / Decimal(published)
    assert d.provenance.sha256 == hashlib.sha256((DATA / "oecd_dac_deflators_base2024.csv").read_bytes()).hexdigest()


def test_dac_converts_a_non_usd_amount_at_the_annual_mean_and_says_so() -> None:
    d = deflate(Money(100_000_000, "EUR"), year=2022, base_year=2024, method="dac", donor="DEU", to="EUR")
    step_in, step_out = d.to_price_currency, d.to_result_currency
    assert step_in is not None and step_out is not None
    annual = aidtrack.convert(100_000_000, "EUR", to="USD", on="2022-06-30", policy="annual_mean")
    assert step_in.after == annual.unrounded
    assert step_in.conversion is not None and step_in.conversion.policy_name == "annual_mean"
    assert step_in.how.startswith("ECB annual mean 2022")
    assert step_out.year == 2024 and step_out.from_currency == "USD"
    assert d.result.currency == "EUR"
    text = d.explain()
    assert "ECB annual mean 2022" in text and "ECB annual mean 2024" in text and "CC BY 4.0" in text


def test_a_currency_without_an_annual_rate_is_a_clear_error() -> None:
    with pytest.raises(NotConvertibleError, match=r"cannot convert EUR to USD at the 1998 annual rate"):
        deflate(Money(1, "EUR"), year=1998, base_year=2024, method="dac", donor="DEU",
                series=dac_deflator_from_prices(None, "DEU", base_year=2024, years=[1998]))  # fmt: skip
    with pytest.raises(NotConvertibleError, match="UAH"):
        deflate(Money(1, "UAH"), year=2022, base_year=2024, method="dac", donor="DEU")


# -- gdp and cpi: national currency, rebased, estimates -------------------------------------------------------
def test_gdp_method_rebases_transparently() -> None:
    weo = bundled_series("weo")
    p22, p24 = weo.get("DEU", "NGDP_D", 2022).value, weo.get("DEU", "NGDP_D", 2024).value
    assert weo.get("DEU", "NGDP_D", 2024).base_year == 2020
    d = deflate(Money(1_000_000, "EUR"), year=2022, base_year=2024, method="gdp", donor="DEU")
    assert d.unrounded == Decimal(1_000_000) * p24 / p22
    assert d.deflator == p22 * 100 / p24
    assert d.price_currency == "EUR" and d.to_price_currency is None
    same = deflate(Money(1_000_000, "EUR"), year=2024, base_year=2024, method="gdp", donor="DEU")
    assert same.deflator == 100 and same.result == Money(1_000_000, "EUR")
    # USA's deflator is 2017=100, its CPI has no stated base: neither matters.
    usa = deflate(Money(1_000_000, "USD"), year=2021, base_year=2024, method="cpi", donor="USA")
    assert usa.index_year.base_year is None
    assert usa.unrounded == Decimal(1_000_000) * weo.get("USA", "PCPI", 2024).value / weo.get("USA", "PCPI", 2021).value


def test_gdp_method_converts_another_currency_into_the_national_one() -> None:
    d = deflate(Money(100, "USD"), year=2022, base_year=2024, method="gdp", donor="Norway")
    assert d.price_currency == "NOK" and d.result.currency == "NOK"
    assert d.to_price_currency is not None and d.to_price_currency.to_currency == "NOK"


def test_an_estimate_is_refused_unless_allowed_and_then_recorded() -> None:
    with pytest.raises(EstimateNotAllowedError, match=r"DEU NGDP_D 2025 .* estimate.*allow_estimates=True"):
        deflate(Money(1, "EUR"), year=2025, base_year=2024, method="gdp", donor="DEU")
    d = deflate(Money(1, "EUR"), year=2025, base_year=2024, method="gdp", donor="DEU", allow_estimates=True)
    assert d.estimate_used and d.index_year.estimate
    assert "estimate" in d.explain()
    assert not deflate(Money(1, "EUR"), year=2023, base_year=2024, method="gdp", donor="DEU").estimate_used


def test_a_missing_year_names_the_donor_the_year_and_what_exists() -> None:
    with pytest.raises(SeriesNotAvailableError, match=r"no DAC_DEFLATOR value for DEU in 1990 .*2000-2025"):
        deflate(Money(1, "USD"), year=1990, base_year=2024, method="dac", donor="DEU")
    with pytest.raises(SeriesNotAvailableError, match=r"CYP .*not in this series"):
        deflate(Money(1, "USD"), year=2020, base_year=2024, method="dac", donor="Cyprus")


def test_an_unknown_donor_is_named() -> None:
    with pytest.raises(UnknownDonorError, match="'Atlantis'"):
        deflate(Money(1, "USD"), year=2020, base_year=2024, method="dac", donor="Atlantis")
    with pytest.raises(UnknownDonorError):
        share_of(Money(1, "EUR"), "NATO", 2021)


def test_a_group_has_no_deflator_of_its_own() -> None:
    with pytest.raises(NoDenominatorError, match="EU27"):
        deflate(Money(1, "USD"), year=2020, base_year=2024, method="dac", donor="EU27")
    with pytest.raises(NoDenominatorError, match="EUI"):
        deflate(Money(1, "EUR"), year=2020, base_year=2024, method="gdp", donor="EUI")


def test_deflate_takes_a_conversion_and_its_year() -> None:
    c = aidtrack.convert(500_000_000, "USD", to="EUR", on="2023-03-01", policy="monthly_mean")
    d = deflate(c, base_year=2024, method="dac", donor="DEU")
    assert d.year == 2023 and d.nominal == c.result
    with pytest.raises(AidtrackError, match="year="):
        deflate(Money(1, "EUR"), base_year=2024, donor="DEU")


def test_deflated_to_dict_is_json_ready() -> None:
    import json

    d = deflate(Money(1, "EUR"), year=2022, base_year=2024, method="dac", donor="DEU")
    data = json.loads(json.dumps(d.to_dict()))
    assert data["index_year"] == "88.385568" and data["source"]["vintage"] == "Apr 2026 table"


# -- shares and per capita ----------------------------------------------------------------------------------
def test_germanys_2024_gdp_and_an_exact_tenth_of_a_percent() -> None:
    v = bundled_series("weo").get("DEU", "NGDP", 2024)
    assert v.value == Decimal("4328970000000") and not v.estimate
    s = share_of(Money("4328970000", "EUR"), "DEU", 2024, denominator="gdp")
    assert s.share == Decimal("0.001") and s.percent == Decimal("0.1")
    assert s.denominator_value == Decimal("4328970000000")
    assert s.components[0].fx.rate == 1 and s.provenance.vintage == "October 2025"
    assert "2024" in s.explain() and "International Monetary Fund" in s.explain()


def test_share_converts_the_denominator_at_the_years_annual_mean() -> None:
    s = share_of(Money("2000000000", "EUR"), "Norway", 2021)
    nok = bundled_series("weo").get("NOR", "NGDP", 2021).value
    c = aidtrack.convert(nok, "NOK", to="EUR", on="2021-01-01", policy="annual_mean")
    assert s.denominator_value == c.unrounded
    assert s.share == Decimal(2_000_000_000) / c.unrounded
    usd = share_of(Money("2000000000", "EUR"), "Norway", 2021, basis="usd")
    assert usd.indicator == "NGDPD" and usd.components[0].currency == "USD"
    assert abs(usd.share / s.share - 1) < Decimal("0.02")  # the IMF's and the ECB's annual rates differ a little


def test_share_of_gni_uses_dac1() -> None:
    s = share_of(Money("1000000", "USD"), "DEU", 2022, denominator="gni")
    assert s.denominator_value == Decimal("4207394050000")
    with pytest.raises(SeriesNotAvailableError, match=r"GNI .*2024"):
        share_of(Money("1000000", "USD"), "DEU", 2024, denominator="gni")


def test_group_shares_sum_the_members_of_that_date() -> None:
    eu = share_of(Money("1000000000", "EUR"), "EU27", 2012, basis="usd")
    assert eu.members_on == date(2012, 12, 31) and len(eu.components) == 27
    assert "HRV" not in {c.country for c in eu.components}
    later = share_of(Money("1000000000", "EUR"), "EU27", 2013, basis="usd")
    assert "HRV" in {c.country for c in later.components}
    g7 = share_of(Money("1000000000", "EUR"), "G7", 2021)
    assert {c.country for c in g7.components} == set(members("G7", on="2021-12-31"))
    assert g7.denominator_value == sum(c.fx.after for c in g7.components)


def test_groups_and_institutions_without_a_denominator_are_named() -> None:
    with pytest.raises(NoDenominatorError, match=r"no GDP \(NGDP\) for EUI: EU Institutions is an institution"):
        share_of(Money(1, "EUR"), "European Union", 2021)
    with pytest.raises(NoDenominatorError, match=r"no GNI \(GNI\) for DAC: member EST has none for 2021"):
        share_of(Money(1, "EUR"), "DAC", 2021, denominator="gni")


def test_per_capita() -> None:
    p = per_capita(Money("83517000", "EUR"), "DEU", 2024)
    assert p.result == Money("1.00", "EUR") and p.population == 83_517_000
    wb = per_capita(Money("83516593", "EUR"), "DEU", 2024, series="wdi", indicator="SP.POP.TOTL")
    assert wb.unrounded == 1 and "World Bank" in wb.explain()


@pytest.mark.parametrize("year", [2024.0, "2024", True])
def test_per_capita_refuses_a_year_that_is_not_an_int_like_share_of(year: object) -> None:
    # 2024.0 was accepted silently (the result said year=2024.0); "2024" and True failed with a misleading
    # "no LP value for DEU in 2024 ... (available: 1980-2030)"
    with pytest.raises(InvalidArgumentError, match="year must be a calendar year"):
        per_capita(Money("83517000", "EUR"), "DEU", year)  # type: ignore[arg-type]


# -- donors and groups --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "code"),
    [("Germany", "DEU"), ("Deutschland", "DEU"), ("DE", "DEU"), ("deu", "DEU"), ("United States", "USA"),
     ("USA", "USA"), ("UK", "GBR"), ("Korea", "KOR"), ("Kosovo", "XKX"), ("EU institutions", "EUI"),
     ("European Union", "EUI"), ("EU27", "EU27"), ("euro area", "EA"), ("G7", "G7"), ("DAC", "DAC")],
)  # fmt: skip
def test_resolve_donor(name: str, code: str) -> None:
    assert resolve_donor(name).code == code


def test_membership_over_time() -> None:
    assert "HRV" not in members("EU27", on="2013-06-30")
    assert "HRV" in members("EU27", on="2013-07-01")
    assert "HRV" not in members("EA", on="2022-12-31")
    assert "HRV" in members("EA", on="2023-01-01")
    assert "BGR" in members("EA", on="2026-01-01") and "BGR" not in members("EA", on="2025-12-31")
    assert "GBR" in members("EU27", on="2020-01-31") and "GBR" not in members("EU27", on="2020-02-01")
    assert len(members("EU27", on="2025-01-09")) == 27
    assert len(members("EA", on="2025-01-09")) == 20
    assert "CAN" not in members("G7", on="1976-01-01") and "CAN" in members("G7", on="1977-01-01")
    dac = members("DAC", on="2024-01-01")
    assert len(dac) == 32 and "EUI" in dac and "LTU" in dac
    assert "PRT" not in members("DAC", on="1980-01-01")
    with pytest.raises(AidtrackError, match="not a group"):
        members("DEU", on="2024-01-01")


def test_national_currency_is_the_weo_reporting_currency() -> None:
    assert national_currency("HRV") == "EUR"  # WEO reports Croatia in EUR for its whole history
    assert national_currency("BGR") == "BGN"  # still BGN in the October 2025 WEO
    assert bundled_series("weo").get("HRV", "NGDP", 2022).value == Decimal("67617000000")


# -- series: data, provenance, user input -------------------------------------------------------------------
def test_bundled_files_match_their_recorded_hashes_and_provenance() -> None:
    text = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in ("weo", "wdi", "dac_deflators", "dac_gni"):
        s = bundled_series(name)  # type: ignore[arg-type]
        assert s.provenance.sha256 == hashlib.sha256((DATA / str(s.provenance.file)).read_bytes()).hexdigest()
        assert s.provenance.sha256 in text and s.provenance.attribution
    assert bundled_series("wdi").get("USA", "NY.GDP.MKTP.CD", 2024).value == Decimal("29298013000000")
    assert bundled_series("weo").get("USA", "NGDPD", 2024).value == Decimal("29298025000000")


def test_values_are_the_files_exact_text() -> None:
    v = bundled_series("wdi").get("DEU", "NY.GDP.MKTP.CD", 2024)
    assert str(v.value) == "4685592577804.69"


def test_bad_user_series_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("country,year,indicator,value\nDEU,2020,NGDP_D,abc\n", encoding="utf-8")
    with pytest.raises(MacroDataError, match=r"bad.csv, line 2: value 'abc'"):
        read_series_csv(path)
    path.write_text("country,year,value\n", encoding="utf-8")
    with pytest.raises(MacroDataError, match="missing column"):
        read_series_csv(path)


def test_importing_macro_does_not_import_pandas() -> None:
    code = "import sys, aidtrack.macro; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


# -- vectorised ---------------------------------------------------------------------------------------------
def test_deflate_frame_matches_the_scalar_path_and_records_provenance() -> None:
    df = pd.DataFrame(
        {"donor": ["DEU", "Norway", "United States"], "year": [2022, 2023, 2024],
         "amount": [100_000_000, 2_000_000_000, 500_000_000], "currency": ["EUR", "NOK", "USD"]}
    )  # fmt: skip
    out = deflate_frame(df, base_year=2024, method="dac", to="EUR", dtype="decimal")
    for row, result in zip(df.itertuples(), out["deflated"], strict=True):
        d = deflate(Money(row.amount, row.currency), year=row.year, base_year=2024, method="dac",
                    donor=row.donor, to="EUR")  # fmt: skip
        assert result == d.result.amount
    assert out.attrs["aidtrack_deflation"]["series"].key == "oecd-dac-deflators-2024base"


def test_deflate_frame_reports_every_bad_row() -> None:
    df = pd.DataFrame({"donor": ["DEU", "Atlantis", "DEU"], "year": [2022, 2022, 2025],
                       "amount": ["1", "2", "3"], "currency": ["EUR", "EUR", "EUR"]})  # fmt: skip
    with pytest.raises(
        DeflationRowsError, match=r"(?s)2 of 3 rows.*row 1: unknown donor 'Atlantis'.*row 2: DEU NGDP_D"
    ):
        deflate_frame(df, base_year=2024, method="gdp")
    out = deflate_frame(df, base_year=2024, method="gdp", errors="coerce")
    assert out["deflated"].isna().tolist() == [False, True, True]
    assert "Atlantis" in str(out["deflation_problem"][1])


AMOUNTS = st.one_of(
    st.integers(min_value=0, max_value=10**12),
    st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False),
)
ROWS = st.lists(
    st.tuples(
        st.sampled_from(["DEU", "FRA", "Norway", "United States", "Japan", "DAC", "EUI"]),
        st.integers(min_value=2000, max_value=2024),
        AMOUNTS,
        st.sampled_from(["EUR", "USD", "NOK", "JPY", "GBP"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, base=st.sampled_from([2015, 2024]), to=st.sampled_from([None, "EUR"]),
       rounding=st.sampled_from(["half_even", "half_up"]))  # fmt: skip
def test_deflate_frame_is_the_scalar_result_row_by_row(
    rows: list[tuple[str, int, object, str]], base: int, to: str | None, rounding: str
) -> None:
    df = pd.DataFrame(rows, columns=["donor", "year", "amount", "currency"])
    out = deflate_frame(df, base_year=base, method="dac", to=to, rounding=rounding, dtype="decimal")
    floats = deflate_frame(df, base_year=base, method="dac", to=to, rounding=rounding)
    for (donor, year, amount, currency), got, f in zip(rows, out["deflated"], floats["deflated"], strict=True):
        d = deflate(Money(amount, currency), year=year, base_year=base, method="dac", donor=donor, to=to,
                    rounding=rounding)  # fmt: skip
        assert got == d.result.amount
        assert f == float(d.result.amount)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amount=AMOUNTS, year=st.integers(min_value=2000, max_value=2024), method=st.sampled_from(["gdp", "cpi"]))
def test_gdp_and_cpi_frames_match_too(amount: object, year: int, method: str) -> None:
    df = pd.DataFrame({"donor": ["SWE", "KOR"], "year": [year, year], "amount": [amount, amount],
                       "currency": ["SEK", "USD"]})  # fmt: skip
    out = deflate_frame(df, base_year=2020, method=method, dtype="decimal")  # type: ignore[arg-type]
    for row, got in zip(df.itertuples(), out["deflated"], strict=True):
        d = deflate(Money(row.amount, row.currency), year=year, base_year=2020, method=method,  # type: ignore[arg-type]
                    donor=row.donor)  # fmt: skip
        assert got == d.result.amount


def test_halfway_rows_are_recomputed_exactly() -> None:
    # An amount whose deflated value lies exactly on a half cent: the float product may land on either side.
    d = deflate(Money(1, "USD"), year=2023, base_year=2024, method="dac", donor="USA")
    exact_half = Decimal("0.005") / d.factor  # deflates to exactly half a cent (rounds to even: 0.00)
    df = pd.DataFrame({"donor": ["USA"], "year": [2023], "amount": [exact_half], "currency": ["USD"]})
    out = deflate_frame(df, base_year=2024, method="dac", dtype="decimal")
    expected = deflate(Money(exact_half, "USD"), year=2023, base_year=2024, method="dac", donor="USA")
    assert out["deflated"][0] == expected.result.amount
    assert out.attrs["aidtrack_deflation"]["recomputed"] == 1


@pytest.mark.parametrize(
    "years",
    [
        pd.array([2023, None], dtype="Int64"),  # a nullable year column with a gap crashed with a ValueError
        [2023, float("inf")],  # an infinite year crashed with an OverflowError
        [2023, "-inf"],
        [2023, 1e20],  # wrapped round to -9223372036854775808 and was reported as that year
        [2023, True],  # a boolean was read as year 1
        [2023, -5],
        [2023, "2024.5"],
    ],
)
def test_deflate_frame_reports_a_year_that_is_not_a_calendar_year(years: object) -> None:
    df = pd.DataFrame({"donor": ["DEU", "DEU"], "year": years, "amount": [1, 2], "currency": ["USD", "USD"]})
    out = deflate_frame(df, base_year=2024, errors="coerce")
    assert out["deflated"][0] == float(deflate(Money(1, "USD"), year=2023, base_year=2024, donor="DEU").result.amount)
    assert pd.isna(out["deflated"][1])
    assert "is not a calendar year" in str(out["deflation_problem"][1])
    with pytest.raises(DeflationRowsError, match=r"row 1: year .* is not a calendar year"):
        deflate_frame(df, base_year=2024)
