"""The validate stage: a normalized document to contract records, checked across records.

Records are built by Pydantic (``schemas/records.py``): each record's columns are
read off the normalized object that holds the fact (the stage models name their
fields as the contract does), with the few values a document adds (its doc_id,
its source). Checks that span records (the contract's keys and foreign keys, a
table's cell count, citations that resolve) run after. Nothing raises: every
problem becomes an issue. An error withholds the document's records; a warning
keeps them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pipeline.contract import key_issues
from pipeline.errors import Issue
from pipeline.normalize.model import NormalizedDoc
from schemas.fields import Record
from schemas.records import RECORD_STEMS, RECORD_TYPES, RecordSet

# Protocol fields a trial may leave out: read as empty.
TRIAL_FIELDS = ("objective", "design", "population", "intervention_arms", "primary_endpoint",
                "key_secondary_endpoints", "results")


@dataclass(frozen=True, slots=True)
class ValidatedDoc:
    doc_id: str
    source_path: str
    records: RecordSet = field(default_factory=RecordSet)  # empty when withheld
    issues: tuple[Issue, ...] = ()
    source_sha256: str = ""  # empty when the file was not read (over the size limit)
    size: int = 0
    source_format: str = ""  # empty when the bytes never reached a parser

    @property
    def failed(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


def validate(doc: NormalizedDoc) -> ValidatedDoc:
    """Build and check the records of one document."""
    rows = _rows(doc)
    built: dict[str, tuple[Record, ...]] = {}
    issues = list(doc.issues)
    for stem, items in rows.items():
        try:
            built[stem] = _adapter(stem).validate_python(items)
        except ValidationError as exc:
            issues.extend(_schema_issues(stem, exc, items))
    records = RecordSet.of_stems(built) if len(built) == len(rows) else RecordSet()
    if not any(i.severity == "error" for i in issues):
        issues.extend(check_records(records, doc))
    failed = any(i.severity == "error" for i in issues)
    if doc.source.page_starts:
        records, issues = _on_pages(records, issues, doc.source.page_starts)
    return ValidatedDoc(
        doc_id=doc.doc_id,
        source_path=doc.source.source_path,
        records=RecordSet() if failed else records,
        issues=tuple(issues),
        source_sha256=doc.source.source_sha256,
        size=doc.source.size,
        source_format=doc.source.source_format,
    )


def _on_pages(records: RecordSet, issues: list[Issue],
              starts: tuple[int, ...]) -> tuple[RecordSet, list[Issue]]:
    """A PDF's records and issues with their document lines given as page and line within it."""

    def page_and_line(line: int) -> tuple[int, int]:
        page = bisect_right(starts, line)
        return page, line - starts[page - 1] + 1

    def moved(record: Record) -> Record:
        name = "line" if "line" in type(record).model_fields else "line_start"
        line = getattr(record, name, None)
        if line is None or "page" not in type(record).model_fields:
            return record
        page, within = page_and_line(line)
        return record.model_copy(update={"page": page, name: within})

    located = RecordSet.of_stems({stem: tuple(moved(r) for r in rows) for stem, rows in records.items()})
    placed = []
    for issue in issues:
        if issue.line:
            page, within = page_and_line(issue.line)
            issue = replace(issue, page=page, line=within)
        placed.append(issue)
    return located, placed


def check_records(records: RecordSet, doc: NormalizedDoc) -> Iterator[Issue]:
    """Checks across records: the contract's keys, cell counts, citations, formulas."""
    yield from key_issues(records)
    yield from _grid_issues(records)
    yield from _dangling_citations(doc)
    yield from _formula_like(records)


def _grid_issues(records: RecordSet) -> Iterator[Issue]:
    """Each table's cells fill its rows from the first column on, without a gap, inside its
    n_rows x n_cols grid (a short row is a row the source gave short; a gap is a lost cell).
    Cells come row by row, so each must stand right after the one before it in its table."""
    grids = {r.table_id: (r.n_rows, r.n_cols) for r in records.tables}
    last: dict[str, tuple[int, int]] = {}  # table -> (row, column) of its previous cell
    wrong: set[str] = set()
    for cell in records.table_cells:
        row, col = cell.row_index, cell.col_index
        previous_row, previous_col = last.get(cell.table_id, (-1, -1))
        n_rows, n_cols = grids.get(cell.table_id, (0, 0))
        if not (col == (previous_col + 1 if row == previous_row else 0) and row >= previous_row
                and row < n_rows and col < n_cols):
            wrong.add(cell.table_id)
        last[cell.table_id] = (row, col)
    for table_id in sorted(wrong):
        n_rows, n_cols = grids.get(table_id, (0, 0))
        yield Issue("validate", "error", f"table {table_id!r} has cells that do not fill its rows "
                    f"from the first column inside its {n_rows} x {n_cols} grid")


