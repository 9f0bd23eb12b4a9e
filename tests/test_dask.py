"""aidtrack.dask on a real LocalCluster of worker processes: identical to the pandas path, exact totals."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import aidtrack.dask as ad  # noqa: E402
from aidtrack.frames.aggregate import PartialTotals, totals  # noqa: E402
from aidtrack.frames.convert import UnconvertibleRowsError, convert_frame  # noqa: E402
from aidtrack.policy import FiscalYearMean, FixedDate, TrailingMean  # noqa: E402
from aidtrack.rates.bundled import bundled_table  # noqa: E402
from aidtrack.rates.table import RateTable  # noqa: E402

pytestmark = pytest.mark.timeout(300)

POLICIES: list[Any] = [
    "daily",
    "exact",
    "monthly_mean",
    "quarterly_mean",
    "annual_mean",
    "fiscal_year_uk",
    TrailingMean(days=30),
    FixedDate(date(2020, 3, 2)),
]
CURRENCIES = ["USD", "CAD", "EUR", "JPY", "GBP", "KWD", "ISK", "XXX", "usd"]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes with one thread each; everything (the HTTP port too) on 127.0.0.1."""
    with (
        dask.config.set({"dataframe.convert-string": False, "distributed.scheduler.work-stealing": False}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            memory_limit="2GiB",
        ) as cluster,
        distributed.Client(cluster, timeout="60s") as c,
    ):
        yield c


