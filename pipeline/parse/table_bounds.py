"""Tables bounded by their source: columns per table and cells per document capped.

A table never holds a cell its source does not give (no parser pads a short row),
so its size follows the file's; these caps bound what one file can ask of the run
all the same (a row a hundred thousand tabs wide is under a megabyte). Past a
cap the table is cut, never dropped, with a warning: its first columns and rows
are kept, as are the document's other records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.blocks import Block, TableBlock
from pipeline.errors import Issue

MAX_TABLE_COLUMNS = 1000  # the HTML standard's cap on colspan; a guide's tables have under 20
MAX_DOCUMENT_CELLS = 20_000  # body cells of all a document's tables; a guide has under 200


def bounded_tables(blocks: Sequence[Block]) -> tuple[list[Block], list[Issue]]:
    """``blocks`` with each table cut to ``MAX_TABLE_COLUMNS`` and the document's tables to
    ``MAX_DOCUMENT_CELLS`` body cells in all, and a warning for each cut."""
    budget = MAX_DOCUMENT_CELLS
    out: list[Block] = []
    issues: list[Issue] = []
    for block in blocks:
        if isinstance(block, TableBlock):
            block = _narrowed(block, issues)
            block = _shortened(block, budget, issues)
            budget -= sum(map(len, block.rows))
        out.append(block)
    return out, issues


def _narrowed(table: TableBlock, issues: list[Issue]) -> TableBlock:
    width = max(len(table.header), max(map(len, table.rows), default=0))
    if width <= MAX_TABLE_COLUMNS:
        return table
    issues.append(Issue("parse", "warning", f"table is {width:,} columns wide; only its first "
                        f"{MAX_TABLE_COLUMNS:,} are read", table.line_start))
    return replace(table, header=table.header[:MAX_TABLE_COLUMNS],
                   rows=tuple(row[:MAX_TABLE_COLUMNS] for row in table.rows),
                   row_widths=tuple(min(n, MAX_TABLE_COLUMNS) for n in table.row_widths),
                   grid=tuple(row[:MAX_TABLE_COLUMNS] for row in table.grid))


def _shortened(table: TableBlock, budget: int, issues: list[Issue]) -> TableBlock:
    kept, cells = 0, 0
    for row in table.rows:
        if cells + len(row) > budget:
            break
        kept, cells = kept + 1, cells + len(row)
    if kept == len(table.rows):
        return table
    issues.append(Issue("parse", "warning", f"the document's tables hold more than "
                        f"{MAX_DOCUMENT_CELLS:,} cells; this table's rows past its first {kept:,} "
                        "were not read", table.line_start))
    return replace(table, rows=table.rows[:kept], row_lines=table.row_lines[:kept],
                   row_widths=table.row_widths[:kept], grid=table.grid[:kept], closed=True)
