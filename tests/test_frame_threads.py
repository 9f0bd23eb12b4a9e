"""convert_frame on ranges of rows shared by threads: every row, every error, the metadata as in one thread."""

from __future__ import annotations

import os
from datetime import date
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidtrack
import aidtrack.frames.convert as convert_module
from aidtrack.errors import InvalidArgumentError
from aidtrack.frames.convert import THREADS_ENV, UnconvertibleRowsError, convert_frame

TABLE = aidtrack.bundled_table()
CURRENCIES = [*TABLE.currencies[:12], "EUR", "USD", "XAU", "DEM", None]
POLICIES = ["daily", "exact", "monthly_mean", "2024-03-15", "trailing:30", "trailing:2024-01-01..2024-03-31"]


def run(frame: pd.DataFrame, **kwargs: Any) -> tuple[str, Any]:
    """The conversion's output, or the error it raised (its type, text and problems)."""
    try:
        return "ok", convert_frame(frame, **kwargs)
    except UnconvertibleRowsError as exc:
        return "error", (str(exc), exc.problems, exc.rows)


def same_outcome(one: tuple[str, Any], other: tuple[str, Any]) -> None:
    assert one[0] == other[0]
    if one[0] == "error":
        assert one[1] == other[1]
        return
    a, b = one[1], other[1]
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.attrs == b.attrs


def single(frame: pd.DataFrame, **kwargs: Any) -> tuple[str, Any]:
    with mock.patch.dict(os.environ, {THREADS_ENV: "1"}):
        return run(frame, **kwargs)


def sliced(frame: pd.DataFrame, threads: int, piece: int, slice_rows: int, **kwargs: Any) -> tuple[str, Any]:
    """The same call with every frame cut into pieces of ``piece`` rows on ``threads`` threads."""
    with (
        mock.patch.dict(os.environ, {THREADS_ENV: str(threads)}),
        mock.patch.object(convert_module, "_PARALLEL_MIN_ROWS", 0),
        mock.patch.object(convert_module, "_PIECE", piece),
        mock.patch.object(convert_module, "_SLICE", slice_rows),
    ):
        return run(frame, **kwargs)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 60))
    amounts = draw(
        st.lists(
            st.one_of(
                st.floats(-1e12, 1e12, allow_nan=False).map(lambda f: round(f, draw(st.integers(0, 3)))),
                st.sampled_from([0.005, 0.125, 2.5, -0.015, 1e16, float("nan"), float("inf")]),
            ),
            min_size=n,
            max_size=n,
        )
    )
    currencies = draw(st.lists(st.sampled_from(CURRENCIES), min_size=n, max_size=n))
    days = draw(st.lists(st.one_of(st.dates(date(1998, 11, 1), date(2027, 2, 28)), st.none()), min_size=n, max_size=n))
    column = pd.Series(np.array([d if d is not None else "NaT" for d in days], dtype="M8[D]").astype("M8[s]"))
    cur: Any = pd.Series(currencies, dtype=object)
    if draw(st.booleans()):
        cur = cur.astype("category")
    return pd.DataFrame({"amount": pd.Series(amounts, dtype="float64"), "currency": cur, "date": column})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    frame=frames(),
    to=st.sampled_from(["EUR", "USD", "JPY", "GBP"]),
    policy=st.sampled_from(POLICIES),
    rounding=st.sampled_from(["half_even", "half_up"]),
    dtype=st.sampled_from(["float", "decimal"]),
    errors=st.sampled_from(["raise", "coerce"]),
    threads=st.integers(2, 4),
    piece=st.integers(1, 17),
    slice_rows=st.integers(1, 9),
)
def test_rows_cut_into_pieces_on_threads_equal_one_thread(
    frame: pd.DataFrame,
    to: str,
    policy: str,
    rounding: str,
    dtype: str,
    errors: str,
    threads: int,
    piece: int,
    slice_rows: int,
) -> None:
    options: dict[str, Any] = {"to": to, "policy": policy, "rounding": rounding, "dtype": dtype, "errors": errors}
    same_outcome(sliced(frame, threads, piece, slice_rows, **options), single(frame, **options))


def test_a_large_frame_uses_the_pool_and_equals_one_thread() -> None:
    rng = np.random.default_rng(17)
    n = convert_module._PARALLEL_MIN_ROWS + 12_345
    names = ["USD", "JPY", "GBP", "CHF", "EUR", "XAU"]
    frame = pd.DataFrame(
        {
            "amount": rng.integers(-(10**11), 10**11, n) / 100,
            "currency": pd.Categorical.from_codes(rng.integers(0, len(names), n), names),
            "date": (rng.integers(10_000, 20_800, n)).astype("M8[D]").astype("M8[s]"),
        }
    )
    frame.loc[::1000, "amount"] = np.nan
    calls: list[int] = []
    real_pool = convert_module._pool

    def spy(helpers: int) -> Any:
        calls.append(helpers)
        return real_pool(helpers)

    with mock.patch.dict(os.environ, {THREADS_ENV: "2"}), mock.patch.object(convert_module, "_pool", spy):
        threaded = run(frame, to="USD", errors="coerce")
    assert calls and set(calls) == {1}  # one helper thread beside the calling one
    with mock.patch.object(convert_module, "_pool", side_effect=AssertionError("AIDTRACK_THREADS=1 uses no pool")):
        one = single(frame, to="USD", errors="coerce")
    same_outcome(threaded, one)
    out = threaded[1]
    assert out.attrs["aidtrack"]["problems"] > 0  # XAU, the missing amounts, days outside the data


def test_unset_or_auto_means_the_usable_cores_at_most_four() -> None:
    cores = max(1, min(len(os.sched_getaffinity(0)), 4))
    with mock.patch.dict(os.environ, {THREADS_ENV: "auto"}):
        assert convert_module._threads() == cores
    with mock.patch.dict(os.environ):
        os.environ.pop(THREADS_ENV, None)
        assert convert_module._threads() == cores
    with mock.patch.dict(os.environ, {THREADS_ENV: " 3 "}):
        assert convert_module._threads() == 3


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_thread_count_is_refused(value: str) -> None:
    frame = pd.DataFrame({"amount": [1.0], "currency": ["USD"], "date": ["2025-01-09"]})
    with mock.patch.dict(os.environ, {THREADS_ENV: value}), pytest.raises(InvalidArgumentError, match=THREADS_ENV):
        convert_frame(frame, "EUR")


def test_pieces_cover_the_rows_in_order_and_an_error_in_one_is_raised() -> None:
    def work(a: int, b: int) -> tuple[int, int]:
        if a == 4:
            raise ValueError("piece at row 4")
        return a, b

    with (
        mock.patch.dict(os.environ, {THREADS_ENV: "3"}),
        mock.patch.object(convert_module, "_PARALLEL_MIN_ROWS", 0),
        mock.patch.object(convert_module, "_PIECE", 2),
    ):
        assert convert_module._in_pieces(9, lambda a, b: (a, b)) == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 9)]
        with pytest.raises(ValueError, match="piece at row 4"):
            convert_module._in_pieces(9, work)
