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

import calendar
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urldefrag

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock, TableBlock
from pipeline.errors import Issue
from pipeline.normalize.model import Draft, Metadata
from pipeline.normalize.values import finite_number, normalize_micro
from pipeline.sources import safe_id
from pipeline.vocabulary import BYLINE, FIELD_LINE, HEAD_LABELS, label_only

# Lines of the head that are neither title nor field.
_HEAD_HEADING = re.compile(r"^compound of interest$", re.I)
# "Prepared for research scientists ...", "A Guide for Researchers, Scientists, and ...".
_AUDIENCE = re.compile(
    r"^(?:an?\s+(?:[\w-]+\s+){0,2}?guide\s+)?(?:for|prepared for|written for|intended for|aimed at)\s",
    re.I)

_TO_CITE = re.compile(
    r"^\s*(?:-\s*)?(?:to\s+)?cite\s+this\s+(?:document|article|page|guide)\s*:\s*(?P<rest>.*)$",
    re.I | re.S)
_CITE_VENDOR = re.compile(r"^\s*+(?P<vendor>[^\[\].]+)\.")
_CITE_TITLE = re.compile(r"\[(?P<title>[^\[\]]+)\]")
_CITE_YEAR = re.compile(r"\[(?P<year>(?:19|20)\d\d)\]")
_CITE_URL = re.compile(r"(?P<url>https?://[^\s\]\)]+)")
_URL_CATALOG = re.compile(r"/product/(?P<cat>[A-Za-z]{1,3}\d{3,})", re.I)
_WEIGHT = re.compile(r"^\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?$")

