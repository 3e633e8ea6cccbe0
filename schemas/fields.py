"""What every record type shares: the field types the contract's columns use, the
foreign key a record type declares, and the base model (closed, frozen, no NaN)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

DOC_ID_MAX_CHARS = 100  # a doc_id names documents/<doc_id>.json; file names stop at 255 bytes
DocId = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=DOC_ID_MAX_CHARS,
          description="Stable document id: the catalog number where the guide has one, else the "
          f"source file's name; safe as a file name (at most {DOC_ID_MAX_CHARS} characters: a "
          "longer one keeps its start and ends in a hash of the whole)."),
]
Line = Annotated[int, Field(ge=1, description="1-based line in the source file as given; in a PDF, "
                            "the line of its page's text, from the page's top.")]
Page = Annotated[int | None, Field(ge=1, description="1-based page of a PDF source the record is "
                                   "on; empty for other formats.")]
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
SourceFormat = Literal["text", "markdown", "html", "pdf"]
ProtocolKind = Literal["trial", "procedure"]
# Signs a cell writes before its number, longest first (the order a reader tries them in).
Comparator = Literal["<=", ">=", "≤", "≥", "<", ">", "~", "≈"]
PComparator = Literal["<=", ">=", "≤", "≥", "<", ">", "="]
PUBLISHED = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of a record point to ``target_fields`` of a record of type ``target``."""

    fields: tuple[str, ...]
    target: str  # the target record type's stem
    target_fields: tuple[str, ...]


def to_document() -> ForeignKey:
    return ForeignKey(("doc_id",), "documents", ("doc_id",))


def to_section(field: str = "section_id") -> ForeignKey:
    return ForeignKey(("doc_id", field), "sections", ("doc_id", "section_id"))


class Record(BaseModel):
    # No record holds an infinite or undefined number: JSON has no such values.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    stem: ClassVar[str]  # the file it fills: <stem>.csv, <stem>.jsonl
    primary_key: ClassVar[tuple[str, ...] | None]  # unique across the dataset; None: no key
    change_key: ClassVar[tuple[str, ...]]  # how the change report matches old and new records
    foreign_keys: ClassVar[tuple[ForeignKey, ...]] = ()
