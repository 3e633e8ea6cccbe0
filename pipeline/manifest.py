"""The run manifest: per source, what was read and what it gave; the key to incremental runs.

``outputs/manifest.json`` lists every source, sorted by path, with its doc_id,
hash, size, format, record counts per type, error and warning counts, the issues
its extraction found (before the run-level duplicate-id check), and the
pipeline and schema versions that produced it. No timestamps: the same run
writes the same bytes.

A source is reused from the previous outputs when its bytes' hash and both
versions match its entry: its records come back from ``documents/<doc_id>.json``
(built without re-validation: they were validated when written, by the same
schema version) and its issues from the entry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pipeline import PIPELINE_VERSION
from pipeline.errors import Issue
from pipeline.validate import ValidatedDoc
from schemas.records import RECORD_TYPES, SCHEMA_VERSION, Record

MANIFEST = "manifest.json"


def build_manifest(extracted: Sequence[ValidatedDoc], written: Sequence[ValidatedDoc]) -> bytes:
    """The manifest for one run: ``extracted`` before the duplicate-id check, ``written`` after."""
    entries = []
    for before, after in sorted(zip(extracted, written, strict=True),
                                key=lambda pair: pair[0].source_path):
        entries.append({
            "source_path": before.source_path,
            "doc_id": before.doc_id,
            "source_sha256": before.source_sha256,
            "size": before.size,
            "source_format": before.source_format,
            "records": {stem: len(after.records.get(stem, [])) for stem in RECORD_TYPES
                        if stem != "errors"},
            "errors": sum(i.severity == "error" for i in after.issues),
            "warnings": sum(i.severity == "warning" for i in after.issues),
            "extraction_issues": [[i.stage, i.severity, i.line, i.message] for i in before.issues],
            "extracted_records": bool(before.records),
            "pipeline_version": PIPELINE_VERSION,
            "schema_version": SCHEMA_VERSION,
        })
    body = {"pipeline_version": PIPELINE_VERSION, "schema_version": SCHEMA_VERSION,
            "sources": entries}
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_manifest(content: bytes | None) -> dict[str, dict[str, Any]]:
    """Manifest entries by source path; empty for a missing or unreadable manifest."""
    if not content:
        return {}
    try:
        body = json.loads(content)
        return {entry["source_path"]: entry for entry in body["sources"]}
    except (ValueError, KeyError, TypeError):
        return {}  # an unreadable manifest only costs a full run


def reusable(entry: dict[str, Any] | None, sha256: str) -> bool:
    return (entry is not None and entry.get("source_sha256") == sha256
            and entry.get("pipeline_version") == PIPELINE_VERSION
            and entry.get("schema_version") == SCHEMA_VERSION)


def cached_doc(entry: dict[str, Any], document_json: bytes | None) -> ValidatedDoc | None:
    """The extraction result a manifest entry and its document JSON stand for, if complete."""
    records: dict[str, list[Record]] = {}
    if entry.get("extracted_records"):
        if document_json is None:
            return None  # withheld last time (a duplicate id): extract again
        body = json.loads(document_json)
        records = {stem: [model.model_construct(**row) for row in body.get(stem, [])]
                   for stem, model in RECORD_TYPES.items() if stem != "errors"}
    issues = tuple(Issue(stage, severity, message=message, line=line)
                   for stage, severity, line, message in entry["extraction_issues"])
    return ValidatedDoc(entry["doc_id"], entry["source_path"], records, issues,
                        entry["source_sha256"], entry["size"], entry["source_format"])
