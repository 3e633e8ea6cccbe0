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

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.8.0"

DOC_ID_MAX_CHARS = 100  # a doc_id names documents/<doc_id>.json; file names stop at 255 bytes
DocId = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=DOC_ID_MAX_CHARS,
          description="Stable document id: the catalog number where the guide has one, else the "
          f"source file's name; safe as a file name (at most {DOC_ID_MAX_CHARS} characters: a "
          "longer one keeps its start and ends in a hash of the whole)."),
]
Line = Annotated[int, Field(ge=1, description="1-based line in the source file as given.")]
Citations = Annotated[
    list[Annotated[int, Field(ge=1)]],
    Field(description="Reference numbers cited, in order of first appearance (';'-joined in CSV)."),
]
Location = Literal[
    "paragraph", "list item", "table cell", "table header", "protocol field", "procedure step",
    "faq", "caption", "heading",
]
Stage = Literal["read", "decode", "parse", "normalize", "validate", "export", "internal"]
Severity = Literal["error", "warning"]
GuideKind = Literal["comparative guide", "technical guide", "application notes", "troubleshooting",
                    "evidence card", "other"]
SourceFormat = Literal["text", "markdown", "html"]
ProtocolKind = Literal["trial", "procedure"]
# Signs a cell writes before its number, longest first (the order a reader tries them in).
Comparator = Literal["<=", ">=", "≤", "≥", "<", ">", "~", "≈"]
PComparator = Literal["<=", ">=", "≤", "≥", "<", ">", "="]
_PUBLISHED = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of a record point to ``target_fields`` of a record of type ``target``."""

    fields: tuple[str, ...]
    target: str  # the target record type's stem
    target_fields: tuple[str, ...]


def _to_document() -> ForeignKey:
    return ForeignKey(("doc_id",), "documents", ("doc_id",))


def _to_section(field: str = "section_id") -> ForeignKey:
    return ForeignKey(("doc_id", field), "sections", ("doc_id", "section_id"))


class Record(BaseModel):
    # No record holds an infinite or undefined number: JSON has no such values.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    stem: ClassVar[str]  # the file it fills: <stem>.csv, <stem>.jsonl
    primary_key: ClassVar[tuple[str, ...] | None]  # unique across the dataset; None: no key
    change_key: ClassVar[tuple[str, ...]]  # how the change report matches old and new records
    foreign_keys: ClassVar[tuple[ForeignKey, ...]] = ()


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
        if self.published is not None and not _PUBLISHED.match(self.published):
            raise ValueError(f"published {self.published!r} is not ISO YYYY[-MM[-DD]]")
        return self


class SectionRecord(Record):
    """The section tree; the title line is the document, not a section."""
    stem = "sections"
    primary_key = ("doc_id", "section_id")
    change_key = ("doc_id", "section_id")
    foreign_keys = (_to_document(), _to_section("parent_id"))

    doc_id: DocId
    section_id: str = Field(min_length=1, description="Slug of the title, unique in the document.")
    parent_id: str | None = Field(description="Enclosing section; empty at the top level.")
    level: int = Field(ge=1, description="Depth in the section tree, 1 at the top.")
    ordinal: int = Field(ge=1, description="Position among all sections in document order.")
    title: str = Field(min_length=1, description="Clean heading text.")
    line_start: Line


class TableRecord(Record):
    """One row per table: its place, title, shape and legend."""
    stem = "tables"
    primary_key = ("doc_id", "table_id")
    change_key = ("doc_id", "table_id")
    foreign_keys = (_to_document(), _to_section(),
                    ForeignKey(("doc_id", "parent_table_id"), "tables", ("doc_id", "table_id")))

    doc_id: DocId
    table_id: str = Field(min_length=1, description="<section_id>-table-<n>, n counting in the section.")
    section_id: str | None = Field(description="Section holding the table.")
    section_path: str = Field(description="Section titles from the top, joined by ' > '.")
    title: str | None = Field(description="The table's caption (HTML <caption>), else the nearest "
                              "heading or caption line above it.")
    n_rows: int = Field(ge=0, description="Body rows.")
    n_cols: int = Field(ge=1, description="Columns, the row-label column included; in HTML, the "
                        "columns of the grid once row and column spans are expanded.")
    notes: str | None = Field(description="Legend paragraph directly under the table.")
    parent_table_id: str | None = Field(description="For a table nested in another's cell (HTML): "
                                        "the table holding it; empty otherwise.")
    parent_row_index: int | None = Field(ge=0, description="Body row of the parent's cell holding "
                                         "this table; empty when it sits in a header cell.")
    parent_col_index: int | None = Field(ge=0, description="Column of the parent's cell holding "
                                         "this table.")
    line_start: Line


class TableCellRecord(Record):
    """One row per body cell, the row-label column included, with its typed value."""
    stem = "table_cells"
    primary_key = ("doc_id", "table_id", "row_index", "col_index")
    change_key = ("doc_id", "table_id", "row_label", "column_label")  # survives a moved row
    foreign_keys = (ForeignKey(("doc_id", "table_id"), "tables", ("doc_id", "table_id")),)

    doc_id: DocId
    table_id: str = Field(min_length=1, description="Table the cell belongs to.")
    row_index: int = Field(ge=0, description="0-based body row.")
    col_index: int = Field(ge=0, description="0-based column; 0 is the row-label column.")
    row_label: str = Field(description="First cell of the row.")
    column_label: str = Field(description="Header text of the column; several header rows "
                              "joined from the top with ' > ' ('Week 12 > ACR50').")
    text: str = Field(description="Clean cell text: no markup, no citation markers; a spanning "
                      "cell's text in every position it covers.")
    value: float | None = Field(description="Leading measured number.")
    unit: str | None = Field(description="Unit of value, from the cell or else its column/row label.")
    comparator: Comparator | None = Field(description="Sign before the value: <, >, ≤, ≥, ~, ≈.")
    uncertainty: float | None = Field(ge=0, description="The ± spread stated with the value.")
    value_low: float | None = Field(description="Low end of a range (8–14 h gives 8); never averaged.")
    value_high: float | None = Field(description="High end of a range (8–14 h gives 14).")
    p_value: float | None = Field(ge=0, le=1, description="First p-value stated in the cell.")
    p_comparator: PComparator | None = Field(description="Relation of the p-value: <, >, =, ≤, ≥.")
    citations: Citations
    missing: bool = Field(description="True for a placeholder cell such as '-', 'N/A', 'NR'.")
    row_span: int = Field(ge=1, description="Rows the source cell spans (HTML rowspan); 1 otherwise.")
    col_span: int = Field(ge=1, description="Columns the source cell spans (HTML colspan); 1 otherwise.")
    span_origin: bool = Field(description="True where the source cell starts (its top-left "
                              "position); False in the other positions a spanning cell covers.")
    row_header: bool = Field(description="True for a header cell in a body row (HTML <th>: a "
                             "row's label, an infobox section row).")
    line: Line

    @model_validator(mode="after")
    def _consistent(self) -> TableCellRecord:
        if self.missing and self.value is not None:
            raise ValueError("a missing cell has no value")
        if (self.p_value is None) != (self.p_comparator is None):
            raise ValueError("p_value and p_comparator go together")
        ranged = self.value_low is not None
        if ranged != (self.value_high is not None):
            raise ValueError("value_low and value_high go together")
        if ranged and self.value is not None:
            raise ValueError("a range leaves value empty (ranges are never averaged)")
        measured = self.value is not None or ranged
        if not measured and (self.unit is not None or self.comparator is not None
                             or self.uncertainty is not None):
            raise ValueError("unit, comparator and uncertainty need a value")
        return self


Orientation = Literal["rows", "columns"]
Confidence = Literal["high", "medium", "low"]


class MeasurementRecord(Record):
    """One measured number of a table, saying what it measures, for what, when, in which trial."""
    stem = "measurements"
    primary_key = ("doc_id", "measurement_id")
    change_key = ("doc_id", "measurement_id")
    foreign_keys = (ForeignKey(("doc_id", "table_id"), "tables", ("doc_id", "table_id")),)

    doc_id: DocId
    measurement_id: str = Field(min_length=1, description="<table_id>-r<row>-c<col>: the cell "
                                "the number stands in; -<n> after it for the n-th number of a "
                                "cell that states several.")
    table_id: str = Field(min_length=1, description="Table the number stands in.")
    row_index: int = Field(ge=0, description="Its cell's body row (as in table_cells).")
    col_index: int = Field(ge=1, description="Its cell's column (as in table_cells).")
    quantity: str = Field(min_length=1, description="What is measured ('ACR50 Response', 'IC50', "
                          "'Median Time to Recovery'): the label of the axis that names quantities, "
                          "without its unit, time point or trial; a label the cell gives its "
                          "number comes first ('pKa', 'IC₅₀ (Cytotoxicity)').")
    subject: str | None = Field(description="What it is measured for (a compound, an arm, a "
                                "kinase, a cell line), without its dose and regimen: a name the "
                                "cell gives its number ('Cisplatin: ...'), else the label of the "
                                "other axis.")
    dose: float | None = Field(ge=0, description="Dose the subject's label states ('4 mg' gives 4).")
    dose_unit: str | None = Field(description="Unit of dose, as written (mg, mg/kg, µM, ...).")
    regimen: str | None = Field(description="Frequency and co-therapy the subject's label states "
                                "('QD with MTX' for '4 mg QD + MTX', 'with Remdesivir').")
    timepoint: float | None = Field(ge=0, description="Time point a label or the title states "
                                    "('Week 12' gives 12, '28-Day' gives 28).")
    timepoint_unit: Literal["hour", "day", "week", "month", "year"] | None = Field(
        description="Unit of timepoint.")
    condition: str | None = Field(description="The condition the cell states in parentheses "
                                  "right after the number ('A549' in '3.1 µM (A549)', 'loading' "
                                  "in '<50 mM (loading)').")
    trial: str | None = Field(description="Trial a label, the table's title or its section names "
                              "(RA-BEAM, BREEZE-AD1, ACTT-2).")
    value: float | None = Field(description="The measured number (a cell that states several "
                                "numbers gives one measurement each).")
    value_low: float | None = Field(description="Low end of a range; never averaged.")
    value_high: float | None = Field(description="High end of a range.")
    uncertainty: float | None = Field(ge=0, description="The ± spread stated with the value.")
    comparator: Comparator | None = Field(description="Sign before the value: <, >, ≤, ≥, ~, ≈.")
    unit: str | None = Field(description="Unit as written: the number's own, else the row "
                             "label's, else the column header's.")
    p_value: float | None = Field(ge=0, le=1, description="p-value stated with it.")
    p_comparator: PComparator | None = Field(description="Relation of the p-value.")
    value_canonical: float | None = Field(description="value in unit_canonical: amount "
                                          "concentrations in mol/L, mass concentrations in g/L, "
                                          "masses in g, durations in days; percentages, rates and "
                                          "ratios as given; empty for a unit pint cannot read.")
    unit_canonical: str | None = Field(description="Unit of value_canonical.")
    orientation: Orientation = Field(description="Which axis of the table names the quantity: "
                                     "rows (row labels) or columns (header).")
    orientation_confidence: Confidence = Field(description="How clearly the labels said so: high "
                                               "(a corner label such as Metric, or three labels "
                                               "agreeing), medium, or low (no evidence; the header "
                                               "is taken to name the quantity).")
    citations: Citations
    line: Line


class ProtocolRecord(Record):
    """A trial protocol (Objective/Design/... fields) or a procedure (numbered steps)."""
    stem = "protocols"
    primary_key = ("doc_id", "protocol_id")
    change_key = ("doc_id", "protocol_id")
    foreign_keys = (_to_document(), _to_section())

    doc_id: DocId
    protocol_id: str = Field(min_length=1, description="<section_id>-protocol-<n>.")
    protocol_kind: ProtocolKind = Field(
        description="trial: Objective/Design/Population/... fields; procedure: numbered steps."
    )
    section_id: str | None = Field(description="Section holding the protocol.")
    section_path: str = Field(description="Section titles from the top, joined by ' > '.")
    title: str | None = Field(description="Heading above the protocol.")
    objective: str | None = Field(description="Objective field.")
    design: str | None = Field(description="Design field.")
    population: str | None = Field(description="Population field.")
    sample_size: int | None = Field(ge=0, description="Total participants (sum of per-trial N).")
    intervention_arms: str | None = Field(description="The arms field's own text, when it has one.")
    primary_endpoint: str | None = Field(description="Primary endpoint field.")
    key_secondary_endpoints: str | None = Field(description="Key secondary endpoints field.")
    results: str | None = Field(description="Results field.")
    materials: list[str] = Field(
        description="Materials of a procedure, one item each (';'-joined in CSV)."
    )
    citations: Citations
    line_start: Line


class ProtocolArmRecord(Record):
    """The intervention arms listed under a trial protocol."""
    stem = "protocol_arms"
    primary_key = ("doc_id", "protocol_id", "arm_index")
    change_key = ("doc_id", "protocol_id", "arm_index")
    foreign_keys = (ForeignKey(("doc_id", "protocol_id"), "protocols", ("doc_id", "protocol_id")),)

    doc_id: DocId
    protocol_id: str = Field(min_length=1, description="Protocol the arm belongs to.")
    arm_index: int = Field(ge=1, description="1-based position of the arm.")
    description: str = Field(min_length=1, description="Clean text of the arm item.")
    line: Line


class ReferenceRecord(Record):
    """Numbered references, with their parts where the item states them."""
    stem = "references"
    primary_key = ("doc_id", "number")
    change_key = ("doc_id", "number")
    foreign_keys = (_to_document(),)

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
    line: Line


class ProcedureStepRecord(Record):
    """The numbered steps of a procedure."""
    stem = "procedure_steps"
    primary_key = ("doc_id", "protocol_id", "step_number")
    change_key = ("doc_id", "protocol_id", "step_number")
    foreign_keys = (ForeignKey(("doc_id", "protocol_id"), "protocols", ("doc_id", "protocol_id")),)

    doc_id: DocId
    protocol_id: str = Field(min_length=1, description="Procedure (protocol of kind procedure).")
    step_number: int = Field(ge=1, description="Step number as written.")
    text: str = Field(min_length=1, description="Clean text of the step.")
    citations: Citations
    line: Line


class FaqRecord(Record):
    """Question-and-answer pairs of troubleshooting pages."""
    stem = "faqs"
    primary_key = ("doc_id", "faq_id")
    change_key = ("doc_id", "faq_id")
    foreign_keys = (_to_document(), _to_section())

    doc_id: DocId
    faq_id: str = Field(min_length=1, description="<section_id>-faq-<n>.")
    section_id: str | None = Field(description="Section holding the question.")
    question: str = Field(min_length=1, description="The question, clean.")
    answer: str = Field(min_length=1, description="The answer, clean.")
    citations: Citations
    line: Line


class CitationRecord(Record):
    """One row per citation marker in the text, in document order."""
    stem = "citations"
    primary_key = ("doc_id", "ordinal")
    change_key = ("doc_id", "ordinal")
    # The reference is a single-field key: a citation of a missing reference leaves it empty.
    foreign_keys = (_to_document(), ForeignKey(("reference_id",), "references", ("reference_id",)),
                    _to_section())

    doc_id: DocId
    ordinal: int = Field(ge=1, description="Position of the marker in the document, from 1.")
    number: int = Field(ge=1, description="Reference number cited.")
    reference_id: str | None = Field(
        description="The cited reference's reference_id when the reference list has it; "
        "empty for a citation to a missing reference (the foreign key to references)."
    )
    section_id: str | None = Field(description="Section holding the marker; empty before the first.")
    location: Location = Field(description="Kind of text holding the marker.")
    line: Line


class FigureRecord(Record):
    """One row per figure caption."""
    stem = "figures"
    primary_key = ("doc_id", "figure_id")
    change_key = ("doc_id", "figure_id")
    foreign_keys = (_to_document(), _to_section())

    doc_id: DocId
    figure_id: str = Field(min_length=1, description="<section_id>-figure-<n>.")
    section_id: str | None = Field(description="Section holding the figure.")
    section_path: str = Field(description="Section titles from the top, joined by ' > '.")
    caption: str = Field(min_length=1, description="Clean caption text.")
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
    line: int | None = Field(ge=1, description="Source line, where one applies.")
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
