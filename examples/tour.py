"""A tour of the aidtrack API on the Ramstein example pledges (9 January 2025).

Run it from anywhere; it needs no network:

    python examples/tour.py

Each section prints what it computes. The figures are the ECB's reference rates
bundled with aidtrack, so the output is the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

import aidtrack
from aidtrack import FixedDate, Money, Pledge

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "ramstein-2025-01-09.csv"


def section(title: str) -> None:
    print(f"\n== {title} ==")


def main() -> None:
    section("One amount, at the ECB fixing of its day")
    c = aidtrack.convert(440_000_000, "CAD", to="EUR", on="2025-01-09")
    print(c.explain())
    print(f"result {c.result!r}, rate {c.rate} EUR per CAD, fixing {c.fixing_dates[0]}")

    section("The Kiel Ukraine Support Tracker's method: the month's mean")
    kiel = aidtrack.convert(500_000_000, "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
    print(kiel.explain())
    print(f"mean of {len(kiel.fixing_dates)} USD fixings: {kiel.legs[0].rate} USD per EUR")

    section("The same amount under every policy")
    for policy in ("daily", "exact", "monthly_mean", "annual_mean", FixedDate(aidtrack.bundled_table().info.last_date)):
        r = aidtrack.convert(500_000_000, "USD", to="EUR", on="2025-01-09", policy=policy)
        print(f"{r.policy_name:>16}: {r.result}")

    section("Pledges from a file")
    pledges = aidtrack.files.read_pledges_csv(EXAMPLE)
    for p in pledges:
        print(f"{p.id}  {p.donor.name:<14} {p.announced}  {p.amount!s:>18}  {p.category.value}, {p.qualifier.value}")

    section("Each pledge in euros, with its provenance")
    for conversion in aidtrack.convert_pledges(pledges, "EUR"):
        print(conversion.explain())

    section("Totals by donor (daily rates)")
    frame = aidtrack.totals(pledges, to="EUR", by="donor", sort="total")
    print(frame.to_string(index=False))
    print(f"grand total {frame.attrs['grand_total']}; {frame.attrs['bound_count']} pledge(s) only a floor or ceiling")

    section("Grand totals under two policies")
    for policy in ("daily", "monthly_mean"):
        grand = aidtrack.totals(pledges, to="EUR", by=None, policy=policy).attrs["grand_total"]
        print(f"{policy:>12}: {grand}")

    section("A pledge built in code, converted to US dollars")
    norway = Pledge(
        donor="Norway",
        announced="2025-01-09",
        amount=Money("2e9", "EUR"),
        category="military",
        qualifier="at_least",
    )
    print(repr(norway.donor), norway.qualifier.value, norway.convert(to="USD").result)

    section("Errors say what would be valid")
    try:
        aidtrack.convert(1, "USD", to="EUR", on="2026-11-20")
    except aidtrack.RateNotAvailableError as exc:
        print(f"{type(exc).__name__}: {exc}")
    try:
        Money(1, "EURO")
    except aidtrack.InvalidRecordError as exc:
        print(f"{type(exc).__name__}: {exc}")

    section("JSON, with amounts as strings")
    print(kiel.model_dump_json(indent=None)[:160] + " ...")


if __name__ == "__main__":
    main()