def frame(n: int, seed: int, *, bad: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    currencies = CURRENCIES if bad else ["USD", "CAD", "EUR", "JPY", "GBP", "usd"]
    days = pd.Timestamp("1998-12-01") + pd.to_timedelta(rng.integers(0, 10_500 if bad else 9_000, n), "D")
    if not bad:
        days = days.where(days >= pd.Timestamp("1999-02-01"), pd.Timestamp("2005-06-01"))
    amounts = rng.integers(-(10**9), 10**12, n)
    return pd.DataFrame(
        {
            "donor": rng.choice(["Canada", "Norway", "Japan", "EU"], n),
            "qualifier": rng.choice(["exact", "at_least", "up_to"], n),
            "amount": [f"{a / 100:.2f}" for a in amounts.tolist()],
            "currency": rng.choice(currencies, n),
            "date": days.strftime("%Y-%m-%d"),
        },
        index=pd.RangeIndex(1000, 1000 + n),
    )


def same_rows(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Row-by-row equality; a ``problem`` categorical may list its reasons in another order."""
    if "problem" in right.columns:
        left = left.assign(problem=left["problem"].astype(object))
        right = right.assign(problem=right["problem"].astype(object))
    pd.testing.assert_frame_equal(left, right, check_exact=True)


# -- property: the Dask path is the pandas path -------------------------------------------------


@settings(max_examples=6, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    policy=st.sampled_from(POLICIES),
    k=st.integers(1, 9),
    errors=st.sampled_from(["raise", "coerce"]),
    seed=st.integers(0, 10_000),
    n=st.integers(0, 120),
    by=st.sampled_from([None, "donor", ["donor", "year"], ["qualifier", "month"]]),
    sort=st.sampled_from(["keys", "total"]),
)
def test_dask_equals_pandas(
    client: Any, policy: Any, k: int, errors: str, seed: int, n: int, by: Any, sort: str
) -> None:
    df = frame(n, seed)
    ddf = dd.from_pandas(df, npartitions=k, sort=False)
    error: UnconvertibleRowsError | None = None
    try:
        want = convert_frame(df, "USD", policy=policy, errors=errors)  # type: ignore[arg-type]
    except UnconvertibleRowsError as exc:
        error = exc
    if error is not None:
        with pytest.raises(UnconvertibleRowsError) as got:
            ad.convert(ddf, "USD", policy=policy, errors=errors)  # type: ignore[arg-type]
        assert (got.value.count, got.value.rows) == (len(error.problems), error.rows)
        assert got.value.problems == error.problems[: ad.MAX_PROBLEMS]
    else:
        out = ad.convert(ddf, "USD", policy=policy, errors=errors).compute()  # type: ignore[arg-type]
        same_rows(out, want)
        assert out.attrs["aidtrack"]["source"] == want.attrs["aidtrack"]["source"]
    good = df[df["currency"] != "XXX"]
    good = good[convert_frame(good, "USD", policy=policy, errors="coerce")["problem"].isna()]
    expected = totals(good, "USD", by, policy=policy, sort=sort)  # type: ignore[arg-type]
    got_totals = ad.totals(dd.from_pandas(good, npartitions=k, sort=False), "USD", by, policy=policy, sort=sort)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(got_totals, expected, check_exact=True)
    assert got_totals.attrs == expected.attrs


def _outcome(run: Any) -> tuple[str, Any]:
    """What a call gives: ``("ok", frame)`` or ``("error", (type, message, problems))``."""
    from aidtrack.errors import AidtrackError

    try:
        return "ok", run()
    except AidtrackError as exc:
        return "error", (type(exc), str(exc), getattr(exc, "problems", None))


def _same_outcome(got: tuple[str, Any], want: tuple[str, Any]) -> None:
    assert got[0] == want[0], (got, want)
    if got[0] == "error":
        assert got[1] == want[1]
        return
    pd.testing.assert_frame_equal(got[1], want[1], check_exact=True)
    assert got[1].attrs.keys() == want[1].attrs.keys()
    for key, value in want[1].attrs.items():  # provenance records compare by their text
        assert str(got[1].attrs[key]) == str(value), key


REAL_TERMS: list[dict[str, Any]] = [
    {"prices": "constant", "base_year": 2024},
    {"prices": "constant", "base_year": 2015, "deflator": "gdp"},
    {"prices": "constant", "base_year": 2021, "deflator": "cpi", "allow_estimates": True},
    {"share_of": "gdp", "denominator_year": 2021},
    {"share_of": "gni", "denominator_year": 2021, "per_capita": True},
    {"share_of": "gdp", "denominator_year": "same"},
    {"per_capita": True, "denominator_year": 2022, "prices": "constant", "base_year": 2024},
]


@settings(max_examples=5, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    options=st.sampled_from(REAL_TERMS),
    k=st.integers(1, 5),
    seed=st.integers(0, 10_000),
    n=st.integers(0, 80),
    eu=st.booleans(),
    by=st.sampled_from(["donor", ["donor", "year"], ["year", "donor"]]),
)
def test_totals_in_real_terms_equal_pandas(
    client: Any, options: dict[str, Any], k: int, seed: int, n: int, eu: bool, by: Any
) -> None:
    """Constant prices, shares of GDP/GNI and per-capita figures: the pandas result or the pandas error."""
    df = frame(n, seed, bad=False)
    df = df[df["date"] >= "2000-01-01"]  # deflators start in 2000; a missing one is tested with "EU" below
    if not eu:
        df = df[df["donor"] != "EU"]  # (the EU has no deflator and no GDP: DeflationRowsError, NoDenominatorError)
    if options.get("denominator_year") == "same" and "year" not in by:
        by = ["donor", "year"]
    want = _outcome(lambda: totals(df, "EUR", by, **options))
    got = _outcome(lambda: ad.totals(dd.from_pandas(df, npartitions=k, sort=False), "EUR", by, **options))
    _same_outcome(got, want)


@settings(max_examples=5, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    k=st.integers(1, 6),
    seed=st.integers(0, 10_000),
    n=st.integers(1, 80),
    errors=st.sampled_from(["raise", "coerce"]),
    constant=st.booleans(),
    policy=st.sampled_from(["daily", "monthly_mean"]),
)
def test_rate_dates_and_constant_prices_convert_and_total_as_pandas(
    client: Any, k: int, seed: int, n: int, errors: str, constant: bool, policy: str
) -> None:
    """``rate_date=`` (a column of rate dates, some missing or bad) and ``prices="constant"`` in both error modes."""
    df = frame(n, seed, bad=False)
    rng = np.random.default_rng(seed)
    df["announced"] = rng.choice(["2022-02-24", "2020-03-02", None, "not a date"], n, p=[0.4, 0.3, 0.25, 0.05])
    real: dict[str, Any] = {"prices": "constant", "base_year": 2024} if constant else {}
    ddf = dd.from_pandas(df, npartitions=k, sort=False)
    want = _outcome(lambda: convert_frame(df, "GBP", policy=policy, errors=errors, rate_date="announced", **real))  # type: ignore[arg-type]
    got = _outcome(
        lambda: ad.convert(ddf, "GBP", policy=policy, errors=errors, rate_date="announced", **real).compute()  # type: ignore[arg-type]
    )
    assert got[0] == want[0], (got, want)
    if got[0] == "ok":
        for column in ("problem", "deflation_problem"):  # the categories may be listed in another order
            for side in (got[1], want[1]):
                if column in side.columns:
                    side[column] = side[column].astype(object)
        pd.testing.assert_frame_equal(got[1], want[1], check_exact=True)
    else:
        assert got[1][:2] == want[1][:2] and got[1][2][: ad.MAX_PROBLEMS] == want[1][2][: ad.MAX_PROBLEMS]
    # totals with rate dates: those of the frame converted with them
    good = df[convert_frame(df, "GBP", policy=policy, rate_date="announced", errors="coerce")["problem"].isna()]
    want_totals = _outcome(
        lambda: totals(convert_frame(good, "GBP", policy=policy, rate_date="announced"), "GBP", "donor", **real)
    )
    got_totals = _outcome(
        lambda: ad.totals(
            dd.from_pandas(good, npartitions=k, sort=False),
            "GBP",
            "donor",
            policy=policy,
            rate_date="announced",
            **real,
        )
    )
    _same_outcome(got_totals, want_totals)


def test_totals_on_1_and_64_partitions_are_identical_to_the_cent(client: Any) -> None:
    df = frame(3_000, 7, bad=False)
    want = totals(df, "EUR", ["donor", "year"])
    for k in (1, 64):
        got = ad.totals(dd.from_pandas(df, npartitions=k, sort=False), "EUR", ["donor", "year"])
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.attrs["grand_total"] == want.attrs["grand_total"]
        assert sum(got["total"], Decimal(0)) == got.attrs["grand_total"].amount
    assert ad.grand_total(dd.from_pandas(df, npartitions=5)) == want.attrs["grand_total"]


def test_raise_lists_rows_from_every_partition_capped_and_counted(client: Any) -> None:
    df = frame(400, 3)
    df.loc[df.index[::40], "currency"] = "XXX"
    with pytest.raises(UnconvertibleRowsError) as pandas_error:
        convert_frame(df, "EUR")
    ddf = dd.from_pandas(df, npartitions=8, sort=False)
    with pytest.raises(UnconvertibleRowsError) as got:
        ad.convert(ddf, "EUR", max_problems=5)
    assert got.value.count == len(pandas_error.value.problems) > 5
    assert got.value.problems == pandas_error.value.problems[:5]
    assert f"... and {got.value.count - 5} more" in str(got.value)
    with pytest.raises(UnconvertibleRowsError) as in_totals:
        ad.totals(ddf, "EUR", by="donor")
    assert in_totals.value.problems == pandas_error.value.problems
    assert pickle.loads(pickle.dumps(got.value)).count == got.value.count


def test_coerce_keeps_rows_and_reports_them(client: Any) -> None:
    df = frame(300, 11)
    out = ad.convert(dd.from_pandas(df, npartitions=4, sort=False), "EUR", errors="coerce")
    report = ad.conversion_problems_of(out)
    from aidtrack.frames.convert import conversion_problems

    want = conversion_problems(convert_frame(df, "EUR", errors="coerce"))
    pd.testing.assert_frame_equal(report, want)
    assert report.attrs["count"] == len(want)


def test_a_converted_dask_frame_totals_as_is_and_refuses_another_currency(client: Any) -> None:
    df = frame(500, 5, bad=False)
    conv = dd.from_pandas(df, npartitions=3, sort=False).aidtrack.convert("CAD", policy="monthly_mean")
    want = totals(df, "CAD", "donor", policy="monthly_mean")
    pd.testing.assert_frame_equal(conv.aidtrack.totals(by="donor"), want, check_exact=True)
    from aidtrack.errors import InvalidFrameError

    with pytest.raises(InvalidFrameError, match="converted with currency 'CAD'"):
        ad.totals(conv, "EUR")


def _count_table_arrivals() -> None:
    import aidtrack.rates.table as module

    real = getattr(module, "_real_rebuild", module._rebuild_table)

    def counting(*args: Any) -> Any:
        module._arrivals = getattr(module, "_arrivals", 0) + 1  # type: ignore[attr-defined]
        return real(*args)

    counting.__qualname__ = counting.__name__ = "_rebuild_table"  # still pickles by reference on the worker
    counting.__module__ = module.__name__
    module._real_rebuild = real  # type: ignore[attr-defined]
    module._arrivals = 0  # type: ignore[attr-defined]
    module._rebuild_table = counting


def _arrivals() -> int:
    import aidtrack.rates.table as module

    return int(getattr(module, "_arrivals", 0))


def test_the_table_travels_once_per_worker_not_once_per_partition(client: Any) -> None:
    table = RateTable.from_rows(
        [("2020-03-02", "USD", "1.1"), ("2020-03-03", "USD", "1.2"), ("2020-03-02", "CAD", "1.5")],
        base="EUR",
        key="tiny",
        name="a tiny table",
    )
    client.run(_count_table_arrivals)
    first = ad.share_table(table)
    assert ad.share_table(table) is first  # converting again scatters nothing
    df = pd.DataFrame({"amount": range(1, 401), "currency": ["USD", "CAD"] * 200, "date": ["2020-03-02"] * 400})
    out = ad.convert(dd.from_pandas(df, npartitions=20), "EUR", source=table, errors="coerce").compute()
    pd.testing.assert_frame_equal(out, convert_frame(df, "EUR", source=table, errors="coerce").pipe(_plain_problem))
    arrivals = client.run(_arrivals)
    assert len(arrivals) == 2 and all(1 <= n <= 2 for n in arrivals.values()), arrivals  # the broadcast (+ refetch)


_LABELS = st.sampled_from(["Canada", "Norway", None, 2024, pd.Period("2024", "Y-DEC"), pd.Period("2025", "Y-DEC")])
_SUM = st.integers(-(2**64), 2**64) | st.integers(-(10**12), 10**12)


@st.composite
def _partials(draw: st.DrawFn, width: int) -> PartialTotals:
    """A PartialTotals as a partition gives one: distinct groups, sums of any size (beyond int64 too)."""
    names = draw(st.lists(st.tuples(*[_LABELS] * width), max_size=1 if not width else 12, unique=True))
    rows = draw(st.integers(len(names), len(names) + 20))
    groups = {
        name: [draw(_SUM), draw(st.integers(1, 5)), draw(st.integers(0, 1)), draw(st.integers(0, max(rows - 1, 0)))]
        for name in names
    }
    source = draw(st.sampled_from([None, bundled_table().info]))
    return PartialTotals(
        tuple(["donor", "year"][:width]), "EUR", "daily", source, groups, rows, draw(st.integers(0, rows)),
        ordered=draw(st.booleans()),
    )  # fmt: skip


def _as_tuple(p: PartialTotals) -> tuple[Any, ...]:
    return (p.keys, p.currency, p.policy, p.source, list(p.groups.items()), p.rows, p.bound_rows, p.ordered)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), width=st.integers(0, 2), count=st.integers(1, 5))
def test_partition_sums_kept_as_columns_combine_as_partial_totals(data: st.DataObject, width: int, count: int) -> None:
    """What a worker keeps of a partition's sums (columns, not a dict per group) combines exactly as
    PartialTotals.combine: the same groups in the same order, the same sums (beyond int64 too)."""
    from aidtrack.dask.core import _Sums

    parts = [data.draw(_partials(width)) for _ in range(count)]
    want = parts[0]
    got = _Sums.of(parts[0])
    assert _as_tuple(got.partial()) == _as_tuple(parts[0])
    for p in parts[1:]:
        want = want.combine(p)
        got = got.combine(pickle.loads(pickle.dumps(_Sums.of(p))))  # as it travels between workers
        assert _as_tuple(got.partial()) == _as_tuple(want)
    assert all(type(v[0]) is int for v in got.partial().groups.values())


def _plain_problem(df: pd.DataFrame) -> pd.DataFrame:
    reasons = pd.Index(df["problem"].cat.categories.astype(str), dtype="str")
    df["problem"] = pd.Categorical.from_codes(df["problem"].cat.codes.to_numpy(), dtype=pd.CategoricalDtype(reasons))
    return df


def test_bad_arguments_fail_before_any_work(client: Any) -> None:
    ddf = dd.from_pandas(frame(10, 1), npartitions=2)
    from aidtrack.errors import InvalidArgumentError, InvalidFrameError, InvalidGroupingError

    with pytest.raises(InvalidArgumentError):
        ad.convert(ddf, "EUR", errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(InvalidFrameError, match="no column 'value'"):
        ad.convert(ddf, "EUR", amount="value")
    with pytest.raises(InvalidGroupingError):
        ad.totals(ddf, "EUR", by="planet")
    with pytest.raises(TypeError, match="dask DataFrame"):
        ad.convert(frame(3, 1), "EUR")  # type: ignore[arg-type]


# -- out of core: files read partition by partition ------------------------------------------------


# pyarrow cannot store the conversion metadata (df.attrs, a SourceInfo) as JSON: it warns and writes the columns
@pytest.mark.filterwarnings("ignore:Could not serialize pd.DataFrame.attrs:UserWarning")
def test_parquet_and_csv_partitions_total_like_pandas(client: Any, tmp_path: Path) -> None:
    df = frame(4_000, 21, bad=False).reset_index(drop=True)
    df["amount"] = df["amount"].map(Decimal).map(lambda d: int(d * 100))  # whole numbers of cents as int64
    path = tmp_path / "pledges.parquet"
    df.to_parquet(path, row_group_size=500)
    ddf = dd.read_parquet(path, split_row_groups=True)
    assert ddf.npartitions == 8
    want = totals(df, "EUR", ["donor", "quarter"])
    pd.testing.assert_frame_equal(ad.totals(ddf, "EUR", ["donor", "quarter"]), want, check_exact=True)
    csv = tmp_path / "pledges.csv"
    df.to_csv(csv, index=False)
    dcsv = dd.read_csv(csv, blocksize=20_000, dtype={"amount": "int64"})
    assert dcsv.npartitions > 3
    pd.testing.assert_frame_equal(ad.totals(dcsv, "EUR", ["donor", "quarter"]), want, check_exact=True)
    out = tmp_path / "converted"
    ad.convert(ddf, "EUR").to_parquet(out)
    back = pd.read_parquet(out)
    assert back["converted"].tolist() == convert_frame(df, "EUR")["converted"].tolist()


# -- everything a worker needs pickles ----------------------------------------------------------------


def _sources(tmp_path: Path) -> list[Any]:
    from datetime import UTC, datetime

    from aidtrack.rates.bundled import BUNDLED_FILE, bundled_source
    from aidtrack.rates.parsers.user import read_rate_table_csv
    from aidtrack.rates.remote.cache import RateCache
    from aidtrack.rates.remote.services import EcbReferenceRates

    user_csv = tmp_path / "rates.csv"
    user_csv.write_text("date,currency,rate\n2020-03-02,USD,1.1\n2020-03-03,USD,1.2\n2020-03-02,UAH,30.5\n")
    user = read_rate_table_csv(user_csv, base="EUR")
    cache = RateCache(tmp_path / "cache")
    table = bundled_table()
    data = (Path(__import__("aidtrack").__file__).parent / "data" / BUNDLED_FILE).read_bytes()
    cache.commit(
        "ecb",
        data,
        suffix="zip",
        retrieved=datetime.now(UTC),
        first_date=table.info.first_date,
        last_date=table.info.last_date,
        currencies=tuple(c for c in table.currencies if c != "EUR"),
    )
    live = EcbReferenceRates(cache_dir=tmp_path / "cache", staleness="never")
    from aidtrack.rates.sources import Composite, default_source

    composite = Composite([user, table])  # the user's rates first, then the ECB's
    renamed = table.with_info(table.info.replace(key="renamed"))
    return [table, bundled_source(), user, live, renamed, composite, default_source()]


@pytest.mark.parametrize("dumps", [pickle.dumps, cloudpickle.dumps], ids=["pickle", "cloudpickle"])
def test_every_source_and_table_round_trips_and_converts_identically(tmp_path: Path, dumps: Any) -> None:
    df = pd.DataFrame(
        {"amount": ["100.5", "2000000", "7"], "currency": ["USD", "USD", "EUR"], "date": ["2020-03-02"] * 3}
    )
    for source in _sources(tmp_path):
        back = pickle.loads(dumps(source))
        before = convert_frame(df, "EUR", source=source)
        after = convert_frame(df, "EUR", source=back)
        pd.testing.assert_frame_equal(after, before, check_exact=True)
        again = pickle.loads(dumps(back))  # a worker passing it on
        pd.testing.assert_frame_equal(convert_frame(df, "EUR", source=again), before, check_exact=True)


def test_a_live_source_travels_as_configuration_and_arrives_offline(tmp_path: Path) -> None:
    from aidtrack.rates.remote.services import (
        BankOfCanadaValet,
        EcbDataPortal,
        EcbOfficialAverages,
        EcbReferenceRates,
        Frankfurter,
    )

    sources = [
        EcbReferenceRates(base_url="http://127.0.0.1:9/ecb/"),
        EcbDataPortal(["USD", "CAD"], start="2020-01-01"),
        BankOfCanadaValet("USD"),
        Frankfurter("USD", base="EUR"),
        EcbOfficialAverages("A"),
    ]
    for src in sources:
        src.client  # noqa: B018 - a session exists on this side
        data = pickle.dumps(src)
        assert len(data) < 2_000 and b"Session" not in data and b"RLock" not in data
        back = pickle.loads(data)
        assert back is pickle.loads(data)  # one object per configuration and process: its cache is read once
        assert type(back) is type(src) and back.key == src.key and back.base_url == src.base_url
        assert back.is_offline and back._memo is None
        assert back.cache.path == src.cache.path  # AIDTRACK_CACHE_DIR here; the worker's own there
        assert cloudpickle.loads(cloudpickle.dumps(src)).key == src.key
    from aidtrack.errors import RatesUnavailableError, StaleRatesWarning

    portal = pickle.loads(pickle.dumps(EcbDataPortal(["USD"])))
    with pytest.warns(StaleRatesWarning, match="bundled"):
        assert portal.load().info.key == "ecb-bundled"  # nothing cached, offline: the snapshot, never a download
    with pytest.raises(RatesUnavailableError, match="offline mode"):
        pickle.loads(pickle.dumps(BankOfCanadaValet("USD"))).load()


def test_policies_conversions_pledges_and_money_round_trip() -> None:
    from aidtrack import Money, Pledge, RatePolicy, convert

    c = convert("500000000", "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
    pledge = Pledge.model_validate(
        {"donor": "Canada", "amount": Money("440000000", "CAD"), "announced": "2025-01-09", "category": "military"}
    )
    policies = [RatePolicy.ANNUAL_MEAN, FixedDate(date(2020, 3, 2)), FiscalYearMean(7), TrailingMean(days=90)]
    for obj in [c, c.result, pledge, *policies, *c.legs]:
        for dumps in (pickle.dumps, cloudpickle.dumps):
            assert pickle.loads(dumps(obj)) == obj


def test_a_damaged_pickled_table_is_refused() -> None:
    from aidtrack.errors import RateDataError

    table = RateTable.from_rows([("2025-01-09", "USD", "1.0305")], base="EUR", key="t", name="t")
    fn, args = table.__reduce__()
    version, base, quoted, info, names, blob, digest = args
    import zlib

    body = zlib.decompress(blob).replace(b"1.0305", b"1.0306")
    with pytest.raises(RateDataError, match="damaged"):
        fn(version, base, quoted, info, names, zlib.compress(body), digest)
    with pytest.raises(RateDataError, match="format 99"):
        fn(99, base, quoted, info, names, blob, digest)
