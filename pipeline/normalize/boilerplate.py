"""Vendor boilerplate out of the body: offers, chrome, disclaimer, contact footer.

Two kinds of rule. A boilerplate *heading* ("Need Custom Synthesis?",
"Disclaimer ...", "Contact", the vendor's name alone) drops itself and every
block up to the next heading that is not boilerplate. A boilerplate *block*
(a link-only line such as "[Get Quote](#)", a short line with an e-mail
address, address/phone fields, a "Technical Support:" line) drops itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, TableBlock
from pipeline.normalize.model import Draft

MAX_CONTACT_WORDS = 30  # a line with an e-mail address longer than this is prose, not chrome
MAX_CONTACT_CHARS = 400  # likewise in characters (and it keeps the searches below cheap)

_OFFER_HEADING = re.compile(r"^(?:need|looking for|interested in|want)\b.*\?\s*$", re.I)
_FOOTER_HEADING = re.compile(r"^(?:disclaimer\b.*|contact(?:\s+us)?:?|technical support:?)$", re.I)
_LINK_ONLY = re.compile(r"^\s*\[{1,2}[^\[\]]*\]\([^)]*\)\]?\s*\.?$")
_OFFER_LINK = re.compile(r"\[[^\]]*\b(?:quote|request|order|buy|inquir\w*)\b[^\]]*\]\(", re.I)
# The offer's call to action, with its link markup or without ("... from stock. Request a Quote").
_OFFER_PHRASE = re.compile(
    r"\b(?:request|get)\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}quote\b|\bcontact\s+us\b|\border\s+now\b", re.I)
_CHROME_FIELD = re.compile(
    r"^\s*[*_]{0,2}(?:address|phone|tel|fax|e-?mail|technical support|disclaimer\b[^:\n]{0,40})"
    r"[*_]{0,2}\s*:", re.I)
_EMAIL = re.compile(r"[\w.+-]++@[\w-]++\.[\w.-]+")  # possessive: linear on long lines


def drop_boilerplate(draft: Draft) -> Draft:
    """Remove the vendor's chrome; body text, tables and lists of content stay."""
    vendor = (draft.metadata.vendor or "").strip().casefold()
    kept: list[Block] = []
    in_boilerplate_section = False
    for i, block in enumerate(draft.blocks):
        if isinstance(block, HeadingBlock):
            in_boilerplate_section = is_boilerplate_heading(block.text, vendor) and (
                not _OFFER_HEADING.match(block.text.strip()) or _is_offer(draft.blocks[i + 1:]))
            if in_boilerplate_section:
                continue
        if in_boilerplate_section or is_boilerplate_block(block):
            continue
        kept.append(block)
    return replace(draft, blocks=tuple(kept))


def is_boilerplate_heading(text: str, vendor: str = "") -> bool:
    stripped = text.strip()
    return bool(
        _OFFER_HEADING.match(stripped)
        or _FOOTER_HEADING.match(stripped)
        or (vendor and stripped.casefold() == vendor)
    )


def _is_offer(following: Sequence[Block]) -> bool:
    """A "Need ...?" section is an offer when it holds the vendor's chrome and no table or list."""
    section = []
    for block in following:
        if isinstance(block, HeadingBlock):
            break
        section.append(block)
    if any(isinstance(b, TableBlock | ListItemBlock) for b in section):
        return False
    return any(is_boilerplate_block(b) or _OFFER_PHRASE.search(b.text) for b in section)


def is_boilerplate_block(block: Block) -> bool:
    if isinstance(block, TableBlock):
        return False
    text = block.text
    if isinstance(block, ListItemBlock):  # a list item is content (a reference may be one link)
        return bool(_CHROME_FIELD.match(text))
    if _LINK_ONLY.match(text) or _CHROME_FIELD.match(text):
        return True
    if len(text) > MAX_CONTACT_CHARS or len(text.split()) > MAX_CONTACT_WORDS:
        return False
    return bool(("@" in text and _EMAIL.search(text)) or ("](" in text and _OFFER_LINK.search(text)))
