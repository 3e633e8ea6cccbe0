"""HTML as the web writes it: the pages of tests/cases/html/ against tests/cases/html_tables.md.

The pages are written the way sites and tools write them (spanning header and body
cells, several header rows, infobox row headers, a nested table, markup a browser
has to repair, superscript citations, cookie banner, navigation and footer); the
case file holds each table's expected grid, read from the page by hand.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.blocks import ParagraphBlock
from pipeline.extract import extract
from pipeline.validate import ValidatedDoc
from tests.conftest import ROOT

PAGES = ROOT / "tests" / "cases" / "html"
CASES = ROOT / "tests" / "cases" / "html_tables.md"


def _row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_tables() -> list[dict[str, Any]]:
    """Each ``## page n`` section of the case file as its expected table."""
    tables: list[dict[str, Any]] = []
    for section in re.split(r"^## ", CASES.read_text("utf-8"), flags=re.M)[1:]:
        head, *lines = section.strip().split("\n")
        page, n = head.split()
        rows = [_row(line) for line in lines if line.startswith("|") and not line.startswith("|---")]
        notes = dict(line[2:].split(": ", 1) for line in lines if line.startswith("- "))
        tables.append({"page": page, "n": int(n), "header": rows[0], "rows": rows[1:],
                       "title": notes.get("title"), "parent": notes.get("parent"),
                       "spans": notes.get("spans", ""), "row_headers": notes.get("row headers", ""),
                       "warnings": [w for w in notes.get("warnings", "").split("; ") if w]})
    return tables


TABLES = read_tables()


@cache
def page(name: str) -> ValidatedDoc:
    doc = extract((PAGES / name).read_bytes(), f"sources/{name}")
    assert not doc.failed, doc.issues
    return doc


def grid(doc: ValidatedDoc, table_id: str) -> dict[tuple[int, int], Any]:
    return {(c.row_index, c.col_index): c for c in doc.records.table_cells if c.table_id == table_id}


@pytest.mark.parametrize("case", TABLES, ids=lambda c: f"{c['page']}-{c['n']}")
def test_table_comes_out_as_its_grid(case: dict[str, Any]) -> None:
    doc = page(case["page"])
    table = doc.records.tables[case["n"] - 1]
    cells = grid(doc, table.table_id)
    assert (table.n_rows, table.n_cols) == (len(case["rows"]), len(case["header"]))
    assert [cells[0, c].column_label for c in range(table.n_cols)] == case["header"]
    # A row ends at its last cell in the markup: a short row has no cells past it.
    assert [[cells[r, c].text for c in range(table.n_cols) if (r, c) in cells]
            for r in range(table.n_rows)] == case["rows"]
    assert table.title == case["title"]


@pytest.mark.parametrize("case", TABLES, ids=lambda c: f"{c['page']}-{c['n']}")
def test_spans_row_headers_and_parents_are_recorded(case: dict[str, Any]) -> None:
    doc = page(case["page"])
    table = doc.records.tables[case["n"] - 1]
    cells = grid(doc, table.table_id)
    spans = {}
    for item in case["spans"].split():
        where, size = item.split("=")
        r, c = map(int, where.split(","))
        rows, cols = map(int, size.rstrip("*").split("x"))
        spans[r, c] = (rows, cols, size.endswith("*"))
    assert {k: (v.row_span, v.col_span, v.span_origin) for k, v in cells.items()
            if (v.row_span, v.col_span) != (1, 1)} == spans
    assert all(v.span_origin for k, v in cells.items() if k not in spans)
    heads = {tuple(map(int, item.split(","))) for item in case["row_headers"].split()}
    assert {k for k, v in cells.items() if v.row_header} == heads
    if case["parent"]:
        number, where = case["parent"].split()
        parent = doc.records.tables[int(number) - 1]
        row, col = map(int, where.split(","))
        assert (table.parent_table_id, table.parent_row_index, table.parent_col_index) == (
            parent.table_id, row, col)
    else:
        assert (table.parent_table_id, table.parent_row_index, table.parent_col_index) == (None, None, None)
    for words in case["warnings"]:
        assert any(words in i.message for i in doc.issues), (words, doc.issues)


def test_every_table_of_the_pages_is_in_the_case_file() -> None:
    for name in sorted(p.name for p in PAGES.glob("*.html")):
        listed = [c for c in TABLES if c["page"] == name]
        assert len(page(name).records.tables) == len(listed), name


def test_a_nested_table_leaves_its_text_out_of_the_outer_cell() -> None:
    doc = page("nested.html")
    outer = grid(doc, doc.records.tables[0].table_id)
    assert outer[0, 1].text == "Half-life 4 h"  # not "Half-life 4 hTime (h)Remaining (%)184450"


def test_malformed_page_is_read_as_a_browser_builds_it() -> None:
    doc = page("malformed.html")
    assert doc.records.documents[0].title == "Imatinib Technical Guide"
    assert [s.title for s in doc.records.sections] == ["Potency"]
    assert doc.records.tables[0].notes == "Values from cell-free assays."


def test_superscript_citations_are_citations_and_powers_stay_powers() -> None:
    doc = page("superscripts.html")
    assert [c.number for c in doc.records.citations] == [1, 2, 3, 4, 1, 2, 3, 2]
    assert doc.records.citations[-1].location == "table cell"
    assert all(c.reference_id for c in doc.records.citations)  # each resolves to a reference item
    cell = grid(doc, doc.records.tables[0].table_id)[0, 0]
    assert (cell.text, cell.citations) == ("Median time to recovery", [2])


def test_page_chrome_gives_no_records() -> None:
    doc = page("chrome.html")
    text = repr([r.model_dump() for _, rows in doc.records.items() for r in rows])
    for chrome in ("cookies", "Accept all", "Products", "Contact", "All rights reserved", "Terms"):
        assert chrome not in text, chrome
    assert doc.records.documents[0].title == "Methyltetrazine-PEG4-Acid Technical Guide"


def test_pages_are_copied_into_the_repository() -> None:
    assert sorted(Path(p).name for p in PAGES.glob("*.html")) == sorted({c["page"] for c in TABLES})


def test_wiki_markup_reads_as_a_reader_sees_it() -> None:
    doc = page("wikitable.html")
    assert [s.title for s in doc.records.sections] == ["Dosing", "Assay", "References"]  # no "[edit]"
    assert [(c.number, c.reference_id) for c in doc.records.citations] == [
        (1, f"{doc.doc_id}#1"), (2, f"{doc.doc_id}#2")]  # <a href="#cite_note-n"> to list item n
    from pipeline.parse.html import parse

    texts = [b.inline.text for b in parse((PAGES / "wikitable.html").read_text("utf-8")).blocks
             if isinstance(b, ParagraphBlock)]
    assert any("[13C₆]-imatinib" in t and "R² > 0.999" in t for t in texts), texts


def test_content_words_in_ids_are_not_chrome() -> None:
    doc = page("keyvalue.html")
    assert "Informed Consent" in [s.title for s in doc.records.sections]
    assert doc.records.documents[0].title == "Olaparib Trial Overview"  # not the related teaser
