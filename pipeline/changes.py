"""The change report: which facts differ between two sets of output files.

Pure: it compares the CSV contents of two output folders, record by record,
keyed by each record type's stable key (a cell by doc_id, table_id, row_label
and column_label; a reference by doc_id and number; ...). Provenance fields
(the source's hash, line numbers) are not facts: moving text in a guide changes
them without changing what the guide says, so they are not reported.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from typing import Any

from schemas.records import RECORD_TYPES

# Each record type's stable key, doc_id first.
DIFF_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "sections": ("doc_id", "section_id"),
    "tables": ("doc_id", "table_id"),
    "table_cells": ("doc_id", "table_id", "row_label", "column_label"),
    "protocols": ("doc_id", "protocol_id"),
    "protocol_arms": ("doc_id", "protocol_id", "arm_index"),
    "procedure_steps": ("doc_id", "protocol_id", "step_number"),
    "faqs": ("doc_id", "faq_id"),
    "references": ("doc_id", "number"),
    "citations": ("doc_id", "ordinal"),
    "figures": ("doc_id", "figure_id"),
    "errors": ("doc_id", "source_path", "stage", "severity", "message"),
}
PROVENANCE = frozenset({"source_sha256", "line", "line_start"})

Row = dict[str, str]


def diff_outputs(old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, Any]:
    """The change report between two output file sets ({relative path: bytes})."""
    documents: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(dict)
    totals: Counter[str] = Counter()
    for stem in RECORD_TYPES:
        before = _keyed(_rows(old.get(f"{stem}.csv")), DIFF_KEYS[stem])
        after = _keyed(_rows(new.get(f"{stem}.csv")), DIFF_KEYS[stem])
        for key in sorted(set(before) | set(after)):
            change = _change(before.get(key), after.get(key), DIFF_KEYS[stem])
            if change is None:
                continue
            kind, entry = change
            doc = documents[key[0]].setdefault(stem, {"added": [], "removed": [], "changed": []})
            doc[kind].append(entry)
            totals[kind] += 1
    old_ids = {r["doc_id"] for r in _rows(old.get("documents.csv"))}
    new_ids = {r["doc_id"] for r in _rows(new.get("documents.csv"))}
    return {
        "changed": bool(documents),
        "summary": {
            "documents_added": sorted(new_ids - old_ids),
            "documents_removed": sorted(old_ids - new_ids),
            "documents_changed": sorted(set(documents) - (new_ids ^ old_ids)),
            "records_added": totals["added"],
            "records_removed": totals["removed"],
            "records_changed": totals["changed"],
        },
        "documents": {doc_id: documents[doc_id] for doc_id in sorted(documents)},
    }


def summary_lines(report: dict[str, Any]) -> list[str]:
    """A short human summary: one line per changed document."""
    if not report["changed"]:
        return ["no record changed"]
    lines = []
    for doc_id, stems in report["documents"].items():
        parts = [f"{stem} " + ", ".join(f"{len(v)} {kind}" for kind, v in change.items() if v)
                 for stem, change in stems.items()]
        lines.append(f"{doc_id}: " + "; ".join(parts))
    return lines


def _change(old: Row | None, new: Row | None, key_names: tuple[str, ...]
            ) -> tuple[str, Any] | None:
    if old is None and new is not None:
        return "added", new
    if new is None and old is not None:
        return "removed", old
    assert old is not None and new is not None
    fields = {name: {"old": old.get(name, ""), "new": new.get(name, "")}
              for name in sorted(set(old) | set(new))
              if name not in PROVENANCE and old.get(name, "") != new.get(name, "")}
    if not fields:
        return None
    return "changed", {"key": {name: new.get(name, "") for name in key_names}, "fields": fields}


def _rows(content: bytes | None) -> list[Row]:
    if not content:
        return []
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def _keyed(rows: list[Row], key: tuple[str, ...]) -> dict[tuple[str, ...], Row]:
    """Rows by key; a key that repeats (duplicated labels) gets an occurrence number."""
    out: dict[tuple[str, ...], Row] = {}
    seen: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        base = tuple(row.get(k, "") for k in key)
        seen[base] += 1
        out[base if seen[base] == 1 else (*base, f"#{seen[base]}")] = row
    return out
