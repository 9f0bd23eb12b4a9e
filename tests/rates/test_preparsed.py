"""The pre-parsed copy of the bundled ECB table: equal to parsing the zip, verified, rebuilt when damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidtrack.rates import bundled
from aidtrack.rates.bundled import BUNDLED_SHA256, preparsed_path, read_preparsed, write_preparsed
from aidtrack.rates.parsers.ecb import ECB_HIST_URL, parse_eurofxref_zip
from aidtrack.rates.table import RateTable

ZIP = Path(bundled.__file__).resolve().parents[1] / "data" / bundled.BUNDLED_FILE


@pytest.fixture
def cache_dir(_isolated_rates: Path) -> Path:
    """This test's cache folder (``AIDTRACK_CACHE_DIR``, set by the autouse fixture)."""
    return _isolated_rates


@pytest.fixture(scope="module")
def parsed() -> RateTable:
    """The bundled zip parsed from scratch, every value checked (the reference)."""
    return parse_eurofxref_zip(
        ZIP.read_bytes(),
        key=bundled.BundledECB.key,
        name=bundled.BundledECB.name,
        url=ECB_HIST_URL,
        sha256=BUNDLED_SHA256,
    )


def _same(a: RateTable, b: RateTable) -> None:
    assert a.info == b.info
    assert a.currencies == b.currencies
    assert list(a.calendar) == list(b.calendar)
    for cur in a.currencies:
        if cur != a.base:
            assert list(a.series(cur).ordinals) == list(b.series(cur).ordinals), cur
            assert a.series(cur).raw == b.series(cur).raw, cur


def test_reference_equals_the_lazy_parse(parsed: RateTable) -> None:
    """Without a cache folder the zip is parsed lazily (as before the copies): the same table."""
    lazy = parse_eurofxref_zip(
        ZIP.read_bytes(),
        key=bundled.BundledECB.key,
        name=bundled.BundledECB.name,
        url=ECB_HIST_URL,
        sha256=BUNDLED_SHA256,
        eager=False,
    )
    _same(lazy, parsed)


def test_first_load_writes_the_copy_and_the_next_reads_it(cache_dir: Path, parsed: RateTable) -> None:
    path = preparsed_path(BUNDLED_SHA256)
    assert path == cache_dir / "tables" / f"ecb-bundled-{BUNDLED_SHA256[:16]}.table"
    assert not path.exists()
    first = bundled._read_bundled()
    assert path.exists()
    _same(first, parsed)
    again = read_preparsed(path, BUNDLED_SHA256)
    assert again is not None
    assert type(again._columns["USD"]).__name__ == "CachedColumn"  # columns stay packed until used
    _same(again, parsed)
    _same(bundled._read_bundled(), parsed)
    assert again.content_sha256 == parsed.content_sha256


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"",  # empty
        lambda data: b"not a table at all\n\n",
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # last byte flipped
        lambda data: data.replace(b"aidtrack-preparsed-table/1", b"aidtrack-preparsed-table/9", 1),
        lambda data: data.replace(b"USD", b"XXX", 1),  # a header field changed (digest no longer matches)
    ],
)
def test_damaged_copy_is_never_used_and_is_rebuilt(cache_dir: Path, parsed: RateTable, damage: object) -> None:
    bundled._read_bundled()
    path = preparsed_path(BUNDLED_SHA256)
    assert path is not None
    damaged = damage(path.read_bytes())  # type: ignore[operator]
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)
    assert read_preparsed(path, BUNDLED_SHA256) is None
    table = bundled._read_bundled()
    _same(table, parsed)
    rebuilt = read_preparsed(path, BUNDLED_SHA256)
    assert rebuilt is not None
    _same(rebuilt, parsed)


