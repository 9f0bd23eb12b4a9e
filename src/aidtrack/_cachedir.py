"""Where aidtrack keeps its per-user cache (downloaded rates, the pre-parsed bundled table).

A private leaf, so that both :mod:`aidtrack.rates.remote.cache` (downloads) and
:mod:`aidtrack.rates.bundled` (the pre-parsed snapshot) find the same folder;
the public name is :func:`aidtrack.rates.remote.cache.cache_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir"]

CACHE_DIR_ENV = "AIDTRACK_CACHE_DIR"
"""Environment variable naming the cache folder (overrides the per-user default)."""


def cache_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: ``directory`` if given, else ``$AIDTRACK_CACHE_DIR``, else the per-user cache.

    The per-user cache comes from platformdirs (``~/.cache/aidtrack`` on Linux,
    ``~/Library/Caches/aidtrack`` on macOS, ``%LOCALAPPDATA%\\aidtrack\\Cache`` on Windows).

    >>> cache_dir("/tmp/rates")
    PosixPath('/tmp/rates')
    """
    if directory is not None:
        return Path(directory).expanduser()
    env = os.environ.get(CACHE_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("aidtrack", appauthor=False))
