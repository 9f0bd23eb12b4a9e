"""``aidtrack convert-file`` and the options every file-reading command shares.

``aidtrack convert-file IN --to EUR -o OUT`` reads a pledge file in any format
:func:`aidtrack.files.read_pledges` reads and writes every row with its converted
amount, rate, fixing date(s), policy and rate source to ``OUT`` (CSV, Excel, JSON or
Parquet by its suffix; :func:`aidtrack.files.formats.convert_file`). A summary with the
rate source goes to standard output.

:func:`add_read_arguments` adds the reading options to a subcommand (``convert-file``,
``totals``): ``--column HEADER=COLUMN`` (repeated), ``--delimiter``, ``--decimal``,
``--sheet``, ``--date-format``, ``--errors {raise,coerce}`` and ``--strict``;
:func:`read_options` turns them into keyword arguments; :func:`report_problems` prints a
coerced file's bad rows on standard error and gives the exit status (1 under ``--strict``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from aidtrack.errors import InvalidArgumentError, RowProblem

__all__ = ["add_read_arguments", "files_parser", "read_options", "report_problems", "run_convert_file"]

_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def add_read_arguments(p: argparse.ArgumentParser) -> None:
    """Add the options for reading other people's files (see the module docs)."""
    g = p.add_argument_group("reading the file")
    g.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="HEADER=COLUMN",
        help="map a header of the file to an aidtrack column, e.g. --column Geber=donor (repeat for each; "
        "HEADER= with nothing after '=' ignores the column)",
    )
    g.add_argument(
        "--delimiter",
        default=None,
        help="CSV field delimiter: a character, or tab, comma, semicolon, pipe (default: detected)",
    )
    g.add_argument(
        "--decimal",
        choices=[",", "."],
        default=None,
        metavar="SEP",
        help="decimal separator of the amounts: ',' or '.' (default: detected)",
    )
    g.add_argument("--sheet", default=None, help="Excel sheet to read (default: 'Pledges', else the first)")
    g.add_argument(
        "--date-format",
        default=None,
        metavar="FORMAT",
        help="strptime format of the dates, e.g. %%d.%%m.%%Y (default: YYYY-MM-DD)",
    )
    g.add_argument(
        "--errors",
        choices=["raise", "coerce"],
        default="raise",
        help="raise (default): any bad row fails the command; coerce: go on without the bad rows and "
        "list them on stderr",
    )
    g.add_argument("--strict", action="store_true", help="with --errors coerce: exit 1 if any row had a problem")


def parse_columns(items: Sequence[str]) -> dict[str, str | None] | None:
    """``["Geber=donor", "Notiz="]`` as ``{"Geber": "donor", "Notiz": None}`` (``None`` if empty)."""
    mapping: dict[str, str | None] = {}
    for item in items:
        header, sep, column = item.rpartition("=")
        if not sep or not header.strip():
            raise InvalidArgumentError(
                "--column", item, f"--column takes HEADER=COLUMN (e.g. Geber=donor), got {item!r}"
            )
        mapping[header.strip()] = column.strip() or None
    return mapping or None


def read_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`aidtrack.files.read_pledges` that the options give."""
    delimiter = args.delimiter
    if delimiter is not None:
        delimiter = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    return {
        "columns": parse_columns(args.column),
        "sheet": args.sheet,
        "delimiter": delimiter,
        "decimal": args.decimal,
        "date_format": args.date_format,
        "errors": args.errors,
    }


def report_problems(command: str, problems: Sequence[RowProblem | str], total: int, args: argparse.Namespace) -> int:
    """Print each problem on stderr (control characters made visible); 1 under ``--strict`` if any, else 0."""
    from aidtrack.cli.render import safe_text

    for problem in problems:
        print(f"aidtrack {command}: problem: {safe_text(str(problem))}", file=sys.stderr)
    if problems:
        print(
            f"aidtrack {command}: {len(problems)} of {total} row(s) left out (listed above)"
            + ("; --strict: exit status 1" if args.strict else ""),
            file=sys.stderr,
        )
        return 1 if args.strict else 0
    return 0


def files_parser(sub: Any) -> None:
    """Add the ``convert-file`` subcommand."""
    from aidtrack.cli.rates import add_source_arguments
    from aidtrack.policy import RatePolicy

    p = sub.add_parser(
        "convert-file",
        help="convert every row of a pledge file and write it with its rate, fixing date(s), policy and source",
        description="Read a pledge file (CSV, Excel, JSON or Parquet), convert every row at the rate of its date, "
        "and write every row with its converted amount, rate, fixing date(s), policy and rate source to OUT "
        "(CSV, Excel, JSON or Parquet by its suffix).",
    )
    p.add_argument("file", help="the pledge file (.csv, .xlsx, .json, .parquet); '-' reads CSV from stdin")
    p.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the file to write (.csv, .xlsx, .json, .parquet)"
    )
    p.add_argument("--to", default="EUR", help="target currency (default EUR)")
    p.add_argument(
        "--policy",
        default="daily",
        help="rate policy: "
        + ", ".join(x.value for x in RatePolicy)
        + ", or a date YYYY-MM-DD (every amount at that date's rate); default: daily",
    )
    p.add_argument(
        "--rounding", default="half_even", choices=["half_even", "half_up"], help="rounding mode (default half_even)"
    )
    add_source_arguments(p)  # --source, --rates-base, --offline
    add_read_arguments(p)
    p.set_defaults(run=run_convert_file)


def run_convert_file(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``aidtrack convert-file``."""
    from aidtrack.cli.render import safe_text
    from aidtrack.files.formats import convert_file

    source: Any = args.file
    if args.file == "-":  # decoded like every other input: UTF-8, a BOM dropped, closed stdin read as empty
        import io

        from aidtrack.cli.inputs import read_input_text

        source = io.StringIO(read_input_text("-"), newline="")
        source.name = "<stdin>"
    result = convert_file(
        source, args.output, args.to, policy=args.policy, rounding=args.rounding, **read_options(args)
    )
    meta = result.frame.attrs.get("aidtrack", {})
    info = result.source
    line = f"Wrote {len(result.frame)} row(s) to {safe_text(args.output)}: {result.converted} converted"
    line += f" to {meta.get('to')}"
    line += f", policy {meta.get('policy')}, rounding {meta.get('rounding')}."
    out.write(line + "\n")
    if info is not None:
        sha = f", SHA-256 {info.sha256}" if getattr(info, "sha256", None) else ""
        out.write(f"Rates: {info.name}, fixings {info.first_date} to {info.last_date}{sha}.\n")
    return report_problems("convert-file", result.problems, len(result.frame), args)
