"""The Markdown tokenizer: markdown-it-py's block phase to the block vocabulary.

Only the block phase runs: the core ``inline`` rule is disabled because inline
text is read by ``pipeline.inline`` (one set of inline rules for every
format), so building inline tokens here would be work thrown away. Indented
code blocks are off: text dumps and converters indent continuation lines and
tables freely, and a guide holds no code whose indentation means anything.

HTML blocks a converter leaves in Markdown (pandoc's ``<figure>``) are read by
the HTML parser, so they give the blocks the page would.

Two rules of the guide family that CommonMark does not know:
- a table ends at the first line without a pipe, blank line or not (GFM
  would read that line as one more row); the lines after it are parsed again;
- a bare "Label:" list item owns the sibling items after it that are not
  labels (``pipeline/parse/lists.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock, TableBlock
from pipeline.errors import Issue
from pipeline.parse import html
from pipeline.parse.line_breaks import UNESCAPED_PIPE
from pipeline.parse.lists import nest_under_labels

_LIST_OPEN = frozenset({"bullet_list_open", "ordered_list_open"})
_LIST_CLOSE = frozenset({"bullet_list_close", "ordered_list_close"})


@cache
def markdown_parser() -> MarkdownIt:
    """A block-only CommonMark parser with GFM tables and HTML blocks."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "code"])


def read_blocks(text: str) -> tuple[list[Block], list[Issue]]:
    """All blocks of ``text``, with the family's table and list rules, and what its HTML
    blocks' parser had to say (lines counted in ``text``)."""
    source = _Source(text.split("\n"), markdown_parser(), [])
    return source.blocks(0, len(source.lines)), source.issues


