"""Hostile input bounded before the expensive step: HTML trees, tables and units.

Each case is a file of a few kilobytes that once cost minutes or gigabytes, or
withheld a whole document for one cell. What must hold: the bound is said in a
warning or a one-line error, what the bound leaves is read, and the document's
other records go out. That the cost is linear is checked by the growth tests in
``test_linear_time.py``, whose shapes include these.
"""

from __future__ import annotations

import time

import pytest

from pipeline.blocks import ParagraphBlock
from pipeline.extract import extract
from pipeline.normalize.units import canonical
from pipeline.parse import parse
from pipeline.parse.html_bounds import ELEMENTS_PER_TAG, MAX_ATTRIBUTES, MAX_DEPTH, MAX_JOINED_TEXT
from pipeline.parse.html_bounds import soup as bounded_soup
from pipeline.parse.table_bounds import MAX_DOCUMENT_CELLS, MAX_TABLE_COLUMNS
from pipeline.validate import ValidatedDoc
from tests.conftest import SEED

SEED_TEXT = SEED.read_text("utf-8")
PAGE = "<html><body><h1>A Guide to Bounds</h1><p>Author: Team. Date: May 2025</p>{}</body></html>"
FORMATTING = ("b", "i", "u", "em", "strong", "font", "s", "small", "big", "tt", "code", "nobr")


def html(body: str) -> ValidatedDoc:
    return extract(PAGE.format(body).encode(), "sources/page.html")


def messages(doc: ValidatedDoc, severity: str) -> list[str]:
    return [i.message for i in doc.issues if i.severity == severity]


# Ways markup nests as the HTML5 algorithm builds it, not as its tags read: each is 20,000 deep.
NESTINGS = {
    "unclosed div": "<div>" * 20_000 + "x",
    "list items": "<ul><li>" * 20_000 + "x",
    "table cells": "<table><tr><td>" * 5_000,
    "a comment ended by <!-->": "<!-->" + "<div>" * 20_000 + "-->",
    "a comment ended by --!>": "<!-- a --!>" + "<div>" * 20_000 + "-->",
    "self-closing divs after svg": "<svg>" + "<div/>" * 20_000,
    "ruby text outside ruby": "<rt>x" * 20_000,
    "a name ending in a vertical tab": "<div\x0b></div>" * 20_000,
    "svg title": "<svg><title>" + "<div>" * 20_000,
}


@pytest.mark.parametrize("name", sorted(NESTINGS))
def test_nesting_past_the_bound_is_refused_with_one_line(name: str) -> None:
    start = time.perf_counter()
    doc = html(NESTINGS[name])
    assert messages(doc, "error") == [f"the markup nests elements more than {MAX_DEPTH} deep "
                                      "(a page nests a few dozen); it was not read"]
    assert time.perf_counter() - start < 5  # refused as the tree reaches the bound (0.05 s here)


def test_nesting_in_a_markdown_files_html_is_bounded_the_same() -> None:
    doc = extract(f"# A Guide\n\nText of the guide.\n\n<div>\n{'<div>' * 20_000}x\n".encode(),
                  "sources/page.md")
    assert any(f"more than {MAX_DEPTH} deep" in m for m in messages(doc, "error"))


def test_nesting_within_the_bound_and_sloppy_closing_are_read() -> None:
    deep = "<div>" * 100 + "<p>Deep but fair: the guide's text is here.</p>" + "</div>" * 100
    sloppy = "".join(f"<p><span>Paragraph {i} of the guide.</p>" for i in range(300))  # 300 spans,
    cells = "<table>" + "<tr><td><div>x</td><td><div>1 mg</td></tr>" * 150 + "</table>"  # all closed
    for body in (deep, sloppy, cells):
        page = PAGE.format(f"<h2>Background</h2>{body}")
        assert not extract(page.encode(), "sources/page.html").failed
        assert parse(page, "html").blocks
    texts = [b.inline.text for b in parse(PAGE.format(deep), "html").blocks
             if isinstance(b, ParagraphBlock)]
    assert "Deep but fair: the guide's text is here." in texts


