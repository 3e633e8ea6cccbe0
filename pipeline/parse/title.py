"""Which heading of a page is its title, by the evidence the page gives.

The title is the heading nearest above the byline (teaser paragraphs between them
allowed); where none stands above it, the heading right below it that the page prints
twice ("Name Jan 14, 2026 312", the title, a teaser, the title again); on a page with
no byline, the title-like heading a category line announces ("Foundational &
Exploratory") in the page's head, before any body text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.blocks import Block, HeadingBlock, ParagraphBlock, TableBlock
from pipeline.vocabulary import BYLINE, CATEGORY_LINE, is_product_section

TITLE_REPEAT_WINDOW = 4  # a title printed again comes within a teaser or two
MIN_TITLE_WORDS = 8  # below a category line, a line this long is a title ("Storage & Handling" /
# "Long-term storage of stock solutions" is a section and its first subsection)
MIN_PROSE_WORDS = 12  # a paragraph this long is body text: the page's head is over


def title_index(blocks: Sequence[Block]) -> int | None:
    """The heading nearest above the first byline, teaser paragraphs in between allowed;
    where none stands above it, the heading right below it that the page prints twice
    ("Name Jan 14, 2026 312", the title, a teaser, the title again); on a page with no
    byline, the title-like heading a category line announces ("Foundational & Exploratory")."""
    byline = next((i for i, b in enumerate(blocks)
                   if isinstance(b, ParagraphBlock) and BYLINE.match(b.inline.text)), None)
    if byline is None:
        return _announced_title(blocks)
    for i in range(byline - 1, -1, -1):
        if isinstance(blocks[i], HeadingBlock):
            return i
        if not isinstance(blocks[i], ParagraphBlock):
            break
    below = byline + 1
    if below < len(blocks) and isinstance(blocks[below], HeadingBlock):
        title = heading_text(blocks[below])
        later = (b for b in blocks[below + 1:below + 1 + TITLE_REPEAT_WINDOW])
        if any(isinstance(b, HeadingBlock) and heading_text(b) == title for b in later):
            return below
    return None


def _announced_title(blocks: Sequence[Block]) -> int | None:
    """The heading right below the first category line, where it reads as a title: it names
    what the guide is, or runs to a title's length."""
    for i, block in enumerate(blocks[:-1]):
        if isinstance(block, TableBlock) or _body_starts(blocks, i):
            return None  # a category line stands in the page's head, never in its body
        if not CATEGORY_LINE.match(block.inline.text):
            continue
        title = blocks[i + 1]
        if isinstance(title, HeadingBlock) and not CATEGORY_LINE.match(title.inline.text) and (
                len(title.inline.text.split()) >= MIN_TITLE_WORDS):
            return i + 1
    return None


def _body_starts(blocks: Sequence[Block], i: int) -> bool:
    """``blocks[i]`` is body text: a paragraph of prose that no product block heading
    ("Description") introduces."""
    block = blocks[i]
    if not isinstance(block, ParagraphBlock) or len(block.inline.text.split()) < MIN_PROSE_WORDS:
        return False
    above = blocks[i - 1] if i else None
    return not (above is not None and not isinstance(above, TableBlock)
                and is_product_section(above.inline.text))


def heading_text(block: Block) -> str:
    return "" if isinstance(block, TableBlock) else block.inline.text
