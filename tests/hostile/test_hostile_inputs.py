"""Issue 16, items 1 and 7-9: threads, exactness, tracebacks from ordinary bad input, file writes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aidtrack import Money, Pledge, convert
from aidtrack.errors import (
    AidtrackError,
    InvalidArgumentError,
    InvalidRecordError,
    PledgeFileError,
    RateDataError,
    SourceScopeWarning,
)
from aidtrack.files.formats import read_pledges, write_frame, write_pledges
from aidtrack.frames.aggregate import totals
from aidtrack.frames.convert import convert_frame
from aidtrack.rates.parsers.frankfurter import parse_frankfurter_json
from aidtrack.rates.parsers.sdmx import parse_sdmx_averages
from aidtrack.rates.parsers.user import rate_table_from_frame
from aidtrack.rates.sources import default_source, set_default_source, using_source
from aidtrack.rates.staleness import Staleness
from aidtrack.text.parsing import parse_money

ON = "2025-01-09"


@pytest.fixture
def doubled() -> object:
    """A user table where one USD is 0.5 EUR (so 100 USD is EUR 50.00, not the ECB's 97.04)."""
    return rate_table_from_frame(pd.DataFrame({"date": [ON], "currency": ["USD"], "rate": ["2.0"]}), base="EUR")


def _in_worker() -> Decimal:
    return convert(100, "USD", to="EUR", on=ON).result.amount


# -- 1. threads ------------------------------------------------------------------------------------
def test_the_default_source_is_process_wide(doubled: object) -> None:
    set_default_source(doubled)  # type: ignore[arg-type]
    try:
        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(lambda _: _in_worker(), range(8))) == {Decimal("50.00")}
        assert _in_worker() == Decimal("50.00")
    finally:
        set_default_source(None)
    assert _in_worker() == Decimal("97.04")


def test_a_using_source_block_is_scoped_and_a_thread_that_misses_it_says_so(doubled: object) -> None:
    with using_source(doubled):  # type: ignore[arg-type]
        assert _in_worker() == Decimal("50.00")
        with ThreadPoolExecutor(1) as pool, pytest.warns(SourceScopeWarning, match="scoped to its own thread"):
            assert pool.submit(_in_worker).result() == Decimal("97.04")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(_in_worker).result() == Decimal("97.04")  # no block open: no warning


def test_dask_threaded_scheduler_sees_the_process_default(doubled: object) -> None:
    dask = pytest.importorskip("dask")
    set_default_source(doubled)  # type: ignore[arg-type]
    try:
        out = dask.compute(*[dask.delayed(_in_worker)() for _ in range(4)], scheduler="threads")
        assert set(out) == {Decimal("50.00")}
    finally:
        set_default_source(None)


def test_set_default_source_refuses_what_is_not_a_source() -> None:
    with pytest.raises(InvalidArgumentError, match="'EUR'"):
        set_default_source("EUR")  # type: ignore[arg-type]
    assert default_source() is not None


# -- 7. exactness ----------------------------------------------------------------------------------
def test_json_amounts_keep_every_digit(tmp_path: Path) -> None:
    m = Money.model_validate_json('{"amount":1234567890.1234567891,"currency":"EUR"}')
    assert m.amount == Decimal("1234567890.1234567891")
    p = Pledge.model_validate_json(
        '{"donor":"Canada","announced":"2025-01-09","amount":{"amount":1234567890.1234567891,"currency":"CAD"}}'
    )
    assert p.amount.amount == Decimal("1234567890.1234567891")
    f = tmp_path / "p.json"
    f.write_text(
        '[{"donor":"Canada","announced":"2025-01-09","amount":{"amount":1234567890.1234567891,"currency":"CAD"}}]'
    )
    assert read_pledges(f)[0].amount.amount == Decimal("1234567890.1234567891")


@pytest.mark.parametrize("text", ["true", "false", "null", "NaN", "Infinity", "[1]", '{"a": 1}'])
def test_json_non_numbers_are_refused_like_the_constructor(text: str) -> None:
    with pytest.raises(InvalidRecordError):
        Money.model_validate_json(f'{{"amount":{text},"currency":"EUR"}}')
    with pytest.raises(InvalidRecordError):
        Money(True, "EUR")


