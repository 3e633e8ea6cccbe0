"""Tables in the layouts tools write: one HTML table through pandoc's every table format,
tab-separated rows, columns aligned by spaces, and pipe tables with and without outer pipes.

The expected grid is the HTML table's, read from the table itself below; every layout must
give it cell for cell (clean text and citations), and never invent a cell.
"""

from __future__ import annotations

import pypandoc
import pytest

from pipeline.blocks import TableBlock
from pipeline.extract import extract
from pipeline.parse import parse

TABLE_HTML = (
    "<table><thead><tr><th>Kinase</th><th>IC50 (nM)</th><th>Notes</th></tr></thead><tbody>"
    "<tr><td>JAK1</td><td>5.9 [3]</td><td>Measured at 1 mM ATP in a recombinant enzyme assay "
    "with a long note that wraps</td></tr>"
    "<tr><td>JAK3</td><td>&gt;400</td><td></td></tr></tbody></table>"
)
HEADER = ["Kinase", "IC50 (nM)", "Notes"]
ROWS = [["JAK1", "5.9", "Measured at 1 mM ATP in a recombinant enzyme assay with a long note that wraps"],
        ["JAK3", ">400", ""]]
CITATIONS: list[list[tuple[int, ...]]] = [[(), (3,), ()], [(), (), ()]]
# A layout of columns by position writes nothing for an empty cell at a row's end: there the
# row is short (two cells), never padded; a layout with a border or separator per cell keeps it.
Grid = tuple[list[list[str]], list[list[tuple[int, ...]]]]
LAID_OUT: Grid = [ROWS[0], ROWS[1][:2]], [CITATIONS[0], CITATIONS[1][:2]]

# pandoc writers and the table format each gives for this table.
PANDOC_FORMATS = {
    "plain (simple table)": ["plain"],
    "plain at 50 columns (multiline table)": ["plain", "--columns=50"],
    "markdown grid table": ["markdown-simple_tables-multiline_tables-pipe_tables"],
    "markdown multiline table": ["markdown-simple_tables-grid_tables-pipe_tables"],
    "markdown simple table": ["markdown-multiline_tables-grid_tables-pipe_tables"],
    "gfm pipe table": ["gfm"],
}


def only_table(text: str) -> TableBlock:
    parsed = parse(text, "text")
    tables = [b for b in parsed.blocks if isinstance(b, TableBlock)]
    assert len(tables) == 1, parsed.blocks
    return tables[0]


def assert_grid(table: TableBlock, expected: Grid = (ROWS, CITATIONS)) -> None:
    rows, citations = expected
    assert [c.text for c in table.header_inline] == HEADER
    assert [[c.text for c in row] for row in table.rows_inline] == rows
    assert [[c.citations for c in row] for row in table.rows_inline] == citations


@pytest.mark.parametrize("name", sorted(PANDOC_FORMATS))
def test_every_pandoc_table_format_gives_the_grid(name: str) -> None:
    fmt, *args = PANDOC_FORMATS[name]
    text = str(pypandoc.convert_text(TABLE_HTML, fmt, format="html", extra_args=args))
    bordered = name in ("markdown grid table", "gfm pipe table")
    assert_grid(only_table(f"Kinase Potency\n\n{text}\nValues are means.\n"),
                (ROWS, CITATIONS) if bordered else LAID_OUT)


def test_tab_separated_rows() -> None:
    rows = [HEADER, ["JAK1", "5.9 [3]", ROWS[0][2]], ["JAK3", ">400", ""]]
    assert_grid(only_table("\n".join("\t".join(r) for r in rows) + "\n"))


def test_columns_aligned_by_spaces() -> None:
    text = (
        "Kinase   IC50 (nM)   Notes\n"
        f"JAK1     5.9 [3]     {ROWS[0][2]}\n"
        "JAK3     >400\n"
    )
    table = only_table(text)
    assert_grid(table, LAID_OUT)
    assert table.row_lines == (2, 3)


def test_rows_whose_columns_do_not_line_up_stay_text_with_a_warning() -> None:
    text = (
        "Kinase   IC50 (nM)   Selectivity   Notes\n"
        "JAK1  5.9   high   enzyme\n"
        "JAK3      >400      low    cellular\n"
    )
    parsed = parse(text, "text")
    assert not any(isinstance(b, TableBlock) for b in parsed.blocks)
    assert [(i.severity, i.line) for i in parsed.issues] == [("warning", 1)]
    assert "do not line up" in parsed.issues[0].message


def test_prose_with_double_spaces_is_not_a_table() -> None:
    text = "One sentence.  Another sentence.\nA second line.  With two.\nA third line of it.\n"
    parsed = parse(text, "text")
    assert not any(isinstance(b, TableBlock) for b in parsed.blocks) and not parsed.issues


@pytest.mark.parametrize("text", [
    # Without outer pipes an empty last cell needs its own pipe: "| >400 |" alone ends the row.
    "Kinase | IC50 (nM) | Notes\n---|---|---\nJAK1 | 5.9 [3] | {n}\nJAK3 | >400 | |\n",
    "| Kinase | IC50 (nM) | Notes |\n|:--|--:|---|\n| JAK1 | 5.9 \\[3\\] | {n} |\n| JAK3 | \\>400 | |\n",
], ids=["no outer pipes", "outer pipes, aligned, escaped"])
def test_pipe_tables(text: str) -> None:
    assert_grid(only_table(text.replace("{n}", ROWS[0][2])))


def test_escaped_pipe_stays_in_its_cell() -> None:
    table = only_table("| Reagent | Use |\n|---|---|\n| A \\| B | both |\n| C | one |\n")
    assert [[c.text for c in row] for row in table.rows_inline] == [["A | B", "both"], ["C", "one"]]


def test_a_short_last_row_of_a_laid_out_table_is_a_row_not_a_cut() -> None:
    text = ("# Kinases\n\nIntro text of the guide here.\n\n"
            "Kinase   IC50 (nM)   Notes\n"
            f"JAK1     5.9 [3]     {ROWS[0][2]}\n"
            "JAK3     >400\n\nValues are means.\n")
    doc = extract(text.encode(), "sources/kinases.txt")
    assert [[c.text for c in doc.records.table_cells if c.row_index == r] for r in (0, 1)] == LAID_OUT[0]
    assert "table row has 2 cells but the header has 3; the row is kept short" in [
        i.message for i in doc.issues]
    assert not any("cut off" in i.message for i in doc.issues)
