"""PDFs read in a child process held to a memory budget and a deadline.

PDFium parses a page's whole content when the page loads, and a file of a few
kilobytes can make that take gigabytes or minutes (forms that draw forms,
millions of nested saves, a compressed stream of a gigabyte); past its memory
it aborts the process. Nothing can be checked before it parses, so the reading
runs in a forked child with an address-space limit, and each PDF has a
deadline: a PDF over budget is that document's error, never a run's crash or
hang. The child reads one PDF after another (forking for each would cost more
than reading a guide) and is replaced after an accident, and after
``DOCUMENTS_PER_CHILD`` PDFs so that its memory stays near its start. The run
hands it the next PDF before it finishes the document at hand (``read_ahead``),
so that reading one and normalizing the other overlap. Where
``fork`` is missing (Windows) the reading runs in-process, bounded only by the
page and character limits of ``pdf_pages``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import faulthandler
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pipeline.errors import DocumentError, Issue

MEMORY_BUDGET = 1 << 30  # bytes the reader may add to its process (a guide's PDF needs ~20 MB)
WALL_SECONDS = 20  # a guide's PDF reads in well under a second
DOCUMENTS_PER_CHILD = 200
READ_AHEAD = 2  # PDFs a child may hold at once: the one asked for and the next
PR_SET_PDEATHSIG = 1  # linux/prctl.h
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process
_LENGTH = struct.Struct("<Q")

T = TypeVar("T")


class ReaderError(RuntimeError):
    """The reading raised something other than a document's error: a pipeline bug."""


def guarded(read: Callable[[bytes], T], data: bytes) -> T:
    """``read(data)`` in the child within the budget; its ``DocumentError`` passes through.
    When ``read_ahead`` gave the child these very bytes, their reading is already under way."""
    if not hasattr(os, "fork"):
        return read(data)
    with _lock:  # one caller at a time talks to a child (a Dask worker runs tasks in threads)
        child = _child(read)
        try:
            kind, value = child.early_reply(data)
            if not kind:
                ahead = any(sent is data for sent in child.waiting)
                if not ahead:
                    child.send(data)
                kind, value = child.reply_for(data)
                if kind == "over" and ahead:  # the child may have died of a PDF sent after this one
                    kind, value = _child(read).ask(data)
        except BaseException:  # interrupted between a request and its reply: the pipe is out of step
            _children[read].alive = False
            raise
    if kind == "ok":
        result: T = value
        return result
    if kind == "error":
        raise DocumentError(value)
    if kind == "bug":
        raise ReaderError(value)
    raise DocumentError(Issue("parse", "error", f"the PDF needs more than {MEMORY_BUDGET >> 20:,} MB "
                              f"or {WALL_SECONDS} s to read (a PDF bomb or a damaged file); it was "
                              "not read"))


def read_ahead(read: Callable[[bytes], Any], data: bytes) -> None:
    """Give the child the next PDF now: it reads it while this process finishes the document
    before (the run extracts one document after another; two processes overlap)."""
    if hasattr(os, "fork"):
        with _lock:
            child = _child(read)
            if len(child.waiting) < READ_AHEAD:
                child.send(data)


def _child(read: Callable[[bytes], Any]) -> _Child:
    """The child for ``read`` in this process: started when there is none, replaced when it died
    or has served its share."""
    child = _children.get(read)
    if child is not None and child.owner == os.getpid() and child.alive \
            and (child.served < DOCUMENTS_PER_CHILD or child.waiting):
        return child
    if child is not None and child.owner == os.getpid():
        child.stop()
    child = _children[read] = _start(read)
    return child


