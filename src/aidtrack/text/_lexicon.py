"""Word lists for reading amounts in German and English text (data only).

Most currency names and symbols come from babel's CLDR data (see
:mod:`aidtrack.text.parsing`); this module holds what CLDR does not: scale words,
qualifiers, number words, inflected and colloquial currency names, and the
symbols and names that several currencies share.
"""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS",
    "ADJECTIVES",
    "AGGRESSION",
    "AID_NOUNS",
    "AMBIGUOUS_NAMES",
    "AMBIGUOUS_SYMBOLS",
    "CATEGORIES",
    "COLLECTIVES",
    "COMPOUND_PREFIXES",
    "COUNTRY_ALIASES",
    "CUMULATIVE",
    "CURRENCY_NAMES",
    "CURRENCY_SYMBOLS",
    "EQUIVALENT_WORDS",
    "GOVERNMENT_NOUNS",
    "HEADS",
    "HOSTING",
    "METONYMS",
    "MONTHS",
    "NUMBER_WORDS",
    "OFFICES",
    "OFFICE_CONTEXT",
    "ORGANISATIONS",
    "ORGANISATION_CODES",
    "ORGANISATION_HEADS",
    "ORGANISATION_TAILS",
    "PART_WORDS",
    "PLEDGE_VERBS",
    "PREPOSITIONS",
    "QUALIFIERS",
    "RELATIVE_DAYS",
    "SCALES",
    "SCALES_ATTACHED",
    "SCALE_ADJECTIVES",
    "WEEKDAYS",
]

# -- scale words: word (casefolded) -> power of ten ------------------------------
SCALES: dict[str, dict[str, int]] = {
    "de": {
        "tsd.": 3,
        "tsd": 3,
        "tausend": 3,
        "mio.": 6,
        "mio": 6,
        "million": 6,
        "millionen": 6,
        "mrd.": 9,
        "mrd": 9,
        "milliarde": 9,
        "milliarden": 9,
        # German "Billion" is 10**12 (long scale), not the English billion.
        "bio.": 12,
        "bio": 12,
        "billion": 12,
        "billionen": 12,
    },
    "en": {
        "thousand": 3,
        "million": 6,
        "mn": 6,
        "mln": 6,
        "billion": 9,
        "bn": 9,
        "trillion": 12,
        "tn": 12,
        "trn": 12,
    },
}

# Abbreviations that count only when written right after the digits: "$500m", "€2B", "$20k".
SCALES_ATTACHED: dict[str, dict[str, int]] = {
    "de": {},
    "en": {"k": 3, "m": 6, "mil": 6, "b": 9, "t": 12},
}

# Adjectives allowed between a number word and its scale word: "eine zusätzliche Milliarde Pfund",
# "einer weiteren Milliarde", "an additional billion dollars" (the amount is still one billion).
SCALE_ADJECTIVES: dict[str, str] = {
    "de": r"zusätzliche[nrms]?|weitere[nrms]?|neue[nrms]?|ganze[nrms]?",
    "en": r"additional|further|extra|more|new",
}

# -- qualifiers: phrase (casefolded) -> Qualifier value --------------------------
# Decisions (see docs/extraction.md):
#  * floors ("über", "more than", "at least") are at_least;
#  * ceilings ("bis zu", "up to", "less than") are at_most;
#  * "rund", "about", ... are approximately;
#  * "knapp", "fast", "nearly", "almost", "just under" are approximately, not at_most:
#    they say the true figure is close to the number (only slightly below it), whereas
#    at_most is a ceiling with no floor ("up to 2 billion" may end as 0.5 billion).
QUALIFIERS: dict[str, dict[str, str]] = {
    "de": {
        "mehr als": "at_least",
        "über": "at_least",
        "ueber": "at_least",
        "mindestens": "at_least",
        "wenigstens": "at_least",
        "gut": "at_least",
        "gute": "at_least",
        "bis zu": "at_most",
        "höchstens": "at_most",
        "maximal": "at_most",
        "weniger als": "at_most",
        "unter": "at_most",
        "rund": "approximately",
        "etwa": "approximately",
        "ca.": "approximately",
        "circa": "approximately",
        "zirka": "approximately",
        "ungefähr": "approximately",
        "annähernd": "approximately",
        "schätzungsweise": "approximately",
        "knapp": "approximately",
        "fast": "approximately",
        "nahezu": "approximately",
        "beinahe": "approximately",
    },
    "en": {
        "more than": "at_least",
        "over": "at_least",
        "well over": "at_least",
        "just over": "at_least",
        "in excess of": "at_least",
        "upwards of": "at_least",
        "at least": "at_least",
        "no less than": "at_least",
        "minimum": "at_least",
        "a minimum of": "at_least",
        "at a minimum": "at_least",
        "up to": "at_most",
        "as much as": "at_most",
        "at most": "at_most",
        "no more than": "at_most",
        "less than": "at_most",
        "under": "at_most",
        "about": "approximately",
        "around": "approximately",
        "roughly": "approximately",
        "approximately": "approximately",
        "some": "approximately",
        "an estimated": "approximately",
        "nearly": "approximately",
        "almost": "approximately",
        "close to": "approximately",
        "just under": "approximately",
    },
}

# -- number words ------------------------------------------------------------------
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "de": {
        "ein": 1,
        "eins": 1,
        "eine": 1,
        "einer": 1,
        "einem": 1,
        "einen": 1,
        "zwei": 2,
        "drei": 3,
        "vier": 4,
        "fünf": 5,
        "sechs": 6,
        "sieben": 7,
        "acht": 8,
        "neun": 9,
        "zehn": 10,
        "elf": 11,
        "zwölf": 12,
        "dreizehn": 13,
        "vierzehn": 14,
        "fünfzehn": 15,
        "sechzehn": 16,
        "siebzehn": 17,
        "achtzehn": 18,
        "neunzehn": 19,
        "zwanzig": 20,
        "dreißig": 30,
        "vierzig": 40,
        "fünfzig": 50,
        "sechzig": 60,
        "siebzig": 70,
        "achtzig": 80,
        "neunzig": 90,
    },
    "en": {
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
    },
}

