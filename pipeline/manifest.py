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
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline import PIPELINE_VERSION
from schemas.records import SCHEMA_VERSION

MANIFEST = "manifest.json"
EXTRACTION_LIBRARIES = ("markdown-it-py", "beautifulsoup4", "charset-normalizer", "pydantic",
                        "pydantic-core", "python-slugify", "pyyaml", "puremagic")


def _code_fingerprint() -> str:
    """A hash of the pipeline's and the contract's source code.

    A source is reused only when the code that would extract it again is the same
    code that extracted it, whether or not anyone remembered to raise a version.
    """
    digest = hashlib.sha256()
    # The libraries that read the guides count as code too: a new parser release may read
    # a guide differently. (constraints.txt pins them, so this changes only on purpose.)
    for name in EXTRACTION_LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing;".encode())
    digest.update(f"python {sys.version_info.major}.{sys.version_info.minor};".encode())
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


def untouched(out: Path, content: bytes | None) -> bool:
    """True when the output files the manifest lists are there with the bytes it recorded.

    Reused documents' rows are copied from the previous files, so a file changed by hand
    or damaged must not be trusted: the caller then extracts everything again.
    """
    if not content:
        return False
    try:
        files = json.loads(content)["files"]
    except (ValueError, KeyError, TypeError):
        return False
    for name, sha256 in files.items():
        path = out / name
        if not path.is_file() or file_sha256(path) != sha256:
            return False
    return True


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def reusable(entry: dict[str, Any] | None, sha256: str) -> bool:
    return (entry is not None and entry.get("source_sha256") == sha256
            and entry.get("pipeline_version") == PIPELINE_VERSION
            and entry.get("schema_version") == SCHEMA_VERSION
            and entry.get("code_fingerprint") == CODE_FINGERPRINT)
