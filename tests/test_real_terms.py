"""Real terms through frames, totals and the CLI (issue 11): constant prices, shares of GDP/GNI, per capita."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

import aidtrack
from aidtrack.cli import main
from aidtrack.errors import InvalidArgumentError
from aidtrack.files import example_path
from aidtrack.macro import deflate, share_of
from aidtrack.money import Money


@pytest.fixture
def ramstein() -> aidtrack.Pledges:
    return aidtrack.read_pledges(example_path())


def test_kiel_style_share_of_2021_gdp_is_one_call(ramstein: aidtrack.Pledges) -> None:
    t = aidtrack.totals(ramstein, "EUR", by="donor", policy="monthly_mean", share_of="gdp", denominator_year=2021)
    for _, row in t.iterrows():
        expected = share_of(Money(row["total"], "EUR"), row["donor"], 2021)
        assert row["share"] == expected.share
        assert row["share_percent"] == expected.percent.quantize(Decimal("0.0001"))
    assert [d["what"] for d in t.attrs["denominators"]] == ["gdp"] * 3
    assert all("International Monetary Fund" in d["provenance"].attribution for d in t.attrs["denominators"])


def test_a_total_of_one_thousandth_of_germanys_2024_gdp_is_exactly_0_1_percent() -> None:
    df = pd.DataFrame({"donor": ["Germany"], "amount": ["4328970000"], "currency": ["EUR"], "date": ["2024-06-01"]})
    t = aidtrack.totals(df, "EUR", by=["donor", "year"], share_of="gdp", denominator_year="same")
    assert t.loc[0, "share"] == Decimal("0.001")
    assert t.loc[0, "share_percent"] == Decimal("0.1000")


def test_constant_prices_in_convert_frame_equal_the_scalar_deflate_row_by_row() -> None:
    df = pd.DataFrame(
        {
            "donor": ["Germany", "Norway", "United States", "Japan"],
            "amount": [100_000_000, 2_000_000_000, 500_000_000, 30_000_000_000],
            "currency": ["EUR", "NOK", "USD", "JPY"],
            "date": ["2022-03-01", "2023-05-02", "2024-01-09", "2019-12-30"],
        }
    )
    out = aidtrack.convert_frame(df, "EUR", prices="constant", base_year=2024, dtype="decimal")
    for i, row in out.iterrows():
        scalar = deflate(Money(row["converted"], "EUR"), base_year=2024, method="dac", donor=row["donor"],
                         year=int(str(df.loc[i, "date"])[:4]), to="EUR")  # fmt: skip
        assert row["constant"] == scalar.result.amount, row["donor"]
    assert out.attrs["aidtrack"]["prices"] == "constant" and out.attrs["aidtrack"]["base_year"] == 2024


def test_constant_price_totals_sum_the_deflated_pledges_exactly(ramstein: aidtrack.Pledges) -> None:
    t = aidtrack.totals(ramstein, "EUR", by="donor", prices="constant", base_year=2024)
    rows = aidtrack.convert_frame(ramstein.to_frame(), "EUR", prices="constant", base_year=2024, dtype="decimal")
    assert sum(t["total"]) == sum(rows["constant"]) == t.attrs["grand_total"].amount
    assert t.attrs["prices"] == "constant"


def test_errors_name_what_is_missing(ramstein: aidtrack.Pledges) -> None:
    with pytest.raises(InvalidArgumentError, match="base_year"):
        aidtrack.totals(ramstein, "EUR", prices="constant")
    with pytest.raises(InvalidArgumentError, match="denominator_year"):
        aidtrack.totals(ramstein, "EUR", share_of="gdp")
    with pytest.raises(InvalidArgumentError, match="group by 'donor' or 'country'"):
        aidtrack.totals(ramstein, "EUR", by="category", share_of="gdp", denominator_year=2021)
    with pytest.raises(InvalidArgumentError, match="'year' in by="):
        aidtrack.totals(ramstein, "EUR", by="donor", share_of="gdp", denominator_year="same")


def test_the_cli_gives_constant_prices_and_shares(capsys: pytest.CaptureFixture[str]) -> None:
    path = example_path()
    assert (
        main(["totals", path, "--to", "EUR", "--prices", "constant", "--base-year", "2024", "--deflator", "dac"]) == 0
    )
    assert "Prices: constant 2024 (dac deflator)" in capsys.readouterr().out
    code = main(
        ["totals", path, "--policy", "monthly_mean", "--share-of", "gdp", "--denominator-year", "2021", "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    shares = {g["donor"]: g["share_percent"] for g in data["groups"]}
    assert shares == {"Canada": "0.0173", "Norway": "0.4701", "United States": "0.0024"}
    assert data["denominators"][0]["provenance"]["vintage"] == "October 2025"
    assert main(["totals", path, "--prices", "constant"]) == 1
    assert "--base-year" in capsys.readouterr().err
