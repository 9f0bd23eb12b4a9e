"""`aidtrack rates update/info` and `--source`, in process and as real processes (several at once)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pytest_httpserver import HTTPServer

from aidtrack.cli import main
from aidtrack.rates.remote.cache import RateCache
from aidtrack.rates.remote.services import EcbReferenceRates

ECB = "/stats/eurofxref/"


def _serve(server: HTTPServer, payloads: ModuleType) -> bytes:
    body: bytes = payloads.hist_zip(payloads.real_days(250) + payloads.november())
    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_data(body, headers={"ETag": '"x1"'})
    return body


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def test_rates_update_then_info_then_convert(
    server: HTTPServer, payloads: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(server, payloads)
    monkeypatch.setenv("AIDTRACK_ECB_URL", server.url_for(ECB))
    code, out = _run(["rates", "update"])
    assert code == 0, capsys.readouterr().err
    assert "ecb: updated, " in out and "to 2026-11-24" in out
    assert f"cache: {os.environ['AIDTRACK_CACHE_DIR']}" in out
    assert "%|" not in capsys.readouterr().err  # no progress bar when stderr is not a terminal

    code, out = _run(["rates", "info"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["source", "status", "first", "last", "currencies", "age"]
    assert any(line.startswith("bundled") and "2026-10-30" in line for line in lines)
    ecb = next(line for line in lines if line.startswith("ecb "))
    assert "fresh" in ecb and "2026-11-24" in ecb and "retrieved" in ecb
    code, out = _run(["rates", "info", "--json"])
    data = json.loads(out)
    row = next(r for r in data["sources"] if r["key"] == "ecb")
    assert row["last_date"] == "2026-11-24" and row["url"] == server.url_for(ECB + "eurofxref-hist.zip")
    assert "USD" in row["currency_codes"] and row["currencies"] == len(row["currency_codes"])
    assert Path(row["file"]).is_file() and data["cache"] == os.environ["AIDTRACK_CACHE_DIR"]

    server.clear()  # from here on the cache answers: no request may reach the server
    code, out = _run(["convert", "1000", "USD", "--to", "EUR", "--on", "2026-11-20", "--source", "ecb", "--json"])
    assert code == 0
    conv = json.loads(out)
    assert conv["result"]["amount"] == "893.34" and conv["fixing_dates"] == ["2026-11-20"]
    assert conv["source"]["key"] == "ecb" and conv["source"]["url"].startswith("http://127.0.0.1:")
    assert conv["source"]["stale"] is False
    code, out = _run(["convert", "1000", "USD", "--on", "latest", "--source", "ecb"])
    assert code == 0 and "fixing 2026-11-24" in out
    assert server.log == []


def test_a_failed_update_says_the_cache_is_unchanged(
    server: HTTPServer, payloads: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(server, payloads)
    monkeypatch.setenv("AIDTRACK_ECB_URL", server.url_for(ECB))
    assert _run(["rates", "update"])[0] == 0
    server.clear()
    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_data("<html>gone</html>", status=404)
    capsys.readouterr()
    code, _ = _run(["rates", "update", "--force"])
    err = capsys.readouterr().err
    assert code == 1
    assert "aidtrack: error: ecb:" in err and "HTTP 404" in err
    assert "the cache is unchanged: " in err and "to 2026-11-24" in err
    assert "Traceback" not in err


def test_source_option_offline_and_csv_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(["convert", "100", "USD", "--on", "2025-01-09", "--source", "ecb", "--offline"])
    err = capsys.readouterr().err
    assert code == 0 and "EUR 97.04" in out
    assert "aidtrack: warning: ECB euro reference rates: no cached or downloaded rates, using the bundled" in err
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,rate\n2026-04-28,USD,1.3678\n")
    code, _ = _run(["convert", "100", "USD", "--to", "CAD", "--on", "2026-04-28", "--source", str(rates)])
    assert code == 1 and "--rates-base" in capsys.readouterr().err
    rates.write_text("date,currency,rate\n2026-04-28,USD,0.7311\n")
    code, out = _run(["convert", "100", "USD", "--to", "CAD", "--on", "2026-04-28", "--source", str(rates),
                      "--rates-base", "CAD"])  # fmt: skip
    assert code == 0 and "rates from rates.csv" in out
    code, _ = _run(["convert", "1", "USD", "--on", "2025-01-09", "--source", "nowhere"])
    assert code == 1 and "unknown rate source 'nowhere'" in capsys.readouterr().err
    monkeypatch.setenv("AIDTRACK_OFFLINE", "1")
    code, _ = _run(["rates", "update"])
    assert code == 1 and "offline mode is on" in capsys.readouterr().err
    code, out = _run(["rates", "info"])
    assert code == 0 and "nothing cached yet" in out and "offline mode is on" in out


def test_totals_and_demo_take_a_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["demo", "--source", "bundled"])
    assert code == 0 and "Grand total" in out
    code, out = _run(["demo", "--source", "frankfurter", "--offline"])
    assert code == 0 and "Grand total" in out
    assert "using the bundled ECB snapshot" in capsys.readouterr().err


def _env(server: HTTPServer) -> dict[str, str]:
    return {**os.environ, "AIDTRACK_ECB_URL": server.url_for(ECB), "PYTHONWARNINGS": "error"}


def test_done_when_as_real_processes(server: HTTPServer, payloads: ModuleType) -> None:
    """`aidtrack rates update` against a loopback ECB mirror extends the range; conversions carry the source."""
    body = _serve(server, payloads)
    env = _env(server)
    cmd = [sys.executable, "-m", "aidtrack"]
    done = subprocess.run([*cmd, "rates", "update"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "ecb: updated" in done.stdout
    conv = subprocess.run(
        [*cmd, "convert", "440000000", "CAD", "--on", "2026-11-23", "--source", "ecb", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert conv.returncode == 0, conv.stderr
    data = json.loads(conv.stdout)
    assert data["fixing_dates"] == ["2026-11-23"]
    assert data["source"]["key"] == "ecb" and data["source"]["last_date"] == "2026-11-24"
    import hashlib

    assert data["source"]["sha256"] == hashlib.sha256(body).hexdigest()


def test_several_processes_updating_at_once_leave_a_valid_cache(server: HTTPServer, payloads: ModuleType) -> None:
    _serve(server, payloads)
    env = _env(server)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "aidtrack", "rates", "update", "--force"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert "ecb: updated" in out
    cache = RateCache()
    got = cache.read("ecb")
    assert got is not None and got.entry.last_date.isoformat() == "2026-11-24"
    names = sorted(p.name for p in cache.path.iterdir())
    assert [n for n in names if n.endswith(".tmp")] == []
    assert [n for n in names if n.startswith("ecb-")] == [got.entry.file]
    table = EcbReferenceRates(offline=True).load()
    assert table.info.last_date.isoformat() == "2026-11-24" and not table.info.stale


KILLED_UPDATE = """
import sys, time
import aidtrack._atomic as atomic_mod

