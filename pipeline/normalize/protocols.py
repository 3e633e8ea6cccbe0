"""Trial protocols: a list of "Field: value" items under a protocol heading.

A list is a protocol when at least ``MIN_PROTOCOL_FIELDS`` of its top-level
items carry known protocol field labels (Objective, Design, Population, ...),
so a list of "Drug: text" notes is not one. Items nested under
"Intervention Arms" are the arms; the field keeps its own text where it has one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.blocks import ListItemBlock
from pipeline.errors import Issue
from pipeline.normalize.model import Arm, Draft, Protocol
from pipeline.normalize.sections import heading_above, section_path
from pipeline.vocabulary import FIELD_LINE

MIN_PROTOCOL_FIELDS = 2  # one "Objective:" bullet alone is a note, not a protocol

# Field labels (lower case) and the contract field each fills.
PROTOCOL_FIELDS = {
    "objective": "objective",
    "objectives": "objective",
    "design": "design",
    "study design": "design",
    "population": "population",
    "intervention arms": "intervention_arms",
    "arms": "intervention_arms",
    "treatment arms": "intervention_arms",
    "primary endpoint": "primary_endpoint",
    "primary endpoints": "primary_endpoint",
    "key secondary endpoints": "key_secondary_endpoints",
    "secondary endpoints": "key_secondary_endpoints",
    "results": "results",
}
MAX_COUNT_DIGITS = 12  # a trial of a trillion participants is not a trial
_N_EQUALS = re.compile(r"\bn\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)", re.I)
_TOTAL = re.compile(r"\btotal\b[^\d;]{0,12}?(?:n\s*=\s*)?(\d{1,3}(?:,\d{3})+|\d+)", re.I)
_LEADING_COUNT = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)\s+[A-Za-z]")


def extract_protocols(draft: Draft) -> Draft:
    sections = {s.section_id: s for s in draft.sections}
    per_section: dict[str | None, int] = {}
    protocols: list[Protocol] = []
    issues: list[Issue] = []
    locations = dict(draft.locations)
    for start, end in list_runs(draft):
        items = [b for b in draft.blocks[start:end] if isinstance(b, ListItemBlock)]
        if start in draft.locations:
            continue  # claimed already (references)
        if sum(1 for it in items if it.depth == 0 and _field(it.inline.text)) < MIN_PROTOCOL_FIELDS:
            continue
        section_id = draft.block_sections[start]
        per_section[section_id] = per_section.get(section_id, 0) + 1
        protocol, found = _protocol(items, draft, start)
        issues.extend(found)
        protocols.append(
            replace(
                protocol,
                protocol_id=f"{section_id or 'document'}-protocol-{per_section[section_id]}",
                section_id=section_id,
                section_path=section_path(sections, section_id),
            )
        )
        locations.update(dict.fromkeys(range(start, end), "protocol field"))
    return replace(
        draft,
        protocols=tuple(protocols),
        locations=locations,
        issues=draft.issues + tuple(issues),
    )


def sample_size(population: str) -> int | None:
    """Total participants: the sum of "N=..." counts, else a count opening the text."""
    total = _TOTAL.search(population)
    if total is not None:
        return _count(total.group(1))
    counts = [n for n in map(_count, _N_EQUALS.findall(population)) if n is not None]
    if len(counts) > 1 and max(counts) * 2 == sum(counts):
        return max(counts)  # the parts and their total, all given as N=
    if counts:
        return sum(counts)
    leading = _LEADING_COUNT.match(population)
    return _count(leading.group(1)) if leading else None


def _count(digits: str) -> int | None:
    """'1,200' gives 1200; a count too long to be one (past 64-bit integers) gives None."""
    plain = digits.replace(",", "")
    return int(plain) if len(plain) <= MAX_COUNT_DIGITS else None


def list_runs(draft: Draft) -> list[tuple[int, int]]:
    """Index ranges of the body's lists: consecutive items, split where a bullet list
    turns into a numbered one (or back) at the top level."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    numbered: bool | None = None
    for i, block in enumerate(draft.blocks):
        if isinstance(block, ListItemBlock):
            kind = block.number is not None
            if start is not None and block.depth == 0 and kind != numbered:
                runs.append((start, i))
                start = None
            if start is None:
                start, numbered = i, kind
        elif start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(draft.blocks)))
    return runs


def _field(text: str) -> tuple[str, str] | None:
    match = FIELD_LINE.match(text)
    if match is None:
        return None
    name = PROTOCOL_FIELDS.get(match["label"].strip().lower())
    return (name, match["value"].strip()) if name else None


def _protocol(
    items: list[ListItemBlock], draft: Draft, start: int
) -> tuple[Protocol, list[Issue]]:
    fields: dict[str, str] = {}
    arms: list[Arm] = []
    citations: list[int] = []
    issues: list[Issue] = []
    current: str | None = None
    for item in items:
        inline = item.inline
        citations.extend(inline.citations)
        if item.depth > 0 and current == "intervention_arms":
            arms.append(Arm(len(arms) + 1, inline.text, item.line_start))
            continue
        field = _field(inline.text)
        if field is None:
            issues.append(Issue("normalize", "warning",
                                f"protocol item is not a known field: {inline.text[:60]!r}",
                                item.line_start))
            current = None
            continue
        current, value = field
        if current in fields:
            issues.append(Issue("normalize", "warning",
                                f"protocol field {current!r} given twice; the first is kept",
                                item.line_start))
            continue
        fields[current] = value
    protocol = Protocol(
        protocol_id="",
        section_id=None,
        section_path="",
        title=heading_above(draft, start),
        fields=fields,
        sample_size=sample_size(fields.get("population", "")),
        arms=tuple(arms),
        citations=tuple(dict.fromkeys(citations)),
        line_start=items[0].line_start,
    )
    return protocol, issues