# -- currencies ----------------------------------------------------------------------
# Names CLDR lacks or inflects differently (casefolded). Adjective + noun names from
# CLDR ("Kanadischer Dollar") are inflected automatically (kanadische/-n/-r/-s/-m).
CURRENCY_NAMES: dict[str, dict[str, str]] = {
    "de": {
        "euro": "EUR",
        "euros": "EUR",
        "us-dollar": "USD",
        "us-dollars": "USD",
        "amerikanische dollar": "USD",
        "neuseeländische dollar": "NZD",
        "neuseeländischen dollar": "NZD",
        "neuseeländischer dollar": "NZD",
        "australische dollar": "AUD",
        "australischen dollar": "AUD",
        "amerikanischen dollar": "USD",
        "pfund": "GBP",
        "pfund sterling": "GBP",
        "britische pfund": "GBP",
        "britischen pfund": "GBP",
        "franken": "CHF",
        "schweizer franken": "CHF",
        "yen": "JPY",
        "zloty": "PLN",
        "złoty": "PLN",
        "hrywnja": "UAH",
        "hrywnjas": "UAH",
        "hrywnia": "UAH",
        "griwna": "UAH",
        "griwen": "UAH",
        "rubel": "RUB",
        "yuan": "CNY",
        "renminbi": "CNY",
    },
    "en": {
        "euro": "EUR",
        "euros": "EUR",
        "us dollar": "USD",
        "us dollars": "USD",
        "u.s. dollar": "USD",
        "u.s. dollars": "USD",
        "american dollars": "USD",
        "pound": "GBP",
        "pounds": "GBP",
        "sterling": "GBP",
        "pounds sterling": "GBP",
        "pound sterling": "GBP",
        # every plural writers use with the country's adjective (CLDR has one form each)
        **{
            f"{adjective} {noun}": code
            for adjective, code in (("norwegian", "NOK"), ("swedish", "SEK"), ("danish", "DKK"), ("icelandic", "ISK"))
            for noun in ("krone", "kroner", "krona", "kronor", "kronur", "crown", "crowns")
        },
        "swiss francs": "CHF",
        "yen": "JPY",
        "zloty": "PLN",
        "zlotys": "PLN",
        "hryvnia": "UAH",
        "hryvnias": "UAH",
        "hryvnas": "UAH",
        "roubles": "RUB",
        "rubles": "RUB",
        "yuan": "CNY",
        "renminbi": "CNY",
    },
}

# Symbols CLDR gives only in a currency's home locale, or that news writers use.
CURRENCY_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "US$": "USD",
    "U.S.$": "USD",
    "C$": "CAD",
    "$US": "USD",
    "US $": "USD",
    "U.S. $": "USD",
    "AUD$": "AUD",
    "AU $": "AUD",
    "NZD$": "NZD",
    "CAD$": "CAD",
    "$A": "AUD",
    "$NZ": "NZD",
    "$C": "CAD",
    "CA$": "CAD",
    "Can$": "CAD",
    "CAN$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "₴": "UAH",
    "₽": "RUB",
    "zł": "PLN",
    "Kč": "CZK",
}

# Symbols and bare names that several currencies share. The value names the class;
# the candidates of each class are computed from CLDR (every current currency whose
# English name ends in "Dollar" ...), see parsing._ambiguity_classes.
AMBIGUOUS_SYMBOLS: dict[str, str] = {
    "$": "dollar",
    "kr": "krone",
    "kr.": "krone",
    "¥": "yen",
    "Rs": "rupee",
    "Rs.": "rupee",
}
AMBIGUOUS_NAMES: dict[str, dict[str, str]] = {
    "de": {
        "dollar": "dollar",
        "dollars": "dollar",
        "krone": "krone",
        "kronen": "krone",
        "rupie": "rupee",
        "rupien": "rupee",
    },
    "en": {
        "dollar": "dollar",
        "dollars": "dollar",
        "krone": "krone",
        "kroner": "krone",
        "krona": "krone",
        "kronor": "krone",
        "crowns": "krone",
        "francs": "franc",
        "rupee": "rupee",
        "rupees": "rupee",
    },
}

# -- donors ----------------------------------------------------------------------------
# Country names come from CLDR (babel territory names in English and German); these are
# the other ways news text names a country or its government.
COUNTRY_ALIASES: dict[str, str] = {
    # English
    "the US": "US",
    "the U.S.": "US",
    "U.S.": "US",
    "USA": "US",
    "America": "US",
    "the United States": "US",
    "the UK": "GB",
    "the U.K.": "GB",
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "the United Kingdom": "GB",
    "the Netherlands": "NL",
    "Holland": "NL",
    "Czech Republic": "CZ",
    "the Czech Republic": "CZ",
    "Turkey": "TR",
    "South Korea": "KR",
    # German (with the article or inflection the text uses)
    "die USA": "US",
    "den USA": "US",
    "der USA": "US",
    "die Vereinigten Staaten": "US",
    "den Vereinigten Staaten": "US",
    "der Vereinigten Staaten": "US",
    "Amerika": "US",
    "Großbritannien": "GB",
    "Grossbritannien": "GB",
    "das Vereinigte Königreich": "GB",
    "dem Vereinigten Königreich": "GB",
    "des Vereinigten Königreichs": "GB",
    "die Niederlande": "NL",
    "den Niederlanden": "NL",
    "der Niederlande": "NL",
    "Tschechische Republik": "CZ",
    "die Schweiz": "CH",
    "der Schweiz": "CH",
    "die Türkei": "TR",
    "Südkorea": "KR",
}

# Compound prefixes: "US-Regierung", "EU-Kommission", "UK-Regierung".
COMPOUND_PREFIXES: dict[str, str] = {"US": "US", "USA": "US", "UK": "GB", "EU": "EU"}