def stuck(fh, data):
    fh.write(data[: len(data) // 2])
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)

atomic_mod._write_all = stuck
from aidtrack.cli import main
sys.exit(main(["rates", "update", "--force"]))
"""


def test_an_update_killed_mid_write_leaves_the_last_good_data(server: HTTPServer, payloads: ModuleType) -> None:
    import signal

    good = payloads.hist_zip(payloads.real_days(250))  # up to 2026-10-30
    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_data(good)
    env = _env(server)
    cmd = [sys.executable, "-m", "aidtrack", "rates", "update"]
    assert subprocess.run(cmd, env=env, capture_output=True, timeout=60).returncode == 0
    server.clear()
    _serve(server, payloads)  # now the mirror has November
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_UPDATE], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "writing"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
    cache = RateCache()
    got = cache.read("ecb")
    assert got is not None and got.data == good  # the last good data, intact
    assert any(p.name.endswith(".tmp") for p in cache.path.iterdir())  # the killed writer's leftover
    code, out = _run(["convert", "100", "USD", "--on", "2026-10-30", "--source", "ecb", "--offline"])
    assert code == 0 and "fixing 2026-10-30" in out
    again = subprocess.run([*cmd, "--force"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "(was to 2026-10-30)" in again.stdout
    assert not any(p.name.endswith(".tmp") for p in cache.path.iterdir())
    assert EcbReferenceRates(offline=True).load().info.last_date.isoformat() == "2026-11-24"


def test_rates_update_with_source_runs_through_main(
    server: HTTPServer, payloads: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15: `aidtrack rates update --source ecb` (the README's command) was an AttributeError traceback."""
    _serve(server, payloads)
    monkeypatch.setenv("AIDTRACK_ECB_URL", server.url_for(ECB))
    code, out = _run(["rates", "update", "--source", "ecb"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "ecb: updated, " in out and "Traceback" not in err and "rates_base" not in err
    code, out = _run(["rates", "update", "--source", "ecb", "--source", "ecb", "--force"])  # repeated: updated once
    assert code == 0 and out.count("ecb: ") == 1


@pytest.mark.parametrize("name", ["ecb-sdmx-monthly", "ecb-sdmx-annual"])
@pytest.mark.parametrize("command", [["convert", "1", "USD", "--on", "2025-01-09"], ["totals", "-"], ["demo"]])
def test_official_averages_are_not_a_conversion_source(
    name: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run([*command, "--source", name])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert f"--source {name} is the ECB's published (rounded) averages" in err and "--source ecb-sdmx" in err


def test_offline_rates_update_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIDTRACK_OFFLINE", "1")
    code, _ = _run(["rates", "update", "--source", "all"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "warning" not in err
    assert "needs the network: unset AIDTRACK_OFFLINE" in err
    assert not Path(os.environ["AIDTRACK_CACHE_DIR"]).exists()  # nothing touched
