"""The last run's outputs as this run reads them: rows to copy and records to compare.

``PreviousRows`` walks the last run's CSV and JSON Lines files in step with its
manifest, so an unchanged document's rows are copied as written; ``PreviousRun``
gives the change report each document's previous records (from its JSON file)
and problems (from its manifest entry).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.changes import ChangeReport, Row, cells
from pipeline.manifest import Entry, Manifest
from pipeline.plan import DOCUMENTS_DIR
from pipeline.sources import duplicate_id_issues
from pipeline.writer import csv_cell, error_records
from schemas.records import RECORD_STEMS, RECORD_TYPES, RecordSet

if TYPE_CHECKING:
    from pipeline.summary import Summary


class PreviousRun:
    """The last run's records of a document, for the change report: its JSON file and the
    issues its manifest entry recorded (with the duplicate-id errors that run found)."""

    def __init__(self, manifest: Manifest | None, out: Path) -> None:
        self._out = out
        self._entries = {e.doc_id: e for e in manifest.sources} if manifest else {}
        self._duplicates = duplicate_id_issues((e.doc_id, e.source_path) for e in
                                               (manifest.sources if manifest else []))

    def compare(self, summary: Summary, records: RecordSet | Callable[[], RecordSet],
                report: ChangeReport) -> None:
        """What changed in one document; ``records`` are those going out, or how to read them
        when they must be compared one by one."""
        doc_id = summary.doc_id
        old = self._entries.get(doc_id)
        new_errors = cells(error_records(doc_id, summary.source_path, summary.all_issues))
        if old is None:  # a new document: counted, not listed
            going_out = summary.has_records and not summary.failed
            for stem in RECORD_STEMS:
                if going_out and summary.counts.get(stem):
                    report.whole(stem, doc_id, "added", summary.counts[stem])
            report.compare("errors", doc_id, [], new_errors)
            return
        if _records_may_differ(summary, old):
            before, after = self._rows(old), records() if callable(records) else records
            for stem in RECORD_STEMS:
                report.compare(stem, doc_id, before.get(stem, []), cells(after.of(stem)))
        old_issues = (*old.issues(), *((self._duplicates[old.source_path],)
                                       if old.source_path in self._duplicates else ()))
        report.compare("errors", doc_id, cells(error_records(doc_id, old.source_path, old_issues)),
                       new_errors)

    def removed(self, doc_ids: set[str], report: ChangeReport) -> None:
        """Documents of the last run that this run no longer has."""
        for doc_id in sorted(set(self._entries) - doc_ids):
            old = self._entries[doc_id]
            counts = {**old.records, "errors": old.errors + old.warnings}
            for stem in RECORD_TYPES:
                if counts.get(stem):
                    report.whole(stem, doc_id, "removed", counts[stem])

    def _rows(self, old: Entry) -> dict[str, list[Row]]:
        """The last run's records of a document as the rows it wrote, read as plain JSON: a
        run under a newer contract (fields added) still compares with them, field by field."""
        path = self._out / DOCUMENTS_DIR / f"{old.doc_id}.json"
        if old.errors or not old.extracted_records or not path.is_file():
            return {}
        try:  # a file changed since that run (the plan then distrusted the outputs) says nothing
            body = json.loads(path.read_bytes())
        except ValueError:
            return {}
        if not isinstance(body, dict):
            return {}
        return {stem: [{name: csv_cell(value) for name, value in record.items()}
                       for record in body.get(stem, [])] for stem in RECORD_STEMS}


def _records_may_differ(summary: Summary, old: Entry) -> bool:
    """Whether a document's records must be compared record by record: not when they were
    reused, nor when this run wrote the very bytes of the last run's JSON (a forced run,
    or new code that changes nothing in this document)."""
    if summary.failed or old.errors:
        return True
    if not summary.extracted:
        return False
    return summary.document_sha256 is None or summary.document_sha256 != old.document_sha256


class PreviousRows:
    """The last run's CSV and JSON Lines files, walked in step with its manifest.

    Rows were written in (doc_id, source_path) order and the manifest says how many
    each document has in each file, so a document's rows are taken by count, as
    written: nothing is parsed (a CSV row ends where its quotes balance).
    """

    def __init__(self, out: Path, manifest: Manifest | None) -> None:
        entries = sorted(manifest.sources if manifest else [], key=lambda e: (e.doc_id, e.source_path))
        self._entries = iter(entries)
        self._next: Entry | None = next(self._entries, None)
        self._files = {name: (out / name).open(encoding="utf-8", newline="")
                       for stem in RECORD_TYPES for name in (f"{stem}.csv", f"{stem}.jsonl")}
        for stem in RECORD_TYPES:
            self._files[f"{stem}.csv"].readline()  # the header

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()

    def skip_to(self, doc_id: str, source_path: str) -> None:
        """Pass over the rows of documents before this one (gone, or written anew)."""
        while self._next is not None and (self._next.doc_id, self._next.source_path) < (doc_id, source_path):
            self._rows(self._next)

    def take(self, source_path: str) -> dict[str, str]:
        """The rows of the document from ``source_path`` (the next one), by file name."""
        assert self._next is not None and self._next.source_path == source_path
        return {name: text for name, text in self._rows(self._next).items() if not name.startswith("errors.")}

    def _rows(self, old: Entry) -> dict[str, str]:
        counts = {**old.records, "errors": old.errors + old.warnings}
        rows = {}
        for stem in RECORD_TYPES:
            n = counts.get(stem, 0)
            rows[f"{stem}.csv"] = "".join(_csv_record(self._files[f"{stem}.csv"]) for _ in range(n))
            rows[f"{stem}.jsonl"] = "".join(self._files[f"{stem}.jsonl"].readline() for _ in range(n))
        self._next = next(self._entries, None)
        return rows


def _csv_record(handle: Any) -> str:
    """One CSV record: a line, and more while a quoted field holds a line break."""
    lines = [handle.readline()]
    quotes = lines[0].count('"')
    while quotes % 2 and lines[-1]:  # an empty read is the end of the file
        lines.append(handle.readline())
        quotes += lines[-1].count('"')
    return "".join(lines)
