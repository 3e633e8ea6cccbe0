"""One run over a folder of sources, incremental and streamed.

The command line's ``run``: it hashes every source, reuses what the manifest
says is unchanged, extracts the rest (in worker processes when asked), and
writes the complete new outputs into a temporary folder that is then swapped
in atomically (``pipeline/store.py``).

Memory stays flat as the catalog grows: a worker writes each extracted
document's JSON to a scratch folder and hands back only a summary; the CSV
files are then written a document at a time from those JSON files (or from the
previous run's, for reused documents); the change report compares the old and
new CSV files a document at a time.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import sys
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from pipeline import PIPELINE_VERSION
from pipeline.changes import diff_streams, read_rows, summary_lines
from pipeline.errors import Issue
from pipeline.export import (
    COLUMNS,
    DOCUMENTS_DIR,
    csv_header,
    csv_rows,
    document_json,
)
from pipeline.manifest import CODE_FINGERPRINT, MANIFEST, read_manifest, reusable
from pipeline.run import discover, display_path, duplicate_id_issues, extract, refused, too_large
from pipeline.store import carry_unowned, exchange, locked, new_temp, recover
from schemas.records import RECORD_TYPES, SCHEMA_VERSION

CHANGES = "changes.json"
# Files a run owns in the output folder; anything else there (a review site) is carried over.
OWNED = ("*.csv", f"{DOCUMENTS_DIR}/*.json", MANIFEST, CHANGES)
SCRATCH = ".scratch"  # inside the temporary folder: extracted documents before they are named
BATCH_PER_JOB = 16  # tasks in flight per worker: keeps workers busy without queueing the catalog
RECORD_STEMS = [stem for stem in RECORD_TYPES if stem != "errors"]


@dataclass(frozen=True, slots=True)
class Found:
    """A source file as discovered: where it is and what its bytes hash to."""

    path: Path
    source_path: str
    sha256: str
    size: int
    refusal: Issue | None = None  # over the size limit, or unreadable: never extracted


@dataclass(frozen=True, slots=True)
class Summary:
    """What the run keeps in memory of one document; its records stay on disk."""

    source_path: str
    doc_id: str
    sha256: str
    size: int
    source_format: str
    issues: tuple[Issue, ...]  # the extraction's own, before the duplicate-id check
    counts: dict[str, int] = field(default_factory=dict)
    json_path: Path | None = None  # its document JSON, when it has records
    extracted: bool = False  # extracted in this run, not reused

    @property
    def failed(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


@dataclass(frozen=True, slots=True)
class Outcome:
    documents: int
    extracted: int
    failed: int
    warnings: int
    changed: bool


def run(sources: Path, out: Path, *, jobs: int = 1, force: bool = False) -> Outcome:
    """Bring ``out`` up to date with ``sources``; see the module docstring."""
    with locked(out):
        recover(out)
        entries = {} if force else read_manifest(_read(out / MANIFEST))
        found = [_find(path) for path in discover(sources)]
        if entries and set(entries) == {f.source_path for f in found} and all(
                f.refusal is None and reusable(entries[f.source_path], f.sha256) for f in found):
            return _unchanged(entries, out)
        temp = new_temp(out)
        try:
            summaries = _summaries(found, entries, out, temp, jobs)
            written = _finish(summaries, out, temp)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        return written


def _summaries(found: list[Found], entries: dict[str, dict[str, Any]], out: Path, temp: Path,
               jobs: int) -> list[Summary]:
    """A summary per source: reused from the manifest, or extracted now."""
    by_path: dict[str, Summary] = {}
    todo: list[tuple[int, Found]] = []
    for index, source in enumerate(found):
        entry = entries.get(source.source_path)
        old_json = out / DOCUMENTS_DIR / f"{entry['doc_id']}.json" if entry else None
        if (source.refusal is None and reusable(entry, source.sha256)
                and (not entry or not entry.get("extracted_records") or old_json.is_file())):
            assert entry is not None
            by_path[source.source_path] = _from_entry(entry, old_json)
        elif source.refusal is not None:
            doc = refused(source.source_path, source.refusal, "", source.size)
            by_path[source.source_path] = Summary(source.source_path, doc.doc_id, source.sha256,
                                                  source.size, "", doc.issues, extracted=True)
        else:
            todo.append((index, source))
    scratch = temp / SCRATCH
    scratch.mkdir(parents=True, exist_ok=True)
    for summary, trace in _extract_stream(todo, scratch, jobs):
        if trace is not None:
            sys.stderr.write(trace)
        by_path[summary.source_path] = summary
    return [by_path[f.source_path] for f in found]


def _extract_stream(todo: list[tuple[int, Found]], scratch: Path,
                    jobs: int) -> Iterator[tuple[Summary, str | None]]:
    """Extract in order; with several jobs, a bounded number of tasks in flight."""
    tasks = [(index, f.path, f.source_path, str(scratch)) for index, f in todo]
    progress = tqdm(total=len(tasks), unit="doc", disable=not interactive(), file=sys.stderr,
                    dynamic_ncols=True)
    errors = 0
    try:
        if jobs > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                window = jobs * BATCH_PER_JOB
                pending: list[Future[tuple[Summary, str | None]]] = []
                for task in tasks:
                    pending.append(pool.submit(extract_task, task))
                    if len(pending) >= window:
                        result = pending.pop(0).result()
                        errors += _tick(progress, result, errors)
                        yield result
                for future in pending:
                    result = future.result()
                    errors += _tick(progress, result, errors)
                    yield result
        else:
            for task in tasks:
                result = extract_task(task)
                errors += _tick(progress, result, errors)
                yield result
    finally:
        progress.close()


def extract_task(task: tuple[int, Path, str, str]) -> tuple[Summary, str | None]:
    """Extract one source and write its document JSON to the scratch folder (in a worker)."""
    index, path, source_path, scratch = task
    data = path.read_bytes()
    trace = None
    try:
        doc = extract(data, source_path)
    except Exception as exc:  # a pipeline bug: say so loudly, keep the run going
        issue = Issue("internal", "error", f"pipeline bug while reading this file: {exc!r}")
        doc = refused(source_path, issue, hashlib.sha256(data).hexdigest(), len(data))
        trace = traceback.format_exc()
    json_path = None
    if doc.records:
        json_path = Path(scratch) / f"{index}.json"
        json_path.write_bytes(document_json(doc))
    counts = {stem: len(doc.records.get(stem, [])) for stem in RECORD_STEMS}
    summary = Summary(source_path, doc.doc_id, doc.source_sha256, doc.size, doc.source_format,
                      doc.issues, counts, json_path, extracted=True)
    return summary, trace


def _finish(summaries: list[Summary], out: Path, temp: Path) -> Outcome:
    """Write the new outputs into ``temp``; swap them in if anything differs."""
    written = mark_duplicates(summaries)
    ordered = sorted(written, key=lambda s: (s.doc_id, s.source_path))
    (temp / DOCUMENTS_DIR).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        csv_files: dict[str, TextIO] = {}
        for stem in RECORD_TYPES:
            handle = stack.enter_context((temp / f"{stem}.csv").open("w", encoding="utf-8",
                                                                   newline=""))
            handle.write(csv_header(COLUMNS[stem]))
            csv_files[stem] = handle
        for summary in ordered:
            _write_document(summary, temp, csv_files)
    (temp / MANIFEST).write_bytes(manifest_bytes(summaries, written))
    shutil.rmtree(temp / SCRATCH, ignore_errors=True)
    for summary in written:
        report(summary)
    changed = not _same_owned(out, temp)
    if changed:
        changes = _changes(out, temp)
        (temp / CHANGES).write_bytes(_json_bytes(changes))
        carry_unowned(out, temp, OWNED)
        exchange(temp, out)
        for line in summary_lines(changes):
            print(f"changed: {line}")
    else:
        shutil.rmtree(temp, ignore_errors=True)
        print(f"outputs unchanged; {display_path(out)}/ left as it was")
    failed = sum(s.failed for s in written)
    warnings = sum(i.severity == "warning" for s in written for i in s.issues)
    extracted = sum(s.extracted for s in written)
    return Outcome(len(written), extracted, failed, warnings, changed)


def _write_document(summary: Summary, temp: Path, csv_files: dict[str, TextIO]) -> None:
    if summary.json_path is not None and not summary.failed:
        target = temp / DOCUMENTS_DIR / f"{summary.doc_id}.json"
        content = summary.json_path.read_bytes()
        target.write_bytes(content)
        body = json.loads(content)
        for stem in RECORD_STEMS:
            csv_files[stem].write(csv_rows(body.get(stem, []), COLUMNS[stem]))
    errors = [{"doc_id": summary.doc_id, "source_path": summary.source_path, "stage": i.stage,
               "line": i.line, "severity": i.severity, "message": i.message}
              for i in summary.issues]
    csv_files["errors"].write(csv_rows(errors, COLUMNS["errors"]))


def mark_duplicates(summaries: list[Summary]) -> list[Summary]:
    """Two sources with one doc_id: both get an error and neither's records go out."""
    issues = duplicate_id_issues((s.doc_id, s.source_path) for s in summaries)
    return [replace(s, issues=(*s.issues, issues[s.source_path]), counts={})
            if s.source_path in issues else s for s in summaries]


