"""Files planted in the cache folder under the names aidtrack uses: symbolic links, a FIFO, ``/dev/zero``, a folder.

A link to a file outside the cache must never be written through (a later update or a rebuilt pre-parsed
copy replaced the victim's contents before); a FIFO or ``/dev/zero`` must never be read (a read blocked for
ever or ate all memory). Each is refused, and the next write replaces it with a regular file. A folder is
not removed: writing there fails with a clear :class:`~aidtrack.errors.CacheError` (a pre-parsed copy is then
simply not kept).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from aidtrack.errors import CacheError
from aidtrack.rates.remote.cache import RateCache
from aidtrack.rates.remote.http import HttpClient
from aidtrack.rates.remote.services import EcbReferenceRates

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="symbolic links and FIFOs as on POSIX")

ECB = "/stats/eurofxref/"
PRECIOUS = b"precious, outside the cache\n"


def _plant(path: Path, kind: str, outside: Path) -> Path | None:
    """Replace ``path`` by ``kind``; returns the victim file outside the cache, if there is one."""
    path.unlink(missing_ok=True)
    if kind == "link to a file outside":
        victim = outside / "victim.txt"
        victim.write_bytes(PRECIOUS)
        path.symlink_to(victim)
        return victim
    if kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "link to a FIFO":
        fifo = outside / "fifo"
        os.mkfifo(fifo)
        path.symlink_to(fifo)
    elif kind == "FIFO":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    return None


KINDS = ["link to a file outside", "link to /dev/zero", "link to a FIFO", "FIFO"]


def _within(seconds: float, call: Callable[[], Any], fifo_paths: list[Path]) -> Any:
    """``call()`` in a thread; fails (after opening any FIFO for writing, to free the thread) if it blocks."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the test below
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        for fifo in fifo_paths:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        worker.join(5)
        pytest.fail("the read blocked on a file planted in the cache")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _fifos(*folders: Path) -> list[Path]:
    return [p for f in folders for p in f.rglob("*") if p.exists() and not p.is_dir() and p.is_fifo()]


# -- the rate cache's own files -----------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_a_data_file_replaced_by_a_link_or_fifo_is_refused_then_replaced(tmp_path: Path, kind: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = RateCache(tmp_path / "cache")

    def commit(data: bytes) -> object:
        return cache.commit(
            "ecb", data, suffix="zip", retrieved=datetime(2026, 11, 25, tzinfo=UTC), first_date=date(2026, 1, 2),
            last_date=date(2026, 11, 24), currencies=("USD",),
        )  # fmt: skip

    commit(b"good data")
    entry = cache.entry("ecb")
    assert entry is not None
    victim = _plant(cache.path / entry.file, kind, outside)
    with pytest.raises(CacheError, match="replaced by the next successful update|not a file inside the cache"):
        _within(10, lambda: cache.read("ecb"), _fifos(cache.path, outside))
    commit(b"good data")  # the same bytes, so the same file name: written as a new file, not through the link
    if victim is not None:
        assert victim.read_bytes() == PRECIOUS
    assert not (cache.path / entry.file).is_symlink()
    got = cache.read("ecb")
    assert got is not None and got.data == b"good data"


@pytest.mark.parametrize("kind", KINDS)
def test_a_manifest_replaced_by_a_link_or_fifo_is_refused_then_rebuilt(
    server: HTTPServer, client: HttpClient, clock: Any, payloads: ModuleType, tmp_path: Path, kind: str
) -> None:
    server.expect_request(ECB + "eurofxref-hist.zip").respond_with_data(
        payloads.hist_zip(payloads.real_days(60) + payloads.november()), content_type="application/zip"
    )
    for name in ("eurofxref-hist-90d.xml", "eurofxref-daily.xml"):
        server.expect_request(ECB + name).respond_with_data("not here", status=404)
    outside = tmp_path / "outside"
    outside.mkdir()
    src = EcbReferenceRates(base_url=server.url_for(ECB), client=client, clock=clock, bundled_fallback=False)
    src.update()
    victim = _plant(src.cache.path / "manifest.json", kind, outside)
    with pytest.raises(CacheError, match="manifest.json"):
        _within(10, src.cache.manifest, _fifos(src.cache.path, outside))
    assert _within(20, lambda: src.update(force=True).status, _fifos(src.cache.path, outside)) == "updated"
    if victim is not None:
        assert victim.read_bytes() == PRECIOUS
    assert (src.cache.path / "manifest.json").is_file() and not (src.cache.path / "manifest.json").is_symlink()
    assert src.cached() is not None


@pytest.mark.parametrize("name", ["manifest.json", "DATA"])
def test_a_folder_planted_under_a_cache_file_name_is_a_clear_error(tmp_path: Path, name: str) -> None:
    cache = RateCache(tmp_path / "cache")

    def commit() -> object:
        return cache.commit(
            "ecb", b"good data", suffix="zip", retrieved=datetime(2026, 11, 25, tzinfo=UTC),
            first_date=date(2026, 1, 2), last_date=date(2026, 11, 24), currencies=("USD",),
        )  # fmt: skip

    commit()
    entry = cache.entry("ecb")
    assert entry is not None
    folder = cache.path / (entry.file if name == "DATA" else name)
    folder.unlink()
    folder.mkdir()
    with pytest.raises(CacheError):
        cache.read("ecb")
    with pytest.raises(CacheError, match="cannot"):
        commit()
    assert folder.is_dir()


# -- the pre-parsed copies in tables/ -------------------------------------------------------------
_LOAD = textwrap.dedent(
    """
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # /dev/zero read whole would pass this
    from aidtrack.currency import is_currency
    from aidtrack.rates.bundled import bundled_table
    table = bundled_table()
    print(is_currency("USD"), table.info.last_date, table.series("USD").raw[-1])
    """
)


@pytest.mark.parametrize("copy", ["ecb-bundled-", "iso4217-"])
@pytest.mark.parametrize("kind", [*KINDS, "folder"])
def test_a_preparsed_copy_replaced_by_a_link_or_fifo_is_ignored_and_rebuilt(
    tmp_path: Path, copy: str, kind: str
) -> None:
    """In a child process: a read blocked on a FIFO or reading ``/dev/zero`` to the end is cut off by the timeout."""

    def load() -> str:
        done = subprocess.run([sys.executable, "-c", _LOAD], capture_output=True, text=True, timeout=30, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    expected = load()
    tables = Path(os.environ["AIDTRACK_CACHE_DIR"]) / "tables"  # set by the autouse fixture of tests/conftest.py
    (path,) = tables.glob(f"{copy}*")
    good = path.read_bytes()
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = _plant(path, kind, outside)
    try:
        assert load() == expected
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading blocked on the {kind} planted at {path.name}")
    if victim is not None:
        assert victim.read_bytes() == PRECIOUS
    if kind == "folder":  # not removed: the table is parsed from the bundled file each time instead
        assert path.is_dir()
        return
    assert path.is_file() and not path.is_symlink()
    assert path.read_bytes() == good  # rebuilt, byte for byte
