"""The plain-text dump to blocks: Markdown bodies with headings left unmarked.

Pipe tables and '- ' lists are Markdown, so markdown-it-py reads the dump; what
the dump lacks is heading markup. A heading is inferred from a standalone line
that is not a sentence, a list item, a table row, a field or a caption, and its
level from the layout around it (see ``_assign_levels``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock
from pipeline.parse.markdown import markdown_parser, read_blocks
from pipeline.vocabulary import BYLINE, FIELD_LINE, QA_LINE, field_label

MAX_HEADING_CHARS = 160  # the longest titles in the family run to ~120 characters; prose is longer
MAX_HEADING_LEVEL = 6  # deeper nesting than h6 has no meaning in the output
TITLE_LEVEL = 1
TOP_LEVEL = 2

# Citation markers at the end of a line ("...therapy.[9][10]", "Profile[2][3]").
_TRAILING_MARKERS = re.compile(
    r"(?:\s*\^?\{?\[(?:\\\[)?[A-Za-z]*[-\u2011]?\d[\d\s,\u2013-]*(?:\\\])?\](?:\([^)\n]*\))?\}?)+\s*$"
)
# A line ending like a sentence or clause is prose, not a heading.
_SENTENCE_END = re.compile(r"[.,;]\s*$")
# Links, images, URLs and e-mail addresses mark a line as chrome or prose.
_NOT_HEADING = re.compile(r"\]\(|^\s*[!\[|>]|https?://|www\.|\S@\S")
# Headings that only introduce the table or list under them: leaves, never parents.
_INTRO_HEADING = re.compile(
    r"(?::\s*$)|^(?:experimental\s+protocol|protocol|efficacy\s+data|table\s+\d+)\b", re.I
)
# Document-level section names always sit at the top of the tree.
_TOP_LEVEL_HEADING = re.compile(
    r"^(?:executive\s+summary|summary|conclusions?|references|bibliography|introduction"
    r"|overview|background|discussion|abstract|appendix|glossary|further\s+reading)\b",
    re.I,
)


# Bullet characters of the page that the dump keeps as text: "  • item" is a list item.
_TEXT_BULLET = re.compile(r"^([ \t]*)[\u2022\u25aa\u25e6\u2023\u00b7][ \t]+", re.M)


def parse(text: str) -> list[Block]:
    """Parse a plain-text guide into blocks, headings inferred."""
    blocks = read_blocks(_TEXT_BULLET.sub(r"\1- ", text), markdown_parser(code_blocks=False))
    blocks = _join_lone_markers(blocks)
    return _assign_levels([_as_heading(b) if _is_heading_line(b) else b for b in blocks])


def _join_lone_markers(blocks: list[Block]) -> list[Block]:
    """A bullet marker alone on its line takes the line after it as its text."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (isinstance(previous, ListItemBlock) and not previous.text.strip()
                and isinstance(block, ParagraphBlock) and block.line_start == previous.line_end + 1):
            first, _, rest = block.text.partition("\n")
            out[-1] = ListItemBlock(first, previous.depth, previous.number, previous.line_start,
                                    previous.line_start + 1)
            if rest.strip():
                out.append(ParagraphBlock(rest, block.line_start + 1, block.line_end))
            continue
        out.append(block)
    return out


def is_heading_text(line: str) -> bool:
    """True for a standalone line that reads as a heading rather than prose or a field."""
    if len(line) > MAX_HEADING_CHARS * 2:  # far too long even with markers; skip the regexes
        return False
    stripped = _TRAILING_MARKERS.sub("", line).strip()
    if not stripped or "\n" in stripped or len(stripped) > MAX_HEADING_CHARS:
        return False
    if _SENTENCE_END.search(stripped) or _NOT_HEADING.search(stripped):
        return False
    if not any(ch.isalpha() for ch in stripped) or BYLINE.match(stripped):
        return False
    if QA_LINE.match(stripped):
        return False
    if field_label(stripped) is not None:
        return False
    field = FIELD_LINE.match(stripped)
    if field is None:
        return True
    # "Cat. No.: B560044", "Lot: 12345": an abbreviated label, or a code-like value, is a field.
    value = field["value"].strip()
    code_value = bool(value) and " " not in value and any(ch.isdigit() for ch in value)
    return not (code_value or "." in field["label"])


def _is_heading_line(block: Block) -> bool:
    return isinstance(block, ParagraphBlock) and is_heading_text(block.text)


def _as_heading(block: Block) -> HeadingBlock:
    assert isinstance(block, ParagraphBlock)
    return HeadingBlock(block.text.strip(), TOP_LEVEL, block.line_start, block.line_end)


def _assign_levels(blocks: Sequence[Block]) -> list[Block]:
    """Give inferred headings their level from the layout.

    - the heading nearest above the byline is the document title (level 1);
    - a document-level name (Summary, Conclusion, References, ...) is top level;
    - a heading that introduces a table or list (label ending in ':', an
      "Experimental Protocol: ..." line) is a leaf one below the current section;
    - a heading directly followed by another (non-leaf) heading is its parent;
    - any other heading is a sibling of the last section that is not a leaf.
    """
    title_index = _title_index(blocks)
    out: list[Block] = []
    sibling_level = TOP_LEVEL  # the level an ordinary heading gets here
    section_level = TITLE_LEVEL  # the level of the current (non-leaf) section
    previous_parent: int | None = None  # level of a parent heading directly above
    for i, block in enumerate(blocks):
        if not isinstance(block, HeadingBlock) or block.level != TOP_LEVEL:
            out.append(block)
            if not isinstance(block, HeadingBlock):
                previous_parent = None
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        text = block.text
        if i == title_index:
            out.append(HeadingBlock(text, TITLE_LEVEL, block.line_start, block.line_end))
            previous_parent = None
            continue
        is_parent = _is_section_heading(following)
        if _INTRO_HEADING.search(text):
            level = section_level + 1
        elif _TOP_LEVEL_HEADING.match(text):
            level = TOP_LEVEL
        elif previous_parent is not None:
            level = previous_parent + 1
        elif is_parent:
            level = TOP_LEVEL
        else:
            level = sibling_level
        level = min(level, MAX_HEADING_LEVEL)
        if not _INTRO_HEADING.search(text):
            section_level = level
            sibling_level = level + 1 if is_parent else level
            previous_parent = level if is_parent else None
        out.append(HeadingBlock(text, level, block.line_start, block.line_end))
    return out


def _title_index(blocks: Sequence[Block]) -> int | None:
    """The heading nearest above the first byline, teaser paragraphs in between allowed."""
    byline = next((i for i, b in enumerate(blocks)
                   if isinstance(b, ParagraphBlock) and BYLINE.match(b.text)), None)
    for i in range(byline - 1 if byline is not None else -1, -1, -1):
        if isinstance(blocks[i], HeadingBlock):
            return i
        if not isinstance(blocks[i], ParagraphBlock):
            return None
    return None


def _is_section_heading(block: Block | None) -> bool:
    """A following heading that would make the current one its parent."""
    return isinstance(block, HeadingBlock) and not _INTRO_HEADING.search(block.text)
