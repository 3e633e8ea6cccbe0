"""Document metadata: title, byline, head fields, product header and the "To cite" line.

The head of a guide is everything before its first section heading. Before the
title there may be a product header (image alt line, product name, ``Cat. No.:``,
``CAS No.:``, ``M. Wt:``, stock notes, a description, a category label): the
whole pre-title part is page chrome, read for its fields and then dropped. After
the title come the byline, the "Compound of Interest" block and the audience
line. Label/value property blocks ("Molecular Formula" on one line, the formula
on the next) are read wherever they stand in the head. The blocks that carry
metadata leave the body, so no later rule reads them as content.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock, TableBlock
from pipeline.errors import Issue
from pipeline.normalize.dates import parse_date
from pipeline.normalize.fields import molecular_weight, read_fields
from pipeline.normalize.front_matter import merge_front_matter
from pipeline.normalize.model import Draft, Metadata
from pipeline.normalize.product_header import read_product_header
from pipeline.sources import safe_id
from pipeline.vocabulary import BYLINE, FIELD_LINE, HEAD_LABELS

# Lines of the head that are neither title nor field.
_HEAD_HEADING = re.compile(r"^compound of interest$", re.I)
# "Prepared for research scientists ...", "A Guide for Researchers, Scientists, and ...".
_AUDIENCE = re.compile(
    r"^(?:an?\s+(?:[\w-]+\s+){0,2}?(?:guide|resource|reference|primer|handbook)\s+)?"
    r"(?:for|prepared for|written for|intended for|aimed at)\s",
    re.I)

_TO_CITE = re.compile(
    r"^\s*(?:-\s*)?(?:to\s+)?cite\s+this\s+(?:document|article|page|guide)\s*:\s*(?P<rest>.*)$",
    re.I | re.S)
_CITE_VENDOR = re.compile(r"^\s*+(?P<vendor>[^\[\].]+)\.")
_CITE_TITLE = re.compile(r"\[(?P<title>[^\[\]]+)\]")
_CITE_YEAR = re.compile(r"\[(?P<year>(?:19|20)\d\d)\]")
_CITE_URL = re.compile(r"(?P<url>https?://[^\s\]\)]+)")
_URL_CATALOG = re.compile(r"/product/(?P<cat>[A-Za-z]{1,3}\d{3,})", re.I)

_OPEN_DATE = re.compile(r"\bdate:\s*$", re.I)  # a byline whose date label waits for its value
_DATE_NEXT = "_date_next"  # key in the found fields: the next block may be the byline's date
MAX_DATE_CHARS = 40  # "March 2026", "14 March 2026": a date line, not a sentence with a year
_BYLINE_PARTS = re.compile(r"^\s*author:\s*(?P<author>.*?)\s*(?:date:\s*(?P<date>.*))?$", re.I | re.S)

# What a guide calls itself, in its title, and the kind that follows. First match wins.
GUIDE_KINDS = [
    (re.compile(r"\bevidence\s+cards?\b", re.I), "evidence card"),
    (re.compile(r"\btroubleshoot|\bsupport\s+center\b|\bfaqs?\b", re.I), "troubleshooting"),
    (re.compile(r"\bapplication\s+notes?\b", re.I), "application notes"),
    (re.compile(r"\bcompar(?:ative|ison|ing)\b|\bversus\b|\bvs\.?\s", re.I), "comparative guide"),
    (re.compile(r"\btechnical\s+guide\b|\bin-depth\s+guide\b|\bguide\b", re.I), "technical guide"),
]
# Compound properties a body line may state ("- Molecular formula: C17H19F3N6O").
PROPERTY_FIELDS = frozenset({
    "cas_number", "molecular_formula", "molecular_weight", "iupac_name", "inchi_key", "smiles",
})


def read_metadata(draft: Draft) -> Draft:
    """Take title, byline, head fields and the "To cite" line out of the body."""
    blocks = draft.blocks
    title_at = next((i for i, b in enumerate(blocks)
                     if isinstance(b, HeadingBlock) and b.level == 1), None)
    found: dict[str, str] = {}
    languages: list[str] = []
    kept: list[Block] = []
    head = True
    if title_at is not None:  # above the title: a product header and chrome, read and dropped
        title = blocks[title_at]
        read_product_header(blocks[:title_at], found, languages,
                            "" if isinstance(title, TableBlock) else title.inline.text)
    for block in blocks[title_at or 0:]:
        if head and _ends_head(block):
            head = False
        if not _take(block, found, languages, head):
            kept.append(block)
    for block in kept:  # property lines in the body ("- IUPAC name: ...") fill what is missing
        if isinstance(block, ListItemBlock | ParagraphBlock):
            _read_properties(block, found)
    metadata, issues = _metadata(found, languages, draft.front_matter)
    return replace(draft, blocks=tuple(kept), metadata=metadata, issues=draft.issues + issues)


def doc_id_for(metadata: Metadata, fallback: str) -> str:
    """A stable id safe as a file name: the catalog number, else the source file's name."""
    return safe_id(metadata.catalog_number) if metadata.catalog_number else fallback


