"""Rate tables kept packed: a table pickles from its packed columns without building them, and a series rebuilt
from packed bytes holds its rate strings as one buffer (:class:`PackedRates`) that reads as the list it stands for."""

from __future__ import annotations

import pickle
from array import array
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import cloudpickle
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidtrack.rates import bundled
from aidtrack.rates.bundled import BUNDLED_SHA256, preparsed_path, read_preparsed
from aidtrack.rates.parsers.ecb import ECB_HIST_URL, parse_eurofxref_zip
from aidtrack.rates.table import PackedColumn, PackedRates, RateTable, Series

ZIP = Path(bundled.__file__).resolve().parents[1] / "data" / bundled.BUNDLED_FILE
RATE = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4, allow_nan=False).map(str)


@st.composite
def tables(draw: st.DrawFn) -> RateTable:
    currencies = draw(st.lists(st.sampled_from(["USD", "JPY", "GBP", "CHF", "NOK"]), min_size=1, unique=True))
    rows = []
    for cur in currencies:
        days = draw(st.lists(st.integers(0, 5_000), min_size=1, max_size=40, unique=True))
        rows += [(date(2000, 1, 3) + timedelta(days=d), cur, draw(RATE)) for d in days]
    return RateTable.from_rows(rows, base="EUR", key="mine", name="my table")


def _packed_columns(table: RateTable) -> bool:
    return all(isinstance(col, PackedColumn) for col in table._columns.values())


@settings(max_examples=60, deadline=None)
@given(table=tables())
def test_a_packed_table_pickles_as_the_built_one_without_building_its_columns(table: RateTable) -> None:
    back = pickle.loads(pickle.dumps(table))
    assert _packed_columns(back)
    # packed anew from its packed columns (not from the pickle it arrived in)
    fresh = RateTable(
        base=back.base,
        calendar=back.calendar,
        columns=back._columns,
        info=back.info,
        quoted_in_base=back.quoted_in_base,
    )
    assert fresh.content_sha256 == table.content_sha256
    assert pickle.dumps(fresh) == pickle.dumps(table)
    assert _packed_columns(fresh)  # nothing was built to pickle it
    for cur in table.currencies:
        if cur != table.base:
            built, again = table.series(cur), fresh.series(cur)
            assert isinstance(again.raw, PackedRates)
            assert list(again.ordinals) == list(built.ordinals)
            assert again.raw == built.raw and list(again.raw) == list(built.raw)
            assert [again.rate(i) for i in range(len(again))] == [built.rate(i) for i in range(len(built))]
            assert again.as_numpy()[1].tolist() == built.as_numpy()[1].tolist()


@settings(max_examples=200, deadline=None)
@given(values=st.lists(RATE, max_size=50), data=st.data())
def test_packed_rates_read_as_the_list_of_strings(values: list[str], data: st.DataObject) -> None:
    packed = PackedRates("\n".join(values).encode("ascii"))
    assert len(packed) == len(values)
    assert list(packed) == values and packed == values and values == packed
    assert repr(packed) == repr(values)
    for k in range(-len(values), len(values)):
        assert packed[k] == values[k]
    for bad in (len(values), -len(values) - 1):
        with pytest.raises(IndexError):
            packed[bad]
    start, stop, step = (data.draw(st.integers(-60, 60) | st.none()) for _ in range(3))
    if step != 0:
        assert packed[start:stop:step] == values[start:stop:step]
    for dumps in (pickle.dumps, cloudpickle.dumps):
        again = pickle.loads(dumps(packed))
        assert isinstance(again, PackedRates) and again == packed and list(again) == values
    assert packed != [*values, "1"] and packed != tuple(values) and packed != PackedRates(b"1.5\n2")
    with pytest.raises(TypeError):
        hash(packed)


def test_a_series_of_packed_rates_pickles_as_the_built_one() -> None:
    built = Series("USD", array("l", [730_000, 730_001]), ["1.0305", "1.0304"])
    packed = pickle.loads(pickle.dumps(built))
    assert isinstance(packed.raw, PackedRates)
    assert pickle.dumps(packed) == pickle.dumps(built)
    assert packed == built


@pytest.mark.usefixtures("_isolated_rates")
def test_the_preparsed_bundled_table_pickles_without_building_a_column() -> None:
    """The client sharing the bundled table with workers sends its cached bytes; no series is built."""
    bundled._read_bundled()  # writes the pre-parsed copy
    path = preparsed_path(BUNDLED_SHA256)
    assert path is not None
    table = read_preparsed(path, BUNDLED_SHA256)
    assert table is not None and _packed_columns(table)
    back = pickle.loads(pickle.dumps(table))
    assert _packed_columns(table)
    parsed = parse_eurofxref_zip(
        ZIP.read_bytes(),
        key=bundled.BundledECB.key,
        name=bundled.BundledECB.name,
        url=ECB_HIST_URL,
        sha256=BUNDLED_SHA256,
    )
    assert table.content_sha256 == back.content_sha256 == parsed.content_sha256
    for cur in ("USD", "JPY", "ISK"):
        assert back.series(cur) == parsed.series(cur)
        assert isinstance(back.series(cur).raw, PackedRates) and isinstance(parsed.series(cur).raw, list)
        # in the process that read it, a column keeps its rates as a list: first reads by position cost nothing
        assert table.series(cur) == parsed.series(cur) and isinstance(table.series(cur).raw, list)
