"""The change report: which facts differ between two sets of output files.

Pure: it compares the CSV contents of two output folders, record by record,
keyed by each record type's stable key (a cell by doc_id, table_id, row_label
and column_label; a reference by doc_id and number; ...). Provenance fields
(the source's hash, line numbers) are not facts: moving text in a guide changes
them without changing what the guide says, so they are not reported.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from typing import Any, TextIO

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


def read_rows(handle: TextIO) -> Iterator[Row]:
    return iter(csv.DictReader(handle))


def diff_streams(old: dict[str, Iterator[Row]], new: dict[str, Iterator[Row]]) -> dict[str, Any]:
    """The change report from each record type's rows, old and new, sorted by doc_id.

    One document's rows at a time are held: rows are grouped by doc_id and the two
    sides merged. A document on one side only is reported by its record counts; a
    document on both has each added, removed or changed record listed by its key.
    """
    report = ChangeReport()
    for stem in RECORD_TYPES:
        for doc_id, before, after in _merge(_groups(old[stem]), _groups(new[stem])):
            report.compare(stem, doc_id, before, after)
    return report.result()


class ChangeReport:
    """The change report, built a document and a record type at a time."""

    def __init__(self) -> None:
        self._documents: dict[str, dict[str, Any]] = {}
        self._totals: Counter[str] = Counter()

    def compare(self, stem: str, doc_id: str, before: list[Row], after: list[Row]) -> None:
        """Record what changed in one record type of one document."""
        if not before and not after:
            return
        entry = self._documents.setdefault(doc_id, {"status": "changed"})
        if not before or not after:
            self.whole(stem, doc_id, "added" if after else "removed", len(after or before))
            return
        changes = _diff_document(before, after, DIFF_KEYS[stem])
        if any(changes.values()):
            entry[stem] = changes
            for kind, items in changes.items():
                self._totals[kind] += len(items)

    def whole(self, stem: str, doc_id: str, side: str, count: int) -> None:
        """A record type of a document that is on one side only: reported by its count."""
        entry = self._documents.setdefault(doc_id, {"status": "changed"})
        if stem == "documents":
            entry["status"] = side
        entry.setdefault("records", {})[stem] = {side: count}
        self._totals[side] += count

    def result(self) -> dict[str, Any]:
        documents = {d: e for d, e in self._documents.items() if len(e) > 1}
        status = {d: e["status"] for d, e in documents.items()}
        return {
            "changed": bool(documents),
            "summary": {
                "documents_added": sorted(d for d, s in status.items() if s == "added"),
                "documents_removed": sorted(d for d, s in status.items() if s == "removed"),
                "documents_changed": sorted(d for d, s in status.items() if s == "changed"),
                "records_added": self._totals["added"],
                "records_removed": self._totals["removed"],
                "records_changed": self._totals["changed"],
            },
            "documents": {doc_id: documents[doc_id] for doc_id in sorted(documents)},
        }


def _groups(rows: Iterator[Row]) -> Iterator[tuple[str, list[Row]]]:
    for doc_id, group in groupby(rows, key=lambda r: r["doc_id"]):
        yield doc_id, list(group)


def _merge(old: Iterator[tuple[str, list[Row]]], new: Iterator[tuple[str, list[Row]]]
           ) -> Iterator[tuple[str, list[Row], list[Row]]]:
    """Pair the groups of two doc_id-sorted streams."""
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            assert a is not None
            yield a[0], a[1], []
            a = next(old, None)
        elif a is None or b[0] < a[0]:
            yield b[0], [], b[1]
            b = next(new, None)
        else:
            yield a[0], a[1], b[1]
            a, b = next(old, None), next(new, None)


def _diff_document(before: list[Row], after: list[Row], key: tuple[str, ...]
                   ) -> dict[str, list[Any]]:
    old, new = _keyed(before, key), _keyed(after, key)
    changes: dict[str, list[Any]] = {"added": [], "removed": [], "changed": []}
    for k in sorted(set(old) | set(new)):
        change = _change(old.get(k), new.get(k), key)
        if change is not None:
            changes[change[0]].append(change[1])
    return changes


def summary_lines(report: dict[str, Any]) -> list[str]:
    """A short human summary: one line per changed document."""
    if not report["changed"]:
        return ["no record changed"]
    lines = []
    for doc_id, entry in report["documents"].items():
        if entry["status"] != "changed":
            total = sum(n for counts in entry.get("records", {}).values() for n in counts.values())
            lines.append(f"{doc_id}: document {entry['status']} ({total} records)")
            continue
        parts = [f"{stem} " + ", ".join(f"{len(items)} {kind}" for kind, items in change.items()
                                        if items)
                 for stem, change in entry.items() if stem not in ("status", "records")]
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


def _keyed(rows: list[Row], key: tuple[str, ...]) -> dict[tuple[str, ...], Row]:
    """Rows by key; a key that repeats (duplicated labels) gets an occurrence number."""
    out: dict[tuple[str, ...], Row] = {}
    seen: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        base = tuple(row.get(k, "") for k in key)
        seen[base] += 1
        out[base if seen[base] == 1 else (*base, f"#{seen[base]}")] = row
    return out
