"""Scores :func:`aidtrack.extract_pledges` against an annotated corpus (a helper module, not a test file).

Two corpus formats are read:

* ``tests/data/news_corpus.jsonl`` - one JSON object a line, real published sentences annotated by the
  rules in ``docs/extraction-corpus.md`` (``pledges`` lists the new pledges of the sentence);
* ``tests/data/extract_corpus.json`` - the project's own sentences; its ``expected`` candidates without
  ``issues`` are the gold pledges.

A *predicted pledge* is a candidate the extractor offers as a clean new pledge: :attr:`complete` (a donor,
one currency, a clear numeral, not a cumulative total) and not marked as anything other than a new pledge
(an extractor that reads a clause as a total, a level, an equivalent, a part, a request, a receipt or a need
may say so on the candidate through ``cumulative`` or a ``reading``/``kind`` attribute). Candidates whose
amount lies in the ``context`` sentence prepended to the text are ignored.

A predicted pledge matches a gold pledge when donor, currency, amount (exactly, as a Decimal) and
qualifier all agree. The donor agrees when the codes agree (ISO 3166 code, or an organisation code such as
``EU``, ``EIB``, ``WB``, ``IMF``, ``UN``) or, failing a code, when the English names agree.

:func:`score` returns precision and recall overall, per language, per source kind and per class tag, and
every error (false positive or false negative) with the sentence id; ``scripts/score_extraction.py``
prints them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["GoldPledge", "Predicted", "Sentence", "load_corpus", "predicted_pledges", "score"]

# Organisation donors: the name the extractor gives -> the code the corpus uses.
ORGANISATION_CODES: dict[str, str] = {
    "european union": "EU",
    "european commission": "EU",
    "eu": "EU",
    "european investment bank": "EIB",
    "eib": "EIB",
    "european bank for reconstruction and development": "EBRD",
    "ebrd": "EBRD",
    "world bank": "WB",
    "international development association": "WB",
    "international monetary fund": "IMF",
    "imf": "IMF",
    "united nations": "UN",
    "asian development bank": "ADB",
    "nato": "NATO",
    "g7": "G7",
}

_QUALIFIERS = {
    "exact": "exact",
    "at_least": "at_least",
    "at_most": "at_most",
    "up_to": "at_most",
    "approximately": "approximately",
    "about": "approximately",
}

# Readings other than a new pledge that an extractor may put on a candidate.
_NOT_A_PLEDGE = frozenset(
    {"cumulative", "running_total", "total", "level", "raise_to", "equivalent", "part", "breakdown", "request",
     "receipt", "need", "appeal", "per_person", "budget", "disbursed"}
)  # fmt: skip


@dataclass(frozen=True)
class GoldPledge:
    """One annotated pledge."""

    donor: str
    donor_code: str | None
    amount: Decimal
    currency: str
    qualifier: str


@dataclass(frozen=True)
class Sentence:
    """One corpus sentence with its gold pledges."""

    id: str
    lang: str
    text: str
    published: str
    pledges: tuple[GoldPledge, ...]
    classes: tuple[str, ...] = ()
    context: str | None = None
    source_kind: str | None = None


@dataclass(frozen=True)
class Predicted:
    """A candidate the extractor offers as a clean new pledge, reduced to the compared fields."""

    donor: str | None
    donor_code: str | None
    amount: Decimal
    currency: str | None
    qualifier: str
    text: str


@dataclass
class _Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    sentences: int = 0
    clean: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn
        self.sentences += 1
        self.clean += fp == 0 and fn == 0

    def as_dict(self) -> dict[str, Any]:
        predicted, gold = self.tp + self.fp, self.tp + self.fn
        return {
            "precision": self.tp / predicted if predicted else None,
            "recall": self.tp / gold if gold else None,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "gold": gold,
            "predicted": predicted,
            "sentences": self.sentences,
            "clean_sentences": self.clean,
        }


@dataclass
class _Result:
    overall: _Tally = field(default_factory=_Tally)
    by_lang: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    by_kind: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    by_class: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    errors: list[dict[str, Any]] = field(default_factory=list)


def _code_for(name: str | None, code: str | None) -> str | None:
    if code:
        return code.upper()
    if name is None:
        return None
    return ORGANISATION_CODES.get(name.strip().casefold())


def _gold(entry: dict[str, Any]) -> GoldPledge:
    donor = entry["donor"]
    code = entry.get("donor_code", entry.get("country"))
    return GoldPledge(
        donor=donor,
        donor_code=_code_for(donor, code),
        amount=Decimal(entry["amount"]),
        currency=entry["currency"],
        qualifier=_QUALIFIERS[entry.get("qualifier", "exact")],
    )


def load_corpus(path: str | Path) -> list[Sentence]:
    """The sentences of a corpus file, in either format (see the module docstring)."""
    p = Path(path)
    out: list[Sentence] = []
    if p.suffix == ".jsonl":
        for line in p.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            out.append(
                Sentence(
                    id=row["id"],
                    lang=row["lang"],
                    text=row["text"],
                    published=row.get("published") or "2024-01-01",
                    pledges=tuple(_gold(g) for g in row["pledges"]),
                    classes=tuple(row.get("classes", ())),
                    context=row.get("context"),
                    source_kind=row.get("source_kind"),
                )
            )
        return out
    data = json.loads(p.read_text(encoding="utf-8"))
    default_published = data.get("published", "2024-01-01")
    for i, row in enumerate(data["sentences"], start=1):
        gold = tuple(_gold(e) for e in row["expected"] if not e.get("issues"))
        classes = ["non_pledge"] if not gold else []
        if any(e.get("issues") for e in row["expected"]):
            classes.append("flagged_candidate")
        out.append(
            Sentence(
                id=f"own-{i:04d}",
                lang=row["lang"],
                text=row["text"],
                published=row.get("published", default_published),
                pledges=gold,
                classes=tuple(classes),
                source_kind="own",
            )
        )
    return out


def _reading(candidate: Any) -> str | None:
    for attr in ("reading", "kind", "role"):
        value = getattr(candidate, attr, None)
        if value is not None:
            return str(getattr(value, "value", value)).casefold()
    return None


def predicted_pledges(sentence: Sentence) -> list[Predicted]:
    """Run the extractor on one sentence (with its context) and keep the candidates offered as new pledges."""
    from aidtrack import extract_pledges

    text, offset = sentence.text, 0
    if sentence.context:
        text = f"{sentence.context} {sentence.text}"
        offset = len(sentence.context) + 1
    out: list[Predicted] = []
    for c in extract_pledges(text, lang=sentence.lang, published=sentence.published):
        if c.span[0] < offset or not c.complete or getattr(c, "cumulative", False):
            continue
        if _reading(c) in _NOT_A_PLEDGE:
            continue
        code = getattr(c, "donor_code", None) or c.country
        out.append(
            Predicted(
                donor=c.donor,
                donor_code=_code_for(c.donor, code),
                amount=Decimal(c.amount.amount),
                currency=c.amount.currency,
                qualifier=_QUALIFIERS.get(str(c.qualifier.value), str(c.qualifier.value)),
                text=c.amount.text,
            )
        )
    return out


def _same_donor(g: GoldPledge, p: Predicted) -> bool:
    if g.donor_code is not None and p.donor_code is not None:
        return g.donor_code == p.donor_code
    return p.donor is not None and g.donor.casefold() == p.donor.casefold()


def _matches(g: GoldPledge, p: Predicted) -> bool:
    return _same_donor(g, p) and g.currency == p.currency and g.amount == p.amount and g.qualifier == p.qualifier


def _differences(g: GoldPledge, p: Predicted) -> list[str]:
    out = []
    if not _same_donor(g, p):
        out.append("donor")
    if g.currency != p.currency:
        out.append("currency")
    if g.amount != p.amount:
        out.append("amount")
    if g.qualifier != p.qualifier:
        out.append("qualifier")
    return out


def _gold_dict(g: GoldPledge) -> dict[str, Any]:
    return {
        "donor": g.donor,
        "donor_code": g.donor_code,
        "amount": format(g.amount, "f"),
        "currency": g.currency,
        "qualifier": g.qualifier,
    }


def _pred_dict(p: Predicted) -> dict[str, Any]:
    return {
        "donor": p.donor,
        "donor_code": p.donor_code,
        "amount": format(p.amount, "f"),
        "currency": p.currency,
        "qualifier": p.qualifier,
        "text": p.text,
    }


def _score_sentence(s: Sentence, result: _Result) -> None:
    predicted = predicted_pledges(s)
    unmatched_pred = list(predicted)
    unmatched_gold: list[GoldPledge] = []
    tp = 0
    for g in s.pledges:
        hit = next((p for p in unmatched_pred if _matches(g, p)), None)
        if hit is None:
            unmatched_gold.append(g)
        else:
            unmatched_pred.remove(hit)
            tp += 1
    fp, fn = len(unmatched_pred), len(unmatched_gold)
    # Pair the leftovers that share an amount, to say what differed.
    paired: dict[int, list[str]] = {}
    for g in unmatched_gold:
        near = next((p for p in unmatched_pred if p.amount == g.amount and id(p) not in paired), None)
        if near is not None:
            paired[id(near)] = _differences(g, near)
    for g in unmatched_gold:
        near = next((p for p in unmatched_pred if p.amount == g.amount), None)
        result.errors.append(
            {
                "id": s.id,
                "error": "false_negative",
                "gold": _gold_dict(g),
                "nearest": _pred_dict(near) if near is not None else None,
                "differs_in": _differences(g, near) if near is not None else None,
                "text": s.text,
            }
        )
    for p in unmatched_pred:
        result.errors.append(
            {
                "id": s.id,
                "error": "false_positive",
                "predicted": _pred_dict(p),
                "differs_in": paired.get(id(p)),
                "text": s.text,
            }
        )
    result.overall.add(tp, fp, fn)
    result.by_lang[s.lang].add(tp, fp, fn)
    result.by_kind[s.source_kind or "unknown"].add(tp, fp, fn)
    tags: Iterable[str] = s.classes or ("untagged",)
    for tag in tags:
        result.by_class[tag].add(tp, fp, fn)
    result.by_class["pledge_sentences" if s.pledges else "non_pledge_sentences"].add(tp, fp, fn)


def score(corpus_path: str | Path, lang: str | None = None) -> dict[str, Any]:
    """Precision and recall of ``extract_pledges`` on a corpus (only ``lang`` sentences when given).

    Returns ``{"corpus", "sentences", "overall", "by_lang", "by_source_kind", "by_class", "errors"}``;
    each figure block holds ``precision``, ``recall`` (``None`` when undefined: no predictions, or no
    gold pledges), ``tp``, ``fp``, ``fn``, ``gold``, ``predicted``, ``sentences`` and ``clean_sentences``.
    ``errors`` lists every false positive and false negative with the sentence id, the sentence, and for
    a near miss (same amount) which fields differed.
    """
    sentences = [s for s in load_corpus(corpus_path) if lang is None or s.lang == lang]
    result = _Result()
    for s in sentences:
        _score_sentence(s, result)
    return {
        "corpus": str(corpus_path),
        "sentences": len(sentences),
        "overall": result.overall.as_dict(),
        "by_lang": {k: v.as_dict() for k, v in sorted(result.by_lang.items())},
        "by_source_kind": {k: v.as_dict() for k, v in sorted(result.by_kind.items())},
        "by_class": {k: v.as_dict() for k, v in sorted(result.by_class.items())},
        "errors": result.errors,
    }
