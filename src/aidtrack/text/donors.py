"""The donor resolver: who gives, as named in a German or English news sentence (pure functions).

:func:`find_donors` returns every :class:`DonorMention` of a sentence that may
be the giver of an amount in it:

* **countries** by name (CLDR, English and German, with German genitives:
  *Deutschlands*), alias (*the US*, *die USA*, *Britain*), possessive
  (*Australia's donation*), list label in capitals (*DENMARK:*), compound
  (*US-Regierung*) and adjective before a government noun (*die dänische
  Regierung*, *die dänischen Behörden*, *the Danish government*);
* **governments by seat, office or body**: capitals (*Kopenhagen*, *die
  Regierung in Stockholm*), offices (*das Auswärtige Amt*, *the Foreign Office*,
  *the Biden administration*, *the Pentagon*), bodies whose country depends on
  the context (*der Bundesrat* and *der Bund* in a Swiss text, *the
  Commission* in an EU text) and office holders named alone (*Von der Leyen*,
  *Kanzler Olaf Scholz*);
* **organisations** with codes of their own, never ISO 3166 codes: the EU
  (``EU``, also *der Europäischen Union*), the EIB (``EIB``), the World Bank
  (``WB``), the IMF (``IMF``), the UN (``UN``), the EBRD, the ADB, the AIIB ...

What is *not* a donor: a name after a preposition (*in Berlin*, *gegen
Russland*, *to Sudan*; *von*, *by*, *from* name the giver), the recipient and
every country the sentence gives to, the aggressor (*der von Russland
angegriffenen Ukraine*, *since Russia invaded*), a country inside an
organisation's name (*New Zealand Red Cross*, *Aktion Deutschland Hilft*) and
the host or chair of a meeting (*organised by the European Union*).

>>> [(d.name, d.code, d.kind) for d in find_donors("Die Regierung in Stockholm sagte 5 Mrd. Kronen zu.", lang="de")]
[('Sweden', 'SE', 'seat')]
>>> [d.name for d in find_donors("Schweden hilft der von Russland angegriffenen Ukraine.", lang="de")]
['Sweden']
>>> [(d.name, d.code) for d in find_donors("The loan comes from the European Investment Bank.", lang="en")]
[('European Investment Bank', 'EIB')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeAlias

from babel import Locale

from aidtrack.text import _lexicon as lex

__all__ = ["DonorMention", "donor_code", "find_collectives", "find_donors"]

_ARTICLES = frozenset(["der", "die", "das", "den", "dem", "des", "the"])
_EXCLUDED_TERRITORIES = frozenset({"EZ", "UN", "QO", "XA", "XB", "ZZ"})
# A name after one of these (in a sentence that gives) is a receiver of aid, not only a place.
_RECIPIENT_PREPOSITIONS = frozenset(["to", "an", "zugunsten", "in", "into"])


@dataclass(frozen=True)
class DonorMention:
    """A donor named in a sentence: canonical name, ISO 3166 code (if a country), where, and how.

    ``kind`` says how it was named: ``"name"``, ``"alias"``, ``"label"``,
    ``"compound"``, ``"adjective"``, ``"seat"``, ``"office"``, ``"head"`` or
    ``"organisation"``. ``code`` is the ISO 3166 code of a country or the
    organisation's own code (``EU``, ``EIB``, ``WB``, ``IMF``, ``UN`` ...).
    """

    name: str
    country: str | None
    text: str
    start: int
    end: int
    kind: str
    code: str | None = None


def donor_code(name: str, country: str | None) -> str | None:
    """The code of a donor: its ISO 3166 code, or its organisation's code (``"World Bank"`` -> ``"WB"``).

    >>> donor_code("World Bank", None), donor_code("Norway", "NO"), donor_code("Red Cross", None)
    ('WB', 'NO', None)
    """
    if name in lex.ORGANISATION_CODES:
        return lex.ORGANISATION_CODES[name]
    return country


# -- tables -------------------------------------------------------------------------------------
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
def english_name(code: str) -> str:
    """The English name of a country code (``"NO"`` -> ``"Norway"``; ``"EU"`` -> ``"European Union"``)."""
    if code == "EU":
        return "European Union"
    return str(Locale("en").territories.get(code, code))


@cache
def _upper_names() -> dict[str, str]:
    """Country names in capitals, for list labels ("DENMARK:", "UNITED KINGDOM:")."""
    table = {**_territory_names(), **lex.COUNTRY_ALIASES}
    return {n.upper(): c for n, c in table.items() if n.split()[0] not in _ARTICLES}


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def _uncapital(name: str) -> str:
    return name[:1].lower() + name[1:]


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(set(words), key=lambda n: (-len(n), n)))


_Trie: TypeAlias = dict[str, "_Trie"]


def _trie_alternation(words: Sequence[str]) -> str:
    """The same language as :func:`_alternation`, as a trie: for case-sensitive patterns only.

    ``Aland|Albania|Algeria`` becomes ``Al(?:and|bania|geria)``: the regex
    engine tests one branch per next character instead of every word at every
    position (the names pattern has hundreds). Where several words match at a
    position they lie on one path of the trie, and the longer is tried first
    (a node's children before the word that ends there), which is the order
    of :func:`_alternation` (longest first), so the matches are the same. Words with two spaces in a
    row (none of the lexicon's) get the plain alternation.
    """
    if any("  " in word for word in words):
        # two spaces in a row are two \s+ tokens: the first, greedy, can take the whitespace the second
        # needs, and the trie would then prefer a shorter word than the plain alternation (" " over "  .")
        return _alternation(words)
    trie: _Trie = {}
    end = ""  # the key marking the end of a word (no token is empty)
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(r"\s+" if char == " " else re.escape(char), {})
        node[end] = {}

    def render(node: _Trie) -> str:
        branches = [token + render(child) for token, child in sorted(node.items()) if token != end]
        if end not in node:
            return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + "|".join(branches) + ")?" if branches else ""  # the longer words first, then this one

    return render(trie)


@dataclass(frozen=True)
class _Patterns:
    names: re.Pattern[str]
    compounds: re.Pattern[str]
    adjective: re.Pattern[str]
    offices: re.Pattern[str]
    heads: re.Pattern[str]
    label: re.Pattern[str]
    collectives: re.Pattern[str]
    aggression: re.Pattern[str]
    hosting: re.Pattern[str]
    org_tail: re.Pattern[str]
    org_head: re.Pattern[str]
    seat_government: re.Pattern[str]
    receiving: re.Pattern[str]
    hosting_after: re.Pattern[str]


@cache
def _patterns(lang: str) -> _Patterns:
    table = {**_territory_names(), **lex.COUNTRY_ALIASES, **lex.METONYMS, **dict.fromkeys(lex.ORGANISATIONS, "")}
    table.update({_capital(n): "" for n in list(table) if n.split()[0] in _ARTICLES})
    names = re.compile(rf"(?<![\w-])(?:{_trie_alternation(list(table))})(?![\w])")
    compounds = re.compile(rf"(?<![\w-])(?P<prefix>{'|'.join(lex.COMPOUND_PREFIXES)})-[A-ZÄÖÜ][\wäöüß]+")
    gov_nouns = [*lex.GOVERNMENT_NOUNS[lang], *(("Behörden", "Behörde") if lang == "de" else ("authorities",))]
    nouns = "|".join(re.escape(n) for n in sorted(gov_nouns, key=len, reverse=True))
    nouns += "|" + lex.AID_NOUNS[lang]
    if lang == "de":
        adjs = "|".join(sorted(lex.ADJECTIVES["de"], key=len, reverse=True))
        adjective = re.compile(rf"(?<![\w-])(?P<adj>(?i:{adjs}))(?:e[nrsm]?)?\s+(?:\S+\s+){{0,2}}?(?i:{nouns})\w*")
    else:
        adjs = "|".join(re.escape(a) for a in sorted(lex.ADJECTIVES["en"], key=len, reverse=True))
        adjective = re.compile(rf"(?<![\w-])(?P<adj>{adjs})\s+(?:\S+\s+){{0,2}}?(?i:{nouns})\b")
    offices = re.compile(rf"(?<![\w-])(?:{_trie_alternation(list(lex.OFFICES[lang]))})(?![\w-])")
    heads = re.compile(rf"(?<![\w-])(?:{_trie_alternation(list(lex.HEADS))})(?![\w-])")
    label = re.compile(rf"^\W*(?P<name>{_trie_alternation(list(_upper_names()))})\s*:")
    collectives = re.compile(rf"(?<![\w-])(?i:{lex.COLLECTIVES[lang]})")
    aggression = re.compile(rf"^[\s,’'s]*(?:\w+\s+){{0,3}}?(?i:{lex.AGGRESSION[lang]})")
    hosting = re.compile(
        rf"(?i:{lex.HOSTING[lang]})\s+(?:by|von)\s+(?:(?!(?:were|was|are|is|has|have|hat|sind|war)\b)[\w'’]+\s+){{0,4}}$"
    )
    hosting_after = re.compile(rf"^\s+(?i:{lex.HOSTING['de']})")
    org_tail = re.compile(rf"^\s+(?:{lex.ORGANISATION_TAILS})")
    org_head = re.compile(rf"(?:{lex.ORGANISATION_HEADS})\s+[„\"“]?$")
    seat_government = re.compile(r"(?i:Regierung|government|Führung|leadership|Behörden|authorities)\s+in\s+$")
    receiving = re.compile(
        r"(?:\b(?i:Unterstützung|Hilfe|Hilfen|Wiederaufbau\w*|Entwicklung|Menschen|Bevölkerung|Opfer|support|aid|"
        r"reconstruction|recovery|rebuilding|people|population|victims)\s+(?:des|der|von|of|in)?\s*(?:the\s+)?"
        r"|\bdem\s+)$"
    )
    return _Patterns(
        names, compounds, adjective, offices, heads, label, collectives, aggression, hosting, org_tail, org_head,
        seat_government, receiving, hosting_after,
    )  # fmt: skip


# -- finding -------------------------------------------------------------------------------------
def _preposition_before(sentence: str, start: int, lang: str) -> str | None:
    words: list[str] = [w.casefold() for w in re.findall(r"[\w.]+", sentence[max(0, start - 40) : start])[-2:]]
    if words and words[-1] in _ARTICLES:
        words = words[:-1]
    if words and words[-1] in lex.PREPOSITIONS[lang]:
        return words[-1]
    return None


def _classify_name(written: str) -> tuple[str, str | None, str]:
    """(name, country, kind) of a match of the names pattern."""
    if written in lex.ORGANISATIONS:
        name, country = lex.ORGANISATIONS[written]
        return name, country, "organisation"
    if written not in lex.METONYMS and _uncapital(written) in lex.ORGANISATIONS:
        name, country = lex.ORGANISATIONS[_uncapital(written)]
        return name, country, "organisation"
    if written in lex.METONYMS or _uncapital(written) in lex.METONYMS:
        code = lex.METONYMS[written] if written in lex.METONYMS else lex.METONYMS[_uncapital(written)]
        return english_name(code), code, "seat"
    if written in lex.COUNTRY_ALIASES or _uncapital(written) in lex.COUNTRY_ALIASES:
        code = lex.COUNTRY_ALIASES.get(written) or lex.COUNTRY_ALIASES[_uncapital(written)]
        return english_name(code), code, "alias"
    code = _territory_names()[written]
    return english_name(code), code, "name"


def _context_allows(code: str, sentence: str, context: str) -> bool:
    pattern = lex.OFFICE_CONTEXT.get(code)
    return pattern is not None and re.search(pattern, f"{context} {sentence}") is not None


def find_donors(
    sentence: str,
    *,
    lang: str,
    offset: int = 0,
    blocked: Sequence[tuple[int, int]] = (),
    context: str = "",
    recipient: str | None = "UA",
    territory: str | None = None,
) -> list[DonorMention]:
    """Every possible giver named in ``sentence``, in order (spans shifted by ``offset``).

    ``blocked`` spans (the amounts, in ``offset`` coordinates) hold no donor.
    ``context`` (the paragraph before the sentence) decides context-dependent
    bodies such as *der Bundesrat* (Swiss in a text about francs). ``recipient``
    (an ISO code) and every country the sentence gives *to* are never donors.
    ``territory`` (the locale's, e.g. ``"CH"`` for ``de_CH``) makes *der
    Bundesrat* Swiss without further context.
    """
    p = _patterns(lang)
    found: list[DonorMention] = []
    taken: list[tuple[int, int]] = [(s - offset, e - offset) for s, e in blocked]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(name: str, country: str | None, a: int, b: int, kind: str) -> None:
        found.append(
            DonorMention(name, country, sentence[a:b], offset + a, offset + b, kind, donor_code(name, country))
        )
        taken.append((a, b))

    receivers: set[str] = set()
    for m in p.label.finditer(sentence):
        code = _upper_names()[" ".join(m.group("name").split())]
        add(english_name(code), code, m.start("name"), m.end("name"), "label")
    for m in p.adjective.finditer(sentence):
        key = m.group("adj")
        adj_code = lex.ADJECTIVES[lang].get(key) or lex.ADJECTIVES[lang].get(key.casefold())
        if adj_code and free(m.start("adj"), m.end()):
            add(english_name(adj_code), adj_code, m.start(), m.end(), "adjective")
    for m in p.compounds.finditer(sentence):
        code = lex.COMPOUND_PREFIXES[m.group("prefix")]
        if free(m.start(), m.end()):
            add(english_name(code), code, m.start(), m.end(), "compound")
    for m in p.offices.finditer(sentence):
        written = " ".join(m.group(0).split())
        code = lex.OFFICES[lang][written]
        if code.startswith("@"):
            code = code[1:]
            if territory != code and not _context_allows(code, sentence, context):
                continue
        if free(m.start(), m.end()) and _preposition_before(sentence, m.start(), lang) is None:
            add(english_name(code), code, m.start(), m.end(), "office")
    for m in p.heads.finditer(sentence):
        code = lex.HEADS[m.group(0)]
        if free(m.start(), m.end()):
            add(english_name(code), code, m.start(), m.end(), "head")
    for m in p.names.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        name, country, kind = _classify_name(" ".join(m.group(0).split()))
        prep = _preposition_before(sentence, m.start(), lang)
        if prep in ("für", "for") and sentence[: m.start()].strip(" \t\"'„“«").casefold() == prep:
            prep = None  # "Für Deutschland kündigte ... an": on behalf of, at the start of the sentence
        if kind in ("name", "alias") and country and p.receiving.search(sentence[max(0, m.start() - 40) : m.start()]):
            receivers.add(country)  # "zur Unterstützung des Sudans", "dem Sudan", "the people of Türkiye"
            taken.append((m.start(), m.end()))
            continue
        if prep is not None:
            if (
                kind == "seat"
                and prep == "in"
                and p.seat_government.search(sentence[max(0, m.start() - 30) : m.start()])
            ):
                pass  # "die Regierung in Stockholm": the government itself
            else:
                if prep in _RECIPIENT_PREPOSITIONS and kind in ("name", "alias") and country:
                    receivers.add(country)
                taken.append((m.start(), m.end()))
                continue
        add(name, country, m.start(), m.end(), kind)
    keep = []
    for d in sorted(found, key=lambda d: d.start):
        a, b = d.start - offset, d.end - offset
        if d.country is not None and (d.country == recipient or d.country in receivers):
            continue
        if d.kind in ("name", "alias", "seat", "adjective", "label", "organisation") and _not_a_giver(
            sentence, a, b, p
        ):
            continue
        keep.append(d)
    return keep


def _not_a_giver(sentence: str, a: int, b: int, p: _Patterns) -> bool:
    after = sentence[b : b + 60]
    before = sentence[max(0, a - 40) : a]
    if p.org_tail.match(after) or p.org_head.search(before):
        return True  # "New Zealand Red Cross", "Aktion Deutschland Hilft"
    if p.hosting.search(before) or p.hosting_after.match(after):
        return True  # "organised by the European Union"
    # "der von Russland angegriffenen Ukraine", "since Russia invaded"
    return bool(p.aggression.match(after)) and not re.match(r"^\S*\s+(?:hat|has|will|wird|sagte|pledged)\b", after)


def find_collectives(sentence: str, *, lang: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of collective givers ("donors", "26 countries", "die Geberländer"): many givers, no single donor."""
    p = _patterns(lang)
    out = []
    for m in p.collectives.finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        words = [w.casefold() for w in re.findall(r"[\w.]+", before)[-4:]]
        if any(w in lex.PREPOSITIONS[lang] for w in words):
            continue  # "to Sudan and neighbouring countries": receivers
        if lang == "de" and m.group(0).startswith("der ") and re.search(r"[A-ZÄÖÜ]\w+\s+$", before):
            continue  # "die Vertretung der 27 Mitgliedsstaaten": a genitive, not the giver
        out.append((offset + m.start(), offset + m.end()))
    return out
