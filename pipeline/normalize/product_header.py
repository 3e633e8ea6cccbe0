"""The part of a page above its title: a product header and page chrome, read for fields.

Above the title a page may print a product header (an image's alt text, the
product name, ``Cat. No.:`` and other labeled lines, stock notes, a
"Description" and a "Properties" block of label/value lines in any layout) and
chrome (a skip link, the site's name, a category line, a tagline). All of it
is read for its fields and then dropped; nothing above the title is content.

The compound's name comes from the evidence a product header gives, first that
applies: the name an image's alt text gives ("Product packaging for
Venetoclax(Cat. No.:...)"); the line right above the catalog number; the first
line that reads as a name, where the header shows it is a product's (a head
field or a product block heading). A page with none of these names no compound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.blocks import Block, TableBlock
from pipeline.normalize.fields import read_fields
from pipeline.vocabulary import (
    BYLINE,
    CALL_TO_ACTION,
    CATEGORY_LINE,
    FIELD_LINE,
    HEAD_LABELS,
    PAGE_CHROME,
    SEPARATED_ITEMS,
    field_label,
    is_product_section,
    label_only,
)

MAX_NAME_CHARS = 120  # a product name is a line of words, not a sentence or a paragraph
# The alt text of a product image: "Product packaging for <name>(Cat. No.:...)".
_PACKAGING_ALT = re.compile(
    r"^\s*product\s+(?:packaging|image|photo|picture)\s+(?:for|of)\s+(?P<name>.+?)\s*"
    r"(?:\((?i:cat\b|catalog|cas\b).*)?$", re.I)
_SENTENCE_END = re.compile(r"[.!?;,]\s*$")
# Stock and price lines of a shop page: never a product's name.
_STOCK = re.compile(r"\b(?:in\s+stock|out\s+of\s+stock|ships?\s+(?:in|within)|price|backorder"
                    r"|pre-?order|available)\b|[$€£]\s*\d", re.I)
_CATALOG_LABELS = frozenset(label for label, (field, _) in HEAD_LABELS.items()
                            if field == "catalog_number")


def read_product_header(blocks: Sequence[Block], found: dict[str, str],
                        languages: list[str], title: str = "") -> None:
    """Read the fields, the byline and the compound's name from the blocks above the title."""
    names: list[str] = []  # candidate name lines, in order
    above_catalog: str | None = None  # the name line right above the catalog number
    product = False  # the header shows it is a product's
    for block in blocks:
        if isinstance(block, TableBlock):
            continue
        text = block.inline.text
        if BYLINE.match(text):
            found.setdefault("byline", text)  # "Name Jan 14, 2026 312" above the title
            continue
        if is_product_section(text):
            product = True
            continue
        before = len(languages)
        _, others = read_fields(block, found, languages)
        product |= len(languages) > before
        if above_catalog is None and "catalog_number" in found:
            above_catalog = _name_before_catalog(block, names[-1] if names else "")
        names.extend(line for line in others if _reads_as_name(line))
    titled = [n for n in names if not _PACKAGING_ALT.match(n) and _named_in(n, title)]
    name = _alt_text_name(names) or above_catalog or (
        next(iter(titled), "") or next((n for n in names if not _PACKAGING_ALT.match(n)), "")
        if product else "")
    if name:
        found.setdefault("product_name", name)


def _name_before_catalog(block: Block, above: str) -> str:
    """The name line right above the block's catalog-number line: in the block ("Venetoclax"
    / "Cat. No.: B1576934" as one paragraph), else the last name line of the blocks above;
    "" when the block states no catalog number."""
    if isinstance(block, TableBlock):
        return ""
    for line in block.lines():
        if field_label(line.text) in _CATALOG_LABELS:
            return above
        if _reads_as_name(line.text):
            above = line.text
    return ""


def _alt_text_name(lines: Sequence[str]) -> str | None:
    for line in lines:
        match = _PACKAGING_ALT.match(line)
        if match is not None:
            return match["name"].strip()
    return None


def _reads_as_name(line: str) -> bool:
    """A short line of words that is not chrome (a call to action, a breadcrumb, stock and
    price lines), a field, a label or a sentence."""
    return (0 < len(line) <= MAX_NAME_CHARS and any(ch.isalpha() for ch in line)
            and not _SENTENCE_END.search(line) and not CALL_TO_ACTION.match(line)
            and not PAGE_CHROME.match(line) and not CATEGORY_LINE.match(line)
            and not SEPARATED_ITEMS.search(line) and not _STOCK.search(line)
            and not label_only(line) and FIELD_LINE.match(line) is None)


def _named_in(name: str, title: str) -> bool:
    """The title names the product ("... Guide to Venetoclax: ..."), its qualifier aside."""
    bare = name.split(" (")[0].strip().lower()
    return bool(bare) and bare in title.lower()
