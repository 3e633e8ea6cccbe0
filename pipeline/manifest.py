"""The run manifest: per source, what was read and what it gave; the key to incremental runs.

``outputs/manifest.json`` lists every source, sorted by path, with its doc_id,
hash, size, format, record counts per type, error and warning counts, the issues
its extraction found (before the run-level duplicate-id check), and the
pipeline and schema versions that produced it. No timestamps: the same run
writes the same bytes.

A source is reused from the previous outputs when its bytes' hash and both
versions match its entry: its rows come back from ``documents/<doc_id>.json``
(validated when written, by the same schema version) and its issues from the
entry. The manifest is written by ``pipeline/incremental.py``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pipeline import PIPELINE_VERSION
from schemas.records import SCHEMA_VERSION

MANIFEST = "manifest.json"


def _code_fingerprint() -> str:
    """A hash of the pipeline's and the contract's source code.

    A source is reused only when the code that would extract it again is the same
    code that extracted it, whether or not anyone remembered to raise a version.
    """
    digest = hashlib.sha256()
    for package in (Path(__file__).parent, Path(__file__).parent.parent / "schemas"):
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_FINGERPRINT = _code_fingerprint()


def read_manifest(content: bytes | None) -> dict[str, dict[str, Any]]:
    """Manifest entries by source path; empty for a missing or unreadable manifest."""
    if not content:
        return {}
    try:
        body = json.loads(content)
        return {entry["source_path"]: entry for entry in body["sources"]}
    except (ValueError, KeyError, TypeError):
        return {}  # an unreadable manifest only costs a full run


def reusable(entry: dict[str, Any] | None, sha256: str) -> bool:
    return (entry is not None and entry.get("source_sha256") == sha256
            and entry.get("pipeline_version") == PIPELINE_VERSION
            and entry.get("schema_version") == SCHEMA_VERSION
            and entry.get("code_fingerprint") == CODE_FINGERPRINT)
