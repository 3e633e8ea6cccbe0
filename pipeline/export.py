"""The export stage: validated documents to file contents (CSV, JSON, JSON Schema).

Pure: it returns ``{relative path: bytes}`` and the entry point writes them.
Files are byte-stable: UTF-8 without BOM, ``\\n`` line endings, rows sorted by
document then in document order, no timestamps, no absolute paths.

CSV cells: empty for missing, ``true``/``false`` for booleans, lists joined by
``;``, floats in Python's shortest round-trip form (the same on every platform).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from pipeline import PIPELINE_VERSION
from pipeline.datapackage import datapackage
from pipeline.errors import Issue
from pipeline.validate import ValidatedDoc
from schemas.records import RECORD_TYPES, SCHEMA_VERSION, ErrorRecord, Record

DOCUMENTS_DIR = "documents"  # one JSON file per document
DATAPACKAGE = "datapackage.json"
SCHEMAS_DIR = "json"  # JSON Schema files, under schemas/


COLUMNS: dict[str, list[str]] = {stem: list(model.model_fields) for stem, model in RECORD_TYPES.items()}


def export(docs: Sequence[ValidatedDoc]) -> dict[str, bytes]:
    """All output files of a run, keyed by their path relative to the output folder.

    The whole-run form, for small runs and tests; the command line streams the same
    rows a document at a time (``csv_rows``) and writes the same bytes.
    """
    ordered = sorted(docs, key=lambda d: (d.doc_id, d.source_path))
    files: dict[str, bytes] = {}
    for stem in RECORD_TYPES:
        if stem == "errors":
            rows: Iterable[Record] = error_records(ordered)
        else:
            rows = (r for d in ordered for r in d.records.of(stem))
        files[f"{stem}.csv"] = to_csv(rows, COLUMNS[stem])
    files["errors.jsonl"] = to_jsonl(error_records(ordered))
    for stem in RECORD_TYPES:
        if stem != "errors":
            files[f"{stem}.jsonl"] = to_jsonl(r for d in ordered for r in d.records.of(stem))
    for doc in ordered:
        if doc.records:
            files[f"{DOCUMENTS_DIR}/{doc.doc_id}.json"] = document_json(doc)
    files[DATAPACKAGE] = datapackage({name: (hashlib.sha256(content).hexdigest(), len(content))
                                      for name, content in files.items() if name.endswith(".csv")})
    return files


def to_jsonl(records: Iterable[Record]) -> bytes:
    """JSON Lines written by Pydantic: lists as lists, numbers as numbers, one record a line."""
    return "".join(jsonl_line(r) for r in records).encode("utf-8")


def jsonl_line(record: Record) -> str:
    return record.model_dump_json() + "\n"


def json_schemas() -> dict[str, bytes]:
    """The JSON Schema of every record type, keyed by file name."""
    return {
        f"{stem}.schema.json": json_bytes(
            {"$comment": f"schema version {SCHEMA_VERSION}", **model.model_json_schema()}
        )
        for stem, model in RECORD_TYPES.items()
    }


def error_records(docs: Iterable[ValidatedDoc]) -> list[ErrorRecord]:
    return [error_record(doc, issue) for doc in docs for issue in doc.issues]


def error_record(doc: ValidatedDoc, issue: Issue) -> ErrorRecord:
    return ErrorRecord(
        doc_id=doc.doc_id,
        source_path=doc.source_path,
        stage=issue.stage,
        line=issue.line,
        severity=issue.severity,
        message=issue.message,
    )


def to_csv(records: Iterable[Record], columns: list[str]) -> bytes:
    return (csv_header(columns) + csv_rows([r.__dict__ for r in records], columns)).encode("utf-8")


def csv_header(columns: Sequence[str]) -> str:
    return ",".join(columns) + "\n"


def csv_rows(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV text for rows (records' fields, or the same fields read back from JSON).

    The csv module rather than pandas: a catalog's outputs are written a document at
    a time (streamed), and one DataFrame per document would cost more than the
    extraction itself. The dialect is the one pandas' ``to_csv`` writes (minimal
    quoting, ``\n`` line ends), so the bytes are the same either way.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([csv_cell(row[c]) for c in columns] for row in rows)
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(csv_cell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def document_json(doc: ValidatedDoc) -> bytes:
    body: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "pipeline_version": PIPELINE_VERSION,
        "doc_id": doc.doc_id,
    }
    for stem in RECORD_TYPES:
        if stem == "errors":
            body[stem] = [r.model_dump(mode="json") for r in error_records([doc])]
        else:
            body[stem] = [r.model_dump(mode="json") for r in doc.records.of(stem)]
    return json_bytes(body)


def json_bytes(data: Any) -> bytes:
    """Indented UTF-8 JSON with a final newline: how every JSON output is written."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