# Capitals and seats of government used for the government itself ("Washington announced ...").
# They count only when no preposition precedes them ("in Berlin" is a place).
METONYMS: dict[str, str] = {
    "Washington": "US",
    "the White House": "US",
    "the Pentagon": "US",
    "das Weiße Haus": "US",
    "das Pentagon": "US",
    "Ottawa": "CA",
    "London": "GB",
    "Downing Street": "GB",
    "Berlin": "DE",
    "der Bundestag": "DE",
    "Bundestag": "DE",
    "Congress": "US",
    "the US Congress": "US",
    "die Bundesregierung": "DE",
    "Bundesregierung": "DE",
    "Paris": "FR",
    "Oslo": "NO",
    "Den Haag": "NL",
    "The Hague": "NL",
    "Kopenhagen": "DK",
    "Copenhagen": "DK",
    "Stockholm": "SE",
    "Helsinki": "FI",
    "Warschau": "PL",
    "Warsaw": "PL",
    "Rom": "IT",
    "Rome": "IT",
    "Madrid": "ES",
    "Tokio": "JP",
    "Tokyo": "JP",
    "Canberra": "AU",
    "Brüssel": "EU",
    "Brussels": "EU",
    "Kiew": "UA",
    "Kyiv": "UA",
    "Kiev": "UA",
    "Ankara": "TR",
    "Damaskus": "SY",
    "Damascus": "SY",
    "Bern": "CH",
    "Wien": "AT",
    "Vienna": "AT",
    "Beijing": "CN",
    "Peking": "CN",
    "Moskau": "RU",
    "Moscow": "RU",
    "Wellington": "NZ",
    "Seoul": "KR",
    "Dublin": "IE",
    "Lissabon": "PT",
    "Lisbon": "PT",
    "Prag": "CZ",
    "Prague": "CZ",
    "Vilnius": "LT",
    "Riga": "LV",
    "Tallinn": "EE",
    "Reykjavik": "IS",
}

# Adjectives: a stem (German, inflected by e/en/er/es/em) or word (English) -> country.
# They name a donor only before a government noun ("die kanadische Regierung",
# "Canadian Defence Minister"), never in "Canadian dollars" or "Russian assets".
ADJECTIVES: dict[str, dict[str, str]] = {
    "de": {
        "amerikanisch": "US",
        "us-amerikanisch": "US",
        "kanadisch": "CA",
        "norwegisch": "NO",
        "deutsch": "DE",
        "britisch": "GB",
        "französisch": "FR",
        "niederländisch": "NL",
        "dänisch": "DK",
        "schwedisch": "SE",
        "finnisch": "FI",
        "polnisch": "PL",
        "italienisch": "IT",
        "spanisch": "ES",
        "portugiesisch": "PT",
        "belgisch": "BE",
        "tschechisch": "CZ",
        "slowakisch": "SK",
        "litauisch": "LT",
        "lettisch": "LV",
        "estnisch": "EE",
        "japanisch": "JP",
        "australisch": "AU",
        "neuseeländisch": "NZ",
        "österreichisch": "AT",
        "schweizerisch": "CH",
        "irisch": "IE",
        "isländisch": "IS",
        "luxemburgisch": "LU",
        "griechisch": "GR",
        "rumänisch": "RO",
        "bulgarisch": "BG",
        "kroatisch": "HR",
        "slowenisch": "SI",
        "türkisch": "TR",
        "südkoreanisch": "KR",
        "ukrainisch": "UA",
        "russisch": "RU",
    },
    "en": {
        "American": "US",
        "U.S.": "US",
        "US": "US",
        "Canadian": "CA",
        "Norwegian": "NO",
        "German": "DE",
        "British": "GB",
        "UK": "GB",
        "French": "FR",
        "Dutch": "NL",
        "Danish": "DK",
        "Swedish": "SE",
        "Finnish": "FI",
        "Polish": "PL",
        "Italian": "IT",
        "Spanish": "ES",
        "Portuguese": "PT",
        "Belgian": "BE",
        "Czech": "CZ",
        "Slovak": "SK",
        "Lithuanian": "LT",
        "Latvian": "LV",
        "Estonian": "EE",
        "Japanese": "JP",
        "Australian": "AU",
        "New Zealand": "NZ",
        "Austrian": "AT",
        "Swiss": "CH",
        "Irish": "IE",
        "Icelandic": "IS",
        "Luxembourg": "LU",
        "Greek": "GR",
        "Romanian": "RO",
        "Bulgarian": "BG",
        "Croatian": "HR",
        "Slovenian": "SI",
        "Turkish": "TR",
        "South Korean": "KR",
        "Ukrainian": "UA",
        "Russian": "RU",
    },
}

# Nouns after which an adjective (or "US-") names a government: "die kanadische Regierung".
GOVERNMENT_NOUNS: dict[str, tuple[str, ...]] = {
    "de": (
        "Regierung",
        "Bundesregierung",
        "Verteidigungsminister",
        "Verteidigungsministerin",
        "Verteidigungsministerium",
        "Außenminister",
        "Außenministerin",
        "Außenministerium",
        "Finanzminister",
        "Finanzministerin",
        "Minister",
        "Ministerin",
        "Ministerium",
        "Ministerpräsident",
        "Ministerpräsidentin",
        "Premierminister",
        "Premierministerin",
        "Präsident",
        "Präsidentin",
        "Kanzler",
        "Kanzlerin",
        "Regierungschef",
        "Regierungschefin",
        "Parlament",
        "Kabinett",
        "Streitkräfte",
        "Botschaft",
        "Entwicklungsministerin",
        "Entwicklungsminister",
    ),
    "en": (
        "government",
        "Government",
        "administration",
        "Administration",
        "minister",
        "Minister",
        "ministry",
        "Ministry",
        "Prime Minister",
        "prime minister",
        "President",
        "president",
        "Chancellor",
        "chancellor",
        "officials",
        "cabinet",
        "Cabinet",
        "parliament",
        "Parliament",
        "Department",
        "Defence",
        "Defense",
        "Foreign",
        "armed forces",
        "embassy",
    ),
}

