"""Real terms on frames: constant prices after a conversion, and totals as shares of GDP/GNI or per capita.

The rules live in :mod:`aidtrack.macro` (:func:`~aidtrack.macro.frame.deflate_frame`,
:func:`~aidtrack.macro.shares.share_of`, :func:`~aidtrack.macro.shares.per_capita`); this module
applies them to the results of :func:`~aidtrack.frames.convert.convert_frame` and
:func:`~aidtrack.frames.aggregate.totals`, which call it when given ``prices="constant"``,
``share_of=`` or ``per_capita=True``:

>>> import aidtrack
>>> from aidtrack.files import example_path
>>> ramstein = aidtrack.read_pledges(example_path())
>>> t = aidtrack.totals(ramstein, "EUR", by="donor", policy="monthly_mean",
...                     share_of="gdp", denominator_year=2021)
>>> t[["donor", "total", "share_percent"]]
           donor           total share_percent
0         Canada    295229061.76        0.0173
1         Norway   2000000000.00        0.4701
2  United States    482917877.62        0.0024
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, TypeAlias

import pandas as pd

from aidtrack.errors import InvalidArgumentError

__all__ = ["DenominatorYear", "Prices", "add_shares", "check_prices", "constant_prices"]

Prices: TypeAlias = Literal["current", "constant"]
DenominatorYear: TypeAlias = int | Literal["same"]
SHARE_DIGITS = 4
"""``share_percent`` is shown to this many decimals (half-even); ``share`` keeps the exact fraction."""


def check_prices(prices: str, base_year: int | None) -> bool:
    """Whether constant prices are asked for (and the base year given); raise for anything else."""
    if prices not in ("current", "constant"):
        raise InvalidArgumentError("prices", prices, f"prices must be 'current' or 'constant', not {prices!r}")
    if prices == "constant" and (base_year is None or isinstance(base_year, bool) or not isinstance(base_year, int)):
        raise InvalidArgumentError(
            "base_year",
            base_year,
            "prices='constant' needs base_year=<a calendar year>, e.g. base_year=2024 (--base-year 2024 in the CLI)",
        )
    return prices == "constant"


def constant_prices(
    converted: pd.DataFrame,
    meta_key: str,
    *,
    base_year: int,
    deflator: str = "dac",
    donor: str = "donor",
    allow_estimates: bool = False,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Add ``constant`` (the converted amount in ``base_year`` prices), ``deflator`` and ``deflation_estimate``.

    Each row is deflated with its donor's deflator for the year of its date, in the conversion's
    target currency; the row keeps its converted (current-price) amount beside it. ``meta_key``
    names the conversion's metadata in ``converted.attrs``.
    """
    from aidtrack.macro.frame import deflate_frame

    meta = converted.attrs[meta_key]
    if donor not in converted.columns:
        raise InvalidArgumentError(
            "donor", donor, f"constant prices need the donor of each row: the frame has no {donor!r} column"
        )
    years = pd.to_datetime(converted[meta["date"]], errors="coerce").dt.year
    work = converted.assign(__year=years.astype("Int64"), __cur=meta["to"])
    dtype = "decimal" if converted[meta["converted"]].dtype == object else "float"
    out = deflate_frame(
        work,
        base_year=base_year,
        method=deflator,  # type: ignore[arg-type]
        donor_column=donor,
        year_column="__year",
        amount_column=meta["converted"],
        currency_column="__cur",
        to=meta["to"],
        allow_estimates=allow_estimates,
        errors=errors,
        into="constant",
        dtype=dtype,  # type: ignore[arg-type]
    )
    out = out.drop(columns=["__year", "__cur", "deflated_currency"], errors="ignore")
    out.attrs = {**converted.attrs, **out.attrs}
    out.attrs[meta_key] = {
        **meta,
        "prices": "constant",
        "base_year": base_year,
        "deflator": deflator,
        "constant": "constant",
    }
    return out


def add_shares(
    totals: pd.DataFrame,
    *,
    share_of: Literal["gdp", "gni"] | None,
    denominator_year: DenominatorYear,
    per_capita: bool,
    allow_estimates: bool = False,
) -> pd.DataFrame:
    """Add ``share`` / ``share_percent`` (of each donor's GDP or GNI) and/or ``per_capita`` to a totals table.

    ``denominator_year`` is a year (the Kiel tracker uses 2021) or ``"same"``, the year of each row
    (then ``by`` must include ``"year"``). The denominator is converted into the totals' currency at
    the ECB annual mean of the denominator year (see :func:`aidtrack.macro.share_of`); each share is
    exact (``Decimal``), and ``attrs["denominators"]`` holds every denominator with its provenance.
    """
    from aidtrack.money import Money

    if share_of is not None and share_of not in ("gdp", "gni"):
        raise InvalidArgumentError("share_of", share_of, f"share_of must be 'gdp' or 'gni', not {share_of!r}")
    if share_of is None and not per_capita:
        return totals
    keys = [c for c in totals.columns if c in ("donor", "country")]
    if not keys:
        raise InvalidArgumentError(
            "by",
            list(totals.columns),
            "a share or per-capita figure needs one donor per row: group by 'donor' or 'country'",
        )
    key = "country" if "country" in keys and "donor" not in keys else "donor"
    if denominator_year == "same" and "year" not in totals.columns:
        raise InvalidArgumentError(
            "denominator_year",
            denominator_year,
            "denominator_year='same' needs 'year' in by=, e.g. by=['donor', 'year']",
        )
    if denominator_year != "same" and (isinstance(denominator_year, bool) or not isinstance(denominator_year, int)):
        raise InvalidArgumentError(
            "denominator_year", denominator_year, "denominator_year must be a year (e.g. 2021) or 'same'"
        )
    from aidtrack.macro import per_capita as per_head
    from aidtrack.macro import share_of as share

    currency = totals["currency"]
    shares: list[Decimal] = []
    heads: list[Money] = []
    records: list[dict[str, Any]] = []
    for i in range(len(totals)):
        donor = str(totals[key].iloc[i])
        year = int(totals["year"].iloc[i].year) if denominator_year == "same" else int(denominator_year)
        money = Money(totals["total"].iloc[i], currency.iloc[i])
        if share_of is not None:
            s = share(money, donor, year, denominator=share_of, allow_estimates=allow_estimates)
            shares.append(s.share)
            records.append(
                {
                    "donor": donor,
                    "year": year,
                    "what": share_of,
                    "value": s.denominator_value,
                    "currency": money.currency,
                    "explain": s.explain(),
                    "provenance": s.provenance,
                }
            )
        if per_capita:
            h = per_head(money, donor, year, allow_estimates=allow_estimates)
            heads.append(h.result)
            records.append(
                {"donor": donor, "year": year, "what": "population", "explain": h.explain(), "provenance": h.provenance}
            )
    out = totals.copy()
    if share_of is not None:
        out["share"] = pd.Series(shares, index=out.index, dtype=object)
        out["share_percent"] = pd.Series(
            [s.scaleb(2).quantize(Decimal(1).scaleb(-SHARE_DIGITS)) for s in shares], index=out.index, dtype=object
        )
    if per_capita:
        out["per_capita"] = pd.Series([h.amount for h in heads], index=out.index, dtype=object)
    out.attrs = dict(totals.attrs)
    out.attrs["denominators"] = records
    out.attrs["share_of"] = share_of
    out.attrs["denominator_year"] = denominator_year
    return out