# Text a spreadsheet may run as a formula when the CSV is opened: whatever starts with "=",
# "@", "+" or "-", or with a tab or carriage return ("-2+3+cmd|' /C calc'!A0", "+1+1").
# A signed number alone ("-0.60", "+5%") is a number to every spreadsheet, and a lone sign
# (a table's "-" for none, a p-value's comparator "=") is text to every one: neither raises
# anything.
_FORMULA_START = frozenset("=@+-\t\r")
_NOT_A_FORMULA = re.compile(r"[=@+-]|[+-]\d[\d,]*(?:\.\d+)?%?")


def _formula_like(records: RecordSet) -> Iterator[Issue]:
    seen: set[tuple[str, str]] = set()  # a row label repeats on every cell of its row: say it once
    for stem in RECORD_STEMS:
        for record in records.of(stem):
            for name, value in record.__dict__.items():
                if value.__class__ is str:
                    if value[:1] in _FORMULA_START:
                        yield from _formula_issue(stem, name, value, record, seen)
                elif value.__class__ is list:  # a list field's items too (a protocol's materials)
                    for text in value:
                        if text.__class__ is str and text[:1] in _FORMULA_START:
                            yield from _formula_issue(stem, name, text, record, seen)


def _formula_issue(stem: str, name: str, text: str, record: Record,
                   seen: set[tuple[str, str]]) -> Iterator[Issue]:
    if _NOT_A_FORMULA.fullmatch(text) or (name, text) in seen:
        return
    seen.add((name, text))
    line = getattr(record, "line", None) or getattr(record, "line_start", None)
    yield Issue("validate", "warning", f"{stem}.{name} starts like a spreadsheet formula "
                f"({text[:30]!r}); it is kept as written: open the CSV with columns as text", line)


def _dangling_citations(doc: NormalizedDoc) -> Iterator[Issue]:
    numbers = {r.number for r in doc.references}
    reported: set[int] = set()
    for citation in doc.citations:
        if citation.number not in numbers and citation.number not in reported:
            reported.add(citation.number)
            yield Issue("validate", "warning",
                        f"citation [{citation.number}] has no reference {citation.number} "
                        "in the reference list", citation.line)


@cache
def _adapter(stem: str) -> TypeAdapter[tuple[Record, ...]]:
    return TypeAdapter(tuple[RECORD_TYPES[stem], ...])  # type: ignore[valid-type]


def _schema_issues(stem: str, exc: ValidationError, items: list[dict[str, Any]]) -> Iterable[Issue]:
    for error in exc.errors():
        index = error["loc"][0] if error["loc"] else None
        where = ".".join(str(p) for p in error["loc"][1:])
        line = None
        if isinstance(index, int) and index < len(items):
            line = items[index].get("line") or items[index].get("line_start")
        yield Issue("validate", "error", f"{stem} row {index}: {where}: {error['msg']}", line)


def _rows(doc: NormalizedDoc) -> dict[str, list[dict[str, Any]]]:
    """The document's facts as plain dicts, one list per record type."""
    doc_id = doc.doc_id
    numbers = {r.number for r in doc.references}

    def rows(stem: str, facts: Iterable[tuple[object, Mapping[str, Any]]]) -> list[dict[str, Any]]:
        return [_read(stem, fact, {"doc_id": doc_id, "page": None, **given}) for fact, given in facts]

    return {
        "documents": rows("documents", [(doc.metadata, _vars_of(doc.source))]),
        "sections": rows("sections", ((s, {}) for s in doc.sections)),
        "tables": rows("tables", ((t, {}) for t in doc.tables)),
        "table_cells": rows("table_cells", ((c, {"table_id": t.table_id})
                                            for t in doc.tables for c in t.cells)),
        "measurements": rows("measurements", ((m, {}) for m in doc.measurements)),
        "protocols": rows("protocols", ((p, {**dict.fromkeys(TRIAL_FIELDS), **p.fields,
                                             "intervention_arms": p.fields.get("intervention_arms") or None})
                                        for p in doc.protocols)),
        "protocol_arms": rows("protocol_arms", ((a, {"protocol_id": p.protocol_id})
                                                for p in doc.protocols for a in p.arms)),
        "procedure_steps": rows("procedure_steps", ((st, {"protocol_id": p.protocol_id})
                                                    for p in doc.protocols for st in p.steps)),
        "faqs": rows("faqs", ((f, {}) for f in doc.faqs)),
        "references": rows("references", ((r, {"reference_id": f"{doc_id}#{r.number}"})
                                          for r in doc.references)),
        "citations": rows("citations", ((c, {"reference_id": f"{doc_id}#{c.number}"
                                             if c.number in numbers else None})
                                        for c in doc.citations)),
        "figures": rows("figures", ((f, {}) for f in doc.figures)),
    }


def _vars_of(obj: object) -> dict[str, Any]:
    """A slots dataclass's fields as a mapping."""
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


def _read(stem: str, fact: object, given: Mapping[str, Any]) -> dict[str, Any]:
    """One record's columns: what the document gives, else the fact's own field of that name."""
    return {name: given[name] if name in given else getattr(fact, name)
            for name in RECORD_TYPES[stem].model_fields}