def manifest_bytes(before: list[Summary], after: list[Summary]) -> bytes:
    """``outputs/manifest.json``: per source, sorted by path; no timestamps."""
    entries = []
    for b, a in sorted(zip(before, after, strict=True), key=lambda pair: pair[0].source_path):
        entries.append({
            "source_path": b.source_path,
            "doc_id": b.doc_id,
            "source_sha256": b.sha256,
            "size": b.size,
            "source_format": b.source_format,
            "records": {stem: a.counts.get(stem, 0) for stem in RECORD_STEMS},
            "errors": sum(i.severity == "error" for i in a.issues),
            "warnings": sum(i.severity == "warning" for i in a.issues),
            "extraction_issues": [[i.stage, i.severity, i.line, i.message] for i in b.issues],
            "extracted_records": b.json_path is not None,
            "pipeline_version": PIPELINE_VERSION,
            "schema_version": SCHEMA_VERSION,
            "code_fingerprint": CODE_FINGERPRINT,
        })
    body = {"pipeline_version": PIPELINE_VERSION, "schema_version": SCHEMA_VERSION,
            "sources": entries}
    return _json_bytes(body)


def report(summary: Summary) -> None:
    """One line per document (plain output only), and its problems on stderr."""
    if not interactive():
        counts = " ".join(f"{stem}={n}" for stem, n in summary.counts.items() if stem != "documents")
        status = "FAILED" if summary.failed else "ok"
        same = "" if summary.extracted else " (unchanged)"
        print(f"{status:6} {summary.source_path} -> {summary.doc_id} {counts}{same}".rstrip())
    for issue in summary.issues:
        where = f":{issue.line}" if issue.line else ""
        print(f"{issue.severity}: {summary.source_path}{where}: {issue.message}", file=sys.stderr)


