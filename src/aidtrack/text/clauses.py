"""What an amount in a news sentence *is*: a new pledge, or a total, a level, a part ... (pure functions).

:func:`read_amount` reads the clause around an amount of money and returns
its :data:`Reading` with the words that decided it:

=================  ===============================================================  =====================
reading            the clause says ...                                              example
=================  ===============================================================  =====================
``pledge``         a new commitment (also an increase *by* an amount)               "um 18 Mio. Euro erhöhen"
``running_total``  everything given so far                                          "since the war began"
``level``          a new level after an increase *to* an amount                     "auf 2 Mrd. Euro erhöhen"
``part``           a share of a larger amount (a breakdown, a tranche)             "Of this sum, ..."
``equivalent``     the same money in another currency                               "Umgerechnet sind das"
``request``        a request for money                                              "beantragte ... Mittel"
``budget``         a budget line, not a commitment to a recipient                   "defence budget"
``receipt``        money the recipient has received                                 "hat ... erhalten"
``need``           a need, cost, damage or appeal                                   "will need $486 billion"
``disbursed``      money already paid out or spent                                  "has already given"
``per_person``     an amount per person                                             "200 euros per person"
``proposal``       an offer held out, not made                                      "in Aussicht gestellt"
``comparison``     the difference between two levels                                "up from £50 million"
=================  ===============================================================  =====================

The words are in ``aidtrack.text._lexicon.READINGS`` and ``RAISE_VERBS``.

>>> s = "Die dänische Regierung will die Hilfe um 630 Mio. Euro auf 2 Mrd. Euro erhöhen."
>>> read_amount(s, 41, 54, lang="de", primaries=2).reading, read_amount(s, 59, 70, lang="de", primaries=2).reading
('pledge', 'level')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from aidtrack.text import _lexicon as lex

__all__ = ["NOT_NEW", "AmountReading", "Reading", "clause_span", "read_amount"]

Reading = Literal[
    "pledge", "running_total", "level", "part", "equivalent", "request", "budget", "receipt", "need", "disbursed",
    "per_person", "proposal", "comparison",
]  # fmt: skip

NOT_NEW: dict[str, str] = {
    "running_total": "cumulative total",
    "level": "a level, not an amount added",
    "part": "part of another amount",
    "equivalent": "equivalent of another amount",
    "request": "a request, not a commitment",
    "budget": "a budget figure",
    "receipt": "money received",
    "need": "a need or appeal",
    "disbursed": "money already paid out",
    "per_person": "an amount per person",
    "proposal": "a proposal, not a commitment",
    "comparison": "a difference between two levels",
}
"""The issue each reading other than ``pledge`` puts on a candidate."""

# The clause ends at a comma or semicolon followed by a space, a colon, a dash between spaces or a bracket.
_BOUNDARY = re.compile(r"[,;]\s|:\s|\s[-–—]\s|[()\[\]]")
_RELATIVE = re.compile(r"^\s*(?:der|die|das|dem|den|deren|dessen|which|that|who|whose)\b")


@dataclass(frozen=True)
class AmountReading:
    """The reading of one amount and the words (``cue``) that decided it (``None`` for a plain pledge)."""

    reading: Reading
    cue: str | None = None
    note: str | None = None


@cache
def _compiled(lang: str) -> dict[str, re.Pattern[str]]:
    table = {k: re.compile(v, re.IGNORECASE if not k.endswith("_case") else 0) for k, v in lex.READINGS[lang].items()}
    table["part_prefix"] = re.compile(r"\bsplit\b|\bas\s+follows\b|\baufgeteilt\b|\bwie\s+folgt\b", re.IGNORECASE)
    table["raise"] = re.compile(rf"(?<![\w])(?:{lex.RAISE_VERBS[lang]})", re.IGNORECASE)
    return table


def clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause of ``sentence`` around ``sentence[start:end]`` (sentence-relative offsets).

    >>> s = "Denmark gave $114 million, bringing its total to $417 million."
    >>> a, b = clause_span(s, 49, 61); s[a:b]
    'bringing its total to $417 million.'
    """
    left = 0
    for m in _BOUNDARY.finditer(sentence, max(0, start - 300), start):
        left = m.end()
    nxt = _BOUNDARY.search(sentence, end, min(len(sentence), end + 300))
    right = nxt.start() if nxt else len(sentence)
    return left, right


