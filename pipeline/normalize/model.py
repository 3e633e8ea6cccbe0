"""The normalized document: what the normalize stage hands to validate.

Field names follow the output contract, so that validate builds each record by
reading the contract's columns off these objects, never copying field by field;
the extra ``line`` fields keep where each fact came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.blocks import Block
from pipeline.documents import SourceInfo
from pipeline.errors import Issue


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    published: str | None = None
    compound_name: str | None = None
    catalog_number: str | None = None
    source_url: str | None = None
    cas_number: str | None = None
    molecular_formula: str | None = None
    molecular_weight: float | None = None
    molecular_weight_unit: str | None = None
    iupac_name: str | None = None
    inchi_key: str | None = None
    smiles: str | None = None
    guide_kind: str = "other"
    language: str | None = None  # of the head labels; the body is English
    vendor: str | None = None  # read from the "To cite" line; names the vendor's own chrome


@dataclass(frozen=True, slots=True)
class Section:
    section_id: str
    parent_id: str | None
    level: int
    ordinal: int
    title: str
    line_start: int
    citations: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    row_index: int
    col_index: int
    row_label: str
    column_label: str
    text: str
    citations: tuple[int, ...]
    line: int
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    uncertainty: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    p_value: float | None = None
    p_comparator: str | None = None
    missing: bool = False
    row_span: int = 1
    col_span: int = 1
    span_origin: bool = True
    row_header: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    table_id: str
    section_id: str | None
    section_path: str
    title: str | None
    n_rows: int
    n_cols: int
    notes: str | None
    line_start: int
    header: tuple[str, ...]
    cells: tuple[Cell, ...]
    parent_table_id: str | None = None
    parent_row_index: int | None = None
    parent_col_index: int | None = None


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured number of a table, with what it measures, for what and when."""

    measurement_id: str
    table_id: str
    row_index: int
    col_index: int
    line: int
    quantity: str
    subject: str | None
    dose: float | None
    dose_unit: str | None
    regimen: str | None
    timepoint: float | None
    timepoint_unit: str | None
    condition: str | None
    trial: str | None
    value: float | None
    value_low: float | None
    value_high: float | None
    uncertainty: float | None
    comparator: str | None
    unit: str | None
    p_value: float | None
    p_comparator: str | None
    value_canonical: float | None
    unit_canonical: str | None
    orientation: str
    orientation_confidence: str
    citations: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Arm:
    arm_index: int
    description: str
    line: int


@dataclass(frozen=True, slots=True)
class Protocol:
    protocol_id: str
    section_id: str | None
    section_path: str
    title: str | None
    fields: dict[str, str]  # contract field name -> clean text
    sample_size: int | None
    arms: tuple[Arm, ...]
    citations: tuple[int, ...]
    line_start: int
    protocol_kind: str = "trial"  # "trial": Objective/Design/... fields; "procedure": numbered steps
    materials: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class Reference:
    number: int
    title: str
    source: str | None
    line: int
    raw: str = ""
    authors: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    ordinal: int
    number: int
    section_id: str | None
    location: str  # paragraph, table cell, table header, protocol field, caption, heading, list item
    line: int


@dataclass(frozen=True, slots=True)
class Faq:
    faq_id: str
    section_id: str | None
    question: str
    answer: str
    citations: tuple[int, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Step:
    step_number: int
    text: str
    citations: tuple[int, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Figure:
    figure_id: str
    section_id: str | None
    section_path: str
    caption: str
    line: int


@dataclass(frozen=True, slots=True)
class NormalizedDoc:
    source: SourceInfo
    doc_id: str
    metadata: Metadata
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    protocols: tuple[Protocol, ...] = ()
    references: tuple[Reference, ...] = ()
    citations: tuple[Citation, ...] = ()
    figures: tuple[Figure, ...] = ()
    faqs: tuple[Faq, ...] = ()
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True, slots=True)
class Draft:
    """The document while the normalize rules work on it; each rule returns a new one.

    ``blocks`` are the body blocks still unclaimed by metadata or boilerplate;
    ``block_sections[i]`` is the section of ``blocks[i]``; ``locations[i]`` says
    what kind of text block ``i`` is for its citations, once an extractor claims it.
    """

    blocks: tuple[Block, ...]
    source_blocks: tuple[Block, ...] = ()  # the parse stage's blocks, for whole-document checks
    front_matter: dict[str, Any] = field(default_factory=dict)
    metadata: Metadata = field(default_factory=Metadata)
    sections: tuple[Section, ...] = ()
    block_sections: tuple[str | None, ...] = ()
    headings_above: tuple[str | None, ...] = ()  # per block, the nearest heading's text above it
    locations: dict[int, str] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    protocols: tuple[Protocol, ...] = ()
    references: tuple[Reference, ...] = ()
    figures: tuple[Figure, ...] = ()
    faqs: tuple[Faq, ...] = ()
    citations: tuple[Citation, ...] = ()
    issues: tuple[Issue, ...] = ()
