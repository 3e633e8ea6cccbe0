"""Record types of the output contract, one per CSV file, and how they relate.

Every model is closed (``extra="forbid"``) and frozen; field order is column
order. Each class also says, on itself, the file it fills (``stem``), its
primary key, the key the change report matches records by, and its foreign
keys: ``pipeline/contract.py`` reads them for validation, the change report,
the data package, the data dictionary, Parquet and the JSON Schemas, so a
column or a relation is written here once. A change to any field is a change of
``SCHEMA_VERSION``: major for a removed or retyped column, minor for an added one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import Field, model_validator

from schemas.fields import (
    PUBLISHED,
    Citations,
    DocId,
    ForeignKey,
    GuideKind,
    Line,
    Location,
    Page,
    Record,
    Severity,
    SourceFormat,
    Stage,
    to_document,
    to_section,
)
from schemas.protocol_records import ProcedureStepRecord, ProtocolArmRecord, ProtocolRecord
from schemas.table_records import MeasurementRecord, TableCellRecord, TableRecord

SCHEMA_VERSION = "1.9.0"


class DocumentRecord(Record):
    """One row per guide: what it is, what it is about, where it came from."""
    stem = "documents"
    primary_key = ("doc_id",)
    change_key = ("doc_id",)

    doc_id: DocId
    catalog_number: str | None = Field(description="Vendor catalog number, e.g. B560044.")
    title: str | None = Field(description="The guide's title.")
    author: str | None = Field(description="Author from the byline.")
    published: str | None = Field(
        description="Publication date, ISO YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source."
    )
    compound_name: str | None = Field(description="The compound the guide is about.")
    source_url: str | None = Field(description="Canonical page address the guide gives for citing it.")
    cas_number: str | None = Field(description="CAS registry number from the product header.")
    molecular_formula: str | None = Field(description="Molecular formula, e.g. C17H19F3N6O.")
    molecular_weight: float | None = Field(gt=0, description="Molecular weight, as a number.")
    molecular_weight_unit: str | None = Field(description="Unit of molecular_weight when given, e.g. g/mol.")
    iupac_name: str | None = Field(description="IUPAC name.")
    inchi_key: str | None = Field(description="InChI Key.")
    smiles: str | None = Field(description="SMILES string.")
    guide_kind: GuideKind = Field(description="What the guide calls itself in its title.")
    language: str | None = Field(
        description="Language of the head labels (en, es, de, fr, zh, ja); the body is English."
    )
    source_path: str = Field(description="Source file path relative to the working directory.")
    source_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the source bytes.")
    source_format: SourceFormat = Field(description="Parser that read it.")
    encoding: str = Field(
        description="Encoding the source bytes were decoded from: utf-8, utf-8-sig (with a BOM) "
        "or the detected legacy encoding (e.g. cp1252)."
    )

    @model_validator(mode="after")
    def _published_is_iso(self) -> DocumentRecord:
        if self.published is not None and not PUBLISHED.match(self.published):
            raise ValueError(f"published {self.published!r} is not ISO YYYY[-MM[-DD]]")
        return self


class SectionRecord(Record):
    """The section tree; the title line is the document, not a section."""
    stem = "sections"
    primary_key = ("doc_id", "section_id")
    change_key = ("doc_id", "section_id")
    foreign_keys = (to_document(), to_section("parent_id"))

    doc_id: DocId
    section_id: str = Field(min_length=1, description="Slug of the title, unique in the document.")
    parent_id: str | None = Field(description="Enclosing section; empty at the top level.")
    level: int = Field(ge=1, description="Depth in the section tree, 1 at the top.")
    ordinal: int = Field(ge=1, description="Position among all sections in document order.")
    title: str = Field(min_length=1, description="Clean heading text.")
    page: Page = None
    line_start: Line


class ReferenceRecord(Record):
    """Numbered references, with their parts where the item states them."""
    stem = "references"
    primary_key = ("doc_id", "number")
    change_key = ("doc_id", "number")
    foreign_keys = (to_document(),)

    doc_id: DocId
    number: int = Field(ge=1, description="Reference number as listed.")
    reference_id: str = Field(min_length=1, description="<doc_id>#<number>: one key for the "
                              "reference across the dataset (what citations point to).")
    title: str = Field(min_length=1, description="Title (the whole text where no parts are told apart).")
    source: str | None = Field(description="Bracketed domain after the title, e.g. pubmed.ncbi.nlm.nih.gov.")
    authors: str | None = Field(description="Author list, as written.")
    journal: str | None = Field(description="Journal, as abbreviated in the reference.")
    year: int | None = Field(ge=1000, le=2999, description="Publication year.")
    doi: str | None = Field(description="DOI, where the reference gives one.")
    pmid: str | None = Field(description="PubMed id, where the reference gives one.")
    url: str | None = Field(description="Web address, where the reference gives one.")
    raw: str = Field(min_length=1, description="The item's full text as written, markup included.")
    page: Page = None
    line: Line


class FaqRecord(Record):
    """Question-and-answer pairs of troubleshooting pages."""
    stem = "faqs"
    primary_key = ("doc_id", "faq_id")
    change_key = ("doc_id", "faq_id")
    foreign_keys = (to_document(), to_section())

    doc_id: DocId
    faq_id: str = Field(min_length=1, description="<section_id>-faq-<n>.")
    section_id: str | None = Field(description="Section holding the question.")
    question: str = Field(min_length=1, description="The question, clean.")
    answer: str = Field(min_length=1, description="The answer, clean.")
    citations: Citations
    page: Page = None
    line: Line


class CitationRecord(Record):
    """One row per citation marker in the text, in document order."""
    stem = "citations"
    primary_key = ("doc_id", "ordinal")
    change_key = ("doc_id", "ordinal")
    # The reference is a single-field key: a citation of a missing reference leaves it empty.
    foreign_keys = (to_document(), ForeignKey(("reference_id",), "references", ("reference_id",)),
                    to_section())

    doc_id: DocId
    ordinal: int = Field(ge=1, description="Position of the marker in the document, from 1.")
    number: int = Field(ge=1, description="Reference number cited.")
    reference_id: str | None = Field(
        description="The cited reference's reference_id when the reference list has it; "
        "empty for a citation to a missing reference (the foreign key to references)."
    )
    section_id: str | None = Field(description="Section holding the marker; empty before the first.")
    location: Location = Field(description="Kind of text holding the marker.")
    page: Page = None
    line: Line


class FigureRecord(Record):
    """One row per figure caption."""
    stem = "figures"
    primary_key = ("doc_id", "figure_id")
    change_key = ("doc_id", "figure_id")
    foreign_keys = (to_document(), to_section())

    doc_id: DocId
    figure_id: str = Field(min_length=1, description="<section_id>-figure-<n>.")
    section_id: str | None = Field(description="Section holding the figure.")
    section_path: str = Field(description="Section titles from the top, joined by ' > '.")
    caption: str = Field(min_length=1, description="Clean caption text.")
    page: Page = None
    line: Line


class ErrorRecord(Record):
    """Every problem found: errors withhold a document's records, warnings do not."""
    stem = "errors"
    primary_key = None  # one document may have the same problem on several lines
    change_key = ("doc_id", "source_path", "stage", "severity", "message")

    doc_id: str = Field(description="Document the problem is in (file name when no id could be read).")
    source_path: str = Field(description="Source file path relative to the working directory.")
    stage: Stage = Field(
        description="Where it was found; internal marks a pipeline bug, not a document problem."
    )
    page: Page = None
    line: int | None = Field(ge=1, description="Source line, where one applies (in a PDF, the line "
                             "within its page).")
    severity: Severity = Field(
        description="error: the document's records are withheld; warning: kept but doubtful."
    )
    message: str = Field(min_length=1, description="What is wrong, in words a person can act on.")


