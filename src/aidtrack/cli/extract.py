"""The ``aidtrack extract`` subcommand: candidate pledges from a news text.

``aidtrack extract ARTICLE --lang de --date 2025-01-09`` prints a table of the
candidates; ``--json`` gives every candidate with its evidence; ``--csv``
writes the clean candidates as a pledge CSV (the format of
:mod:`aidtrack.files.csvfile`), so that::

    aidtrack extract article.txt --lang en --date 2025-01-09 --csv | aidtrack totals - --to EUR

works. Candidates that are not clean pledges (no donor, an ambiguous
currency or numeral, a cumulative total) are never dropped silently: with
``--csv`` each is reported on stderr with its reason and sentence, and
``--strict`` makes the command fail (exit status 1, no CSV written) when
there is any. ``--currency CODE`` settles ambiguous symbols (``$``, ``kr``)
whose readings include CODE.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from aidtrack.errors import AidtrackError

if TYPE_CHECKING:
    from aidtrack.pledge import Pledge
    from aidtrack.text.extract import PledgeCandidate

__all__ = ["extract_parser", "run_extract"]


def extract_parser(sub: Any) -> None:
    """Add the ``extract`` subcommand."""
    p = sub.add_parser(
        "extract",
        help="find candidate pledges in a German or English news text",
        description="Read a news text and list the pledges it announces (donor, amount, qualifier, category, date), "
        "each with its sentence as evidence.",
    )
    p.add_argument("file", help="a UTF-8 text file; '-' reads stdin")
    p.add_argument("--lang", required=True, help="language of the text: de or en (or a locale such as de_CH)")
    p.add_argument(
        "--date",
        required=True,
        help="publication date, YYYY-MM-DD (the date of a pledge unless its sentence names another)",
    )
    p.add_argument(
        "--currency",
        default=None,
        metavar="CODE",
        help="settle ambiguous currency symbols ($, kr, dollars) as CODE where CODE is one of their readings",
    )
    p.add_argument("--url", default=None, help="URL of the article, stored as each pledge's source")
    p.add_argument(
        "--strict",
        action="store_true",
        help="with --csv: fail (exit 1, nothing written) if any candidate is not a clean pledge",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="every candidate with its evidence, as JSON")
    fmt.add_argument(
        "--csv", action="store_true", help="the clean candidates as a pledge CSV (for 'aidtrack totals -')"
    )
    p.set_defaults(run=run_extract)


def _read(path: str) -> str:
    from aidtrack.cli.inputs import read_input_text

    text = read_input_text(path)
    if path == "-" and not text.strip():
        from aidtrack.errors import InvalidArgumentError

        raise InvalidArgumentError(
            "file", "-", "nothing on stdin: pipe a news text into 'aidtrack extract -' or give a file name"
        )
    return text


def check_url(url: str) -> str:
    """``--url`` must be an absolute http(s) URL: it is stored as each pledge's source."""
    from urllib.parse import urlsplit

    from aidtrack.errors import InvalidArgumentError

    parts = urlsplit(url.strip()) if url.isprintable() else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or " " in url.strip():
        raise InvalidArgumentError(
            "--url", url, f"--url {url[:80]!r} is not an http(s) URL: give the article's address, e.g. https://..."
        )
    return url.strip()


def _export(candidate: PledgeCandidate, currency: str | None, url: str | None) -> tuple[Pledge | None, str | None]:
    """The candidate as a Pledge, or the reason it is not one."""
    issues = list(candidate.issues)
    use_currency = None
    if "ambiguous currency" in issues and currency is not None and currency in candidate.amount.candidates:
        issues.remove("ambiguous currency")
        use_currency = currency
    if issues:
        return None, ", ".join(issues)
    return candidate.to_pledge(currency=use_currency, source_url=url), None


def run_extract(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``aidtrack extract``."""
    from aidtrack.currency import normalize_currency
    from aidtrack.text.extract import extract_pledges

    text = _read(args.file)
    currency = normalize_currency(args.currency) if args.currency is not None else None
    if args.url is not None:
        check_url(args.url)
    candidates = extract_pledges(text, lang=args.lang, published=args.date)
    if args.json:
        data = {
            "file": args.file,
            "lang": args.lang,
            "published": args.date,
            "count": len(candidates),
            "complete": sum(c.complete for c in candidates),
            "candidates": [c.to_dict() for c in candidates],
        }
        from aidtrack.cli.render import dump_json

        dump_json(data, out)
        return 0
    if args.csv:
        return _run_csv(candidates, currency, args, out)
    out.write(render_candidates(candidates) + "\n")
    return 0


def _run_csv(candidates: list[PledgeCandidate], currency: str | None, args: argparse.Namespace, out: TextIO) -> int:
    from aidtrack.cli.render import safe_text
    from aidtrack.files.csvfile import write_pledges_csv

    pledges: list[Pledge] = []
    skipped: list[tuple[PledgeCandidate, str]] = []
    for c in candidates:
        try:
            pledge, reason = _export(c, currency, args.url)
        except AidtrackError as exc:  # e.g. a Pledge field the text got wrong
            pledge, reason = None, str(exc)
        if pledge is None:
            skipped.append((c, reason or "not a pledge"))
        else:
            pledges.append(pledge)
    for c, reason in skipped:
        print(
            safe_text(f"aidtrack extract: not exported ({reason}): {c.amount.text!r} in {c.sentence!r}"),
            file=sys.stderr,
        )
    if skipped and args.strict:
        print(
            f"aidtrack extract: --strict: {len(skipped)} candidate(s) are not clean pledges; nothing written",
            file=sys.stderr,
        )
        return 1
    import io

    from aidtrack.cli.render import safe_csv

    buffer = io.StringIO()
    write_pledges_csv(pledges, buffer)  # formula-guarded; control characters removed below
    out.write(safe_csv(buffer.getvalue()))
    if skipped:
        print(
            f"aidtrack extract: wrote {len(pledges)} pledge(s); {len(skipped)} candidate(s) not exported "
            "(settle them by hand, or use --currency for ambiguous symbols)",
            file=sys.stderr,
        )
    return 0


def _amount(value: Any, currency: str | None) -> str:
    from aidtrack.money import plain_amount

    return plain_amount(value, currency) if currency else format(value, ",f")


def render_candidates(candidates: list[PledgeCandidate]) -> str:
    """A plain-text table of candidates and their issues."""
    from aidtrack.cli.render import render_table

    if not candidates:
        return "No pledges found."
    rows = []
    for c in candidates:
        m = c.amount
        amount = f"{m.currency or '/'.join(m.candidates[:3]) + '?'} {_amount(m.amount, m.currency)}"
        if m.upper is not None:
            amount += f" to {_amount(m.upper, m.currency)}"
        rows.append(
            [
                c.donor or "-",
                c.country or "",
                amount,
                c.qualifier.value.replace("_", " "),
                c.category.value if c.category else "other",  # what the CSV (a Pledge) says too
                c.announced.isoformat(),
                f"{c.confidence:.2f}",
                ", ".join(c.issues) or "ok",
            ]
        )
    headers = ["donor", "country", "amount", "qualifier", "category", "announced", "confidence", "issues"]
    table = render_table(headers, rows, [False, False, True, False, False, False, True, False])
    clean = sum(c.complete for c in candidates)
    return f"{table}\n\n{len(candidates)} candidate(s), {clean} clean pledge(s). Evidence and notes: --json"
