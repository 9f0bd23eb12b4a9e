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
  ...) or an aid noun (Hilfe, Paket, aid, package ...) in the sentence;
  other sentences with money (budgets, damage estimates) give nothing.
* **The donor** is a country (CLDR territory names in English and German,
  aliases such as "die USA", "the UK", compounds such as "US-Regierung",
  adjectives before a government noun such as "die kanadische Regierung",
  seats of government such as "Washington") or an organisation (EU, World
  Bank, IMF ...). A name after a preposition ("in Berlin", "gegen Russland")
  is a place, and the recipient (Ukraine) is never the donor. Nothing is
  invented: without a donor the candidate has ``donor=None`` and the issue
  ``"no donor"``.
* **The currency** of ``$``, ``kr``, "dollars" is settled by the donor's
  country (a Canadian ``$`` is CAD) or left ambiguous.
* **The category** comes from keywords near the amount (military,
  humanitarian, financial), **the date** from the sentence ("am 9. Januar",
  "on Monday", "yesterday") or else the published date.
* **Cumulative totals** ("bringing its total support to ...", "bislang")
  are returned with the issue ``"cumulative total"``: they are not new pledges.

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
(Money('440000000', 'CAD'), "'$' read as CAD, the currency of CA (context)")
>>> extract_pledges("Rund 1,2 Millionen Männer und 30 Prozent der Soldaten.", lang="de", published=date(2025, 1, 9))
[]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from babel import Locale

from aidtrack.errors import IncompletePledgeError, InvalidArgumentError
from aidtrack.pledge import Category, Qualifier
from aidtrack.text import _lexicon as lex
from aidtrack.text.parsing import MoneyMatch, find_money

if TYPE_CHECKING:
    from aidtrack.money import Money
    from aidtrack.pledge import Pledge

__all__ = ["DonorMention", "PledgeCandidate", "extract_pledges", "split_sentences"]

_ARTICLES = frozenset(["der", "die", "das", "den", "dem", "des", "the"])
_EXCLUDED_TERRITORIES = frozenset({"EZ", "UN", "QO", "XA", "XB", "ZZ"})


@dataclass(frozen=True)
class DonorMention:
    """A donor named in a sentence: canonical name, ISO 3166 code (if a country), where, and how."""

    name: str
    country: str | None
    text: str
    start: int
    end: int
    kind: str  # "name", "alias", "compound", "adjective", "seat", "organisation"