# File stem -> record type, in the order the files are described.
RECORD_TYPES: dict[str, type[Record]] = {model.stem: model for model in (
    DocumentRecord, SectionRecord, TableRecord, TableCellRecord, MeasurementRecord, ProtocolRecord,
    ProtocolArmRecord, ProcedureStepRecord, FaqRecord, ReferenceRecord, CitationRecord,
    FigureRecord, ErrorRecord,
)}


@dataclass(frozen=True, slots=True)
class RecordSet:
    """One document's records, a tuple per record type (its problems go to errors apart)."""

    documents: tuple[DocumentRecord, ...] = ()
    sections: tuple[SectionRecord, ...] = ()
    tables: tuple[TableRecord, ...] = ()
    table_cells: tuple[TableCellRecord, ...] = ()
    measurements: tuple[MeasurementRecord, ...] = ()
    protocols: tuple[ProtocolRecord, ...] = ()
    protocol_arms: tuple[ProtocolArmRecord, ...] = ()
    procedure_steps: tuple[ProcedureStepRecord, ...] = ()
    faqs: tuple[FaqRecord, ...] = ()
    references: tuple[ReferenceRecord, ...] = ()
    citations: tuple[CitationRecord, ...] = ()
    figures: tuple[FigureRecord, ...] = ()

    @classmethod
    def of_stems(cls, records: dict[str, tuple[Record, ...]]) -> RecordSet:
        """A set from records by stem, each tuple holding its stem's record type."""
        return cls(**records)  # type: ignore[arg-type]

    def of(self, stem: str) -> tuple[Record, ...]:
        """The records of one type, by its stem; none for a type the set does not hold."""
        records: tuple[Record, ...] = getattr(self, stem, ())
        return records

    def items(self) -> Iterator[tuple[str, tuple[Record, ...]]]:
        """(stem, records) for every record type, in file order."""
        return ((stem, self.of(stem)) for stem in RECORD_STEMS)

    def __bool__(self) -> bool:
        return bool(self.documents)


# The record types a document's RecordSet holds, in file order.
RECORD_STEMS: tuple[str, ...] = tuple(stem for stem in RECORD_TYPES if stem != "errors")
