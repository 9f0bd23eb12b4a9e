"""ISO 4217 currency codes, validated against babel's CLDR data.

:func:`normalize_currency` is the one check every record uses for a currency:
it strips, upper-cases and checks the code against babel's list of ISO 4217
codes (historical ones such as ``CYP`` or ``ROL`` included, since the ECB
history carries them). Minor units come from the same data.
"""

from __future__ import annotations

import os
from datetime import date
from functools import cache

from aidtrack.errors import UnknownCurrencyError

__all__ = [
    "currency_name",
    "is_currency",
    "legal_tender",
    "minor_units",
    "normalize_currency",
    "suggest_currency",
    "tender_currencies",
]


@cache
def _known() -> frozenset[str]:
    return frozenset(_iso4217())


@cache
def _iso4217() -> dict[str, int]:
    """Every ISO 4217 code babel knows, with its minor units (``list_currencies``, ``get_currency_precision``).

    Loading babel's CLDR data costs tens of milliseconds, a large part of a cold start; both
    answers come from one file of babel's (``global.dat``), so they are kept in the cache folder
    (``tables/iso4217-*.txt``), keyed by that file's path, size and modification time and verified
    by a SHA-256 of their own. A copy that fails a check is ignored and written anew.
    """
    from aidtrack._cachedir import cache_dir

    key = _babel_data_key()
    path = None
    try:
        folder = cache_dir() if key is not None else None
    except (OSError, RuntimeError, KeyError):  # pragma: no cover - no home directory to put a cache in
        folder = None
    if key is not None and folder is not None:
        path = os.path.join(folder, "tables", f"iso4217-{_sha256_hex(key.encode())[:16]}.txt")
        found = _read_iso4217(path, key)
        if found is not None:
            return found
    from babel.numbers import get_currency_precision, list_currencies

    table = {code: int(get_currency_precision(code)) for code in sorted(list_currencies())}
    if path is not None:
        _write_iso4217(path, key or "", table)
    return table


def _babel_data_key() -> str | None:
    """``path|size|mtime`` of babel's ``global.dat`` (found without importing babel), or ``None``."""
    from importlib.util import find_spec

    try:
        spec = find_spec("babel")
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            return None
        path = os.path.join(locations[0], "global.dat")
        st = os.stat(path)
    except (OSError, ImportError, ValueError):
        return None
    return f"{path}|{st.st_size}|{st.st_mtime_ns}"


_ISO4217_MAGIC = "aidtrack-iso4217/1"


