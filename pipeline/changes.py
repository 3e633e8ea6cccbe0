"""The change report: which facts differ between two runs' records.

Pure: records are compared a document and a record type at a time, matched by
each record type's change key from the contract (a cell by doc_id, table_id,
row_label and column_label; a reference by doc_id and number; ...), and values
as they stand in the CSV files. A run compares typed records; ``diff`` compares
two output folders' CSV files. Provenance fields (the source's hash, line
numbers) are not facts: moving text in a guide changes them without changing
what the guide says, so they are not reported.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any, TextIO

from pipeline.sources import MAX_SOURCE_BYTES
from schemas.fields import Record
from schemas.records import RECORD_TYPES

PROVENANCE = frozenset({"source_sha256", "page", "line", "line_start"})

Row = dict[str, str]


def cells(records: Sequence[Record]) -> list[Row]:
    """Typed records as the rows the report compares: each value as its CSV cell."""
    from pipeline.writer import csv_cell

    return [{name: csv_cell(value) for name, value in r.model_dump().items()} for r in records]


def read_rows(handle: TextIO, columns: Sequence[str] | None = None) -> Iterator[Row]:
    """The rows of one of the run's CSV files. A field may be as long as a whole source (a
    table cell that is one long paragraph), past the ``csv`` module's default limit. With
    ``columns``, a header that differs raises ``ValueError``: not the run's file."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_SOURCE_BYTES))
    reader = csv.DictReader(handle)
    if columns is not None and reader.fieldnames != list(columns):
        raise ValueError(f"columns {(reader.fieldnames or [])[:3]}... are not the contract's")
    return iter(reader)


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
        changes = _diff_document(before, after, RECORD_TYPES[stem].change_key)
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


MAX_SUMMARY_CHANGES = 50  # changed fields listed in a Markdown summary; the rest are counted


def markdown_summary(report: dict[str, Any], *, limit: int = MAX_SUMMARY_CHANGES) -> str:
    """The change report as Markdown for a CI job summary or a pull-request comment."""
    summary = report["summary"]
    if not report["changed"]:
        return "## Guide records\n\nNo record changed.\n"
    lines = ["## Guide records", ""]
    for kind in ("added", "changed", "removed"):
        docs = summary[f"documents_{kind}"]
        if docs:
            lines.append(f"- Documents {kind} ({len(docs)}): " + ", ".join(f"`{d}`" for d in docs))
    lines.append(f"- Records: {summary['records_added']} added, {summary['records_changed']} changed, "
                 f"{summary['records_removed']} removed")
    lines += ["", "| document | record type | added | changed | removed |", "|---|---|---|---|---|"]
    fields: list[str] = []
    for doc_id, entry in report["documents"].items():
        for stem, counts in entry.get("records", {}).items():  # a whole side: counts only
            added, removed = counts.get("added", ""), counts.get("removed", "")
            lines.append(f"| `{doc_id}` | {stem} | {added} | | {removed} |")
        for stem, change in entry.items():
            if stem in ("status", "records"):
                continue
            lines.append(f"| `{doc_id}` | {stem} | {len(change['added']) or ''} | "
                         f"{len(change['changed']) or ''} | {len(change['removed']) or ''} |")
            fields += [_field_line(doc_id, stem, item) for item in change["changed"]]
    if fields:
        lines += ["", "### Changed fields", ""]
        lines += fields[:limit]
        if len(fields) > limit:
            lines.append(f"- … and {len(fields) - limit} more changed records (see changes.json)")
    return "\n".join(lines) + "\n"


def _field_line(doc_id: str, stem: str, item: dict[str, Any]) -> str:
    key = ", ".join(f"{k}={v}" for k, v in item["key"].items() if k != "doc_id")
    values = "; ".join(f"{name}: `{_md(v['old'])}` → `{_md(v['new'])}`" for name, v in item["fields"].items())
    return f"- `{doc_id}` {stem} ({_md(key)}): {values}"


def _md(text: str) -> str:
    """A value inside a Markdown code span or table: no backticks or pipes to break it."""
    return text.replace("`", "'").replace("|", "\\|").replace("\n", " ")[:120]
