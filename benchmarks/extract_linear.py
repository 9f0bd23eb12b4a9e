"""Benchmark: extract_pledges stays linear in the length of the text (issue 13).

Run:  python benchmarks/extract_linear.py                 (100 KB, 1 MB, 10 MB, and 1 MB without full stops)
      python benchmarks/extract_linear.py --sizes 100e3,1e6

What it does:

1. Builds news-like German text by repeating a paragraph of wire-style
   sentences (pledges, running totals, breakdowns, numbers that are not money,
   equivalents in brackets) until it reaches each size; and 1 MB of text
   without any full stop: the same amounts run together on one line, as a
   pasted table does (the case that was quadratic: 2,000 amounts took ~15 s).
2. Times ``extract_pledges`` on each text (best of ``--repeat`` runs for the
   small ones, one run for 10 MB) and prints MB/s and the ratio of the time
   per MB to the time per MB at 100 KB.

The issue's target: the 10 MB article and the 1 MB text without full stops
each take under 10x the time per MB of the 100 KB text (ratio < 10); a
quadratic step shows as a ratio that grows with the size. There is no
alternative library to compare with: the baseline is aidtrack's own 100 KB
figure from the same run.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from aidtrack import extract_pledges

PARAGRAPH = (
    "Norwegen sagte der Ukraine am Montag weitere 2,5 Milliarden Kronen (rund 215 Mio. Euro) an Militärhilfe zu. "
    "Damit summiert sich die norwegische Hilfe seit Kriegsbeginn auf 75 Milliarden Kronen. "
    "Davon sollen 500 Millionen Kronen in die Luftverteidigung fließen. "
    "Die Bundesregierung stellt zusätzlich 60 Millionen Euro an humanitärer Hilfe bereit. "
    "Nach Angaben des Generalstabs wurden seit Oktober mehr als 1.200 Soldaten verwundet; "
    "rund 1,2 Millionen Menschen haben das Land verlassen. "
    "Japan will die von Russland angegriffene Ukraine mit weiteren 5,5 Milliarden Dollar unterstützen. "
    "Die Kosten für den Wiederaufbau werden auf 411 Milliarden Dollar geschätzt.\n\n"
)
NO_STOPS = "Kanada {i} Mio. Euro Hilfe, "


def _text(size: int, *, full_stops: bool) -> str:
    if full_stops:
        return (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]
    parts, total, i = [], 0, 0
    while total < size:
        piece = NO_STOPS.format(i=i % 1000 + 1)
        parts.append(piece)
        total += len(piece)
        i += 1
    return "".join(parts)[:size]


def _time(text: str, repeat: int, lang: str = "de") -> tuple[float, int, float]:
    """Best wall time of ``repeat`` runs, candidates, and the CPU time of that run (telling on a loaded machine)."""
    best, found, best_cpu = float("inf"), 0, float("nan")
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        found = len(extract_pledges(text, lang=lang, published="2025-01-09"))
        if time.perf_counter() - start < best:
            best, best_cpu = time.perf_counter() - start, time.process_time() - cpu
    return best, found, best_cpu


CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "news_corpus.jsonl"


def _corpus(lang: str) -> str:
    """The real published news of tests/data/news_corpus.jsonl in ``lang``, one paragraph per article."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return "\n\n".join(r["text"] for r in rows if r["lang"] == lang)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100e3,1e6,10e6", help="sizes of the news-like text in characters")
    parser.add_argument("--no-stops", type=float, default=1e6, help="size of the text without full stops")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size below 10 MB (best is kept)")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    extract_pledges(PARAGRAPH, lang="de", published="2025-01-09")  # warm the compiled patterns
    rows = []
    for size in sizes:
        seconds, found, cpu = _time(_text(size, full_stops=True), 1 if size >= 5_000_000 else args.repeat)
        rows.append((f"news-like {size / 1e6:g} MB", size, seconds, found, cpu))
    size = int(args.no_stops)
    seconds, found, cpu = _time(_text(size, full_stops=False), args.repeat if size < 5_000_000 else 1)
    rows.append((f"no full stops {size / 1e6:g} MB", size, seconds, found, cpu))
    base = rows[0][2] / (rows[0][1] / 1e6)
    print(f"{'text':<24} {'size':>10} {'seconds':>9} {'MB/s':>7} {'CPU MB/s':>9} {'candidates':>11} {'s/MB ratio':>11}")
    for name, size, seconds, found, cpu in rows:
        per_mb = seconds / (size / 1e6)
        print(
            f"{name:<24} {size:>10,} {seconds:>9.3f} {size / 1e6 / seconds:>7.3f} {size / 1e6 / cpu:>9.3f} "
            f"{found:>11,} {per_mb / base:>11.2f}"
        )
    if CORPUS.is_file():  # real published news (dense in amounts: every article reports a pledge)
        for lang in ("de", "en"):
            text = _corpus(lang)
            seconds, found, cpu = _time(text, args.repeat, lang)
            print(
                f"{'news corpus ' + lang:<24} {len(text):>10,} {seconds:>9.3f} {len(text) / 1e6 / seconds:>7.3f} "
                f"{len(text) / 1e6 / cpu:>9.3f} {found:>11,}"
            )
    worst = max(seconds / (size / 1e6) / base for _, size, seconds, _, _ in rows[1:]) if len(rows) > 1 else 1.0
    verdict = "linear (every ratio < 10)" if worst < 10 else "NOT linear: a ratio is 10 or more"
    print(f"\nbaseline: {rows[0][0]} at {1 / base:.3f} MB/s; worst ratio {worst:.2f} -> {verdict}")


if __name__ == "__main__":
    main()