def guide_kind(*titles: str | None) -> str:
    """The guide's kind, from what its title (or its "To cite" title) calls it."""
    for title in titles:
        for pattern, kind in GUIDE_KINDS:
            if title and pattern.search(title):
                return kind
    return "other"


def _ends_head(block: Block) -> bool:
    """The head ends at the first section heading or table."""
    if isinstance(block, HeadingBlock):
        return block.level > 1 and not _is_head_line(block.inline.text)
    return isinstance(block, TableBlock)


def _is_head_line(text: str) -> bool:
    """A head line that is neither title nor field ("Compound of Interest", the audience)."""
    return bool(_HEAD_HEADING.match(text) or _AUDIENCE.match(text))


def _take(block: Block, found: dict[str, str], languages: list[str], head: bool) -> bool:
    """Record the metadata a block carries; True when the block is metadata only."""
    date_next = found.pop(_DATE_NEXT, None) is not None  # only the block right after a byline
    if isinstance(block, TableBlock):
        return False
    text = block.inline.text
    cite = _TO_CITE.match(text)
    if cite is not None and "to_cite" not in found:
        found["to_cite"] = cite["rest"]
        return True
    if isinstance(block, HeadingBlock) and block.level == 1:
        if "title" not in found:
            found["title"] = text
            return True
        return text == found["title"]  # the title printed twice
    if BYLINE.match(text) and "byline" not in found and not isinstance(block, HeadingBlock):
        found["byline"] = text
        if _OPEN_DATE.search(text):  # "Author: ... Date:", the date on the next line
            found[_DATE_NEXT] = ""
        return True
    if date_next and len(text) <= MAX_DATE_CHARS and parse_date(text):
        found["byline"] = f"{found['byline']} {text}"
        return True
    if not head:
        return False
    if block.inline.link_only or _is_head_line(text):
        return True
    return read_fields(block, found, languages)[0]


def _read_properties(block: ListItemBlock | ParagraphBlock, found: dict[str, str]) -> None:
    for line in block.lines():
        match = FIELD_LINE.match(line.text)
        if match is None:
            continue
        field, _ = HEAD_LABELS.get(match["label"].strip().lower(), (None, ""))
        if field in PROPERTY_FIELDS and match["value"].strip():
            found.setdefault(field, match["value"].strip())


def _metadata(found: dict[str, str], languages: list[str],
              front_matter: dict[str, Any]) -> tuple[Metadata, tuple[Issue, ...]]:
    author = published = vendor = url = cite_title = None
    byline_text = found.get("byline", "")
    byline = _BYLINE_PARTS.match(byline_text)
    if byline is not None:
        author = byline["author"].rstrip(" .") or None
        published = parse_date(byline["date"] or "")
    else:
        other = BYLINE.match(byline_text)
        if other is not None and other["name"]:
            author, published = other["name"], parse_date(other["date"])
        elif other is not None and other["dated"]:  # "Last reviewed: March 2026 · 2 cards"
            published = parse_date(other["dated"])
    if "to_cite" in found:
        rest = found["to_cite"]
        vendor_match, title_match = _CITE_VENDOR.match(rest), _CITE_TITLE.search(rest)
        year_match, url_match = _CITE_YEAR.search(rest), _CITE_URL.search(rest)
        vendor = vendor_match["vendor"].strip() if vendor_match else None
        cite_title = title_match["title"].strip() if title_match else None
        url = url_match["url"] if url_match else None
        published = published or (year_match["year"] if year_match else None)
    weight, weight_unit = molecular_weight(found.get("molecular_weight", ""))
    fields: dict[str, Any] = {
        "title": found.get("title") or cite_title,
        "author": author,
        "published": published,
        "compound_name": found.get("compound_name") or found.get("product_name") or None,
        "catalog_number": found.get("catalog_number"),
        "source_url": url,
        "cas_number": found.get("cas_number"),
        "molecular_formula": found.get("molecular_formula"),
        "molecular_weight": weight,
        "molecular_weight_unit": weight_unit,
        "iupac_name": found.get("iupac_name"),
        "inchi_key": found.get("inchi_key"),
        "smiles": found.get("smiles"),
    }
    fields, issues = merge_front_matter(fields, front_matter)
    if fields["catalog_number"] is None and fields["source_url"]:
        url_catalog = _URL_CATALOG.search(fields["source_url"])
        fields["catalog_number"] = url_catalog["cat"].upper() if url_catalog else None
    return Metadata(
        **fields,
        guide_kind=guide_kind(fields["title"], cite_title),
        language=_language(languages),
        vendor=vendor,
    ), issues


def _language(languages: list[str]) -> str | None:
    """The language of the head labels: a language-specific label beats English ones."""
    specific = [lang for lang in languages if lang not in ("en", "zh/ja")]
    if specific:
        return max(sorted(set(specific)), key=specific.count)
    if "zh/ja" in languages:
        return "zh"  # only the shared labels: Chinese is the likelier page language
    return "en" if languages else None