_BYLINE_PARTS = re.compile(r"^\s*author:\s*(?P<author>.*?)\s*(?:date:\s*(?P<date>.*))?$", re.I | re.S)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_DATE_WORDS = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?:(?P<day>\d{1,2}),?\s+)?(?P<year>(?:19|20)\d\d)"
)
_DATE_ISO = re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)(?:-(?P<day>\d\d))?")
_PENDING_LABEL = "_pending_label"  # key in the found fields: a label waiting for its value line

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
# Front-matter keys that may fill a metadata field.
FRONT_MATTER_FIELDS = frozenset({
    "title", "author", "published", "compound_name", "catalog_number", "source_url",
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
    for i, block in enumerate(blocks):
        if title_at is not None and i < title_at:
            if isinstance(block, ParagraphBlock) and BYLINE.match(block.inline.text):
                found.setdefault("byline", block.inline.text)  # "Name Jan 14, 2026 312" above the title
            else:
                _read_fields(block, found, languages, product_header=True)
            continue  # the product header is page chrome
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


def parse_date(text: str) -> str | None:
    """'December 2025' gives '2025-12'; 'Nov 25, 2025' gives '2025-11-25'; a date that is
    on no calendar ('2025-13-45', 'Feb 30, 2025') gives None."""
    iso = _DATE_ISO.search(text)
    if iso is not None:
        day = int(iso["day"]) if iso["day"] else None
        return iso.group(0) if _on_calendar(int(iso["year"]), int(iso["month"]), day) else None
    for match in _DATE_WORDS.finditer(text):
        month = _MONTHS.get(match["month"].lower())
        if month is None:
            continue
        if match["day"]:
            if not _on_calendar(int(match["year"]), month, int(match["day"])):
                return None
            return f"{match['year']}-{month:02d}-{int(match['day']):02d}"
        return f"{match['year']}-{month:02d}"
    return None


def _on_calendar(year: int, month: int, day: int | None) -> bool:
    return 1 <= month <= 12 and (day is None or 1 <= day <= calendar.monthrange(year, month)[1])


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
        return True
    if not head:
        return False
    if block.inline.link_only or _is_head_line(text):
        return True
    return _read_fields(block, found, languages, product_header=False)


def _without_stray_pipes(text: str) -> str:
    """A field line a table converter left framed in pipes ("| CAS: 123 |"), unframed."""
    return text.strip().removeprefix("|").removesuffix("|").strip()


def _read_fields(block: Block, found: dict[str, str], languages: list[str],
                 *, product_header: bool) -> bool:
    """Read head fields from a block; True when every line of it was a field."""
    if isinstance(block, TableBlock):
        return False
    lines = [_without_stray_pipes(line.text) for line in block.lines()]
    pending = found.pop(_PENDING_LABEL, None)  # a label-only block above: this is its value
    if pending is not None:
        _set(found, languages, pending, lines.pop(0))
        if not lines:
            return True
    all_fields = True
    i = 0
    while i < len(lines):
        line = lines[i]
        match = FIELD_LINE.match(line)
        label = match["label"].strip().lower() if match else None
        only = label_only(line)
        if match is not None and label in HEAD_LABELS and match["value"].strip():
            _set(found, languages, label, match["value"])
        elif only and i + 1 < len(lines):  # "Molecular Formula" / "C29H31N7O"
            _set(found, languages, only, lines[i + 1])
            i += 1
        elif only and len(lines) == 1:  # the label is a line of its own; its value comes next
            found[_PENDING_LABEL] = only
        else:
            all_fields = False
            if product_header and BYLINE.match(line) is None and "product_name" not in found:
                found["_last_name_line"] = line
        i += 1
    if product_header and "catalog_number" in found and "product_name" not in found:
        found["product_name"] = found.get("_last_name_line", "")  # the line above Cat. No.
    return all_fields


def _read_properties(block: ListItemBlock | ParagraphBlock, found: dict[str, str]) -> None:
    for line in block.lines():
        match = FIELD_LINE.match(line.text)
        if match is None:
            continue
        field, _ = HEAD_LABELS.get(match["label"].strip().lower(), (None, ""))
        if field in PROPERTY_FIELDS and match["value"].strip():
            found.setdefault(field, match["value"].strip())


def _set(found: dict[str, str], languages: list[str], label: str, value: str) -> None:
    field, language = HEAD_LABELS[label]
    languages.append(language)
    if field is not None:
        found.setdefault(field, value.strip())


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
    weight = _WEIGHT.match(normalize_micro(found.get("molecular_weight", "")))
    fields: dict[str, Any] = {
        "title": found.get("title") or cite_title,
        "author": author,
        "published": published,
        "compound_name": found.get("compound_name") or found.get("product_name") or None,
        "catalog_number": found.get("catalog_number"),
        "source_url": url,
        "cas_number": found.get("cas_number"),
        "molecular_formula": found.get("molecular_formula"),
        "molecular_weight": finite_number(weight["num"]) if weight else None,
        "molecular_weight_unit": (weight["unit"] or "").strip() or None if weight else None,
        "iupac_name": found.get("iupac_name"),
        "inchi_key": found.get("inchi_key"),
        "smiles": found.get("smiles"),
    }
    fields, issues = _merge_front_matter(fields, front_matter)
    if fields["catalog_number"] is None and fields["source_url"]:
        url_catalog = _URL_CATALOG.search(fields["source_url"])
        fields["catalog_number"] = url_catalog["cat"].upper() if url_catalog else None
    return Metadata(
        **fields,
        guide_kind=guide_kind(fields["title"], cite_title),
        language=_language(languages),
        vendor=vendor,
    ), issues


def _merge_front_matter(fields: dict[str, Any], front_matter: dict[str, Any]
                        ) -> tuple[dict[str, Any], tuple[Issue, ...]]:
    """Front matter fills what the text does not say; the text wins a disagreement."""
    merged = dict(fields)
    issues: list[Issue] = []
    for key, value in sorted(front_matter.items()):
        if key not in FRONT_MATTER_FIELDS:
            issues.append(Issue("normalize", "warning",
                                f"front matter key {key!r} is not a document field; ignored", 1))
            continue
        given = str(value).strip() if value is not None else ""
        if key == "published" and given and parse_date(given) is None:
            issues.append(Issue("normalize", "warning",
                                f"front matter published {given!r} is not a calendar date; ignored", 1))
            continue
        if key == "published":
            given = parse_date(given) or ""
        if key == "molecular_weight":
            weight = _WEIGHT.match(given)
            if weight is None:
                continue
            if merged["molecular_weight"] is None:
                merged["molecular_weight"] = finite_number(weight["num"])
                merged["molecular_weight_unit"] = (weight["unit"] or "").strip() or None
            continue
        if merged[key] is None:
            merged[key] = given or None
        elif given and not _same(key, str(merged[key]), given):
            issues.append(Issue("normalize", "warning",
                                f"front matter {key} {given!r} differs from the text's "
                                f"{merged[key]!r}; the text's value is kept", 1))
    return merged, tuple(issues)


def _same(key: str, text_value: str, given: str) -> bool:
    """Equal values; a page address is the same page whatever its #fragment or case."""
    if key == "source_url":
        return urldefrag(text_value).url.rstrip("/").lower() == urldefrag(given).url.rstrip("/").lower()
    return text_value == given


def _language(languages: list[str]) -> str | None:
    """The language of the head labels: a language-specific label beats English ones."""
    specific = [lang for lang in languages if lang not in ("en", "zh/ja")]
    if specific:
        return max(sorted(set(specific)), key=specific.count)
    if "zh/ja" in languages:
        return "zh"  # only the shared labels: Chinese is the likelier page language
    return "en" if languages else None
