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
from pipeline.vocabulary import CALL_TO_ACTION

MAX_CONTACT_WORDS = 30  # a line with an e-mail address longer than this is prose, not chrome
MAX_CONTACT_CHARS = 400  # likewise in characters (and it keeps the searches below cheap)

_OFFER_HEADING = re.compile(r"^(?:need|looking for|interested in|want)\b.*\?\s*$", re.I)
_FOOTER_HEADING = re.compile(r"^(?:disclaimer\b.*|contact(?:\s+us)?:?|technical support:?)$", re.I)
_OFFER_WORDS = re.compile(r"\b(?:quote|request|order|buy|inquir\w*)\b", re.I)  # in a link's text
# The offer's call to action, with its link markup or without ("... from stock. Request a Quote").
_OFFER_PHRASE = re.compile(
    r"\b(?:request|get)\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}quote\b|\bcontact\s+us\b|\border\s+now\b", re.I)
_CHROME_FIELD = re.compile(
    r"^\s*(?:address|phone|tel|fax|e-?mail|technical support|disclaimer\b[^:\n]{0,40})\s*:", re.I)
# Starts only where a run of address characters starts, so a long run is scanned once.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++\.[\w.-]+")


def drop_boilerplate(draft: Draft) -> Draft:
    """Remove the vendor's chrome; body text, tables and lists of content stay."""
    vendor = (draft.metadata.vendor or "").strip().casefold()
    kept: list[Block] = []
    in_boilerplate_section = False
    for i, block in enumerate(draft.blocks):
        if isinstance(block, HeadingBlock):
            title = block.inline.text
            in_boilerplate_section = is_boilerplate_heading(title, vendor) and (
                not _OFFER_HEADING.match(title) or _is_offer(draft.blocks[i + 1:]))
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
    return any(is_boilerplate_block(b) or _OFFER_PHRASE.search(b.inline.text)
               for b in section if not isinstance(b, TableBlock))


def is_boilerplate_block(block: Block) -> bool:
    if isinstance(block, TableBlock):
        return False
    inline = block.inline
    text = inline.text
    if isinstance(block, ListItemBlock):  # a list item is content (a reference may be one link)
        return bool(_CHROME_FIELD.match(text))
    if inline.link_only or _CHROME_FIELD.match(text) or CALL_TO_ACTION.match(text):
        return True
    if len(text) > MAX_CONTACT_CHARS or len(text.split()) > MAX_CONTACT_WORDS:
        return False
    return bool(("@" in text and _EMAIL.search(text))
                or any(_OFFER_WORDS.search(link) for link in inline.links))
