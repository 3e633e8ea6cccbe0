"""One document through the stages: bytes in, a validated document out.

``extract`` chains the pure stages for one file's bytes; any document problem
becomes an error issue on the returned document, never an exception.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import PurePath

from pipeline.decode import decode, sniff_format
from pipeline.documents import ParsedDoc, SourceInfo
from pipeline.errors import DocumentError, Issue
from pipeline.inline import clean_inline, strip_markup
from pipeline.normalize import normalize
from pipeline.parse import UnknownFormatError, bounded, parse, pdf
from pipeline.parse.front_matter import split_front_matter
from pipeline.sources import duplicate_id_issues, fallback_id, is_pdf
from pipeline.validate import ValidatedDoc, validate
from schemas.records import RecordSet

FRONT_MATTER_FORMATS = frozenset({"text", "markdown"})  # HTML carries its fields in <meta>
PDF_ENCODING = "pdf"  # a PDF's text is its text layer's, as PDFium reads it: no byte encoding


def extract(data: bytes, source_path: str) -> ValidatedDoc:
    """Run one source file's bytes through decode, parse, normalize and validate."""
    clean_inline.cache_clear()  # the caches serve one document's repeats; memory stays flat
    strip_markup.cache_clear()
    name = PurePath(source_path).name
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        if is_pdf(data):
            return _extract_pdf(data, source_path, sha256)
        decoded = decode(data)
        fmt = sniff_format(decoded.text, PurePath(name).suffix)
        source = SourceInfo(source_path, sha256, fmt, decoded.encoding, fallback_id(source_path),
                            len(data))
        front_matter: dict[str, object] = {}
        text, issues = decoded.text, decoded.issues
        if fmt in FRONT_MATTER_FORMATS:
            front_matter, text, found = split_front_matter(text)
            issues += found
        try:
            parsed = parse(text, fmt)
        except UnknownFormatError as exc:
            raise DocumentError(Issue("parse", "error", f"{exc}; this format is not supported")) from None
        return validate(normalize(ParsedDoc(source, parsed.blocks, front_matter,
                                            (*issues, *parsed.issues))))
    except DocumentError as exc:
        return refused(source_path, exc.issue, sha256, len(data))


def _extract_pdf(data: bytes, source_path: str, sha256: str) -> ValidatedDoc:
    """A PDF's text layer through parse (``parse.pdf``), normalize and validate."""
    read = pdf.parse(data)
    source = SourceInfo(source_path, sha256, "pdf", PDF_ENCODING, fallback_id(source_path), len(data),
                        read.page_starts)
    parsed = bounded(read.parsed)
    return validate(normalize(ParsedDoc(source, parsed.blocks, {}, parsed.issues)))


def refused(source_path: str, issue: Issue, sha256: str = "", size: int = 0) -> ValidatedDoc:
    """A document that never reached the stages: it is named after its file."""
    return ValidatedDoc(fallback_id(source_path), source_path, issues=(issue,),
                        source_sha256=sha256, size=size)


def mark_duplicate_ids(docs: Iterable[ValidatedDoc]) -> list[ValidatedDoc]:
    """Two sources with one doc_id: both get an error and neither's records go out."""
    docs = list(docs)
    issues = duplicate_id_issues((d.doc_id, d.source_path) for d in docs)
    return [replace(d, records=RecordSet(), issues=(*d.issues, issues[d.source_path]))
            if d.source_path in issues else d for d in docs]


