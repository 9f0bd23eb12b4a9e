"""Where aidtrack keeps its per-user cache (downloaded rates, the pre-parsed bundled table).

A private leaf, so that both :mod:`aidtrack.rates.remote.cache` (downloads) and
:mod:`aidtrack.rates.bundled` (the pre-parsed snapshot) find the same folder;
the public name is :func:`aidtrack.rates.remote.cache.cache_dir`.

The files aidtrack keeps there are its own: :func:`read_cache_file` never follows a symbolic
link at a file's name and never reads anything but a regular file (a FIFO would block,
``/dev/zero`` would never end), nor more than a stated number of bytes. Writers use
``atomic_write_bytes(..., follow_links=False)``: a link planted there is replaced, never written through.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir", "read_cache_file"]

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


def read_cache_file(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit + 1`` of them (more means: too large).

    Raises ``OSError`` (``FileNotFoundError`` when absent) for a symbolic link, a FIFO, a device
    or a folder at ``path``, without following, blocking on or reading it. The caller checks the
    bytes (a SHA-256), so a file cut at ``limit + 1`` bytes fails that check.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):  # pragma: no cover - Windows
        raise OSError(errno.ELOOP, "is a symbolic link, which the cache never follows", str(path))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "is a symbolic link, which the cache never follows", str(path)) from None
        raise
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "is not a regular file", str(path))
        return fh.read(limit + 1)