# Organisations that pledge in their own name (no country code, except the EU's "EU").
ORGANISATIONS: dict[str, tuple[str, str | None]] = {
    "EU": ("European Union", "EU"),
    "European Union": ("European Union", "EU"),
    "the European Union": ("European Union", "EU"),
    "European Commission": ("European Union", "EU"),
    "the European Commission": ("European Union", "EU"),
    "Europäische Union": ("European Union", "EU"),
    "die Europäische Union": ("European Union", "EU"),
    "EU-Kommission": ("European Union", "EU"),
    "die EU-Kommission": ("European Union", "EU"),
    "Europäische Kommission": ("European Union", "EU"),
    "World Bank": ("World Bank", None),
    "the World Bank": ("World Bank", None),
    "Weltbank": ("World Bank", None),
    "die Weltbank": ("World Bank", None),
    "IMF": ("International Monetary Fund", None),
    "the IMF": ("International Monetary Fund", None),
    "IWF": ("International Monetary Fund", None),
    "der IWF": ("International Monetary Fund", None),
    "International Monetary Fund": ("International Monetary Fund", None),
    "Internationale Währungsfonds": ("International Monetary Fund", None),
    "NATO": ("NATO", None),
    "Nato": ("NATO", None),
    "G7": ("G7", None),
    "European Investment Bank": ("European Investment Bank", None),
    "Europäische Investitionsbank": ("European Investment Bank", None),
    "EIB": ("European Investment Bank", None),
    "EBRD": ("European Bank for Reconstruction and Development", None),
    "United Nations": ("United Nations", None),
    "the United Nations": ("United Nations", None),
    "Vereinten Nationen": ("United Nations", None),
    "Vereinte Nationen": ("United Nations", None),
    # inflected German forms ("der Europäischen Union", "der Europäischen Kommission", "des IWF")
    "Europäischen Union": ("European Union", "EU"),
    "Europäischen Kommission": ("European Union", "EU"),
    "EU-Kommissionspräsidentin": ("European Union", "EU"),
    "Kommissionspräsidentin": ("European Union", "EU"),
    "Europäischen Investitionsbank": ("European Investment Bank", None),
    "Internationalen Währungsfonds": ("International Monetary Fund", None),
    "Internationaler Währungsfonds": ("International Monetary Fund", None),
    "Weltbank-Gruppe": ("World Bank", None),
    "World Bank Group": ("World Bank", None),
    "International Development Association": ("World Bank", None),
    "European Council": ("European Union", "EU"),
    "Council of the EU": ("European Union", "EU"),
    "Council of the European Union": ("European Union", "EU"),
    "Asian Development Bank": ("Asian Development Bank", None),
    "Asiatische Entwicklungsbank": ("Asian Development Bank", None),
    "Asian Infrastructure Investment Bank": ("Asian Infrastructure Investment Bank", None),
    "AIIB": ("Asian Infrastructure Investment Bank", None),
    "Islamic Development Bank": ("Islamic Development Bank", None),
    "European Bank for Reconstruction and Development": ("European Bank for Reconstruction and Development", None),
    "Europäische Bank für Wiederaufbau und Entwicklung": ("European Bank for Reconstruction and Development", None),
    "Council of Europe Development Bank": ("Council of Europe Development Bank", None),
}

# A name right after one of these words is a place or a target, not a donor ("in Berlin",
# "gegen Russland", "to Ukraine"). "von", "aus", "by" and "from" name the giver and are absent.
PREPOSITIONS: dict[str, frozenset[str]] = {
    "de": frozenset(
        [
            "in",
            "im",
            "nach",
            "gegen",
            "bei",
            "beim",
            "mit",
            "für",
            "an",
            "am",
            "auf",
            "zu",
            "zur",
            "zum",
            "über",
            "unter",
            "gegenüber",
            "wie",
            "als",
        ]
    ),
    "en": frozenset(
        [
            "in",
            "at",
            "to",
            "for",
            "with",
            "against",
            "on",
            "into",
            "near",
            "than",
            "like",
            "toward",
            "towards",
            "over",
            "under",
        ]
    ),
}

# -- what makes a sentence a pledge --------------------------------------------------
# Verbs of pledging (strong) and aid nouns (weak). A sentence needs at least one.
PLEDGE_VERBS: dict[str, str] = {
    "de": (
        r"zusag\w*|zugesagt\w*|sag(?:t|te|ten|en)\b[^;]*?\bzu\b|kündig\w*\b[^;]*?\ban\b|angekündigt|"
        r"bereitstell\w*|bereitgestellt|bereitzustellen|zuzusagen|stell(?:t|te|ten|en)\b[^;]*?\bbereit\b|"
        r"zur\s+Verfügung|"
        r"liefer\w*|geliefert|spende\w*|gespendet|gewähr\w*|bewilligt|freigegeben|überweis\w*|überwiesen|"
        r"zahl(?:t|te|ten|en)\b|gezahlt|finanzier\w*|mobilisier\w*|beschlossen|verspr\w*|beteilig\w*|aufwend\w*|"
        r"aufzuwenden|einzahl\w*|eingezahlt|investier\w*|leisten|geben\b|gibt\b|gab\b|stock\w*\b[^;]*?\bauf\b|"
        r"aufzustocken|aufgestockt|erhöh\w*|verdoppel\w*|sieht\b[^;]*?\bvor\b|sehen\b[^;]*?\bvor\b"
    ),
    "en": (
        r"pledg\w*|announc\w*|provid\w*|commit\w*|allocat\w*|grant(?:s|ed)?\b|donat\w*|give[sn]?\b|gave|"
        r"send(?:s|ing)?\b|sent|approv\w*|disburs\w*|deliver\w*|contribut\w*|unveil\w*|earmark\w*|"
        r"offer\w*|transfer\w*|promis\w*|sign(?:s|ed)?\b|release[sd]?\b|agree[sd]?\b|agreed|invest\w*|"
        r"rais\w*|doubl\w*|add\w*|top(?:s|ped)?\s+up|set\s+up|shift\w*|spend\w*"
    ),
}
AID_NOUNS: dict[str, str] = {
    "de": (
        r"\w*hilfe\w*|\w*paket\w*|unterstütz\w*|zusage\w*|kredit\w*|darlehen|zuschuss\w*|zuschüsse\w*|"
        r"\w*mittel\b|\w*gelder\b|beitrag\w*|finanzierung\w*|fonds"
    ),
    "en": (
        r"aid|assistance|package|support|loans?|grants?|funding|contributions?|facility|pledges?|"
        r"commitments?|donations?"
    ),
}

# Cumulative figures ("bringing its total support to ..."): not a new pledge.
CUMULATIVE: dict[str, str] = {
    "de": (
        r"bislang|bisher|seit\s+(?:Kriegs|Beginn|Anfang|Februar\s+2022|2022)\w*|"
        r"(?:Gesamt|insgesamt)\w*\s+(?:\w+\s+){0,3}(?:auf|seit)\b|summier\w*|erhöht\s+sich\s+(?:damit\s+)?auf"
    ),
    "en": (
        r"so\s+far|to\s+date|since\s+(?:the\s+(?:start|beginning|outbreak)|February\s+2022|2022)|"
        r"bring(?:s|ing)?\s+(?:its|the|their|total)\s+(?:\w+\s+){0,4}(?:total|to)\b|in\s+total\s+since"
    ),
}