@dataclass(frozen=True, slots=True)
class _Source:
    lines: list[str]
    md: MarkdownIt
    issues: list[Issue]

    def blocks(self, start: int, end: int) -> list[Block]:
        """Blocks of source lines ``start``..``end`` (0-based, end exclusive)."""
        segment = "\n".join(self.lines[start:end])
        tokens = self.md.parse(segment)
        if start:
            for tok in tokens:
                if tok.map is not None:
                    tok.map = [tok.map[0] + start, tok.map[1] + start]
        out: list[Block] = []
        i = 0
        while i < len(tokens):
            i, found = self.read_block(tokens, i, depth=0)
            out.extend(found)
        return out

    def read_block(self, tokens: Sequence[Token], i: int, depth: int) -> tuple[int, list[Block]]:
        """Read the block starting at ``tokens[i]``; return the next index and its blocks."""
        tok = tokens[i]
        if tok.type == "heading_open":
            start, end = _span(tok)
            return i + 3, [HeadingBlock(tokens[i + 1].content.strip(), int(tok.tag[1]), start, end)]
        if tok.type == "paragraph_open":
            start, end = _span(tok)
            return i + 3, [ParagraphBlock(tokens[i + 1].content, start, end)]
        if tok.type == "table_open":
            return self.read_table(tokens, i)
        if tok.type in _LIST_OPEN:
            i, blocks = self.read_list(tokens, i, depth)
            return i, list(nest_under_labels(blocks)) if depth == 0 else blocks
        if tok.type == "html_block":
            start, _ = _span(tok)
            fragment = html.parse(tok.content)
            self.issues.extend(replace(issue, line=issue.line + start - 1) if issue.line else issue
                               for issue in fragment.issues)
            return i + 1, [_shifted(b, start - 1) for b in fragment.blocks]
        if tok.type in ("fence", "code_block"):
            start, end = _span(tok)
            return i + 1, [ParagraphBlock(tok.content.rstrip("\n"), start, end)]
        return i + 1, []  # hr, blockquote and other wrappers: their paragraphs are read on their own

    def read_table(self, tokens: Sequence[Token], i: int) -> tuple[int, list[Block]]:
        start, end = _span(tokens[i])
        header: tuple[str, ...] = ()
        rows: list[tuple[str, ...]] = []
        row_lines: list[int] = []
        row: list[str] = []
        in_head = False
        j = i + 1
        while tokens[j].type != "table_close":
            tok = tokens[j]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                row = []
                if not in_head:
                    row_lines.append(_span(tok)[0])
            elif tok.type == "inline":
                row.append(tok.content.strip())
            elif tok.type == "tr_close":
                if in_head:
                    header = tuple(row)
                else:
                    rows.append(tuple(row))
            j += 1
        cut = next((k for k, line in enumerate(row_lines) if "|" not in self.lines[line - 1]), None)
        after: list[Block] = []
        if cut is not None:  # the table ended at a line without a pipe; read the rest again
            after = self.blocks(row_lines[cut] - 1, end)
            rows, row_lines, end = rows[:cut], row_lines[:cut], row_lines[cut] - 1
        widths = [_width(self.lines[line - 1]) for line in row_lines]
        rows = [row[:n] for row, n in zip(rows, widths, strict=True)]  # GFM pads; no cell is made up
        if widths and _cut_at_end(self.lines, start, row_lines[-1]):
            widths[-1] -= 1  # its last cell is cut short: the row counts as incomplete
        table = TableBlock(header, tuple(rows), tuple(row_lines), start, end, tuple(widths))
        return j + 1, [table, *after]

    def read_list(self, tokens: Sequence[Token], i: int, depth: int) -> tuple[int, list[Block]]:
        """Read one list (``tokens[i]`` opens it) into items with their nesting depth.

        An item whose first line opens a nested list ("- 1. Title") is one item, not
        an empty item with a child: the inner item stands for it, at its depth.
        Blocks inside an item after its own text (a nested list, a table, a later
        paragraph) follow it in document order; nothing inside an item is dropped.
        """
        blocks: list[Block] = []
        i += 1
        while tokens[i].type not in _LIST_CLOSE:
            item_tok = tokens[i]
            start, end = _span(item_tok)
            number = int(item_tok.info) if item_tok.info.isdigit() else None
            texts: list[str] = []
            emitted = False
            i += 1
            while tokens[i].type != "list_item_close":
                tok = tokens[i]
                if tok.type == "paragraph_open" and not emitted:
                    texts.append(tokens[i + 1].content)
                    i += 3
                    continue
                if tok.type in _LIST_OPEN and not texts and not emitted and _span(tok)[0] == start:
                    i, inner = self.read_list(tokens, i, depth)
                    blocks.extend(inner)
                    emitted = True
                    continue
                if not emitted:
                    blocks.append(ListItemBlock("\n".join(texts), depth, number, start, end))
                    emitted = True
                i, inner = self.read_block(tokens, i, depth + 1)
                blocks.extend(inner)
            if not emitted:
                blocks.append(ListItemBlock("\n".join(texts), depth, number, start, end))
            i += 1
        return i + 1, blocks


def _shifted(block: Block, offset: int) -> Block:
    """A block of an HTML fragment with its lines counted from the Markdown source's."""
    if isinstance(block, TableBlock):
        return replace(block, line_start=block.line_start + offset, line_end=block.line_end + offset,
                       row_lines=tuple(n + offset for n in block.row_lines))
    return replace(block, line_start=block.line_start + offset, line_end=block.line_end + offset)


def _span(tok: Token) -> tuple[int, int]:
    assert tok.map is not None, f"markdown-it gave {tok.type} no line map"
    return tok.map[0] + 1, tok.map[1]


def _cut_at_end(lines: Sequence[str], header_line: int, last_row: int) -> bool:
    """The text ends inside the table's last row: the header closes with a pipe, the last
    row (the last line of the text) does not."""
    rest = lines[last_row:]
    return (not any(line.strip() for line in rest)
            and lines[header_line - 1].rstrip().endswith("|")
            and not lines[last_row - 1].rstrip().endswith("|"))


def _width(line: str) -> int:
    """Cells in one pipe-table row as written, outer pipes not counted."""
    parts = UNESCAPED_PIPE.split(line.strip())
    if parts and not parts[0].strip():
        parts = parts[1:]
    if parts and not parts[-1].strip() and line.rstrip().endswith("|"):
        parts = parts[:-1]
    return len(parts)
