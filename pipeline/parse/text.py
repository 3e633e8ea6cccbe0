"""The plain-text dump to blocks: Markdown bodies with headings left unmarked.

Pipe tables and '- ' lists are Markdown, so markdown-it-py reads the dump; what
the dump lacks is heading markup. A heading is inferred from a standalone line
that is not a sentence, a list item, a table row, a field or a caption, and its
level from the layout around it (see ``_assign_levels``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.blocks import Block, HeadingBlock, ParagraphBlock
from pipeline.parse.markdown import blocks_from_tokens, markdown_parser
from pipeline.vocabulary import BYLINE, FIELD_LINE, field_label

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


def parse(text: str) -> list[Block]:
    """Parse a plain-text guide into blocks, headings inferred."""
    blocks = blocks_from_tokens(markdown_parser(code_blocks=False).parse(text))
    return _assign_levels([_as_heading(b) if _is_heading_line(b) else b for b in blocks])


def is_heading_text(line: str) -> bool:
    """True for a standalone line that reads as a heading rather than prose or a field."""
    stripped = _TRAILING_MARKERS.sub("", line).strip()
    if not stripped or "\n" in stripped or len(stripped) > MAX_HEADING_CHARS:
        return False
    if _SENTENCE_END.search(stripped) or _NOT_HEADING.search(stripped):
        return False
    if not any(ch.isalpha() for ch in stripped) or BYLINE.match(stripped):
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

    - the heading directly above the byline is the document title (level 1);
    - a document-level name (Summary, Conclusion, References, ...) is top level;
    - a heading that introduces a table or list (label ending in ':', an
      "Experimental Protocol: ..." line) is a leaf one below the current section;
    - a heading directly followed by another (non-leaf) heading is its parent;
    - any other heading is a sibling of the last section that is not a leaf.
    """
    out: list[Block] = []
    sibling_level = TOP_LEVEL  # the level an ordinary heading gets here
    section_level = TITLE_LEVEL  # the level of the current (non-leaf) section
    previous_parent: int | None = None  # level of a parent heading directly above
    title_seen = False
    for i, block in enumerate(blocks):
        if not isinstance(block, HeadingBlock) or block.level != TOP_LEVEL:
            out.append(block)
            if not isinstance(block, HeadingBlock):
                previous_parent = None
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        text = block.text
        if not title_seen and _is_byline(following):
            title_seen = True
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


def _is_byline(block: Block | None) -> bool:
    return isinstance(block, ParagraphBlock) and BYLINE.match(block.text) is not None


def _is_section_heading(block: Block | None) -> bool:
    """A following heading that would make the current one its parent."""
    return isinstance(block, HeadingBlock) and not _INTRO_HEADING.search(block.text)
