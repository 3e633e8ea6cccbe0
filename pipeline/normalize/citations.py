"""Citations: one record per marker, numbered in document order.

This rule runs last: by then each block's role is known (a caption, a
protocol field, a table legend), so every marker gets the right location.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.blocks import HeadingBlock, TableBlock
from pipeline.normalize.model import Citation, Draft

DEFAULT_LOCATION = {"paragraph": "paragraph", "list_item": "list item", "heading": "heading"}


def extract_citations(draft: Draft) -> Draft:
    found: list[tuple[int, str | None, str, int]] = []  # number, section, location, line
    for i, block in enumerate(draft.blocks):
        section_id = draft.block_sections[i]
        location = draft.locations.get(i, DEFAULT_LOCATION.get(block.kind, block.kind))
        if location == "reference":
            continue
        if isinstance(block, TableBlock):
            for cell in block.header_inline:
                found.extend((n, section_id, "table header", block.line_start) for n in cell.citations)
            for row, line in zip(block.rows_inline, block.row_lines, strict=True):
                for cell in row:
                    found.extend((n, section_id, "table cell", line) for n in cell.citations)
            continue
        if isinstance(block, HeadingBlock):
            location = "heading"
        found.extend((n, section_id, location, block.line_start) for n in block.inline.citations)
    citations = tuple(
        Citation(ordinal=k, number=n, section_id=s, location=loc, line=line)
        for k, (n, s, loc, line) in enumerate(found, start=1)
    )
    return replace(draft, citations=citations)
