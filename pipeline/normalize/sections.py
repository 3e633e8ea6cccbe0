"""The section tree: every heading below the title becomes a section.

A section's parent is the nearest heading above it with a lower level; its
``level`` is its depth in the tree (1 for top-level sections), so a Markdown
jump from ``##`` to ``####`` still gives a child one level down. Ids are the
title's slug, made unique within the document by a ``-2``, ``-3`` suffix, so
they depend on the document's structure, never on run order.
"""

from __future__ import annotations

import re
from dataclasses import replace

from slugify import slugify

from pipeline.blocks import Block, HeadingBlock
from pipeline.normalize.model import Draft, Section

MAX_SLUG_CHARS = 60  # long enough to tell sections apart, short enough to read in a CSV
# "Table 1: ..." above a table is the table's caption, not a section of the document.
TABLE_CAPTION = re.compile(r"^\s*table\s+\d+[a-z]?\s*[:.]", re.I)


def build_sections(draft: Draft) -> Draft:
    """Build the section tree and note each body block's section."""
    sections: list[Section] = []
    block_sections: list[str | None] = []
    stack: list[tuple[int, Section]] = []  # (heading level, section) from the top
    used: dict[str, int] = {}
    for block in draft.blocks:
        if isinstance(block, HeadingBlock) and not TABLE_CAPTION.match(block.inline.text):
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            inline = block.inline
            title = inline.text.rstrip(":").strip() or inline.text
            section = Section(
                section_id=unique_slug(title, used, "section"),
                parent_id=parent.section_id if parent else None,
                level=parent.level + 1 if parent else 1,
                ordinal=len(sections) + 1,
                title=title,
                line_start=block.line_start,
                citations=inline.citations,
            )
            sections.append(section)
            stack.append((block.level, section))
        block_sections.append(stack[-1][1].section_id if stack else None)
    return replace(draft, sections=tuple(sections), block_sections=tuple(block_sections),
                   headings_above=_headings_above(draft.blocks))


def unique_slug(text: str, used: dict[str, int], fallback: str) -> str:
    """A slug of ``text`` not yet in ``used`` (which it joins); ``used`` maps each slug to
    the next suffix to try, so a thousand equal titles cost a thousand steps, not a million."""
    base = slugify(text, max_length=MAX_SLUG_CHARS, word_boundary=True) or fallback
    slug, n = base, used.get(base, 1)
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    used[base] = n
    used.setdefault(slug, 1)
    return slug


def section_path(sections_by_id: dict[str, Section], section_id: str | None) -> str:
    """Section titles from the top down to ``section_id``, joined by ' > '."""
    titles: list[str] = []
    while section_id is not None:
        section = sections_by_id[section_id]
        titles.append(section.title)
        section_id = section.parent_id
    return " > ".join(reversed(titles))


def heading_above(draft: Draft, index: int) -> str | None:
    """The clean text of the nearest heading above ``draft.blocks[index]``, ':' removed."""
    return draft.headings_above[index]


def _headings_above(blocks: tuple[Block, ...]) -> tuple[str | None, ...]:
    """Per block, the nearest heading above it (one pass, however many blocks)."""
    above: list[str | None] = []
    heading: str | None = None
    for block in blocks:
        above.append(heading)
        if isinstance(block, HeadingBlock):
            heading = block.inline.text.rstrip(":").strip() or None
    return tuple(above)
