"""The output folder on disk: a lock, reading it whole, and swapping a new one in atomically.

A run writes its complete outputs into a temporary folder beside the target
and then exchanges the two folders in one step (``renameat2(RENAME_EXCHANGE)``
on Linux; elsewhere two renames, and a run that finds only the backup restores
it). Killed at any point, a run leaves the previous outputs intact. Files the
run does not own (a review site, say) are carried over into the new folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RENAME_EXCHANGE = 2  # linux/fs.h


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock; a second run waits for the first to finish."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another run is writing {out}/; waiting for it to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(out: Path) -> None:
    """Put back the previous outputs if a run died between its two renames."""
    backup = _backup(out)
    if not out.exists() and backup.exists():
        backup.rename(out)
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if backup.exists():
        shutil.rmtree(backup, ignore_errors=True)


def new_temp(out: Path) -> Path:
    """An empty folder beside ``out`` for the next outputs."""
    temp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(parents=True)
    return temp


def carry_unowned(out: Path, temp: Path, owned: tuple[str, ...]) -> None:
    """Copy into ``temp`` the files of ``out`` that match no ``owned`` pattern."""
    if not out.is_dir():
        return
    owned_now = {p for pattern in owned for p in out.glob(pattern)}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path not in owned_now:
            target = temp / path.relative_to(out)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def exchange(temp: Path, out: Path) -> None:
    """Make ``temp`` the new ``out`` in one step where the kernel can, else two renames."""
    if not out.exists():
        temp.rename(out)
        return
    if not _exchange(temp, out):
        backup = _backup(out)
        out.rename(backup)
        temp.rename(out)
        temp = backup
    shutil.rmtree(temp, ignore_errors=True)


def _backup(out: Path) -> Path:
    return out.parent / f".{out.name}.old"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step where the kernel can; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    return bool(result == 0)