def _lead_in(sentence: str, clause_start: int) -> str:
    """The sentence's first clause when the amount is in a later one ("Of this sum, ...", "Since 2022, ...")."""
    first = _BOUNDARY.search(sentence, 0, clause_start)
    return sentence[: first.start()] if first is not None and clause_start > 0 else ""


def read_amount(
    sentence: str,
    start: int,
    end: int,
    *,
    lang: str,
    primaries: int = 1,
    segment: tuple[int, int] | None = None,
    donor_named_after: bool = False,
) -> AmountReading:
    """What ``sentence[start:end]`` (an amount of money) is; see the module docstring.

    ``primaries`` is the number of amounts in the sentence that are not
    equivalents or parts: with one, the whole sentence is the amount's context
    for a running total ("Since Russia invaded, ... $10 billion"); with more,
    only its ``segment`` (sentence-relative) and the sentence's lead-in are.
    ``donor_named_after`` (the giver named after the amount: "1.1 billion
    euros from the EIB") makes a share of a larger sum that giver's pledge.
    """
    pats = _compiled(lang)
    c_start, c_end = clause_span(sentence, start, end)
    if _RELATIVE.match(sentence, c_start) and c_start > 0:
        c_start = clause_span(sentence, max(0, c_start - 3), max(0, c_start - 2))[0]  # "..., der ... vorsieht"
    clause = sentence[c_start:c_end]
    before = sentence[c_start:start]
    after = sentence[end:c_end]
    lead = _lead_in(sentence, c_start)
    raise_verb = pats["raise"].search(clause)

    m = pats["per_person_after"].search(after)
    if m:
        return AmountReading("per_person", m.group(0).strip())
    m = pats["raise_by_before"].search(before)
    if m and raise_verb:
        return AmountReading("pledge", f"{m.group(0).strip()} ... {raise_verb.group(0)}", "an increase by an amount")
    m = pats["level_before"].search(before)
    if m and raise_verb and (m.group(0).strip().casefold() not in ("von", "from") or _to_follows(after, lang)):
        total = pats["running_total"].search(clause)
        if total:  # "brings total US military aid since 2022 to $65 billion": the level is a running total
            return AmountReading("running_total", total.group(0).strip())
        return AmountReading("level", f"{raise_verb.group(0)} ... {m.group(0).strip()}")
    for reading, texts in (
        ("equivalent", (clause, lead)),
        ("budget", (clause, lead)),
        ("part_before", (before, lead)),
        ("part", (clause,)),
        ("part_prefix", (sentence[:start],)),
    ):
        for text in texts:
            m = pats[reading].search(text)
            if m:
                if reading == "part_before" and donor_named_after:
                    break
                found = "part" if reading.startswith("part") else reading
                return AmountReading(found, m.group(0).strip())  # type: ignore[arg-type]
    if primaries == 1:
        scope = sentence
    elif segment is not None:
        scope = sentence[segment[0] : segment[1]] + " " + lead
    else:
        scope = clause + " " + lead
    m = pats["running_total"].search(scope)
    if m:
        return AmountReading("running_total", m.group(0).strip())
    for reading in ("disbursed", "receipt", "need", "request", "proposal", "comparison"):
        m = pats[reading].search(clause)
        if m:
            return AmountReading(reading, m.group(0).strip())  # type: ignore[arg-type]
    return AmountReading("pledge")


def _to_follows(after: str, lang: str) -> bool:
    return re.search(r"\bauf\b" if lang == "de" else r"\bto\b", after) is not None
