"""A PDF read in a child process held to a memory, CPU and wall-time budget.

PDFium parses a page's whole content when the page loads, and a file of a few
kilobytes can make that take gigabytes or minutes (forms that draw forms,
millions of nested saves, a compressed stream of a gigabyte); past its memory
it aborts the process. Nothing can be checked before it parses, so the reading
runs in a forked child with an address-space limit, a CPU limit and a deadline:
a PDF over budget is that document's error, never a run's crash or hang. Where
``fork`` is missing (Windows) the reading runs in-process, bounded only by the
page and character limits of ``pdf_pages``.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TypeVar

from pipeline.errors import DocumentError, Issue

MEMORY_BUDGET = 1 << 30  # bytes the reader may add to the process (a guide's PDF needs ~20 MB)
CPU_SECONDS = 10  # a guide's PDF reads in well under a second
WALL_SECONDS = 20  # the deadline, for a reader stalled without using the CPU

T = TypeVar("T")


def guarded(read: Callable[[bytes], T], data: bytes) -> T:
    """``read(data)`` in a child process within the budget; its ``DocumentError`` passes through."""
    if not hasattr(os, "fork"):
        return read(data)
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send the result or the document's error, leave at once
        os.close(receive)
        try:
            _limit()
            try:
                payload = pickle.dumps(("ok", read(data)))
            except DocumentError as exc:
                payload = pickle.dumps(("error", exc.issue))
            with os.fdopen(send, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(send)
    try:
        payload = _receive(receive, pid)
    finally:
        os.close(receive)
    if not payload:
        raise DocumentError(Issue("parse", "error", "the PDF needs more than "
                                  f"{MEMORY_BUDGET >> 20:,} MB or {CPU_SECONDS} s to read (a PDF bomb "
                                  "or a damaged file); it was not read"))
    kind, value = pickle.loads(payload)
    if kind == "error":
        assert isinstance(value, Issue)
        raise DocumentError(value)
    result: T = value
    return result


def _limit() -> None:
    import resource  # Unix only, as fork is

    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + MEMORY_BUDGET,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _address_space() -> int:
    """The process's virtual size now: the limit is this plus the budget."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 34  # no /proc (macOS): a generous fixed ceiling


def _receive(fd: int, pid: int) -> bytes:
    """Everything the child sends before the deadline; empty if it died or ran out of time."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + WALL_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            _, status = os.waitpid(pid, 0)
            return b"".join(chunks) if os.WIFEXITED(status) else b""
        chunks.append(chunk)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return b""