# Sub-amounts and conversions of the amount before them: part of that pledge, not a new one.
PART_WORDS: dict[str, str] = {
    "de": r"davon|darunter|einschließlich|inklusive|inkl\.|unter\s+anderem",
    "en": r"including|of\s+which|among\s+them|includes|comprising",
}
EQUIVALENT_WORDS: dict[str, str] = {
    "de": r"umgerechnet|entspricht|entsprechend|das\s+sind|also",
    "en": r"equivalent\s+to|the\s+equivalent\s+of|roughly|or\s+about|or\s+around|or\s+some|or|about|around|worth",
}

# Categories (Kiel tracker's aid types) by keyword.
CATEGORIES: dict[str, dict[str, str]] = {
    "de": {
        "military": (
            r"milit\w*|waffe\w*|munition\w*|luftverteidigung\w*|flugabwehr\w*|panzer\w*|drohne\w*|"
            r"rüstung\w*|artillerie\w*|raketen\w*|kampfjet\w*|sicherheitshilfe\w*|verteidigungshilfe\w*|"
            r"ausrüstung\w*|geschütz\w*|f-16|patriot\w*|iris-t"
        ),
        "humanitarian": (
            r"humanitär\w*|nothilfe\w*|flüchtling\w*|lebensmittel\w*|winterhilfe\w*|medizin\w*|"
            r"unterkünfte|unterkunft|minenräumung\w*|katastrophenhilfe\w*|hilfsorganisation\w*"
        ),
        "financial": (
            r"finanzhilfe\w*|makrofinanz\w*|haushaltshilfe\w*|budgethilfe\w*|haushaltsunterstützung\w*|"
            r"kredit\w*|darlehen\w*|garantie\w*|zuschüsse|zuschuss\w*|wiederaufbau\w*|staatshaushalt\w*"
        ),
    },
    "en": {
        "military": (
            r"militar\w*|weapon\w*|arms|ammunition|munitions?|air\s+defen[cs]e|tanks?|drones?|artillery|"
            r"missiles?|fighter\s+jets?|security\s+assistance|defen[cs]e\s+(?:aid|assistance|support|package)|"
            r"equipment|f-16s?|patriot|drawdown"
        ),
        "humanitarian": (
            r"humanitarian|emergency\s+relief|refugees?|food|winter(?:isation|ization)?\s+aid|medical|"
            r"shelters?|demining|relief\s+agencies"
        ),
        "financial": (
            r"financial|macro-?financial|budget\s+support|budgetary|loans?|guarantees?|grants?|"
            r"reconstruction|recovery\s+fund|direct\s+budget"
        ),
    },
}

MONTHS: dict[str, dict[str, int]] = {
    "de": {
        "januar": 1,
        "jänner": 1,
        "februar": 2,
        "märz": 3,
        "april": 4,
        "mai": 5,
        "juni": 6,
        "juli": 7,
        "august": 8,
        "september": 9,
        "oktober": 10,
        "november": 11,
        "dezember": 12,
    },
    "en": {
        "january": 1,
        "jan.": 1,
        "february": 2,
        "feb.": 2,
        "march": 3,
        "april": 4,
        "may": 5,
        "june": 6,
        "july": 7,
        "august": 8,
        "aug.": 8,
        "september": 9,
        "sept.": 9,
        "sep.": 9,
        "october": 10,
        "oct.": 10,
        "november": 11,
        "nov.": 11,
        "december": 12,
        "dec.": 12,
    },
}
WEEKDAYS: dict[str, dict[str, int]] = {
    "de": {"montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonntag": 6},
    "en": {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6},
}
RELATIVE_DAYS: dict[str, dict[str, int]] = {
    "de": {"heute": 0, "gestern": -1, "vorgestern": -2},
    "en": {"today": 0, "yesterday": -1},
}

# Abbreviations that end with a period but do not end a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    [
        "mio",
        "mrd",
        "tsd",
        "bio",
        "ca",
        "dr",
        "nr",
        "bzw",
        "ggf",
        "inkl",
        "etc",
        "usw",
        "vgl",
        "z.b",
        "u.a",
        "d.h",
        "s.o",
        "mr",
        "mrs",
        "ms",
        "prof",
        "gen",
        "st",
        "jan",
        "feb",
        "aug",
        "sept",
        "sep",
        "oct",
        "nov",
        "dec",
        "no",
        "vs",
        "e.g",
        "i.e",
        "approx",
        "corp",
        "inc",
        "ltd",
        "co",
        "min",
        "abs",
    ]
)

# -- the donor resolver (aidtrack.text.donors) ---------------------------------------------
# Organisation codes: organisations that pledge in their own name get a code of their own, never an ISO 3166
# country code (the EU keeps "EU", which CLDR also lists as a territory).
ORGANISATION_CODES: dict[str, str] = {
    "European Union": "EU",
    "European Investment Bank": "EIB",
    "European Bank for Reconstruction and Development": "EBRD",
    "World Bank": "WB",
    "International Monetary Fund": "IMF",
    "United Nations": "UN",
    "NATO": "NATO",
    "G7": "G7",
    "Asian Development Bank": "ADB",
    "Asian Infrastructure Investment Bank": "AIIB",
    "Islamic Development Bank": "ISDB",
    "Council of Europe Development Bank": "CEB",
}

