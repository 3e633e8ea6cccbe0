"""Figures: each "Caption: ..." line is one figure's caption."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.blocks import ParagraphBlock
from pipeline.normalize.model import Draft, Figure
from pipeline.normalize.sections import section_path

CAPTION = re.compile(r"^\s*(?:figure\s+\d+\s*)?caption\s*:\s*", re.I)


def extract_figures(draft: Draft) -> Draft:
    sections = {s.section_id: s for s in draft.sections}
    per_section: dict[str | None, int] = {}
    figures: list[Figure] = []
    locations = dict(draft.locations)
    for i, block in enumerate(draft.blocks):
        if not isinstance(block, ParagraphBlock) or not CAPTION.match(block.inline.text):
            continue
        section_id = draft.block_sections[i]
        per_section[section_id] = per_section.get(section_id, 0) + 1
        locations[i] = "caption"
        figures.append(
            Figure(
                figure_id=f"{section_id or 'document'}-figure-{per_section[section_id]}",
                section_id=section_id,
                section_path=section_path(sections, section_id),
                caption=CAPTION.sub("", block.inline.text, count=1),
                line=block.line_start,
            )
        )
    return replace(draft, figures=tuple(figures), locations=locations)
