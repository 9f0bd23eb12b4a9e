"""The ``aidtrack`` command line (also ``python -m aidtrack``).

Subcommands: ``convert``, ``totals``, ``demo`` (and those added by other
modules through :data:`SUBCOMMANDS`). Every error is printed to stderr as
**one line**, ``aidtrack: error: ...`` (``aidtrack CMD: error: ...`` for a
usage error), with exit status 1 (2 for usage errors), never as a traceback;
an unexpected exception says it is a bug (``AIDTRACK_DEBUG=1`` shows its
traceback). ``--json`` output carries amounts and rates as strings. The target
currency is ``--to`` (``convert`` also takes it as a third argument) and
defaults to EUR in every subcommand.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from aidtrack._version import __version__
from aidtrack.cli.extract import extract_parser
from aidtrack.cli.files import add_read_arguments, files_parser, read_options, report_problems
from aidtrack.cli.iati import iati_parser
from aidtrack.cli.rates import add_source_arguments, one_line, rates_parser, source_context
from aidtrack.cli.render import dump_json, render_table, safe_text, write_csv
from aidtrack.errors import AidtrackError, InvalidArgumentError
from aidtrack.files.examples import example_path
from aidtrack.policy import FISCAL_YEARS, RatePolicy

if TYPE_CHECKING:
    import pandas as pd

    from aidtrack.conversion import Conversion
    from aidtrack.frames.collection import Pledges
    from aidtrack.pledge import Pledge

__all__ = ["SUBCOMMANDS", "main"]

EXAMPLE_FILE = "ramstein-2025-01-09.csv"
POLICY_HELP = (
    "rate policy: "
    + ", ".join(p.value for p in RatePolicy)
    + "; fiscal:M (the fiscal year starting in month M, e.g. fiscal:4 April-March) or a preset "
    + ", ".join(FISCAL_YEARS)
    + "; trailing:DAYS (the DAYS days ending on each date) or trailing:YYYY-MM-DD..YYYY-MM-DD (one fixed window); "
    "or a date YYYY-MM-DD (every amount at that date's rate); default: daily"
)


class Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors: ``aidtrack convert: error: ... (see 'aidtrack convert --help')``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", default="daily", help=POLICY_HELP)
    p.add_argument(
        "--rounding", default="half_even", choices=["half_even", "half_up"], help="rounding mode (default half_even)"
    )
    add_source_arguments(p)  # --source, --rates-base, --offline (aidtrack.cli.rates)


# -- convert ------------------------------------------------------------------
def _convert_parser(sub: Any) -> None:
    p = sub.add_parser(
        "convert",
        help="convert one amount at a historical rate",
        description="Convert one amount: aidtrack convert AMOUNT FROM [TO] --on DATE (TO, or --to, default EUR).",
    )
    p.add_argument("amount", help="amount, a plain decimal number such as 440000000, 1250.50 or 2e9")
    p.add_argument("currency", metavar="FROM", help="ISO 4217 code of the amount, e.g. CAD")
    p.add_argument("target", metavar="TO", nargs="?", default=None, help="target currency (or --to; default EUR)")
    p.add_argument("--to", default=None, help="target currency (default EUR)")
    p.add_argument("--on", required=True, help="date of the amount, YYYY-MM-DD ('latest': the last date with data)")
    _add_common(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=_run_convert)


def _run_convert(args: argparse.Namespace, out: TextIO) -> int:
    from aidtrack.conversion import convert

    on = args.on  # 'latest': the last date the pricing source covers (convert() resolves it)
    conv = convert(
        args.amount, args.currency, args.target, to=args.to, on=on, policy=args.policy, rounding=args.rounding
    )
    if args.json:
        dump_json(conv.to_dict(), out)
    else:
        out.write(safe_text(conv.explain()) + "\n")
    return 0


# -- totals -------------------------------------------------------------------
def _totals_parser(sub: Any) -> None:
    p = sub.add_parser(
        "totals",
        help="convert a pledge file and total it by donor, category, measure or period",
        description="Convert the pledges of a file (CSV, Excel, JSON or Parquet) and total them.",
    )
    p.add_argument(
        "file",
        help="pledge file: .csv, .xlsx, .json or .parquet (columns donor, date, amount, currency, ...); "
        "'-' reads CSV from stdin",
    )
    p.add_argument("--to", default=None, help="target currency (default EUR)")
    p.add_argument(
        "--by",
        default="donor",
        help="group keys, comma-separated: donor, country, category, measure, qualifier, day, week, month, quarter, "
        "year; 'none' for one grand total (default donor)",
    )
    p.add_argument("--sort", choices=["keys", "total"], default="keys", help="row order (default: by the keys)")
    real = p.add_argument_group("real terms (see docs/methodology/real-terms.md)")
    real.add_argument(
        "--prices", choices=["current", "constant"], default="current", help="current (default) or constant prices"
    )
    real.add_argument("--base-year", type=_year, help="the base year of constant prices, e.g. 2024")
    real.add_argument(
        "--deflator", choices=["dac", "gdp", "cpi"], default="dac", help="deflator for constant prices (default dac)"
    )
    real.add_argument("--share-of", choices=["gdp", "gni"], help="add each donor's total as a share of its GDP or GNI")
    real.add_argument(
        "--denominator-year",
        type=_denominator_year,
        help="year of the GDP/GNI/population: a year (e.g. 2021) or 'same'",
    )
    real.add_argument("--per-capita", action="store_true", help="add each donor's total per inhabitant")
    real.add_argument("--allow-estimates", action="store_true", help="accept IMF estimates for years without data")
    _add_common(p)
    add_read_arguments(p)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable JSON output")
    fmt.add_argument(
        "--csv",
        action="store_true",
        help="CSV output; the columns policy, rate_source, rates_first, rates_last and rates_sha256 keep the "
        "provenance",
    )
    p.set_defaults(run=_run_totals)


def _year(text: str) -> int:
    if not text.strip().isdigit() or not 1900 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"expected a year such as 2024, got {text!r}")
    return int(text)


def _denominator_year(text: str) -> int | str:
    return "same" if text.strip().lower() == "same" else _year(text)


def _by(text: str) -> list[str]:
    if text.strip().lower() == "none":
        return []
    keys = [k.strip() for k in text.split(",") if k.strip()]
    if not keys:
        raise InvalidArgumentError(
            "--by", text, f"--by {text!r} names no key: give keys such as donor,quarter, or 'none' for one grand total"
        )
    return keys


def _read(path: str, **options: Any) -> Pledges:
    from aidtrack.files.formats import read_pledges

    if path == "-":
        import io

        from aidtrack.cli.inputs import read_input_text

        text = read_input_text("-")
        if not text.strip():
            raise InvalidArgumentError(
                "file",
                "-",
                "nothing on stdin: pipe a pledge CSV into it (e.g. aidtrack extract ARTICLE --lang en --date "
                "2025-01-09 --csv | aidtrack totals -) or give a file name",
            )
        stream = io.StringIO(text, newline="")
        stream.name = "<stdin>"
        return read_pledges(stream, **options)
    from pathlib import Path

    from aidtrack.files.formats import FORMATS

    known = Path(path).suffix.lower() in FORMATS
    return read_pledges(path, None if known else "csv", **options)  # another suffix (.txt) is read as CSV


def _run_totals(args: argparse.Namespace, out: TextIO) -> int:
    from aidtrack.frames.aggregate import totals
    from aidtrack.frames.convert import UnconvertibleRowsError

    pledges = _read(args.file, **read_options(args))
    problems: list[str] = [str(p) for p in pledges.problems]
    total = len(pledges) + len(pledges.problems)
    kept: Sequence[Pledge] = pledges

    def run() -> pd.DataFrame:
        return totals(
            kept,
            to=args.to,
            by=_by(args.by),
            policy=args.policy,
            rounding=args.rounding,
            sort=args.sort,
            prices=args.prices,
            base_year=args.base_year,
            deflator=args.deflator,
            share_of=args.share_of,
            denominator_year=args.denominator_year,
            per_capita=args.per_capita,
            allow_estimates=args.allow_estimates,
        )

    try:
        frame = run()
    except UnconvertibleRowsError as exc:
        if args.errors != "coerce":
            raise
        bad = {p.position for p in exc.problems}
        problems += [
            f"pledge {p.position + 1} ({kept[p.position].donor.name}, {p.currency}, {p.date}): {p.reason}"
            for p in exc.problems
        ]
        kept = [p for i, p in enumerate(kept) if i not in bad]
        frame = run()
    if args.json:
        dump_json(totals_json(frame), out)
    elif args.csv:
        table = totals_csv(frame)
        write_csv(out, list(table.columns), table.itertuples(index=False, name=None))
    else:
        out.write(render_totals(frame) + "\n")
    return report_problems("totals", problems, total, args)


def totals_json(frame: pd.DataFrame) -> dict[str, Any]:
    """A totals table as JSON-ready data (amounts as strings)."""
    from aidtrack._serialize import dump

    rows = [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    grand = frame.attrs.get("grand_total")
    source = frame.attrs.get("source")
    return {
        "currency": frame.attrs.get("currency"),
        "policy": frame.attrs.get("policy"),
        "grand_total": format(grand.amount, "f") if grand is not None else None,
        "count": frame.attrs.get("count"),
        "bound_count": frame.attrs.get("bound_count"),
        "source": dump(source) if source is not None else None,
        "prices": frame.attrs.get("prices", "current"),
        "base_year": frame.attrs.get("base_year"),
        "deflator": frame.attrs.get("deflator") if frame.attrs.get("prices") == "constant" else None,
        "denominators": [
            {k: _jsonable(v) if k != "provenance" else _provenance(v) for k, v in d.items()}
            for d in frame.attrs.get("denominators", [])
        ],
        "groups": rows,
    }


def _provenance(value: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    return str(value)


def totals_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """A totals table for ``--csv``: amounts as plain decimal text, plus the provenance as columns.

    ``policy``, ``rate_source`` (the source's name), ``rates_first`` and ``rates_last`` (its data range)
    and ``rates_sha256`` (of the rate file) repeat on every row, so each row of the file says how it was
    produced; ``--json`` gives the same once.
    """
    out = frame.copy()
    source = frame.attrs.get("source")
    out["policy"] = frame.attrs.get("policy")
    out["rate_source"] = source.name if source is not None else ""
    out["rates_first"] = source.first_date.isoformat() if source is not None else ""
    out["rates_last"] = source.last_date.isoformat() if source is not None else ""
    out["rates_sha256"] = (source.sha256 or "") if source is not None else ""
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _fmt_amount(value: Decimal, currency: str) -> str:
    from aidtrack.money import plain_amount

    return plain_amount(value, currency)


def _pledges(n: int) -> str:
    return f"{n} pledge" if n == 1 else f"{n} pledges"


def render_totals(frame: pd.DataFrame) -> str:
    extra = {
        "share_percent": f"share of {frame.attrs.get('share_of') or ''} (%)".replace(" ()", ""),
        "per_capita": f"per capita ({frame.attrs.get('currency', '')})",
    }
    keys = [c for c in frame.columns if c not in ("currency", "total", "count", "bound_count", "share", *extra)]
    shown = [c for c in extra if c in frame.columns]
    currency = frame.attrs.get("currency", "")
    headers = [*keys, f"total ({currency})", *(extra[c] for c in shown), "pledges", "of which bounds"]
    rows = [
        [
            *(str(row[k]) for k in keys),
            _fmt_amount(row["total"], currency),
            *(_fmt_amount(row[c], currency) if c == "per_capita" else str(row[c]) for c in shown),
            str(row["count"]),
            str(row["bound_count"]),
        ]
        for _, row in frame.iterrows()
    ]
    right = [False] * len(keys) + [True] * (1 + len(shown)) + [True, True]
    text = render_table(headers, rows, right)
    grand = frame.attrs.get("grand_total")
    if grand is not None:
        text += f"\n\nGrand total: {grand} ({_pledges(frame.attrs.get('count', 0))}"
        bounds = frame.attrs.get("bound_count", 0)
        text += f"; {bounds} only a floor or ceiling, so the total is not exact)" if bounds else ")"
    source = frame.attrs.get("source")
    if source is not None:
        text += (
            f"\nRates: {source.name}, fixings {source.first_date} to {source.last_date}; "
            f"policy {frame.attrs.get('policy')}"
        )
    if frame.attrs.get("prices") == "constant":
        text += f"\nPrices: constant {frame.attrs.get('base_year')} ({frame.attrs.get('deflator')} deflator)"
    if frame.attrs.get("denominators"):
        text += f"\nDenominators: year {frame.attrs.get('denominator_year')}; see --json for each figure's source"
    return text


# -- demo ---------------------------------------------------------------------
def _demo_parser(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="convert the bundled Ramstein 2025-01-09 example pledges to EUR and total them",
        description="The main job on the bundled data: convert example pledges, show the rates used, total by donor.",
    )
    p.add_argument("--to", default=None, help="target currency (default EUR)")
    p.add_argument("--file", help="a pledge file (.csv, .xlsx, .json, .parquet) to use instead of the bundled example")
    _add_common(p)
    p.set_defaults(run=_run_demo)


def render_conversions(pledges: Sequence[Pledge], conversions: Sequence[Conversion]) -> str:
    rows = []
    for p, c in zip(pledges, conversions, strict=True):
        dates = c.fixing_dates
        fixing = (
            "-"
            if not dates
            else dates[0].isoformat()
            if len(dates) == 1
            else f"mean of {len(dates)}, {dates[0]:%Y-%m-%d}..{dates[-1]:%Y-%m-%d}"
        )
        rows.append(
            [
                p.donor.name,
                p.announced.isoformat(),
                str(p.amount),
                p.qualifier.value.replace("_", " "),
                f"{c.rate:.6f}",
                fixing,
                _fmt_amount(c.result.amount, c.result.currency),
            ]
        )
    target = conversions[0].result.currency if conversions else ""
    headers = ["donor", "announced", "amount", "qualifier", f"rate ({target} per unit)", "fixing(s)", target]
    return render_table(headers, rows, [False, False, True, False, True, False, True])


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    from aidtrack.frames.aggregate import totals
    from aidtrack.pledge import convert_pledges
    from aidtrack.policy import as_policy, policy_name

    path = args.file if args.file is not None else example_path()
    pledges = _read(path)
    policy = as_policy(args.policy)
    if not pledges:
        raise InvalidArgumentError("--file", path, f"{path} holds no pledges: nothing to convert")
    conversions = convert_pledges(pledges, args.to, policy=policy, rounding=args.rounding)
    frame = totals(pledges, to=args.to, by="donor", policy=policy, rounding=args.rounding, sort="total")
    title = (
        "Pledges at the Ukraine Defense Contact Group, Ramstein, 2025-01-09" if args.file is None else safe_text(path)
    )
    out.write(f"aidtrack demo: {title}\n")
    out.write(f"Converted to {frame.attrs['currency']} under policy '{policy_name(policy)}'.\n\n")
    out.write(render_conversions(pledges, conversions) + "\n\n")
    out.write(f"Totals by donor ({frame.attrs['currency']})\n")
    out.write(render_totals(frame) + "\n")
    other = RatePolicy.MONTHLY_MEAN if policy != RatePolicy.MONTHLY_MEAN else RatePolicy.DAILY
    try:
        alt = totals(pledges, to=args.to, by=None, policy=other, rounding=args.rounding).attrs["grand_total"]
        label = (
            "the Kiel tracker's monthly mean of ECB fixings" if other is RatePolicy.MONTHLY_MEAN else "daily fixings"
        )
        out.write(f"\nUnder {label} ('{other.value}') the grand total would be {alt}.\n")
    except AidtrackError as exc:
        out.write(f"\n(policy '{other.value}' is not available for these dates: {one_line(str(exc))})\n")
    first = next((p for p in pledges if p.amount.currency != frame.attrs["currency"]), pledges[0])
    out.write(
        f"Try: aidtrack convert {format(first.amount.amount, 'f')} {first.amount.currency} "
        f"{frame.attrs['currency']} --on {first.announced.isoformat()} --policy {other.value}\n"
    )
    return 0


# -- entry point ----------------------------------------------------------------
SUBCOMMANDS: list[Callable[[Any], None]] = [
    _convert_parser,
    _totals_parser,
    _demo_parser,
    rates_parser,
    extract_parser,
    iati_parser,
    files_parser,
]
"""Functions that each add one subcommand to the parser (``sub.add_parser(...)``,
with ``set_defaults(run=fn)`` where ``fn(args, out) -> int``)."""


def _missing_path(filename: object) -> str:
    """The message for a missing file: its folder's name when the folder is what is missing."""
    from pathlib import Path

    name = safe_text(str(filename))
    folder = Path(str(filename)).parent
    if str(folder) not in ("", ".") and not folder.is_dir():
        return f"no such folder: {safe_text(str(folder))} (for {name}): create it first, or give another path"
    return f"no such file: {name}"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="aidtrack",
        description="Normalise aid pledges across currencies at historical ECB rates, with provenance.",
    )
    parser.add_argument("--version", action="version", version=f"aidtrack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 error, 2 usage). Every error is one line on stderr."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = next((a for a in argv if "\x00" in a), None)
    if bad is not None:  # only possible in-process: the OS cannot pass a NUL in a command line
        print(f"aidtrack: error: argument {bad[:40]!r} contains a NUL character", file=sys.stderr)
        return 2
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed, one line)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    stream = out if out is not None else sys.stdout
    if stream is None:  # started with standard output closed (`aidtrack ... >&-`): nowhere to write the result
        print(
            "aidtrack: error: standard output is closed: give the command somewhere to write, e.g. > out.txt",
            file=sys.stderr,
        )
        return 1
    try:
        with source_context(args):  # --source as the default source; aidtrack warnings as plain lines
            code: int = args.run(args, stream)
    except AidtrackError as exc:
        notes = [one_line(safe_text(str(n), lines=True)) for n in getattr(exc, "__notes__", [])]
        print(f"aidtrack: error: {'; '.join([one_line(safe_text(str(exc), lines=True)), *notes])}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `aidtrack totals ... | head`: stop quietly
        import os

        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except FileNotFoundError as exc:
        print(f"aidtrack: error: {_missing_path(exc.filename)}", file=sys.stderr)
        return 1
    except IsADirectoryError as exc:
        name = exc.filename2 if exc.filename2 is not None else exc.filename  # a rename names the target second
        print(f"aidtrack: error: {safe_text(str(name))} is a folder, not a file: give a file's path", file=sys.stderr)
        return 1
    except PermissionError as exc:
        name = exc.filename2 if exc.filename2 is not None else exc.filename
        print(
            f"aidtrack: error: permission denied: {safe_text(str(name))}: check the file's and its folder's "
            "permissions, or give another path",
            file=sys.stderr,
        )
        return 1
    except UnicodeEncodeError as exc:  # e.g. PYTHONIOENCODING=ascii and a donor named 'Düsseldorf'
        if exc.encoding.replace("-", "").lower() in ("utf8", "utf8sig"):  # not the output's encoding: a bug
            return _report_bug(exc)
        print(
            f"aidtrack: error: cannot write {exc.object[exc.start]!r} (U+{ord(exc.object[exc.start]):04X}) in the "
            f"output's encoding "
            f"{exc.encoding}: run with PYTHONIOENCODING=utf-8 (or a UTF-8 locale such as LANG=C.UTF-8)",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"aidtrack: error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("aidtrack: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, unless AIDTRACK_DEBUG asks for the traceback
        return _report_bug(exc)
    return code


def _report_bug(exc: Exception) -> int:
    """One line for an unexpected exception (re-raised under ``AIDTRACK_DEBUG`` for its traceback)."""
    import os

    if os.environ.get("AIDTRACK_DEBUG"):
        raise exc
    print(
        f"aidtrack: error: unexpected {type(exc).__name__}: {one_line(str(exc))} (this is a bug in aidtrack; "
        "please report it, with the traceback that AIDTRACK_DEBUG=1 shows)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
