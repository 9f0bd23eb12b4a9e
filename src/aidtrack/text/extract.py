"""Candidate pledges from German and English news text (pure functions).

:func:`extract_pledges` reads a text sentence by sentence and returns one
:class:`PledgeCandidate` per amount of money that a sentence pledges. Each
candidate carries its evidence (the sentence and the character spans of the
amount and the donor), what it could not settle (``issues``) and a
``confidence``. :meth:`PledgeCandidate.to_pledge` turns it into a
:class:`~aidtrack.pledge.Pledge`, refusing when the donor is missing or the
currency is ambiguous.

How a sentence is read (details in ``docs/extraction.md``):

* **Amounts** come from :func:`aidtrack.text.parsing.find_money`. Numbers without a
  currency (soldiers, percentages, years, distances, "1,2 Millionen Männer")
  are never amounts. An amount in brackets or after "umgerechnet"/"or about"
  is an *equivalent* of the amount before it; one after "davon"/"including"
  is a *part* of it. Neither becomes a candidate of its own; both are kept on
  the candidate.
* **A pledge** needs a pledging verb (zusagen, bereitstellen, pledge, provide
  ...), an aid noun (Hilfe, Paket, aid, package ...) or a list line
  ("United Kingdom: 50 million pounds."); other sentences with money
  (budgets, damage estimates) give nothing.
* **What the amount is** is read from its clause by
  :func:`aidtrack.text.clauses.read_amount`: a new pledge (also an increase
  *by* an amount), or a running total, a level (an increase *to* an amount),
  a part, an equivalent, a request, a budget line, a receipt, a need, money
  already paid out, an amount per person, a proposal or a comparison. The
  candidate's ``reading`` says which; every reading but ``"pledge"`` is an
  issue.
* **The donor** comes from :func:`aidtrack.text.donors.find_donors`:
  countries (names, aliases, genitives, possessives, list labels, adjectives
  before a government noun), governments by seat, office or body ("die
  Regierung in Stockholm", "das Auswärtige Amt", "der Bundesrat" in a Swiss
  text), office holders, and organisations with codes of their own (EU, EIB,
  WB, IMF, UN ...). Places, recipients, the aggressor ("der von Russland
  angegriffenen Ukraine"), countries inside an organisation's name and hosts
  are never donors; collective givers ("donors", "26 countries") mean no
  single donor. Nothing is invented: without a donor the candidate has
  ``donor=None`` and the issue ``"no donor"`` -- unless the previous sentence
  of the same paragraph names one, which then carries over with lower
  confidence and a note.
* **The currency** of ``$``, ``kr``, "dollars", ``Rs`` is the donor's own when
  it is one of the readings (a Canadian ``$`` is CAD), else a bare dollar is
  USD by the convention of international wire copy (Japan's "dollars"), else
  it stays ambiguous. The reasoning is in the notes. A number with a scale
  word and no currency ("einer weiteren Milliarde") takes the currency of the
  amount before it in the sentence or paragraph.
* **The category** comes from keywords near the amount (military,
  humanitarian, financial), **the date** from the sentence ("am 9. Januar",
  "on Monday", "yesterday") or else the published date.
* Invisible characters (soft hyphens, zero-width spaces) are ignored, and the
  time taken grows linearly with the text.

>>> from datetime import date
>>> cands = extract_pledges("Die Niederlande sagten Militärhilfe im Wert von über einer Milliarde Euro zu.",
...                         lang="de", published=date(2025, 1, 9))
>>> c, = cands
>>> c.donor, c.country, c.money, c.qualifier.value, c.category.value, c.complete
('Netherlands', 'NL', Money('1000000000', 'EUR'), 'at_least', 'military', True)
>>> c.to_pledge().donor
Donor(name='Netherlands', country='NL')
>>> c, = extract_pledges("Canada will provide $440 million in military assistance.", lang="en",
...                      published=date(2025, 1, 9))
>>> c.money, c.notes[0]
(Money('440000000', 'CAD'), "'$' read as CAD, the donor's own currency (Canada)")
>>> extract_pledges("Rund 1,2 Millionen Männer und 30 Prozent der Soldaten.", lang="de", published=date(2025, 1, 9))
[]
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from babel.numbers import get_territory_currencies

from aidtrack.errors import IncompletePledgeError, InvalidArgumentError
from aidtrack.pledge import Category, Qualifier
from aidtrack.text import _lexicon as lex
from aidtrack.text.clauses import NOT_NEW, AmountReading, Reading, read_amount
from aidtrack.text.donors import DonorMention, donor_code, find_collectives, find_donors
from aidtrack.text.parsing import (
    MoneyMatch,
    _alternation,
    _locale_id,
    _money_gate,
    _money_in_visible,
    _original_span,
    _remap_match,
    _scaled_numbers,
    _visible_text,
)

if TYPE_CHECKING:
    from aidtrack.money import Money
    from aidtrack.pledge import Pledge

__all__ = ["DonorMention", "PledgeCandidate", "extract_pledges", "split_sentences"]


@dataclass(frozen=True)
class PledgeCandidate:
    """One pledge read from text, with its evidence; see the module docstring.

    ``reading`` says what the amount is: ``"pledge"`` (a new commitment) or
    another reading of :mod:`aidtrack.text.clauses` (``"running_total"``,
    ``"level"``, ``"part"``, ``"need"`` ...). ``issues`` lists what keeps it
    from being a clean pledge: ``"no donor"``, ``"ambiguous currency"``,
    ``"ambiguous numeral"``, ``"not a positive amount"`` (``-500 million euros``,
    ``0 euros``), ``"cumulative total"`` and the other readings'
    issues. ``complete`` is true when there are none. ``confidence`` (0 to 1)
    starts at 1 and drops for each doubt (see ``docs/extraction.md``).
    ``donor_carried_over`` is true when the donor was named in the previous
    sentence of the paragraph, not in this one.
    """

    donor: str | None
    country: str | None
    amount: MoneyMatch
    qualifier: Qualifier
    category: Category | None
    announced: date
    sentence: str
    sentence_span: tuple[int, int]
    confidence: float
    donor_mention: DonorMention | None = None
    date_text: str | None = None
    period: tuple[date, date] | None = None
    cumulative: bool = False
    equivalents: tuple[MoneyMatch, ...] = ()
    parts: tuple[MoneyMatch, ...] = ()
    notes: tuple[str, ...] = ()
    recipient: str = "Ukraine"
    reading: Reading = "pledge"
    donor_carried_over: bool = False

    @property
    def donor_code(self) -> str | None:
        """The donor's code: ISO 3166 for a country, the organisation's own (``EU``, ``EIB``, ``WB``, ``IMF``)."""
        if self.donor is None:
            return None
        return donor_code(self.donor, self.country)

    @property
    def money(self) -> Money | None:
        """The amount as ``Money``, or ``None`` while its currency is ambiguous."""
        return self.amount.money if self.amount.currency is not None else None

    @property
    def span(self) -> tuple[int, int]:
        """Where the amount is in the text given to :func:`extract_pledges`."""
        return self.amount.span

    @property
    def ambiguous(self) -> bool:
        """True when the currency or the numeral could be read in more than one way."""
        return self.amount.ambiguous

    @property
    def issues(self) -> tuple[str, ...]:
        """What keeps this candidate from being a clean pledge (empty when it is one)."""
        out = []
        if self.donor is None:
            out.append("no donor")
        if self.amount.currency is None:
            out.append("ambiguous currency")
        elif self.amount.ambiguous:
            out.append("ambiguous numeral")
        if self.amount.amount <= 0:
            out.append("not a positive amount")
        if self.reading != "pledge":
            out.append(NOT_NEW[self.reading])
        return tuple(out)

    @property
    def complete(self) -> bool:
        """True when the candidate has a donor, one currency, a clear numeral and is a new pledge."""
        return not self.issues

    def to_pledge(
        self,
        *,
        donor: str | None = None,
        currency: str | None = None,
        category: Category | str | None = None,
        source_url: str | None = None,
    ) -> Pledge:
        """The candidate as a :class:`~aidtrack.pledge.Pledge`.

        ``donor`` and ``currency`` fill in what the text left open; without
        them a missing donor or an ambiguous currency raises
        :class:`~aidtrack.errors.IncompletePledgeError`. The pledge's notes
        quote the sentence.
        """
        from aidtrack.pledge import Pledge

        missing = []
        if donor is None and self.donor is None:
            missing.append("donor")
        match = self.amount
        if match.currency is None:
            if currency is None:
                missing.append("currency")
            else:
                match = match.resolve(currency)
        if missing:
            detail = (
                f"{match.currency_text!r} may be {', '.join(match.candidates[:6])}" if "currency" in missing else ""
            )
            raise IncompletePledgeError(self.sentence, missing, detail)
        data: dict[str, Any] = {
            "donor": {"name": donor} if donor is not None else {"name": self.donor, "country": self.country},
            "announced": self.announced,
            "amount": match.money,
            "qualifier": self.qualifier,
            "recipient": self.recipient,
            "notes": self._pledge_notes(match),
        }
        chosen = category if category is not None else self.category
        if chosen is not None:
            data["category"] = chosen
        if self.period is not None:
            data["period"] = {"start": self.period[0], "end": self.period[1]}
        if source_url is not None:
            data["source"] = {"url": source_url}
        return Pledge.model_validate(data)

    def _pledge_notes(self, match: MoneyMatch) -> str:
        notes = [f"from text: {self.sentence}"]
        if match.upper is not None:
            notes.append(f"range: {match.amount} to {match.upper} {match.currency}, the lower bound recorded")
        notes.extend(f"equivalent given: {e.text}" for e in self.equivalents)
        notes.extend(f"of which: {p.text}" for p in self.parts)
        return " | ".join(notes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (amounts as strings, dates ISO)."""

        def money_dict(m: MoneyMatch) -> dict[str, Any]:
            return {
                "text": m.text,
                "span": list(m.span),
                "amount": format(m.amount, "f"),
                "upper": format(m.upper, "f") if m.upper is not None else None,
                "currency": m.currency,
                "candidates": list(m.candidates),
                "qualifier": m.qualifier.value,
                "ambiguous": m.ambiguous,
                "notes": list(m.notes),
            }

        return {
            "donor": self.donor,
            "country": self.country,
            "donor_text": self.donor_mention.text if self.donor_mention else None,
            "donor_span": [self.donor_mention.start, self.donor_mention.end] if self.donor_mention else None,
            "amount": money_dict(self.amount),
            "qualifier": self.qualifier.value,
            "category": self.category.value if self.category else None,
            "announced": self.announced.isoformat(),
            "date_text": self.date_text,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()] if self.period else None,
            "sentence": self.sentence,
            "sentence_span": list(self.sentence_span),
            "confidence": self.confidence,
            "ambiguous": self.ambiguous,
            "cumulative": self.cumulative,
            "reading": self.reading,
            "donor_code": self.donor_code,
            "donor_carried_over": self.donor_carried_over,
            "issues": list(self.issues),
            "complete": self.complete,
            "equivalents": [money_dict(m) for m in self.equivalents],
            "parts": [money_dict(m) for m in self.parts],
            "notes": list(self.notes),
        }


