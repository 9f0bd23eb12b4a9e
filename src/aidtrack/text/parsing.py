"""Reading amounts of money from German and English text (pure functions).

:func:`find_money` finds every amount in a text, with its character span,
qualifier and currency; :func:`parse_money` reads exactly one amount as a
:class:`~aidtrack.money.Money`.

What is recognised:

* **Numerals** with the locale's separators (babel/CLDR): ``1.234,5`` in
  ``de``, ``1,234.5`` in ``en``, ``1’234.5`` or ``1'234.5`` in ``de_CH``; no-break and thin
  spaces also group digits. ``22.000`` in German is twenty-two thousand.
  A numeral that breaks the locale's rules (``2.5`` in German) is not read.
* **Scale words**: German Tsd., Tausend, Mio., Million(en), Mrd.,
  Milliarde(n), Bio., Billion(en) (German *Billion* is 10^12); English
  thousand, million, m, mn, mln, billion, bn, b, trillion, tn (k/m/b/t only
  when written right after the digits: ``$500m``, ``€2B``).
* **Number words**: German ein/eine/einer ... neunhundertneunundneunzig,
  tausend, eineinhalb, anderthalb, zweieinhalb; English one ... nine hundred
  and ninety-nine, "a"/"an"/"half a"/"one and a half" before a scale word.
* **Currencies**: ISO codes (upper case: ``EUR``, ``CAD``), symbols from CLDR
  and a small lexicon (``€``, ``$``, ``US$``, ``C$``, ``CA$``, ``£``, ``kr``),
  names and their inflected forms from CLDR (``Euro``, ``US-Dollar``,
  ``kanadischen Dollar``, ``norwegische Kronen``, ``Canadian dollars``) plus a
  lexicon (``Pfund``, ``pounds sterling``, ``Franken``).
* **Qualifiers** written right before the amount, mapped to
  :class:`~aidtrack.pledge.Qualifier` (see :data:`aidtrack.text._lexicon.QUALIFIERS`):
  über/mehr als/mindestens/over/more than/at least -> ``at_least``;
  bis zu/höchstens/up to/less than -> ``at_most``; rund/etwa/knapp/fast/about/
  around/nearly/almost -> ``approximately``. A range ("1 bis 2 Mrd. Euro",
  "$3 billion to $5 billion") gives its lower bound as ``at_least`` and keeps
  the upper bound in :attr:`MoneyMatch.upper`.

Some symbols and names fit several currencies: ``$`` and "dollars"
(USD, CAD, AUD ...), ``kr`` and "Kronen" (NOK, SEK, DKK, ISK), ``¥`` (JPY,
CNY), "francs". Such an amount is resolved, in this order, by the
``currency=`` hint, by the ``countries=`` context (a Canadian donor's ``$``
is CAD) or by the locale's territory (``$`` in ``en_CA`` is CAD, in
``en_US`` USD). Otherwise it is returned with ``currency=None``, its
``candidates`` and ``ambiguous=True``: never guessed. ``£``/"pounds"/"Pfund"
are read as GBP and "Franken" as CHF (their usual meaning in news text).

All arithmetic is exact ``Decimal``: "2,5 Milliarden" is 2500000000.

>>> parse_money("über 2,5 Milliarden Euro", locale="de")
Money('2500000000', 'EUR')
>>> parse_money("C$440 million", locale="en")
Money('440000000', 'CAD')
>>> for m in find_money("Norwegen sagte über zwei Milliarden Euro zu, Kanada 440 Mio. kanadische Dollar.",
...                     locale="de"):
...     print(m.span, m.text, m.amount, m.currency, m.qualifier.value)
(15, 40) über zwei Milliarden Euro 2000000000 EUR at_least
(52, 78) 440 Mio. kanadische Dollar 440000000 CAD exact
>>> m, = find_money("Ottawa will provide $500 million.", locale="en")
>>> m.currency, m.ambiguous, m.candidates[:3]
(None, True, ('USD', 'CAD', 'AUD'))
>>> find_money("Ottawa will provide $500 million.", locale="en", countries=["CA"])[0].currency
'CAD'
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import cache
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name, get_decimal_symbol, get_group_symbol, get_territory_currencies

from aidtrack.errors import AmbiguousCurrencyError, InvalidArgumentError, MoneyParseError
from aidtrack.money import Money
from aidtrack.pledge import Qualifier
from aidtrack.text import _lexicon as lex
from aidtrack.text.donors import _trie_alternation

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["SUPPORTED_LANGUAGES", "MoneyMatch", "find_money", "parse_money"]

SUPPORTED_LANGUAGES = ("de", "en")
"""Languages whose words (scales, qualifiers, number words, names) are known."""

_SPACE = r"[ \t\u00a0\u202f\u2009]"
_SEP = rf"(?:{_SPACE}+|-)"
_MAX_TEXT = 1_000_000
# Characters that scraped HTML leaves inside words and numbers but that a reader never sees: the soft hyphen,
# zero-width space / non-joiner / joiner, word joiner and the byte-order mark. They never split or join a number.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# Whether find_money first checks a text with the cheap prefilter of _syntax (tests switch it off to compare).
_PREFILTER = True


@dataclass(frozen=True)
class MoneyMatch:
    """One amount of money found in a text.

    ``start``/``end`` index the text (``text[start:end] == match.text``) and
    cover the qualifier too. ``currency`` is ``None`` when the symbol or name
    fits several currencies (then ``candidates`` lists them and ``ambiguous``
    is true). ``ambiguous`` is also true when the numeral could be read with
    the other language's separators (``22.000`` in English). ``upper`` is the
    upper bound of a range. ``notes`` explain every decision.
    """

    text: str
    start: int
    end: int
    amount: Decimal
    currency: str | None
    candidates: tuple[str, ...]
    qualifier: Qualifier = Qualifier.EXACT
    qualifier_text: str | None = None
    currency_text: str = ""
    upper: Decimal | None = None
    ambiguous: bool = False
    notes: tuple[str, ...] = ()
    scale: int = field(default=0, repr=False, compare=False)

    @property
    def span(self) -> tuple[int, int]:
        """``(start, end)`` in the text searched."""
        return (self.start, self.end)

    @property
    def money(self) -> Money:
        """The amount as :class:`Money`; :class:`AmbiguousCurrencyError` if the currency is undecided."""
        if self.currency is None:
            raise AmbiguousCurrencyError(self.text, self.currency_text, self.candidates)
        return Money(self.amount, self.currency)

    def resolve(self, currency: str) -> MoneyMatch:
        """This match with its currency settled to one of its ``candidates``.

        >>> m, = find_money("$5 million", locale="en")
        >>> m.resolve("CAD").money
        Money('5000000', 'CAD')
        """
        code = currency.strip().upper()
        if code not in self.candidates:
            raise InvalidArgumentError(
                "currency", currency, f"{self.currency_text!r} cannot be {code}; it may be {', '.join(self.candidates)}"
            )
        numeral_doubt = any(n.startswith("numeral") for n in self.notes)
        return replace(
            self,
            currency=code,
            ambiguous=numeral_doubt,
            notes=(*self.notes, f"{self.currency_text!r} read as {code} (given)"),
        )


# -- locale and word tables ------------------------------------------------------------
@dataclass(frozen=True)
class _Syntax:
    lang: str
    territory: str | None
    decimal: str
    groups: str
    numeral: str
    pattern: re.Pattern[str]
    prefilter: str | None  # the source of the prefilter pattern (see _prefilter), compiled on first use
    number: str  # the number part of ``pattern`` (its source)
    symbols: dict[str, tuple[str, ...]]
    names: dict[str, tuple[str, ...]]
    codes: frozenset[str]


def _parse_locale(locale: object) -> Locale:
    if isinstance(locale, str):
        return _parse_locale_id(locale)  # parsed once per identifier: babel's parse costs ~50 µs a call
    return _parse_locale_id.__wrapped__(locale)  # not a str: raises the error below


def _locale_id(locale: object) -> str:
    """``str(_parse_locale(locale))``, cached: babel's ``Locale.__str__`` costs ~40 µs a call."""
    if isinstance(locale, str):
        return _locale_id_of(locale)
    return str(_parse_locale(locale))


