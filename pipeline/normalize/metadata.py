"""Document metadata: title, byline, head fields and the "To cite" line.

The blocks that carry metadata are taken out of the body, so no later rule
reads them as sections, paragraphs or references.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock, TableBlock
from pipeline.normalize.inline import clean_inline, strip_markup
from pipeline.normalize.model import Draft, Metadata
from pipeline.vocabulary import BYLINE, FIELD_LINE, field_label

# Head field labels and the metadata field each fills.
HEAD_FIELDS = {
    "compound name": "compound_name",
    "cat. no.": "catalog_number",
    "catalog number": "catalog_number",
}
# Lines of the document head that are neither title nor body.
_HEAD_HEADING = re.compile(r"^compound of interest$", re.I)
_AUDIENCE = re.compile(r"^(?:for|prepared for|written for|intended for|aimed at)\s", re.I)
_LINK_ONLY = re.compile(r"^\s*\[{1,2}[^\[\]]*\]\([^)]*\)\]?\s*$")

_TO_CITE = re.compile(r"^\s*(?:-\s*)?to cite this document:\s*(?P<rest>.*)$", re.I | re.S)
_CITE_VENDOR = re.compile(r"^\s*(?P<vendor>[^\[\].]+)\.")
_CITE_TITLE = re.compile(r"\[(?P<title>[^\[\]]+)\]")
_CITE_YEAR = re.compile(r"\[(?P<year>(?:19|20)\d\d)\]")
_CITE_URL = re.compile(r"(?P<url>https?://[^\s\]\)]+)")
_URL_CATALOG = re.compile(r"/product/(?P<cat>[A-Za-z]{1,3}\d{3,})", re.I)

_BYLINE_PARTS = re.compile(
    r"^\s*[*_]{0,2}author[*_]{0,2}:[*_]{0,2}\s*(?P<author>.*?)\s*"
    r"(?:[*_]{0,2}date[*_]{0,2}:[*_]{0,2}\s*(?P<date>.*))?$",
    re.I | re.S,
)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_DATE_WORDS = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?:(?P<day>\d{1,2}),?\s+)?(?P<year>(?:19|20)\d\d)"
)
_DATE_ISO = re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)(?:-(?P<day>\d\d))?")
_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def read_metadata(draft: Draft) -> Draft:
    """Take title, byline, head fields and the "To cite" line out of the body."""
    found: dict[str, str] = {}
    kept: list[Block] = []
    head = True
    for block in draft.blocks:
        if head and _ends_head(block):
            head = False
        if _take(block, found, head):
            continue
        kept.append(block)
    metadata = _metadata(found)
    return replace(draft, blocks=tuple(kept), metadata=metadata)


def doc_id_for(metadata: Metadata, fallback: str) -> str:
    """A stable id safe as a file name: the catalog number, else the source file's name."""
    return _SAFE_ID.sub("_", metadata.catalog_number or fallback).strip("._") or "document"


def parse_date(text: str) -> str | None:
    """'December 2025' gives '2025-12'; 'Nov 25, 2025' gives '2025-11-25'."""
    iso = _DATE_ISO.search(text)
    if iso is not None:
        return iso.group(0)
    for match in _DATE_WORDS.finditer(text):
        month = _MONTHS.get(match["month"].lower())
        if month is None:
            continue
        if match["day"]:
            return f"{match['year']}-{month:02d}-{int(match['day']):02d}"
        return f"{match['year']}-{month:02d}"
    return None


def _ends_head(block: Block) -> bool:
    """The head ends at the first section heading, table or list (the "To cite" item aside)."""
    if isinstance(block, HeadingBlock):
        return block.level > 1 and not _is_head_line(block.text)
    if isinstance(block, ListItemBlock):
        return not _TO_CITE.match(block.text)
    return isinstance(block, TableBlock)


def _is_head_line(text: str) -> bool:
    """A head line that is neither title nor field ("Compound of Interest", the audience)."""
    stripped = clean_inline(text).text
    return bool(_HEAD_HEADING.match(stripped) or _AUDIENCE.match(stripped))


def _take(block: Block, found: dict[str, str], head: bool) -> bool:
    """Record the metadata a block carries; True when the block is metadata only."""
    if isinstance(block, TableBlock):
        return False
    text = block.text
    cite = _TO_CITE.match(text)
    if cite is not None and "to_cite" not in found:
        found["to_cite"] = cite["rest"]
        return True
    if isinstance(block, HeadingBlock) and block.level == 1 and "title" not in found:
        found["title"] = clean_inline(text).text
        return True
    if isinstance(block, ParagraphBlock) and BYLINE.match(text) and "byline" not in found:
        found["byline"] = text
        return True
    if not head or isinstance(block, ListItemBlock):
        return False
    label = field_label(text)
    if label in HEAD_FIELDS:
        match = FIELD_LINE.match(text)
        assert match is not None
        found.setdefault(HEAD_FIELDS[label], clean_inline(match["value"]).text)
        return True
    return _is_head_line(text)


def _metadata(found: dict[str, str]) -> Metadata:
    author = published = vendor = url = cite_title = None
    byline = _BYLINE_PARTS.match(found.get("byline", ""))
    if byline is not None:
        author = clean_inline(byline["author"]).text.rstrip(" .") or None
        published = parse_date(strip_markup(byline["date"] or ""))
    if "to_cite" in found:
        rest = found["to_cite"]
        vendor_match, title_match = _CITE_VENDOR.match(rest), _CITE_TITLE.search(rest)
        year_match, url_match = _CITE_YEAR.search(rest), _CITE_URL.search(rest)
        vendor = vendor_match["vendor"].strip() if vendor_match else None
        cite_title = title_match["title"].strip() if title_match else None
        url = url_match["url"] if url_match else None
        published = published or (year_match["year"] if year_match else None)
    catalog = found.get("catalog_number")
    if catalog is None and url is not None:
        url_catalog = _URL_CATALOG.search(url)
        catalog = url_catalog["cat"].upper() if url_catalog else None
    return Metadata(
        title=found.get("title") or cite_title,
        author=author,
        published=published,
        compound_name=found.get("compound_name"),
        catalog_number=catalog,
        source_url=url,
        vendor=vendor,
    )