# -- sentences -------------------------------------------------------------------------
# A "sentence" without a full stop (a pasted table, a list on one line) is cut into pieces of at most this many
# characters, at a semicolon, a comma or a space, so that the work per sentence stays bounded: extraction is
# linear in the length of the text whatever its punctuation.
_MAX_SENTENCE = 1000
# Whether extract_pledges skips sentences in which parsing._money_gate finds nothing (tests switch it off to compare).
_GATE = True
_SENTENCE_END = re.compile(r"[.!?]+[\"'»«“”’)\]]*(?=\s|$)")
_LINE = re.compile(r"[^\n]+")
_FOLLOWING = re.compile(r"\s*(\S?)")
_ORDINAL = re.compile(r"\d{1,2}")
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")
_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence (and of each line without a full stop).

    A full stop after an abbreviation (Mio., Mrd., Dr.), an ordinal (9. Januar)
    or an initial (U.S.) does not end a sentence. A piece of text longer than
    1,000 characters without a sentence end is cut at a semicolon, comma or
    space, so the time taken grows linearly with the text.

    >>> t = "Am 9. Januar sagte Kanada 440 Mio. Dollar zu. Die U.S. Army nicht."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Am 9. Januar sagte Kanada 440 Mio. Dollar zu.', 'Die U.S. Army nicht.']
    """
    return [(a, b) for a, b, _ in _sentences(text)]


def _sentences(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, paragraph)``: sentences, numbered by paragraph (a blank line starts a new one)."""
    spans: list[tuple[int, int, int]] = []
    paragraph = 0
    previous_line_end = 0
    blank = False
    ends, following_at, abbreviations = _SENTENCE_END.finditer, _FOLLOWING.match, lex.ABBREVIATIONS
    for line in _LINE.finditer(text):
        line_start, line_end = line.span()
        if not line.group(0).strip():
            blank = True
            continue
        if blank or text.count("\n", previous_line_end, line_start) > 1:
            paragraph += 1
        blank = False
        previous_line_end = line_end
        start = line_start
        for m in ends(text, line_start, line_end):
            end = m.end()
            following = following_at(text, end, line_end).group(1)  # type: ignore[union-attr]  # always matches
            if following and not (following.isupper() or following.isdigit() or following in "\"'„“«»(["):
                continue  # "... 5 Mio. Euro zu" : a lower-case word after the stop (tested first: cheaper)
            stop = m.start()
            if text[stop] == ".":
                window = text[max(start, stop - 40) : stop]
                # the last run of non-space characters that ends the window (none if it ends in a space)
                token = window.rsplit(None, 1)[-1].casefold() if window and not window[-1].isspace() else ""
                if (
                    token.rstrip(".") in abbreviations
                    or (len(token) <= 2 and _ORDINAL.fullmatch(token))
                    or (token[-1:] in _ASCII_LOWER and token[1:2] in ("", ".") and _INITIALS.fullmatch(token))
                ):
                    continue
            if end - start <= _MAX_SENTENCE:  # one piece (what _bounded does, inline: the usual case)
                piece = text[start:end]
                lead = len(piece) - len(piece.lstrip())
                if lead < len(piece):
                    spans.append((start + lead, start + len(piece.rstrip()), paragraph))
            else:
                spans.extend((a, b, paragraph) for a, b in _bounded(text, start, end))
            start = end
        spans.extend((a, b, paragraph) for a, b in _bounded(text, start, line_end))
    return spans


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` stripped, and cut into pieces of at most ``_MAX_SENTENCE`` characters."""
    if end - start <= _MAX_SENTENCE:  # the usual case: one piece, stripped (str.strip's spaces are isspace())
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        return [(start + lead, start + len(piece.rstrip()))] if lead < len(piece) else []
    out: list[tuple[int, int]] = []
    while start < end:
        cut = end
        if end - start > _MAX_SENTENCE:
            limit = start + _MAX_SENTENCE
            cut = -1
            for pattern in (r"[;|\t]\s*", r",\s+", r"(?<=[^\d\s.,])\s+(?=[A-ZÄÖÜ])", r"\s+"):
                for m in re.finditer(pattern, text[limit - 200 : limit]):
                    cut = limit - 200 + m.end()
                if cut > start:
                    break
            if cut <= start:
                cut = limit
        a, b = _strip(text, start, cut)
        if a < b:
            out.append((a, b))
        start = cut
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- sentence features ------------------------------------------------------------------------
@cache
def _cue(kind: str, lang: str) -> re.Pattern[str]:
    source = {
        "verb": lex.PLEDGE_VERBS,
        "noun": lex.AID_NOUNS,
        "cumulative": lex.CUMULATIVE,
        "part": lex.PART_WORDS,
        "equivalent": lex.EQUIVALENT_WORDS,
    }[kind][lang]
    return re.compile(rf"(?<![\w])(?:{source})", re.IGNORECASE)


@cache
def _category_patterns(lang: str) -> dict[Category, re.Pattern[str]]:
    return {
        Category(name): re.compile(rf"(?<![\w])(?:{pattern})", re.IGNORECASE)
        for name, pattern in lex.CATEGORIES[lang].items()
    }


def _categories(segment: str, lang: str) -> list[Category]:
    return [cat for cat, pat in _category_patterns(lang).items() if pat.search(segment)]


@cache
def _date_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """The day-month(-year), month-day(-year) and ISO date patterns of :func:`_sentence_date`, built once."""
    month_alt = "|".join(re.escape(m) for m in sorted(lex.MONTHS[lang], key=len, reverse=True))
    patterns = [
        rf"(?P<day>\d{{1,2}})\.?\s+(?P<month>{month_alt})(?:,?\s+(?P<year>\d{{4}}))?",
        rf"(?P<month>{month_alt})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?",
        r"(?P<iso>\d{4}-\d{2}-\d{2})",
    ]
    return tuple(re.compile(rf"(?<![\w.]){pattern}(?![\w])", re.IGNORECASE) for pattern in patterns)


def _sentence_date(sentence: str, lang: str, published: date) -> tuple[date, str | None, list[str]]:
    months = lex.MONTHS[lang]
    notes: list[str] = []
    for compiled in _date_patterns(lang):
        for m in compiled.finditer(sentence):
            try:
                if m.groupdict().get("iso"):
                    found = date.fromisoformat(m.group("iso"))
                else:
                    year = int(m.group("year")) if m.group("year") else published.year
                    found = date(year, months[m.group("month").casefold()], int(m.group("day")))
                    if not m.group("year") and found > published:
                        found = date(year - 1, found.month, found.day)
            except ValueError:
                continue
            if found > published:
                notes.append(f"{m.group(0)!r} is after the published date, so it is not the announcement date")
                continue
            return found, m.group(0), notes
    days = lex.WEEKDAYS[lang]
    rel = lex.RELATIVE_DAYS[lang]
    rel_match = _relative_day_pattern(lang).search(sentence)
    if rel_match is not None:
        word = rel_match.group("word").casefold()
        if word in rel:
            found = published + timedelta(days=rel[word])
        else:
            back = (published.weekday() - days[word]) % 7
            found = published - timedelta(days=back)
        notes.append(f"{rel_match.group(0)!r} read as {found.isoformat()} (relative to the published date)")
        return found, rel_match.group(0), notes
    return published, None, notes


@cache
def _relative_day_pattern(lang: str) -> re.Pattern[str]:
    """A weekday or a relative day ("am Montag", "yesterday") of :func:`_sentence_date`, built once."""
    alt = "|".join(sorted([*lex.WEEKDAYS[lang], *lex.RELATIVE_DAYS[lang]], key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:(?:am|on|last|letzten)\s+)?(?P<word>{alt})(?![\w])", re.IGNORECASE)


def _period(sentence: str, lang: str) -> tuple[tuple[date, date] | None, str | None]:
    for compiled in _period_patterns(lang):
        m = compiled.search(sentence)
        if m is not None:
            a = int(m.group("a"))
            b = int(m.group("b")) if m.groupdict().get("b") else a
            if b >= a:
                return (date(a, 1, 1), date(b, 12, 31)), m.group(0)
    return None, None


@cache
def _period_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """The year-range patterns of :func:`_period`, in the order they are tried, compiled once."""
    if lang == "de":
        patterns = [
            r"(?:von|zwischen)\s+(?P<a>(?:19|20)\d\d)\s+(?:bis|und)\s+(?P<b>(?:19|20)\d\d)",
            r"(?<!\d)(?P<a>(?:19|20)\d\d)\s*[-–]\s*(?P<b>(?:19|20)\d\d)(?!\d)",
            r"für\s+(?:das\s+Jahr\s+|die\s+Jahre\s+)?(?P<a>(?:19|20)\d\d)(?:\s+(?:bis|und)\s+(?P<b>(?:19|20)\d\d))?",
        ]
    else:
        patterns = [
            r"(?:from|between)\s+(?P<a>(?:19|20)\d\d)\s+(?:to|through|and|until)\s+(?P<b>(?:19|20)\d\d)",
            r"(?<!\d)(?P<a>(?:19|20)\d\d)\s*[-–]\s*(?P<b>(?:19|20)\d\d)(?!\d)",
            r"for\s+(?:the\s+years\s+)?(?P<a>(?:19|20)\d\d)\s+(?:to|through|until|and)\s+(?P<b>(?:19|20)\d\d)",
            r"for\s+(?:the\s+year\s+)?(?P<a>(?:19|20)\d\d)(?!\d)",
        ]
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


# -- extraction ---------------------------------------------------------------------------------
@dataclass
class _Amount:
    match: MoneyMatch
    role: str = "primary"  # primary, equivalent, part
    parent: int | None = None
    equivalents: list[MoneyMatch] = field(default_factory=list)
    parts: list[MoneyMatch] = field(default_factory=list)


def _check_lang(lang: object) -> str:
    if not isinstance(lang, str):
        raise InvalidArgumentError(
            "lang", lang, f"lang must be 'de' or 'en' (or a locale such as 'de_CH'), not {lang!r}"
        )
    norm = lang.strip().replace("-", "_")
    if norm.split("_")[0].casefold() not in ("de", "en"):
        raise InvalidArgumentError(
            "lang", lang, f"lang must be 'de' or 'en' (or a locale such as 'de_CH'), not {lang!r}"
        )
    return norm


def _check_published(published: object) -> date:
    from aidtrack._dates import parse_iso_date

    try:
        return parse_iso_date(published, what="published date")
    except ValueError as exc:
        raise InvalidArgumentError("published", published, str(exc)) from exc


_OPENING_BRACKET = re.compile(
    r"[(\[]\s*(?:(?:ca\.|rund|etwa|about|around|some|approx\.|über|mehr\s+als|knapp|US|U\.S\.)\s*)?$"
)
_STRONG_EQUIVALENT = re.compile(
    r"umgerechnet|entspricht|entsprechend|equivalent|exchange\s+rate|Wechselkurs", re.IGNORECASE
)


def _classify(amounts: list[_Amount], sentence: str, offset: int, lang: str) -> None:
    """Mark equivalents (in brackets, after "umgerechnet", "or about") and parts ("davon", "including")."""
    part_cue, equiv_cue, verb_cue = _cue("part", lang), _cue("equivalent", lang), _cue("verb", lang)
    last_primary: int | None = None
    in_parts = False
    for i, a in enumerate(amounts):
        prev = amounts[i - 1].match if i > 0 else None
        rel = a.match.start - offset
        if last_primary is None:
            opening = _OPENING_BRACKET.search(sentence, max(0, rel - 20), rel)
            if (
                prev is None
                and opening is not None
                and re.search(r"\w\s*$", sentence[max(0, opening.start() - 5) : opening.start()])
            ):
                # "1,5 Millionen Dollar (etwa 880.000 Euro)" with the first amount unread: the bracketed
                # equivalent never stands in for the pledge
                a.role = "equivalent"
                continue
            last_primary = i
            continue
        gap_start = prev.end - offset if prev is not None else 0
        gap = sentence[gap_start:rel]
        bracket = re.fullmatch(
            r"\s*[(\[]\s*(?:(?:ca\.|rund|etwa|about|around|some|approx\.|über|mehr\s+als|knapp)\s*)?", gap
        )
        if re.search(
            r",\s*(?:was|which\s+is|which\s+was|that\s+is|also|d\.\s*h\.)\s+(?:\S+\s+){0,2}$", gap
        ) and re.match(
            r"\s*(?:entspr\w*|equals?|is\s+equivalent)", sentence[a.match.end - offset : a.match.end - offset + 20]
        ):
            bracket = re.match("", "")  # ", was rund 101 Millionen Euro entspricht": an equivalent
        stripped = gap.strip(" ,;:–—-(\t")
        equivalent = (
            bracket is not None
            or (bool(stripped) and equiv_cue.fullmatch(stripped) is not None)
            or (len(gap) < 45 and _STRONG_EQUIVALENT.search(gap) is not None and not verb_cue.search(gap))
        )
        if equivalent:
            a.role, a.parent = "equivalent", last_primary
            amounts[last_primary].equivalents.append(a.match)
            continue
        if part_cue.search(gap) and len(gap) < 80:
            in_parts = True
        elif in_parts and verb_cue.search(gap):
            in_parts = False
        if in_parts:
            a.role, a.parent = "part", last_primary
            amounts[last_primary].parts.append(a.match)
            continue
        last_primary = i


def _segments(primaries: list[MoneyMatch], sentence: str, offset: int) -> list[tuple[int, int]]:
    """For each primary amount, the part of the sentence that belongs to it (relative offsets)."""
    splits = [0]
    for a, b in itertools.pairwise(primaries):
        gap_start, gap_end = a.end - offset, b.start - offset
        conj = re.search(r",|;|\b(?:und|and|sowie|plus|while|whereas|während)\b", sentence[gap_start:gap_end])
        splits.append(gap_start + conj.start() if conj else gap_start)
    splits.append(len(sentence))
    return [(splits[i], splits[i + 1]) for i in range(len(primaries))]


# -- the currency resolver --------------------------------------------------------------------------
def _own_currency(country: str | None) -> str | None:
    return _own_currency_of(country) if country else None


@cache
def _own_currency_of(country: str) -> str | None:
    try:
        found = get_territory_currencies(country.upper(), tender=True)
    except Exception:  # babel raises various errors for codes that are not territories
        return None
    return str(found[0]) if found else None


def _resolve_currency(match: MoneyMatch, donor: DonorMention | None) -> tuple[MoneyMatch, list[str]]:
    """Settle a shared symbol or name (``$``, "Dollar", ``kr``, ``Rs``) by the donor, with the reason.

    1. the donor's own currency when it is one of the readings: a Canadian or
       Australian government writing about its own aid means its own dollar,
       a Danish donor's "Kronen" are DKK;
    2. otherwise a bare ``$``/"dollars" is USD: the convention of international
       wire copy for a donor whose currency is not a dollar (Japan, Sweden, the
       UK, the EU, the World Bank);
    3. otherwise (no donor; ``kr`` or ``¥`` from a donor of another currency)
       the amount stays ambiguous: the convention does not decide.
    """
    if match.currency is not None or not match.candidates:
        return match, []
    written = match.currency_text
    if donor is None:
        return match, [f"{written!r} left open: no donor names its currency"]
    kept = tuple(n for n in match.notes if not n.startswith(f"{written!r} is ambiguous"))
    own = _own_currency(donor.country)
    if own is not None and own in match.candidates:
        note = f"{written!r} read as {own}, the donor's own currency ({donor.name})"
        return replace(match, currency=own, ambiguous=_numeral_doubt(match), notes=(*kept, note)), []
    if "USD" in match.candidates and match.candidates[0] == "USD":
        note = (
            f"{written!r} read as USD: in international wire copy a bare dollar from a donor whose currency is not "
            f"a dollar ({donor.name}) means the US dollar"
        )
        return replace(match, currency="USD", ambiguous=_numeral_doubt(match), notes=(*kept, note)), []
    return match, [f"{written!r} left open: {donor.name} does not use any of {', '.join(match.candidates[:6])}"]


def _numeral_doubt(match: MoneyMatch) -> bool:
    return any(n.startswith("numeral") for n in match.notes)


# -- amounts whose currency is written elsewhere ("15 billion", "einer weiteren Milliarde") ------------------
_BARE_FOLLOWERS = {
    "en": re.compile(
        r"^(?:\s*$|\s*[.,;:)\]\"'”’–—-]|\s+(?:a|an|the|from|to|for|in|into|this|next|each|every|annually|per|over|"
        r"until|by|and|or|more|worth|of\s+(?:it|this|that|the\s+(?:total|package|sum))|dollars'|is|was|will|would|"
        r"were|are|has|had|have|in\s+aid|in\s+funding|in\s+support)\b)"
    ),
    "de": re.compile(r"^(?:\s*$|\s*[.,;:)\]\"'“”«»–—-]|\s+[a-zäöüß])"),
}


@cache
def _big_scales(lang: str) -> re.Pattern[str]:
    """The scale words of a million or more, as :func:`aidtrack.text.parsing._scaled_numbers` reads them.

    Each scaled number holds one; :func:`re.finditer` finds every place such a word starts or overlaps
    one it found, so when all it finds lies inside amounts already read, every scaled number overlaps
    one of them. The pattern starts with the class of the words' first letters (both cases: m, b and t
    have no other case-insensitive equivalents), which the engine scans for in C.
    """
    words = [w for w, e in lex.SCALES[lang].items() if e >= 6]
    firsts = sorted({w[0] for w in words})
    if not set(firsts) <= set("mbt"):  # pragma: no cover - the lexicon's scale words start with m, b or t
        return re.compile(_alternation(words), re.IGNORECASE)
    branches = "|".join(rf"(?<=[{c}{c.upper()}])(?i:{_alternation(w[1:] for w in words if w[0] == c)})" for c in firsts)
    return re.compile(rf"[{''.join(firsts)}{''.join(firsts).upper()}](?:{branches})")


def _bare_amounts(
    sentence: str, offset: int, locale: str, lang: str, money: list[MoneyMatch], carried: MoneyMatch | None
) -> list[MoneyMatch]:
    """Scaled numbers without a currency, read in the currency of the amount before them (same or previous sentence)."""
    out: list[MoneyMatch] = []
    taken = [(m.start - offset, m.end - offset) for m in money]
    if _GATE and all(
        any(a <= w.start() and w.end() <= b for a, b in taken) for w in _big_scales(lang).finditer(sentence)
    ):
        # every scale word is inside an amount already read, so every scaled number overlaps one (skipped below)
        return out
    for n in _scaled_numbers(sentence, locale=locale):
        if any(n.start < e and s < n.end for s, e in taken):
            continue
        if not _BARE_FOLLOWERS[lang].match(sentence[n.end : n.end + 40]):
            continue  # "1,2 Millionen Männer", "25 million people": a count
        source = next((m for m in reversed(money) if m.end - offset <= n.start and m.currency), None)
        where = "earlier in the sentence"
        if source is None:
            source, where = next((m for m in money if m.start - offset >= n.end and m.currency), None), "later"
        if source is None:
            source, where = carried, "in the previous sentence"
        if source is None or source.currency is None:
            continue
        note = f"no currency written; {source.currency} taken from {source.text!r} {where}"
        out.append(
            replace(
                n,
                start=n.start + offset,
                end=n.end + offset,
                currency=source.currency,
                candidates=(source.currency,),
                currency_text=source.currency_text,
                ambiguous=False,
                notes=(note,),
            )
        )
    return out


# -- choosing the donor of an amount ----------------------------------------------------------------
_FROM = re.compile(r"^[^,;()]{0,30}?\b(?:from|by|von|vom|durch)\s+(?:the\s+|der\s+|dem\s+|den\s+)?$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\b(?:respectively|beziehungsweise|jeweils)\b", re.IGNORECASE)


def _choose_donor(
    match: MoneyMatch,
    index: int,
    primaries: list[MoneyMatch],
    donors: list[DonorMention],
    collectives: list[tuple[int, int]],
    text: str,
    segment: tuple[int, int],
) -> tuple[DonorMention | None, str | None]:
    """The donor of one amount, and how it was chosen (``None`` for the plain nearest-before rule)."""
    seg_end = segment[1]
    for d in donors:  # "1.1 billion euros from the EU's executive arm"
        if match.end <= d.start <= seg_end and _FROM.match(text[match.end : d.start]):
            return d, f"donor {d.name} named after the amount ({text[match.end : d.end].strip()!r})"
    if _RESPECTIVELY.search(text[match.end : seg_end + 200]) and len(primaries) > 1:
        first = primaries[0].start
        listed = [d for d in donors if d.end <= first]
        distinct = list(dict.fromkeys((d.name, d.country) for d in listed))
        if len(distinct) == len(primaries):
            name, country = distinct[index]
            d = next(d for d in listed if (d.name, d.country) == (name, country))
            return d, f"donor {d.name} paired with the amount by 'respectively' (position {index + 1})"
    before = [d for d in donors if d.end <= match.start]
    group = [c for c in collectives if c[1] <= match.start]
    if before:
        chosen = before[-1]
        if group and group[-1][0] >= chosen.end:
            return None, f"the givers are {text[group[-1][0] : group[-1][1]]!r}, not one donor"
        return chosen, None
    if group:
        return None, f"the givers are {text[group[-1][0] : group[-1][1]]!r}, not one donor"
    after = [d for d in donors if d.start >= match.end]
    later = [c for c in collectives if c[0] >= match.end]
    if later and (not after or later[0][0] < after[0].start):
        return None, f"the givers are {text[later[0][0] : later[0][1]]!r}, not one donor"
    return (after[0], None) if after else (None, None)


# -- extraction ---------------------------------------------------------------------------------
def extract_pledges(
    text: str,
    *,
    lang: str,
    published: date | str,
    recipient: str = "Ukraine",
) -> list[PledgeCandidate]:
    """Candidate pledges in ``text`` (German ``lang="de"`` or English ``"en"``), in text order.

    ``published`` is the article's date: a candidate's date unless its
    sentence names another. ``recipient`` is never taken for the donor.
    Spans index ``text``. Candidates with ``issues`` are returned too, never
    dropped: filter on :attr:`PledgeCandidate.complete` to keep clean ones.
    Invisible characters (soft hyphens, zero-width spaces) are ignored; the
    time taken grows linearly with the length of the text.
    """
    if not isinstance(text, str):
        raise InvalidArgumentError("text", text, f"text must be a str, not {type(text).__name__}")
    locale = _check_lang(lang)
    lang2 = locale.split("_")[0].casefold()
    territory = locale.split("_")[1].upper() if "_" in locale else None
    pub = _check_published(published)
    from aidtrack.pledge import country_code

    recipient_code = country_code(recipient)
    original = text
    text, kept = _visible_text(original)
    verb_cue, noun_cue = _cue("verb", lang2), _cue("noun", lang2)
    out: list[PledgeCandidate] = []
    previous: _Previous | None = None
    skipped: tuple[int, int, int] | None = None  # (start, end, paragraph) of a sentence the gate skipped last
    locale_id = _locale_id(locale)
    gate = _money_gate(locale_id) if _GATE else None
    for s_start, s_end, paragraph in _sentences(text):
        if gate is not None and not gate.holds(text[s_start:s_end]):  # no currency and no scale word: no amount
            skipped = (s_start, s_end, paragraph)
            continue
        sentence = text[s_start:s_end]
        if skipped is not None:  # the sentence before this one, as the next may carry its donor over
            previous = _Previous(skipped[2], text, skipped[0], skipped[1], lang2, recipient_code, territory)
            skipped = None
        context = previous if previous is not None and previous.paragraph == paragraph else None
        raw = [_signed(_shift(m, s_start), text) for m in _money_in_visible(sentence, locale_id)]
        carried_money = context.money if context is not None else None
        bare = _bare_amounts(sentence, s_start, locale, lang2, raw, carried_money) if _has_scale(sentence) else []
        shifted = sorted([*raw, *bare], key=lambda m: m.start)
        this = _Previous(paragraph, text, s_start, s_end, lang2, recipient_code, territory)
        if not shifted:
            previous = this
            continue
        donors = find_donors(
            sentence,
            lang=lang2,
            offset=s_start,
            blocked=[m.span for m in shifted],
            context=context.sentence if context is not None else "",
            recipient=recipient_code,
            territory=territory,
        )
        this.donors = donors
        list_line = _list_line(sentence, shifted[0].start - s_start, donors, s_start)
        strong = verb_cue.search(sentence) is not None or list_line
        weak = noun_cue.search(sentence) is not None
        amounts = [_Amount(m) for m in shifted]
        _classify(amounts, sentence, s_start, lang2)
        primaries = [a for a in amounts if a.role == "primary"]
        money_primaries = [a.match for a in primaries if a.match.currency is not None]
        this.money = money_primaries[-1] if money_primaries else (context.money if context else None)
        if not (strong or weak):
            previous = this
            continue
        collectives = find_collectives(sentence, lang=lang2, offset=s_start)
        segments = _segments([a.match for a in primaries], sentence, s_start)
        announced, date_text, date_notes = _sentence_date(sentence, lang2, pub)
        period, period_text = _period(sentence, lang2)
        chosen_donors: list[DonorMention | None] = []
        previous_reading = AmountReading("pledge")
        for i, (a, (seg_a, seg_b)) in enumerate(zip(primaries, segments, strict=True)):
            donor, how = _choose_donor(
                a.match, i, [p.match for p in primaries], donors, collectives, text, (s_start + seg_a, s_start + seg_b)
            )
            carried = False
            if donor is None and how is None and context is not None:
                donor = context.carry_over()
                carried = donor is not None
            chosen_donors.append(donor)
            reading = read_amount(
                sentence,
                a.match.start - s_start,
                a.match.end - s_start,
                lang=lang2,
                primaries=len(primaries),
                segment=(seg_a, seg_b),
                donor_named_after=how is not None and "named after the amount" in how,
            )
            if i > 0 and reading.reading == "pledge" and reading.cue is None:
                gap = text[primaries[i - 1].match.end : a.match.start]
                if previous_reading.reading != "pledge" and not verb_cue.search(gap):
                    # "had already pledged $68 million ..., plus another $49 million": the same kind of figure
                    reading = AmountReading(previous_reading.reading, previous_reading.cue, "as the amount before it")
            previous_reading = reading
            out.append(
                _candidate(
                    a,
                    sentence=sentence,
                    span=(s_start, s_end),
                    segment=sentence[seg_a:seg_b],
                    donor=donor,
                    donor_note=how,
                    carried=carried,
                    others=donors,
                    lang=lang2,
                    strong=strong,
                    reading=reading,
                    announced=announced,
                    date_text=date_text,
                    date_notes=date_notes,
                    period=period,
                    period_text=period_text,
                    recipient=recipient,
                )
            )
        this.chosen = next((d for d in reversed(chosen_donors) if d is not None), None)
        settled = [c.amount for c in out[len(out) - len(primaries) :] if c.amount.currency is not None]
        if settled:
            this.money = settled[-1]
        previous = this
    if kept is not None:
        out = [_remap_candidate(c, original, kept) for c in out]
    return out


class _Previous:
    """What the next sentence of the same paragraph may take over: the donor and the currency."""

    def __init__(
        self,
        paragraph: int,
        text: str,
        start: int,
        end: int,
        lang: str,
        recipient: str | None,
        territory: str | None,
    ) -> None:
        self.paragraph = paragraph
        self.sentence = text[start:end]
        self._text, self._start, self._lang = text, start, lang
        self._recipient, self._territory = recipient, territory
        self.donors: list[DonorMention] | None = None
        self.chosen: DonorMention | None = None
        self.money: MoneyMatch | None = None

    def carry_over(self) -> DonorMention | None:
        """The donor of this sentence, if it names exactly one (or one was chosen for its last amount)."""
        if self.chosen is not None:
            return self.chosen
        if self.donors is None:
            if len(self.sentence) > 2 * _MAX_SENTENCE:
                return None
            self.donors = find_donors(
                self.sentence, lang=self._lang, offset=self._start, recipient=self._recipient, territory=self._territory
            )
        distinct = {(d.name, d.country) for d in self.donors}
        return self.donors[-1] if len(distinct) == 1 else None


_SCALE_HINT = re.compile(r"(?i:mio|mrd|milliarde|million|billion|bn\b|mn\b|mln)")


def _has_scale(sentence: str) -> bool:
    return _SCALE_HINT.search(sentence) is not None


def _list_line(sentence: str, first_amount: int, donors: list[DonorMention], offset: int) -> bool:
    """A verbless list line: "United Kingdom: 50 million pounds ($78.8 million)." or "DENMARK: ..."."""
    head = sentence[:first_amount]
    colon = head.rfind(":")
    if colon < 0 or head[colon + 1 :].strip(" \t\u00a0–—-"):
        return False
    return any(d.end - offset <= colon and not sentence[d.end - offset : colon].strip() for d in donors)


def _signed(m: MoneyMatch, text: str) -> MoneyMatch:
    """The amount with the minus sign written right before it ("-500 million euros"): a negative amount, which the
    candidate reports as an issue, rather than the sign dropped."""
    i = m.start - 1
    if i < 0 or text[i] not in "-\u2212" or (i > 0 and (text[i - 1].isalnum() or text[i - 1] in "-\u2212")):
        return m
    return replace(
        m, text=text[i : m.end], start=i, amount=m.amount.copy_negate(), notes=(*m.notes, "a minus sign precedes it")
    )


def _shift(m: MoneyMatch, offset: int) -> MoneyMatch:
    return replace(m, start=m.start + offset, end=m.end + offset)


def _remap_candidate(c: PledgeCandidate, text: str, kept: list[int]) -> PledgeCandidate:
    """A candidate found in the visible text, with every span and text in the original ``text``."""
    a, b = _original_span(*c.sentence_span, kept)
    mention = c.donor_mention
    if mention is not None:
        ms, me = _original_span(mention.start, mention.end, kept)
        mention = replace(mention, start=ms, end=me, text=text[ms:me])
    return replace(
        c,
        amount=_remap_match(c.amount, text, kept),
        sentence=text[a:b],
        sentence_span=(a, b),
        donor_mention=mention,
        equivalents=tuple(_remap_match(m, text, kept) for m in c.equivalents),
        parts=tuple(_remap_match(m, text, kept) for m in c.parts),
    )


def _candidate(
    a: _Amount,
    *,
    sentence: str,
    span: tuple[int, int],
    segment: str,
    donor: DonorMention | None,
    donor_note: str | None,
    carried: bool,
    others: list[DonorMention],
    lang: str,
    strong: bool,
    reading: AmountReading,
    announced: date,
    date_text: str | None,
    date_notes: list[str],
    period: tuple[date, date] | None,
    period_text: str | None,
    recipient: str,
) -> PledgeCandidate:
    match = a.match
    notes: list[str] = []
    confidence = 1.0
    if donor_note is not None:
        notes.append(donor_note)
    if donor is None:
        notes.append("no donor named in the sentence")
        confidence -= 0.5
    elif carried:
        notes.append(f"donor {donor.name} carried over from the previous sentence ({donor.text!r})")
        confidence -= 0.25
    else:
        distinct = {(d.name, d.country) for d in others}
        if len(distinct) > 1 and donor_note is None:
            names = sorted({d.name for d in others if d.name != donor.name})
            notes.append(
                f"several donors named; took {donor.name} (nearest before the amount), also: {', '.join(names)}"
            )
            confidence -= 0.2
        if donor.kind in ("adjective", "seat", "office", "head", "label"):
            notes.append(f"donor {donor.name} read from {donor.text!r} ({donor.kind})")
            confidence -= 0.05 if donor.kind != "head" else 0.1
    match, currency_notes = _resolve_currency(match, donor)
    notes.extend(match.notes)
    notes.extend(currency_notes)
    if match.currency is None:
        confidence -= 0.3
    elif match.ambiguous:
        confidence -= 0.2
    if not match.currency_text and match.currency is not None:
        confidence -= 0.1
    if not strong:
        notes.append("no pledging verb in the sentence, only an aid noun")
        confidence -= 0.1
    if reading.reading != "pledge":
        notes.append(f"reads as {NOT_NEW[reading.reading]} ({reading.cue!r}), not a new pledge")
        confidence -= 0.4
    elif reading.note is not None:
        notes.append(f"{reading.note} ({reading.cue!r}): a new pledge of that amount")
    cats = _categories(segment, lang)
    category: Category | None = None
    if len(cats) == 1:
        category = cats[0]
    elif not cats:
        whole = _categories(sentence, lang)
        if len(whole) == 1:
            category = whole[0]
        elif len(whole) > 1:
            notes.append(f"several aid types named ({', '.join(c.value for c in whole)}); category left open")
    else:
        notes.append(f"several aid types named ({', '.join(c.value for c in cats)}); category left open")
    notes.extend(date_notes)
    if date_text is not None:
        notes.append(f"announced {announced.isoformat()} from {date_text!r}")
    if period_text is not None and period is not None:
        notes.append(f"period {period[0].isoformat()} to {period[1].isoformat()} from {period_text!r}")
    for e in a.equivalents:
        notes.append(f"{e.text!r} is an equivalent of the amount, not a separate pledge")
    for p in a.parts:
        notes.append(f"{p.text!r} is part of the amount, not a separate pledge")
    return PledgeCandidate(
        donor=donor.name if donor else None,
        country=donor.country if donor else None,
        amount=match,
        qualifier=match.qualifier,
        category=category,
        announced=announced,
        sentence=sentence,
        sentence_span=span,
        confidence=round(max(0.05, min(1.0, confidence)), 2),
        donor_mention=donor,
        date_text=date_text,
        period=period,
        cumulative=reading.reading == "running_total",
        equivalents=tuple(a.equivalents),
        parts=tuple(a.parts),
        notes=tuple(notes),
        recipient=recipient,
        reading=reading.reading,
        donor_carried_over=carried,
    )
