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

import csv
import filecmp
import hashlib
import io
import json
import os
import shutil
import sys
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from pipeline import PIPELINE_VERSION
from pipeline.changes import ChangeReport, diff_streams, read_rows, summary_lines
from pipeline.datapackage import datapackage
from pipeline.errors import Issue
from pipeline.export import (
    COLUMNS,
    DATAPACKAGE,
    DOCUMENTS_DIR,
    csv_header,
    csv_rows,
    json_bytes,
    jsonl_line,
)
from pipeline.manifest import (
    CODE_FINGERPRINT,
    MANIFEST,
    file_sha256,
    read_manifest,
    reusable,
    untouched,
)
from pipeline.sources import discover, display_path, duplicate_id_issues, fallback_id, too_large
from pipeline.store import carry_unowned, exchange, locked, new_temp, recover
from schemas.records import RECORD_TYPES, SCHEMA_VERSION, ErrorRecord

CHANGES = "changes.json"
# Files a run owns in the output folder; anything else there (a review site) is carried over.
OWNED = ("*.csv", "*.jsonl", "*.parquet", f"{DOCUMENTS_DIR}/*.json", MANIFEST, CHANGES,
         DATAPACKAGE)
SCRATCH = ".scratch"  # inside the temporary folder: extracted documents before they are named
# Starting workers costs about as much as extracting this many documents in-process.
MIN_PARALLEL_TASKS = 40
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


def run(sources: Path, out: Path, *, jobs: int = 1, force: bool = False,
        parquet: bool = False) -> Outcome:
    """Bring ``out`` up to date with ``sources``; see the module docstring.

    With ``parquet``, a typed ``<stem>.parquet`` goes beside each CSV file; a later
    run without it that rewrites the outputs leaves them out.
    """
    with locked(out):
        recover(out)
        manifest = _read(out / MANIFEST)
        entries = {} if force else read_manifest(manifest)
        if entries and not untouched(out, manifest):
            print(f"{display_path(out)}/ is not as the last run left it (a file changed or "
                  "missing): extracting every source again", file=sys.stderr)
            entries = {}
        found = [_find(path) for path in discover(sources)]
        parquet_ready = not parquet or all((out / f"{s}.parquet").is_file() for s in RECORD_TYPES)
        if entries and parquet_ready and set(entries) == {f.source_path for f in found} and all(
                f.refusal is None and reusable(entries[f.source_path], f.sha256) for f in found):
            return _unchanged(entries, out)
        temp = new_temp(out)
        try:
            summaries = _summaries(found, entries, out, temp, jobs)
            written = _finish(summaries, out, temp, parquet=parquet)
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
                and (not entry or not entry.get("extracted_records")
                     or (old_json is not None and old_json.is_file()))):
            assert entry is not None
            by_path[source.source_path] = _from_entry(entry, old_json)
        elif source.refusal is not None:
            by_path[source.source_path] = Summary(
                source.source_path, fallback_id(source.source_path), source.sha256, source.size,
                "", (source.refusal,), extracted=True)
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
        if jobs > 1 and len(tasks) >= MIN_PARALLEL_TASKS:
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


def extract(data: bytes, source_path: str) -> Any:
    """The stages, imported on first use: a run that reuses everything never loads a parser."""
    from pipeline.run import extract as extract_stages

    return extract_stages(data, source_path)


def extract_task(task: tuple[int, Path, str, str]) -> tuple[Summary, str | None]:
    """Extract one source (in a worker); write its document JSON and CSV rows to scratch."""
    from pipeline.export import document_json
    from pipeline.run import refused

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
        rows = {stem: [csv_rows([r.__dict__ for r in doc.records.of(stem)], COLUMNS[stem]),
                       "".join(jsonl_line(r) for r in doc.records.of(stem))]
                for stem in RECORD_STEMS}
        json_path.with_suffix(".rows").write_text(json.dumps(rows), "utf-8")
    counts = {stem: len(doc.records.of(stem)) for stem in RECORD_STEMS}
    summary = Summary(source_path, doc.doc_id, doc.source_sha256, doc.size, doc.source_format,
                      doc.issues, counts, json_path, extracted=True)
    return summary, trace


