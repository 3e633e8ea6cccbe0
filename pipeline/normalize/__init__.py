"""The normalize stage: blocks to a normalized document, by small ordered rules.

Each rule takes the draft document and returns a new one; the order matters
and is read top to bottom (metadata before boilerplate, because the "To cite"
line names the vendor whose chrome goes; sections before the extractors that
need them; citations last, once every block's role is known).
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.documents import ParsedDoc
from pipeline.normalize.boilerplate import drop_boilerplate
from pipeline.normalize.checks import check_cut, check_heading_depth, check_is_guide
from pipeline.normalize.citations import extract_citations
from pipeline.normalize.faqs import extract_faqs
from pipeline.normalize.figures import extract_figures
from pipeline.normalize.measurements import extract_measurements
from pipeline.normalize.metadata import doc_id_for, read_metadata
from pipeline.normalize.model import Draft, NormalizedDoc
from pipeline.normalize.procedures import extract_procedures
from pipeline.normalize.protocols import extract_protocols
from pipeline.normalize.references import extract_references
from pipeline.normalize.sections import build_sections
from pipeline.normalize.tables import extract_tables

Rule = Callable[[Draft], Draft]

RULES: list[tuple[str, Rule]] = [
    ("is a guide", check_is_guide),
    ("metadata", read_metadata),
    ("boilerplate", drop_boilerplate),
    ("sections", build_sections),
    ("references", extract_references),
    ("figures", extract_figures),
    ("tables", extract_tables),
    ("measurements", extract_measurements),
    ("protocols", extract_protocols),
    ("procedures", extract_procedures),
    ("faqs", extract_faqs),
    ("citations", extract_citations),
    ("cut off", check_cut),
    ("heading depth", check_heading_depth),
]


def normalize(parsed: ParsedDoc) -> NormalizedDoc:
    """Normalize one parsed document."""
    draft = Draft(blocks=parsed.blocks, source_blocks=parsed.blocks,
                  front_matter=parsed.front_matter, issues=parsed.issues)
    for _name, rule in RULES:
        draft = rule(draft)
        if any(issue.severity == "error" for issue in draft.issues):
            break  # the document's records are withheld; later rules would only add noise
    return NormalizedDoc(
        source=parsed.source,
        doc_id=doc_id_for(draft.metadata, parsed.source.fallback_id),
        metadata=draft.metadata,
        sections=draft.sections,
        tables=draft.tables,
        measurements=draft.measurements,
        protocols=draft.protocols,
        references=draft.references,
        citations=draft.citations,
        figures=draft.figures,
        faqs=draft.faqs,
        issues=draft.issues,
    )
