"""The validate stage: a normalized document to contract records, checked across records.

Records are built by Pydantic (``schemas/records.py``), one ``TypeAdapter`` per
record list. Checks that span records (unique keys, foreign keys, a table's
cell count, citations that resolve) run after. Nothing raises: every problem
becomes an issue. An error withholds the document's records; a warning keeps them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pipeline.errors import Issue
from pipeline.normalize.model import NormalizedDoc
from schemas.records import RECORD_TYPES, Record

# Each record type's key within its document, for the uniqueness check.
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "sections": ("section_id",),
    "tables": ("table_id",),
    "table_cells": ("table_id", "row_index", "col_index"),
    "protocols": ("protocol_id",),
    "protocol_arms": ("protocol_id", "arm_index"),
    "procedure_steps": ("protocol_id", "step_number"),
    "faqs": ("faq_id",),
    "references": ("number",),
    "citations": ("ordinal",),
    "figures": ("figure_id",),
}


@dataclass(frozen=True, slots=True)
class ValidatedDoc:
    doc_id: str
    source_path: str
    records: dict[str, list[Record]] = field(default_factory=dict)  # file stem -> records
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
    records: dict[str, list[Record]] = {}
    issues = list(doc.issues)
    for stem, items in rows.items():
        try:
            records[stem] = _adapter(stem).validate_python(items)
        except ValidationError as exc:
            issues.extend(_schema_issues(stem, exc, items))
    if not any(i.severity == "error" for i in issues):
        issues.extend(check_records(records, doc))
    failed = any(i.severity == "error" for i in issues)
    return ValidatedDoc(
        doc_id=doc.doc_id,
        source_path=doc.source.source_path,
        records={} if failed else records,
        issues=tuple(issues),
        source_sha256=doc.source.source_sha256,
        size=doc.source.size,
        source_format=doc.source.source_format,
    )


def check_records(records: dict[str, list[Record]], doc: NormalizedDoc) -> Iterator[Issue]:
    """Checks across records: unique keys, foreign keys, cell counts, citations."""
    for stem, key in KEYS.items():
        counts = Counter(tuple(getattr(r, k) for k in key) for r in records.get(stem, []))
        for value, n in sorted(counts.items(), key=str):
            if n > 1:
                yield Issue("validate", "error", f"{stem} key {value} appears {n} times")
    sections = {r.section_id for r in records["sections"]}  # type: ignore[attr-defined]
    for stem in ("sections", "tables", "protocols", "figures", "citations", "faqs"):
        attr = "parent_id" if stem == "sections" else "section_id"
        for record in records[stem]:
            ref = getattr(record, attr)
            if ref is not None and ref not in sections:
                yield Issue("validate", "error", f"{stem} row points to unknown section {ref!r}")
    tables = {r.table_id: r.n_rows * r.n_cols for r in records["tables"]}  # type: ignore[attr-defined]
    cells = Counter(r.table_id for r in records["table_cells"])  # type: ignore[attr-defined]
    for table_id in sorted(set(cells) - set(tables)):
        yield Issue("validate", "error", f"cells point to unknown table {table_id!r}")
    for table in doc.tables:
        if cells.get(table.table_id, 0) != tables.get(table.table_id):
            yield Issue("validate", "error",
                        f"table {table.table_id!r} has {cells.get(table.table_id, 0)} cells, "
                        f"expected {table.n_rows} x {table.n_cols}", table.line_start)
    protocols = {r.protocol_id for r in records["protocols"]}  # type: ignore[attr-defined]
    for stem in ("protocol_arms", "procedure_steps"):
        for row in records[stem]:
            if row.protocol_id not in protocols:  # type: ignore[attr-defined]
                yield Issue("validate", "error",
                            f"{stem} row points to unknown protocol {row.protocol_id!r}")  # type: ignore[attr-defined]
    yield from _dangling_citations(doc)
    yield from _formula_like(records)


# Text a spreadsheet would run as a formula when the CSV is opened: "=SUM(...)",
# "@cmd", "+A1", "-A1+1". A signed number ("-0.60", "+5%") is not one.
_FORMULA = re.compile(r"^\s*(?:[=@]\s*\S|[+\-]\s*[A-Za-z(])")
_FORMULA_START = frozenset("=@+- \t")


def _formula_like(records: dict[str, list[Record]]) -> Iterator[Issue]:
    seen: set[tuple[str, str]] = set()  # a row label repeats on every cell of its row: say it once
    for stem, rows in records.items():
        for record in rows:
            for name, value in record.__dict__.items():
                if (isinstance(value, str) and value[:1] in _FORMULA_START
                        and _FORMULA.match(value) and (name, value) not in seen):
                    seen.add((name, value))
                    line = getattr(record, "line", None) or getattr(record, "line_start", None)
                    yield Issue("validate", "warning",
                                f"{stem}.{name} starts like a spreadsheet formula "
                                f"({value[:30]!r}); it is kept as written: open the CSV "
                                "with columns as text", line)


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
def _adapter(stem: str) -> TypeAdapter[list[Record]]:
    return TypeAdapter(list[RECORD_TYPES[stem]])  # type: ignore[valid-type]


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
    meta, src, doc_id = doc.metadata, doc.source, doc.doc_id
    reference_numbers = {r.number for r in doc.references}
    rows: dict[str, list[dict[str, Any]]] = {
        "documents": [{
            "doc_id": doc_id, "catalog_number": meta.catalog_number, "title": meta.title,
            "author": meta.author, "published": meta.published,
            "compound_name": meta.compound_name, "source_url": meta.source_url,
            "cas_number": meta.cas_number, "molecular_formula": meta.molecular_formula,
            "molecular_weight": meta.molecular_weight,
            "molecular_weight_unit": meta.molecular_weight_unit, "iupac_name": meta.iupac_name,
            "inchi_key": meta.inchi_key, "smiles": meta.smiles, "guide_kind": meta.guide_kind,
            "language": meta.language,
            "source_path": src.source_path, "source_sha256": src.source_sha256,
            "source_format": src.source_format, "encoding": src.encoding,
        }],
        "sections": [{
            "doc_id": doc_id, "section_id": s.section_id, "parent_id": s.parent_id,
            "level": s.level, "ordinal": s.ordinal, "title": s.title, "line_start": s.line_start,
        } for s in doc.sections],
        "tables": [{
            "doc_id": doc_id, "table_id": t.table_id, "section_id": t.section_id,
            "section_path": t.section_path, "title": t.title, "n_rows": t.n_rows,
            "n_cols": t.n_cols, "notes": t.notes, "line_start": t.line_start,
        } for t in doc.tables],
        "table_cells": [{
            "doc_id": doc_id, "table_id": t.table_id, "row_index": c.row_index,
            "col_index": c.col_index, "row_label": c.row_label, "column_label": c.column_label,
            "text": c.text, "value": c.value, "unit": c.unit, "comparator": c.comparator,
            "uncertainty": c.uncertainty, "value_low": c.value_low, "value_high": c.value_high,
            "p_value": c.p_value, "p_comparator": c.p_comparator,
            "citations": list(dict.fromkeys(c.citations)), "missing": c.missing, "line": c.line,
        } for t in doc.tables for c in t.cells],
        "protocols": [{
            "doc_id": doc_id, "protocol_id": p.protocol_id, "protocol_kind": p.kind,
            "section_id": p.section_id,
            "section_path": p.section_path, "title": p.title,
            "objective": p.fields.get("objective"), "design": p.fields.get("design"),
            "population": p.fields.get("population"), "sample_size": p.sample_size,
            "intervention_arms": p.fields.get("intervention_arms") or None,
            "primary_endpoint": p.fields.get("primary_endpoint"),
            "key_secondary_endpoints": p.fields.get("key_secondary_endpoints"),
            "results": p.fields.get("results"), "materials": list(p.materials),
            "citations": list(p.citations),
            "line_start": p.line_start,
        } for p in doc.protocols],
        "protocol_arms": [{
            "doc_id": doc_id, "protocol_id": p.protocol_id, "arm_index": a.arm_index,
            "description": a.description, "line": a.line,
        } for p in doc.protocols for a in p.arms],
        "procedure_steps": [{
            "doc_id": doc_id, "protocol_id": p.protocol_id, "step_number": st.step_number,
            "text": st.text, "citations": list(dict.fromkeys(st.citations)), "line": st.line,
        } for p in doc.protocols for st in p.steps],
        "faqs": [{
            "doc_id": doc_id, "faq_id": f.faq_id, "section_id": f.section_id,
            "question": f.question, "answer": f.answer, "citations": list(f.citations),
            "line": f.line,
        } for f in doc.faqs],
        "references": [{
            "doc_id": doc_id, "number": r.number, "reference_id": f"{doc_id}#{r.number}",
            "title": r.title, "source": r.source,
            "authors": r.authors, "journal": r.journal, "year": r.year, "doi": r.doi,
            "pmid": r.pmid, "url": r.url, "raw": r.raw, "line": r.line,
        } for r in doc.references],
        "citations": [{
            "doc_id": doc_id, "ordinal": c.ordinal, "number": c.number,
            "reference_id": f"{doc_id}#{c.number}" if c.number in reference_numbers else None,
            "section_id": c.section_id, "location": c.location, "line": c.line,
        } for c in doc.citations],
        "figures": [{
            "doc_id": doc_id, "figure_id": f.figure_id, "section_id": f.section_id,
            "section_path": f.section_path, "caption": f.caption, "line": f.line,
        } for f in doc.figures],
    }
    return rows