@dataclass(frozen=True)
class PledgeCandidate:
    """One pledge read from text, with its evidence; see the module docstring.

    ``issues`` lists what keeps it from being a clean pledge: ``"no donor"``,
    ``"ambiguous currency"``, ``"ambiguous numeral"``, ``"cumulative total"``.
    ``complete`` is true when there are none. ``confidence`` (0 to 1) starts at
    1 and drops for each doubt (see ``docs/extraction.md``).
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
        if self.cumulative:
            out.append("cumulative total")
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
            "issues": list(self.issues),
            "complete": self.complete,
            "equivalents": [money_dict(m) for m in self.equivalents],
            "parts": [money_dict(m) for m in self.parts],
            "notes": list(self.notes),
        }


# -- sentences -------------------------------------------------------------------------
def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence (and of each line without a full stop).

    A full stop after an abbreviation (Mio., Mrd., Dr.), an ordinal (9. Januar)
    or an initial (U.S.) does not end a sentence.

    >>> t = "Am 9. Januar sagte Kanada 440 Mio. Dollar zu. Die U.S. Army nicht."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Am 9. Januar sagte Kanada 440 Mio. Dollar zu.', 'Die U.S. Army nicht.']
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in re.finditer(r"[.!?]+[\"'»«“”’)\]]*(?=\s+|$)", line.group(0)):
            end = line.start() + m.end()
            before = re.search(r"(\S+)$", text[start : line.start() + m.start()])
            token = before.group(1).casefold() if before else ""
            nxt = re.match(r"\s*(\S?)", text[end : line.end()])
            following = nxt.group(1) if nxt else ""
            if m.group(0).startswith(".") and (
                token.rstrip(".") in lex.ABBREVIATIONS
                or re.fullmatch(r"\d{1,2}", token)
                or re.fullmatch(r"(?:[a-z]\.)*[a-z]", token)
            ):
                continue
            if following and not (following.isupper() or following.isdigit() or following in "\"'„“«»(["):
                continue
            if text[start:end].strip():
                spans.append(_strip(text, start, end))
            start = end
        if text[start : line.end()].strip():
            spans.append(_strip(text, start, line.end()))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- donors ---------------------------------------------------------------------------------
@cache
def _territory_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in ("en", "de"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _EXCLUDED_TERRITORIES:
                names.setdefault(str(name), code)
                if lang == "de" and not str(name).endswith(("s", "x", "z", "ß")):
                    names.setdefault(f"{name}s", code)  # genitive: Deutschlands, Kanadas
    return names


@cache
def _english_name(code: str) -> str:
    return str(Locale("en").territories.get(code, code))


@cache
def _donor_patterns(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    table = {**_territory_names(), **lex.COUNTRY_ALIASES, **lex.METONYMS, **dict.fromkeys(lex.ORGANISATIONS, "")}
    table.update({_capital(n): "" for n in list(table) if n.split()[0] in _ARTICLES})
    alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(table, key=lambda n: (-len(n), n)))
    names = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w])")
    compounds = re.compile(rf"(?<![\w-])(?P<prefix>{'|'.join(lex.COMPOUND_PREFIXES)})-[A-ZÄÖÜ][\wäöüß]+")
    nouns = "|".join(re.escape(n) for n in sorted(lex.GOVERNMENT_NOUNS[lang], key=len, reverse=True))
    nouns += "|" + lex.AID_NOUNS[lang]
    if lang == "de":
        adjs = "|".join(sorted(lex.ADJECTIVES["de"], key=len, reverse=True))
        adjective = re.compile(
            rf"(?<![\w-])(?P<adj>(?i:{adjs}))(?:e[nrsm]?)?\s+(?:\S+\s+){{0,2}}?(?i:{nouns})\w*",
        )
    else:
        adjs = "|".join(re.escape(a) for a in sorted(lex.ADJECTIVES["en"], key=len, reverse=True))
        adjective = re.compile(rf"(?<![\w-])(?P<adj>{adjs})\s+(?:\S+\s+){{0,2}}?(?i:{nouns})\b")
    return names, compounds, adjective


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def _uncapital(name: str) -> str:
    return name[:1].lower() + name[1:]


def _preceded_by_preposition(sentence: str, start: int, lang: str) -> bool:
    words = re.findall(r"[\w.]+", sentence[:start])[-2:]
    words = [w.casefold() for w in words]
    if words and words[-1] in _ARTICLES:
        words = words[:-1]
    return bool(words) and words[-1] in lex.PREPOSITIONS[lang]


def _find_donors(sentence: str, offset: int, lang: str, blocked: Sequence[tuple[int, int]]) -> list[DonorMention]:
    names, compounds, adjective = _donor_patterns(lang)
    found: list[DonorMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s - offset or a >= e - offset for s, e in blocked) and all(
            b <= d.start - offset or a >= d.end - offset for d in found
        )

    for m in adjective.finditer(sentence):
        key = m.group("adj")
        code = lex.ADJECTIVES[lang].get(key) or lex.ADJECTIVES[lang].get(key.casefold())
        if code and free(m.start("adj"), m.end()):
            found.append(
                DonorMention(_english_name(code), code, m.group(0), offset + m.start(), offset + m.end(), "adjective")
            )
    for m in compounds.finditer(sentence):
        code = lex.COMPOUND_PREFIXES[m.group("prefix")]
        if free(m.start(), m.end()):
            name = "European Union" if code == "EU" else _english_name(code)
            found.append(DonorMention(name, code, m.group(0), offset + m.start(), offset + m.end(), "compound"))
    for m in names.finditer(sentence):
        written = " ".join(m.group(0).split())
        if not free(m.start(), m.end()):
            continue
        if written in lex.ORGANISATIONS:
            name, code = lex.ORGANISATIONS[written]
            kind = "organisation"
        elif written not in lex.METONYMS and _uncapital(written) in lex.ORGANISATIONS:
            name, code = lex.ORGANISATIONS[_uncapital(written)]
            kind = "organisation"
        elif written in lex.METONYMS or _uncapital(written) in lex.METONYMS:
            written = written if written in lex.METONYMS else _uncapital(written)
            code = lex.METONYMS[written]
            name = "European Union" if code == "EU" else _english_name(code)
            kind = "seat"
        elif written in lex.COUNTRY_ALIASES or _uncapital(written) in lex.COUNTRY_ALIASES:
            code = lex.COUNTRY_ALIASES.get(written) or lex.COUNTRY_ALIASES[_uncapital(written)]
            name, kind = _english_name(code), "alias"
        else:
            code = _territory_names()[written]
            name, kind = _english_name(code), "name"
        if _preceded_by_preposition(sentence, m.start(), lang):
            continue
        found.append(DonorMention(name, code, m.group(0), offset + m.start(), offset + m.end(), kind))
    return sorted(found, key=lambda d: d.start)


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


def _sentence_date(sentence: str, lang: str, published: date) -> tuple[date, str | None, list[str]]:
    months = lex.MONTHS[lang]
    month_alt = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    notes: list[str] = []
    patterns = [
        rf"(?P<day>\d{{1,2}})\.?\s+(?P<month>{month_alt})(?:,?\s+(?P<year>\d{{4}}))?",
        rf"(?P<month>{month_alt})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?",
        r"(?P<iso>\d{4}-\d{2}-\d{2})",
    ]
    for pattern in patterns:
        for m in re.finditer(rf"(?<![\w.]){pattern}(?![\w])", sentence, re.IGNORECASE):
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
    days = {**lex.WEEKDAYS[lang]}
    rel = lex.RELATIVE_DAYS[lang]
    alt = "|".join(sorted([*days, *rel], key=len, reverse=True))
    rel_match = re.search(rf"(?<![\w])(?:(?:am|on|last|letzten)\s+)?(?P<word>{alt})(?![\w])", sentence, re.IGNORECASE)
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


def _period(sentence: str, lang: str) -> tuple[tuple[date, date] | None, str | None]:
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
    for pattern in patterns:
        m = re.search(pattern, sentence, re.IGNORECASE)
        if m is not None:
            a = int(m.group("a"))
            b = int(m.group("b")) if m.groupdict().get("b") else a
            if b >= a:
                return (date(a, 1, 1), date(b, 12, 31)), m.group(0)
    return None, None


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


def _classify(amounts: list[_Amount], sentence: str, offset: int, lang: str) -> None:
    part_cue, equiv_cue, verb_cue = _cue("part", lang), _cue("equivalent", lang), _cue("verb", lang)
    last_primary: int | None = None
    in_parts = False
    for i, a in enumerate(amounts):
        if i == 0 or last_primary is None:
            last_primary = i
            continue
        prev = amounts[i - 1].match
        gap = sentence[prev.end - offset : a.match.start - offset]
        bracket = re.fullmatch(r"\s*[(\[]\s*", gap) is not None
        stripped = gap.strip(" ,;:–—-(\t")
        equivalent = bracket or (bool(stripped) and equiv_cue.fullmatch(stripped) is not None)
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
    """
    if not isinstance(text, str):
        raise InvalidArgumentError("text", text, f"text must be a str, not {type(text).__name__}")
    locale = _check_lang(lang)
    lang2 = locale.split("_")[0].casefold()
    pub = _check_published(published)
    from aidtrack.pledge import country_code

    recipient_code = country_code(recipient)
    verb_cue, noun_cue, cumulative_cue = _cue("verb", lang2), _cue("noun", lang2), _cue("cumulative", lang2)
    out: list[PledgeCandidate] = []
    for s_start, s_end in split_sentences(text):
        sentence = text[s_start:s_end]
        raw = find_money(sentence, locale=locale)
        if not raw:
            continue
        strong = verb_cue.search(sentence) is not None
        weak = noun_cue.search(sentence) is not None
        if not (strong or weak):
            continue
        shifted = [_shift(m, s_start) for m in raw]
        donors = [
            d
            for d in _find_donors(sentence, s_start, lang2, [m.span for m in shifted])
            if d.country is None or d.country != recipient_code
        ]
        amounts = [_Amount(m) for m in shifted]
        _classify(amounts, sentence, s_start, lang2)
        primaries = [a for a in amounts if a.role == "primary"]
        segments = _segments([a.match for a in primaries], sentence, s_start)
        announced, date_text, date_notes = _sentence_date(sentence, lang2, pub)
        period, period_text = _period(sentence, lang2)
        for a, (seg_a, seg_b) in zip(primaries, segments, strict=True):
            out.append(
                _candidate(
                    a,
                    sentence=sentence,
                    span=(s_start, s_end),
                    segment=sentence[seg_a:seg_b],
                    donors=donors,
                    lang=lang2,
                    locale=locale,
                    strong=strong,
                    cumulative=cumulative_cue.search(sentence[seg_a:seg_b]) is not None
                    or (len(primaries) == 1 and cumulative_cue.search(sentence) is not None),
                    announced=announced,
                    date_text=date_text,
                    date_notes=date_notes,
                    period=period,
                    period_text=period_text,
                    recipient=recipient,
                )
            )
    return out


