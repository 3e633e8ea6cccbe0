"""The second step of a run: extract the sources the plan did not reuse.

Each source goes through the stages in a worker process (``--jobs``), in
chunks, and comes back in the plan's order as what the run keeps of it (doc_id,
issues, counts) and its typed record set serialized by the contract: its
``documents/<doc_id>.json`` and its rows of every record file, made in the
worker so that the main process only copies bytes (it would otherwise be the
bottleneck, and results would pile up in memory behind it). A pipeline bug in
one document becomes that document's internal error, with its traceback for the
console; the other documents go on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pipeline.errors import Issue
from pipeline.plan import Source, SourceChanged

if TYPE_CHECKING:  # the stages load where documents are extracted, never for a no-op run
    from pipeline.validate import ValidatedDoc

# Starting workers costs about as much as extracting this many documents in-process.
MIN_PARALLEL_TASKS = 40
# The stages allocate many short-lived objects (tokens, blocks, records) and few cycles: the
# collector's youngest generation, run every 700 allocations by default, costs about 5% of
# extraction; every 5,000 it costs under 1%, and memory stays bounded the same way.
GC_YOUNG_THRESHOLD = 5_000
CHUNK = 8  # sources handed to a worker at a time: few round trips, even load
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True, slots=True)
class Extracted:
    doc_id: str
    sha256: str
    size: int
    source_format: str
    issues: tuple[Issue, ...]
    counts: dict[str, int]  # records per type
    document: bytes | None  # documents/<doc_id>.json, when the document has records
    document_sha256: str | None  # its hash, for the manifest (made here, off the run's serial path)
    rows: dict[str, bytes]  # its rows as each CSV and JSON Lines file holds them, by file name
    trace: str | None = None  # the traceback of a pipeline bug, for the console


def _extracted(doc: ValidatedDoc, trace: str | None = None) -> Extracted:
    from pipeline.writer import document_json, row_bytes

    document = document_json(doc.doc_id, doc.records, doc.issues, doc.source_path) if doc.records else None
    return Extracted(doc.doc_id, doc.source_sha256, doc.size, doc.source_format, doc.issues,
                     {stem: len(rows) for stem, rows in doc.records.items()}, document,
                     hashlib.sha256(document).hexdigest() if document is not None else None,
                     row_bytes(doc.records), trace)


class Executor(Protocol):
    """Where the sources are extracted: given them in the plan's order, it gives back each
    one's ``Extracted`` in that order. It never touches the outputs; the run writes them."""

    def map(self, todo: Sequence[Source]) -> Iterator[Extracted]: ...


@dataclass(frozen=True, slots=True)
class LocalPool:
    """This machine's cores: worker processes (``--jobs``) when there are enough sources."""

    jobs: int = 1

    def map(self, todo: Sequence[Source]) -> Iterator[Extracted]:
        if self.jobs > 1 and len(todo) >= MIN_PARALLEL_TASKS:
            with ProcessPoolExecutor(max_workers=self.jobs, initializer=die_with_parent,
                                     initargs=(os.getpid(),)) as pool:
                batches = (todo[k:k + CHUNK] for k in range(0, len(todo), CHUNK))
                for batch in pool.map(extract_batch, batches):
                    yield from batch
        else:
            yield from extract_in_order(todo)


def execute(todo: Sequence[Source], executor: Executor) -> Iterator[Extracted]:
    """Extract ``todo`` in order with ``executor``."""
    yield from executor.map(todo)


def extract_batch(batch: Sequence[Source]) -> list[Extracted]:
    """A batch of sources through the stages, in order: what a worker is given. Workers keep
    the cores busy already, so they do not read PDFs ahead."""
    return list(extract_in_order(batch, ahead=False))


def extract_in_order(todo: Sequence[Source], *, ahead: bool = True) -> Iterator[Extracted]:
    """Sources through the stages one after another, in order. A PDF's text is read in the
    PDF reader's child process, so (``ahead``) the next source, when it is a PDF, is handed to
    that child before the one at hand is extracted: one run process and the child overlap on
    two cores."""
    from pipeline.parse.pdf_guard import read_ahead
    from pipeline.parse.pdf_pages import read_pages
    from pipeline.sources import is_pdf

    def read(k: int) -> bytes | Extracted | None:
        data = _read(todo[k]) if k < len(todo) else None
        if ahead and isinstance(data, bytes) and is_pdf(data):
            read_ahead(read_pages, data)  # the child starts on it at once
        return data

    upcoming = read(0)
    for k, source in enumerate(todo):
        current, upcoming = upcoming, read(k + 1)
        yield current if isinstance(current, Extracted) else _extract(source, current)


def die_with_parent(parent: int) -> None:
    """In a worker: end when the run's main process ends, however it ends (killed too), and
    leave Ctrl-C to it (the main process ends the run in one line, the workers with it).

    A worker that outlived its run would keep the output lock its parent held (a forked
    worker shares the lock's open file) and every later run would wait for it. Linux
    delivers SIGKILL to the worker when its parent dies; elsewhere a watchdog thread
    polls for the parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _read(source: Source) -> bytes | Extracted | None:
    """A source's bytes as the plan hashed them, or what a source that cannot be read gives."""
    from pipeline.extract import refused  # the stages load in the worker only

    if source.refusal is not None:
        return _extracted(refused(source.source_path, source.refusal, source.sha256, source.size))
    try:
        return source.read()  # the bytes the plan hashed, or an error: never a FIFO's wait
    except SourceChanged as exc:
        return _extracted(refused(source.source_path, exc.issue))
    except OSError as exc:
        issue = Issue("read", "error", f"the file cannot be read: {exc.strerror}")
        return _extracted(refused(source.source_path, issue))


def _extract(source: Source, data: bytes | None) -> Extracted:
    from pipeline.extract import extract, refused

    assert data is not None
    if gc.get_threshold()[0] < GC_YOUNG_THRESHOLD:  # wherever the stages run: pool, Dask, here
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    try:
        return _extracted(extract(data, source.source_path))
    except Exception as exc:  # a pipeline bug: say so loudly, keep the run going
        issue = Issue("internal", "error", f"pipeline bug while reading this file: {exc!r}")
        doc = refused(source.source_path, issue, hashlib.sha256(data).hexdigest(), len(data))
        return _extracted(doc, traceback.format_exc())
