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
    "AID_NOUNS",
    "AMBIGUOUS_NAMES",
    "AMBIGUOUS_SYMBOLS",
    "CATEGORIES",
    "COMPOUND_PREFIXES",
    "COUNTRY_ALIASES",
    "CUMULATIVE",
    "CURRENCY_NAMES",
    "CURRENCY_SYMBOLS",
    "EQUIVALENT_WORDS",
    "GOVERNMENT_NOUNS",
    "METONYMS",
    "MONTHS",
    "NUMBER_WORDS",
    "ORGANISATIONS",
    "PART_WORDS",
    "PLEDGE_VERBS",
    "PREPOSITIONS",
    "QUALIFIERS",
    "RELATIVE_DAYS",
    "SCALES",
    "SCALES_ATTACHED",
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
    "en": {"k": 3, "m": 6, "b": 9, "t": 12},
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
        "norwegian crowns": "NOK",
        "swedish crowns": "SEK",
        "danish crowns": "DKK",
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
}
AMBIGUOUS_NAMES: dict[str, dict[str, str]] = {
    "de": {
        "dollar": "dollar",
        "dollars": "dollar",
        "krone": "krone",
        "kronen": "krone",
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
        r"bereitstell\w*|bereitgestellt|stell(?:t|te|ten|en)\b[^;]*?\bbereit\b|zur\s+Verfügung|"
        r"liefer\w*|geliefert|spende\w*|gespendet|gewähr\w*|bewilligt|freigegeben|überweis\w*|überwiesen|"
        r"zahl(?:t|te|ten|en)\b|gezahlt|finanzier\w*|mobilisier\w*|beschlossen|verspr\w*"
    ),
    "en": (
        r"pledg\w*|announc\w*|provid\w*|commit\w*|allocat\w*|grant(?:s|ed)?\b|donat\w*|give[sn]?\b|gave|"
        r"send(?:s|ing)?\b|sent|approv\w*|disburs\w*|deliver\w*|contribut\w*|unveil\w*|earmark\w*|"
        r"offer\w*|transfer\w*|promis\w*|sign(?:s|ed)?\b|release[sd]?\b|agree[sd]?\b|agreed"
    ),
}
AID_NOUNS: dict[str, str] = {
    "de": r"\w*hilfe\w*|\w*paket\w*|unterstütz\w*|zusage\w*|kredit\w*|darlehen|zuschuss\w*|zuschüsse\w*",
    "en": r"aid|assistance|package|support|loans?|grants?|funding|contribution|facility",
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