def _sha256_hex(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _read_iso4217(path: str, key: str) -> dict[str, int] | None:
    from aidtrack._cachedir import read_cache_file

    try:
        data = read_cache_file(path, limit=1024 * 1024)  # never a link, a FIFO or /dev/zero; a real copy is ~3 kB
        first, newline, rest = data.partition(b"\n")
        magic, _, digest = first.decode("ascii").partition(" ")
        if not newline or magic != _ISO4217_MAGIC or _sha256_hex(rest) != digest:
            return None
        lines = rest.decode("ascii").split("\n")
        if lines[0] != f"key {key}":
            return None
        table = {code: int(digits) for code, digits in (line.split(" ") for line in lines[1:] if line)}
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not table or not all(len(c) == 3 and c.isalpha() and c.isupper() for c in table):
        return None
    return table


def _write_iso4217(path: str, key: str, table: dict[str, int]) -> None:
    from aidtrack._atomic import atomic_write_bytes

    rest = "\n".join([f"key {key}", *(f"{c} {d}" for c, d in table.items())]).encode("ascii") + b"\n"
    data = f"{_ISO4217_MAGIC} {_sha256_hex(rest)}\n".encode("ascii") + rest
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic_write_bytes(path, data, follow_links=False)  # a link planted at ``path`` is replaced, not followed
    except (OSError, UnicodeEncodeError):
        pass  # a read-only cache folder: babel answers next time as well


def is_currency(code: str) -> bool:
    """Whether ``code`` (any case) is an ISO 4217 code that babel knows.

    >>> is_currency("eur"), is_currency("XYZ")
    (True, False)
    """
    return code.strip().upper() in _known()


def normalize_currency(code: object) -> str:
    """Return ``code`` stripped and upper-cased, or raise :class:`UnknownCurrencyError`.

    >>> normalize_currency(" cad ")
    'CAD'

    A symbol or a name is not a code; the error suggests the code it stands for:

    >>> normalize_currency("US$")
    Traceback (most recent call last):
    ...
    aidtrack.errors.UnknownCurrencyError: unknown currency code 'US$': ... (did you mean 'USD'?)
    """
    if type(code) is str:
        found = _NORMALIZED.get(code)
        if found is not None:
            return found
    elif not isinstance(code, str):
        raise UnknownCurrencyError(code)
    norm = code.strip().upper()
    if norm not in _known():
        hints, note = suggest_currency(code)
        raise UnknownCurrencyError(code, known=hints, note=note)
    if type(code) is str and len(_NORMALIZED) < _NORMALIZED_MAX:
        _NORMALIZED[code] = norm
    return norm


_NORMALIZED: dict[str, str] = {}
"""Codes as given (``" usd "``) -> their checked normal form, for valid codes only (errors are never cached)."""
_NORMALIZED_MAX = 4096


# Symbols and prefixes that stand for one currency (the suggestion is a hint in an error, never applied silently).
_SYMBOLS = {
    "US$": "USD",
    "U.S.$": "USD",
    "USD$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "CAN$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₴": "UAH",
    "₪": "ILS",
    "ZŁ": "PLN",
    "CHF.": "CHF",
    "FR.": "CHF",
    "R$": "BRL",
}
# Symbols and names shared by several currencies: every reading is suggested, with a note.
_SHARED = {
    "¥": (("JPY", "CNY"), "'¥' is the yen (JPY) and also the Chinese yuan (CNY)"),
    "￥": (("JPY", "CNY"), "'¥' is the yen (JPY) and also the Chinese yuan (CNY)"),
    "$": (("USD", "CAD", "AUD"), "'$' is the sign of many dollars (and pesos)"),
    "KR": (("SEK", "NOK", "DKK", "ISK"), "'kr' is the krona/krone of Sweden, Norway, Denmark and Iceland"),
    "KR.": (("DKK", "ISK"), "'kr.' is the Danish or Icelandic krone/króna"),
    "DOLLAR": (("USD", "CAD", "AUD"), "'dollar' is the currency of many countries"),
    "DOLLARS": (("USD", "CAD", "AUD"), "'dollars' is the currency of many countries"),
    "POUND": (("GBP",), "'pound' is the pound sterling (GBP) in most texts, but also EGP, LBP, ..."),
    "POUNDS": (("GBP",), "'pounds' is the pound sterling (GBP) in most texts, but also EGP, LBP, ..."),
    "YEN": (("JPY",), ""),
    "YUAN": (("CNY",), ""),
    "RENMINBI": (("CNY",), ""),
    "KRONE": (("NOK", "DKK"), "'krone' is the Norwegian (NOK) or Danish (DKK) krone"),
    "KRONER": (("NOK", "DKK"), "'kroner' is the Norwegian (NOK) or Danish (DKK) krone"),
    "KRONA": (("SEK", "ISK"), "'krona' is the Swedish krona (SEK) or Icelandic króna (ISK)"),
    "KRONOR": (("SEK",), ""),
    "FRANC": (("CHF",), "'franc' is the Swiss franc (CHF) in most texts, but also XOF, XAF, ..."),
    "FRANKEN": (("CHF",), ""),
}
_TEXT_HINT = (
    "to read amounts written with symbols or names (e.g. '440 million dollars' from a Canadian text), use "
    "aidtrack.parse_money(text, locale='en_CA'), whose locale settles what 'dollars' means"
)


@cache
def _names() -> dict[str, str]:
    """English and German currency names (singular and plural, any case) -> code, for suggestions only."""
    from babel.numbers import get_currency_name

    names: dict[str, str] = {}
    for locale in ("de", "en"):
        for code in sorted(_known()):
            for count in (None, 1, 2):
                try:
                    name = get_currency_name(code, count=count, locale=locale)
                except Exception:  # pragma: no cover - babel data gaps
                    continue
                key = str(name).strip().upper()
                if key and key != code:
                    names.setdefault(key, code)
    return names


def suggest_currency(text: object) -> tuple[tuple[str, ...], str]:
    """Codes a mistyped, symbol or name currency probably means, and a note: for error messages only.

    >>> suggest_currency("C$"), suggest_currency("€")
    ((('CAD',), ''), (('EUR',), ''))
    >>> suggest_currency("¥")
    (('JPY', 'CNY'), "'¥' is the yen (JPY) and also the Chinese yuan (CNY)")
    >>> suggest_currency("canadian dollars")[0]
    ('CAD',)
    """
    if not isinstance(text, str):
        return (), ""
    norm = " ".join(text.strip().upper().split())
    if norm in _SYMBOLS:
        return (_SYMBOLS[norm],), ""
    if norm in _SHARED:
        codes, note = _SHARED[norm]
        if norm in ("$", "DOLLAR", "DOLLARS", "KR", "KR."):
            note = f"{note}; {_TEXT_HINT}"
        return codes, note
    if norm in _names():
        return (_names()[norm],), ""
    # a symbol with the code around it ("USD$", "EUR €") or letters glued to a symbol
    letters = "".join(ch for ch in norm if ch.isalpha() and ch.isascii())
    if len(letters) == 3 and letters in _known() and letters != norm:
        return (letters,), ""
    import difflib

    hints = difflib.get_close_matches(norm, sorted(_known()), n=3, cutoff=0.6)
    return tuple(hints), ""


@cache
def minor_units(code: str) -> int:
    """Number of decimal places of the currency's minor unit (CLDR data via babel).

    >>> minor_units("EUR"), minor_units("JPY"), minor_units("BHD")
    (2, 0, 3)
    """
    return _iso4217()[normalize_currency(code)]


def currency_name(code: str, *, locale: str = "en") -> str:
    """The currency's display name in ``locale`` (CLDR via babel).

    >>> currency_name("NOK"), currency_name("NOK", locale="de")
    ('Norwegian Krone', 'Norwegische Krone')
    """
    from babel.numbers import get_currency_name

    return str(get_currency_name(normalize_currency(code), locale=locale))


def _territory(code: object) -> str:
    from babel.core import get_global

    if not isinstance(code, str) or not code.strip():
        raise UnknownCurrencyError(code, where="CLDR territories (give an ISO 3166 code such as 'HR' or 'HRV')")
    text = code.strip().upper()
    currencies = get_global("territory_currencies")
    if text in currencies:
        return text
    alias = get_global("territory_aliases").get(text)
    if alias and len(alias) == 1 and alias[0] in currencies:
        return str(alias[0])
    from aidtrack.errors import InvalidArgumentError

    raise InvalidArgumentError(
        "donor",
        code,
        f"unknown territory {code!r}: give an ISO 3166 country code such as 'HR', 'DE' or 'UKR' "
        "(a donor name can be resolved first with aidtrack.text.resolve_donor)",
    )


def tender_currencies(territory: str, on: date) -> tuple[str, ...]:
    """The currencies that were legal tender in ``territory`` (ISO 3166 alpha-2 or alpha-3) on ``on``.

    From CLDR's territory data (via babel), in CLDR's order. Several may overlap: a changeover's
    dual-circulation weeks, or a territory with two currencies (Panama: PAB and USD).

    >>> tender_currencies("HR", date(2023, 1, 5))
    ('HRK', 'EUR')
    """
    from babel.core import get_global

    day = (on.year, on.month, on.day)
    rows = get_global("territory_currencies").get(_territory(territory), ())
    return tuple(
        c
        for c, start, end, tender in rows
        if tender and (start is None or start <= day) and (end is None or day <= end)
    )


def legal_tender(territory: str, on: date) -> str:
    """The one legal tender of ``territory`` on ``on``, or :class:`~aidtrack.errors.InvalidArgumentError`.

    During a changeover (the old currency withdrawn some time after a new one starts, as the
    Deutsche Mark in 1999-2002 or the kuna in January 2023) the new currency is the legal tender.
    A territory with two concurrent currencies (Panama: PAB and USD; Bhutan: BTN and INR) or none
    on that date is refused with the candidates, never guessed.

    >>> legal_tender("HR", date(2020, 6, 1)), legal_tender("HR", date(2024, 6, 1))
    ('HRK', 'EUR')
    >>> legal_tender("DEU", date(2000, 1, 1))
    'EUR'
    """
    from babel.core import get_global

    from aidtrack.errors import InvalidArgumentError

    code = _territory(territory)
    day = (on.year, on.month, on.day)
    rows = [
        (c, start or (1, 1, 1), end)
        for c, start, end, tender in get_global("territory_currencies").get(code, ())
        if tender and (start is None or start <= day) and (end is None or day <= end)
    ]
    # a currency being withdrawn (it has an end date) gives way to one that started after it and outlasts it
    kept = [
        (c, start, end)
        for c, start, end in rows
        if not (end is not None and any(s2 > start and (e2 is None or e2 > end) for c2, s2, e2 in rows if c2 != c))
    ]
    if len(kept) == 1:
        return str(kept[0][0])
    if not kept:
        raise InvalidArgumentError(
            "on", on, f"CLDR records no legal tender for {code} on {on.isoformat()}; give the currency explicitly"
        )
    names = ", ".join(c for c, _, _ in kept)
    raise InvalidArgumentError(
        "donor",
        territory,
        f"{code} had several legal tenders on {on.isoformat()} ({names}); the currency is ambiguous: "
        "give it explicitly, e.g. Money(amount, 'USD')",
    )
