"""What a run keeps in memory of one document while its records stay in its JSON file."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.errors import Issue


@dataclass(frozen=True, slots=True)
class Summary:
    """What a run keeps in memory of one document; its records stay in its JSON file."""

    source_path: str
    doc_id: str
    sha256: str
    size: int
    source_format: str
    issues: tuple[Issue, ...]  # the extraction's own
    counts: dict[str, int] = field(default_factory=dict)
    has_records: bool = False  # its documents/<doc_id>.json holds its records
    document_sha256: str | None = None  # of that file
    rows: tuple[tuple[str, int, int], ...] = ()  # (file name, offset, size) of its spilled rows
    extracted: bool = False  # extracted in this run, not reused
    run_issues: tuple[Issue, ...] = ()  # the run's own checks (a doc_id two sources share)
    trace: str | None = None  # the traceback of a pipeline bug, for the console

    @property
    def all_issues(self) -> tuple[Issue, ...]:
        return (*self.issues, *self.run_issues)

    @property
    def failed(self) -> bool:
        return any(i.severity == "error" for i in self.all_issues)
