"""Parquet copies of the CSV files, typed from the schema (``run --format parquet``).

pyarrow is an optional extra (``pip install .[parquet]``): it is imported only
here, only when Parquet is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schemas.records import RECORD_TYPES


class ParquetUnavailableError(RuntimeError):
    """pyarrow is not installed."""


def write_parquet(folder: Path) -> None:
    """Write ``<stem>.parquet`` beside each ``<stem>.csv`` in ``folder``."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ParquetUnavailableError("--format parquet needs pyarrow: pip install .[parquet]") from exc
    for stem, model in RECORD_TYPES.items():
        columns = _columns(model.model_json_schema(), pa)
        options = pacsv.ConvertOptions(
            column_types={name: kind if not isinstance(kind, tuple) else pa.string()
                          for name, kind in columns.items()},
            true_values=["true"], false_values=["false"], null_values=[""],
            strings_can_be_null=True, quoted_strings_can_be_null=True)
        table = pacsv.read_csv(folder / f"{stem}.csv", convert_options=options)
        for name, kind in columns.items():
            if isinstance(kind, tuple):  # a ';'-joined list column
                index = table.schema.get_field_index(name)
                items = pc.split_pattern(pc.fill_null(table[name], ""), ";")
                items = pc.if_else(pc.equal(table[name].fill_null(""), ""),
                                   pa.scalar([], pa.list_(pa.string())), items)
                table = table.set_column(index, name, items.cast(pa.list_(kind[1])))
        pq.write_table(table, folder / f"{stem}.parquet")


def _columns(json_schema: dict[str, Any], pa: Any) -> dict[str, Any]:
    kinds = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    out: dict[str, Any] = {}
    for name, prop in json_schema["properties"].items():
        option: dict[str, Any] = next(
            (o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"), {})
        if option.get("type") == "array":
            item = kinds.get(option.get("items", {}).get("type"), pa.string())
            out[name] = ("list", item)
        else:
            out[name] = kinds.get(str(option.get("type")), pa.string())
    return out
