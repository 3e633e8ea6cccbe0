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
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pipeline.errors import EnvironmentProblem

RENAME_EXCHANGE = 2  # linux/fs.h


DEAD_HOLDER_GRACE = 10.0  # seconds a dead run's workers get to follow it before the lock is called stale


def out_problem(out: Path, sources: Path) -> str | None:
    """Why ``out`` cannot be a run's output folder, or None. It is swapped whole for the new
    outputs, so it must be a folder of its own: not a file, not the root or the working
    directory (or a folder holding it), and apart from the sources in both directions."""
    try:
        real, cwd, sources_real = out.resolve(), Path.cwd().resolve(), sources.resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        return f"--out {out} or --sources {sources} cannot be resolved: {exc}"
    if out.exists() and not real.is_dir():
        return f"--out {out} is a file, not a folder"
    if real == Path(real.anchor):
        return f"--out {out} is the file-system root"
    if cwd.is_relative_to(real):
        return f"--out {out} is the working directory or holds it; name a folder of its own"
    if real.is_relative_to(sources_real):
        return f"--out {out} is inside --sources {sources}: its files would be read as guides"
    if sources_real.is_relative_to(real):
        return f"--sources {sources} is inside --out {out}: a run would replace the guides"
    return None


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock; a second run waits for the first to finish.

    The lock file names the holding run's process. A lock still held after that process
    died (and ``DEAD_HOLDER_GRACE`` for its workers to die with it) is an environment
    problem, never a wait without end.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle = (out.parent / f".{out.name}.lock").open("a+")
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write beside {out}/: {exc.strerror}") from None
    with handle:
        if not _try_lock(handle):
            print(f"another run is writing {out}/; waiting for it to finish", file=sys.stderr)
            _wait_for_lock(handle, out)
        try:
            handle.truncate(0)
            handle.write(f"{os.getpid()} {socket.gethostname()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait_for_lock(handle: IO[str], out: Path) -> None:
    dead_since: float | None = None
    while not _try_lock(handle):
        holder = _holder(handle)  # None when it ran on another host: it cannot be checked
        if holder is not None and not _alive(holder):
            dead_since = dead_since or time.monotonic()
            if time.monotonic() - dead_since > DEAD_HOLDER_GRACE:
                raise EnvironmentProblem(
                    f"the lock on {out}/ is held by processes of a run that died (pid {holder}); "
                    f"stop them (kill -- -{holder}) and run again")
        time.sleep(0.2)


def _holder(handle: IO[str]) -> int | None:
    """The pid of the run holding the lock, when it runs on this host (the lock file says)."""
    handle.seek(0)
    pid, _, host = handle.read().strip().partition(" ")
    return int(pid) if pid.isdigit() and host in ("", socket.gethostname()) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


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