QUOTED_NAMES = [a + b + c for a in "\"'x" for b in "\"'y" for c in "\"'z"]  # names the tokenizer takes


@pytest.mark.parametrize("tag", ['<div x=">" {}>', "<div {}", "<p {}>"],
                         ids=["quoted >", "no end", "names made of quotes"])
def test_attributes_are_counted_as_the_tokenizer_reads_them(tag: str) -> None:
    names = (" ".join(f"a{i}" for i in range(27_000)) if "div" in tag
             else " ".join(f"{q}{i}" for i in range(1_000) for q in QUOTED_NAMES[:15]))
    start = time.perf_counter()
    doc = html("<h2>Background</h2><p>Text of the guide.</p>" + tag.format(names))
    assert time.perf_counter() - start < 5  # 16 s when the attributes reach the tokenizer
    assert any(f"more than {MAX_ATTRIBUTES} attributes" in m for m in messages(doc, "warning"))


def test_attributes_past_the_bound_are_dropped_and_the_text_and_lines_kept() -> None:
    attributes = "\n".join(f"data-a{i}=1" for i in range(20_000))
    doc = html(f"<div {attributes}>\n<h2>Results</h2><table><tr><th>Arm</th><th>ACR20</th></tr>"
               "<tr><td>A</td><td>70%</td></tr></table></div>")
    assert not doc.failed
    assert any(f"more than {MAX_ATTRIBUTES} attributes" in m for m in messages(doc, "warning"))
    cell = next(c for c in doc.records.table_cells if c.text == "70%")
    assert cell.line == 20_001  # the blanked attributes kept their line breaks


def test_formatting_left_open_is_rebuilt_within_a_budget_of_elements() -> None:
    opened = "".join(f'<{FORMATTING[i % len(FORMATTING)]} class="c{i}">' for i in range(200))
    body = f"<h2>Background</h2><p>{opened}</p>" + "<p>Paragraph of text in the guide.</p>" * 3_000
    start = time.perf_counter()
    doc = html(body)
    assert time.perf_counter() - start < 10  # 600,000 elements unbounded; refused at about 50,000
    assert any(f"({ELEMENTS_PER_TAG} per tag; formatting tags left open are rebuilt in every "
               "paragraph); it was not read" in m for m in messages(doc, "error"))
    few = "<p><b>Note:</p>" + "<p>Paragraph of text in the guide.</p>" * 3_000  # one left open
    assert not html(f"<h2>Background</h2>{few}").failed


def test_a_closing_tag_out_of_scope_does_not_hide_formatting_left_open() -> None:
    opened = "".join(f"<b id={i}><table></b></table>" for i in range(200))
    doc = html(f"<div>{opened}</div>" + "<p>x</p>" * 3_000)
    assert doc.failed and "it was not read" in messages(doc, "error")[0]


def test_a_short_row_under_a_wide_header_is_short_not_padded() -> None:
    rows = "<tr><td>1</td></tr>" * 3_000
    doc = html("<table><tr>" + "<th>h</th>" * 300 + f"</tr>{rows}</table>")
    assert not doc.failed
    assert len(doc.records.table_cells) == 3_000  # one per cell the markup gives
    assert (doc.records.tables[0].n_rows, doc.records.tables[0].n_cols) == (3_000, 300)
    assert "table row has 1 cells but the header has 300; the row is kept short" in \
        messages(doc, "warning")


def test_a_ragged_tab_separated_row_is_one_warning_not_a_lost_document() -> None:
    text = SEED_TEXT + "\n\nTable 9. Extra\n\nArm\tDose\tResponse\nA\t4 mg\t70%\nB\t2 mg\nC\t1 mg\t30%\n"
    doc = extract(text.encode(), "sources/ragged.txt")
    assert not doc.failed, messages(doc, "error")
    table = next(c.table_id for c in doc.records.table_cells if c.column_label == "Response")
    cells = [(c.row_index, c.text) for c in doc.records.table_cells if c.table_id == table]
    assert cells == [(0, "A"), (0, "4 mg"), (0, "70%"), (1, "B"), (1, "2 mg"),
                     (2, "C"), (2, "1 mg"), (2, "30%")]
    assert "table row has 2 cells but the header has 3; the row is kept short" in \
        messages(doc, "warning")