def test_float32_columns_go_through_their_shortest_repr(tmp_path: Path) -> None:
    amounts = np.array([1234567.89, 0.1], dtype=np.float32)
    frame = pd.DataFrame({"amount": amounts, "currency": ["USD"] * 2, "date": [ON] * 2})
    scalar = [convert(a, "USD", to="EUR", on=ON).result.amount for a in amounts]
    assert convert_frame(frame, to="EUR")["converted"].tolist() == [float(s) for s in scalar]
    assert convert_frame(frame, to="EUR", dtype="decimal")["converted"].tolist() == scalar
    assert scalar[0] == (Decimal("1234567.9") / Decimal("1.0305")).quantize(Decimal("0.01"))
    pytest.importorskip("pyarrow")
    pledges = pd.DataFrame({"donor": ["Canada"], "date": [ON], "amount": amounts[:1], "currency": ["EUR"]})
    pledges.to_parquet(tmp_path / "p.parquet")
    assert read_pledges(tmp_path / "p.parquet")[0].amount.amount == Decimal("1234567.9")


def test_totals_and_decimal_frames_do_not_round_at_28_digits() -> None:
    big = Money("123456789012345678901234567.89", "EUR")
    pledges = [Pledge(donor="Canada", announced=ON, amount=big)] * 3
    assert totals(pledges, to="EUR")["total"].tolist() == [Decimal("370370367037037036703703703.67")]
    frame = pd.DataFrame({"amount": [big.amount], "currency": ["EUR"], "date": [ON]})
    assert convert_frame(frame, to="EUR", dtype="decimal")["converted"].tolist() == [big.amount]
    usd = totals(pledges[:1], to="USD")["total"].tolist()[0]
    assert usd == convert(big, to="USD", on=ON).result.amount


def test_parse_money_keeps_the_minus_sign() -> None:
    assert parse_money("-5 million euros", locale="en") == Money("-5000000", "EUR")
    assert parse_money("−5 Mio. Euro", locale="de") == Money("-5000000", "EUR")
    assert parse_money("3-5 million euros", locale="en").amount > 0  # a range, not a sign


@pytest.mark.parametrize("kwargs", [{}, {"fraction_digits": 20}, {"style": "compact"}, {"style": "name"}])
def test_formatting_large_amounts_works(kwargs: dict[str, object]) -> None:
    text = Money("1e26", "EUR").format(locale="en", **kwargs)  # type: ignore[arg-type]
    assert "100" in text


def test_amounts_beyond_the_limit_are_refused_naming_the_value() -> None:
    for value in ("1e30", "9.9e999999", -1e300, "1" * 61):
        with pytest.raises(AidtrackError, match="beyond aidtrack's limit") as info:
            Money(value, "EUR")
        assert str(value)[:20] in str(info.value)


def test_a_huge_float_in_convert_frame_is_a_problem_row_not_a_crash() -> None:
    frame = pd.DataFrame({"amount": [1e300, 5.0], "currency": ["USD"] * 2, "date": [ON] * 2})
    coerced = convert_frame(frame, to="EUR", errors="coerce")
    assert "1e+300" in coerced["problem"][0] and coerced["converted"][1] == 4.85
    with pytest.raises(AidtrackError, match=r"1e\+300"):
        convert_frame(frame, to="EUR")


# -- 8. tracebacks from ordinary bad input ------------------------------------------------------------
def _cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "AIDTRACK_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "aidtrack", *args], input=stdin, capture_output=True, env=env)


LATIN1_CSV = "donor,date,amount,currency\nZürich,2025-01-09,5,EUR\n".encode("latin-1")
LATIN1_TEXT = "Die Stadt Zürich sagt 5 Mio. Euro zu.\n".encode("latin-1")


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (("totals", "-"), LATIN1_CSV, "<stdin>: not UTF-8 text: byte 0xfc at offset 28"),
        (
            ("extract", "--lang", "de", "--date", ON, "-"),
            LATIN1_TEXT,
            "<stdin>: not UTF-8 text: byte 0xfc at offset 11",
        ),
        (("extract", "--lang", "de", "--date", ON, "FILE"), LATIN1_TEXT, "not UTF-8 text: byte 0xfc at offset 11"),
        (("totals", "FILE"), LATIN1_CSV, "not UTF-8 text: byte 0xfc at offset 28"),
        (("convert", "9.9e999999", "EUR", "--to", "JPY", "--on", ON), b"", "9.9e999999 is beyond aidtrack's limit"),
    ],
)
def test_cli_bad_input_is_one_line_never_a_traceback(
    tmp_path: Path, args: tuple[str, ...], stdin: bytes, needle: str
) -> None:
    if "FILE" in args:
        f = tmp_path / "in.txt"
        f.write_bytes(stdin)
        args, stdin = tuple(str(f) if a == "FILE" else a for a in args), b""
    proc = _cli(*args, stdin=stdin)
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err and needle in err, err
    assert err.count("\n") <= 3


