"""The one writer of record files: CSV, JSON Lines, per-document JSON and Parquet.

Records go in as typed record sets, or as the rows a worker already serialized
(``row_bytes``), a document at a time in doc_id order, and out as bytes that are
the same whoever writes them: the command line's run streams into files,
``export()`` into memory for tests and small runs.
Files are byte-stable: UTF-8 without BOM, ``\\n`` line endings, rows in
document then record order, no timestamps, no absolute paths.

CSV cells: empty for missing, ``true``/``false`` for booleans, lists joined by
``;``, floats in Python's shortest round-trip form (the same on every platform).
JSON Lines and Parquet keep lists as lists.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, BinaryIO

from pydantic import BaseModel, ConfigDict, create_model
from pydantic_core import to_json

from pipeline import PIPELINE_VERSION
from pipeline.contract import column_names, columns, json_bytes, json_schema
from pipeline.datapackage import datapackage
from pipeline.errors import Issue
from schemas.fields import Record
from schemas.records import RECORD_STEMS, RECORD_TYPES, SCHEMA_VERSION, ErrorRecord, RecordSet

if TYPE_CHECKING:  # the stages load in the workers; a run that extracts nothing never loads them
    from pipeline.validate import ValidatedDoc

DOCUMENTS_DIR = "documents"  # one JSON file per document
DATAPACKAGE = "datapackage.json"
PARQUET_ROW_GROUP = 50_000  # rows buffered per record type before a Parquet row group is written

Opener = Callable[[str], BinaryIO]  # a record file's name -> where its bytes go


class Sink:
    """A text stream into bytes that keeps the sha256 and size of what went through."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        self.write_bytes(text.encode("utf-8"))
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        self.sha256.update(data)
        self.size += len(data)
        self.raw.write(data)


class Writer:
    """Writes every record file of a run, a document at a time; see the module docstring."""

    def __init__(self, opener: Opener, *, parquet: Opener | None = None) -> None:
        self._csv: dict[str, Sink] = {}
        self._jsonl: dict[str, Sink] = {}
        self._parquet = _ParquetFiles(parquet) if parquet is not None else None
        for stem in RECORD_TYPES:
            self._csv[stem] = Sink(opener(f"{stem}.csv"))
            self._jsonl[stem] = Sink(opener(f"{stem}.jsonl"))
            self._csv[stem].write(",".join(column_names(stem)) + "\n")

    def document(self, doc_id: str, source_path: str, records: RecordSet,
                 issues: Sequence[Issue]) -> None:
        """One document's rows in every record file; its problems go to errors."""
        for stem, rows in (*records.items(), ("errors", error_records(doc_id, source_path, issues))):
            self.rows(stem, rows)

    def rows(self, stem: str, records: Sequence[Record]) -> None:
        if not records:
            return
        dumped = [record.model_dump() for record in records]
        self._csv[stem].write(_csv_text(stem, dumped))
        self._jsonl[stem].write(_jsonl_text(records))
        if self._parquet is not None:
            self._parquet.add(stem, dumped)

    def copy(self, texts: dict[str, str]) -> None:
        """Rows as a previous run wrote them, by file name (``table_cells.csv`` ...), as they are."""
        for name, text in texts.items():
            self._sink(name).write(text)

    def copy_bytes(self, name: str, data: bytes) -> None:
        """Rows a worker serialized (``row_bytes``), into the file they name, as they are."""
        self._sink(name).write_bytes(data)

    def _sink(self, name: str) -> Sink:
        stem, _, ext = name.rpartition(".")
        return (self._csv if ext == "csv" else self._jsonl)[stem]

    def close(self) -> dict[str, tuple[str, int]]:
        """Finish the files; the sha256 and size of each CSV and JSON Lines file, by name."""
        if self._parquet is not None:
            self._parquet.close()
        sinks = {**{f"{s}.csv": k for s, k in self._csv.items()},
                 **{f"{s}.jsonl": k for s, k in self._jsonl.items()}}
        for sink in sinks.values():
            sink.raw.close()
        return {name: (sink.sha256.hexdigest(), sink.size) for name, sink in sinks.items()}


def export(docs: Iterable[ValidatedDoc]) -> dict[str, bytes]:
    """All record files of a run, in memory, keyed by their path relative to the output folder:
    the same writer as the command line's run, over the same documents in the same order."""
    buffers: dict[str, io.BytesIO] = {}

    def opener(name: str) -> BinaryIO:
        buffers[name] = _KeptBytesIO()
        return buffers[name]

    ordered = sorted(docs, key=lambda d: (d.doc_id, d.source_path))
    writer = Writer(opener)
    files: dict[str, bytes] = {}
    for doc in ordered:
        writer.document(doc.doc_id, doc.source_path, doc.records, doc.issues)
        if doc.records:
            files[f"{DOCUMENTS_DIR}/{doc.doc_id}.json"] = document_json(doc.doc_id, doc.records, doc.issues,
                                                                         doc.source_path)
    digests = writer.close()
    files.update({name: buffer.getvalue() for name, buffer in buffers.items()})
    files[DATAPACKAGE] = datapackage({n: d for n, d in digests.items() if n.endswith(".csv")})
    return dict(sorted(files.items()))


