"""The fast paths of extraction (issue 17) change nothing: prefilter, sentence gate, folded gate, splitter.

extract_pledges skips sentences in which ``parsing._money_gate`` finds neither a currency nor a scale word,
and find_money skips texts in which its prefilter finds no currency. Both are promises that a skipped text
holds no amount; these properties check them on random text built from the pieces amounts are made of, and
check that extraction with the fast paths switched off (the previous, slow path) gives the same candidates
on random mixes of real corpus sentences and ordinary sentences.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aidtrack import extract_pledges
from aidtrack.text import _lexicon as lex
from aidtrack.text import extract, parsing
from aidtrack.text.parsing import _money_gate, _scaled_numbers, _syntax, find_money

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "tests" / "data" / "news_corpus.jsonl"
LOCALES = ["de", "en", "de_CH", "en_CA"]

# Pieces of amounts and of the words around them, with look-alikes: letters that glue to a currency, the
# characters re.IGNORECASE equates with others (ſ, ı, İ, the Kelvin sign), codes in lower case ...
_PIECES = [
    "5", "22", "1.000", "2,5", "1’234", "440", "0", "€", "$", "US$", "C$", "£", "¥", "kr", "kr.", "Rs", "zł",
    "EUR", "USD", "CAD", "eur", "usd", "TRY", "Euro", "euro", "EURO", "Euros", "Dollar", "dollars", "US-Dollar",
    "Pfund", "Kronen", "kanadische Dollar", "Canadian dollars", "Franken", "yen", "Hrywnja", "Rand", "won",
    "Millionen", "Million", "Mio.", "Mio", "Mrd.", "Milliarde", "Milliarden", "bn", "m", "b", "k", "billion",
    "thousand", "Tausend", "ein", "eine", "einer", "zwei", "zehn", "dreißig", "anderthalb", "one", "two",
    "ten", "a", "an", "half", "zusätzliche", "weiteren", "additional", "über", "rund", "bis zu", "about",
    "more than", "Krieg", "Kreml", "years", "Soldaten", "Prozent", "Hilfe", "aid", "Kanada", "Canada",
    "ſ", "ı", "İ", "\u212a", "\u212b", "x", "Y", "_", "é", "ß",
]  # fmt: skip
_SEPARATORS = ["", " ", " ", "-", "\u00a0", "\u202f", ".", ",", "\n", "(", ")", "_", "/", "'"]


@st.composite
def _texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12))
    seps = draw(st.lists(st.sampled_from(_SEPARATORS), min_size=len(pieces), max_size=len(pieces)))
    return "".join(p + s for p, s in zip(pieces, seps, strict=True))


_ANY_TEXT = st.one_of(_texts(), st.text(alphabet="5€$kKrRsSıſİEeUuRrOoMmIi .,-\u00a0", max_size=30))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_ANY_TEXT, locale=st.sampled_from(LOCALES))
@example(text="5 MillionenEuro", locale="de")
@example(text="kreine Milliarde", locale="de")
@example(text="ſ5 EURO", locale="de")
@example(text="Rs109 million", locale="en")
def test_the_prefilter_passes_every_text_with_an_amount(text: str, locale: str) -> None:
    syntax = _syntax(parsing._locale_id(locale))
    assert syntax.prefilter is not None
    if syntax.pattern.search(text) is not None:
        assert parsing._ignoring_case(syntax.prefilter).search(text) is not None, text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_ANY_TEXT, locale=st.sampled_from(LOCALES))
@example(text="einer weiterenMilliarde", locale="de")
@example(text="zwei Millionen", locale="de")
@example(text="ıEURO", locale="en")
def test_the_sentence_gate_passes_every_sentence_with_an_amount_or_a_scaled_number(text: str, locale: str) -> None:
    locale_id = parsing._locale_id(locale)
    gate = _money_gate(locale_id)
    assert gate is not None
    if find_money(text, locale=locale) or _scaled_numbers(text, locale=locale):
        assert gate.holds(text), text
    # the folded (lower-cased, case-sensitive) test passes at least where the IGNORECASE pattern matches
    if gate._pattern.search(text) is not None:
        assert gate.holds(text), text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_ANY_TEXT, locale=st.sampled_from(LOCALES))
def test_the_amounts_extraction_reads_are_find_moneys(text: str, locale: str) -> None:
    """extract_pledges reads a sentence's amounts with _money_in_visible: find_money without its prefilter."""
    visible, _ = parsing._visible_text(text)
    assert parsing._money_in_visible(visible, parsing._locale_id(locale)) == find_money(visible, locale=locale)


def _folded_sources(locale: str) -> list[str]:
    """The literal word lists of the folded gate (see parsing._money_gate)."""
    syntax = _syntax(locale)
    lang = syntax.lang
    return [
        *(f.lower() for f in (*syntax.symbols, *syntax.names)),
        *(w.lower() for w in (*lex.SCALES[lang], *lex.SCALES_ATTACHED[lang])),
        re.sub(r"\(\?P<\w+>", "(?:", syntax.number),
        lex.SCALE_ADJECTIVES[lang],
    ]


def test_lower_case_agrees_with_ignorecase_on_every_code_point_but_the_special_ones() -> None:
    """Every character outside the gate's special set lowers to one character of the same kind, and
    matches a letter of the folded patterns under re.IGNORECASE exactly when its lower case is that letter."""
    for locale in ("de", "en"):
        gate = _money_gate(locale)
        assert gate is not None
        assert gate._special is not None
        every = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
        plain = gate._special.sub("", every)
        lowered = plain.lower()
        assert len(lowered) == len(plain)  # one character each: positions stay where they were
        for cls in (r"[^\W\d_]", r"\w", r"\d", r"\s"):
            assert [m.start() for m in re.finditer(cls, plain)] == [m.start() for m in re.finditer(cls, lowered)]
        letters = {ch for source in _folded_sources(locale) for ch in source if ch.isalpha()}
        for ch in sorted(letters):
            assert ch == ch.lower()
            ignoring = [m.start() for m in re.finditer(re.escape(ch), plain, re.IGNORECASE)]
            assert ignoring == [m.start() for m in re.finditer(re.escape(ch), lowered)], ch


