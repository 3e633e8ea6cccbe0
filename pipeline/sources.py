"""Finding source files and naming them: the light part of a run.

Nothing here imports a parser, so a run that finds nothing changed starts fast.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path, PurePath

from pipeline.errors import Issue

# The family's guides are 4-20 KB; a source this large is a dump gone wrong, and reading it
# whole would cost the run its memory. Checked against the file's size before it is read.
MAX_SOURCE_BYTES = 5 * 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def discover(sources: Path) -> list[Path]:
    """Every regular, non-hidden file below ``sources``, in a stable order."""
    return sorted(
        (p for p in sources.rglob("*") if p.is_file() and not _hidden(p.relative_to(sources))),
        key=lambda p: p.relative_to(sources).as_posix(),
    )


def display_path(path: Path) -> str:
    """The path as the run reached it, relative to the working directory."""
    return PurePath(os.path.relpath(path)).as_posix()


def fallback_id(source_path: str) -> str:
    """The id of a document named after its file: the file's name, safe as a file name."""
    return _SAFE_NAME.sub("_", PurePath(source_path).stem).strip("._") or "document"


def too_large(size: int) -> Issue | None:
    if size <= MAX_SOURCE_BYTES:
        return None
    return Issue("read", "error", f"the file is {size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte "
                 "limit for one guide; it was not read (split it or raise MAX_SOURCE_BYTES)")


def duplicate_id_issues(ids: Iterable[tuple[str, str]]) -> dict[str, Issue]:
    """For (doc_id, source_path) pairs: an error for every source whose doc_id another shares."""
    by_id: dict[str, list[str]] = defaultdict(list)
    pairs = list(ids)
    for doc_id, source_path in pairs:
        by_id[doc_id].append(source_path)
    issues = {}
    for doc_id, source_path in pairs:
        twins = [p for p in by_id[doc_id] if p != source_path]
        if twins:
            issues[source_path] = Issue(
                "validate", "error", f"doc_id {doc_id!r} is also given by {', '.join(twins)}; "
                "records of both are withheld until one changes")
    return issues


def _hidden(relative: PurePath) -> bool:
    return any(part.startswith(".") for part in relative.parts)