def row_bytes(records: RecordSet) -> dict[str, bytes]:
    """A document's rows as every CSV and JSON Lines file holds them, by file name: made
    where the document is extracted, so the run's writer only copies bytes."""
    texts: dict[str, bytes] = {}
    for stem, rows in records.items():
        if rows:
            texts[f"{stem}.csv"] = _csv_text(stem, [r.model_dump() for r in rows]).encode("utf-8")
            texts[f"{stem}.jsonl"] = _jsonl_text(rows).encode("utf-8")
    return texts


def _csv_text(stem: str, dumped: Sequence[dict[str, Any]]) -> str:
    names = column_names(stem)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([csv_cell(row[name]) for name in names]
                                                      for row in dumped)
    return buffer.getvalue()


def _jsonl_text(records: Sequence[Record]) -> str:
    return "".join(record.model_dump_json() + "\n" for record in records)


def document_json(doc_id: str, records: RecordSet, issues: Sequence[Issue], source_path: str) -> bytes:
    """``documents/<doc_id>.json``: all of one document's records and problems, indented, numbers
    written as in the JSON Lines files (pydantic's serializer, which is also the fast one)."""
    body: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "pipeline_version": PIPELINE_VERSION,
                            "doc_id": doc_id}
    for stem, rows in (*records.items(), ("errors", error_records(doc_id, source_path, issues))):
        body[stem] = [r.model_dump(mode="json") for r in rows]
    return bytes(to_json(body, indent=2)) + b"\n"


def read_document(content: bytes) -> RecordSet:
    """The records of a ``documents/<doc_id>.json``, validated by the contract in one pass."""
    parsed = _document_file().model_validate_json(content)
    return RecordSet.of_stems({stem: getattr(parsed, stem) for stem in RECORD_STEMS})


@cache
def _document_file() -> type[BaseModel]:
    """A document JSON file's record lists, each typed by its record class."""
    fields: dict[str, Any] = {stem: (tuple[RECORD_TYPES[stem], ...], ...)  # type: ignore[valid-type]
                              for stem in RECORD_STEMS}
    return create_model("DocumentFile", __config__=ConfigDict(extra="ignore"), **fields)


def error_records(doc_id: str, source_path: str, issues: Iterable[Issue]) -> tuple[ErrorRecord, ...]:
    return tuple(ErrorRecord(doc_id=doc_id, source_path=source_path, stage=i.stage, page=i.page, line=i.line,
                             severity=i.severity, message=i.message) for i in issues)


def json_schemas() -> dict[str, bytes]:
    """The JSON Schema of every record type, keyed by file name."""
    return {f"{stem}.schema.json": json_bytes(json_schema(stem)) for stem in RECORD_TYPES}


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


class _KeptBytesIO(io.BytesIO):
    """An in-memory file whose bytes stay readable after it is closed."""

    def close(self) -> None:
        self._kept = self.getvalue()

    def getvalue(self) -> bytes:
        return getattr(self, "_kept", None) or super().getvalue()


class _ParquetFiles:
    """One Parquet file per record type, typed from the contract, lists kept whole."""

    def __init__(self, opener: Opener) -> None:
        import pyarrow as pa  # the optional extra: imported only when Parquet is asked for
        import pyarrow.parquet as pq

        self._pa, self._pq = pa, pq
        self._opener = opener
        self._schemas = {stem: pa.schema([(c.name, _arrow_type(pa, c.kind, c.item_kind))
                                          for c in columns(stem)]) for stem in RECORD_TYPES}
        self._buffers: dict[str, list[dict[str, Any]]] = {stem: [] for stem in RECORD_TYPES}
        self._writers: dict[str, Any] = {}

    def add(self, stem: str, rows: list[dict[str, Any]]) -> None:
        self._buffers[stem].extend(rows)
        if len(self._buffers[stem]) >= PARQUET_ROW_GROUP:
            self._flush(stem)

    def close(self) -> None:
        for stem in RECORD_TYPES:
            self._flush(stem)
            self._writers[stem].close()

    def _flush(self, stem: str) -> None:
        rows = self._buffers[stem]
        if stem not in self._writers:
            self._writers[stem] = self._pq.ParquetWriter(self._opener(f"{stem}.parquet"), self._schemas[stem])
        if rows:
            self._writers[stem].write_table(self._pa.Table.from_pylist(rows, schema=self._schemas[stem]))
        self._buffers[stem] = []


def _arrow_type(pa: Any, kind: str, item_kind: str | None) -> Any:
    scalar = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    if kind == "list":
        return pa.list_(scalar.get(item_kind or "string", pa.string()))
    return scalar.get(kind, pa.string())