def _shift(m: MoneyMatch, offset: int) -> MoneyMatch:
    from dataclasses import replace

    return replace(m, start=m.start + offset, end=m.end + offset)


def _candidate(
    a: _Amount,
    *,
    sentence: str,
    span: tuple[int, int],
    segment: str,
    donors: list[DonorMention],
    lang: str,
    locale: str,
    strong: bool,
    cumulative: bool,
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
    before = [d for d in donors if d.end <= match.start]
    after = [d for d in donors if d.start >= match.end]
    chosen = before[-1] if before else (after[0] if after else None)
    distinct = {(d.name, d.country) for d in donors}
    if chosen is None:
        notes.append("no donor named in the sentence")
        confidence -= 0.5
    else:
        if len(distinct) > 1:
            others = sorted({d.name for d in donors if d.name != chosen.name})
            notes.append(
                f"several donors named; took {chosen.name} (nearest before the amount), also: {', '.join(others)}"
            )
            confidence -= 0.2
        if chosen.kind in ("adjective", "seat"):
            notes.append(f"donor {chosen.name} read from {chosen.text!r}")
            confidence -= 0.05
    if match.currency is None and chosen is not None and chosen.country:
        resolved = find_money(sentence, locale=locale, countries=[chosen.country])
        for r in resolved:
            if r.start + span[0] == match.start and r.currency is not None:
                match = _shift(r, span[0])
                break
    if match.currency is None:
        confidence -= 0.3
    elif match.ambiguous:
        confidence -= 0.2
    notes.extend(match.notes)
    if not strong:
        notes.append("no pledging verb in the sentence, only an aid noun")
        confidence -= 0.1
    if cumulative:
        notes.append("reads as a cumulative total, not a new pledge")
        confidence -= 0.4
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
        donor=chosen.name if chosen else None,
        country=chosen.country if chosen else None,
        amount=match,
        qualifier=match.qualifier,
        category=category,
        announced=announced,
        sentence=sentence,
        sentence_span=span,
        confidence=round(max(0.05, min(1.0, confidence)), 2),
        donor_mention=chosen,
        date_text=date_text,
        period=period,
        cumulative=cumulative,
        equivalents=tuple(a.equivalents),
        parts=tuple(a.parts),
        notes=tuple(notes),
        recipient=recipient,
    )