def test_a_table_wider_than_the_bound_keeps_its_first_columns() -> None:
    n = 100_000
    text = "A Guide to Width\n\n" + "\t".join(f"c{i}" for i in range(n)) + "\n" + "\t".join(
        str(i) for i in range(n)) + "\n"
    doc = extract(text.encode(), "sources/wide.txt")
    assert not doc.failed
    assert doc.records.tables[0].n_cols == MAX_TABLE_COLUMNS
    assert len(doc.records.table_cells) == MAX_TABLE_COLUMNS
    assert f"table is {n:,} columns wide; only its first {MAX_TABLE_COLUMNS:,} are read" in \
        messages(doc, "warning")


def test_a_documents_cells_are_capped_and_its_other_tables_kept_whole() -> None:
    rows = "".join(f"| r{i} | {i} |\n" for i in range(MAX_DOCUMENT_CELLS))  # twice the cap in cells
    text = (f"# A Guide\n\nText of the guide.\n\n## Small\n\n| a | b |\n|---|---|\n| x | 1 |\n\n"
            f"## Large\n\n| a | b |\n|---|---|\n{rows}")
    doc = extract(text.encode(), "sources/large.md")
    assert not doc.failed
    small, large = doc.records.tables
    assert small.n_rows == 1
    assert large.n_rows == (MAX_DOCUMENT_CELLS - 2) // 2
    assert len(doc.records.table_cells) <= MAX_DOCUMENT_CELLS
    assert any(f"more than {MAX_DOCUMENT_CELLS:,} cells" in m for m in messages(doc, "warning"))


def test_a_unit_the_library_cannot_read_keeps_its_text_with_a_warning() -> None:
    factors = "*".join(["mg"] * 3_000)
    for unit in ("h^0", "mg^0.5", factors, "(" * 3_000 + "mg" + ")" * 3_000):
        canonical(1.0, unit)  # whatever the library raises stays inside
    text = SEED_TEXT + "\n\n## Extra\n\n| Arm | Rate |\n|---|---|\n| A | 3 h^0 |\n"
    doc = extract(text.encode(), "sources/units.md")
    assert not doc.failed
    rate = next(m for m in doc.records.measurements if m.unit == "h^0")
    assert (rate.value, rate.value_canonical, rate.unit_canonical) == (3.0, None, None)
    assert any("unit 'h^0' is not one the unit library reads" in m for m in messages(doc, "warning"))


def test_a_markdown_files_html_block_says_what_its_parser_left_out() -> None:
    attributes = " ".join(f"a{i}=1" for i in range(1_000))
    text = f"# A Guide\n\nText of the guide, long enough.\n\n<div {attributes}>\n<p>Inside.</p>\n</div>\n"
    doc = extract(text.encode(), "sources/page.md")
    assert not doc.failed
    assert [(i.message, i.line) for i in doc.issues if i.severity == "warning"] == [
        (f"an element has more than {MAX_ATTRIBUTES} attributes; those past it were not read", None)]
    table = ("# A Guide\n\nText of the guide, long enough to be prose here.\n\n<table>\n"
             "<tr><th>A</th></tr>\n<tr><td>a</td><td>b</td></tr>\n</table>\n")
    doc = extract(table.encode(), "sources/table.md")  # the header row is the file's line 6
    assert [(i.message, i.line) for i in doc.issues] == [
        ("table header covers 1 of its 2 columns; the others have no label", 6)]


def test_a_run_of_character_references_is_a_few_strings_not_one_per_reference() -> None:
    tree, _ = bounded_soup(PAGE.format("<h2>Data</h2><p>" + "&lt;" * 50_000 + "</p>"))
    paragraph = tree.find_all("p")[-1]
    assert "".join(paragraph.strings) == "<" * 50_000
    assert len(list(paragraph.strings)) <= 50_000 // MAX_JOINED_TEXT + 1  # memory follows the text
