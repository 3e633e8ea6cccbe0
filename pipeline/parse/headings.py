"""Headings from evidence: marked-up ones as the source marks them, the rest inferred.

A source that marks up its sections (``#`` or setext headings below the title)
has said what its sections are: its bold-only paragraphs become headings one
below the current section, and nothing else is inferred. In any other source
(a text dump, a converter's output, Markdown without ``#``) a heading is
inferred from a standalone line that is not a sentence, a list item, a table
row, a field or a caption, and its level from the layout around it (see
``_assign_levels``). Inferred headings carry ``marked=False``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pipeline.blocks import Block, HeadingBlock, ParagraphBlock
from pipeline.inline import Inline, clean_inline
from pipeline.parse.title import TITLE_REPEAT_WINDOW, heading_text, title_index
from pipeline.vocabulary import (
    BYLINE,
    CALL_TO_ACTION,
    FIELD_LINE,
    PAGE_CHROME,
    QA_LINE,
    SEPARATED_ITEMS,
    field_label,
    label_only,
)

MAX_HEADING_CHARS = 160  # the longest titles in the family run to ~120 characters; prose is longer
MAX_HEADING_LEVEL = 6  # deeper nesting than h6 has no meaning in the output
CODE_DIGIT_SHARE = 0.5  # "B560044", "12345" are codes; "SOLO-1", "RA-BEAM" are names
MIN_MENU_RUN = 4  # a parent, a child and a grandchild heading in a row happen; four is a menu
MIN_MARKED_SECTIONS = 2  # one "# Title" alone does not say what the sections are
TITLE_LEVEL = 1
TOP_LEVEL = 2

# A line ending like a sentence or clause is prose, not a heading.
_SENTENCE_END = re.compile(r"[.,;]\s*$")
# A sentence ending inside the line and another beginning ("work. Request"); "vs. Adagrasib"
# and "Cat. No." are abbreviations, not sentence ends.
_TWO_SENTENCES = re.compile(r"(?<![a-z])[a-z]{3,}[.!?]\s+[A-Z]")
# URLs and e-mail addresses (in the clean line) mark it as chrome or prose.
_NOT_HEADING_TEXT = re.compile(r"https?://|www\.|\S@\S")
# Headings that only introduce the table or list under them: leaves, never parents.
_INTRO_HEADING = re.compile(
    r"(?::\s*$)|^(?:experimental\s+protocol|protocol|efficacy\s+data|table\s+\d+)\b", re.I
)
# The parts of a bench protocol, when it gives them headings of their own.
_PROTOCOL_PART = re.compile(
    r"^(?:materials?|reagents?|equipment|supplies|procedures?|steps|methods?)\b", re.I)
# Document-level section names always sit at the top of the tree.
_TOP_LEVEL_HEADING = re.compile(
    r"^(?:executive\s+summary|summary|conclusions?|references|bibliography|introduction"
    r"|overview|background|discussion|abstract|appendix|glossary|further\s+reading)\b",
    re.I,
)


def mark_headings(blocks: Sequence[Block]) -> list[Block]:
    """Headings as the source marks them where it marks its sections, else inferred."""
    marked_sections = sum(1 for b in blocks if isinstance(b, HeadingBlock) and b.marked and b.level > 1)
    if marked_sections >= MIN_MARKED_SECTIONS:
        return _bold_paragraphs_as_headings(blocks)
    candidates = [_is_heading_block(b) and not _continues_field(blocks, i)
                  and not _is_label_value(blocks, i) for i, b in enumerate(blocks)]
    preview = [_inferred(b) if candidates[i] else b for i, b in enumerate(blocks)]
    title = title_index(preview)
    # The title is no menu item: a menu printed right above it stays a menu, and the
    # audience line and first section heading right below it stay headings.
    menu = _menu_lines([c and i != title for i, c in enumerate(candidates)])
    return _assign_levels([blocks[i] if i in menu else b for i, b in enumerate(preview)], title)


def _menu_lines(candidates: Sequence[bool]) -> set[int]:
    """Runs of MIN_MENU_RUN or more heading-like lines with nothing between: a site's menu."""
    menu: set[int] = set()
    run: list[int] = []
    for i, candidate in enumerate([*candidates, False]):
        if candidate:
            run.append(i)
            continue
        if len(run) >= MIN_MENU_RUN:
            menu.update(run)
        run = []
    return menu


def is_heading_text(line: str) -> bool:
    """True for a standalone line (as written) that reads as a heading."""
    return "\n" not in line.strip() and is_heading(clean_inline(line))


def is_heading(inline: Inline) -> bool:
    """True for a standalone line that reads as a heading rather than prose or a field."""
    stripped = inline.text
    if not stripped or len(stripped) > MAX_HEADING_CHARS:
        return False
    if inline.links or stripped.startswith("[") or "|" in stripped or "](" in stripped:
        return False  # a link or image (whole or cut), a bracketed line, a row of cells
    if _SENTENCE_END.search(stripped) or _NOT_HEADING_TEXT.search(stripped):
        return False
    if _TWO_SENTENCES.search(stripped):
        return False  # "... for analytical work. Request a Quote": prose
    if CALL_TO_ACTION.match(stripped) or SEPARATED_ITEMS.search(stripped) \
            or PAGE_CHROME.match(stripped):
        return False  # page chrome: a call to action, a menu, a breadcrumb, a skip link
    if label_only(stripped):  # "Molecular Formula" above its value
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
    # "Cat. No.: B560044", "Lot: 12345": an abbreviated label (ending in its period) or a
    # code-like value makes a field; "Clinical Translation: SOLO-1" and "Sotorasib vs.
    # Adagrasib: How the First Two ... Compare" read as headings.
    return not (_is_code(field["value"].strip()) or field["label"].strip().endswith("."))