@dataclass
class _Child:
    pid: int
    owner: int  # the process that started it (a forked worker starts its own)
    send_fd: int
    receive_fd: int
    served: int = 0
    alive: bool = True
    pipe_bytes: int = 1 << 16  # what each pipe holds
    waiting: deque[bytes] = field(default_factory=deque)  # sent, reply not read yet, in order
    early: list[tuple[bytes, bytes]] = field(default_factory=list)  # replies read before their turn
    writer: threading.Thread | None = None

    def send(self, data: bytes) -> None:
        """Queue one PDF for the child without waiting on it. The child takes a request whole
        before it reads it, so one that fits the pipe is written at once; a larger one goes
        from a thread, so that a full pipe never blocks this process while the child writes."""
        message = _LENGTH.pack(len(data)) + data
        if self.writer is not None:
            self.writer.join()  # requests go down the pipe in the order they were given
            self.writer = None
        if len(message) <= self.pipe_bytes // 2:
            _write_quietly(self.send_fd, message)
        else:
            self.writer = threading.Thread(target=_write_quietly, args=(self.send_fd, message), daemon=True)
            self.writer.start()
        self.waiting.append(data)
        self.served += 1

    def reply_for(self, data: bytes) -> tuple[str, Any]:
        """The reading of ``data``, sent before: ("ok", result), ("error", issue), ("bug",
        trace), or ("over", None) when the child died or ran past the deadline (it is then
        gone). Replies to PDFs sent before it are read first and kept for their turn."""
        while True:
            sent = self.waiting.popleft()
            try:
                payload = _read_message(self.receive_fd, time.monotonic() + WALL_SECONDS)
            except OSError:
                payload = None
            if payload is None:
                self.alive = False
                self.waiting.clear()
                return "over", None
            if sent is data:
                kind, value = pickle.loads(payload)
                return str(kind), value
            self.early.append((sent, payload))  # read ahead, asked for later (or never)
            del self.early[:-READ_AHEAD]

    def ask(self, data: bytes) -> tuple[str, Any]:
        self.send(data)
        return self.reply_for(data)

    def early_reply(self, data: bytes) -> tuple[str, Any]:
        """The reply to ``data`` if it was read before its turn, else ("", None)."""
        for k, (sent, payload) in enumerate(self.early):
            if sent is data:
                del self.early[k]
                kind, value = pickle.loads(payload)
                return str(kind), value
        return "", None

    def stop(self) -> None:
        """End the child. It is killed, not asked: a process forked since (a pool's worker) may
        hold its request pipe open, so it would never see the pipe close."""
        for fd in (self.send_fd, self.receive_fd):
            with suppress(OSError):
                os.close(fd)
        with suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


_children: dict[Callable[[bytes], Any], _Child] = {}
_lock = threading.Lock()


def _start(read: Callable[[bytes], Any]) -> _Child:
    requests, request_end = os.pipe()
    reply_end, replies = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read PDFs until the parent closes the pipe, then leave at once
        try:
            os.close(request_end)
            os.close(reply_end)
            _limit()
            _serve(read, requests, replies)
        finally:
            os._exit(0)
    os.close(requests)
    os.close(replies)
    return _Child(pid, os.getpid(), request_end, reply_end, pipe_bytes=min(_widen(request_end),
                                                                           _widen(reply_end)))


def _widen(fd: int) -> int:
    """Let a pipe hold a guide's PDF or its reading whole (Linux; elsewhere its default), so that
    neither side waits for the other to read: the child goes on to the next PDF at once."""
    try:
        import fcntl

        return int(fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES))
    except (ImportError, AttributeError, OSError):
        return 1 << 16


def _serve(read: Callable[[bytes], Any], requests: int, replies: int) -> None:
    while True:
        data = _read_message(requests, None)
        if data is None:
            return
        try:
            payload = pickle.dumps(("ok", read(data)))
        except DocumentError as exc:
            payload = pickle.dumps(("error", exc.issue))
        except MemoryError:  # the address-space budget, met in Python rather than in PDFium
            os._exit(1)
        except Exception:  # a bug in the reader: the parent reports it as the document's
            payload = pickle.dumps(("bug", traceback.format_exc()))
        _write(replies, _LENGTH.pack(len(payload)) + payload)


def _limit() -> None:
    import resource  # Unix only, as fork is

    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + MEMORY_BUDGET,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if sys.platform.startswith("linux"):  # end with the parent, however it ends (a slow bomb too)
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    faulthandler.disable()  # a bomb's abort is the expected end of this child, not a crash to dump


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


def _write_quietly(fd: int, data: bytes) -> None:
    """A request's bytes down the pipe; a child that died meanwhile is found by its reply."""
    with suppress(OSError):
        _write(fd, data)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_message(fd: int, deadline: float | None) -> bytes | None:
    """One length-prefixed message; None at the end of the pipe or past the deadline."""
    head = _read_exact(fd, _LENGTH.size, deadline)
    if head is None:
        return None
    return _read_exact(fd, _LENGTH.unpack(head)[0], deadline)


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
