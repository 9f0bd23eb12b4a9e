"""Shared test set-up: every test gets its own rate cache, and no test may reach the internet."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_ISOLATED_ENV = (
    "AIDTRACK_OFFLINE",
    "AIDTRACK_ECB_URL",
    "AIDTRACK_ECB_SDMX_URL",
    "AIDTRACK_BOC_VALET_URL",
    "AIDTRACK_FRANKFURTER_URL",
)


_SESSION_CACHE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """A cache folder for code that runs before any fixture (test modules' top level, at collection).

    Loading a bundled table or checking a currency writes pre-parsed copies into the cache folder
    (``tables/``); the run never writes into the user's own cache.
    """
    folder = tempfile.mkdtemp(prefix="aidtrack-test-cache-")
    _SESSION_CACHE.append(folder)
    os.environ["AIDTRACK_CACHE_DIR"] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _SESSION_CACHE:
        shutil.rmtree(folder, ignore_errors=True)


def _is_loopback(host: Any) -> bool:
    if host is None:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    text = text.strip("[]").split("%")[0].lower()
    if text in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _check_address(address: Any) -> None:
    if isinstance(address, tuple) and address and not _is_loopback(address[0]):
        raise RuntimeError(f"test tried to reach a non-loopback address {address!r}; tests must stay on 127.0.0.1")


@pytest.fixture(autouse=True)
def _isolated_rates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """(a) AIDTRACK_CACHE_DIR in tmp_path; (b) fail any connection to a non-loopback address."""
    cache = tmp_path / "aidtrack-cache"
    monkeypatch.setenv("AIDTRACK_CACHE_DIR", str(cache))
    for name in _ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        _check_address(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        _check_address(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            raise RuntimeError(f"test tried to resolve the non-loopback host {host!r}; tests must stay on 127.0.0.1")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return cache
