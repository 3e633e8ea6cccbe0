"""Problems found in a document, collected rather than raised."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.fields import Severity, Stage


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in one document: an error withholds its records, a warning does not."""

    stage: Stage
    severity: Severity
    message: str
    line: int | None = None
    page: int | None = None  # a PDF's page; ``line`` is then the line within it


class DocumentError(Exception):
    """A document that cannot be read at all; carries the issue to report."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


class EnvironmentProblem(Exception):
    """The run cannot go on for a reason outside any document (a lock left by a dead run,
    an output folder it cannot write): the command line's exit status 3."""