def _finish(summaries: list[Summary], out: Path, temp: Path, *, parquet: bool) -> Outcome:
    """Write the new outputs into ``temp`` in one pass, building the change report as it goes;
    swap them in if anything differs."""
    written = mark_duplicates(summaries)
    ordered = sorted(written, key=lambda s: (s.doc_id, s.source_path))
    old_ids = {e["doc_id"] for e in read_manifest(_read(out / MANIFEST)).values()}
    report = ChangeReport()
    (temp / DOCUMENTS_DIR).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        def sink(name: str) -> TextIO:
            return stack.enter_context((temp / name).open("w", encoding="utf-8", newline=""))

        sinks = {stem: (sink(f"{stem}.csv"), sink(f"{stem}.jsonl")) for stem in RECORD_TYPES}
        previous = {stem: (_Previous(out / f"{stem}.csv", stack, stem, report),
                           _Previous(out / f"{stem}.jsonl", stack)) for stem in RECORD_TYPES}
        for stem, (csv_sink, _) in sinks.items():
            csv_sink.write(csv_header(COLUMNS[stem]))
        for summary in ordered:
            _write_document(summary, temp, sinks, previous, report,
                            new_document=summary.doc_id not in old_ids)
        for old_rows, old_lines in previous.values():
            old_rows.drain()
            old_lines.drain()
    (temp / DATAPACKAGE).write_bytes(datapackage({
        f"{stem}.csv": _digest(temp / f"{stem}.csv") for stem in RECORD_TYPES}))
    listed = [f"{stem}.{ext}" for stem in RECORD_TYPES for ext in ("csv", "jsonl")] + [DATAPACKAGE]
    files = {name: file_sha256(temp / name) for name in listed}
    (temp / MANIFEST).write_bytes(manifest_bytes(summaries, written, files))
    if parquet:
        from pipeline.parquet import write_parquet

        write_parquet(temp)
    shutil.rmtree(temp / SCRATCH, ignore_errors=True)
    for summary in written:
        _report_line(summary)
    changed = not _same_owned(out, temp, written)
    if changed:
        changes = report.result()
        (temp / CHANGES).write_bytes(json_bytes(changes))
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


class _Previous:
    """A previous output file, handed out a document at a time, as raw text, in doc_id order.

    Rows are never parsed to be copied: a CSV row ends where its double quotes balance
    (the writer quotes any field with a line break and doubles quotes inside one), and
    both formats start each row with the doc_id, which holds no comma and no quote.
    Given a stem and a report, documents passed over (gone from this run) are reported
    as removed.
    """

    def __init__(self, path: Path, stack: ExitStack, stem: str | None = None,
                 report: ChangeReport | None = None) -> None:
        self._stem, self._report = stem, report
        self.header: list[str] = []
        self._groups: Iterator[tuple[str, Iterator[str]]] = iter(())
        if path.is_file():
            handle = stack.enter_context(path.open(encoding="utf-8", newline=""))
            if path.suffix == ".csv":
                self.header = next(csv.reader([next(handle, "")]), [])
                self._groups = groupby(_csv_records(handle), key=lambda r: r[: r.index(",")])
            else:
                self._groups = groupby(handle, key=lambda line: line[11 : line.index('"', 11)])
        self._current: tuple[str, list[str]] | None = None

    def take(self, doc_id: str) -> list[str]:
        """The raw rows of ``doc_id``; documents before it in the file are passed over."""
        while self._current is None or self._current[0] < doc_id:
            if self._current is not None:
                self._passed_over(*self._current)
            group = next(self._groups, None)
            if group is None:
                self._current = ("\uffff", [])  # past every doc_id
                return []
            self._current = (group[0], list(group[1]))
        if self._current[0] != doc_id:
            return []
        rows = self._current[1]
        self._current = None
        return rows

    def rows(self, raw: list[str]) -> list[dict[str, str]]:
        """Raw CSV rows as dicts under this file's own header."""
        return [dict(zip(self.header, row, strict=True)) for row in csv.reader(io.StringIO("".join(raw)))]

    def drain(self) -> None:
        """Report the documents after the last one this run wrote."""
        if self._current is not None and self._current[0] != "\uffff":
            self._passed_over(*self._current)
        for doc_id, group in self._groups:
            self._passed_over(doc_id, list(group))

    def _passed_over(self, doc_id: str, raw: list[str]) -> None:
        if self._report is not None and self._stem is not None and raw:
            self._report.whole(self._stem, doc_id, "removed", len(raw))


def _csv_records(handle: TextIO) -> Iterator[str]:
    pending = ""
    for line in handle:
        pending += line
        if pending.count('"') % 2 == 0:
            yield pending
            pending = ""


