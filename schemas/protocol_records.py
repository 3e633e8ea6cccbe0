"""The records a protocol yields: the protocol (a trial's fields or a procedure's
materials), the arms of a trial and the steps of a procedure."""

from __future__ import annotations

from pydantic import Field

from schemas.fields import (
    Citations,
    DocId,
    ForeignKey,
    Line,
    Page,
    ProtocolKind,
    Record,
    to_document,
    to_section,
)


class ProtocolRecord(Record):
    """A trial protocol (Objective/Design/... fields) or a procedure (numbered steps)."""
    stem = "protocols"
    primary_key = ("doc_id", "protocol_id")
    change_key = ("doc_id", "protocol_id")
    foreign_keys = (to_document(), to_section())

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
    page: Page = None
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
    page: Page = None
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
    page: Page = None
    line: Line