# Offices, bodies and seats that name a government without naming its country. The value is the country code;
# "@" marks a name that only counts in the right context (see OFFICE_CONTEXT).
OFFICES: dict[str, dict[str, str]] = {
    "de": {
        "Auswärtige Amt": "DE",
        "Auswärtigen Amt": "DE",
        "Auswärtigen Amtes": "DE",
        "Auswärtigen Amts": "DE",
        "Bundeskanzler": "DE",
        "Bundeskanzlerin": "DE",
        "Bundeskanzleramt": "DE",
        "Kanzler": "DE",
        "Kanzlerin": "DE",
        "Bundesaußenminister": "DE",
        "Bundesaußenministerin": "DE",
        "Bundesaußenministerium": "DE",
        "Bundesverteidigungsminister": "DE",
        "Bundesverteidigungsministerium": "DE",
        "Bundesfinanzminister": "DE",
        "Bundesfinanzministerium": "DE",
        "Bundesentwicklungsministerin": "DE",
        "Bundesentwicklungsminister": "DE",
        "Bundesentwicklungsministerium": "DE",
        "Entwicklungsministerin": "DE",
        "Entwicklungsminister": "DE",
        "Entwicklungsministerium": "DE",
        "Bundeswirtschaftsministerium": "DE",
        "Bundesministerium": "DE",
        "Bundeswehr": "DE",
        "Bundesrat": "@CH",
        "Bundesrats": "@CH",
        "Bundesrates": "@CH",
        "Bund": "@CH",
        "Downing Street": "GB",
        "Weiße Haus": "US",
        "Weißen Haus": "US",
        "Pentagon": "US",
        "US-Regierung": "US",
        "EU-Kommission": "EU",
        "Kommission": "@EU",
        "Élysée": "FR",
        "Elysée": "FR",
        "Elysee": "FR",
        "Kreml": "RU",
    },
    "en": {
        "White House": "US",
        "Pentagon": "US",
        "State Department": "US",
        "Department of Defense": "US",
        "Defense Department": "US",
        "DoD": "US",
        "DOD": "US",
        "USAID": "US",
        "Congress": "US",
        "Foreign Office": "GB",
        "Foreign, Commonwealth and Development Office": "GB",
        "FCDO": "GB",
        "Downing Street": "GB",
        "Ministry of Defence": "@GB",
        "Élysée": "FR",
        "Elysee": "FR",
        "Kremlin": "RU",
        "Commission": "@EU",
        "EU's executive arm": "EU",
        "EU executive": "EU",
        "Global Affairs Canada": "CA",
        "Bundestag": "DE",
    },
}
# Words in the sentence or paragraph that make a context-dependent office ("@" above) count.
OFFICE_CONTEXT: dict[str, str] = {
    "CH": r"Schweiz\w*|Franken|CHF|Bern\b|Eidgen\w*|Bundesrät\w*|Bundespräsident\w*\s+der\s+Schweiz",
    "EU": r"EU\b|Europäische\w*|European|Brüssel|Brussels|von\s+der\s+Leyen|Von\s+der\s+Leyen",
    "GB": r"Brit\w*|UK\b|United\s+Kingdom|Downing|London|£|pounds?\b",
}

# People who speak for a donor, named without their country (heads of government and state, foreign,
# defence and development ministers of the main donors, 2014-2025). Data, not rules: extend as offices change.
HEADS: dict[str, str] = {
    "Von der Leyen": "EU",
    "von der Leyen": "EU",
    "Borrell": "EU",
    "Kallas": "EU",
    "Biden": "US",
    "Trump": "US",
    "Blinken": "US",
    "Kerry": "US",
    "Obama": "US",
    "Scholz": "DE",
    "Merz": "DE",
    "Merkel": "DE",
    "Baerbock": "DE",
    "Pistorius": "DE",
    "Lambrecht": "DE",
    "Schulze": "DE",
    "Maas": "DE",
    "Wadephul": "DE",
    "Habeck": "DE",
    "Lindner": "DE",
    "Sunak": "GB",
    "Starmer": "GB",
    "Truss": "GB",
    "Johnson": "GB",
    "Lammy": "GB",
    "Shapps": "GB",
    "Wallace": "GB",
    "Healey": "GB",
    "Macron": "FR",
    "Trudeau": "CA",
    "Carney": "CA",
    "Joly": "CA",
    "Anand": "CA",
    "Blair": "CA",
    "McGuinty": "CA",
    "Freeland": "CA",
    "Kishida": "JP",
    "Ishiba": "JP",
    "Kamikawa": "JP",
    "Hayashi": "JP",
    "Albanese": "AU",
    "Marles": "AU",
    "Wong": "AU",
    "Støre": "NO",
    "Store": "NO",
    "Stoere": "NO",
    "Kristersson": "SE",
    "Frederiksen": "DK",
    "Poulsen": "DK",
    "Bodskov": "DK",
    "Rutte": "NL",
    "Schoof": "NL",
    "Meloni": "IT",
    "Tusk": "PL",
    "Duda": "PL",
    "Sánchez": "ES",
    "Mahuta": "NZ",
    "Hipkins": "NZ",
    "Luxon": "NZ",
    "Ardern": "NZ",
}
# A head's office changes: Rutte led NATO from October 2024, Kerry was US Secretary of State 2013-2017.
# Titles that make a name count as the office holder ("Kanzler Olaf Scholz"): a head needs no title.

# Several givers or none in particular: when the nearest giver before an amount is one of these, the amount
# has no single donor ("Donors pledged ...", "26 countries pledged ...", "die Geberländer versprachen ...").
COLLECTIVES: dict[str, str] = {
    "de": (
        r"(?:die\s+|der\s+|den\s+)?(?:\d+\s+|teilnehmenden\s+|internationalen?\s+)?"
        r"(?:Geber\w*|Verbündete\w*|Staaten|Länder|Mitgliedsstaaten|Mitgliedstaaten|Weltgemeinschaft|"
        r"Partner(?:länder|staaten)?|Alliierte\w*|Teilnehmer\w*|Staatengemeinschaft|Gemeinschaft)\b"
    ),
    "en": (
        r"(?:the\s+)?(?:\d+\s+|international\s+|other\s+|several\s+)?"
        r"(?:donors(?:\s+countries|\s+nations)?|donor\s+(?:countries|nations)|countries|nations|allies|"
        r"partners|members|"
        r"international\s+community|delegations|participants|member\s+states|governments)\b"
    ),
}

# Words that make the name before them the aggressor, not a giver ("der von Russland angegriffenen Ukraine",
# "since Russia invaded", "Russia's full-scale invasion").
AGGRESSION: dict[str, str] = {
    "de": r"angegriffen\w*|überfallen\w*|angriff\w*|angriffskrieg\w*|invasion\w*|einmarsch\w*|besetzt\w*|attackiert\w*",
    "en": r"invad\w*|invasion|attack\w*|aggression|occup\w*|launched|full-scale",
}