def test_utf8_with_a_bom_is_read(tmp_path: Path) -> None:
    proc = _cli("totals", "-", stdin=b"\xef\xbb\xbfdonor,date,amount,currency\nX,2025-01-09,5,EUR\n")
    assert proc.returncode == 0 and b"5.00" in proc.stdout


def test_a_csv_field_over_131072_characters_is_read(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text(f'donor,date,amount,currency,notes\nX,2025-01-09,5,EUR,"{"n" * 200_000}"\n', encoding="utf-8")
    assert len(read_pledges(f)[0].notes or "") == 200_000


def test_parquet_garbage_and_deep_json_are_file_errors(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    (tmp_path / "g.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(PledgeFileError, match="not a readable Parquet file"):
        read_pledges(tmp_path / "g.parquet")
    (tmp_path / "deep.json").write_text("[" * 100_000)
    with pytest.raises(PledgeFileError, match="nested too deeply"):
        read_pledges(tmp_path / "deep.json")
    with pytest.raises(InvalidRecordError, match="nested too deeply"):
        Money.model_validate_json("[" * 100_000)


def test_latin1_pledge_files_name_the_file_and_offset(tmp_path: Path) -> None:
    for name in ("p.csv", "p.json"):
        f = tmp_path / name
        f.write_bytes(LATIN1_CSV if name.endswith("csv") else '[{"donor": "Zürich"}]'.encode("latin-1"))
        with pytest.raises(PledgeFileError, match=r"not UTF-8 text: byte 0xfc at offset \d+") as info:
            read_pledges(f)
        assert str(f) in str(info.value)


@pytest.mark.parametrize("sheet", ["a/b", "x" * 32, "", "'quoted'", "History", "a[1]", "a:b", "a*b", "a?b", "a\\b"])
def test_invalid_excel_sheet_names_are_refused_naming_them(tmp_path: Path, sheet: str) -> None:
    pytest.importorskip("openpyxl")
    with pytest.raises(InvalidArgumentError) as info:
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx", sheet=sheet)
    assert repr(sheet) in str(info.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_frankfurter_sdmx_and_staleness_bad_values_are_clear() -> None:
    body = '{"amount": %s, "base": "EUR", "rates": {"2025-01-09": {"USD": 1.03}}}'
    for amount in ('"abc"', "null", "{}", "true", "2"):
        with pytest.raises(RateDataError, match="amount is"):
            parse_frankfurter_json((body % amount).encode())
    csv = b"FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE\nM,USD,EUR,SP00,A,2025-13,1.03\n"
    with pytest.raises(RateDataError, match="invalid period '2025-13'"):
        parse_sdmx_averages(csv, freq="M")
    for text in ("inf", "nan", "-1h", "1e400d"):
        with pytest.raises(InvalidArgumentError, match=repr(text)):
            Staleness.parse(text)


# -- 9. file writes ------------------------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_written_files_get_the_mode_open_would_give(tmp_path: Path) -> None:
    ps = [Pledge(donor="Canada", announced=ON, amount=Money(5, "EUR"))]
    old = os.umask(0o022)
    try:
        write_pledges(ps, tmp_path / "new.csv")
        assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
        (tmp_path / "old.csv").write_text("x")
        (tmp_path / "old.csv").chmod(0o664)
        write_pledges(ps, tmp_path / "old.csv")
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "old.csv")
        assert stat.S_IMODE((tmp_path / "old.csv").stat().st_mode) == 0o664
        os.umask(0o077)
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "private.json")
        assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_writes_go_through_symlinks_to_their_targets(tmp_path: Path) -> None:
    target = tmp_path / "real" / "pledges.csv"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_pledges([Pledge(donor="Canada", announced=ON, amount=Money(5, "EUR"))], link)
    assert link.is_symlink() and "Canada" in target.read_text()


def test_a_missing_folder_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.json"
    with pytest.raises(FileNotFoundError) as info:
        write_frame(pd.DataFrame({"a": [1]}), target)
    assert info.value.filename == str(target) and ".tmp" not in str(info.value)
    proc = _cli("extract", "--lang", "en", "--date", ON, str(tmp_path / "missing.txt"))
    assert proc.returncode == 1 and "missing.txt" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


def test_json_written_and_read_back_is_exact(tmp_path: Path) -> None:
    ps = [Pledge(donor="Canada", announced=ON, amount=Money("1234567890.1234567891", "CAD"))]
    write_pledges(ps, tmp_path / "p.json")
    assert json.loads((tmp_path / "p.json").read_text())[0]["amount"]["amount"] == "1234567890.1234567891"
    assert list(read_pledges(tmp_path / "p.json")) == ps
