"""scripts/refresh_ecb.py: validates a download before replacing the bundled zip and its SHA-256."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

from pytest_httpserver import HTTPServer

import aidtrack
from aidtrack.rates.parsers.ecb import parse_eurofxref_zip

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "refresh_ecb.py"
PACKAGE = Path(aidtrack.__file__).parent


def _run(server: HTTPServer, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIDTRACK_ECB_URL": server.url_for("/stats/eurofxref/")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--zip", str(tmp_path / "hist.zip"), "--sources", str(tmp_path / "sources.py"),
         *extra],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _setup(tmp_path: Path) -> None:
    shutil.copy(PACKAGE / "data" / "eurofxref-hist.zip", tmp_path / "hist.zip")
    shutil.copy(PACKAGE / "rates" / "bundled.py", tmp_path / "sources.py")


def test_refresh_installs_a_valid_longer_history(server: HTTPServer, tmp_path: Path, payloads: ModuleType) -> None:
    _setup(tmp_path)
    with zipfile.ZipFile(PACKAGE / "data" / "eurofxref-hist.zip") as z:
        lines = z.read("eurofxref-hist.csv").decode().splitlines()
    newer = payloads.hist_csv(payloads.november()).decode().splitlines()[1:]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("eurofxref-hist.csv", "\n".join([lines[0], *newer, *lines[1:]]) + "\n")
    body = buf.getvalue()
    server.expect_request("/stats/eurofxref/eurofxref-hist.zip").respond_with_data(body)
    done = _run(server, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "installed hist.zip: 1999-01-04 to 2026-11-24" in done.stdout
    assert (tmp_path / "hist.zip").read_bytes() == body
    assert f'BUNDLED_SHA256 = "{hashlib.sha256(body).hexdigest()}"' in (tmp_path / "sources.py").read_text()
    assert parse_eurofxref_zip((tmp_path / "hist.zip").read_bytes()).info.last_date.isoformat() == "2026-11-24"


def test_refresh_changes_nothing_on_a_bad_or_shorter_download(
    server: HTTPServer, tmp_path: Path, payloads: ModuleType
) -> None:
    _setup(tmp_path)
    before = ((tmp_path / "hist.zip").read_bytes(), (tmp_path / "sources.py").read_text())
    server.expect_ordered_request("/stats/eurofxref/eurofxref-hist.zip").respond_with_data("<html>maintenance</html>")
    server.expect_ordered_request("/stats/eurofxref/eurofxref-hist.zip").respond_with_data(
        payloads.hist_zip(payloads.real_days(100))
    )
    bad = _run(server, tmp_path)
    assert bad.returncode == 1 and "not a valid zip" in bad.stderr and "nothing was changed" in bad.stderr
    short = _run(server, tmp_path)
    assert short.returncode == 1 and "should start 1999-01-04" in short.stderr
    assert ((tmp_path / "hist.zip").read_bytes(), (tmp_path / "sources.py").read_text()) == before
