"""A PDF guide to blocks: its text layer's geometry read back into the block vocabulary.

A PDF holds no blocks, only words placed on pages. The blocks are recovered from the
geometry by evidence, per document, and made directly as the other parsers make them;
the rules every parser shares (``nest_under_labels``, ``mark_headings``) then run, so
every normalize rule applies unchanged. The steps, one module each:

- ``pdf_pages`` reads each page's runs of words, ruling lines and drawn bullets
  (in a guarded child process, ``pdf_guard``);
- ``pdf_running`` drops running heads, feet and page numbers;
- ``pdf_tables`` finds the runs of lines set in columns; they become table blocks
  as the tab-separated reader gives them;
- ``pdf_blocks`` joins the other lines into paragraphs, headings and list items;
- ``pdf_words`` joins a block's or a cell's lines into one line of text.

This module puts them together, and joins a block or a table that a page break cut
in two. Every block keeps its lines: a PDF's lines are numbered through the document,
page after page, until the records are built (``validate`` gives them as page and
line within the page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.blocks import Block, Parsed, TableBlock
from pipeline.parse.headings import mark_headings
from pipeline.parse.lists import nest_under_labels
from pipeline.parse.pdf_blocks import (
    Body,
    LineBlock,
    body_of,
    goes_on,
    heading_levels,
    left_edge,
    line_blocks,
    text_block,
)
from pipeline.parse.pdf_guard import guarded
from pipeline.parse.pdf_pages import read_pages
from pipeline.parse.pdf_running import without_running_text
from pipeline.parse.pdf_runs import Run, unspaced
from pipeline.parse.pdf_tables import Cell, Table, find_tables
from pipeline.parse.pdf_words import join_lines, mid_sentence, word_forms


@dataclass(frozen=True, slots=True)
class PdfText:
    """What a PDF's text layer gave: its blocks and where each page's lines start."""

    parsed: Parsed
    page_starts: tuple[int, ...]  # the document line of each page's first line (1-based)


def parse(data: bytes) -> PdfText:
    """Blocks of a PDF guide, each with its document lines."""
    import pypdfium2  # noqa: F401 -- loaded here, once, not in every reader's child process

    pages = guarded(read_pages, data)
    starts, first = [], 1
    for page in pages:
        starts.append(first)
        first += page.line_count
    kept = [[r._replace(line=r.line + start - 1) for r in runs]
            for runs, start in zip(without_running_text(pages), starts, strict=True)]
    bulleted = {k + start - 1: x for page, start in zip(pages, starts, strict=True)
                 for k, x in page.bullets.items()}
    blocks = mark_headings(list(nest_under_labels(_read_blocks(kept, [p.rules for p in pages], bulleted))))
    return PdfText(Parsed(tuple(blocks)), tuple(starts))


def page_texts(data: bytes) -> list[list[str]]:
    """Each page's text, line by line, as the reader numbers the lines records give."""
    import pypdfium2  # noqa: F401 -- loaded once, before the reader's child is forked

    return [page.lines() for page in guarded(read_pages, data)]


def _read_blocks(pages: list[list[Run]], rules: Sequence[Sequence[float]],
                 bulleted: Mapping[int, float]) -> list[Block]:
    """The document's blocks, in reading order, each with its document lines."""
    body = body_of(pages)
    words = word_forms(pages)
    items: list[tuple[int, LineBlock | Table]] = []
    ends_in_table = False
    for number, runs in enumerate(pages):
        tables, rest = find_tables(runs, body.line_step, rules[number], ends_in_table)
        ends_in_table = bool(tables) and (not rest or tables[-1].lines[-1][1] > rest[-1].line)
        items.extend((number, t) for t in tables)
        items.extend((number, b) for b in line_blocks(rest, body, bulleted))
    items.sort(key=lambda item: _first_line(item[1]))
    items = _join_continued_tables(_join_continued_blocks(items, bulleted, body))
    headings = heading_levels([b for _, b in items if isinstance(b, LineBlock) and b.kind == "heading"])
    return [_table_block(item, words) if isinstance(item, Table) else text_block(item, words, headings)
            for _, item in items]


def _table_block(table: Table, words: set[str]) -> TableBlock:
    """A table as the tab-separated reader gives it: the first row the header, every row as
    wide as the columns (the layout closes each row), each row at its first line."""
    header, *rows = (tuple(join_lines(cell, words) for cell in row) for row in table.rows)
    return TableBlock(header, tuple(rows), tuple(first for first, _ in table.lines[1:]),
                      table.lines[0][0], table.lines[-1][1], tuple(len(r) for r in rows), closed=True)


def _first_line(item: LineBlock | Table) -> int:
    return item.runs[0].line if isinstance(item, LineBlock) else item.lines[0][0]


def _join_continued_blocks(items: list[tuple[int, LineBlock | Table]], bulleted: Mapping[int, float],
                           body: Body) -> list[tuple[int, LineBlock | Table]]:
    """A block that ends one page full and goes on at the top of the next is one block, when the
    text says so too: a page break gives no line spacing to go by, and a line that fills the
    page's last line (a heading set as a paragraph) may end its block. So the break must fall
    inside a sentence, as ``mid_sentence`` reads it."""
    out: list[tuple[int, LineBlock | Table]] = []
    for page, item in items:
        before = out[-1][1] if out else None
        if (isinstance(item, LineBlock) and isinstance(before, LineBlock) and page != out[-1][0]
                and item.kind != "heading" and before.kind != "heading"
                and item.runs[0].line not in bulleted
                and goes_on(before.runs[-1], item.runs[0], left_edge(before.runs), body)
                and mid_sentence(before.runs[-1].text, item.runs[0].text)):
            before.runs.extend(item.runs)
            out[-1] = (page, before)
            continue
        out.append((page, item))
    return out


def _join_continued_tables(items: list[tuple[int, LineBlock | Table]]) -> list[tuple[int, LineBlock | Table]]:
    """A table that ends one page and goes on at the top of the next as a table of as many
    columns is one table; the header row it repeats there is dropped."""
    out: list[tuple[int, LineBlock | Table]] = []
    for page, item in items:
        before = out[-1][1] if out else None
        if isinstance(item, Table) and isinstance(before, Table) and before.width == item.width \
                and page != out[-1][0]:
            rows = item.rows[1:] if _row_text(item.rows[0]) == _row_text(before.rows[0]) else item.rows
            lines = item.lines[len(item.rows) - len(rows):]
            out[-1] = (page, Table(before.rows + rows, before.lines + lines, before.width))
            continue
        out.append((page, item))
    return out


def _row_text(row: Sequence[Cell]) -> str:
    """A row's text as a header repeated on the next page gives it again (``unspaced``)."""
    return unspaced("".join(r.text for cell in row for line in cell for r in line))
