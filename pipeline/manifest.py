"""The run manifest: per source, what was read and what it gave; the key to incremental runs.

``outputs/manifest.json`` lists every source, sorted by path, with its doc_id,
hash, size, format, record counts per type, error and warning counts, the issues
its extraction found (before the run-level duplicate-id check), and the
versions and code fingerprint that produced it; and the sha256 of every record
file. No timestamps: the same run writes the same bytes.

A source is reused from the previous outputs when its bytes' hash, both
versions and the code fingerprint match its entry: its records come back from
``documents/<doc_id>.json`` and its issues from the entry. A manifest that is
not a valid ``Manifest`` means "extract everything again".
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline import PIPELINE_VERSION
from pipeline.errors import Issue
from schemas.fields import Severity, Stage
from schemas.records import RECORD_STEMS, SCHEMA_VERSION

MANIFEST = "manifest.json"
EXTRACTION_LIBRARIES = ("markdown-it-py", "beautifulsoup4", "html5lib", "pint", "charset-normalizer",
                        "pydantic", "pydantic-core", "python-slugify", "pyyaml", "puremagic")
# What decides a document's records: the stages and the contract. The run around them
# (planning, writing, the command line, the review site) does not, and editing it
# re-extracts nothing.
RECORD_CODE = ("blocks.py", "contract.py", "decode.py", "documents.py", "errors.py", "extract.py",
               "inline.py", "sources.py", "validate.py", "vocabulary.py", "normalize", "parse")


def _code_fingerprint() -> str:
    """A hash of the code that decides the records, and of the libraries that read the guides.

    A source is reused only when the code that would extract it again is the same
    code that extracted it, whether or not anyone remembered to raise a version.
    """
    digest = hashlib.sha256()
    for name in EXTRACTION_LIBRARIES:  # constraints.txt pins them: this changes only on purpose
        try:
            digest.update(f"{name}=={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing;".encode())
    digest.update(f"python {sys.version_info.major}.{sys.version_info.minor};".encode())
    root = Path(__file__).parent.parent
    for path in fingerprinted_files():
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprinted_files() -> list[Path]:
    """The source files of the stages and the contract, in a stable order."""
    package = Path(__file__).parent
    paths = sorted((package.parent / "schemas").glob("*.py"))
    for name in RECORD_CODE:
        path = package / name
        paths.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return paths


CODE_FINGERPRINT = _code_fingerprint()


class Entry(BaseModel):
    """One source as the last run read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_path: str
    doc_id: str
    source_sha256: str
    size: int
    source_format: str
    records: dict[str, int]
    errors: int
    warnings: int
    # (stage, severity, line, message[, page]): a manifest written before PDFs has no page
    extraction_issues: list[tuple[Stage, Severity, int | None, str]
                            | tuple[Stage, Severity, int | None, str, int | None]]
    extracted_records: bool
    document_sha256: str | None  # of documents/<doc_id>.json, when its records went out
    pipeline_version: str
    schema_version: str
    code_fingerprint: str

    def issues(self) -> tuple[Issue, ...]:
        return tuple(Issue(stage, severity, message, line, *page)
                     for stage, severity, line, message, *page in self.extraction_issues)

    def reusable(self, sha256: str) -> bool:
        return (self.source_sha256 == sha256 and self.pipeline_version == PIPELINE_VERSION
                and self.schema_version == SCHEMA_VERSION and self.code_fingerprint == CODE_FINGERPRINT)


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pipeline_version: str
    schema_version: str
    files: dict[str, str]  # record file -> sha256
    sources: list[Entry]

    @classmethod
    def read(cls, content: bytes | None) -> Manifest | None:
        """The manifest, or None when it is missing or not a valid manifest."""
        if not content:
            return None
        try:
            return cls.model_validate_json(content)
        except ValidationError:
            return None

    def to_bytes(self) -> bytes:
        """One source per line, each by the C encoder: readable, diff-friendly and fast at scale."""
        head = json.dumps({"pipeline_version": self.pipeline_version,
                           "schema_version": self.schema_version, "files": self.files},
                          ensure_ascii=False, indent=2, allow_nan=False)
        lines = ",\n".join("    " + json.dumps(e.model_dump(), ensure_ascii=False, allow_nan=False,
                                                separators=(", ", ": "))
                            for e in self.sources)
        return f'{head[:-2]},\n  "sources": [\n{lines}\n  ]\n}}\n'.encode()


def entry(source_path: str, doc_id: str, sha256: str, size: int, source_format: str,
          extraction_issues: tuple[Issue, ...], final_issues: tuple[Issue, ...],
          counts: dict[str, int], has_records: bool, document_sha256: str | None) -> Entry:
    """A manifest entry; ``final_issues`` add the run's own checks (duplicate ids)."""
    return Entry(
        source_path=source_path, doc_id=doc_id, source_sha256=sha256, size=size,
        source_format=source_format,
        records={stem: counts.get(stem, 0) for stem in RECORD_STEMS},
        errors=sum(i.severity == "error" for i in final_issues),
        warnings=sum(i.severity == "warning" for i in final_issues),
        extraction_issues=[(i.stage, i.severity, i.line, i.message, i.page) for i in extraction_issues],
        extracted_records=has_records,
        document_sha256=document_sha256,
        pipeline_version=PIPELINE_VERSION, schema_version=SCHEMA_VERSION,
        code_fingerprint=CODE_FINGERPRINT,
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def changed_file(out: Path, manifest: Manifest) -> str | None:
    """The first file the manifest lists (record files, the package, each document's JSON)
    that is not there with the bytes it recorded; None when every one is.

    Reused documents' records are carried over, so a file changed by hand or damaged
    must not be trusted: the caller then extracts everything again.
    """
    owned = {**manifest.files, **{f"documents/{e.doc_id}.json": e.document_sha256
                                  for e in manifest.sources if e.document_sha256}}
    for name, sha256 in owned.items():
        path = out / name
        if not path.is_file() or file_sha256(path) != sha256:
            return name
    return None
