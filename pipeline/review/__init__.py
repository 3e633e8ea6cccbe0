"""The review site: each guide beside what was extracted from it.

``render_site`` is pure: it takes the run's outputs (as read by the command line)
and the source texts, and returns ``{relative path: HTML}`` for an index page and
one page per document. Pages are static, work from the file system, load nothing
from the network, and escape everything taken from a guide (Jinja2 autoescape).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from pipeline.sources import safe_id


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """One source as the review sees it: its manifest entry, its records and its text."""

    entry: dict[str, Any]  # manifest entry
    records: dict[str, list[dict[str, Any]]]  # from documents/<doc_id>.json; empty if withheld
    errors: list[dict[str, str]]  # its rows of errors.csv
    # The source's text as the run read it: a text's lines as one page, a PDF's pages each with
    # its lines; None when it cannot be shown.
    pages: list[list[str]] | None
    change: dict[str, Any] | None = None  # its entry in changes.json, if the last run changed it
    problems_by_line: dict[int, list[dict[str, str]]] = field(default_factory=dict)


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("pipeline.review", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = _number
    env.globals["place"] = place
    return env


def place(page: Any, line: Any) -> str:
    """Where a record or problem is: "L12", or "p3-L12" on page 3 of a PDF; "" for nowhere.
    It names the source line's anchor and labels the link to it."""
    if not line:
        return ""
    return f"p{page}-L{line}" if page else f"L{line}"


def page_name(entry: dict[str, Any]) -> str:
    """A document's page: named after its source file, so that twins get a page each (and,
    like an id, short enough for any file system)."""
    return f"docs/{safe_id(entry['source_path'])}.html"


def render_site(documents: list[DocumentInput], changes: dict[str, Any] | None) -> dict[str, str]:
    env = environment()
    pages: dict[str, str] = {}
    rows = []
    for doc in documents:
        name = page_name(doc.entry)
        pages[name] = env.get_template("document.html").render(
            doc=doc, view=_view(doc), page=name, status=_status(doc))
        rows.append({"doc": doc, "page": name, "status": _status(doc)})
    pages["index.html"] = env.get_template("index.html").render(
        rows=rows, changes=changes or {}, summary=(changes or {}).get("summary", {}))
    return pages


def _status(doc: DocumentInput) -> str:
    if any(e["severity"] == "error" for e in doc.errors):
        return "withheld"
    return "warnings" if doc.errors else "ok"


def _view(doc: DocumentInput) -> dict[str, Any]:
    """What the document page shows, arranged for the template."""
    records = doc.records
    lines_with_records: dict[str, int] = defaultdict(int)
    for stem, rows in records.items():
        if stem in ("documents", "errors"):
            continue
        for row in rows:
            where = place(row.get("page"), row.get("line") or row.get("line_start"))
            if where:
                lines_with_records[where] += 1
    problems: dict[str, list[dict[str, str]]] = defaultdict(list)
    for error in doc.errors:
        if error.get("line"):
            problems[place(error.get("page"), error["line"])].append(error)
    cells_by_table: dict[str, list[list[dict[str, Any]]]] = {}
    for cell in records.get("table_cells", []):
        table = cells_by_table.setdefault(cell["table_id"], [])
        while len(table) <= cell["row_index"]:
            table.append([])
        table[cell["row_index"]].append(cell)
    headers = {}
    for table_id, table_rows in cells_by_table.items():
        headers[table_id] = [c["column_label"] for c in table_rows[0]] if table_rows else []
    citing: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for citation in records.get("citations", []):
        citing[citation["number"]].append(citation)
    return {
        "document": (records.get("documents") or [{}])[0],
        "sections": records.get("sections", []),
        "tables": records.get("tables", []),
        "cells": cells_by_table,
        "measurements": records.get("measurements", []),
        "headers": headers,
        "protocols": records.get("protocols", []),
        "arms": _by(records.get("protocol_arms", []), "protocol_id"),
        "steps": _by(records.get("procedure_steps", []), "protocol_id"),
        "faqs": records.get("faqs", []),
        "figures": records.get("figures", []),
        "references": records.get("references", []),
        "reference_numbers": {r["number"] for r in records.get("references", [])},
        "citing": citing,
        "lines_with_records": lines_with_records,
        "problems": problems,
    }


def _by(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _number(value: Any) -> str:
    """A number as the CSV files write it, without a trailing '.0' on whole numbers."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
