"""The first step of a run: find the sources, hash them, and decide what to extract.

Nothing here imports a parser, so a run that finds nothing changed starts and
ends fast. A source is reused when the previous outputs can be trusted (their
record files have the bytes the manifest recorded) and its manifest entry says
the same bytes were read by the same code; everything else is extracted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.errors import Issue
from pipeline.manifest import MANIFEST, Entry, Manifest, changed_file
from pipeline.sources import (
    discover,
    display_path,
    duplicate_path_issues,
    read_regular,
)
from schemas.records import RECORD_TYPES

DOCUMENTS_DIR = "documents"  # one JSON file per document


@dataclass(frozen=True, slots=True)
class Source:
    """A source file as discovered: where it is and what its bytes hash to."""

    path: Path  # where its bytes are read: the file itself, links resolved
    source_path: str  # as shown and recorded: relative to the working directory
    sha256: str
    size: int
    refusal: Issue | None = None  # over the size limit, or unreadable: never extracted

    def read(self) -> bytes:
        """The bytes the plan hashed, read again in the one safe way (``read_regular``);
        ``SourceChanged`` when the file is no longer what was planned."""
        size, data = read_regular(self.path)
        if isinstance(data, Issue) or hashlib.sha256(data).hexdigest() != self.sha256:
            raise SourceChanged(Issue(
                "read", "error", f"the file changed after the run planned it ({self.size:,} "
                f"bytes then, {size:,} now, other content); it was not read: run again"))
        return data


class SourceChanged(Exception):
    """A source whose bytes are not those the plan hashed; carries the issue to report."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


@dataclass(frozen=True, slots=True)
class Plan:
    sources: tuple[Source, ...]  # every file in path order, then each folder it could not list
    reused: dict[str, Entry]  # source_path -> its entry; its records are in the previous outputs
    previous: Manifest | None  # the previous run's manifest, if there is a valid one
    distrusted: bool = False  # the previous record files were changed since that run
    notice: str | None = None  # why nothing of the previous outputs is reused, if so

    @property
    def todo(self) -> tuple[Source, ...]:
        """The sources to extract (a refused one only gets its error)."""
        return tuple(s for s in self.sources if s.source_path not in self.reused)

    def nothing_changed(self, parquet: bool, out: Path) -> bool:
        """True when every source is reused and the outputs already hold what was asked."""
        same_sources = self.previous is not None and not self.distrusted and \
            {e.source_path for e in self.previous.sources} == {s.source_path for s in self.sources}
        parquet_ready = not parquet or all((out / f"{s}.parquet").is_file() for s in RECORD_TYPES)
        return same_sources and not self.todo and parquet_ready


def plan(sources: Path, out: Path, *, force: bool = False) -> Plan:
    """Hash every source below ``sources`` and match it against ``out``'s manifest."""
    root = sources.resolve()
    files, unlisted = discover(sources)
    found = (*(find(path, root) for path in files),  # then the folders it could not list
             *(Source(folder, display_path(folder), "unlisted", 0, issue) for folder, issue in unlisted))
    twins = duplicate_path_issues(s.source_path for s in found)
    found = tuple(replace(s, sha256="duplicate", refusal=twins[s.source_path])
                  if s.source_path in twins else s for s in found)
    content = _read(out / MANIFEST)
    previous = Manifest.read(content)
    changed = changed_file(out, previous) if previous is not None else None
    distrusted = changed is not None
    entries = {e.source_path: e for e in previous.sources} if previous and not (force or distrusted) else {}
    reused = {s.source_path: entries[s.source_path] for s in found
              if _reusable(entries.get(s.source_path), s, out)}
    notice = None
    if content is not None and previous is None:
        notice = f"{display_path(out / MANIFEST)} is not a valid manifest; every source is extracted again"
    elif changed is not None:
        notice = (f"{display_path(out / changed)} was changed or removed since the last run; "
                  "every source is extracted again")
    return Plan(found, reused, previous, distrusted, notice)


def find(path: Path, root: Path) -> Source:
    """A source's hash and size; a file over the size limit, unreadable, no longer a regular
    file, or reached through a link that leaves ``root`` (the sources folder, resolved) is
    refused unread."""
    source_path = display_path(path)
    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to(root):
            outside = Issue("read", "error", "the file is a link to a file outside the sources "
                            "folder; it was not read (copy the file in instead)")
            return Source(path, source_path, "outside", 0, outside)
        size, data = read_regular(real)
        if isinstance(data, Issue):
            return Source(real, source_path, f"unread:{size}", size, data)
        digest = hashlib.sha256(data).hexdigest()
    except OSError as exc:
        issue = Issue("read", "error", f"the file cannot be read: {exc.strerror}")
        return Source(path, source_path, "unreadable", 0, issue)
    return Source(real, source_path, digest, size)  # read where it was checked


def _reusable(entry: Entry | None, source: Source, out: Path) -> bool:
    if entry is None or source.refusal is not None or not entry.reusable(source.sha256):
        return False
    return not entry.extracted_records or (out / DOCUMENTS_DIR / f"{entry.doc_id}.json").is_file()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
