"""The cache store: location, manifest, atomic replace, integrity checks, locks, a writer killed mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import filelock
import pytest

from aidtrack.errors import CacheError, InvalidArgumentError
from aidtrack.rates.remote.cache import CACHE_DIR_ENV, DownloadRecord, RateCache, cache_dir

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _commit(cache: RateCache, data: bytes, key: str = "ecb") -> object:
    return cache.commit(
        key,
        data,
        suffix="zip",
        retrieved=T0,
        first_date=date(1999, 1, 4),
        last_date=date(2026, 11, 24),
        currencies=("USD", "JPY"),
        downloads=(
            DownloadRecord(
                url="http://127.0.0.1/eurofxref-hist.zip",
                retrieved=T0,
                sha256="ab" * 32,
                size=len(data),
                etag='"v1"',
                last_modified="Tue, 24 Nov 2026 15:00:00 GMT",
            ),
        ),
    )


def test_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cache_dir() == Path(os.environ[CACHE_DIR_ENV])  # the autouse fixture sets it per test
    assert cache_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv(CACHE_DIR_ENV)
    import platformdirs

    assert cache_dir() == Path(platformdirs.user_cache_dir("aidtrack", appauthor=False))


def test_commit_and_read_back_with_a_full_manifest(tmp_path: Path) -> None:
    cache = RateCache(tmp_path / "c")
    assert cache.read("ecb") is None and cache.manifest() == {}
    _commit(cache, b"zip bytes")
    got = cache.read("ecb")
    assert got is not None and got.data == b"zip bytes"
    doc = json.loads((tmp_path / "c" / "manifest.json").read_text())
    e = doc["entries"]["ecb"]
    assert e["sha256"] == got.entry.sha256 and e["file"].startswith("ecb-") and e["file"].endswith(".zip")
    assert e["retrieved"] == "2026-11-25T12:00:00+00:00" and e["last_date"] == "2026-11-24"
    assert e["downloads"][0]["etag"] == '"v1"'
    assert e["downloads"][0]["last_modified"] == "Tue, 24 Nov 2026 15:00:00 GMT"
    assert e["currencies"] == ["USD", "JPY"]
    assert got.entry.download("http://127.0.0.1/eurofxref-hist.zip") is not None


def test_a_new_commit_replaces_the_old_file_and_leaves_no_temporaries(tmp_path: Path) -> None:
    cache = RateCache(tmp_path)
    _commit(cache, b"one")
    first = cache.entry("ecb")
    _commit(cache, b"two")
    second = cache.entry("ecb")
    assert first is not None and second is not None and first.file != second.file
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["manifest.json", "manifest.json.lock", "ecb.lock", second.file]) or names == sorted(
        ["manifest.json", "manifest.json.lock", second.file]
    )
    _commit(cache, b"x", key="boc")
    assert set(cache.manifest()) == {"ecb", "boc"}
    assert cache.remove("boc") and not cache.remove("boc")
    assert set(cache.manifest()) == {"ecb"}


def test_a_damaged_data_file_is_detected(tmp_path: Path) -> None:
    cache = RateCache(tmp_path)
    _commit(cache, b"good data")
    entry = cache.entry("ecb")
    assert entry is not None
    (tmp_path / entry.file).write_bytes(b"evil data")
    with pytest.raises(CacheError, match="does not match the manifest"):
        cache.read("ecb")
    (tmp_path / entry.file).unlink()
    with pytest.raises(CacheError, match="missing"):
        cache.read("ecb")


def test_a_damaged_manifest_is_reported_then_rebuilt(tmp_path: Path) -> None:
    cache = RateCache(tmp_path)
    _commit(cache, b"good")
    (tmp_path / "manifest.json").write_text("{ half a manif")
    with pytest.raises(CacheError, match="damaged"):
        cache.read("ecb")
    _commit(cache, b"again")
    got = cache.read("ecb")
    assert got is not None and got.data == b"again"


def test_keys_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="invalid cache key"):
        RateCache(tmp_path).read("../etc")


def test_lock_timeout_is_a_clear_error(tmp_path: Path) -> None:
    cache = RateCache(tmp_path, lock_timeout=0.1)
    tmp_path.mkdir(exist_ok=True)
    other = filelock.FileLock(str(tmp_path / "ecb.lock"), is_singleton=False)
    with other, pytest.raises(CacheError, match="another process has held the lock"), cache.lock("ecb"):
        pass


def test_an_unwritable_cache_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CacheError, match="cannot create the cache folder"):
        _commit(RateCache(blocker / "cache"), b"x")


WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, date, datetime
    import aidtrack._atomic as atomic_mod
    from aidtrack.rates.remote.cache import RateCache

    def stuck(fh, data):
        fh.write(data[: len(data) // 2])
        fh.flush()
        print("writing", flush=True)
        time.sleep(60)

    atomic_mod._write_all = stuck
    cache = RateCache(sys.argv[1])
    cache.commit("ecb", b"N" * 100_000, suffix="zip", retrieved=datetime.now(UTC), first_date=date(1999, 1, 4),
                 last_date=date(2026, 11, 24), currencies=("USD",))
    """
)


def test_a_writer_killed_mid_write_leaves_the_last_good_data(tmp_path: Path) -> None:
    cache = RateCache(tmp_path / "c")
    _commit(cache, b"last good data")
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(cache.path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "writing"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == -signal.SIGKILL
    leftovers = [p.name for p in cache.path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "the killed writer should have left its temporary file"
    got = cache.read("ecb")
    assert got is not None and got.data == b"last good data"
    _commit(cache, b"next good data")  # the next commit sweeps the temporary file
    assert not [p for p in cache.path.iterdir() if p.name.endswith(".tmp")]
    got = cache.read("ecb")
    assert got is not None and got.data == b"next good data"