def interactive() -> bool:
    """A progress bar on a terminal; plain lines in CI or when piped."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def diff_folders(old: Path, new: Path) -> dict[str, Any]:
    """The change report between two output folders, read a document at a time."""
    with ExitStack() as stack:
        def rows(folder: Path, stem: str) -> Iterator[dict[str, str]]:
            path = folder / f"{stem}.csv"
            if not path.is_file():
                return iter(())
            return read_rows(stack.enter_context(path.open(encoding="utf-8", newline="")))

        return diff_streams({stem: rows(old, stem) for stem in RECORD_TYPES},
                            {stem: rows(new, stem) for stem in RECORD_TYPES})


def _changes(out: Path, temp: Path) -> dict[str, Any]:
    return diff_folders(out, temp)


def _same_owned(out: Path, temp: Path) -> bool:
    """True when ``temp`` holds the same owned files, byte for byte, as ``out`` (bar changes.json)."""
    def owned(folder: Path) -> set[str]:
        if not folder.is_dir():
            return set()
        return {p.relative_to(folder).as_posix() for pattern in OWNED for p in folder.glob(pattern)
                if p.is_file() and p.name != CHANGES}

    names = owned(out)
    if names != owned(temp):
        return False
    return all(filecmp.cmp(out / n, temp / n, shallow=False) for n in sorted(names))


def _find(path: Path) -> Found:
    """A source's hash and size; a file over the size limit, or unreadable, is refused unread."""
    source_path = display_path(path)
    try:
        size = path.stat().st_size
        issue = too_large(size)
        if issue is not None:
            return Found(path, source_path, f"unread:{size}", size, issue)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        issue = Issue("read", "error", f"the file cannot be read: {exc.strerror}")
        return Found(path, source_path, "unreadable", 0, issue)
    return Found(path, source_path, digest, size)


def _from_entry(entry: dict[str, Any], json_path: Path | None) -> Summary:
    issues = tuple(Issue(stage, severity, message, line)
                   for stage, severity, line, message in entry["extraction_issues"])
    return Summary(entry["source_path"], entry["doc_id"], entry["source_sha256"], entry["size"],
                   entry["source_format"], issues, dict(entry["records"]),
                   json_path if entry.get("extracted_records") else None)


def _unchanged(entries: dict[str, dict[str, Any]], out: Path) -> Outcome:
    failed = 0
    warnings = 0
    for entry in sorted(entries.values(), key=lambda e: e["source_path"]):
        failed += bool(entry["errors"])
        warnings += entry["warnings"]
        if entry["errors"]:
            print(f"error: {entry['source_path']}: {entry['errors']} errors (see errors.csv)",
                  file=sys.stderr)
    print(f"nothing changed: {len(entries)} documents; {display_path(out)}/ left as it was")
    return Outcome(len(entries), 0, failed, warnings, changed=False)


def _tick(progress: tqdm, result: tuple[Summary, str | None], errors: int) -> int:
    failed = int(result[0].failed)
    progress.update(1)
    progress.set_postfix(errors=errors + failed, refresh=False)
    return failed


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

