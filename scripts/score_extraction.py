"""Print how well aidtrack.extract_pledges does on the evaluation corpora.

Usage (from the repository root, with aidtrack installed)::

    python scripts/score_extraction.py                 # both corpora: overall, per language, per class
    python scripts/score_extraction.py --errors        # also every false positive / false negative
    python scripts/score_extraction.py --lang de --json out.json

The real-world corpus is tests/data/news_corpus.jsonl (annotation rules: docs/extraction-corpus.md); the
project's own sentences are tests/data/extract_corpus.json. Scoring is in tests/extraction_eval.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from extraction_eval import score  # noqa: E402

CORPORA = {
    "real-world (tests/data/news_corpus.jsonl)": ROOT / "tests" / "data" / "news_corpus.jsonl",
    "own sentences (tests/data/extract_corpus.json)": ROOT / "tests" / "data" / "extract_corpus.json",
}


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def _row(name: str, f: dict[str, Any]) -> str:
    return (
        f"{name:<28} {_fmt(f['precision']):>6} {_fmt(f['recall']):>6} {f['tp']:>5} {f['fp']:>5} {f['fn']:>5}"
        f" {f['sentences']:>5} {f['clean_sentences']:>6}"
    )


def _table(title: str, result: dict[str, Any]) -> str:
    head = f"{'':<28} {'P':>6} {'R':>6} {'TP':>5} {'FP':>5} {'FN':>5} {'sent':>5} {'clean':>6}"
    lines = [f"== {title}: {result['sentences']} sentences", head, _row("overall", result["overall"])]
    lines.append("-- per language")
    lines += [_row(k, v) for k, v in result["by_lang"].items()]
    lines.append("-- per source kind")
    lines += [_row(k, v) for k, v in result["by_source_kind"].items()]
    lines.append("-- per class (sentences carrying the tag)")
    lines += [_row(k, v) for k, v in result["by_class"].items()]
    return "\n".join(lines)


def _errors(result: dict[str, Any]) -> str:
    out = []
    for e in result["errors"]:
        got = e.get("predicted") or e.get("nearest")
        want = e.get("gold")
        out.append(f"{e['id']} {e['error']}: {e['text']}")
        if want:
            out.append(f"    gold: {want['donor']} ({want['donor_code']}) {want['amount']} {want['currency']} "
                       f"{want['qualifier']}")  # fmt: skip
        if got:
            out.append(f"    got:  {got['donor']} ({got['donor_code']}) {got['amount']} {got['currency']} "
                       f"{got['qualifier']} from {got['text']!r}")  # fmt: skip
        if e.get("differs_in"):
            out.append(f"    differs in: {', '.join(e['differs_in'])}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["de", "en"], help="only sentences in this language")
    parser.add_argument("--errors", action="store_true", help="list every false positive and false negative")
    parser.add_argument("--json", type=Path, help="also write the full results (with errors) to this file")
    args = parser.parse_args(argv)
    results = {}
    for title, path in CORPORA.items():
        result = score(path, lang=args.lang)
        results[title] = result
        print(_table(title, result))
        if args.errors:
            print(_errors(result))
        print()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