# -- the sentence splitter: the same spans as before it was made faster --------------------------------------
def _previous_sentences(text: str) -> list[tuple[int, int, int]]:
    """extract._sentences as it was before issue 17 (a regex search for the last token, compiled in the loop)."""
    spans: list[tuple[int, int, int]] = []
    paragraph = 0
    previous_line_end = 0
    blank = False
    for line in re.finditer(r"[^\n]+", text):
        if not line.group(0).strip():
            blank = True
            continue
        if blank or text.count("\n", previous_line_end, line.start()) > 1:
            paragraph += 1
        blank = False
        previous_line_end = line.end()
        start = line.start()
        for m in extract._SENTENCE_END.finditer(text, line.start(), line.end()):
            end = m.end()
            window = text[max(start, m.start() - 40) : m.start()]
            before = re.search(r"(\S+)$", window)
            token = before.group(1).casefold() if before else ""
            nxt = re.compile(r"\s*(\S?)").match(text, end, line.end())
            following = nxt.group(1) if nxt else ""
            if m.group(0).startswith(".") and (
                token.rstrip(".") in lex.ABBREVIATIONS
                or re.fullmatch(r"\d{1,2}", token)
                or re.fullmatch(r"(?:[a-z]\.)*[a-z]", token)
            ):
                continue
            if following and not (following.isupper() or following.isdigit() or following in "\"'„“«»(["):
                continue
            spans.extend((a, b, paragraph) for a, b in extract._bounded(text, start, end))
            start = end
        spans.extend((a, b, paragraph) for a, b in extract._bounded(text, start, line.end()))
    return spans


_SPLIT_PIECES = st.sampled_from(
    ["Mio.", "Dr.", "9.", "U.S.", "a.", "Kanada", "zahlt", "euro", "Der", "5", "!", "?", ".", "..", "»", "“",
     ")", "(", "\n", "\n\n", "\n \n", " ", "  ", "\t", "\u2028", "\x1c", "\u00a0", "x" * 300, "ß", "İ"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(
        st.lists(_SPLIT_PIECES, max_size=30).map("".join),
        st.lists(_SPLIT_PIECES, max_size=30).map(" ".join),
        st.text(alphabet="ab .!?\n\t9A»(", max_size=60),
    )
)
def test_the_sentence_splitter_gives_the_spans_it_gave_before(text: str) -> None:
    assert extract._sentences(text) == _previous_sentences(text)


# -- extraction with and without the fast paths ----------------------------------------------------------------
_FILLER = [
    # ordinary sentences (written for this test): no amount, but digits, number words, currency look-alikes
    "Die Luftabwehr war in der Nacht mehr als drei Stunden im Einsatz, teilte die Militärverwaltung mit.",
    "Am 9. Januar trafen sich die Minister in Ramstein; 50 Staaten nahmen teil.",
    "Der Kreml wies die Vorwürfe zurück, ein Sprecher nannte sie haltlos.",
    "Nach Angaben der Behörden wurden zwei Menschen verletzt und ein Wohnhaus beschädigt.",
    "Die Euro-Zone wächst langsamer, sagte die Präsidentin der Zentralbank.",
    "Officials said 28 of the 30 drones were shot down over the Kyiv region overnight.",
    "The minister won the vote by a wide margin and will travel to Brussels next week.",
    "One person was injured when debris fell on a house, the regional governor said on Telegram.",
    "Talks on the euro area budget are expected to continue for several years.",
    "Millions of people remain without regular heating as temperatures drop below freezing.",
]


def _news() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["lang"], r["text"]) for r in rows]


def _all(text: str, locale: str) -> list[dict[str, Any]]:
    return [c.to_dict() for c in extract_pledges(text, lang=locale, published="2025-01-09")]


@pytest.mark.skipif(not NEWS.is_file(), reason="the real-world corpus tests/data/news_corpus.jsonl is not here")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), locale=st.sampled_from(LOCALES))
def test_extraction_with_the_fast_paths_equals_the_slow_path(data: st.DataObject, locale: str) -> None:
    news = [text for lang, text in _news() if lang == locale[:2]]
    parts = data.draw(
        st.lists(st.one_of(st.sampled_from(news), st.sampled_from(_FILLER), _texts()), min_size=1, max_size=8)
    )
    joiners = data.draw(st.lists(st.sampled_from([" ", "\n", "\n\n", " ", "; "]), min_size=len(parts)))
    text = "".join(p + j for p, j in zip(parts, joiners, strict=False))
    fast = _all(text, locale)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(extract, "_GATE", False)
        mp.setattr(parsing, "_PREFILTER", False)
        slow = _all(text, locale)
    assert fast == slow


@pytest.mark.skipif(not NEWS.is_file(), reason="the real-world corpus tests/data/news_corpus.jsonl is not here")
def test_the_whole_corpus_with_and_without_the_fast_paths() -> None:
    for lang in ("de", "en"):
        text = "\n\n".join(t for la, t in _news() if la == lang) + "\n\n" + " ".join(_FILLER)
        fast = _all(text, lang)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(extract, "_GATE", False)
            mp.setattr(parsing, "_PREFILTER", False)
            slow = _all(text, lang)
        assert fast == slow
        assert len(fast) > 100
