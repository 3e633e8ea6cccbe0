"""``outputs/datapackage.json``: a Frictionless Data Package generated from the models.

One tabular resource per CSV file, with its Table Schema (fields in column order,
types, descriptions from the models' field descriptions, ``missingValues``), its
primary key and foreign keys, and the file's sha256 and size, so that tools
validate and load the files without guessing. Never written by hand.
"""

from __future__ import annotations

from typing import Any

from pipeline import PIPELINE_VERSION
from pipeline.contract import Column, columns, json_bytes, package_foreign_keys
from schemas.records import RECORD_TYPES, SCHEMA_VERSION

PACKAGE_NAME = "guide-records"


def resource_name(stem: str) -> str:
    """Data Package names are lower case with '-', '.', '_' allowed only as the spec says."""
    return stem.replace("_", "-")


def datapackage(files: dict[str, tuple[str, int]]) -> bytes:
    """The package descriptor; ``files`` gives each CSV's (sha256, size in bytes)."""
    resources = []
    for stem, model in RECORD_TYPES.items():
        sha256, size = files[f"{stem}.csv"]
        schema: dict[str, Any] = {"fields": [_field(c) for c in columns(stem)], "missingValues": [""]}
        if model.primary_key:
            schema["primaryKey"] = list(model.primary_key)
        foreign = package_foreign_keys(stem)
        if foreign:
            schema["foreignKeys"] = [
                {"fields": list(fk.fields), "reference": {"resource": resource_name(fk.target),
                                                          "fields": list(fk.target_fields)}}
                for fk in foreign]
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
    return json_bytes(body)


def _field(column: Column) -> dict[str, Any]:
    """A Table Schema field for one column."""
    field: dict[str, Any] = {"name": column.name, "description": column.description}
    if column.kind == "boolean":
        field.update(type="boolean", trueValues=["true"], falseValues=["false"])
    elif column.kind == "list":
        field.update(type="list", delimiter=";", itemType=column.item_kind)
    else:
        field["type"] = column.kind
    constraints: dict[str, Any] = {}
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.pattern is not None and column.kind != "list":
        constraints["pattern"] = column.pattern
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    if column.required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field
