"""What every stage knows about the source file a document came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.blocks import Block
from pipeline.errors import Issue


@dataclass(frozen=True, slots=True)
class SourceInfo:
    source_path: str  # relative to the working directory, '/'-separated
    source_sha256: str
    source_format: str  # the parser that read it
    encoding: str
    fallback_id: str  # the file's name, the doc_id when the guide gives no catalog number
    size: int = 0  # bytes
    # A PDF's: the document line each page starts on (its lines are numbered through the
    # document until the records are built, then given as page and line within the page).
    page_starts: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedDoc:
    source: SourceInfo
    blocks: tuple[Block, ...]
    front_matter: dict[str, Any] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()
