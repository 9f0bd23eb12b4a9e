"""One warm scalar ``aidtrack.convert()`` call (``daily`` and ``monthly_mean``) vs currencyconverter.

Run:  python benchmarks/scalar_convert.py [--runs 7] [--calls 2000]

Each run times ``--calls`` conversions of the same amount on varying days (a
pledge list's loop) with aidtrack (``Conversion`` with full provenance) and with
currencyconverter (``decimal=True`` and float), interleaved; the median per-call
time of the runs is printed with the ratios. Rates are loaded before timing.

Target (issue 17): aidtrack ``daily`` at most 1.5x currencyconverter's ``decimal=True`` call.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from _common import machine, report

import aidtrack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    from currency_converter import CurrencyConverter

    # ECB fixing days (2020-2021), where both libraries have the day's own rate: no fallback in either
    from aidtrack.rates.bundled import bundled_table

    ords = [int(o) for o in bundled_table().series("USD").as_numpy()[0] if 737425 <= o < 738156]
    days = [date.fromordinal(ords[i % len(ords)]) for i in range(args.calls)]
    cc_dec, cc_float = CurrencyConverter(decimal=True), CurrencyConverter()
    for d in days:  # warm
        cc_dec.convert(100, "USD", "EUR", date=d)
        cc_float.convert(100, "USD", "EUR", date=d)
        aidtrack.convert(100, "USD", to="EUR", on=d)
        aidtrack.convert(100, "USD", to="EUR", on=d, policy="monthly_mean")

    def per_call(fn) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        for d in days:
            fn(d)
        return (time.perf_counter() - start) / len(days)

    cases = {
        "daily": lambda d: aidtrack.convert(100, "USD", to="EUR", on=d),
        "monthly_mean": lambda d: aidtrack.convert(100, "USD", to="EUR", on=d, policy="monthly_mean"),
        "cc decimal": lambda d: cc_dec.convert(100, "USD", "EUR", date=d),
        "cc float": lambda d: cc_float.convert(100, "USD", "EUR", date=d),
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.runs):
        for name, fn in cases.items():
            times[name].append(per_call(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"warm scalar convert, median of {args.runs} runs of {args.calls} calls ({machine()})")
    report("convert daily vs cc decimal=True", med["daily"], med["cc decimal"], "cc", "µs", 1e6)
    report("convert daily vs cc float", med["daily"], med["cc float"], "cc", "µs", 1e6)
    report("convert monthly_mean vs cc decimal=True", med["monthly_mean"], med["cc decimal"], "cc", "µs", 1e6)
    print(f"target (daily <= 1.5x cc decimal=True): {'met' if med['daily'] <= 1.5 * med['cc decimal'] else 'MISSED'}")


if __name__ == "__main__":
    main()
