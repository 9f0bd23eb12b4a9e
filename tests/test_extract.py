"""Pledges from news text (aidtrack.text.extract) and `aidtrack extract`: corpus, evidence, CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack import Money, extract_pledges
from aidtrack.cli import main
from aidtrack.errors import IncompletePledgeError, InvalidArgumentError
from aidtrack.text import PledgeCandidate
from aidtrack.text.extract import split_sentences

ROOT = Path(__file__).resolve().parents[1]
CORPUS = json.loads((ROOT / "tests" / "data" / "extract_corpus.json").read_text(encoding="utf-8"))
PUBLISHED = date.fromisoformat(CORPUS["published"])


def _key(d: dict[str, Any]) -> tuple[Any, ...]:
    return (d["donor"], d["country"], d["amount"], d["currency"], d["qualifier"])


def _got(c: PledgeCandidate) -> dict[str, Any]:
    return {
        "donor": c.donor,
        "country": c.country,
        "amount": format(c.amount.amount, "f"),
        "currency": c.amount.currency,
        "qualifier": c.qualifier.value,
        "category": c.category.value if c.category else None,
        "issues": list(c.issues),
        "announced": c.announced.isoformat(),
    }


def _expected(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "donor": d["donor"],
        "country": d["country"],
        "amount": d["amount"],
        "currency": d["currency"],
        "qualifier": d["qualifier"],
        "category": d["category"],
        "issues": d.get("issues", []),
        "announced": d.get("announced", CORPUS["published"]),
    }


def test_corpus_is_large_balanced_and_varied() -> None:
    sentences = CORPUS["sentences"]
    langs = [s["lang"] for s in sentences]
    assert len(sentences) >= 80
    assert langs.count("de") == langs.count("en")
    assert sum(1 for s in sentences if not s["expected"]) >= 20  # sentences whose numbers are not pledges
    texts = " ".join(s["text"] for s in sentences)
    needles = ["Mrd.", "Milliarde", "Tsd.", "Mio.", "bn", "C$", "US$", "kr", "NOK", "Pfund", "kanadische"]
    needles += ["norwegische", "pounds", "über", "knapp", "bis zu", "nearly", "up to", "more than", "zwei"]
    for needle in needles:
        assert needle in texts, needle


def test_corpus_precision_and_recall_are_100_percent(capsys: pytest.CaptureFixture[str]) -> None:
    """Every expected candidate is found with the right fields, and nothing else is."""
    true_pos = false_pos = false_neg = 0
    clean_tp = clean_fp = clean_fn = 0
    problems = []
    for s in CORPUS["sentences"]:
        got = [_got(c) for c in extract_pledges(s["text"], lang=s["lang"], published=PUBLISHED)]
        want = [_expected(d) for d in s["expected"]]
        remaining = list(want)
        for g in got:
            if g in remaining:
                remaining.remove(g)
                true_pos += 1
                clean_tp += not g["issues"]
            else:
                false_pos += 1
                clean_fp += not g["issues"]
                problems.append(f"unexpected {g} in {s['text']!r}")
        false_neg += len(remaining)
        clean_fn += sum(1 for r in remaining if not r["issues"])
        problems.extend(f"missed {r} in {s['text']!r}" for r in remaining)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    clean_p = clean_tp / (clean_tp + clean_fp) if clean_tp + clean_fp else 1.0
    clean_r = clean_tp / (clean_tp + clean_fn) if clean_tp + clean_fn else 1.0
    with capsys.disabled():
        print(
            f"\nextraction corpus: {len(CORPUS['sentences'])} sentences, {true_pos + false_neg} expected candidates; "
            f"precision {precision:.1%}, recall {recall:.1%} (all fields); "
            f"clean pledges only: precision {clean_p:.1%}, recall {clean_r:.1%}"
        )
    assert not problems, "\n".join(problems)
    assert precision == recall == 1.0


@pytest.mark.parametrize("entry", [s for s in CORPUS["sentences"] if s["expected"]], ids=lambda s: s["text"][:50])
def test_corpus_evidence(entry: dict[str, Any]) -> None:
    """Spans, equivalents, parts, ranges and periods of the corpus pledges."""
    text = entry["text"]
    cands = extract_pledges(text, lang=entry["lang"], published=PUBLISHED)
    for c, want in zip(cands, entry["expected"], strict=True):
        assert c.sentence == text and c.sentence_span == (0, len(text))
        assert text[c.span[0] : c.span[1]] == c.amount.text
        if c.donor_mention is not None:
            assert text[c.donor_mention.start : c.donor_mention.end] == c.donor_mention.text
        assert len(c.equivalents) == want.get("equivalents", 0)
        assert len(c.parts) == want.get("parts", 0)
        if "upper" in want:
            assert c.amount.upper == Decimal(want["upper"])
        if "period" in want:
            assert c.period is not None and [d.isoformat() for d in c.period] == want["period"]
        assert 0 < c.confidence <= 1
        assert c.complete == (not want.get("issues"))
        assert c.ambiguous == (c.amount.currency is None or "ambiguous numeral" in c.issues)


def test_spans_index_a_whole_article() -> None:
    text = (ROOT / "examples" / "article_de.txt").read_text(encoding="utf-8")
    cands = extract_pledges(text, lang="de", published="2025-01-09")
    assert [c.donor for c in cands] == ["Canada", "United States", "Netherlands", "Norway", "Germany"]
    for c in cands:
        a, b = c.sentence_span
        assert text[a:b] == c.sentence
        assert text[c.span[0] : c.span[1]] == c.amount.text
        assert a <= c.span[0] < c.span[1] <= b
    usa = cands[1]
    assert usa.money == Money("500e6", "USD") and [p.text for p in usa.parts] == ["180 Mio. US-Dollar"]
    assert cands[3].period == (date(2025, 1, 1), date(2025, 12, 31))
    assert cands[4].issues == ("cumulative total",)


def test_to_pledge() -> None:
    (c,) = extract_pledges(
        "Canada will provide C$440 million in military assistance.", lang="en", published="2025-01-09"
    )
    p = c.to_pledge(source_url="https://example.org/ramstein")
    assert isinstance(p, aidtrack.Pledge)
    assert (p.donor.name, p.donor.country, p.amount, p.category.value, p.announced) == (
        "Canada", "CA", Money("440e6", "CAD"), "military", date(2025, 1, 9),
    )  # fmt: skip
    assert p.notes == "from text: Canada will provide C$440 million in military assistance."
    assert p.source is not None and p.source.url == "https://example.org/ramstein"


def test_to_pledge_refuses_missing_donor_or_ambiguous_currency() -> None:
    (c,) = extract_pledges("A further $300 million in aid will be provided.", lang="en", published="2025-01-09")
    assert c.donor is None and c.money is None and c.issues == ("no donor", "ambiguous currency")
    with pytest.raises(IncompletePledgeError, match="no donor and no currency") as info:
        c.to_pledge()
    assert info.value.missing == ("donor", "currency") and isinstance(info.value, ValueError)
    p = c.to_pledge(donor="Canada", currency="CAD")
    assert p.donor.country == "CA" and p.amount == Money("300e6", "CAD")
    with pytest.raises(InvalidArgumentError, match="cannot be EUR"):
        c.to_pledge(donor="Canada", currency="EUR")


def test_no_invented_donors() -> None:
    cases = [
        ("Bei einem Treffen in Berlin wurden 500 Millionen Euro an Hilfe zugesagt.", "de"),
        ("Gegen Russland wurden neue Sanktionen beschlossen; die Hilfe umfasst 2 Mrd. Euro.", "de"),
        ("At the meeting in Washington, allies pledged €1 billion in aid.", "en"),
        ("Ukraine will receive €500 million in aid.", "en"),
        ("The loan of €45 billion is backed by frozen Russian assets.", "en"),
    ]
    for text, lang in cases:
        cands = extract_pledges(text, lang=lang, published="2025-01-09")
        assert cands and all(c.donor is None for c in cands), (text, [c.donor for c in cands])
        assert all("no donor" in c.issues for c in cands)


def test_several_donors_lower_the_confidence() -> None:
    (c,) = extract_pledges(
        "Deutschland und Frankreich sagten gemeinsam 1 Mrd. Euro zu.", lang="de", published="2025-01-09"
    )
    assert c.donor == "France" and c.confidence < 1 and "several donors" in c.notes[0]


def test_dates_in_the_sentence() -> None:
    def announced(text: str, lang: str) -> date:
        (c,) = extract_pledges(text, lang=lang, published=date(2025, 1, 9))
        return c.announced

    assert announced("Am 3. Januar sagte Kanada 5 Mio. Euro Hilfe zu.", "de") == date(2025, 1, 3)
    assert announced("Am 30. Dezember sagte Kanada 5 Mio. Euro Hilfe zu.", "de") == date(2024, 12, 30)
    assert announced("On Monday Canada pledged €5 million in aid.", "en") == date(2025, 1, 6)
    assert announced("Canada pledged €5 million in aid yesterday.", "en") == date(2025, 1, 8)
    assert announced("On 2024-11-02 Canada pledged €5 million in aid.", "en") == date(2024, 11, 2)
    # a date after publication is a delivery date, not the announcement
    assert announced("Canada pledged €5 million in aid, to be delivered by March 31, 2025.", "en") == date(2025, 1, 9)


def test_sentences_split_around_abbreviations() -> None:
    text = "Kanada sagte 2 Mio. Euro zu. Am 9. Januar folgte die U.S. Army. Dann Schluss!\nNeue Zeile"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Kanada sagte 2 Mio. Euro zu.", "Am 9. Januar folgte die U.S. Army.", "Dann Schluss!", "Neue Zeile",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"lang": "fr", "published": "2025-01-09"}, "lang must be"),
        ({"lang": "de", "published": "09.01.2025"}, "09.01.2025"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(InvalidArgumentError, match=needle):
        extract_pledges("5 Mio. Euro", **kwargs)


def test_exported_at_top_level() -> None:
    assert aidtrack.extract_pledges is extract_pledges and aidtrack.text.PledgeCandidate is PledgeCandidate


# -- CLI ----------------------------------------------------------------------------------
def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def test_cli_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["extract", str(ROOT / "examples" / "article_en.txt"), "--lang", "en", "--date", "2025-01-09"])
    assert code == 0
    assert "Canada" in text and "CAD 440,000,000" in text and "no donor" in text
    code, text = _run(
        ["extract", str(ROOT / "examples" / "article_en.txt"), "--lang", "en", "--date", "2025-01-09", "--json"]
    )
    data = json.loads(text)
    assert (data["count"], data["complete"]) == (4, 3)
    first = data["candidates"][0]
    assert first["amount"]["amount"] == "440000000" and first["amount"]["currency"] == "CAD"
    assert first["sentence"].startswith("Canada will provide")


def test_cli_csv_reports_what_it_does_not_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, text = _run(
        ["extract", str(ROOT / "examples" / "article_en.txt"), "--lang", "en", "--date", "2025-01-09", "--csv"]
    )
    assert code == 0
    pledges = aidtrack.files.read_pledges_csv(io.StringIO(text))
    assert [(p.donor.name, p.amount) for p in pledges] == [
        ("Canada", Money("440e6", "CAD")), ("United States", Money("500e6", "USD")),
        ("Norway", Money("22e9", "NOK")),
    ]  # fmt: skip
    err = capsys.readouterr().err
    assert "not exported (no donor)" in err and "€300 million" in err
    code, text = _run(
        ["extract", str(ROOT / "examples" / "article_en.txt"), "--lang", "en", "--date", "2025-01-09", "--csv",
         "--strict"]
    )  # fmt: skip
    assert code == 1 and text == ""
    assert "--strict" in capsys.readouterr().err


def test_cli_currency_settles_ambiguous_symbols(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    # a German donor's "kronor" may be NOK, SEK, DKK or ISK: the wire-copy convention does not decide
    article.write_text("Germany committed up to 4.5 billion kronor in financial support.\n", encoding="utf-8")
    code, text = _run(["extract", str(article), "--lang", "en", "--date", "2025-01-09", "--csv"])
    assert code == 0 and len(aidtrack.files.read_pledges_csv(io.StringIO(text))) == 0
    assert "ambiguous currency" in capsys.readouterr().err
    code, text = _run(["extract", str(article), "--lang", "en", "--date", "2025-01-09", "--csv", "--currency", "SEK"])
    (p,) = aidtrack.files.read_pledges_csv(io.StringIO(text))
    assert p.amount == Money("4.5e9", "SEK") and p.qualifier.value == "at_most"


def test_cli_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _ = _run(["extract", str(tmp_path / "missing.txt"), "--lang", "en", "--date", "2025-01-09"])
    assert code == 1 and "no such file" in capsys.readouterr().err
    article = tmp_path / "a.txt"
    article.write_text("x", encoding="utf-8")
    code, _ = _run(["extract", str(article), "--lang", "fr", "--date", "2025-01-09"])
    assert code == 1 and "lang must be" in capsys.readouterr().err


def test_cli_pipe_into_totals() -> None:
    """`aidtrack extract ... --csv | aidtrack totals - --to EUR` works end to end."""
    cmd = [sys.executable, "-m", "aidtrack"]
    extract = subprocess.run(
        [*cmd, "extract", str(ROOT / "examples" / "article_en.txt"), "--lang", "en", "--date", "2025-01-09", "--csv"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    totals = subprocess.run(
        [*cmd, "totals", "-", "--to", "EUR", "--json"], input=extract.stdout, capture_output=True, text=True, check=True
    )
    data = json.loads(totals.stdout)
    assert data["count"] == 3 and data["bound_count"] == 1
    assert {g["donor"] for g in data["groups"]} == {"Canada", "Norway", "United States"}


# -- fuzz: extraction never crashes ---------------------------------------------------------
_words = st.sampled_from(
    [
        "Kanada", "Canada", "die USA", "the UK", "Washington", "in Berlin", "kanadische Regierung", "EU-Kommission",
        "sagte", "zu", "pledged", "provide", "Hilfe", "aid", "über", "bis zu", "rund", "nearly", "more than",
        "1,5", "2.000", "22", "zwei", "eine", "a", "Mrd.", "Milliarden", "bn", "million", "€", "$", "C$", "kr",
        "Euro", "Dollar", "dollars", "Kronen", "(", ")", ",", ".", "davon", "including", "seit 2022", "so far",
        "am 9. Januar", "on Monday", "für 2025", "\n", "Prozent", "Soldaten", "!", "?",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.text(max_size=150), st.lists(_words, max_size=40).map(" ".join)),
    lang=st.sampled_from(["de", "en"]),
)
def test_fuzz_extraction_never_crashes(text: str, lang: str) -> None:
    for c in extract_pledges(text, lang=lang, published="2025-01-09"):
        a, b = c.sentence_span
        assert text[a:b] == c.sentence and text[c.span[0] : c.span[1]] == c.amount.text
        assert 0.05 <= c.confidence <= 1
        assert c.announced <= date(2025, 1, 9)
        if c.complete:
            assert isinstance(c.to_pledge(), aidtrack.Pledge)
        else:
            assert c.issues


def test_a_donor_of_the_previous_sentence_carries_over_within_the_paragraph() -> None:
    text = "Kanada kündigte neue Hilfe an. Es sollen 50 Mio. Euro fließen, sagte ein Sprecher zu."
    (c,) = extract_pledges(text, lang="de", published="2025-01-09")
    assert (c.donor, c.country, c.donor_carried_over, c.complete) == ("Canada", "CA", True, True)
    assert c.confidence <= 0.75 and any("carried over from the previous sentence" in n for n in c.notes)
    # a blank line ends the paragraph: nothing carries over
    (c,) = extract_pledges(text.replace(" Es", "\n\nEs"), lang="de", published="2025-01-09")
    assert c.donor is None and "no donor" in c.issues and not c.donor_carried_over


# -- issue 13: the classes of error found on real published news ------------------------------------
def _one(text: str, lang: str) -> PledgeCandidate:
    cands = extract_pledges(text, lang=lang, published="2025-01-09")
    assert len(cands) == 1, [(c.amount.text, c.reading) for c in cands]
    return cands[0]


def test_wire_copy_convention_for_a_bare_dollar() -> None:
    c = _one("Japan will give Ukraine 5.5 billion dollars in additional financial aid.", "en")
    assert c.money == Money("5.5e9", "USD") and c.complete
    assert any("wire copy" in n for n in c.notes)
    c = _one("Die Weltbank gewährt der Ukraine ein Darlehen über 1,5 Milliarden Dollar.", "de")
    assert (c.donor_code, c.money) == ("WB", Money("1.5e9", "USD"))
    # a dollar donor writing about itself means its own dollar
    assert _one("Australia will provide $100 million in aid.", "en").money == Money("100e6", "AUD")
    # where the convention does not decide, the flag stays
    c = _one("A further $300 million in aid will be provided.", "en")
    assert c.money is None and "ambiguous currency" in c.issues
    c = _one("Germany committed 4.5 billion kronor in aid.", "en")
    assert c.money is None and c.amount.candidates[:3] == ("NOK", "SEK", "DKK")


@pytest.mark.parametrize(
    ("text", "lang", "reading"),
    [
        ("Deutschland wird seinen Beitrag um 18 Millionen Euro erhöhen.", "de", "pledge"),
        ("Die Bundesregierung will ihre Hilfe in diesem Jahr auf zwei Milliarden Euro erhöhen.", "de", "level"),
        ("Britain will raise its aid to Sudan by a further £21 million.", "en", "pledge"),
        ("The UK doubled its support to £89 million.", "en", "level"),
        ("Japan has pledged more than $10 billion in aid since Russia invaded.", "en", "running_total"),
        ("Damit summiert sich die schwedische Hilfe auf 109 Milliarden Kronen.", "de", "running_total"),
        ("Of this funding, £47 million will go to refugees in Chad.", "en", "part"),
        ("Ukraine will need $486 billion in aid for reconstruction, the World Bank estimated.", "en", "need"),
        ("Das Finanzministerium beantragte zusätzliche Mittel von 400 Millionen Euro.", "de", "request"),
        ("Die Ukraine hat von der EU bereits 1,5 Milliarden Euro Finanzhilfe erhalten.", "de", "receipt"),
        ("The New Zealand Government has already given NZ$200,000 to the relief effort.", "en", "disbursed"),
        ("Norway will give refugees NOK 5,000 per person in aid.", "en", "per_person"),
        ("Maas stellte die Zusage weiterer 500 Millionen Euro in Aussicht.", "de", "proposal"),
    ],
)
def test_what_an_amount_is(text: str, lang: str, reading: str) -> None:
    c = _one(text, lang)
    assert c.reading == reading, c.notes
    assert c.complete == (reading == "pledge") or c.donor is None
    if reading != "pledge":
        assert any("not a new pledge" in n for n in c.notes)


@pytest.mark.parametrize(
    ("text", "lang", "donor", "code"),
    [
        ("Schweden greift der von Russland angegriffenen Ukraine mit einem Hilfspaket von 1,1 Mrd. Kronen unter die "
         "Arme.", "de",
         "Sweden", "SE"),
        ("Die Hilfe habe einen Umfang von 1,1 Milliarden schwedischen Kronen, teilte die Regierung in Stockholm mit.",
         "de", "Sweden", "SE"),
        ("Das Auswärtige Amt sagte Hilfen von 37 Millionen Euro zu.", "de", "Germany", "DE"),
        ("Der Bundesrat will 140 Millionen Franken Soforthilfe bereitstellen.", "de", "Switzerland", "CH"),
        ("Die dänischen Behörden stellen 630 Millionen Kronen bereit.", "de", "Denmark", "DK"),
        ("Die Kommission der Europäischen Union sagte 500 Millionen Euro zu.", "de", "European Union", "EU"),
        ("The loan of €500 million comes from the European Investment Bank.", "en", "European Investment Bank", "EIB"),
        ("DENMARK: 1.7 billion Danish kroner in military aid.", "en", "Denmark", "DK"),
        ("Australia's donation of $10 million will help.", "en", "Australia", "AU"),
        ("The UK will send £21 million to Sudan, whose people face famine.", "en", "United Kingdom", "GB"),
    ],
)  # fmt: skip
def test_the_donor_resolver(text: str, lang: str, donor: str, code: str) -> None:
    c = _one(text, lang)
    assert (c.donor, c.donor_code) == (donor, code), c.notes


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("New Zealand Red Cross has pledged $50,000 to victims of the earthquake.", "en"),
        ('So gibt das Bündnis „Aktion Deutschland Hilft" eine Million Euro Soforthilfe.', "de"),
        ("Donors pledged seven billion euros to help Turkey and Syria.", "en"),
        ("International donors at the conference organised by the European Union raised €7 billion.", "en"),
    ],
)
def test_names_that_are_not_the_donor(text: str, lang: str) -> None:
    assert _one(text, lang).donor is None


def test_a_verbless_list_line_and_its_equivalent() -> None:
    c = _one("United Kingdom: 50 million pounds ($78.8 million).", "en")
    assert (c.donor, c.money, [e.text for e in c.equivalents]) == (
        "United Kingdom",
        Money("50e6", "GBP"),
        ["$78.8 million"],
    )


def test_an_equivalent_never_stands_in_for_the_pledge() -> None:
    # the first amount is unreadable ("Rs" with no rupee donor is ambiguous, but read); the bracket is an equivalent
    cands = extract_pledges("India pledged Rs109 million ($1.3 million) in aid.", lang="en", published="2025-01-09")
    assert [(c.money, c.reading) for c in cands] == [(Money("109e6", "INR"), "pledge")]
    cands = extract_pledges(
        "Die Behörden sagten 1,5 Millionen Kiwi-Taler (etwa 880.000 Euro) an Hilfe zu.",
        lang="de",
        published="2025-01-09",
    )
    assert cands == []


def test_currency_from_the_context_and_qualifiers() -> None:
    c = _one("Großbritannien sagt der Ukraine eine zusätzliche Milliarde Pfund zu.", "de")
    assert c.money == Money("1e9", "GBP")
    cands = extract_pledges(
        "Norwegen sagte 5 Milliarden Kronen zu. Zudem will das Land mindestens 15 Milliarden bereitstellen.",
        lang="de",
        published="2025-01-09",
    )
    second = cands[1]
    assert (second.money, second.qualifier.value) == (Money("15e9", "NOK"), "at_least")
    assert any("taken from" in n for n in second.notes)
    cands = extract_pledges(
        "Von der Leyen added that the pledge included 1.1 billion euros from the EU and 500 million from the EIB.",
        lang="en",
        published="2025-01-09",
    )
    assert [(c.donor_code, c.money, c.reading) for c in cands] == [
        ("EU", Money("1.1e9", "EUR"), "pledge"), ("EIB", Money("500e6", "EUR"), "pledge"),
    ]  # fmt: skip
    cands = extract_pledges("So versprachen die USA 54 Millionen Euro, die Schweiz 30 Millionen.", lang="de",
                            published="2025-01-09")  # fmt: skip
    assert [(c.donor_code, c.money) for c in cands] == [("US", Money("54e6", "EUR")), ("CH", Money("30e6", "EUR"))]
    c = _one("Norway will provide a minimum of 35 billion kroner.", "en")
    assert (c.money, c.qualifier.value) == (Money("35e9", "NOK"), "at_least")


def test_invisible_characters_in_scraped_text() -> None:
    text = "Can\u00adada will pro\u200bvide C$44\u00ad0 million in military assistance."
    c = _one(text, "en")
    assert (c.donor, c.money) == ("Canada", Money("440e6", "CAD"))
    assert text[c.span[0] : c.span[1]] == c.amount.text == "C$44\u00ad0 million"
    assert text[c.sentence_span[0] : c.sentence_span[1]] == c.sentence == text
    assert c.donor_mention is not None and text[c.donor_mention.start : c.donor_mention.end] == "Can\u00adada"


def test_text_without_sentence_ends_is_cut_into_bounded_pieces() -> None:
    """The work per sentence is bounded, so extraction stays linear (timings: benchmarks/extract_linear.py)."""
    text = " ".join(f"Kanada {i} Mio. Euro Hilfe" for i in range(3000))
    spans = split_sentences(text)
    assert max(b - a for a, b in spans) <= 1000 and len(spans) > 60
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")
    cands = extract_pledges(text, lang="de", published="2025-01-09")
    assert len(cands) >= 2990 and all(text[c.span[0] : c.span[1]] == c.amount.text for c in cands)


# -- the floor on real published news (issue 13) ----------------------------------------------------------
NEWS_CORPUS = ROOT / "tests" / "data" / "news_corpus.jsonl"
# Measured figures minus a small margin; a regression below them fails. See docs/extraction.md.
FLOOR = {"de": (0.95, 0.935), "en": (0.92, 0.93)}  # measured: de 0.970 / 0.955, en 0.940 / 0.952


@pytest.mark.skipif(
    not NEWS_CORPUS.is_file() or not (ROOT / "tests" / "extraction_eval.py").is_file(),
    reason="the real-world corpus (tests/data/news_corpus.jsonl) and its scorer (tests/extraction_eval.py) "
    "are not in this checkout",
)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_floor_on_real_published_news(lang: str) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import extraction_eval
    finally:
        sys.path.remove(str(ROOT / "tests"))
    result = extraction_eval.score(NEWS_CORPUS, lang=lang)["overall"]
    precision, recall = FLOOR[lang]
    assert result["precision"] >= precision and result["recall"] >= recall, result


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Deutschland sagte 2 Milliarden Euro zu und danach ein Viertel einer weiteren Milliarde.", "de"),
        ("Germany pledged €2 billion and later a quarter of a further billion.", "en"),
        ("Deutschland sagte 2 Milliarden Euro zu und danach einige hundert Millionen.", "de"),
    ],
)
def test_a_fraction_of_a_scale_word_gives_no_invented_candidate(text: str, lang: str) -> None:
    # the second figure was read as a whole billion (or exactly 100 million) in the first sentence's currency
    found = extract_pledges(text, lang=lang, published=date(2025, 1, 9))
    assert [c.money for c in found] == [Money("2000000000", "EUR")]


def test_a_price_basis_year_gives_no_candidate() -> None:
    # "in 2023 euros" gave a second, complete candidate of EUR 2,023.00
    found = extract_pledges("Germany will provide €5 billion in 2023 euros.", lang="en", published=date(2025, 1, 9))
    assert [c.money for c in found] == [Money("5000000000", "EUR")]


@pytest.mark.parametrize(
    ("text", "amount", "written"),
    [
        ("Germany will provide -500 million euros in aid.", "-500000000", "-500 million euros"),
        ("Germany will provide \u2212500 million euros in aid.", "-500000000", "\u2212500 million euros"),
        ("Germany will provide 0 euros in aid.", "0", "0 euros"),
    ],
)
def test_a_negative_or_zero_amount_is_kept_as_written_and_is_no_clean_pledge(
    text: str, amount: str, written: str
) -> None:
    # the minus sign was dropped (a clean EUR 500,000,000 pledge, exported by `aidtrack extract --csv`), and a
    # zero amount was `complete` although to_pledge() refuses it
    (c,) = extract_pledges(text, lang="en", published=date(2025, 1, 9))
    assert c.money == Money(amount, "EUR") and c.amount.text == written
    assert text[c.span[0] : c.span[1]] == written
    assert "not a positive amount" in c.issues and not c.complete


def test_a_hyphen_between_amounts_is_no_minus_sign() -> None:
    (c,) = extract_pledges("Germany will provide 2-500 million euros in aid.", lang="en", published=date(2025, 1, 9))
    assert (c.money, c.amount.upper, c.complete) == (Money("2000000", "EUR"), Decimal(500_000_000), True)


def test_a_negative_amount_is_exact_in_any_decimal_context() -> None:
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 3
        (c,) = extract_pledges("Germany will provide -1234.56 euros.", lang="en", published=date(2025, 1, 9))
    assert c.amount.amount == Decimal("-1234.56")
