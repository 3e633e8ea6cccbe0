"""One document through the stages, and one run over a folder of sources.

``extract`` chains the pure stages for one file's bytes; any document problem
becomes an error issue on the returned document, never an exception.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path, PurePath

from pipeline.decode import decode, sniff_format
from pipeline.documents import ParsedDoc, SourceInfo
from pipeline.errors import DocumentError, Issue
from pipeline.normalize import normalize
from pipeline.parse import UnknownFormatError, parse
from pipeline.parse.front_matter import split_front_matter
from pipeline.validate import ValidatedDoc, validate

# The family's guides are 4-20 KB; a source this large is a dump gone wrong, and reading it
# whole would cost the run its memory. Checked against the file's size before it is read.
MAX_SOURCE_BYTES = 5 * 1024 * 1024
FRONT_MATTER_FORMATS = frozenset({"text", "markdown"})  # HTML carries its fields in <meta>
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


def extract(data: bytes, source_path: str) -> ValidatedDoc:
    """Run one source file's bytes through decode, parse, normalize and validate."""
    name = PurePath(source_path).name
    fallback_id = _SAFE_NAME.sub("_", PurePath(name).stem).strip("._") or "document"
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        decoded = decode(data)
        fmt = sniff_format(decoded.text, PurePath(name).suffix)
        source = SourceInfo(source_path, sha256, fmt, decoded.encoding, fallback_id, len(data))
        front_matter: dict[str, object] = {}
        text, issues = decoded.text, ()
        if fmt in FRONT_MATTER_FORMATS:
            front_matter, text, issues = split_front_matter(text)
        try:
            blocks = parse(text, fmt)
        except UnknownFormatError as exc:
            raise DocumentError(Issue("parse", "error", f"{exc}; this format is not supported")) from None
        return validate(normalize(ParsedDoc(source, tuple(blocks), front_matter, issues)))
    except DocumentError as exc:
        return refused(source_path, exc.issue, sha256, len(data))


def refused(source_path: str, issue: Issue, sha256: str = "", size: int = 0) -> ValidatedDoc:
    """A document that never reached the stages: it is named after its file."""
    name = PurePath(source_path).stem
    return ValidatedDoc(_SAFE_NAME.sub("_", name).strip("._") or "document", source_path,
                        issues=(issue,), source_sha256=sha256, size=size)


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


def mark_duplicate_ids(docs: Iterable[ValidatedDoc]) -> list[ValidatedDoc]:
    """Two sources with one doc_id: both get an error and neither's records go out."""
    docs = list(docs)
    issues = duplicate_id_issues((d.doc_id, d.source_path) for d in docs)
    return [replace(d, records={}, issues=(*d.issues, issues[d.source_path]))
            if d.source_path in issues else d for d in docs]


def _hidden(relative: PurePath) -> bool:
    return any(part.startswith(".") for part in relative.parts)
