"""Procedures: a numbered list of steps, with the materials list that precedes it.

An ordered list of at least ``MIN_STEPS`` top-level items that no earlier rule
claimed (references are claimed first) is a procedure. It becomes a protocol
of kind "procedure" whose steps go to procedure_steps.csv; its ``materials`` are
the items of the nearest bullet list before it, after any earlier procedure,
whose heading names materials, reagents or equipment.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.blocks import ListItemBlock
from pipeline.normalize.model import Draft, Protocol, Section, Step
from pipeline.normalize.protocols import list_runs
from pipeline.normalize.sections import heading_above, section_path

MIN_STEPS = 2  # a single numbered line is a note, not a procedure
_GENERIC = re.compile(r"^(?:procedures?|protocol|methods?|steps|workflow)$", re.I)
_MATERIALS = re.compile(r"\b(?:materials?|reagents?|equipment|supplies|you will need)\b", re.I)


def extract_procedures(draft: Draft) -> Draft:
    sections = {s.section_id: s for s in draft.sections}
    per_section: dict[str | None, int] = {}
    for p in draft.protocols:
        per_section[p.section_id] = per_section.get(p.section_id, 0) + 1
    protocols = list(draft.protocols)
    locations = dict(draft.locations)
    materials_run: tuple[int, int] | None = None  # since the last procedure
    for start, end in list_runs(draft):
        items = [b for b in draft.blocks[start:end] if isinstance(b, ListItemBlock)]
        steps = [it for it in items if it.depth == 0 and it.number is not None]
        if start in locations or len(steps) < MIN_STEPS:
            if start not in locations and _names_materials(draft, start):
                materials_run = (start, end)
            continue
        section_id = draft.block_sections[start]
        per_section[section_id] = per_section.get(section_id, 0) + 1
        materials: tuple[str, ...] = ()
        if materials_run is not None:
            m_start, m_end = materials_run
            materials = tuple(b.inline.text for b in draft.blocks[m_start:m_end]
                              if isinstance(b, ListItemBlock) and b.inline.text)
            locations.update(dict.fromkeys(range(m_start, m_end), "list item"))
        materials_run = None
        locations.update(dict.fromkeys(range(start, end), "procedure step"))
        cleaned = [(it, it.inline) for it in steps]
        protocols.append(Protocol(
            protocol_id=f"{section_id or 'document'}-protocol-{per_section[section_id]}",
            section_id=section_id,
            section_path=section_path(sections, section_id),
            title=_title(draft, start, sections, section_id),
            fields={},
            sample_size=None,
            arms=(),
            citations=tuple(dict.fromkeys(n for _, c in cleaned for n in c.citations)),
            line_start=items[0].line_start,
            protocol_kind="procedure",
            materials=materials,
            steps=tuple(Step(it.number or k, c.text, tuple(dict.fromkeys(c.citations)), it.line_start)
                        for k, (it, c) in enumerate(cleaned, start=1)),
        ))
    protocols.sort(key=lambda p: p.line_start)
    return replace(draft, protocols=tuple(protocols), locations=locations)


def _title(draft: Draft, start: int, sections: dict[str, Section],
           section_id: str | None) -> str | None:
    """The heading above the steps; for a generic one ("Procedure"), its parent's title."""
    title = heading_above(draft, start)
    section = sections.get(section_id) if section_id else None
    if title and _GENERIC.match(title) and section and section.parent_id:
        return sections[section.parent_id].title
    return title


def _names_materials(draft: Draft, start: int) -> bool:
    """A bullet list under a heading that names materials: the materials of the next procedure."""
    first = draft.blocks[start]
    return (isinstance(first, ListItemBlock) and first.number is None
            and bool(_MATERIALS.search(heading_above(draft, start) or "")))