def _is_code(value: str) -> bool:
    """A number or catalog code: one word, mostly digits."""
    alnum = [ch for ch in value if ch.isalnum()]
    digits = sum(ch.isdigit() for ch in alnum)
    return " " not in value and digits > 0 and digits >= CODE_DIGIT_SHARE * len(alnum)


def _assign_levels(blocks: Sequence[Block], title_index: int | None) -> list[Block]:
    """Give inferred headings their level from the layout.

    - the title (``_title_index``) is level 1;
    - a document-level name (Summary, Conclusion, References, ...) is top level;
    - a heading that introduces a table or list (label ending in ':', an
      "Experimental Protocol: ..." line) is a leaf one below the current section,
      unless the parts of a protocol follow it as headings (Materials, Procedure):
      then they are its children, up to the first heading that is not such a part;
    - a heading directly followed by another (non-leaf) heading is its parent;
    - any other heading is a sibling of the last section that is not a leaf.
    """
    out: list[Block] = []
    sibling_level = TOP_LEVEL  # the level an ordinary heading gets here
    section_level = TITLE_LEVEL  # the level of the current (non-leaf) section
    previous_parent: int | None = None  # level of a parent heading directly above
    parts_of: int | None = None  # level of a protocol heading whose parts follow as headings
    for i, block in enumerate(blocks):
        if not isinstance(block, HeadingBlock) or block.marked:
            out.append(block)
            if not isinstance(block, HeadingBlock):
                previous_parent = None
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        text = block.inline.text
        if i == title_index or (title_index is not None and i - title_index <= TITLE_REPEAT_WINDOW
                                and text == heading_text(blocks[title_index])):
            out.append(replace(block, level=TITLE_LEVEL))
            # Headings above the title are the page's chrome: the guide's sections start anew.
            previous_parent, sibling_level, section_level = None, TOP_LEVEL, TITLE_LEVEL
            continue
        if parts_of is not None and _PROTOCOL_PART.match(text):
            out.append(replace(block, level=min(parts_of + 1, MAX_HEADING_LEVEL)))
            continue
        parts_of = None
        is_parent = _is_section_heading(following)
        if _INTRO_HEADING.search(text):
            level = section_level + 1
            if _PROTOCOL_PART.match(_next_heading_text(blocks, i)):
                parts_of = level
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
        out.append(replace(block, level=level))
    return out


def _is_label_value(blocks: Sequence[Block], i: int) -> bool:
    """The line under a label alone on its line ("Molecular Weight" / "868.4 g/mol") is that
    label's value, never a heading."""
    above = blocks[i - 1] if i > 0 else None
    return isinstance(above, ParagraphBlock) and label_only(above.inline.text) is not None


def _is_section_heading(block: Block | None) -> bool:
    """A following heading that would make the current one its parent."""
    return isinstance(block, HeadingBlock) and not _INTRO_HEADING.search(block.inline.text)


def _next_heading_text(blocks: Sequence[Block], i: int) -> str:
    """The clean text of the next heading after ``blocks[i]`` with only paragraphs between
    (a protocol's introduction), else ""."""
    for block in blocks[i + 1:]:
        if isinstance(block, HeadingBlock):
            return block.inline.text
        if not isinstance(block, ParagraphBlock):
            return ""
    return ""


def _is_heading_block(block: Block) -> bool:
    return isinstance(block, ParagraphBlock) and "\n" not in block.text.strip() \
        and is_heading(block.inline)


def _continues_field(blocks: Sequence[Block], i: int) -> bool:
    """A line in a run of known "Label: value" lines continues the field above it
    ("Address: 3281 E Guasti Rd" / "Ontario, CA 91761" / "Phone: ...")."""
    def is_field(j: int) -> bool:
        block = blocks[j] if 0 <= j < len(blocks) else None
        return isinstance(block, ParagraphBlock) and field_label(block.inline.text) is not None

    return is_field(i - 1) and (i + 1 == len(blocks) or is_field(i + 1))


def _inferred(block: Block) -> HeadingBlock:
    assert isinstance(block, ParagraphBlock)
    return HeadingBlock(block.text.strip(), TOP_LEVEL, block.line_start, block.line_end, marked=False)


def _bold_paragraphs_as_headings(blocks: Sequence[Block]) -> list[Block]:
    """A bold-only paragraph that reads as a heading is one below the current heading."""
    out: list[Block] = []
    level = TITLE_LEVEL
    for block in blocks:
        if isinstance(block, HeadingBlock):
            level = block.level
        elif isinstance(block, ParagraphBlock) and block.inline.strong_only and _is_heading_block(block):
            block = HeadingBlock(block.text.strip(), min(level + 1, MAX_HEADING_LEVEL),
                                 block.line_start, block.line_end, marked=False)
        out.append(block)
    return out
