"""One run over a folder of sources, in three steps: plan, execute, write.

- plan (``pipeline/plan.py``): hash every source and decide from the manifest
  what the previous outputs already hold;
- execute (``pipeline/execute.py``): extract the rest, in worker processes,
  each document coming back serialized: its document JSON is written at once,
  its rows go to the spill file, and only a summary stays in memory;
- write (``pipeline/writer.py``): every record file, a document at a time in
  doc_id order, copying rows as bytes (an extracted document's as its worker
  serialized them, kept in a spill file meanwhile; a reused one's from the last
  run's files), while the change report compares a document whose JSON changed
  with the previous run's records by the contract's keys.

The new outputs go into a temporary folder swapped in atomically
(``pipeline/store.py``); a run that changes nothing leaves the outputs as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from pipeline import PIPELINE_VERSION
from pipeline.changes import ChangeReport
from pipeline.contract import json_bytes
from pipeline.datapackage import datapackage
from pipeline.execute import Executor, LocalPool, execute
from pipeline.manifest import MANIFEST, Entry, Manifest, entry
from pipeline.plan import DOCUMENTS_DIR, Plan, plan
from pipeline.previous import PreviousRows, PreviousRun
from pipeline.sources import duplicate_id_issues
from pipeline.store import carry_unowned, exchange, locked, new_temp, recover
from pipeline.summary import Summary
from pipeline.writer import DATAPACKAGE, Writer, error_records, read_document
from schemas.records import RECORD_TYPES, SCHEMA_VERSION, RecordSet

CHANGES = "changes.json"
SPILL = ".rows.spill"  # extracted documents' serialized rows, until the writer copies them
# Files a run owns in the output folder; anything else there (a review site) is carried over.
OWNED = ("*.csv", "*.jsonl", "*.parquet", f"{DOCUMENTS_DIR}/*.json", MANIFEST, CHANGES, DATAPACKAGE)


@dataclass(frozen=True, slots=True)
class Outcome:
    documents: list[Summary]  # in source path order
    changed: bool
    changes: dict[str, Any] | None = None  # the change report, when the outputs changed
    notice: str | None = None  # why the previous outputs were not reused, when they were not

    @property
    def failed(self) -> int:
        return sum(d.failed for d in self.documents)


def run(sources: Path, out: Path, *, jobs: int = 1, force: bool = False, parquet: bool = False,
        on_document: Callable[[Summary], None] | None = None,
        executor: Executor | None = None) -> Outcome:
    """Bring ``out`` up to date with ``sources``; see the module docstring.

    With ``parquet``, a typed ``<stem>.parquet`` goes beside each CSV file; a later
    run without it that rewrites the outputs leaves them out. ``on_document`` hears
    of each document as it is extracted (the command line's progress). ``executor``
    extracts (default: this machine's process pool of ``jobs`` workers; a Dask cluster
    is another, ``pipeline/cluster.py``); the plan and the writing stay here.
    """
    with locked(out):
        recover(out)
        the_plan = plan(sources, out, force=force)
        if the_plan.nothing_changed(parquet, out):
            return Outcome([_reused(the_plan.reused[s.source_path]) for s in the_plan.sources],
                           changed=False)
        temp = new_temp(out)
        try:
            with (temp / SPILL).open("w+b") as spill:
                summaries = _check_ids(list(_summaries(the_plan, temp, executor or LocalPool(jobs),
                                                       on_document, None if parquet else spill)))
                outcome = _write(summaries, the_plan, out, temp, spill, parquet=parquet)
            return replace(outcome, notice=the_plan.notice)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise


def _summaries(the_plan: Plan, temp: Path, executor: Executor,
               on_document: Callable[[Summary], None] | None,
               spill: BinaryIO | None) -> Iterator[Summary]:
    """Per source, in path order: reused from the manifest, or extracted now (its rows go
    to the spill file until the writer copies them, in doc_id order)."""
    (temp / DOCUMENTS_DIR).mkdir(parents=True)
    extracted = execute(the_plan.todo, executor)
    for source in the_plan.sources:
        if source.source_path in the_plan.reused:
            yield _reused(the_plan.reused[source.source_path])
            continue
        done = next(extracted)
        if done.document is not None:
            (temp / DOCUMENTS_DIR / f"{done.doc_id}.json").write_bytes(done.document)
        summary = Summary(source.source_path, done.doc_id, done.sha256, done.size, done.source_format,
                          done.issues, done.counts, done.document is not None, done.document_sha256,
                          _spilled(spill, done.rows), extracted=True, trace=done.trace)
        if on_document is not None:
            on_document(summary)
        yield summary


def _spilled(spill: BinaryIO | None, rows: dict[str, bytes]) -> tuple[tuple[str, int, int], ...]:
    """Append a document's serialized rows to the spill file; where each file's rows are.
    Without a spill (Parquet reads every document's JSON), nothing."""
    if spill is None:
        return ()
    placed = []
    for name, data in rows.items():
        placed.append((name, spill.tell(), len(data)))
        spill.write(data)
    return tuple(placed)


def _reused(item: Entry) -> Summary:
    return Summary(item.source_path, item.doc_id, item.source_sha256, item.size, item.source_format,
                   item.issues(), dict(item.records), item.extracted_records, item.document_sha256)


def _check_ids(summaries: list[Summary]) -> list[Summary]:
    """Two sources with one doc_id: both get an error and neither's records go out."""
    issues = duplicate_id_issues((s.doc_id, s.source_path) for s in summaries)
    return [replace(s, run_issues=(issues[s.source_path],)) if s.source_path in issues else s
            for s in summaries]


def _write(summaries: list[Summary], the_plan: Plan, out: Path, temp: Path, spill: BinaryIO, *,
           parquet: bool) -> Outcome:
    """Write every record file, the package and the manifest into ``temp``; swap it in when
    anything differs from ``out``."""
    previous = PreviousRun(the_plan.previous, out)
    report = ChangeReport()
    writer = Writer(_opener(temp), parquet=_opener(temp) if parquet else None)
    # Reused documents' rows are copied from the last run's files, which the manifest indexes,
    # extracted ones' from the spill; Parquet needs every document's values, so it reads them
    # all from their JSON.
    old_rows = PreviousRows(out, the_plan.previous) if the_plan.reused and not parquet else None
    try:
        _write_documents(summaries, writer, old_rows, previous, report, out, temp,
                         None if parquet else spill)
    finally:
        if old_rows is not None:
            old_rows.close()
        (temp / SPILL).unlink()  # not an output; the open file stays readable until closed
    previous.removed({s.doc_id for s in summaries}, report)
    digests = writer.close()
    (temp / DATAPACKAGE).write_bytes(datapackage({n: d for n, d in digests.items() if n.endswith(".csv")}))
    files = {**{name: sha for name, (sha, _) in digests.items()},
             DATAPACKAGE: _sha256((temp / DATAPACKAGE).read_bytes())}
    manifest = Manifest(
        pipeline_version=PIPELINE_VERSION, schema_version=SCHEMA_VERSION,
        files=dict(sorted(files.items(), key=lambda item: _file_order(item[0]))),
        sources=[entry(s.source_path, s.doc_id, s.sha256, s.size, s.source_format, s.issues,
                       s.all_issues, s.counts if not s.run_issues else {}, s.has_records,
                       s.document_sha256 if s.has_records and not s.failed else None)
                 for s in sorted(summaries, key=lambda s: s.source_path)])
    (temp / MANIFEST).write_bytes(manifest.to_bytes())
    # Without a trusted previous run (the first, or outputs changed by hand), nothing in
    # ``out`` can be taken for the new outputs.
    changed = the_plan.previous is None or the_plan.distrusted or _differs(out, temp, summaries, parquet)
    if not changed:
        shutil.rmtree(temp, ignore_errors=True)
        return Outcome(summaries, changed=False)
    changes = report.result()
    (temp / CHANGES).write_bytes(json_bytes(changes))
    carry_unowned(out, temp, OWNED)
    exchange(temp, out)
    return Outcome(summaries, changed=True, changes=changes)


def _write_documents(summaries: list[Summary], writer: Writer, old_rows: PreviousRows | None,
                     previous: PreviousRun, report: ChangeReport, out: Path, temp: Path,
                     spill: BinaryIO | None) -> None:
    """Every document's rows, in doc_id order; what changed goes into the report. Rows are
    copied as bytes: a reused document's from the last run's files, an extracted one's from
    the spill (with ``spill`` None, from its JSON)."""
    for summary in sorted(summaries, key=lambda s: (s.doc_id, s.source_path)):
        if old_rows is not None:
            old_rows.skip_to(summary.doc_id, summary.source_path)
        if old_rows is not None and not summary.extracted and not summary.failed:
            _link_or_copy(out / DOCUMENTS_DIR / f"{summary.doc_id}.json",
                          temp / DOCUMENTS_DIR / f"{summary.doc_id}.json")
            writer.copy(old_rows.take(summary.source_path))
            writer.rows("errors", error_records(summary.doc_id, summary.source_path, summary.all_issues))
            previous.compare(summary, RecordSet(), report)  # its errors only: the records are the same
            continue
        if spill is not None and summary.rows and not summary.failed:
            for name, offset, size in summary.rows:
                spill.seek(offset)
                writer.copy_bytes(name, spill.read(size))
            writer.rows("errors", error_records(summary.doc_id, summary.source_path, summary.all_issues))
            json_path = temp / DOCUMENTS_DIR / f"{summary.doc_id}.json"
            previous.compare(summary, partial(_read_records, json_path), report)
            continue
        records = _records(summary, out, temp)
        writer.document(summary.doc_id, summary.source_path, records, summary.all_issues)
        previous.compare(summary, records, report)


def _read_records(path: Path) -> RecordSet:
    return read_document(path.read_bytes())


def _records(summary: Summary, out: Path, temp: Path) -> RecordSet:
    """A document's records for the record files: from this run's JSON, or the last run's
    (linked into the new outputs). None go out for a document with errors."""
    if summary.failed or not summary.has_records:
        (temp / DOCUMENTS_DIR / f"{summary.doc_id}.json").unlink(missing_ok=True)
        return RecordSet()
    json_path = temp / DOCUMENTS_DIR / f"{summary.doc_id}.json"
    if not summary.extracted:
        _link_or_copy(out / DOCUMENTS_DIR / f"{summary.doc_id}.json", json_path)
    return read_document(json_path.read_bytes())


def _differs(out: Path, temp: Path, summaries: Iterable[Summary], parquet: bool) -> bool:
    """True when the new outputs differ from ``out`` in any file the run owns."""
    if _read(out / MANIFEST) != (temp / MANIFEST).read_bytes():
        return True
    if any(out.glob("*.parquet")) != parquet:
        return True
    fresh = [f"{DOCUMENTS_DIR}/{s.doc_id}.json" for s in summaries if s.extracted and s.has_records]
    return any(_read(out / name) != (temp / name).read_bytes() for name in fresh
               if (temp / name).is_file())


def _opener(folder: Path) -> Callable[[str], BinaryIO]:
    def open_file(name: str) -> BinaryIO:
        return (folder / name).open("wb")

    return open_file


def _file_order(name: str) -> tuple[int, int]:
    """The manifest lists each record type's CSV and JSON Lines files in order, then the package."""
    if name == DATAPACKAGE:
        return (len(RECORD_TYPES), 0)
    stem, _, ext = name.rpartition(".")
    return (list(RECORD_TYPES).index(stem), 0 if ext == "csv" else 1)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # same file system: no bytes copied
    except OSError:
        shutil.copy2(source, target)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None