def _write_document(summary: Summary, temp: Path, sinks: dict[str, tuple[TextIO, TextIO]],
                    previous: dict[str, tuple[_Previous, _Previous]], report: ChangeReport,
                    *, new_document: bool) -> None:
    """One document's JSON and rows, from this run's scratch or copied from the last run;
    what changed goes into the report."""
    doc_id = summary.doc_id
    writes = summary.json_path is not None and not summary.failed
    fragments: dict[str, list[str]] = {}
    if writes and summary.extracted:
        assert summary.json_path is not None
        summary.json_path.rename(temp / DOCUMENTS_DIR / f"{doc_id}.json")
        fragments = json.loads(summary.json_path.with_suffix(".rows").read_text("utf-8"))
    elif writes:
        assert summary.json_path is not None
        _link_or_copy(summary.json_path, temp / DOCUMENTS_DIR / f"{doc_id}.json")
    errors = [ErrorRecord(doc_id=doc_id, source_path=summary.source_path, stage=i.stage,
                          line=i.line, severity=i.severity, message=i.message)
              for i in summary.issues]
    fragments["errors"] = [csv_rows([e.__dict__ for e in errors], COLUMNS["errors"]),
                           "".join(jsonl_line(e) for e in errors)]
    for stem in RECORD_TYPES:
        old_rows, old_lines = previous[stem]
        old_raw, old_jsonl = old_rows.take(doc_id), old_lines.take(doc_id)
        csv_sink, jsonl_sink = sinks[stem]
        if stem in fragments:
            csv_text, jsonl_text = fragments[stem]
            csv_sink.write(csv_text)
            jsonl_sink.write(jsonl_text)
            new_rows = [dict(zip(COLUMNS[stem], row, strict=True))
                        for row in csv.reader(io.StringIO(csv_text))]
            if new_document:
                report.compare(stem, doc_id, [], new_rows)
            elif summary.extracted or stem == "errors":
                report.compare(stem, doc_id, old_rows.rows(old_raw), new_rows)
        elif writes:  # reused: the previous rows, byte for byte
            csv_sink.writelines(old_raw)
            jsonl_sink.writelines(old_jsonl)
        else:  # withheld now
            report.compare(stem, doc_id, old_rows.rows(old_raw), [])


def _digest(path: Path) -> tuple[str, int]:
    return file_sha256(path), path.stat().st_size


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # same file system: no bytes copied
    except OSError:
        shutil.copy2(source, target)


def mark_duplicates(summaries: list[Summary]) -> list[Summary]:
    """Two sources with one doc_id: both get an error and neither's records go out."""
    issues = duplicate_id_issues((s.doc_id, s.source_path) for s in summaries)
    return [replace(s, issues=(*s.issues, issues[s.source_path]), counts={})
            if s.source_path in issues else s for s in summaries]


def manifest_bytes(before: list[Summary], after: list[Summary], files: dict[str, str]) -> bytes:
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
    # One source per line, each line by the C encoder: readable, diff-friendly and fast at scale.
    head = json.dumps({"pipeline_version": PIPELINE_VERSION, "schema_version": SCHEMA_VERSION,
                       "files": files}, ensure_ascii=False, indent=2)
    lines = ",\n".join("    " + json.dumps(e, ensure_ascii=False, separators=(", ", ": "))
                        for e in entries)
    return f'{head[:-2]},\n  "sources": [\n{lines}\n  ]\n}}\n'.encode()


def _report_line(summary: Summary) -> None:
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


def diff_folders(old: Path, new: Path, focus: set[str] | None = None) -> dict[str, Any]:
    """The change report between two output folders, read a document at a time.

    ``focus`` limits the comparison to those doc_ids (the documents a run extracted,
    added or removed); the rows of every other document are the same bytes.
    """
    with ExitStack() as stack:
        def rows(folder: Path, stem: str) -> Iterator[dict[str, str]]:
            path = folder / f"{stem}.csv"
            if not path.is_file():
                return iter(())
            handle = stack.enter_context(path.open(encoding="utf-8", newline=""))
            if focus is None:
                return read_rows(handle)
            reader = csv.reader(handle)
            header = next(reader, [])
            # Filter on the raw doc_id column before any row becomes a dict: most rows are skipped.
            return (dict(zip(header, row, strict=True)) for row in reader if row[0] in focus)

        return diff_streams({stem: rows(old, stem) for stem in RECORD_TYPES},
                            {stem: rows(new, stem) for stem in RECORD_TYPES})


def _same_owned(out: Path, temp: Path, written: list[Summary]) -> bool:
    """True when ``temp`` holds the same owned files, byte for byte, as ``out`` (bar changes.json).

    Reused documents' JSON files are the previous files themselves, so only the
    extracted ones are compared.
    """
    def owned(folder: Path) -> set[str]:
        if not folder.is_dir():
            return set()
        return {p.relative_to(folder).as_posix() for pattern in OWNED for p in folder.glob(pattern)
                if p.is_file() and p.name != CHANGES}

    names = owned(out)
    if names != owned(temp):
        return False
    fresh_json = {f"{DOCUMENTS_DIR}/{s.doc_id}.json" for s in written if s.extracted}
    compare = sorted(n for n in names if not n.startswith(f"{DOCUMENTS_DIR}/") or n in fresh_json)
    return all(filecmp.cmp(out / n, temp / n, shallow=False) for n in compare)


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


def _tick(progress: tqdm[Any], result: tuple[Summary, str | None], errors: int) -> int:
    failed = int(result[0].failed)
    progress.update(1)
    progress.set_postfix(errors=errors + failed, refresh=False)
    return failed


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
