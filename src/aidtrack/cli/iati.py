"""The ``aidtrack iati`` subcommand: convert every value of an IATI activity file at its value-date.

``aidtrack iati FILE --to USD --policy monthly_mean`` reads the file with
:func:`aidtrack.files.iati.convert` and prints one line per value (activity,
element, type, value-date, amount, rate, fixing, converted amount) and the
rate source; ``--csv`` writes every column (formula-guarded
text), ``--json`` every row with amounts as strings. A value with a problem
(no currency, no value-date, a value-date in the future, no rate) makes the
command fail with the list of problems, each with its activity identifier and
element path; with ``--errors coerce`` the other rows are printed and the
problems reported on stderr (exit status 0, or 1 with ``--strict``).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from aidtrack.policy import RatePolicy

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["iati_parser", "run_iati"]


def iati_parser(sub: Any) -> None:
    """Add the ``iati`` subcommand."""
    from aidtrack.cli.rates import add_source_arguments

    p = sub.add_parser(
        "iati",
        help="convert every transaction/budget value of an IATI activity file at its value-date",
        description="Read an IATI activity file (2.0x or 1.0x) and convert each value at its value-date, "
        "with the rate, fixing and source of every figure.",
    )
    p.add_argument("file", help="an IATI activity XML file")
    p.add_argument("--to", default=None, help="target currency (default EUR)")
    p.add_argument(
        "--policy",
        default="daily",
        help="rate policy: "
        + ", ".join(x.value for x in RatePolicy)
        + ", fiscal:M, trailing:DAYS, trailing:START..END or a date (see aidtrack convert --help; "
        "default daily: the fixing of the value-date)",
    )
    p.add_argument(
        "--rounding", default="half_even", choices=["half_even", "half_up"], help="rounding mode (default half_even)"
    )
    p.add_argument(
        "--elements",
        default="transaction,budget,planned-disbursement",
        help="comma-separated: transaction, budget, planned-disbursement (default all three)",
    )
    p.add_argument("--today", default=None, help="the last value-date that is not in the future (default: today)")
    p.add_argument(
        "--errors",
        choices=["raise", "coerce"],
        default="raise",
        help="raise (default): any problem fails the command; coerce: print the good rows, report the bad on stderr",
    )
    p.add_argument("--strict", action="store_true", help="with --errors coerce: exit 1 if any row has a problem")
    add_source_arguments(p)  # --source, --rates-base, --offline
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="every row as JSON (amounts as strings)")
    fmt.add_argument("--csv", action="store_true", help="every row as CSV")
    p.set_defaults(run=run_iati)


def _amount(currency: Any, amount: Any) -> str:
    """The canonical text of an amount (as ``str(Money)``), or the bare number when the currency is unusable."""
    from aidtrack.currency import is_currency
    from aidtrack.money import plain_amount

    if amount is None:
        return "-"
    code = _plain(currency)
    if isinstance(code, str) and code and is_currency(code):
        return f"{_safe(code)} {plain_amount(amount, code.strip().upper())}"
    return f"{_safe(code)} {format(amount, ',f')}".strip()


def run_iati(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``aidtrack iati``."""
    from aidtrack.files.iati import convert, problems

    elements = [e.strip() for e in args.elements.split(",") if e.strip()]
    frame = convert(
        args.file,
        args.to,
        policy=args.policy,
        errors=args.errors,
        elements=elements,  # checked by convert()
        today=args.today,
        rounding=args.rounding,
    )
    if args.json:
        from aidtrack.cli.render import dump_json

        dump_json(_json(frame), out)
    elif args.csv:
        _csv(frame, out)
    else:
        out.write(render(frame) + "\n")
    report = problems(frame)
    from aidtrack.cli.render import safe_text

    for row in report.itertuples(index=False):
        print(safe_text(f"aidtrack iati: problem: {row.path} ({row.activity}): {row.reason}"), file=sys.stderr)
    if len(report):
        print(
            f"aidtrack iati: {len(report)} of {len(frame)} value(s) not converted (listed above)",
            file=sys.stderr,
        )
        return 1 if args.strict else 0
    return 0


def _plain(value: Any) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "date") and hasattr(value, "hour"):  # a Timestamp: the day is what counts
        return str(value.date())
    return str(value)


def _safe(text: str) -> str:
    from aidtrack.cli.render import safe_text

    return safe_text(text)


def render(frame: pd.DataFrame) -> str:
    """The converted values as a plain-text table, then totals per currency of origin and the rate source."""
    from aidtrack.cli.render import render_table

    meta = frame.attrs.get("aidtrack", {})
    target = meta.get("to", "")
    mean = "fixing_first" in frame.columns
    rows = []
    for rec in frame.to_dict(orient="records"):
        if mean:
            fixing = (
                f"mean of {rec['fixing_count']}, {_plain(rec['fixing_first'])}..{_plain(rec['fixing_last'])}"
                if _plain(rec.get("fixing_first"))
                else "-"
            )
        else:
            fixing = _plain(rec.get("fixing_date")) or "-"
        converted = rec.get("converted")
        rows.append(
            [
                _safe(_plain(rec["activity"])),
                _safe(rec["element"]),
                _safe(_plain(rec["type_name"]) or _plain(rec["type"])),
                _plain(rec["value_date"]),
                _amount(rec["currency"], rec["amount"]),
                f"{rec['rate']:.6f}" if _plain(rec.get("rate")) else "-",
                fixing,
                f"{converted:,}" if isinstance(converted, Decimal) else "not converted",
            ]
        )
    headers = ["activity", "element", "type", "value-date", "amount", f"rate ({target} per unit)", "fixing(s)", target]
    table = render_table(headers, rows, [False, False, False, False, True, True, False, True])
    done = [v for v in frame["converted"].tolist() if isinstance(v, Decimal)]
    lines = [table, "", f"{len(done)} of {len(frame)} value(s) converted to {target}, policy {meta.get('policy')}."]
    source = meta.get("source")
    if source is not None:
        lines.append(f"Rates: {source.name}, fixings {source.first_date} to {source.last_date}.")
    return "\n".join(lines)


def _json(frame: pd.DataFrame) -> dict[str, Any]:
    from aidtrack._serialize import dump

    meta = frame.attrs.get("aidtrack", {})
    source = meta.get("source")
    rows = [
        {k: (_plain(v) or None) if k != "humanitarian" else _flag(v) for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]
    return {
        "file": frame.attrs.get("iati", {}).get("source"),
        "to": meta.get("to"),
        "policy": meta.get("policy"),
        "rounding": meta.get("rounding"),
        "source": dump(source) if source is not None else None,
        "count": len(frame),
        "rows": rows,
    }


def _flag(value: Any) -> bool | None:
    return None if value is None or _plain(value) == "" else bool(value)


def _csv(frame: pd.DataFrame, out: TextIO) -> None:
    from aidtrack.cli.render import write_csv

    rows = (
        [v if isinstance(v, Decimal | int | float) else _plain(v) for v in rec]
        for rec in frame.itertuples(index=False, name=None)
    )
    write_csv(out, list(frame.columns), rows)