@cache
def _locale_id_of(locale: str) -> str:
    return str(_parse_locale(locale))


@cache
def _parse_locale_id(locale: str) -> Locale:
    if not isinstance(locale, str) or not locale.strip():
        raise InvalidArgumentError(
            "locale", locale, f"locale must be an identifier such as 'de' or 'en_US', not {locale!r}"
        )
    try:
        loc = Locale.parse(locale.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise InvalidArgumentError(
            "locale", locale, f"unknown locale {locale!r}: expected e.g. 'de', 'de_DE', 'en' or 'en_US'"
        ) from exc
    if loc.language not in SUPPORTED_LANGUAGES:
        raise InvalidArgumentError(
            "locale",
            locale,
            f"amounts can be read in {', '.join(SUPPORTED_LANGUAGES)} text only, not {loc.language!r} ({locale!r})",
        )
    return loc


@cache
def _current_currencies() -> frozenset[str]:
    """Codes in use in some territory today (CLDR), plus the ECB history's currencies."""
    codes: set[str] = set()
    for territory in Locale("en").territories:
        if isinstance(territory, str) and len(territory) == 2 and territory.isalpha():
            codes.update(get_territory_currencies(territory, tender=True))
    codes.update(
        [
            "AUD",
            "BGN",
            "BRL",
            "CAD",
            "CHF",
            "CNY",
            "CYP",
            "CZK",
            "DKK",
            "EEK",
            "EUR",
            "GBP",
            "HKD",
            "HRK",
            "HUF",
            "IDR",
            "ILS",
            "INR",
            "ISK",
            "JPY",
            "KRW",
            "LTL",
            "LVL",
            "MTL",
            "MXN",
            "MYR",
            "NOK",
            "NZD",
            "PHP",
            "PLN",
            "ROL",
            "RON",
            "RUB",
            "SEK",
            "SGD",
            "SIT",
            "SKK",
            "THB",
            "TRL",
            "TRY",
            "USD",
            "ZAR",
            "UAH",
        ]
    )
    return frozenset(codes)


# ISO codes that are also common upper-case words or acronyms; they count only with a symbol-free number after them.
_CODE_STOPLIST = frozenset({"ALL", "TOP", "CUP", "MOP", "PEN", "BAM", "ERN", "BOB", "GEL", "AMD", "MAD", "SOS", "CVE"})


@cache
def _ambiguity_classes() -> dict[str, tuple[str, ...]]:
    """The currencies each shared symbol or name may mean (from CLDR names), most common first."""
    current = sorted(_current_currencies())

    def named(word: str, first: Sequence[str]) -> tuple[str, ...]:
        found = [c for c in current if str(get_currency_name(c, locale="en")).split()[-1].casefold().startswith(word)]
        return tuple(dict.fromkeys([*(c for c in first if c in found), *found]))

    dollar = named("dollar", ("USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD"))
    return {
        "dollar": (*dollar, "MXN"),
        "krone": tuple(c for c in named("kron", ("NOK", "SEK", "DKK", "ISK")) if c != "CZK"),
        "yen": ("JPY", "CNY"),
        "franc": named("franc", ("CHF", "XOF", "XAF")),
        "rupee": named("rupee", ("INR", "PKR", "LKR", "NPR")),
    }


def _inflections(name: str, lang: str) -> set[str]:
    """A CLDR name and, for German adjective + noun names, its inflected forms."""
    forms = {name.casefold()}
    words = name.split()
    if lang == "de" and len(words) >= 2:
        adjective = words[0].casefold()
        match = re.fullmatch(r"(.+isch)(e|er|es|en|em)?", adjective)
        if match:
            rest = " ".join(words[1:]).casefold()
            forms.update(f"{match.group(1)}{ending} {rest}" for ending in ("e", "er", "es", "en", "em"))
    return forms


@cache
def _currency_words(lang: str, extra_locale: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(symbols, names): each written form -> the ISO codes it may mean."""
    classes = _ambiguity_classes()
    symbols: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    codes = _current_currencies()
    for loc_id in dict.fromkeys(["en", "de", extra_locale]):
        loc = Locale.parse(loc_id)
        for code in codes:
            sym = loc.currency_symbols.get(code)
            if sym and sym != code and not sym.replace("\u202f", "").isalpha():
                symbols.setdefault(sym, set()).add(code)
    for sym, code in lex.CURRENCY_SYMBOLS.items():
        symbols[sym] = {code}
    for sym, cls in lex.AMBIGUOUS_SYMBOLS.items():
        symbols[sym] = set(classes[cls])
    for name_loc in dict.fromkeys(["en", "de", extra_locale]):
        loc = Locale.parse(name_loc)
        name_lang = str(loc.language)
        plurals = loc._data["currency_names_plural"]
        for code in codes:
            forms: set[str] = set()
            display = loc.currencies.get(code)
            if display:
                forms |= _inflections(str(display), name_lang)
            for plural in dict(plurals.get(code, {})).values():
                forms |= _inflections(str(plural), name_lang)
            for form in forms:
                if len(form) < 3:
                    continue
                names.setdefault(form, set()).add(code)
        for form, code in lex.CURRENCY_NAMES[name_lang].items():
            names[form] = {code}
        for form, cls in lex.AMBIGUOUS_NAMES[name_lang].items():
            names[form] = set(classes[cls])
    order = {c: i for cls in classes.values() for i, c in enumerate(cls)}

    def ordered(found: set[str]) -> tuple[str, ...]:
        return tuple(sorted(found, key=lambda c: (order.get(c, 999), c)))

    return ({k: ordered(v) for k, v in symbols.items()}, {k: ordered(v) for k, v in names.items()})


def _alternation(words: Iterable[str], *, spaces: bool = True) -> str:
    parts = sorted(set(words), key=lambda w: (-len(w), w))
    out = []
    for word in parts:
        escaped = re.escape(word)
        if spaces:
            escaped = escaped.replace(r"\ ", rf"{_SPACE}+")
        out.append(escaped)
    return "|".join(out)


def _number_word_pattern(lang: str) -> tuple[str, str]:
    """(number words, article forms that need a scale word after them)."""
    words = lex.NUMBER_WORDS[lang]
    if lang == "de":
        unit = "ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
        ones = "eins|einer|einem|einen|eine|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
        teens = "zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn"
        tens = "zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig"
        below100 = rf"(?:(?:{unit})und)?(?:{tens})|{teens}|{ones}"
        below100_inner = rf"(?:(?:{unit})und)?(?:{tens})|{teens}|{unit}|eins"
        below1000 = rf"(?:{unit})?hundert(?:{below100_inner})?|{below100}"
        number = (
            rf"(?:(?:{below1000})?tausend(?:{below100_inner}|(?:{unit})?hundert(?:{below100_inner})?)?|{below1000})"
        )
        article = rf"(?:(?:{unit})einhalb|anderthalb)"
        return number, article
    unit = "|".join(w for w, v in words.items() if v < 10)
    teens = "|".join(w for w, v in words.items() if 10 <= v < 20)
    tens = "|".join(w for w, v in words.items() if v >= 20)
    below100 = rf"(?:(?:{tens})(?:[- ](?:{unit}))?|{teens}|{unit})"
    number = rf"(?:(?:{unit}){_SPACE}+hundred(?:{_SPACE}+(?:and{_SPACE}+)?{below100})?|{below100})"
    article = rf"(?:one{_SPACE}+and{_SPACE}+a{_SPACE}+half|half{_SEP}an?|an?)"
    return number, article


@cache
def _syntax(locale_id: str) -> _Syntax:
    loc = Locale.parse(locale_id)
    lang = str(loc.language)
    decimal = str(get_decimal_symbol(loc))
    group = str(get_group_symbol(loc))
    groups = {group, " ", "\u00a0", "\u202f", "\u2009"}  # spaces group digits only in 3-digit groups
    if group in ("’", "'"):  # CLDR < 48 has ’ for the Swiss locales, CLDR 48 (babel 2.19) the ASCII '
        groups |= {"’", "'"}
    if group == decimal:  # pragma: no cover - no CLDR locale does this
        groups.discard(group)
    group_class = "[" + "".join(re.escape(g) for g in sorted(groups)) + "]"
    dec = re.escape(decimal)
    numeral = (
        rf"(?<![\d.,’'])(?:\d{{1,3}}(?:{group_class}\d{{3}})+|\d+)(?:{dec}\d+)?"
        rf"(?!\d|[.,’']\d|{group_class}\d{{3}}(?!\d))"
    )
    symbols, names = _currency_words(lang, str(loc))
    codes = frozenset(c for c in _current_currencies() if c not in _CODE_STOPLIST)
    code_alt = _trie_alternation(sorted(codes))  # the same codes as a trie: one branch per letter, not ~170 words
    symbol_alt = _alternation(symbols, spaces=False)
    name_alt = _alternation(names)
    scales = {**lex.SCALES[lang]}
    attached = lex.SCALES_ATTACHED[lang]
    scale_alt = _alternation(scales)
    attached_alt = _alternation(attached)
    quals = _alternation(lex.QUALIFIERS[lang])
    words, article = _number_word_pattern(lang)
    prefix = rf"(?P<pcur>{symbol_alt}|(?-i:{code_alt}))"
    suffix = rf"(?P<scur>{symbol_alt}|(?-i:{code_alt})|{name_alt})"
    scale_part = rf"(?:{_SEP}?(?P<scale>{scale_alt})" + (rf"|(?P<att>{attached_alt})" if attached_alt else "") + ")"
    # a number word may take an adjective before its scale word: "eine zusätzliche Milliarde", "an additional billion"
    adj = rf"(?:{_SPACE}+(?:{lex.SCALE_ADJECTIVES[lang]})(?={_SEP}(?:{scale_alt})))?"
    en_article = "|" + rf"an?(?={adj}{_SEP}(?:{scale_alt}))" if lang == "en" else ""
    number = (
        rf"(?:(?P<num>{numeral})|(?P<word>{words}){adj}(?=[\s\u00a0-])"
        rf"|(?P<art>{article}{en_article}){adj}(?={_SEP}(?:{scale_alt})))"
    )
    # _prefilter and _money_gate rest on this shape (a currency before or after the number, what may stand
    # around it): a change here must keep their argument true (tests/test_extract_speed.py checks them)
    pattern = (
        rf"(?<![\w$€£¥])(?:(?P<qual>{quals}){_SPACE}+)?"
        rf"(?:{prefix}{_SPACE}?{number}{scale_part}?"
        rf"|{number.replace('?P<', '?P<s_')}{scale_part.replace('?P<', '?P<s_')}?{_SEP}?{suffix})"
        rf"(?![^\W_]|\d)"
    )
    territory = str(loc.territory) if loc.territory else None
    return _Syntax(
        lang=lang,
        territory=territory,
        decimal=decimal,
        groups="".join(sorted(groups)),
        numeral=numeral,
        pattern=re.compile(pattern, re.IGNORECASE),
        prefilter=_prefilter(symbols, names, codes, [*scales, *attached], number),
        number=number,
        symbols=symbols,
        names=names,
        codes=codes,
    )


def _prefilter(
    symbols: Iterable[str], names: Iterable[str], codes: Iterable[str], scales: Iterable[str], number: str
) -> str | None:
    """A cheap pattern that finds something in every text where the amount pattern of :func:`_syntax` matches.

    :func:`find_money` runs the amount pattern (a large regular expression tried at every word) only on
    a text where this one matches: in ordinary news most sentences hold no currency and are skipped at
    a fraction of the cost. It looks for a currency (symbol, name or code) that is not preceded by a
    letter, possibly through a scale word right before it, and that is followed by a character that
    is not a letter or by a number. Why it never skips an amount: every match of the amount pattern
    contains its currency, ``pcur`` before the number or ``scur`` after it;

    * ``pcur`` starts the match (the pattern's look-behind refuses a word character before it) or
      follows a qualifier and spaces; after it come optional spaces and a number, so a character that
      is not a letter, or a number word or article (``(?=number)``);
    * ``scur`` ends the match (so no letter and no digit follows it) and follows ``_SEP`` (a space or a
      hyphen), a digit, or a scale word: a number word must be followed by a space or a hyphen, which
      ``_SEP`` takes (no currency starts with one), and an article needs a scale word;
    * a scale word right before ``scur`` ("5 MillionenEuro") follows ``_SEP`` or a digit in turn.

    Words are matched as tries (one branch per next character, ``\\s+`` for a space, which allows at
    least what ``_SPACE+`` allows), so the pattern accepts every text the argument needs and more.
    ``None`` (no prefilter) if a currency form starts with a space or a hyphen, which the argument
    excludes. ``tests/test_extract_speed.py`` checks the promise on random text. The source is
    returned: :func:`_ignoring_case` compiles it when it is first needed.
    """
    forms = sorted({*symbols, *names})
    if any(f[:1].isspace() or f[:1] == "-" for f in forms):  # pragma: no cover - no CLDR form does
        return None
    return _NOT_AFTER_LETTER + _currency_source(forms, codes, scales, number)


@cache
def _ignoring_case(source: str) -> re.Pattern[str]:
    """``source`` compiled with ``re.IGNORECASE``, once (the prefilter and the gate are compiled when first used)."""
    return re.compile(source, re.IGNORECASE)


_NOT_AFTER_LETTER = r"(?<![^\W\d_])"  # at the start, or after a character that is not a letter


def _currency_source(forms: Iterable[str], codes: Iterable[str], scales: Iterable[str], number: str) -> str:
    """The prefilter after its look-behind: an optional scale word, a currency, then no letter or a number.

    The words are lower-cased: the same language under ``re.IGNORECASE`` (which compares lower cases),
    and the same tries for the prefilter and the folded gate of :func:`_money_gate` (built once).
    """
    plain_number = re.sub(r"\(\?P<\w+>", "(?:", number)  # the number pattern without its group names
    scale = rf"(?:(?:{_trie_of(frozenset(w.lower() for w in scales))}){_SEP}?)?"
    currency = _trie_of(frozenset(f.lower() for f in forms))
    if codes:
        currency = rf"{currency}|(?-i:{_trie_of(frozenset(codes))})"
    return rf"{scale}(?:{currency})(?:(?![^\W\d_])|(?={plain_number}))"


@cache
def _trie_of(words: frozenset[str]) -> str:
    return _trie_alternation(sorted(words))


class _Gate:
    """Whether a sentence may hold an amount (see :func:`_money_gate`): False only when it cannot."""

    __slots__ = ("_codes", "_folded", "_source", "_special")

    def __init__(
        self,
        source: str,
        folded: re.Pattern[str] | None = None,
        codes: re.Pattern[str] | None = None,
        special: re.Pattern[str] | None = None,
    ) -> None:
        self._source, self._folded, self._codes, self._special = source, folded, codes, special

    @property
    def _pattern(self) -> re.Pattern[str]:
        """The test with ``IGNORECASE`` on the sentence as written (compiled when first needed)."""
        return _ignoring_case(self._source)

    def holds(self, sentence: str) -> bool:
        if self._folded is None or self._codes is None or self._special is None:
            return self._pattern.search(sentence) is not None
        if self._special.search(sentence) is not None:  # a character that lower() does not fold as re does
            return self._pattern.search(sentence) is not None
        # " " + ...: the folded pattern takes the character before the word it tests (see _money_gate)
        return self._folded.search(" " + sentence.lower()) is not None or self._codes.search(sentence) is not None


@cache
def _money_gate(locale_id: str) -> _Gate | None:
    """A cheap test that passes every sentence in which extraction can find an amount.

    It passes where the prefilter of :func:`find_money` matches (a currency), or where a scale word of a
    million or more stands at the start of a word or right after a scale adjective there ("einer
    weiterenMilliarde"): every number :func:`_scaled_numbers` reads has one (its number ends in a digit,
    or is a word followed by spaces, or an adjective). A sentence that fails holds no amount and no scaled
    number, so :func:`aidtrack.text.extract.extract_pledges` skips it.

    The same test runs case-sensitively on ``sentence.lower()`` (the regular-expression engine tries a
    branch per next character much faster without ``IGNORECASE``), with the currency codes, which must
    be upper case, looked for anywhere in the sentence as written. Lower-casing and ``IGNORECASE`` agree
    on every character but a few (``İ``, and the dotless ``ı`` and long ``ſ`` that ``re`` also equates
    with ``i`` and ``s``): a sentence holding one of those is tested with the ``IGNORECASE`` pattern.
    ``tests/test_extract_speed.py`` checks every code point. The folded pattern consumes the character
    before the word instead of looking behind (``[\\W\\d_]`` rather than ``(?<![^\\W\\d_])``, with a space
    put before the sentence for its first word): starting with a character class lets the engine skip
    to the next candidate character in C instead of trying the pattern at every position.
    """
    syntax = _syntax(locale_id)
    if syntax.prefilter is None:  # pragma: no cover - see _prefilter
        return None
    lang = syntax.lang
    big = [w for w, e in lex.SCALES[lang].items() if e >= 6]
    adjectives = lex.SCALE_ADJECTIVES[lang]
    body = syntax.prefilter.removeprefix(_NOT_AFTER_LETTER)
    scaled = rf"(?:{adjectives})?(?:{_trie_alternation(sorted(big))})(?!\w)"
    pattern = rf"{_NOT_AFTER_LETTER}(?:{body}|{scaled})"
    forms = [f.lower() for f in (*syntax.symbols, *syntax.names)]
    scales = [w.lower() for w in (*lex.SCALES[lang], *lex.SCALES_ATTACHED[lang])]
    number = re.sub(r"\(\?P<\w+>", "(?:", syntax.number)
    special = _fold_exceptions([*forms, *scales, *big, number, adjectives])
    if special is None or number != number.lower() or adjectives != adjectives.lower():  # pragma: no cover
        return _Gate(pattern)
    folded_body = _currency_source(forms, (), scales, number)
    folded_scaled = rf"(?:{adjectives})?(?:{_trie_alternation(sorted({w.lower() for w in big}))})(?!\w)"
    return _Gate(
        pattern,
        folded=re.compile(rf"[\W\d_](?:{folded_body}|{folded_scaled})"),
        codes=re.compile(_trie_alternation(sorted(syntax.codes))),
        special=re.compile("[" + "".join(sorted(special)) + "]"),
    )


def _fold_exceptions(sources: Iterable[str]) -> set[str] | None:
    """Characters whose ``lower()`` differs from how ``re.IGNORECASE`` equates them with a character in ``sources``.

    ``re`` compares the simple lower case of two characters and also equates a few pairs with different
    lower cases (``re._casefix``: ``i`` and the dotless ``ı``, ``s`` and the long ``ſ`` ...). ``İ`` lowers
    to two characters. ``None`` when the pairs cannot be read or a source holds a character of a pair
    whose partners are not all letters (then lower-casing is not used at all).
    """
    try:  # the pairs re.IGNORECASE equates besides lower case (re's own table, generated from Unicode)
        extra: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
    except (ImportError, AttributeError):  # pragma: no cover - CPython has had it since 3.11
        return None
    used = {ch for source in sources for ch in source}
    out = {"\u0130"}  # İ: lower() gives "i" and a combining dot, re compares its simple lower case "i"
    for low, others in extra.items():
        if chr(low) in used:
            partners = [chr(o) for o in others]
            if not all(p.isalpha() for p in partners) or any(p in used for p in partners):  # pragma: no cover
                return None
            out.update(partners)
            out.update(p.upper() for p in partners if len(p.upper()) == 1 and p.upper().lower() != chr(low))
    return {re.escape(ch) for ch in out}


# -- values ------------------------------------------------------------------------------
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, DivisionByZero, Overflow])
"""Every step from written number to amount (scales, number words): exact, whatever the caller's decimal
context (a bare ``x.scaleb(9)`` or ``x * 100`` rounds to its precision, 28 digits by default; Money then
refuses an amount beyond aidtrack's limits instead of receiving a rounded one)."""


def _numeral_value(text: str, syntax: _Syntax) -> Decimal:
    digits = "".join(ch for ch in text if ch not in syntax.groups)
    return _EXACT.create_decimal(digits.replace(syntax.decimal, "."))


def _scaled(value: Decimal, exponent: int) -> Decimal:
    """``value × 10**exponent`` exactly, as :func:`_plain` writes it."""
    return _plain(value.scaleb(exponent, _EXACT))


def _de_word_value(word: str) -> Decimal:
    w = word.casefold()
    halves = {"anderthalb": Decimal("1.5")}
    if w in halves:
        return halves[w]
    if w.endswith("einhalb"):
        return _EXACT.add(_de_word_value(w[: -len("einhalb")]), Decimal("0.5"))
    if "tausend" in w:
        left, right = w.split("tausend", 1)
        return _EXACT.fma(_de_word_value(left) if left else Decimal(1), 1000, _de_word_value(right) if right else 0)
    if "hundert" in w:
        left, right = w.split("hundert", 1)
        return _EXACT.fma(_de_word_value(left) if left else Decimal(1), 100, _de_word_value(right) if right else 0)
    if "und" in w and w not in lex.NUMBER_WORDS["de"]:
        left, right = w.split("und", 1)
        return _EXACT.add(_de_word_value(left), _de_word_value(right))
    return Decimal(lex.NUMBER_WORDS["de"][w])


def _en_word_value(text: str) -> Decimal:
    t = " ".join(text.casefold().replace("-", " ").split())
    if t in ("a", "an"):
        return Decimal(1)
    if t.startswith("half"):
        return Decimal("0.5")
    if t == "one and a half":
        return Decimal("1.5")
    total = Decimal(0)
    for word in t.split():
        if word == "and":
            continue
        total = _EXACT.multiply(total, 100) if word == "hundred" else _EXACT.add(total, lex.NUMBER_WORDS["en"][word])
    return total


def _plain(value: Decimal) -> Decimal:
    """``2.5E+9`` as ``2500000000``; keeps written decimals (``1.50``) as they are."""
    if value == value.to_integral_value(context=_EXACT) and value.adjusted() < 27:  # at most 27 digits
        return value.quantize(Decimal(1), context=_EXACT)
    return value


# -- currency resolution -----------------------------------------------------------------
@cache
def _territory_currency(country: str) -> str | None:
    try:
        found = get_territory_currencies(country.upper(), tender=True)
    except Exception:  # babel raises various errors for unknown territories
        return None
    return str(found[0]) if found else None


def _resolve(
    written: str,
    candidates: tuple[str, ...],
    *,
    hint: str | None,
    countries: Sequence[str],
    territory: str | None,
    locale_id: str,
) -> tuple[str | None, tuple[str, ...]]:
    if len(candidates) == 1:
        return candidates[0], ()
    if hint is not None and hint in candidates:
        return hint, (f"{written!r} read as {hint} (currency hint)",)
    by_country = {}
    for country in countries:
        code = _territory_currency(country)
        if code in candidates:
            by_country[code] = country
    if len(by_country) == 1:
        code, country = next(iter(by_country.items()))
        return code, (f"{written!r} read as {code}, the currency of {country.upper()} (context)",)
    if len(by_country) > 1:
        return None, (f"{written!r} is ambiguous: the context names {', '.join(sorted(by_country.values()))}",)
    if territory is not None:
        code = _territory_currency(territory)
        if code in candidates:
            return code, (f"{written!r} read as {code}, the currency of the locale {locale_id}",)
    return None, (
        f"{written!r} is ambiguous: it may be {', '.join(candidates[:6])}{', ...' if len(candidates) > 6 else ''}",
    )


def _lookup(written: str, syntax: _Syntax) -> tuple[str, ...]:
    if written in syntax.symbols:
        return syntax.symbols[written]
    upper = written.upper()
    if upper in syntax.codes and written.isupper():
        return (upper,)
    folded = " ".join(written.casefold().split())
    if folded in syntax.names:
        return syntax.names[folded]
    for sym, codes in syntax.symbols.items():  # symbols matched case-insensitively ("KR", "c$")
        if sym.casefold() == folded:
            return codes
    return ()


# -- finding -------------------------------------------------------------------------------
def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise MoneyParseError(repr(text)[:80], f"expected text (str), not {type(text).__name__}")
    return text


def _check_hint(currency: str | None) -> str | None:
    if currency is None:
        return None
    from aidtrack.currency import normalize_currency

    return normalize_currency(currency)


def _iter_raw(text: str, syntax: _Syntax, *, prefilter: bool = True) -> Iterator[re.Match[str]]:
    if len(text) > _MAX_TEXT:
        raise MoneyParseError(text[:80] + "...", f"text too long ({len(text)} characters; at most {_MAX_TEXT})")
    if (
        prefilter
        and _PREFILTER
        and syntax.prefilter is not None
        and _ignoring_case(syntax.prefilter).search(text) is None
    ):
        return  # no currency where an amount's currency can stand: no amount (see _prefilter)
    yield from syntax.pattern.finditer(text)


def _build(
    match: re.Match[str], text: str, syntax: _Syntax, *, hint: str | None, countries: Sequence[str], locale_id: str
) -> MoneyMatch | None:
    g = match.groupdict()
    num = g["num"] or g["s_num"]
    word = g["word"] or g["s_word"]
    art = g["art"] or g["s_art"]
    scale_word = g["scale"] or g["s_scale"]
    attached = g.get("att") or g.get("s_att")
    written = g["pcur"] or g["scur"] or ""
    start, end = match.span()
    notes: list[str] = []
    ambiguous = False
    # a hyphen right after the amount is fine only in a compound that already uses hyphens
    if end < len(text) - 1 and text[end] == "-" and text[end + 1].isalpha() and "-" not in match.group(0):
        return None
    if num is None and _PART_OF.get(syntax.lang, _NEVER).search(text, max(0, start - 40), start):
        # "a quarter of a billion", "ein Viertel einer Milliarde", "einige hundert Millionen": the word is
        # not the amount ("a billion" is not what the text says); nothing is read rather than a wrong figure
        return None
    scale_before, before, after = _compound(syntax.lang)
    if (scale_before.search(text, max(0, start - 24), start) and before.search(text, max(0, start - 80), start)) or (
        (scale_word is not None or attached is not None) and after.match(text, end)
    ):
        # one amount written in several groups ("1 million 200 thousand euros", "twelve thousand five hundred
        # euros", "zwei Millionen dreihunderttausend Euro", "EUR 5 million 300 thousand"): this match is one group
        # of it; nothing is read rather than a part of the figure
        return None
    if (
        num is not None
        and scale_word is None
        and attached is None
        and g["scur"]
        and _YEAR.fullmatch(num)
        and _PRICE_BASIS.get(syntax.lang, _NEVER).search(text, max(0, start - 20), start)
    ):
        return None  # "in 2023 euros", "in constant 2020 dollars": the prices of a year, not 2023 euros
    try:
        if num is not None:
            value = _numeral_value(num, syntax)
            if (
                not (set(num) & set(syntax.groups))
                and syntax.decimal in num
                and scale_word is None
                and attached is None
            ):
                tail = num.split(syntax.decimal, 1)[1]
                if len(tail) == 3:
                    ambiguous = True
                    notes.append(
                        f"numeral {num!r} read as {value} with the {syntax.lang} decimal separator "
                        f"{syntax.decimal!r}; it could be a thousands separator"
                    )
        elif word is not None:
            value = _de_word_value(word) if syntax.lang == "de" else _en_word_value(word)
        elif art is not None:
            value = _de_word_value(art) if syntax.lang == "de" else _en_word_value(art)
        else:  # pragma: no cover - the pattern always captures a number
            return None
    except (InvalidOperation, KeyError, ValueError):
        return None
    exponent = 0
    if scale_word is not None:
        exponent = {**lex.SCALES[syntax.lang]}[" ".join(scale_word.casefold().split())]
    elif attached is not None:
        exponent = lex.SCALES_ATTACHED[syntax.lang][attached.casefold()]
    amount = _scaled(value, exponent)
    candidates = _lookup(written.strip(), syntax)
    if not candidates:
        return None
    currency, resolved_notes = _resolve(
        written.strip(), candidates, hint=hint, countries=countries, territory=syntax.territory, locale_id=locale_id
    )
    notes.extend(resolved_notes)
    qualifier = Qualifier.EXACT
    qual_text = g["qual"]
    if qual_text and qual_text.casefold() == "über" and _AMOUNTING_TO.search(text[max(0, start - 40) : start]):
        # "ein Paket über 440 Millionen" is a package *of* 440 million, not "more than"
        notes.append(
            f"'über' after {text[max(0, start - 40) : start].split()[-1]!r} means 'amounting to', not 'more than'"
        )
        start = match.start("qual") + len(qual_text)
        while text[start].isspace():
            start += 1
        qual_text = None
    if qual_text:
        qualifier = Qualifier(lex.QUALIFIERS[syntax.lang][" ".join(qual_text.casefold().split())])
    return MoneyMatch(
        text=text[start:end],
        start=start,
        end=end,
        amount=amount,
        currency=currency,
        candidates=candidates,
        qualifier=qualifier,
        qualifier_text=qual_text,
        currency_text=written.strip(),
        ambiguous=ambiguous or currency is None,
        notes=tuple(notes),
        scale=exponent,
    )


_NEVER = re.compile(r"(?!)")


# What, right before an amount written with a word ("a billion", "einer Milliarde", "hundert Millionen"), makes
# the word not the amount: a fraction or percentage of it, or a vague multiple of it.
@cache
def _compound(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(scale before, before, after): a number and a scale word right before an amount (searched up to its start;
    the scale word alone first, a cheap test), or right after an amount that has a scale word (matched at its
    end): the groups of one amount written in several."""
    number, article = _number_word_pattern(lang)
    scale = "|".join(
        re.escape(w) + ("" if w.endswith(".") else r"\b") for w in sorted(lex.SCALES[lang], key=len, reverse=True)
    )
    group = rf"(?:\d[\d.,'\u00a0]*|\b(?:{number}|{article})){_SPACE}*\b(?:{scale})"
    return (
        re.compile(rf"\b(?:{scale}){_SPACE}+$", re.IGNORECASE),
        re.compile(rf"{group}{_SPACE}+$", re.IGNORECASE),
        re.compile(rf"{_SPACE}+{group}", re.IGNORECASE),
    )


_PART_OF = {
    "en": re.compile(
        r"(?:\b(?:half|quarters?|thirds?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?|hundredths?|"
        r"fraction|percent)|\bper[\s\u00a0]+cent|%)[\s\u00a0]+of[\s\u00a0]+$",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"(?:\b(?:Hälfte|Viertel|Drittel|Fünftel|Sechstel|Siebtel|Achtel|Neuntel|Zehntel|Hundertstel|Bruchteil|"
        r"Prozent)|%|\b(?:einige|einigen|mehrere|mehreren|etliche|etlichen|viele|vielen|wenige|wenigen|paar))"
        r"[\s\u00a0]+$",
        re.IGNORECASE,
    ),
}
_YEAR = re.compile(r"(?:19|20)\d\d")
_PRICE_BASIS = {"en": re.compile(r"\b(?:in|constant|real)[\s\u00a0]+$", re.IGNORECASE)}
_AMOUNTING_TO = re.compile(
    r"(?:paket|scheck|vertrag|kredit|kredite|darlehen|zusage|vereinbarung|summe|betrag|hilfe|anleihe|rechnung|"
    r"tranche|volumen)[\s\u00a0]+$",
    re.IGNORECASE,
)
_RANGE_WORDS = {"de": ("bis", "und"), "en": ("to", "and")}


@cache
def _range_patterns(lang: str, numeral: str) -> tuple[str, re.Pattern[str], re.Pattern[str]]:
    """The connector, the bare-number-before and the number-ahead patterns of :func:`_ranges` (built once)."""
    to_word, and_word = _RANGE_WORDS[lang]
    between = "zwischen" if lang == "de" else "between"
    connector = rf"{_SPACE}*(?:[-–—]|{to_word}|{and_word}){_SPACE}*"
    bare = re.compile(
        rf"(?:(?P<between>{between}){_SPACE}+)?(?P<low>\d[\d.,’'\u00a0\u202f]*)"
        rf"(?:{_SPACE}*(?P<scale>{_alternation(lex.SCALES[lang])}))?"
        rf"(?P<conn>{connector})$",
        re.IGNORECASE,
    )
    ahead = re.compile(
        rf"(?P<conn>{connector})(?P<high>{numeral})(?:{_SEP}?(?P<scale>{_alternation(lex.SCALES[lang])})"
        + (rf"|(?P<att>{_alternation(lex.SCALES_ATTACHED[lang])})" if lex.SCALES_ATTACHED[lang] else "")
        + r")(?![^\W_])",
        re.IGNORECASE,
    )
    return connector, bare, ahead


def _ranges(found: list[MoneyMatch], text: str, syntax: _Syntax) -> list[MoneyMatch]:
    """Fold "A to B" / "zwischen A und B" (A an amount or a bare number) into one range match."""
    and_word = _RANGE_WORDS[syntax.lang][1]
    between = "zwischen" if syntax.lang == "de" else "between"
    connector, bare, ahead_pattern = _range_patterns(syntax.lang, syntax.numeral)
    out: list[MoneyMatch] = []
    for m in found:
        prev = out[-1] if out else None
        if prev is not None and prev.upper is None and m.qualifier is Qualifier.EXACT:
            gap = text[prev.end : m.start]
            conn = re.fullmatch(connector, gap, re.IGNORECASE)
            same = prev.currency == m.currency or prev.currency is None or m.currency is None
            is_and = conn is not None and gap.strip().casefold() == and_word
            before = text[max(0, prev.start - 12) : prev.start].casefold()
            lo, hi = prev.amount if prev.scale else _scaled(prev.amount, m.scale), m.amount
            if between in before and lo > hi:  # "between €2 billion and €1 billion": the same range
                lo, hi = hi, lo
            if conn and same and (not is_and or between in before) and lo < hi:
                # "€2 billion to €1 billion" (a cut from one figure to another) is no range: two amounts
                out[-1] = replace(
                    prev,
                    text=text[prev.start : m.end],
                    end=m.end,
                    amount=lo,
                    upper=hi,
                    currency=prev.currency or m.currency,
                    ambiguous=prev.ambiguous and m.ambiguous,
                    qualifier=Qualifier.AT_LEAST if prev.qualifier is Qualifier.EXACT else prev.qualifier,
                    notes=(*prev.notes, f"range {lo} to {hi}: the lower bound is recorded as at_least"),
                )
                continue
        scaled_first = (  # "€1bn-1.5bn", "EUR 1 billion to 1.5 billion": the currency before the number
            m.scale > 0 and m.currency_text and not m.text.rstrip().endswith(m.currency_text.strip())
        )
        if (
            m.upper is None
            and m.currency_text
            and ((m.scale == 0 and m.text.endswith(tuple("0123456789"))) or scaled_first)
        ):
            ahead = ahead_pattern.match(text, m.end)  # at the amount's end, without copying the rest of the text
            if ahead is not None and ahead.group("conn").strip().casefold() != and_word:
                word = ahead.group("scale")
                exp = (
                    lex.SCALES[syntax.lang][" ".join(word.casefold().split())]
                    if word
                    else lex.SCALES_ATTACHED[syntax.lang][(ahead.group("att") or "").casefold()]
                )
                try:
                    high = _scaled(_numeral_value(ahead.group("high"), syntax), exp)
                except InvalidOperation:
                    high = None
                low = m.amount if m.scale else _scaled(m.amount, exp)  # "€1-1.5bn": the first number takes bn
                if high is not None and low < high:
                    m = replace(
                        m,
                        text=text[m.start : ahead.end()],
                        end=ahead.end(),
                        amount=low,
                        upper=high,
                        scale=m.scale or exp,
                        qualifier=Qualifier.AT_LEAST if m.qualifier is Qualifier.EXACT else m.qualifier,
                        notes=(*m.notes, f"range {low} to {high}: the lower bound is recorded as at_least"),
                    )
        if m.qualifier is Qualifier.EXACT and m.upper is None:
            window_start = max(0, m.start - 40)
            b = bare.search(text[window_start : m.start])
            if b is not None:
                is_and = b.group("conn").strip().casefold() == and_word
                if not is_and or b.group("between"):
                    try:
                        low_value = _numeral_value(b.group("low").rstrip(".,"), syntax)
                    except InvalidOperation:
                        low_value = None
                    if low_value is not None:
                        low_exp = (
                            lex.SCALES[syntax.lang][" ".join(b.group("scale").casefold().split())]
                            if b.group("scale")
                            else m.scale
                        )
                        low = _scaled(low_value, low_exp)
                        if low < m.amount:
                            new_start = window_start + b.start()
                            m = replace(
                                m,
                                text=text[new_start : m.end],
                                start=new_start,
                                amount=low,
                                upper=m.amount,
                                qualifier=Qualifier.AT_LEAST,
                                qualifier_text=None,
                                notes=(*m.notes, f"range {low} to {m.amount}: the lower bound is recorded as at_least"),
                            )
        out.append(m)
    return out


def find_money(
    text: str,
    *,
    locale: str,
    currency: str | None = None,
    countries: Sequence[str] = (),
) -> list[MoneyMatch]:
    """Every amount of money in ``text``, in order, as :class:`MoneyMatch` objects.

    ``locale`` (``"de"``, ``"de_CH"``, ``"en"``, ``"en_CA"`` ...) gives the
    language's words and the separators. ``currency`` settles ambiguous symbols
    when it is one of their candidates; ``countries`` (ISO 3166 codes, e.g. the
    donor's) settle them by the country's currency. Numbers without a currency
    (years, percentages, counts) are not amounts and are not returned.

    Never raises for any ``str`` (a non-str raises :class:`MoneyParseError`).

    >>> [m.text for m in find_money("30 Prozent von 22.000 Soldaten, 1,2 Millionen Männer, 5 Mio. €", locale="de")]
    ['5 Mio. €']
    """
    text = _check_text(text)
    locale_id = _locale_id(locale)
    hint = _check_hint(currency)
    syntax = _syntax(locale_id)
    ctx = [c for c in countries if isinstance(c, str)]
    visible, kept = _visible_text(text)
    found: list[MoneyMatch] = []
    for raw in _iter_raw(visible, syntax):
        built = _build(raw, visible, syntax, hint=hint, countries=ctx, locale_id=locale_id)
        if built is not None:
            found.append(built)
    out = _ranges(found, visible, syntax)
    return out if kept is None else [_remap_match(m, text, kept) for m in out]


def _money_in_visible(text: str, locale_id: str) -> list[MoneyMatch]:
    """``find_money(text, locale=locale_id)`` for a text without invisible characters, without the prefilter.

    For :func:`aidtrack.text.extract.extract_pledges`, which has already tested the sentence with
    :func:`_money_gate` (a wider test): the prefilter would only repeat it.
    """
    syntax = _syntax(locale_id)
    found: list[MoneyMatch] = []
    for raw in _iter_raw(text, syntax, prefilter=False):
        built = _build(raw, text, syntax, hint=None, countries=[], locale_id=locale_id)
        if built is not None:
            found.append(built)
    return _ranges(found, text, syntax)


@cache
def _scaled_pattern(locale_id: str) -> re.Pattern[str]:
    syntax = _syntax(locale_id)
    lang = syntax.lang
    big = [w for w, e in lex.SCALES[lang].items() if e >= 6]
    scale_alt = _alternation(big)
    words, article = _number_word_pattern(lang)
    adj = rf"(?:{_SPACE}+(?:{lex.SCALE_ADJECTIVES[lang]}))?"
    en_article = "|an?" if lang == "en" else ""
    return re.compile(
        rf"(?<![\w$€£¥.,])(?:(?P<qual>{_alternation(lex.QUALIFIERS[lang])}){_SPACE}+)?"
        rf"(?:(?P<num>{syntax.numeral})|(?P<word>{words}|{article}{en_article})(?={_SPACE}){adj})"
        rf"{_SEP}?(?P<scale>{scale_alt})(?![\w])",
        re.IGNORECASE,
    )


def _scaled_numbers(text: str, *, locale: str) -> list[MoneyMatch]:
    """Numbers with a scale word of a million or more and no currency ("15 billion", "einer weiteren Milliarde").

    They are not amounts of money on their own (``find_money`` never returns
    them); :func:`aidtrack.text.extract.extract_pledges` reads one as money only
    when the sentence or the one before it names the currency. Each is
    returned with ``currency=None``, no ``candidates`` and ``currency_text=""``.

    >>> [(m.text, m.amount) for m in _scaled_numbers("mit einer weiteren Milliarde und 500 Mio.", locale="de")]
    [('einer weiteren Milliarde', Decimal('1000000000')), ('500 Mio.', Decimal('500000000'))]
    """
    locale_id = _locale_id(locale)
    syntax = _syntax(locale_id)
    visible, kept = _visible_text(text)
    out: list[MoneyMatch] = []
    part_of = _PART_OF.get(syntax.lang, _NEVER)
    for m in _scaled_pattern(locale_id).finditer(visible):
        if m.group("num") is None and part_of.search(visible, max(0, m.start() - 40), m.start()):
            continue  # "a quarter of a further billion": not a billion (see _build)
        try:
            if m.group("num") is not None:
                value = _numeral_value(m.group("num"), syntax)
            else:
                word = m.group("word")
                value = _de_word_value(word) if syntax.lang == "de" else _en_word_value(word)
        except (InvalidOperation, KeyError, ValueError):
            continue
        exponent = lex.SCALES[syntax.lang][" ".join(m.group("scale").casefold().split())]
        qual_text = m.group("qual")
        qualifier = (
            Qualifier(lex.QUALIFIERS[syntax.lang][" ".join(qual_text.casefold().split())])
            if qual_text
            else Qualifier.EXACT
        )
        found = MoneyMatch(
            text=m.group(0),
            start=m.start(),
            end=m.end(),
            amount=_scaled(value, exponent),
            currency=None,
            candidates=(),
            qualifier=qualifier,
            qualifier_text=qual_text,
            ambiguous=True,
            notes=("no currency written",),
            scale=exponent,
        )
        out.append(_remap_match(found, text, kept))
    return out


def _visible_text(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible characters (soft hyphen, zero-width space/joiners, word joiner, BOM).

    Returns the visible text and, when something was removed, the index in
    ``text`` of each character kept (``None`` when nothing was removed). A
    number split by a soft hyphen in scraped HTML (``C$44\u00ad0 million``)
    reads as the reader sees it: 440 million.

    >>> _visible_text("44\u00ad0")
    ('440', [0, 1, 3])
    """
    if _INVISIBLE_RE.search(text) is None:
        return text, None
    kept = [i for i, ch in enumerate(text) if ch not in _INVISIBLE]
    return "".join(text[i] for i in kept), kept


def _original_span(start: int, end: int, kept: list[int] | None) -> tuple[int, int]:
    """The span in the original text of ``visible[start:end]`` (see ``_visible_text``)."""
    if kept is None:
        return start, end
    if end <= start:
        pos = kept[start] if start < len(kept) else (kept[-1] + 1 if kept else 0)
        return pos, pos
    return kept[start], kept[end - 1] + 1


def _remap_match(m: MoneyMatch, text: str, kept: list[int] | None) -> MoneyMatch:
    """``m`` found in the visible text, with its span and text in the original ``text``."""
    if kept is None:
        return m
    start, end = _original_span(m.start, m.end, kept)
    return replace(m, start=start, end=end, text=text[start:end])


def _minus_before(text: str, start: int) -> bool:
    """Whether a minus sign (``-`` or ``−``) stands right before ``start``, as a sign, not a hyphen."""
    head = text[:start].rstrip()
    return head.endswith(("-", "\u2212")) and not head[:-1][-1:].isalnum()


def parse_money(text: str, *, locale: str, currency: str | None = None) -> Money:
    """Read exactly one amount of money from ``text``.

    Raises :class:`MoneyParseError` (naming the text) when there is no amount
    or more than one, and :class:`AmbiguousCurrencyError` when the currency
    fits several (``$``, ``kr``) and neither ``currency`` nor the locale's
    territory settles it. With ``currency``, a bare number (``"1.234,5"``) is
    read in that currency.

    >>> parse_money("1.234,5 €", locale="de") == parse_money("€1,234.5", locale="en")
    True
    >>> parse_money("22.000 Euro", locale="de")
    Money('22000', 'EUR')
    >>> parse_money("$500M", locale="en_US"), parse_money("$440M", locale="en_CA")
    (Money('500000000', 'USD'), Money('440000000', 'CAD'))
    >>> parse_money("1.234,5", locale="de", currency="NOK")
    Money('1234.5', 'NOK')
    >>> parse_money("-5 million euros", locale="en")
    Money('-5000000', 'EUR')
    >>> parse_money("rund zehn Soldaten", locale="de")
    Traceback (most recent call last):
    aidtrack.errors.MoneyParseError: no amount of money in 'rund zehn Soldaten' ...
    """
    text = _check_text(text)
    found = find_money(text, locale=locale, currency=currency)
    if len(found) > 1:
        raise MoneyParseError(
            text,
            f"{len(found)} amounts of money in {text!r} ({'; '.join(m.text for m in found)}); "
            "expected exactly one (use find_money to read them all)",
            found=[m.text for m in found],
        )
    if found:
        return -found[0].money if _minus_before(text, found[0].start) else found[0].money
    hint = _check_hint(currency)
    if hint is not None:
        bare = _bare_amount(text, locale)
        if bare is not None:
            return Money(bare, hint)
    example = "'2,5 Mrd. Euro' or '440 Mio. CAD'" if _parse_locale(locale).language == "de" else "'€2.5 billion'"
    raise MoneyParseError(
        text,
        f"no amount of money in {text!r} (locale {locale}): expected a number with a currency, e.g. {example}",
    )


def _bare_amount(text: str, locale: str) -> Decimal | None:
    """A number with an optional scale word and nothing else, for ``parse_money(..., currency=...)``."""
    syntax = _syntax(str(_parse_locale(locale)))
    scales = lex.SCALES[syntax.lang]
    m = re.fullmatch(
        rf"{_SPACE}*(?P<num>[\d.,’'\u00a0\u202f\u2009]+?)(?:{_SPACE}*(?P<scale>{_alternation(scales)}))?{_SPACE}*",
        text,
        re.IGNORECASE,
    )
    if m is None:
        return None
    probe = f"{m.group('num')} EUR"
    hits = [h for h in syntax.pattern.finditer(probe) if h.group("s_num") == m.group("num")]
    if not hits:
        return None
    try:
        value = _numeral_value(m.group("num"), syntax)
    except InvalidOperation:
        return None
    exponent = scales[" ".join(m.group("scale").casefold().split())] if m.group("scale") else 0
    return _scaled(value, exponent)
