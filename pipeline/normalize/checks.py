"""Whole-document checks: is this a guide at all, was it cut off, is it nested too deep.

These rules add issues and change nothing else.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.blocks import HeadingBlock, ListItemBlock, ParagraphBlock, TableBlock
from pipeline.errors import Issue
from pipeline.inline import strip_markup
from pipeline.normalize.boilerplate import is_boilerplate_block
from pipeline.normalize.model import Draft
from pipeline.vocabulary import BYLINE, FIELD_LABELS, FIELD_LINE

MIN_SENTENCE_WORDS = 8  # a paragraph or list item this long reads as prose, not a menu entry
MIN_PROSE_WORDS = 25  # this much prose in two blocks or more is a document
MIN_ONE_BLOCK_WORDS = 40  # ... or this much in one
# What an error, consent or shop page says: never the prose of a guide.
NOT_CONTENT = re.compile(
    r"\b(?:page\s+(?:you\s+(?:are|were)\s+looking\s+for|(?:was\s+)?not\s+found|cannot\s+be\s+found)"
    r"|does\s+not\s+exist|no\s+longer\s+(?:exists|available)|404|cookies?|consent"
    r"|privacy\s+(?:policy|settings|preferences)|add\s+to\s+(?:cart|basket)|your\s+(?:cart|basket)"
    r"|sign\s+in|log\s+in|check\s+the\s+spelling|enable\s+javascript)\b", re.I)
MIN_CUT_WORDS = 6  # a shorter last line ("Email: ...", "Contact") is a footer, not a cut sentence
MAX_FAMILY_HEADING_LEVEL = 4  # the family's pages use h1-h4; deeper is damage or another site
_REFERENCE_ITEM = re.compile(r"^\s*\[\d{1,4}\]\s")
_MID_SENTENCE = re.compile(r"[\w,;(\-–]$")


def check_is_guide(draft: Draft) -> Draft:
    """A page with no prose, no table, no marked heading and no byline is not a guide (an
    empty, shop, login or error page). Prose is paragraphs and list items of at least
    MIN_SENTENCE_WORDS words that say no error, consent or shop words: MIN_PROSE_WORDS in two
    blocks or more or under a heading, or MIN_ONE_BLOCK_WORDS in one. A page whose body is bullets under plain
    short headings is a document."""
    blocks = draft.source_blocks
    if any(isinstance(b, TableBlock) or (isinstance(b, HeadingBlock) and b.marked)
           or (isinstance(b, ParagraphBlock) and BYLINE.match(b.inline.text)) for b in blocks):
        return draft  # a table, a marked heading or a byline: a document, whatever its prose
    prose = [len(words) for b in blocks if isinstance(b, ParagraphBlock | ListItemBlock)
             and len(words := b.inline.text.split()) >= MIN_SENTENCE_WORDS
             and not NOT_CONTENT.search(b.inline.text)]
    inferred = any(isinstance(b, HeadingBlock) for b in blocks)  # a heading beside prose
    has_prose = sum(prose) >= (MIN_PROSE_WORDS if len(prose) > 1 or inferred
                               else MIN_ONE_BLOCK_WORDS)
    if has_prose:
        return draft
    issue = Issue("normalize", "error",
                  "this is not a guide: no prose, no table, no heading and no author/date line "
                  "(an empty, shop, login or error page?)", 1)
    return replace(draft, issues=(*draft.issues, issue))


def check_cut(draft: Draft) -> Draft:
    """A guide whose last block stops mid-sentence, or is a bare heading, was cut off."""
    if not draft.source_blocks:
        return draft
    last = draft.source_blocks[-1]
    if is_boilerplate_block(last):
        return draft  # a cut inside the vendor's footer loses nothing
    message = None
    if isinstance(last, HeadingBlock) and last.level > 1:
        message = f"the guide ends with the heading {last.inline.text!r} and nothing under it"
    elif isinstance(last, ListItemBlock) and (
            last.number is not None or _REFERENCE_ITEM.match(strip_markup(last.text))):
        return draft  # a guide that ends with its reference list ends well
    elif isinstance(last, ParagraphBlock | ListItemBlock):
        final = last.lines()[-1].text
        field = FIELD_LINE.match(final)
        is_field = field is not None and field["label"].strip().lower() in FIELD_LABELS
        if (len(final.split()) >= MIN_CUT_WORDS and _MID_SENTENCE.search(final)
                and not is_field):
            message = f"the guide stops mid-sentence: {final[-60:]!r}"
    if message is None:
        return draft
    issue = Issue("normalize", "warning",
                  f"{message}; it looks cut off here, and what was read before is kept",
                  last.line_end)
    return replace(draft, issues=(*draft.issues, issue))


def check_heading_depth(draft: Draft) -> Draft:
    """Marked-up heading levels past the family's deepest; inferred levels are ours."""
    issues = tuple(
        Issue("normalize", "warning",
              f"heading level {b.level} is deeper than the guide family uses "
              f"(h{MAX_FAMILY_HEADING_LEVEL}); its section is kept", b.line_start)
        for b in draft.source_blocks
        if isinstance(b, HeadingBlock) and b.marked and b.level > MAX_FAMILY_HEADING_LEVEL
    )
    return replace(draft, issues=draft.issues + issues) if issues else draft
