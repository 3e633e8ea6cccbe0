"""The closed block vocabulary every parser emits.

Whatever the input format, a guide becomes a flat ``list[Block]`` in document
order. Inline text stays raw (Markdown-style inline markup and citation markers
included): cleaning it is the normalize stage's job, so every format shares one
set of inline rules. Line numbers are 1-based and refer to the source file.

Internal stage models are frozen dataclasses rather than Pydantic models: they
never leave the process, and plain slots classes keep the hot path cheap. The
output contract, which does leave it, is Pydantic (``schemas/records.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HeadingBlock:
    text: str
    level: int  # 1 is the document title; sections start at 2
    line_start: int
    line_end: int
    # True when the source marks the line up as a heading at this level (``#``, setext,
    # ``<h2>``); False when the parser inferred it (a standalone short line, a bold-only one).
    marked: bool = True
    kind: str = "heading"


@dataclass(frozen=True, slots=True)
class ParagraphBlock:
    text: str
    line_start: int
    line_end: int
    kind: str = "paragraph"


@dataclass(frozen=True, slots=True)
class TableBlock:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_lines: tuple[int, ...]  # source line of each body row
    line_start: int
    line_end: int
    # Cells each body row had in the source, before the parser padded or cut it to the header.
    row_widths: tuple[int, ...] = ()
    kind: str = "table"


@dataclass(frozen=True, slots=True)
class ListItemBlock:
    text: str
    depth: int  # 0 for a top-level item
    number: int | None  # the item's ordinal marker ("3." gives 3), None for bullets
    line_start: int
    line_end: int
    kind: str = "list_item"


Block = HeadingBlock | ParagraphBlock | TableBlock | ListItemBlock