def test_copy_of_another_snapshot_is_ignored(cache_dir: Path, parsed: RateTable) -> None:
    """Keyed by the zip's SHA-256: a copy built from other bytes is not read, even under this name."""
    path = preparsed_path(BUNDLED_SHA256)
    assert path is not None
    path.parent.mkdir(parents=True)
    assert write_preparsed(path, parsed, "0" * 64)
    assert read_preparsed(path, BUNDLED_SHA256) is None
    assert read_preparsed(path, "0" * 64) is not None
    _same(bundled._read_bundled(), parsed)
    assert read_preparsed(path, BUNDLED_SHA256) is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_is_detected(tmp_path: Path, parsed: RateTable, position: float, bit: int) -> None:
    path = tmp_path / "copy.table"
    if not path.exists():
        assert write_preparsed(path, parsed, BUNDLED_SHA256)
    data = bytearray(path.read_bytes())
    at = int(position * len(data))
    data[at] ^= 1 << bit
    damaged = tmp_path / "damaged.table"
    damaged.write_bytes(bytes(data))
    assert read_preparsed(damaged, BUNDLED_SHA256) is None


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a folder this user cannot write")
def test_read_only_cache_folder_parses_lazily(cache_dir: Path, parsed: RateTable) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.chmod(0o500)
    try:
        table = bundled._read_bundled()
        assert not (cache_dir / "tables").exists()
        _same(table, parsed)
    finally:
        cache_dir.chmod(0o700)


def test_unwritable_cache_folder_parses_lazily(
    cache_dir: Path, parsed: RateTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundled, "_writable", lambda folder: False)
    table = bundled._read_bundled()
    assert not (cache_dir / "tables").exists()
    assert type(table._columns["USD"]).__name__ == "_LazyColumn"
    _same(table, parsed)


# -- the ISO 4217 codes and minor units, kept beside it (babel's data unchanged) ------------------------


def _iso_fresh() -> dict[str, int]:
    from aidtrack import currency

    currency._iso4217.cache_clear()
    currency._known.cache_clear()
    currency.minor_units.cache_clear()
    return currency._iso4217()


@pytest.fixture
def _restore_iso() -> object:
    yield
    _iso_fresh()


def _iso_path(cache_dir: Path) -> Path:
    (found,) = (cache_dir / "tables").glob("iso4217-*.txt")
    return found


@pytest.mark.usefixtures("_restore_iso")
def test_iso4217_copy_equals_babel(cache_dir: Path) -> None:
    from babel.numbers import get_currency_precision, list_currencies

    from aidtrack.currency import is_currency, minor_units

    expected = {c: get_currency_precision(c) for c in list_currencies()}
    assert _iso_fresh() == expected  # from babel, and written
    assert _iso_path(cache_dir).exists()
    assert _iso_fresh() == expected  # from the copy
    assert minor_units("JPY") == 0 and minor_units("BHD") == 3 and is_currency("cyp")


@pytest.mark.usefixtures("_restore_iso")
@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-3],
        lambda data: data.replace(b"\nEUR 2\n", b"\nEUR 3\n"),  # a minor unit changed: the digest no longer matches
        lambda data: b"",
        lambda data: data.replace(b"key ", b"key elsewhere", 1),
    ],
)
def test_damaged_iso4217_copy_is_never_used(cache_dir: Path, damage: object) -> None:
    from babel.numbers import get_currency_precision, list_currencies

    expected = {c: get_currency_precision(c) for c in list_currencies()}
    _iso_fresh()
    path = _iso_path(cache_dir)
    damaged = damage(path.read_bytes())  # type: ignore[operator]
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)
    assert _iso_fresh() == expected
    assert _iso_fresh() == expected  # rewritten, and read back


def test_imf_table_copy_equals_parsing_the_csv(cache_dir: Path) -> None:
    from aidtrack.rates.bundled import BUNDLED_IMF_SHA256, BundledIMF

    first = bundled._read_imf()  # parsed, and the copy written
    path = preparsed_path(BUNDLED_IMF_SHA256, key=BundledIMF.key)
    assert path is not None and path.exists()
    copy = read_preparsed(path, BUNDLED_IMF_SHA256, key=BundledIMF.key)
    assert copy is not None
    assert read_preparsed(path, BUNDLED_IMF_SHA256) is None  # not the ECB table's copy
    _same(copy, first)
    assert copy.is_period_table and copy.frequency == "A" and copy.info.attribution
    assert copy.content_sha256 == first.content_sha256
    _same(bundled._read_imf(), first)
