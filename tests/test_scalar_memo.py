"""The memoised scalar path of ``convert()`` gives exactly what the checked, uncached path gives.

``convert()`` answers a repeated kind of call from caches (checked currency codes, date strings and
policy names; each table's pricing per pair, day, policy and look-back). These tests compare it with
the uncached path (every cache emptied first) and with the formula written out from ``quote()``, on
random currencies, dates, policies, amounts and roundings, refusals included.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
from aidtrack import conversion
from aidtrack.amounts import EXACT_CONTEXT, RATE_CONTEXT, quantize
from aidtrack.conversion import Conversion, convert
from aidtrack.currency import _NORMALIZED
from aidtrack.errors import AidtrackError
from aidtrack.money import Money
from aidtrack.policy import _AS_POLICY, as_policy, quote
from aidtrack.rates.bundled import bundled_imf_table, bundled_table
from aidtrack.rates.sources import resolve_tables_lazily, using_source
from aidtrack.rates.table import RateTable

ECB = bundled_table()
CODES = [*list(ECB.currencies), "usd", " gbp ", "DEM", "FRF", "UAH", "XAU", "US$", "ZZZ", "eur"]
POLICIES = [
    "daily",
    "exact",
    "monthly_mean",
    "quarterly_mean",
    "annual_mean",
    "fiscal:4",
    "trailing:30",
    "trailing:2022-06-01..2022-08-31",
    "fixed:2020-03-02",
    "Daily",
    "bogus",
    aidtrack.RatePolicy.DAILY,
]
DAYS = st.dates(min_value=date(1998, 12, 20), max_value=date(2026, 11, 20))
AMOUNTS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**8).map(lambda n: f"{n / 100:.2f}"),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.sampled_from([10**29, 10**30, "1e31", "abc", True, None]),
)


def _forget() -> None:
    """Empty every cache of the scalar path."""
    conversion._DAYS.clear()
    _NORMALIZED.clear()
    _AS_POLICY.clear()
    for table in (ECB, bundled_imf_table()):
        table._priced.clear()


def _outcome(fn: Any) -> tuple[str, Any]:
    try:
        c = fn()
    except (AidtrackError, ValueError, TypeError) as exc:
        return "error", (type(exc), str(exc))
    assert type(c) is Conversion
    assert type(c.original) is Money
    assert type(c.result) is Money
    return "ok", (c, repr(c), c.to_dict(), c.explain(), str(c.unrounded), hash(c))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    amount=AMOUNTS,
    cur=st.sampled_from(CODES),
    to=st.sampled_from(CODES),
    day=st.one_of(DAYS, DAYS.map(date.isoformat)),
    policy=st.sampled_from(POLICIES),
    rounding=st.sampled_from(["half_even", "half_up", aidtrack.Rounding.HALF_UP, "sideways"]),
    lookback=st.sampled_from([7, 0, 3, -1]),
)
def test_memoised_path_equals_uncached_path(
    amount: Any, cur: str, to: str, day: Any, policy: Any, rounding: Any, lookback: int
) -> None:
    def call() -> Conversion:
        return convert(amount, cur, to=to, on=day, policy=policy, rounding=rounding, max_lookback_days=lookback)

    _forget()
    uncached = _outcome(call)  # every check made, every cache filled on success
    memoised = _outcome(call)  # the same call again: from the caches
    again = _outcome(call)
    assert memoised == uncached
    assert again == uncached


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=-(10**15), max_value=10**15) | st.decimals(places=4, min_value=-1e6, max_value=1e6),
    cur=st.sampled_from(list(ECB.currencies)),
    to=st.sampled_from(list(ECB.currencies)),
    day=st.dates(min_value=date(1999, 1, 1), max_value=date(2026, 10, 30)),
    policy=st.sampled_from(["daily", "exact", "monthly_mean", "annual_mean", "trailing:90"]),
)
def test_memoised_path_equals_the_formula(amount: Any, cur: str, to: str, day: date, policy: str) -> None:
    """The conversion the memo answers is the one written out from two quote() calls (module docs' formula)."""
    pol = as_policy(policy)
    if cur == to:  # no rate needed
        c = convert(amount, cur, to, on=day, policy=policy, source=ECB)
        assert c.legs == () and c.rate == 1 and c.source is None
        return
    try:
        src, dst = quote(ECB, cur, day, pol), quote(ECB, to, day, pol)
    except AidtrackError as exc:
        refusal = exc
    else:
        refusal = None
    if refusal is not None:
        with pytest.raises(type(refusal)) as caught:
            convert(amount, cur, to, on=day, policy=policy, source=ECB)
        assert str(caught.value) == str(refusal)
        return
    for _ in range(2):  # the first call fills the memo, the second reads it
        c = convert(amount, cur, to, on=day, policy=policy, source=ECB)
        unrounded = EXACT_CONTEXT.divide(EXACT_CONTEXT.multiply(Decimal(amount), dst.rate), src.rate)
        assert str(c.unrounded) == str(unrounded)
        assert c.result == Money(quantize(unrounded, to), to)
        assert str(c.rate) == str(RATE_CONTEXT.divide(dst.rate, src.rate))
        assert c.legs == tuple(leg for leg in (src, dst) if leg.currency != "EUR")
        assert c.source == ECB.info


def test_fast_objects_are_the_real_classes() -> None:
    """The writable twins have exactly the slots of Money and Conversion (so ``__class__`` may be assigned)."""
    assert sorted(conversion._NewMoney.__slots__) == sorted(Money.__slots__)
    assert sorted(conversion._NewConversion.__slots__) == sorted(Conversion.__slots__)
    import pickle

    convert(100, "USD", on="2020-03-02")
    c = convert(100, "USD", on="2020-03-02")
    assert type(c) is Conversion and type(c.result) is Money
    assert pickle.loads(pickle.dumps(c)) == c
    assert Conversion.model_validate_json(c.model_dump_json()) == c
    with pytest.raises(AttributeError):
        c.result.amount = Decimal(1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        c.rate = Decimal(1)  # type: ignore[misc]


def test_memo_follows_the_default_source() -> None:
    """A cached pricing never outlives a change of source: the memo belongs to the table."""
    own = RateTable.from_rows([("2020-03-02", "USD", "2")], base="EUR", key="mine", name="mine")
    for _ in range(2):
        assert convert(100, "USD", on="2020-03-02").result == Money("89.91", "EUR")
    with using_source(own):
        for _ in range(2):
            assert convert(100, "USD", on="2020-03-02").result == Money("50.00", "EUR")
    assert convert(100, "USD", on="2020-03-02").result == Money("89.91", "EUR")
    aidtrack.set_default_source(own)
    try:
        assert convert(100, "USD", on="2020-03-02").source.key == "mine"  # type: ignore[union-attr]
    finally:
        aidtrack.set_default_source(None)


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversion, "_PRICED_MAX", 10)
    table = RateTable.from_rows(
        [((date(2020, 1, 1) + timedelta(days=i)).isoformat(), "USD", "1.1") for i in range(40)],
        base="EUR",
        key="t",
        name="t",
    )
    for i in range(40):
        convert(1, "USD", on=date(2020, 1, 1) + timedelta(days=i), source=table)
        assert len(table._priced) <= 10


def test_fallback_source_is_loaded_only_when_needed() -> None:
    """A cold convert() priced by the ECB table never reads the IMF table behind it; one that needs it does."""
    code = (
        "import aidtrack\n"
        "from aidtrack.rates.bundled import bundled_imf_source\n"
        "aidtrack.convert(100, 'USD', to='EUR', on='2020-03-02')\n"
        "print(bundled_imf_source()._table is None)\n"
        "aidtrack.convert(100, 'UAH', to='USD', on='2020-03-02', policy='annual_mean')\n"
        "print(bundled_imf_source()._table is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_lazy_tables_behave_as_a_sequence() -> None:
    tables = resolve_tables_lazily(None)
    assert len(tables) == 2
    assert tables[0] is ECB and tables[1] is bundled_imf_table()
    assert list(tables) == [ECB, bundled_imf_table()]
    assert tables[-1] is bundled_imf_table()
    assert list(tables[1:]) == [bundled_imf_table()]
    with pytest.raises(IndexError):
        tables[2]
