"""Lines to logical blocks by the evidence of the layout, whatever the file is called.

The same guide reaches us with blocks separated by blank lines or by nothing,
with each paragraph on one line or hard-wrapped at a fixed width. This module
rewrites a text into one logical line per block with a blank line between
blocks, and keeps a map back to the source lines, so that the Markdown
tokenizer reads every layout alike:

- a line is a block of its own (blank lines are optional everywhere), except
- in a text that separates its blocks by blank lines, a line break inside a
  block is soft (CommonMark's reading): the lines between blank lines are one
  block unless a line's own form opens a block of its own (a list item, a
  field line, a table row, a heading) -- one sentence per line, a converter's
  kept source breaks and wrapping at any width alike;
- in a hard-wrapped text without blank lines between its blocks, a line that
  the wrapper broke (the next word would not have fit in the width) continues
  on the next line; list items with their hanging indent included;
- a list marker alone on its line takes the next line as its text;
- the rows of a pipe table, a setext heading's underline and a fenced code
  block stay together as they are.

Both are decided once per document from evidence (``line_breaks``), never from
the file's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.parse.line_breaks import (
    FENCE,
    HARD_BREAK,
    LIST_START,
    MAX_SETEXT_CHARS,
    UNDERLINE,
    continues,
    is_prose,
    joins,
    pipe_table_lines,
)

# A list marker alone on its line: the item's text is on the next line.
_LONE_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s*$")

_HTML_START = re.compile(r"^\s{0,3}</?[A-Za-z][\w-]*+(?:\s|/?>|$)")  # an HTML block opens (CommonMark)
_BROKEN_AT_HYPHEN = re.compile(r"[A-Za-z0-9]-$")  # "internal-" / "standard": one word


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    start: int  # 1-based source line of its first part
    end: int  # 1-based source line of its last part
    kept: bool = False  # a line of an HTML block: it stays under the line above, as written


@dataclass(frozen=True, slots=True)
class Layout:
    """The text rewritten one block per line, and each rewritten line's source lines."""

    text: str
    spans: tuple[tuple[int, int], ...]  # per rewritten line (0-based): first and last source line

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source lines (1-based, inclusive) of rewritten lines ``start``..``end`` (0-based, exclusive)."""
        return self.spans[start][0], self.spans[max(start, end - 1)][1]


def relayout(lines: Sequence[str], width: int | None, first_line: int = 1, *,
             soft: bool = False, tables: set[int] | None = None) -> Layout:
    """One logical line per block, blank lines between blocks, pipe tables kept whole.

    ``lines`` are source lines from ``first_line`` (1-based) on; ``width`` is the
    document's wrapping width (``wrap_width``), None when its lines are blocks;
    ``soft``: the document separates its blocks by blank lines (``separates_blocks``);
    ``tables``: the pipe-table lines of ``lines`` when the caller has found them already.
    """
    logical = [Line(line.text, line.start + first_line - 1, line.end + first_line - 1, line.kept)
               for line in logical_lines(lines, width, soft=soft, tables=tables)]
    table_rows = pipe_table_lines([line.text for line in logical])
    fenced = _fenced(logical)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, line in enumerate(logical):
        if out and not (fenced[i] or line.kept or _stays_with_previous(logical, i, table_rows)):
            out.append("")
            spans.append((line.start, line.start))
        out.append(line.text)
        spans.append((line.start, line.end))
    return Layout("\n".join(out), tuple(spans))


def logical_lines(lines: Sequence[str], width: int | None, *, soft: bool = False,
                  tables: set[int] | None = None) -> list[Line]:
    """Non-blank lines as blocks; between blank lines in a ``soft`` text, a block's lines are
    one (an HTML block's lines stay as written, up to the blank line that ends it); in
    wrapped text a full line takes the next one with it."""
    out: list[tuple[list[str], int, int, bool]] = []  # parts (joined once, at the end), span, kept
    in_fence = in_html = False
    tables = pipe_table_lines(lines) if tables is None else tables
    for number, raw in enumerate(lines, start=1):
        if FENCE.match(raw):
            in_fence = not in_fence
        if not raw.strip() and not in_fence:
            in_html = False
            continue
        parts, start, end, _ = out[-1] if out else ([], 0, 0, False)
        follows = bool(parts) and end == number - 1  # no blank line between it and the last
        if in_html and follows:
            out.append(([raw.rstrip()], number, number, True))
            continue
        if soft and not follows and _HTML_START.match(raw):
            in_html = True
        if follows and len(parts) == 1 and _LONE_MARKER.match(parts[0]) \
                and continues(raw) and not _is_underline_of(lines, start):
            parts[0] = parts[0].rstrip()
            parts.append(f" {raw.strip()}")
            out[-1] = (parts, start, number, False)
            continue
        if (follows and not in_fence and not in_html and not {number - 2, number - 1} & tables
                and joins(lines, number - 2, width, soft)):
            _join(parts, raw.strip())
            out[-1] = (parts, start, number, False)
            continue
        out.append(([HARD_BREAK.sub("", raw.rstrip())], number, number, False))
    return [Line("".join(parts), start, end, kept) for parts, start, end, kept in out]


def _join(parts: list[str], more: str) -> None:
    """A wrapped line's parts take its continuation; a word the wrapper broke at its hyphen is
    whole again. Only the last part is looked at, so a long paragraph joins in linear time."""
    last = HARD_BREAK.sub("", parts[-1].rstrip())
    parts[-1] = last
    more = HARD_BREAK.sub("", more)
    parts.append(more if _BROKEN_AT_HYPHEN.search(last[-2:]) else f" {more}")


def _is_underline_of(lines: Sequence[str], number: int) -> bool:
    """Line ``number`` (1-based) underlines the text line above it (a setext heading)."""
    above = lines[number - 2] if number >= 2 else ""
    return bool(UNDERLINE.match(lines[number - 1])) and is_prose(above) \
        and not LIST_START.match(above)


def _stays_with_previous(lines: Sequence[Line], i: int, table_rows: set[int]) -> bool:
    """No blank line before ``lines[i]``: the next row of a table, a setext underline."""
    if i in table_rows and i - 1 in table_rows:
        return True
    above = lines[i - 1].text
    return bool(UNDERLINE.match(lines[i].text) and is_prose(above)
                and not LIST_START.match(above) and len(above.strip()) <= MAX_SETEXT_CHARS)


def _fenced(lines: Sequence[Line]) -> list[bool]:
    """Per line: inside a fenced code block, after its opening fence (kept as written)."""
    flags: list[bool] = []
    inside = False
    for line in lines:
        flags.append(inside)
        if FENCE.match(line.text):
            inside = not inside
    return flags
