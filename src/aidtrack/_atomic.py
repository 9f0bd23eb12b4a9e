"""All-or-nothing file writes: a temporary file in the same folder, fsync, then rename.

A reader sees either the old file or the complete new one, never a half-written
file, even if the process is killed mid-write; a failed write removes its
temporary file. Used for user files (pledge files, exports) and for the rate cache.

The new file gets the permissions a plain ``open(path, "w")`` would give it: an existing
file keeps its mode, a new one gets ``0o666`` less the process umask. Writing to a symbolic
link replaces the file the link points to (the link stays a link), unless ``follow_links=False``
(the rate cache): then the link itself is replaced by the new file and its target is never
touched. A missing folder is reported as a ``FileNotFoundError`` naming the target, not the
temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text"]


def _temp_prefix(target: Path, prefix: str | None) -> str:
    return prefix if prefix is not None else f".{target.name}."


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    if hasattr(os, "O_DIRECTORY"):
        with contextlib.suppress(OSError):
            dfd = os.open(folder, os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)


def _resolve_links(target: Path) -> Path:
    """The file a chain of symbolic links ends at (the path itself when it is not a link)."""
    if not target.is_symlink():
        return target
    return Path(os.path.realpath(target))


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (read without a window in which it is changed, where /proc allows)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The mode ``open(target, "w")`` would leave: the existing regular file's, else ``0o666`` less the umask."""
    try:
        st = os.stat(target, follow_symlinks=False)
    except OSError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        return stat.S_IMODE(st.st_mode)
    return 0o666 & ~_umask()


def _write_all(fh: IO[bytes], data: bytes) -> None:
    """Write ``data`` (a seam the crash tests use to stop a writer half-way)."""
    fh.write(data)


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], *, prefix: str | None = None, follow_links: bool = True
) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the ``with`` block succeeds.

    For libraries that write to a path themselves (Parquet, Excel). With ``follow_links=False``
    a symbolic link at ``path`` is replaced itself, never the file it points to.
    """
    target = _resolve_links(Path(path)) if follow_links else Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"no such folder {str(target.parent)!r} to write", str(target))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix(target, prefix), suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            if hasattr(os, "fchmod"):  # POSIX; on Windows the temporary file's mode is already the usual one
                os.fchmod(fh.fileno(), _mode_for(target))
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, prefix: str | None = None, follow_links: bool = True
) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    ``prefix`` names the temporary file (default ``.<name>.``, suffix ``.tmp``),
    so a cache can find and sweep the leftovers of a killed writer. ``follow_links=False``
    replaces a symbolic link at ``path`` instead of writing to the file it points to.
    """
    with atomic_path(path, prefix=prefix, follow_links=follow_links) as tmp, open(tmp, "wb") as fh:
        _write_all(fh, data)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically (no newline translation)."""
    atomic_write_bytes(path, text.encode(encoding))
