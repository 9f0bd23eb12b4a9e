"""The euro's legacy currencies: the irrevocable conversion rates fixed by EU Council regulations (pure data).

When a country adopts the euro, the Council fixes its old currency's value at an exact number
of units per euro, from the changeover date on (1 January of the adoption year). From then on
the old currency is a non-decimal subdivision of the euro: ``DEM 1.95583`` *is* ``EUR 1``,
on any date and under any rate policy, with no market rate involved.

==========  ===========  ===========  ==============================================
currency    per EUR      from         Council Regulation
==========  ===========  ===========  ==============================================
BEF, LUF    40.3399      1999-01-01   (EC) No 2866/98
DEM         1.95583      1999-01-01   (EC) No 2866/98
ESP         166.386      1999-01-01   (EC) No 2866/98
FRF         6.55957      1999-01-01   (EC) No 2866/98
IEP         0.787564     1999-01-01   (EC) No 2866/98
ITL         1936.27      1999-01-01   (EC) No 2866/98
NLG         2.20371      1999-01-01   (EC) No 2866/98
ATS         13.7603      1999-01-01   (EC) No 2866/98
PTE         200.482      1999-01-01   (EC) No 2866/98
FIM         5.94573      1999-01-01   (EC) No 2866/98
GRD         340.750      2001-01-01   (EC) No 1478/2000
SIT         239.640      2007-01-01   (EC) No 1086/2006
CYP         0.585274     2008-01-01   (EC) No 1135/2007
MTL         0.429300     2008-01-01   (EC) No 1134/2007
SKK         30.1260      2009-01-01   (EC) No 694/2008
EEK         15.6466      2011-01-01   (EU) No 671/2010
LVL         0.702804     2014-01-01   (EU) No 870/2013
LTL         3.45280      2015-01-01   (EU) No 851/2014
HRK         7.53450      2023-01-01   (EU) 2022/1208
BGN         1.95583      2026-01-01   (EU) 2025/1407
==========  ===========  ===========  ==============================================

Before its changeover date a legacy currency is an ordinary currency: it converts only where a
rate source quotes it (the ECB quoted CYP, MTL, SKK, EEK, LVL, LTL, HRK and BGN; the IMF table has
annual averages of all of them), and is otherwise refused. Conversions between two legacy
currencies go through the euro, as Council Regulation (EC) No 1103/97 requires; aidtrack keeps the
intermediate euro amount exact (the regulation allows rounding it to no fewer than three decimals).

>>> euro_parity("DEM", date(2010, 6, 15)).rate
Decimal('1.95583')
>>> euro_parity("DEM", date(1998, 12, 31)) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = ["LEGACY_EURO", "LegacyCurrency", "euro_parity", "legacy_currency"]


@dataclass(frozen=True, slots=True)
class LegacyCurrency:
    """One legacy currency: its units per euro, the changeover date, and the regulation fixing them."""

    code: str
    rate: Decimal
    """Units of the currency per one euro, exactly as the regulation fixes it."""
    since: date
    """The changeover date: the parity holds on this day and every later one."""
    regulation: str

    def describe(self) -> str:
        """``"DEM 1.95583 per EUR from 1999-01-01 (Council Regulation (EC) No 2866/98)"``."""
        return f"{self.code} {self.rate} per EUR from {self.since.isoformat()} (Council Regulation {self.regulation})"


def _entries() -> dict[str, LegacyCurrency]:
    founding = date(1999, 1, 1)
    r2866 = "(EC) No 2866/98"
    rows = [
        ("BEF", "40.3399", founding, r2866),
        ("DEM", "1.95583", founding, r2866),
        ("ESP", "166.386", founding, r2866),
        ("FRF", "6.55957", founding, r2866),
        ("IEP", "0.787564", founding, r2866),
        ("ITL", "1936.27", founding, r2866),
        ("LUF", "40.3399", founding, r2866),
        ("NLG", "2.20371", founding, r2866),
        ("ATS", "13.7603", founding, r2866),
        ("PTE", "200.482", founding, r2866),
        ("FIM", "5.94573", founding, r2866),
        ("GRD", "340.750", date(2001, 1, 1), "(EC) No 1478/2000"),
        ("SIT", "239.640", date(2007, 1, 1), "(EC) No 1086/2006"),
        ("CYP", "0.585274", date(2008, 1, 1), "(EC) No 1135/2007"),
        ("MTL", "0.429300", date(2008, 1, 1), "(EC) No 1134/2007"),
        ("SKK", "30.1260", date(2009, 1, 1), "(EC) No 694/2008"),
        ("EEK", "15.6466", date(2011, 1, 1), "(EU) No 671/2010"),
        ("LVL", "0.702804", date(2014, 1, 1), "(EU) No 870/2013"),
        ("LTL", "3.45280", date(2015, 1, 1), "(EU) No 851/2014"),
        ("HRK", "7.53450", date(2023, 1, 1), "(EU) 2022/1208"),
        ("BGN", "1.95583", date(2026, 1, 1), "(EU) 2025/1407"),
    ]
    return {code: LegacyCurrency(code, Decimal(rate), since, reg) for code, rate, since, reg in rows}


LEGACY_EURO: dict[str, LegacyCurrency] = _entries()
"""Every legacy euro currency by ISO 4217 code."""


def legacy_currency(code: str) -> LegacyCurrency | None:
    """The legacy-currency entry of ``code``, whatever the date (``None`` for any other currency)."""
    return LEGACY_EURO.get(code)


def euro_parity(code: str, on: date) -> LegacyCurrency | None:
    """The parity of ``code`` if it is a legacy euro currency and ``on`` is on or after its changeover."""
    entry = LEGACY_EURO.get(code)
    return entry if entry is not None and on >= entry.since else None
