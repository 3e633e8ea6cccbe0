"""Numbered references: the items of a References section, and "[n] ..." items anywhere.

In a References section, a bare "[n] Authors. Title. ..." line without a list
marker is a reference item too.

Item styles of the family:
- ``1. Title [domain]`` (the number as the list marker, the site in brackets);
- ``[1] Authors. Title. Journal. Year;Vol(Issue):pages. View Source``;
- a Markdown or HTML ordered list of ``Authors. Title. *Journal*. Year;...``;
- both numbers at once, ``1. [1] Title — Author et al., Journal Year. PMID: n.
  View source<annotation>``: the bracketed number is the one citations use.
A reference keeps its raw text and, where the item says them, ``authors``,
``journal``, ``year``, ``doi``, ``pmid`` and ``url`` (``reference_forms`` reads
the fields of every form). Reference text is not
scanned for citation markers: "[35S]" or "[1,2,3]" in a title is chemistry.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.blocks import ListItemBlock, ParagraphBlock
from pipeline.errors import Issue
from pipeline.inline import strip_markup
from pipeline.normalize.model import Draft, Reference
from pipeline.normalize.reference_forms import read_reference_fields

_REFERENCES_TITLE = re.compile(
    r"^(?:references?|bibliography|literature(?:\s+cited)?|sources|works\s+cited)$", re.I
)
_BRACKET_NUMBER = re.compile(r"^\s*\[(\d{1,4})\]\s+(?=\S)")
_OPENS_WITH_NUMBER = re.compile(r"(?<!\s)\s*\\?\[\d")  # a cheap look before the markup is read
_DOT_NUMBER = re.compile(r"^\s*(\d{1,4})\.\s+(?=\S)")
_SOURCE = re.compile(r"(?<!\s)\s*\[(?P<source>[^\[\]\s]+\.[^\[\]\s]+)\]\s*$")
# "View Source" closes a vendor's item; what follows it is the vendor's annotation, not the
# reference ("View sourceDasatinib 100 mg once daily gave ...").
_VIEW_SOURCE = re.compile(r"(?<!\s)\s*+\bView\s+Source.*$", re.I | re.S)
_WHITESPACE = re.compile(r"\s+")
# "Journal. 2019;71(11):1788-1800." or "Journal. 2018;2:23." closing a Vancouver-style item.
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\]\[]+?)(?=[.,;]?(?:\s|$))")
_PMID = re.compile(r"\bPMID:?\s*(\d{4,9})\b", re.I)
_URL = re.compile(r"https?://[^\s\]\[<>]+[^\s\]\[<>.,;:)]")


def extract_references(draft: Draft) -> Draft:
    reference_sections = {
        s.section_id for s in draft.sections if _REFERENCES_TITLE.match(s.title)
    }
    references: list[Reference] = []
    issues: list[Issue] = []
    locations = dict(draft.locations)
    for i, block in enumerate(draft.blocks):
        in_section = draft.block_sections[i] in reference_sections
        if isinstance(block, ParagraphBlock):
            # Bare "[1] Authors. Title. ..." lines, no list marker: references in their section.
            if not (in_section and _numbered(block.text)):
                continue
        elif not isinstance(block, ListItemBlock) or not (in_section or _numbered(block.text)):
            continue
        reference = parse_reference(block)
        if reference is None:
            issues.append(Issue("normalize", "warning",
                                "item in References is not a numbered reference; left out",
                                block.line_start))
        else:
            references.append(reference)
        locations[i] = "reference"
    issues.extend(_numbering_issues(references))
    kept = list({r.number: r for r in reversed(references)}.values())[::-1]  # first of each number
    return replace(
        draft,
        references=tuple(sorted(kept, key=lambda r: r.line)),
        locations=locations,
        issues=draft.issues + tuple(issues),
    )


def _numbered(raw: str) -> bool:
    """The text opens with "[n] " (a converter may have escaped the brackets)."""
    return bool(_OPENS_WITH_NUMBER.match(raw) and _BRACKET_NUMBER.match(strip_markup(raw)))


def parse_reference(item: ListItemBlock | ParagraphBlock) -> Reference | None:
    """One list item or line as a numbered reference, or None when it has no number."""
    raw = _WHITESPACE.sub(" ", item.text).strip()
    text = _WHITESPACE.sub(" ", strip_markup(item.text)).strip()
    number = item.number if isinstance(item, ListItemBlock) else None
    bracket = _BRACKET_NUMBER.match(text)  # "[3]", also under a list's "3.": the number cited
    if bracket is not None:
        number, text = int(bracket.group(1)), text[bracket.end():]
    dot = _DOT_NUMBER.match(text)
    if dot is not None and number is None:
        number, text = int(dot.group(1)), text[dot.end():]
    if number is None:
        return None
    text = _VIEW_SOURCE.sub("", text, count=1)
    source_match = _SOURCE.search(text)
    source = source_match["source"] if source_match else None
    body = text[: source_match.start()].strip() if source_match else text
    authors, title, journal, year = read_reference_fields(body)
    doi, pmid, url = _DOI.search(body), _PMID.search(body), _URL.search(body)
    return Reference(
        number=number,
        title=title or body,
        source=source,
        line=item.line_start,
        raw=raw,
        authors=authors,
        journal=journal,
        year=year if year is not None else _last_year(body),
        doi=doi.group(1) if doi else None,
        pmid=pmid.group(1) if pmid else None,
        url=url.group(0) if url else None,
    )


def _last_year(text: str) -> int | None:
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


def _numbering_issues(references: list[Reference]) -> list[Issue]:
    """A number listed twice, or numbers out of order, is a warning."""
    issues: list[Issue] = []
    seen: dict[int, int] = {}
    previous = 0
    for reference in references:
        if reference.number in seen:
            issues.append(Issue("normalize", "warning",
                                f"reference {reference.number} is listed twice (first at line "
                                f"{seen[reference.number]}); this one is left out", reference.line))
        elif reference.number < previous:
            issues.append(Issue("normalize", "warning",
                                f"reference {reference.number} is out of order (after "
                                f"{previous})", reference.line))
        seen.setdefault(reference.number, reference.line)
        previous = max(previous, reference.number)
    return issues
