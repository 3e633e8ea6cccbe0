"""The closed block vocabulary every parser emits.

Whatever the input format, a guide becomes a flat ``list[Block]`` in document
order. Each text block and table cell carries its raw text as the source wrote
it and, read once when the block is made, its ``inline``: the clean text, the
citations it carries and what its markup said (``pipeline/inline.py``). Rules
match the clean text and never see markup. Line numbers are 1-based and refer
to the source file.

Internal stage models are frozen dataclasses rather than Pydantic models: they
never leave the process, and plain slots classes keep the hot path cheap. The
output contract, which does leave it, is Pydantic (``schemas/records.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.errors import Issue
from pipeline.inline import Inline, clean_inline


class _Text:
    """What every text block does: read its text once when it is made (``inline``), and
    read each of its lines on its own when asked (``lines``)."""

    __slots__ = ()
    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "inline", clean_inline(self.text))

    def lines(self) -> tuple[Inline, ...]:
        return lines_of(self.text)


@dataclass(frozen=True, slots=True)
class HeadingBlock(_Text):
    text: str  # as written
    level: int  # 1 is the document title; sections start at 2
    line_start: int
    line_end: int
    # True when the source marks the line up as a heading at this level (``#``, setext,
    # ``<h2>``); False when the parser inferred it (a standalone short line, a bold-only one).
    marked: bool = True
    kind: str = "heading"
    inline: Inline = field(init=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ParagraphBlock(_Text):
    text: str  # as written
    line_start: int
    line_end: int
    kind: str = "paragraph"
    inline: Inline = field(init=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GridCell:
    """Where a body position's text came from in a table whose cells may span (HTML)."""

    row_span: int = 1
    col_span: int = 1
    origin: bool = True  # the spanning cell starts here (its top-left position)
    row_header: bool = False  # a header cell in a body row (<th>)


@dataclass(frozen=True, slots=True)
class TableBlock:
    header: tuple[str, ...]  # cells as written (several header rows joined with " > ")
    rows: tuple[tuple[str, ...], ...]
    row_lines: tuple[int, ...]  # source line of each body row
    line_start: int
    line_end: int
    # Cells each body row had in the source (a long row is cut to the header later; none is padded).
    row_widths: tuple[int, ...] = ()
    # HTML: the grid once spans are expanded, a GridCell per body position (empty: no spans).
    grid: tuple[tuple[GridCell, ...], ...] = ()
    caption: str | None = None  # as written (HTML <caption>)
    key: tuple[int, int] | None = None  # where the table starts (line, column): its parser's id
    parent: tuple[tuple[int, int], int | None, int] | None = None  # (parent's key, body row, col)
    closed: bool = False  # the markup closes every row: a short last row is short, not cut off
    kind: str = "table"
    header_inline: tuple[Inline, ...] = field(init=False, repr=False, compare=False)
    rows_inline: tuple[tuple[Inline, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "header_inline", tuple(clean_inline(c) for c in self.header))
        object.__setattr__(self, "rows_inline",
                           tuple(tuple(clean_inline(c) for c in row) for row in self.rows))


@dataclass(frozen=True, slots=True)
class ListItemBlock(_Text):
    text: str  # as written
    depth: int  # 0 for a top-level item
    number: int | None  # the item's ordinal marker ("3." gives 3), None for bullets
    line_start: int
    line_end: int
    kind: str = "list_item"
    inline: Inline = field(init=False, repr=False, compare=False)


def lines_of(text: str) -> tuple[Inline, ...]:
    """Each line of a text read on its own: a block whose lines are fields ("Q1: ..." /
    "A1: ...", a label over its value) is read line by line."""
    return tuple(clean_inline(line) for line in text.split("\n"))


Block = HeadingBlock | ParagraphBlock | TableBlock | ListItemBlock
TextBlock = HeadingBlock | ParagraphBlock | ListItemBlock


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a parser read: the blocks, and what it could not read for sure (kept as text)."""

    blocks: tuple[Block, ...]
    issues: tuple[Issue, ...] = ()
