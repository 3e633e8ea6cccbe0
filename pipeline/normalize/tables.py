"""Tables: title, legend notes and typed cells.

A table's title is its own caption (HTML ``<caption>``), else the nearest heading
(or ``Table N:`` caption, which the parsers give as a heading) above it,
paragraphs in between notwithstanding; its notes are the legend paragraph
directly under it. Every body cell becomes a typed cell, the row-label column
included, with the span the parser recorded for it (HTML grids). A table the
parser found inside another's cell names that table and cell.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pipeline.blocks import GridCell, HeadingBlock, ParagraphBlock, TableBlock
from pipeline.errors import Issue
from pipeline.inline import clean_inline
from pipeline.normalize.figures import CAPTION
from pipeline.normalize.model import Cell, Draft, Table
from pipeline.normalize.sections import TABLE_CAPTION, section_path
from pipeline.normalize.values import parse_cell

_PLAIN = GridCell()  # a cell of a table without spans
MAX_LABEL_CHARS = 80  # "Results at week 12:" above a table is its label; a long sentence is not


def extract_tables(draft: Draft) -> Draft:
    sections = {s.section_id: s for s in draft.sections}
    per_section: dict[str | None, int] = {}
    tables: list[Table] = []
    issues: list[Issue] = []
    locations = dict(draft.locations)
    titles = _titles(draft)
    ids: dict[tuple[int, int], str] = {}  # a parser's table key -> its table_id
    for i, raw_block in enumerate(draft.blocks):
        if not isinstance(raw_block, TableBlock):
            continue
        block, found = check_rows(raw_block)
        issues.extend(found)
        section_id = draft.block_sections[i]
        per_section[section_id] = per_section.get(section_id, 0) + 1
        table_id = f"{section_id or 'document'}-table-{per_section[section_id]}"
        if block.key is not None:
            ids[block.key] = table_id
        parent = block.parent if block.parent is not None and block.parent[0] in ids else None
        caption = clean_inline(block.caption).text if block.caption else None
        notes_index = _notes_index(draft, i)
        if notes_index is not None:
            locations.setdefault(notes_index, "paragraph")
        notes_block = draft.blocks[notes_index] if notes_index is not None else None
        assert notes_block is None or isinstance(notes_block, ParagraphBlock)
        tables.append(
            Table(
                table_id=table_id,
                section_id=section_id,
                section_path=section_path(sections, section_id),
                title=caption or titles[i],
                n_rows=len(block.rows),
                n_cols=len(block.header),
                notes=notes_block.inline.text if notes_block else None,
                line_start=block.line_start,
                header=tuple(h.text for h in block.header_inline),
                cells=tuple(_cells(block, issues)),
                parent_table_id=ids[parent[0]] if parent else None,
                parent_row_index=parent[1] if parent else None,
                parent_col_index=parent[2] if parent else None,
            )
        )
    return replace(draft, tables=tuple(tables), locations=locations,
                   issues=draft.issues + tuple(issues))


def check_rows(block: TableBlock) -> tuple[TableBlock, list[Issue]]:
    """Rows whose cell count differs from the header's: a short last row is a table cut
    off mid-row (dropped, the complete rows kept); any other short row is kept short (no
    cell is made up), a long one is cut to the header; each is said."""
    width = len(block.header)
    issues: list[Issue] = []
    widths = block.row_widths or tuple(len(r) for r in block.rows)
    if block.rows and widths[-1] < width and not block.closed:
        issues.append(Issue("normalize", "warning",
                            f"table cut off in its last row ({widths[-1]} of {width} cells); "
                            "the complete rows are kept", block.row_lines[-1]))
        block = replace(block, rows=block.rows[:-1], row_lines=block.row_lines[:-1],
                        row_widths=widths[:-1])
        widths = widths[:-1]
    for line, n in zip(block.row_lines, widths, strict=True):
        if n != width:
            issues.append(Issue("normalize", "warning",
                                f"table row has {n} cells but the header has {width}; "
                                + ("the row is kept short" if n < width
                                   else "cells past the header are dropped"), line))
    if any(len(row) > width for row in block.rows):
        block = replace(block, rows=tuple(row[:width] for row in block.rows),
                        grid=tuple(row[:width] for row in block.grid))
    if not block.rows:
        issues.append(Issue("normalize", "warning", "table has a header but no body rows",
                            block.line_start))
    labels = Counter(h.text for h in block.header_inline)
    for label in sorted(x for x, n in labels.items() if x and n > 1):
        issues.append(Issue("normalize", "warning",
                            f"table header label {label!r} appears {labels[label]} times; "
                            "cells keep their column index", block.line_start))
    return block, issues


def _titles(draft: Draft) -> list[str | None]:
    """Per block, the title a table there would take: the nearest heading, "Table N:"
    caption or short label line above it (one pass, however many tables)."""
    titles: list[str | None] = []
    title: str | None = None
    for block in draft.blocks:
        titles.append(title)
        if isinstance(block, HeadingBlock):
            title = block.inline.text.rstrip(":").strip() or None
        elif isinstance(block, ParagraphBlock):
            text = block.inline.text
            if TABLE_CAPTION.match(text) or (text.endswith(":") and len(text) <= MAX_LABEL_CHARS):
                title = text.rstrip(":").strip() or None
    return titles


def _cells(block: TableBlock, issues: list[Issue]) -> list[Cell]:
    """Every body cell, typed; a number no float can hold is a warning in ``issues``."""
    header = [h.text for h in block.header_inline]
    cells: list[Cell] = []
    for r, (clean_row, line) in enumerate(zip(block.rows_inline, block.row_lines, strict=True)):
        row_label = clean_row[0].text if clean_row else ""
        for c, inline in enumerate(clean_row):
            column_label = header[c] if c < len(header) else ""
            typed = parse_cell(inline.text, column_label, row_label if c else "")
            spans = block.grid[r][c] if block.grid else _PLAIN
            if typed.problem is not None:
                issues.append(Issue("normalize", "warning", typed.problem, line))
            cells.append(
                Cell(
                    row_index=r,
                    col_index=c,
                    row_label=row_label,
                    column_label=column_label,
                    text=inline.text,
                    citations=tuple(dict.fromkeys(inline.citations)),  # first appearance
                    line=line,
                    value=typed.value,
                    unit=typed.unit,
                    comparator=typed.comparator,
                    uncertainty=typed.uncertainty,
                    value_low=typed.value_low,
                    value_high=typed.value_high,
                    p_value=typed.p_value,
                    p_comparator=typed.p_comparator,
                    missing=typed.missing,
                    row_span=spans.row_span,
                    col_span=spans.col_span,
                    span_origin=spans.origin,
                    row_header=spans.row_header,
                )
            )
    return cells


def _notes_index(draft: Draft, index: int) -> int | None:
    """The legend paragraph directly under a table, if there is one."""
    following = index + 1
    if following >= len(draft.blocks):
        return None
    block = draft.blocks[following]
    if isinstance(block, ParagraphBlock) and not CAPTION.match(block.inline.text):
        return following
    return None
