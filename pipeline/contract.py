"""The output contract as the rest of the pipeline reads it: one reading of the models.

``schemas/records.py`` says everything once: fields with their types and
descriptions, and on each class its file, primary key, change-report key and
foreign keys. This module turns that into what validation, the change report,
the data package, the data dictionary, Parquet and the JSON Schema files need,
so none of them walks the models or repeats a key of its own.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.errors import Issue
from schemas.fields import ForeignKey, Record
from schemas.records import RECORD_STEMS, RECORD_TYPES, SCHEMA_VERSION, RecordSet

SCALAR_KINDS = ("string", "integer", "number", "boolean")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a record type, read from its model's JSON Schema."""

    name: str
    kind: str  # string, integer, number, boolean or list
    description: str
    nullable: bool  # an empty cell is allowed
    required: bool  # never empty: not nullable, and not a string or list that may be empty
    item_kind: str | None = None  # the kind of a list's items
    enum: tuple[Any, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None


@cache
def columns(stem: str) -> tuple[Column, ...]:
    """The columns of a record type, in file order."""
    schema = RECORD_TYPES[stem].model_json_schema()
    required = set(schema.get("required", []))
    return tuple(_column(name, prop, name in required) for name, prop in schema["properties"].items())


def column_names(stem: str) -> list[str]:
    return [c.name for c in columns(stem)]


def json_schema(stem: str) -> dict[str, Any]:
    """A record type's JSON Schema as written to ``schemas/json/<stem>.schema.json``."""
    return {"$comment": f"schema version {SCHEMA_VERSION}", **RECORD_TYPES[stem].model_json_schema()}


def key_of(record: Record, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(record, f) for f in fields)


def key_issues(records: RecordSet) -> Iterator[Issue]:
    """One document's records against the contract's keys: every primary key unique, every
    foreign key (that is filled in) pointing at a record of the same document."""
    for stem in RECORD_STEMS:
        key = RECORD_TYPES[stem].primary_key
        if key is None:
            continue
        counts = Counter(key_of(r, key[1:]) for r in records.of(stem))  # doc_id is the same
        for value, n in sorted(counts.items(), key=str):
            if n > 1:
                yield Issue("validate", "error", f"{stem} key {value} appears {n} times")
    for stem in RECORD_STEMS:
        for foreign in RECORD_TYPES[stem].foreign_keys:
            yield from _dangling(records, stem, foreign)


def package_foreign_keys(stem: str) -> list[ForeignKey]:
    """The foreign keys a Frictionless package can state: those whose fields are never empty,
    and single-field ones (Frictionless looks up a composite key even when one of its fields
    is empty, but skips an empty single field)."""
    nullable = {c.name for c in columns(stem) if c.nullable}
    return [fk for fk in RECORD_TYPES[stem].foreign_keys
            if len(fk.fields) == 1 or not nullable.intersection(fk.fields)]


def json_bytes(data: Any) -> bytes:
    """Indented UTF-8 JSON with a final newline: how every JSON output is written."""
    return (json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def _dangling(records: RecordSet, stem: str, foreign: ForeignKey) -> Iterator[Issue]:
    if foreign.target == "documents":
        return  # a document's records all belong to it
    targets = {key_of(r, foreign.target_fields) for r in records.of(foreign.target)}
    reported: set[tuple[Any, ...]] = set()
    for record in records.of(stem):
        value = key_of(record, foreign.fields)
        if None in value or value in targets or value in reported:
            continue
        reported.add(value)
        shown = ", ".join(str(v) for v, f in zip(value, foreign.fields, strict=True) if f != "doc_id")
        noun = foreign.target.removesuffix("s")  # "sections" -> "section"
        yield Issue("validate", "error", f"{stem} row points to unknown {noun} {shown!r}")


def _column(name: str, prop: dict[str, Any], required: bool) -> Column:
    options = prop.get("anyOf", [prop])
    present = [o for o in options if o.get("type") != "null"]
    option: dict[str, Any] = present[0] if present else {}
    nullable = len(present) != len(options)
    kind = option.get("type", "string")
    if kind not in (*SCALAR_KINDS, "array"):
        kind = "string"
    # An empty string or an empty list is written as an empty cell, which reads as missing.
    non_empty = kind not in ("string", "array") or option.get("minLength", 0) >= 1
    minimum = option.get("minimum", option.get("exclusiveMinimum"))
    return Column(
        name=name,
        kind="list" if kind == "array" else kind,
        description=prop.get("description", ""),
        nullable=nullable,
        required=required and not nullable and non_empty,
        item_kind=option.get("items", {}).get("type", "string") if kind == "array" else None,
        enum=tuple(option.get("enum", ())),
        pattern=option.get("pattern"),
        minimum=minimum,
        maximum=option.get("maximum"),
    )
