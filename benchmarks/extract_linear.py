"""Benchmark: extract_pledges on ordinary and dense news, its speed (CPU MB/s) and linearity (issues 13 and 17).

Run:  python benchmarks/extract_linear.py                         (linearity, then the news texts)
      python benchmarks/extract_linear.py --baseline OLD/src      (the news texts, this checkout against an
                                                                   older one, interleaved in the same run)
      python benchmarks/extract_linear.py --sizes 100e3,1e6

What it does:

1. **Ordinary news** (issue 17's target, at least 2 MB/s): whole articles from
   ``benchmarks/data/ordinary_news.jsonl``, English and German, about Ukraine
   (attacks, aid, winter, politics) and general news (budget debate, storms,
   floods), in which most sentences hold no amount of money. Government texts
   are kept verbatim, the others are reworded with their facts and numbers
   kept; each article names its source URL. The articles of a language are
   repeated until the text reaches ``--ordinary`` characters.
2. **Dense news**: the real published sentences of
   ``tests/data/news_corpus.jsonl`` (the extraction corpus of issue 13), one
   paragraph per sentence, twice over: every sentence reports a pledge, a total
   or another amount, the worst case for speed.
3. **Linearity** (issue 13): wire-style German paragraphs repeated to 100 KB,
   1 MB and 10 MB, and 1 MB without any full stop (amounts run together on one
   line, as a pasted table does: the case that was quadratic). The ratio of
   the time per MB to the time per MB at 100 KB must stay below 10.

Speed is CPU time (``time.process_time``): on a machine shared with other jobs
wall time is meaningless. With ``--baseline``, the news texts are extracted by
two worker processes, one importing this checkout's aidtrack and one importing
the older ``src`` directory given, taking turns run by run (median of
``--runs``), and the script checks that both return identical candidates
(a SHA-256 of every candidate's ``to_dict()``). There is no other library to
compare with: the alternative is aidtrack's own earlier version.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ORDINARY = Path(__file__).resolve().parent / "data" / "ordinary_news.jsonl"
CORPUS = ROOT / "tests" / "data" / "news_corpus.jsonl"
PUBLISHED = "2025-01-09"

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


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ordinary_text(lang: str, size: int) -> str:
    """The ordinary news articles in ``lang``, one paragraph apart, repeated to ``size`` characters."""
    one = "\n\n".join(r["text"] for r in _rows(ORDINARY) if r["lang"] == lang) + "\n\n"
    return (one * (size // len(one) + 1))[:size]


def dense_text(lang: str) -> str:
    """The real published sentences of the extraction corpus in ``lang``, one paragraph each, twice over."""
    return "\n\n".join(r["text"] for r in _rows(CORPUS) if r["lang"] == lang) * 2


def wire_text(size: int, *, full_stops: bool) -> str:
    if full_stops:
        return (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]
    parts, total, i = [], 0, 0
    while total < size:
        piece = NO_STOPS.format(i=i % 1000 + 1)
        parts.append(piece)
        total += len(piece)
        i += 1
    return "".join(parts)[:size]


def news_texts(ordinary: int) -> dict[str, tuple[str, str]]:
    """name -> (lang, text) of the news texts measured."""
    texts = {f"ordinary news, {lang}": (lang, ordinary_text(lang, ordinary)) for lang in ("en", "de")}
    if CORPUS.is_file():
        texts.update({f"dense corpus, {lang}": (lang, dense_text(lang)) for lang in ("en", "de")})
    return texts


def _extract_once(text: str, lang: str) -> tuple[float, int, str]:
    """CPU seconds of one extraction, the number of candidates and a digest of all of them."""
    from aidtrack import extract_pledges

    start = time.process_time()
    found = extract_pledges(text, lang=lang, published=PUBLISHED)
    cpu = time.process_time() - start
    digest = hashlib.sha256(json.dumps([c.to_dict() for c in found], sort_keys=True).encode()).hexdigest()
    return cpu, len(found), digest


def worker(ordinary: int) -> None:
    """Serve timing requests on stdin (one text name a line), answering with JSON on stdout."""
    import aidtrack

    texts = news_texts(ordinary)
    for lang in ("en", "de"):  # warm: compile the patterns before any run is timed
        _extract_once(PARAGRAPH + texts[f"ordinary news, {lang}"][1][:5000], lang)
    print(json.dumps({"ready": aidtrack.__file__}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if not name:
            break
        lang, text = texts[name]
        cpu, found, digest = _extract_once(text, lang)
        print(json.dumps({"cpu": cpu, "found": found, "digest": digest}), flush=True)


def _spawn(src: str | None, ordinary: int) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--worker", "--ordinary", str(ordinary)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    ready = json.loads(proc.stdout.readline())["ready"]
    return proc, ready


def _ask(proc: subprocess.Popen[str], name: str) -> dict[str, Any]:
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write(name + "\n")
    proc.stdin.flush()
    return dict(json.loads(proc.stdout.readline()))


def compare(baseline: str, runs: int, ordinary: int) -> None:
    """This checkout against ``baseline`` (an older ``src``), interleaved run by run, in CPU MB/s."""
    texts = news_texts(ordinary)
    after, after_file = _spawn(None, ordinary)
    before, before_file = _spawn(baseline, ordinary)
    print(f"before: {before_file}\nafter:  {after_file}\n")
    times: dict[tuple[str, str], list[float]] = {}
    answers: dict[tuple[str, str], dict[str, Any]] = {}
    try:
        for run in range(runs):
            for name in texts:
                order = [("before", before), ("after", after)]
                for label, proc in order if run % 2 == 0 else order[::-1]:
                    answer = _ask(proc, name)
                    times.setdefault((name, label), []).append(answer["cpu"])
                    answers[(name, label)] = answer
    finally:
        for proc in (before, after):
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait()
    print(f"CPU time, median of {runs} runs taking turns; MB/s = millions of characters per CPU second")
    header = f"{'text':<22} {'chars':>9} {'sentences w/ money':>19} {'before MB/s':>12} {'after MB/s':>11}"
    print(header + f" {'speed-up':>9} {'candidates':>11} {'identical':>10}")
    for name, (lang, text) in texts.items():
        b = statistics.median(times[(name, "before")])
        a = statistics.median(times[(name, "after")])
        same = answers[(name, "before")]["digest"] == answers[(name, "after")]["digest"]
        share = _money_share(text, lang)
        print(
            f"{name:<22} {len(text):>9,} {share:>18.0%} {len(text) / 1e6 / b:>12.3f} {len(text) / 1e6 / a:>11.3f} "
            f"{b / a:>8.2f}x {answers[(name, 'after')]['found']:>11,} {'yes' if same else 'NO':>10}"
        )


def _money_share(text: str, lang: str) -> float:
    """The share of sentences in which find_money reads an amount (how dense in money the text is)."""
    from aidtrack.text import find_money, split_sentences

    spans = split_sentences(text[:200_000])
    with_money = sum(1 for a, b in spans if find_money(text[a:b], locale=lang))
    return with_money / len(spans) if spans else 0.0


def _time(text: str, repeat: int, lang: str = "de") -> tuple[float, int, float]:
    """Best wall time of ``repeat`` runs, candidates, and the CPU time of that run."""
    from aidtrack import extract_pledges

    best, found, best_cpu = float("inf"), 0, float("nan")
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        found = len(extract_pledges(text, lang=lang, published=PUBLISHED))
        if time.perf_counter() - start < best:
            best, best_cpu = time.perf_counter() - start, time.process_time() - cpu
    return best, found, best_cpu


def linearity(sizes: list[int], no_stops: int, repeat: int, ordinary: int) -> None:
    from aidtrack import extract_pledges

    extract_pledges(PARAGRAPH, lang="de", published=PUBLISHED)  # warm the compiled patterns
    rows = []
    for size in sizes:
        seconds, found, cpu = _time(wire_text(size, full_stops=True), 1 if size >= 5_000_000 else repeat)
        rows.append((f"news-like {size / 1e6:g} MB", size, seconds, found, cpu))
    seconds, found, cpu = _time(wire_text(no_stops, full_stops=False), repeat if no_stops < 5_000_000 else 1)
    rows.append((f"no full stops {no_stops / 1e6:g} MB", no_stops, seconds, found, cpu))
    base = rows[0][2] / (rows[0][1] / 1e6)
    print(f"{'text':<24} {'size':>10} {'seconds':>9} {'MB/s':>7} {'CPU MB/s':>9} {'candidates':>11} {'s/MB ratio':>11}")
    for name, size, seconds, found, cpu in rows:
        per_mb = seconds / (size / 1e6)
        print(
            f"{name:<24} {size:>10,} {seconds:>9.3f} {size / 1e6 / seconds:>7.3f} {size / 1e6 / cpu:>9.3f} "
            f"{found:>11,} {per_mb / base:>11.2f}"
        )
    for name, (lang, text) in news_texts(ordinary).items():
        seconds, found, cpu = _time(text, repeat, lang)
        print(
            f"{name:<24} {len(text):>10,} {seconds:>9.3f} {len(text) / 1e6 / seconds:>7.3f} "
            f"{len(text) / 1e6 / cpu:>9.3f} {found:>11,}"
        )
    worst = max(seconds / (size / 1e6) / base for _, size, seconds, _, _ in rows[1:]) if len(rows) > 1 else 1.0
    verdict = "linear (every ratio < 10)" if worst < 10 else "NOT linear: a ratio is 10 or more"
    print(f"\nbaseline: {rows[0][0]} at {1 / base:.3f} MB/s; worst ratio {worst:.2f} -> {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="100e3,1e6,10e6", help="sizes of the wire-style text in characters")
    parser.add_argument("--no-stops", type=float, default=1e6, help="size of the text without full stops")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size below 10 MB (best is kept)")
    parser.add_argument("--ordinary", type=float, default=500e3, help="size of each ordinary news text")
    parser.add_argument("--baseline", help="an older checkout's src directory: compare the news texts with it")
    parser.add_argument("--runs", type=int, default=7, help="runs per text and version with --baseline")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    ordinary = int(float(args.ordinary))
    if args.worker:
        worker(ordinary)
    elif args.baseline:
        compare(args.baseline, args.runs, ordinary)
    else:
        sizes = [int(float(s)) for s in args.sizes.split(",")]
        linearity(sizes, int(args.no_stops), args.repeat, ordinary)


if __name__ == "__main__":
    main()
