"""Text and Markdown to blocks: one reading for every layout a guide is saved in.

A plain-text dump, a hand-written Markdown file and a converter's output differ
in layout and in how much they mark up, not in what they are. So they share
one parser: the layout is rewritten one block per line (``layout``), the
Markdown tokenizer reads blocks, tables and lists (``markdown``), and headings
come from markup where the source marks its sections up and are inferred
where it does not (``headings``). The file's suffix and sniffed format choose
nothing here.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.blocks import Block, Parsed, TableBlock
from pipeline.errors import Issue
from pipeline.parse.headings import mark_headings
from pipeline.parse.layout import Layout, relayout
from pipeline.parse.line_breaks import pipe_table_lines, separates_blocks, wrap_width
from pipeline.parse.lists import TEXT_BULLET
from pipeline.parse.markdown import read_blocks
from pipeline.parse.plain_tables import find_tables


def parse(text: str) -> Parsed:
    """Blocks of a text or Markdown guide, with source line numbers."""
    lines = TEXT_BULLET.sub(r"\1- ", text).split("\n")
    tables, issues = find_tables(lines)
    inside = {k for t in tables for k in range(t.start, t.end)}
    body = [line for k, line in enumerate(lines) if k not in inside]
    body_tables = pipe_table_lines(body)  # the two layout readings share one scan
    width, soft = wrap_width(body, body_tables), separates_blocks(body, body_tables)
    blocks: list[Block] = []
    position = 0
    for table in tables:
        blocks.extend(_blocks(lines[position:table.start], position + 1, width, soft, issues))
        blocks.append(table.block)
        position = table.end
    # Without pipe-less tables the last run of lines is the body, whose pipe tables are known.
    blocks.extend(_blocks(lines[position:], position + 1, width, soft, issues,
                          None if tables else body_tables))
    return Parsed(tuple(mark_headings(blocks)), tuple(issues))


def _blocks(lines: list[str], first_line: int, width: int | None, soft: bool,
            issues: list[Issue], tables: set[int] | None = None) -> list[Block]:
    """Blocks of the lines between pipe-less tables, by the Markdown tokenizer; what its
    HTML blocks' parser says goes to ``issues``, at the source's lines."""
    if not any(line.strip() for line in lines):
        return []
    layout = relayout(lines, width, first_line, soft=soft, tables=tables)
    blocks, found = read_blocks(layout.text)
    issues.extend(replace(i, line=layout.source_span(i.line - 1, i.line)[0]) if i.line else i
                  for i in found)
    return [_to_source_lines(b, layout) for b in blocks]


def _to_source_lines(block: Block, layout: Layout) -> Block:
    """The block with the relaid text's line numbers turned back into the source's."""
    start, end = layout.source_span(block.line_start - 1, block.line_end)
    if isinstance(block, TableBlock):
        rows = tuple(layout.spans[line - 1][0] for line in block.row_lines)
        return replace(block, line_start=start, line_end=end, row_lines=rows)
    return replace(block, line_start=start, line_end=end)
