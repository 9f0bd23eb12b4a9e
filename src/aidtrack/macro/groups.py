"""Who the donor is: countries, EU institutions and donor groups with membership over time.

:func:`resolve_donor` turns what a pledge table says ("Germany", "Deutschland", ``DE``, ``DEU``,
"EU institutions", ``EU27``) into a :class:`DonorIdentity` with its code (ISO 3166 alpha-3, ``EUI``,
or a group code), its kind and its national currency as the IMF reports it:

>>> resolve_donor("Deutschland")
DonorIdentity(code='DEU', name='Germany', kind='country', iso2='DE')
>>> resolve_donor("eu institutions").code, resolve_donor("EU27").kind
('EUI', 'group')

:func:`members` lists a group's members on a date, from the table :data:`GROUPS` (accession dates
as in the treaties and the groups' own records):

>>> from datetime import date
>>> "HRV" in members("EU27", on=date(2013, 6, 30)), "HRV" in members("EU27", on=date(2013, 7, 1))
(False, True)
>>> "HRV" in members("EA", on=date(2022, 12, 31)), "HRV" in members("EA", on=date(2023, 1, 1))
(False, True)
>>> len(members("EU27", on=date(2020, 1, 31))), len(members("EU27", on=date(2020, 2, 1)))
(28, 27)

Names are matched with the CLDR territory names in English and German that the rest of aidtrack
uses (``aidtrack.pledge.country_code``) and the entity names of the bundled World Bank file; ISO
alpha-2 and alpha-3 codes with the pairs in the bundled data files. Nothing is guessed: a name that
matches nothing raises :class:`~aidtrack.errors.UnknownDonorError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

from aidtrack._dates import parse_iso_date
from aidtrack.errors import InvalidArgumentError, UnknownDonorError
from aidtrack.macro.series import bundled_entities

__all__ = [
    "GROUPS",
    "DonorIdentity",
    "DonorKind",
    "Membership",
    "group_names",
    "members",
    "national_currency",
    "resolve_donor",
]

DonorKind = Literal["country", "institution", "group"]


@dataclass(frozen=True, slots=True)
class Membership:
    """One spell of membership: from ``joined`` (inclusive) to ``left`` (exclusive; ``None`` = still a member).

    ``precision`` is ``"day"`` when the dates are known to the day, ``"year"`` when only the year is
    recorded (the spell then counts from 1 January of that year).
    """

    member: str
    joined: date
    left: date | None = None
    precision: Literal["day", "year"] = "day"

    def on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)


def _spells(day: str, codes: str, precision: Literal["day", "year"] = "day") -> list[Membership]:
    d = date.fromisoformat(day)
    return [Membership(c, d, None, precision) for c in codes.split()]


_EU = [
    *_spells("1958-01-01", "BEL DEU FRA ITA LUX NLD"),
    *_spells("1973-01-01", "DNK IRL"),
    Membership("GBR", date(1973, 1, 1), date(2020, 2, 1)),  # left at the end of 31 January 2020
    *_spells("1981-01-01", "GRC"),
    *_spells("1986-01-01", "ESP PRT"),
    *_spells("1995-01-01", "AUT FIN SWE"),
    *_spells("2004-05-01", "CYP CZE EST HUN LVA LTU MLT POL SVK SVN"),
    *_spells("2007-01-01", "BGR ROU"),
    *_spells("2013-07-01", "HRV"),
]

_EA = [
    *_spells("1999-01-01", "AUT BEL DEU ESP FIN FRA IRL ITA LUX NLD PRT"),
    *_spells("2001-01-01", "GRC"),
    *_spells("2007-01-01", "SVN"),
    *_spells("2008-01-01", "CYP MLT"),
    *_spells("2009-01-01", "SVK"),
    *_spells("2011-01-01", "EST"),
    *_spells("2014-01-01", "LVA"),
    *_spells("2015-01-01", "LTU"),
    *_spells("2023-01-01", "HRV"),
    *_spells("2026-01-01", "BGR"),
]

_G7 = [
    *_spells("1975-11-15", "DEU FRA GBR ITA JPN USA"),  # Rambouillet summit
    *_spells("1976-06-27", "CAN"),  # San Juan summit
]

# OECD Development Assistance Committee: years of membership as the DAC lists them (day not recorded).
_DAC = [
    *_spells("1961-01-01", "BEL CAN DEU EUI FRA GBR ITA JPN NLD USA", "year"),
    Membership("PRT", date(1961, 1, 1), date(1974, 1, 1), "year"),
    Membership("PRT", date(1991, 1, 1), None, "year"),
    *_spells("1962-01-01", "NOR", "year"),
    *_spells("1963-01-01", "DNK", "year"),
    *_spells("1965-01-01", "AUT SWE", "year"),
    *_spells("1966-01-01", "AUS", "year"),
    *_spells("1968-01-01", "CHE", "year"),
    *_spells("1973-01-01", "NZL", "year"),
    *_spells("1975-01-01", "FIN", "year"),
    *_spells("1985-01-01", "IRL", "year"),
    *_spells("1991-01-01", "ESP", "year"),
    *_spells("1992-01-01", "LUX", "year"),
    *_spells("1999-01-01", "GRC", "year"),
    *_spells("2010-01-01", "KOR", "year"),
    *_spells("2013-01-01", "CZE ISL POL SVK SVN", "year"),
    *_spells("2016-01-01", "HUN", "year"),
    *_spells("2021-01-01", "EST", "year"),
    *_spells("2022-01-01", "LTU", "year"),
]

GROUPS: dict[str, tuple[str, tuple[Membership, ...]]] = {
    "EU27": ("European Union (member states; 28 until 31 January 2020)", tuple(_EU)),
    "EA": ("Euro area", tuple(_EA)),
    "G7": ("Group of Seven (the EU takes part but is not counted as a member)", tuple(_G7)),
    "DAC": ("OECD Development Assistance Committee (EUI is a member)", tuple(_DAC)),
}
"""Group code -> (description, membership spells)."""

_GROUP_ALIASES = {
    "eu27": "EU27",
    "eu-27": "EU27",
    "eu 27": "EU27",
    "eu member states": "EU27",
    "ea": "EA",
    "euro area": "EA",
    "eurozone": "EA",
    "ea20": "EA",
    "g7": "G7",
    "g-7": "G7",
    "group of seven": "G7",
    "dac": "DAC",
    "dac members": "DAC",
    "dac countries": "DAC",
    "dac countries, total": "DAC",
}

_INSTITUTIONS = {
    "EUI": "EU Institutions",
}
_INSTITUTION_ALIASES = {
    "eui": "EUI",
    "eu institutions": "EUI",
    "eu-institutionen": "EUI",
    "european union": "EUI",
    "eu": "EUI",
    "europäische union": "EUI",
    "european commission": "EUI",
    "europäische kommission": "EUI",
}


@dataclass(frozen=True, slots=True)
class DonorIdentity:
    """A resolved donor: ``code`` is ISO alpha-3 for a country, ``EUI`` for the EU institutions or a group code."""

    code: str
    name: str
    kind: DonorKind
    iso2: str | None = None


def group_names() -> tuple[str, ...]:
    """The group codes :func:`members` knows."""
    return tuple(GROUPS)


def members(group: str, on: date | str) -> tuple[str, ...]:
    """The members of ``group`` (``EU27``, ``EA``, ``G7``, ``DAC``) on the date ``on``, sorted codes.

    >>> members("G7", on="2025-01-09")
    ('CAN', 'DEU', 'FRA', 'GBR', 'ITA', 'JPN', 'USA')
    """
    ident = resolve_donor(group)
    if ident.kind != "group":
        raise InvalidArgumentError("group", group, f"{group!r} is not a group: expected one of {', '.join(GROUPS)}")
    day = parse_iso_date(on, what="membership date")
    return tuple(sorted({m.member for m in GROUPS[ident.code][1] if m.on(day)}))


@cache
def _name_index() -> dict[str, str]:
    """casefolded name / code -> ISO alpha-3."""
    index: dict[str, str] = {}
    by_iso2: dict[str, str] = {}
    for iso3, (iso2, name) in bundled_entities().items():
        if len(iso3) == 3 and iso2:
            by_iso2[iso2] = iso3
        index.setdefault(name.casefold(), iso3)
    for name, iso2 in _cldr_names().items():
        if iso2 in by_iso2:
            index[name] = by_iso2[iso2]
    for iso2, iso3 in by_iso2.items():
        index[iso2.casefold()] = iso3
        index[iso3.casefold()] = iso3
    return index


def _cldr_names() -> dict[str, str]:
    from babel import Locale

    table: dict[str, str] = {}
    for lang in ("en", "de"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                table.setdefault(str(name).casefold(), code)
    for alias, code in {
        "usa": "US",
        "us": "US",
        "u.s.": "US",
        "united states of america": "US",
        "uk": "GB",
        "u.k.": "GB",
        "great britain": "GB",
        "britain": "GB",
        "korea": "KR",
        "south korea": "KR",
        "republic of korea": "KR",
        "czech republic": "CZ",
        "slovak republic": "SK",
    }.items():
        table[alias] = code
    return table


@cache
def _english_names() -> dict[str, str]:
    return {iso3: name for iso3, (_, name) in bundled_entities().items()}


def resolve_donor(donor: str) -> DonorIdentity:
    """The :class:`DonorIdentity` of a donor name or code; :class:`~aidtrack.errors.UnknownDonorError` if none.

    ``"European Union"`` and ``"EU"`` mean the EU institutions (``EUI``), as in aid statistics where
    the EU is a donor of its own; the member states as a group are ``EU27``.
    """
    if not isinstance(donor, str) or not donor.strip():
        raise UnknownDonorError(donor)
    key = " ".join(donor.split()).casefold()
    if key in _GROUP_ALIASES or donor.strip().upper() in GROUPS:
        code = _GROUP_ALIASES.get(key) or donor.strip().upper()
        return DonorIdentity(code, GROUPS[code][0], "group")
    if key in _INSTITUTION_ALIASES:
        code = _INSTITUTION_ALIASES[key]
        return DonorIdentity(code, _INSTITUTIONS[code], "institution")
    iso3 = _name_index().get(key)
    if iso3 is None:
        raise UnknownDonorError(donor)
    iso2 = bundled_entities().get(iso3, ("", ""))[0] or None
    return DonorIdentity(iso3, _english_names().get(iso3, iso3), "country", iso2)


@cache
def national_currency(country: str, on: date = date(2025, 10, 14)) -> str:
    """The ISO 4217 currency in which the IMF reports ``country``'s national-currency series.

    The WEO reports each country in its currency at the release date for its whole history (euro
    members in EUR, pre-euro years converted at the irrevocable rates), so the currency is the legal
    tender on ``on`` (default: the October 2025 WEO's release date; Bulgaria is still BGN then).

    >>> national_currency("HRV"), national_currency("BGR"), national_currency("USA")
    ('EUR', 'BGN', 'USD')
    """
    from babel.numbers import get_territory_currencies

    ident = resolve_donor(country)
    if ident.kind != "country" or ident.iso2 is None:
        raise InvalidArgumentError("country", country, f"{country!r} is not a country, so it has no national currency")
    found = get_territory_currencies(ident.iso2, start_date=on, end_date=on, tender=True)
    if not found:
        raise InvalidArgumentError("country", country, f"no legal-tender currency known for {ident.name} on {on}")
    return str(found[0])
