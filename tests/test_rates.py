"""The bundled ECB table and its parser: known values, per-currency bounds, malformed input."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from aidtrack import RateTable, UnknownCurrencyError, bundled_table
from aidtrack.errors import RateDataError
from aidtrack.rates.bundled import BUNDLED_SHA256
from aidtrack.rates.parsers.ecb import parse_eurofxref_csv, parse_eurofxref_zip


def rate(currency: str, day: date) -> Decimal:
    s = bundled_table().series(currency)
    i = s.index_of(day)
    assert i is not None
    return s.rate(i)


def test_known_values() -> None:
    assert rate("USD", date(2025, 1, 9)) == Decimal("1.0305")
    assert rate("CAD", date(2025, 1, 9)) == Decimal("1.4831")
    assert rate("NOK", date(2025, 1, 9)) == Decimal("11.7605")
    assert rate("USD", date(2026, 10, 30)) == Decimal("1.1172")
    assert rate("GBP", date(2026, 10, 30)) == Decimal("0.8338")
    assert rate("JPY", date(2026, 10, 30)) == Decimal("175.68")
    assert rate("USD", date(1999, 1, 4)) == Decimal("1.1789")


def test_coverage_and_currencies() -> None:
    t = bundled_table()
    assert t.info.first_date == date(1999, 1, 4)
    assert t.info.last_date == date(2026, 10, 30)
    assert t.coverage_end == date(2026, 11, 1)  # the weekend after a Friday fixing
    assert len(t.currencies) == 42 and "EUR" in t.currencies
    assert t.info.sha256 == BUNDLED_SHA256


@pytest.mark.parametrize(
    ("currency", "last"),
    [
        ("RUB", date(2022, 3, 1)),
        ("HRK", date(2022, 12, 30)),
        ("BGN", date(2025, 12, 31)),
        ("CYP", date(2007, 12, 31)),
        ("TRL", date(2004, 12, 31)),
        ("USD", date(2026, 10, 30)),
    ],
)
def test_per_currency_bounds(currency: str, last: date) -> None:
    assert bundled_table().bounds(currency)[1] == last


def test_unknown_currency_lists_available() -> None:
    with pytest.raises(UnknownCurrencyError) as err:
        bundled_table().series("ARS")
    assert "USD" in err.value.known and "ARS" in str(err.value)


SMALL = "Date,USD,JPY,\n2025-01-10,1.0304,163.1,\n2025-01-09,1.0305,N/A,\n"


def test_parse_small_file() -> None:
    t = parse_eurofxref_csv(SMALL, url=None)
    assert t.series("USD").raw == ["1.0305", "1.0304"]
    assert t.bounds("JPY") == (date(2025, 1, 10), date(2025, 1, 10))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "first line"),
        ("<html><body>Service unavailable</body></html>", "first line"),
        ("Date,USD,\n", "no rows"),
        ("Date,USD,QQQ,\n2025-01-09,1,2,\n", "unknown currency column"),
        ("Date,USD,JPY,\n2025-01-09,1.0305,\n", "line 2"),
        ("Date,USD,\n2025-01-09,abc,\n", "invalid USD rate 'abc'"),
        ("Date,USD,\n2025-01-09,-1.2,\n", "invalid USD rate"),
        ("Date,USD,\n2025-01-09,0,\n", "must be positive"),
        ("Date,USD,\n09.01.2025,1.2,\n", "invalid date"),
        ("Date,USD,\n2025-02-30,1.2,\n", "invalid date"),
        ("Date,USD,\n2025-01-09,1.2,\n2025-01-09,1.3,\n", "repeat"),
        ("Date,USD,USD,\n2025-01-09,1.2,1.2,\n", "twice"),
    ],
)
def test_malformed_csv_is_rejected(text: str, needle: str) -> None:
    with pytest.raises(RateDataError, match=needle):
        parse_eurofxref_csv(text, url=None)


@pytest.mark.parametrize("eager", [True, False])
@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Date,USD,\n2025-01-099,1.2,\n", "invalid date '2025-01-099'"),
        ("Date,USD,\n2025-01-09,1.2,\n2025-01-08,1.2,3,\n", "line 3"),
        ("Date,USD,JPY,\n2025-01-09,1.2,\n2025-01-08,1.2,3,4,\n", "line 2"),
    ],
)
def test_layout_errors_in_both_modes(text: str, needle: str, eager: bool) -> None:
    with pytest.raises(RateDataError, match=needle):
        parse_eurofxref_csv(text, url=None, eager=eager)


def test_bad_value_reports_its_line() -> None:
    text = "Date,USD,\n2025-01-10,1.2,\n2025-01-09,bad,\n2025-01-08,1.1,\n"
    with pytest.raises(RateDataError) as err:
        parse_eurofxref_csv(text, url=None)
    assert err.value.line == 3


def test_lazy_parse_checks_values_on_first_use() -> None:
    t = parse_eurofxref_csv("Date,USD,JPY,\n2025-01-09,1.2,oops,\n", url=None, eager=False)
    assert t.series("USD").raw == ["1.2"]
    with pytest.raises(RateDataError, match="oops"):
        t.series("JPY")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_parsing_and_faults() -> None:
    good = _zip({"eurofxref-hist.csv": SMALL.encode()})
    t = parse_eurofxref_zip(good)
    assert t.info.sha256 == hashlib.sha256(good).hexdigest()
    with pytest.raises(RateDataError, match="not a valid zip"):
        parse_eurofxref_zip(good[: len(good) // 2])
    with pytest.raises(RateDataError, match="not a valid zip"):
        parse_eurofxref_zip(b"")
    with pytest.raises(RateDataError, match="one CSV"):
        parse_eurofxref_zip(_zip({"a.csv": b"x", "b.csv": b"y"}))


def test_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import aidtrack.rates.parsers.ecb

    monkeypatch.setattr(aidtrack.rates.parsers.ecb, "MAX_UNZIPPED_BYTES", 1000)
    bomb = _zip({"eurofxref-hist.csv": b"Date,USD,\n" + b"2025-01-09,1.2,\n" * 10_000})
    assert len(bomb) < 1000
    with pytest.raises(RateDataError, match="cap|more than"):
        parse_eurofxref_zip(bomb)


def test_from_rows_any_base() -> None:
    t = RateTable.from_rows(
        [("2025-01-09", "USD", "0.7311"), (date(2025, 1, 9), "EUR", "0.6743"), ("2025-01-09", "CAD", 1)],
        base="CAD",
        key="k",
        name="n",
    )
    assert t.base == "CAD" and t.currencies == ("CAD", "EUR", "USD")
    with pytest.raises(RateDataError, match="positive"):
        RateTable.from_rows([("2025-01-09", "USD", "-1")], base="EUR", key="k", name="n")
    with pytest.raises(RateDataError, match="two different"):
        RateTable.from_rows([("2025-01-09", "USD", "1"), ("2025-01-09", "USD", "2")], base="EUR", key="k", name="n")
    with pytest.raises(RateDataError, match="no rates"):
        RateTable.from_rows([], base="EUR", key="k", name="n")
    with pytest.raises(RateDataError, match="line 1"):
        RateTable.from_rows([("2025-01-09", "XXZ", "1")], base="EUR", key="k", name="n")
