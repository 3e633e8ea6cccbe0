"""Numbered references: the items of a References section, and "[n] ..." items anywhere.

Two item styles: "1. Title [domain]" (the number as the list marker) and
"[1] Authors. Title. Journal. ... View Source". A reference keeps its title
and, where the item ends in a bracketed domain, that domain as ``source``.
Reference text is not scanned for citation markers: "[35S]" or "[1,2,3]"
in a title is chemistry, not a citation.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.blocks import ListItemBlock
from pipeline.errors import Issue
from pipeline.normalize.inline import strip_markup
from pipeline.normalize.model import Draft, Reference

_REFERENCES_TITLE = re.compile(
    r"^(?:references?|bibliography|literature(?:\s+cited)?|sources|works\s+cited)$", re.I
)
_BRACKET_NUMBER = re.compile(r"^\s*\[(\d{1,4})\]\s+(?=\S)")
_DOT_NUMBER = re.compile(r"^\s*(\d{1,4})\.\s+(?=\S)")
_SOURCE = re.compile(r"\s*\[(?P<source>[^\[\]\s]+\.[^\[\]\s]+)\]\s*$")
_VIEW_SOURCE = re.compile(r"\s*\bView Source\s*$", re.I)
_WHITESPACE = re.compile(r"\s+")


def extract_references(draft: Draft) -> Draft:
    reference_sections = {
        s.section_id for s in draft.sections if _REFERENCES_TITLE.match(s.title)
    }
    references: list[Reference] = []
    issues: list[Issue] = []
    locations = dict(draft.locations)
    for i, block in enumerate(draft.blocks):
        if not isinstance(block, ListItemBlock):
            continue
        in_section = draft.block_sections[i] in reference_sections
        if not in_section and not _BRACKET_NUMBER.match(block.text):
            continue
        reference = parse_reference(block)
        if reference is None:
            issues.append(Issue("normalize", "warning",
                                "item in References is not a numbered reference; left out",
                                block.line_start))
        else:
            references.append(reference)
        locations[i] = "reference"
    return replace(
        draft,
        references=tuple(references),
        locations=locations,
        issues=draft.issues + tuple(issues),
    )


def parse_reference(item: ListItemBlock) -> Reference | None:
    """One list item as a numbered reference, or None when it has no number."""
    text = _WHITESPACE.sub(" ", strip_markup(item.text)).strip()
    number = item.number
    for pattern in (_BRACKET_NUMBER, _DOT_NUMBER):
        match = pattern.match(text)
        if match is not None and number is None:
            number, text = int(match.group(1)), text[match.end():]
    if number is None:
        return None
    text = _VIEW_SOURCE.sub("", text)
    source_match = _SOURCE.search(text)
    source = source_match["source"] if source_match else None
    title = text[: source_match.start()] if source_match else text
    return Reference(number=number, title=title.strip(), source=source, line=item.line_start)
