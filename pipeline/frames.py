"""The record files of an output folder as typed pandas DataFrames, typed from the contract.

Each column's dtype comes from its column in the contract (``pipeline.contract``), never
from a table written by hand: integers as pandas' nullable ``Int64``, numbers as
``Float64``, booleans as ``boolean``, a column with a closed set of values as a
categorical of those values, other text as ``string``, and a list column (``;``-joined
in CSV) as Python lists. A ``--format parquet`` folder gives the same frames.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.contract import Column, columns
from schemas.records import RECORD_TYPES

LIST_SEPARATOR = ";"  # how the CSV writer joins a list column's items


def load(out: str | Path = "outputs") -> dict[str, pd.DataFrame]:
    """Every record file of ``out`` (``<stem>.parquet`` where there is one, else ``<stem>.csv``)
    as a typed DataFrame, by file stem (``documents``, ``table_cells``, ``errors``, ...)."""
    folder = Path(out)
    frames: dict[str, pd.DataFrame] = {}
    for stem in RECORD_TYPES:
        parquet, csv = folder / f"{stem}.parquet", folder / f"{stem}.csv"
        if parquet.exists():
            raw = pd.read_parquet(parquet)
        elif csv.exists():
            raw = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
        else:
            raise FileNotFoundError(f"{csv}: no {stem} records in {folder} (run the pipeline first)")
        frames[stem] = typed(raw, columns(stem))
    return frames


def dtype(column: Column) -> Any:
    """The pandas dtype of a contract column."""
    if column.kind == "integer":
        return "Int64"
    if column.kind == "number":
        return "Float64"
    if column.kind == "boolean":
        return "boolean"
    if column.kind == "list":
        return "object"
    if column.enum:
        return pd.CategoricalDtype(categories=list(column.enum))
    return "string"


def typed(raw: pd.DataFrame, contract: tuple[Column, ...]) -> pd.DataFrame:
    """A record file's columns in the contract's order and dtypes."""
    frame = pd.DataFrame(index=raw.index)
    for column in contract:
        values = raw[column.name] if column.name in raw else pd.Series([None] * len(raw), index=raw.index)
        if column.kind == "list":
            frame[column.name] = pd.Series([_items(v, column) for v in values], index=raw.index,
                                           dtype=object)
        elif column.kind == "boolean" and _text(values):
            frame[column.name] = values.map({"true": True, "false": False, True: True, False: False},
                                            na_action="ignore").astype("boolean")
        elif column.kind in ("integer", "number") and _text(values):
            frame[column.name] = pd.to_numeric(values).astype(dtype(column))
        else:
            frame[column.name] = values.astype(dtype(column))
    return frame


def _text(values: pd.Series) -> bool:
    """A column read as text (from CSV), not yet as the values it holds."""
    return bool(pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values))


def _items(value: Any, column: Column) -> list[Any]:
    """A list cell as a list: ``;``-joined text from CSV, an array from Parquet, empty for none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    items = value.split(LIST_SEPARATOR) if isinstance(value, str) else list(value)
    return [int(v) for v in items] if column.item_kind == "integer" else [str(v) for v in items]