# Words after a country name that make it part of an organisation's name ("New Zealand Red Cross",
# "Norwegian Refugee Council", "Deutsches Rotes Kreuz"), and words before it ("Aktion Deutschland Hilft").
ORGANISATION_TAILS: str = (
    r"Red\s+Cross|Red\s+Crescent|Rote[snm]?\s+Kreuz\w*|Refugee\s+Council|Hilft\b|Foundation|Stiftung|Society|"
    r"Caritas|Diakonie|Council\s+for|Institute|Institut|Chamber|Kammer|Airways|Airlines|Post\b|Telekom"
)
ORGANISATION_HEADS: str = (
    r"Aktion|Bündnis|Stiftung|Verein|Friends\s+of|Society\s+of|Red\s+Cross\s+of|Kreuz\s+(?:in|von)"
)

# Participles whose agent ("organised by X", "von X ausgerichtet") hosts, chairs or speaks, and does not give.
HOSTING: dict[str, str] = {
    "de": r"ausgerichtet\w*|organisiert\w*|veranstaltet\w*|geleitet\w*|einberufen\w*|gastgeber\w*",
    "en": r"organi[sz]ed|hosted|co-hosted|chaired|co-chaired|convened|led|sponsored|attended",
}

# -- what an amount is (aidtrack.text.clauses) ------------------------------------------------
# Each reading other than "pledge" is tried on the clause of the amount (see clauses.read_amount).
# "before" patterns must end right before the amount, "after" ones start right after it, "clause" ones
# may be anywhere in the clause.
RAISE_VERBS: dict[str, str] = {
    "de": (
        r"erhöh\w*|verdoppel\w*|verdreifach\w*|aufgestockt|aufstock\w*|stockt\w*|steig\w*|stieg\w*|wächst|anheb\w*|"
        r"ausgeweitet|ausweit\w*|erweiter\w*|beläuft|belaufen|summier\w*|erreich\w*"
    ),
    "en": (
        r"rais\w*|increas\w*|doubl\w*|tripl\w*|expand\w*|up(?:s|ped)?\b|boost\w*|lift\w*|bring\w*|brought|"
        r"tak(?:e|es|ing)\b|took|ris(?:e|es|ing)\b|rose|grow\w*|reach\w*|amount\w*|come\s+to|comes\s+to|total\w*|"
        r"add\w*|top(?:s|ped)?\s+up"
    ),
}
READINGS: dict[str, dict[str, str]] = {
    "de": {
        # "um 18 Millionen Euro erhöhen": an increase by an amount is a new pledge of that amount
        "raise_by_before": r"\bum\s+(?:weitere\s+|zusätzliche\s+|rund\s+|etwa\s+)?$",
        # "auf 7,2 Milliarden Euro erhöht", "von 100 Millionen auf 300 Millionen": a level
        "level_before": r"\b(?:auf|bei)\s+(?:insgesamt\s+|nun\s+|jetzt\s+|umgerechnet\s+|zusammen\s+)?$|\bvon\s+$",
        "running_total": (
            r"\bbislang\b(?!\s+(?:größt|höchst|umfangreichst|grösst)\w*)|\bbisher\b(?!\s+(?:größt|höchst)\w*)|"
            r"\bbis\s+jetzt\b|\bseit\s+Jahresbeginn|\bseit\s+Anfang\s+des\s+Jahres|\b(?:hatte|"
            r"hatten)\b(?:(?!,\s)[^;]){0,60}\b(?:bereits|schon)\b|\bseit\s+(?:Kriegs\w*|Beginn|Anfang|"
            r"Februar\s+2022|2014|2022|dem\s+russischen|"
            r"Ausbruch|der\s+russischen|Kriegsausbruch)|\bGesamt\w+|\bgesamte[nrs]?\b|\bkumuliert\w*|\bsummier\w*|"
            r"^\W*Insgesamt\b|\bauf\s+insgesamt\b|\binsgesamt\b(?:(?!,\s)[^;]){0,40}\bdamit\b|"
            r"\bdamit\b(?:(?!,\s)[^;]){0,40}\binsgesamt\b|"
            r"\b(?:schon|bereits)\b(?:(?!,\s)[^;]){0,60}\b(?:bereitgestellt|geleistet|gegeben|geliefert|"
            r"ausgezahlt|überwiesen|"
            r"unterstützt|zur\s+Verfügung\s+gestellt)|\bzusätzlich\s+zu\s+den\b|\bunterstützt\b(?:(?!,\s)[^;]){0,5}$"
        ),
        "disbursed": (
            r"\bausgegeben\b|\baufgewendet\b|\bgezahlt\b|\bausgezahlt\b|\bAuszahlung\w*|\büberwiesen\b|"
            r"\b(?:lag|lagen)\b(?:(?!,\s)[^;]){0,40}\bbei\b|\bim\s+(?:vergangenen|letzten)\s+Jahr\b|"
            r"\bim\s+Jahr\s+davor\b"
        ),
        "receipt": r"\b(?:hat|haben|hatte|hatten)\b(?:(?!,\s)[^;]){0,80}\b(?:erhalten|bekommen)\b",
        "need": (
            r"\bbenötig\w*|\bBedarf\w*|\bbrauch\w*|\bgeschätzt\b|\bschätz\w*|\bbeziffer\w*|\bKosten\b|\bSchäden\b|"
            r"\bSchaden\b|\bappelliert\w*|\baufgerufen\b|\bHilfsaufruf\w*|\bFinanzierungslücke\w*|\bunterfinanziert"
        ),
        "request": r"\bbeantrag\w*|\bfordert\w*|\bgefordert\b|\bverlang\w*",
        "budget": (
            r"\bHaushalt(?!s?hilfe)\w*|\bBudget\b(?!hilfe)|\beingeplant\w*|\bveranschlagt\b|\bEtat\w*|"
            r"\bVerteidigungsausgaben\b|\bMilitärausgaben\b|\bkürz\w*|\bgekürzt\b"
        ),
        "part_before": (
            r"^\W*(?:Davon|Von\s+(?:dieser|der|diesen|den)\b|Der\s+(?:größte|grösste|größere|Groß)\w*\s+Teil|"
            r"Ein\s+(?:erstes|erster|Teil)|In\s+einem\s+ersten\s+Schritt|Weitere\s+(?:(?!,\s)[^;]){0,40}\bgingen\b)|"
            r"\bdavon\b|\bdarunter\b|\bTeil\s+(?:des|der|eines)\b|\baufgeteilt\b|\bverteilt\b"
        ),
        "part": (
            r"\bdavon\b|\bdes\s+Pakets\b|\bgehen\s+an\b|\bging(?:en)?\s+an\b|\bgeht\s+an\b|\bfließ\w*\s+(?:in|an)\b|"
            r"\bzugutekommen\b|\bvorgesehen\b|\bbestimmt\b|\bausgegeben\s+werden\b|\bverwendet\b"
        ),
        "per_person_after": (
            r"^\s*(?:pro|je)\s+(?:Person|Kopf|Familie|Haushalt|Flüchtling|Einwohner|Monat\s+und\s+Person)"
        ),
        "equivalent": r"^\W*Umgerechnet\b|\bWechselkurs\w*",
        "proposal": (
            r"\bin\s+Aussicht\b|\bvorgeschlagen\b|\bschlägt\b(?:(?!,\s)[^;])*\bvor\b|"
            r"\bschlug\b(?:(?!,\s)[^;])*\bvor\b|\bVorschlag\w*"
        ),
        "comparison": r"\bgegenüber\b|\bim\s+Vergleich\b|\bmehr\s+als\s+(?:im|in\s+den)\s+(?:Vorjahr|vergangenen)",
    },
    "en": {
        "raise_by_before": r"\bby\s+(?:a\s+further\s+|another\s+|an\s+additional\s+|an\s+extra\s+|some\s+|about\s+)?$",
        "level_before": (
            r"\b(?:to|at)\s+(?:a\s+total\s+of\s+|total\s+|almost\s+|nearly\s+|about\s+|around\s+|some\s+)?$|"
            r"\bfrom\s+$|\bto\s+reach\s+$"
        ),
        "running_total": (
            r"\bso\s+far\b|\bto\s+date\b|\bthus\s+far\b|\bin\s+total\s+since\b|\bsince\s+(?:the\s+(?:start|beginning|"
            r"outbreak|war|invasion|full-scale|Russian)|Russia|February\s+2022|2014|2022|it\s+began|then)|"
            r"\bsince\s+\w+\s+(?:invaded|launched|began)|\btotal\s+(?:support|contribution|aid|assistance|financing|"
            r"commitments?|funding)\b|\b(?:its|their|the|his|her|our)\s+total\b|"
            r"\ba\s+total\s+of\b(?:(?!,\s)[^;])*\bhas\b|"
            r"\bhas\s+(?:now\s+)?pledged\s+a\s+total\s+of\b|\bcumulative\w*|\bas\s+of\b|\b(?:has|"
            r"have)\s+(?:now\s+)?committed\b(?:(?!,\s)[^;])*\bthis\s+(?:financial\s+)?year\b|"
            r"\bearlier\s+(?:pledges?|commitments?)\b|\bpreviously\s+(?:pledged|announced|committed)\b|"
            r"\bon\s+track\s+to\b|"
            r"\bin\s+addition\s+to\s+the\b|\bhave\s+now\s+committed\b|\bhas\s+now\s+committed\b"
        ),
        "disbursed": (
            r"\bspent\b|\balready\s+(?:given|provided|disbursed|transferred|paid|delivered|sent|pledged|committed)\b|"
            r"\blast\s+year\b|\b(?:has|have|had)\s+(?:now\s+|so\s+far\s+|already\s+)?(?:given|provided|sent|"
            r"delivered|spent|disbursed|donated)\b"
        ),
        "receipt": r"\b(?:has|have|had)\s+(?:already\s+)?received\b|\breceiving\b|\brecipients?\b|\breceived\b",
        "need": (
            r"\bneed(?:s|ed)?\b|\brequire[sd]?\b|\bestimat\w*|\bcosts?\b|\bdamages?\b|\bput\s+at\b|(?-i:\bbill\b)|"
            r"\bappeal\w*|\bcalled\s+for\b|\bcalls\s+for\b|\bsought\b|\bseek\w*|\bshortfall\b|\bfunding\s+gap\b|"
            r"\bsuffered\b|\bplan\s+for\b|\brecovery\s+costs\b"
        ),
        "request": r"\brequest\w*|\basked\b(?:(?!,\s)[^;])*\bfor\b|\basks\b(?:(?!,\s)[^;])*\bfor\b|\bdemand\w*",
        "budget": (
            r"\bbudget(?!\s+support|ary\s+support)\b|\bsupplemental\s+spending\b|\bappropriat\w*|\bspending\s+bill\b|"
            r"\bdefen[cs]e\s+spending\b|\bfiscal\s+year\b|\bcut(?:s|ting)?\b"
        ),
        "part_before": (
            r"^\W*(?:Of\s+(?:this|the|that|these)\b|In\s+total\b)|\bincludes\b|\bincluded\b|\bincluding\b|"
            r"\bof\s+which\b|\bis\s+(?:(?:also|now)\s+)?part\s+of\b|\bsegment\s+of\b|\bshare\s+of\b|"
            r"\bcomes?\s+out\s+of\b|\bsplit\b|\bas\s+follows\b"
        ),
        "part": (
            r"\bof\s+it\b|\bgoing\s+to\b|\bwill\s+go\s+to\b|\bgoes\s+to\b|\bto\s+be\s+spent\b|\bof\s+the\s+total\b|"
            r"\bthe\s+rest\b|\bthe\s+remainder\b|\bwould\s+come\s+from\s+the\b|\bwill\s+support\s+the\s+response\b|"
            r"\bwould\s+put\b|\binto\s+\w+\s+aid\b|\bwill\s+be\s+allocated\s+to\s+the\b"
        ),
        "per_person_after": (
            r"^\s*(?:per|a|each|for\s+each)\s+(?:person|head|capita|family|household|refugee|child|"
            r"month\s+per)"
        ),
        "equivalent": r"\bexchange\s+rate\b|^\W*(?:That|This)\s+(?:is|was)\s+(?:about|around|equivalent)",
        "proposal": r"\bpropos\w*|\bsuggest\w*|\bfloat\w*\s+the\s+idea",
        "comparison": (
            r"\bincrease\s+of\b|\bup\s+from\b|\bdown\s+from\b|\bcompared\s+(?:with|to)\b|"
            r"\bover\s+the\s+previous\b|\bmore\s+than\s+the\b"
        ),
    },
}
