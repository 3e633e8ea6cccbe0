"""``outputs/datapackage.json``: a Frictionless Data Package generated from the models.

One tabular resource per CSV file, with its Table Schema (fields in column order,
types, descriptions from the models' field descriptions, ``missingValues``), its
primary key and foreign keys, and the file's sha256 and size, so that tools
validate and load the files without guessing. Never written by hand.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline import PIPELINE_VERSION
from schemas.records import RECORD_TYPES, SCHEMA_VERSION

# Each record type's primary key (None: the type has none).
PRIMARY_KEYS: dict[str, list[str] | None] = {
    "documents": ["doc_id"],
    "sections": ["doc_id", "section_id"],
    "tables": ["doc_id", "table_id"],
    "table_cells": ["doc_id", "table_id", "row_index", "col_index"],
    "protocols": ["doc_id", "protocol_id"],
    "protocol_arms": ["doc_id", "protocol_id", "arm_index"],
    "procedure_steps": ["doc_id", "protocol_id", "step_number"],
    "faqs": ["doc_id", "faq_id"],
    "references": ["doc_id", "number"],
    "citations": ["doc_id", "ordinal"],
    "figures": ["doc_id", "figure_id"],
    "errors": None,  # one document may have the same problem on several lines
}
# (fields, referenced resource, referenced fields). Frictionless looks up a composite key
# even when one of its fields is empty, so a reference that may be missing goes through a
# single-field key (citations.reference_id -> references.reference_id), which it skips when empty.
FOREIGN_KEYS: dict[str, list[tuple[list[str], str, list[str]]]] = {
    "sections": [(["doc_id"], "documents", ["doc_id"])],
    "tables": [(["doc_id"], "documents", ["doc_id"])],
    "table_cells": [(["doc_id", "table_id"], "tables", ["doc_id", "table_id"])],
    "protocols": [(["doc_id"], "documents", ["doc_id"])],
    "protocol_arms": [(["doc_id", "protocol_id"], "protocols", ["doc_id", "protocol_id"])],
    "procedure_steps": [(["doc_id", "protocol_id"], "protocols", ["doc_id", "protocol_id"])],
    "faqs": [(["doc_id"], "documents", ["doc_id"])],
    "references": [(["doc_id"], "documents", ["doc_id"])],
    "citations": [(["doc_id"], "documents", ["doc_id"]),
                  (["reference_id"], "references", ["reference_id"])],
    "figures": [(["doc_id"], "documents", ["doc_id"])],
}
PACKAGE_NAME = "guide-records"


def resource_name(stem: str) -> str:
    """Data Package names are lower case with '-', '.', '_' allowed only as the spec says."""
    return stem.replace("_", "-")


def datapackage(files: dict[str, tuple[str, int]]) -> bytes:
    """The package descriptor; ``files`` gives each CSV's (sha256, size in bytes)."""
    resources = []
    for stem, model in RECORD_TYPES.items():
        sha256, size = files[f"{stem}.csv"]
        schema: dict[str, Any] = {"fields": _fields(model.model_json_schema()),
                                  "missingValues": [""]}
        if PRIMARY_KEYS[stem]:
            schema["primaryKey"] = PRIMARY_KEYS[stem]
        if stem in FOREIGN_KEYS:
            schema["foreignKeys"] = [
                {"fields": fields, "reference": {"resource": resource_name(target),
                                                 "fields": target_fields}}
                for fields, target, target_fields in FOREIGN_KEYS[stem]]
        resources.append({
            "name": resource_name(stem),
            "path": f"{stem}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": (model.__doc__ or "").strip(),
            "hash": f"sha256:{sha256}",
            "bytes": size,
            "schema": schema,
        })
    body = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Records extracted from vendor technical guides",
        "version": PIPELINE_VERSION,
        "schema_version": SCHEMA_VERSION,
        "resources": resources,
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _fields(json_schema: dict[str, Any]) -> list[dict[str, Any]]:
    required_names = set(json_schema.get("required", []))
    fields = []
    for name, prop in json_schema["properties"].items():
        options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
        nullable = len(options) != len(prop.get("anyOf", [prop]))
        option = options[0] if options else {}
        field: dict[str, Any] = {"name": name, "description": prop.get("description", "")}
        field.update(_type(option))
        constraints = dict(field.pop("constraints", {}))
        kind = option.get("type")
        # An empty string or an empty list is written as an empty cell, which reads as missing.
        non_empty = kind not in ("string", "array") or option.get("minLength", 0) >= 1
        if name in required_names and not nullable and non_empty:
            constraints["required"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return fields


def _type(option: dict[str, Any]) -> dict[str, Any]:
    kind = option.get("type")
    constraints: dict[str, Any] = {}
    if "enum" in option:
        constraints["enum"] = option["enum"]
    if "pattern" in option:
        constraints["pattern"] = option["pattern"]
    for json_key, table_key in (("minimum", "minimum"), ("maximum", "maximum"),
                                ("exclusiveMinimum", "minimum")):
        if json_key in option:
            constraints[table_key] = option[json_key]
    if kind == "integer":
        out: dict[str, Any] = {"type": "integer"}
    elif kind == "number":
        out = {"type": "number"}
    elif kind == "boolean":
        out = {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    elif kind == "array":
        item = option.get("items", {}).get("type", "string")
        out = {"type": "list", "delimiter": ";", "itemType": item}
        constraints.pop("pattern", None)
    else:
        out = {"type": "string"}
    if constraints:
        out["constraints"] = constraints
    return out
