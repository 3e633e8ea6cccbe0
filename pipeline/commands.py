"""The commands that read or describe a run's outputs rather than make them: ``diff``,
``review``, ``dictionary`` and ``schema``; ``pipeline/__main__.py`` parses their arguments."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.changes import diff_streams, read_rows, summary_lines
from pipeline.dictionary import render as render_dictionary
from pipeline.dictionary import replace_section
from pipeline.sources import display_path

if TYPE_CHECKING:  # the manifest's model loads when a command reads one
    from pipeline.manifest import Manifest

SCHEMAS_OUT = Path("schemas") / "json"  # relative to the working directory, like sources/
DICTIONARY_PAGE = Path("docs/data-dictionary.md")


def diff_command(old: Path, new: Path) -> int:
    """The change report between two output folders, from their CSV files."""
    from contextlib import ExitStack

    from pipeline.contract import column_names, json_bytes
    from schemas.records import RECORD_TYPES

    with ExitStack() as stack:
        def rows(folder: Path, stem: str) -> Any:
            path = folder / f"{stem}.csv"
            if not path.is_file():
                return iter(())
            return read_rows(stack.enter_context(path.open(encoding="utf-8", newline="")),
                             column_names(stem))

        try:
            report = diff_streams({stem: rows(old, stem) for stem in RECORD_TYPES},
                                  {stem: rows(new, stem) for stem in RECORD_TYPES})
        except (KeyError, ValueError, csv.Error) as exc:  # UnicodeDecodeError is a ValueError
            print(f"error: {old} or {new} holds a record file that is not a run's CSV ({exc!r:.80})",
                  file=sys.stderr)
            return 2
    sys.stdout.write(json_bytes(report).decode("utf-8"))
    for line in summary_lines(report):
        print(line, file=sys.stderr)
    return 1 if report["changed"] else 0


def read_outputs(out: Path) -> tuple[Manifest | None, str | None]:
    """A run's outputs folder's manifest, read and checked once; or why ``out`` is not a run's
    outputs folder a command can read."""
    from pipeline.manifest import MANIFEST, Manifest

    path = out / MANIFEST
    if not path.is_file():
        return None, f"{out} is not a run's outputs folder (no {MANIFEST}): run first"
    try:
        content = path.read_bytes()
    except OSError as exc:
        return None, f"{path} cannot be read: {exc.strerror}"
    manifest = Manifest.read(content)
    if manifest is None:
        return None, f"{path} is not a run's manifest (not JSON, or not its shape): run again to renew {out}"
    return manifest, None


def review_command(out: Path, manifest: Manifest) -> int:
    """Read a run's outputs (``manifest`` is theirs, from ``read_outputs``) and its sources;
    write the review site under ``out/review/``."""
    import shutil

    try:
        documents, changes = _review_inputs(out, manifest)
    except (ValueError, KeyError, TypeError, csv.Error) as exc:  # JSON and UTF-8 errors are ValueErrors
        print(f"error: {out} holds an output file that was changed or cut short since its run "
              f"({str(exc)[:120]}); run again to renew it", file=sys.stderr)
        return 2
    from pipeline.review import render_site

    site = out / "review"
    shutil.rmtree(site, ignore_errors=True)
    for name, html in render_site(documents, changes).items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
    print(f"review site: {display_path(site)}/index.html ({len(documents)} documents)")
    return 0


def _review_inputs(out: Path, manifest: Manifest) -> tuple[list[Any], dict[str, Any] | None]:
    """Each document of a run's outputs as the review site shows it, and the change report."""
    from pipeline.review import DocumentInput

    changes_path = out / "changes.json"
    changes = json.loads(changes_path.read_bytes()) if changes_path.is_file() else None
    if changes is not None and not isinstance(changes, dict):
        raise ValueError("changes.json is not a change report")
    with (out / "errors.csv").open(encoding="utf-8", newline="") as handle:
        errors = list(read_rows(handle))
    documents = []
    for entry in manifest.sources:
        doc_json = out / "documents" / f"{entry.doc_id}.json"
        body = _document(doc_json, entry.document_sha256) if entry.document_sha256 else {}
        records = {} if entry.errors else {k: v for k, v in body.items() if isinstance(v, list)}
        documents.append(DocumentInput(
            entry=entry.model_dump(), records=records,
            errors=[e for e in errors if e["source_path"] == entry.source_path],
            pages=_source_pages(Path(entry.source_path), entry.source_sha256),
            change=(changes or {}).get("documents", {}).get(entry.doc_id)))
    return documents, changes


def _document(path: Path, sha256: str) -> dict[str, Any]:
    """A document's JSON as its run wrote it (ValueError when it was changed since)."""
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValueError(f"documents/{path.name} is not the file its run wrote")
    body = json.loads(content)
    if not isinstance(body, dict):
        raise ValueError(f"documents/{path.name} is not a document")
    return body


def _source_pages(path: Path, sha256: str) -> list[list[str]] | None:
    """A source's text for its review page, as the run read it: a text's lines, a PDF's
    pages' lines (the lines its records count); only the very bytes the run read (a source
    changed since, or one the run refused unread, such as a link out of the sources folder,
    is not shown)."""
    from pipeline.decode import decode
    from pipeline.errors import DocumentError
    from pipeline.parse.pdf import page_texts
    from pipeline.parse.pdf_guard import ReaderError
    from pipeline.sources import is_pdf

    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            return None
        return page_texts(data) if is_pdf(data) else [decode(data).text.split("\n")]
    except (OSError, DocumentError, ReaderError):
        return None


def dictionary_command(out: Path, *, write: bool) -> int:
    try:
        examples = read_examples(out)
    except (ValueError, KeyError, csv.Error) as exc:  # pandas' parser and UTF-8 errors are ValueErrors
        print(f"error: {out} holds a record file that is not a run's CSV ({str(exc)[:120]}); "
              "run again to renew it", file=sys.stderr)
        return 2
    text = render_dictionary(examples)
    if not write:
        sys.stdout.write(text)
        return 0
    page = DICTIONARY_PAGE.read_text("utf-8")
    renewed = replace_section(page, text)
    if renewed != page:
        DICTIONARY_PAGE.write_text(renewed, "utf-8")
    return 0


def read_examples(out: Path) -> dict[str, dict[str, str]]:
    """The first non-empty value of each column in each CSV of ``out``."""
    import pandas as pd  # only this command needs it; a run starts faster without it

    examples: dict[str, dict[str, str]] = {}
    from schemas.records import RECORD_TYPES

    for stem in RECORD_TYPES:
        path = out / f"{stem}.csv"
        if not path.is_file():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        examples[stem] = {col: next((v for v in frame[col] if v), "") for col in frame.columns}
    return examples


def schema_command(*, write: bool) -> int:
    from pipeline.writer import json_schemas

    schemas = json_schemas()
    if write:
        write_files(SCHEMAS_OUT, schemas, managed=("*.schema.json",))
    else:
        for name, content in schemas.items():
            sys.stdout.write(f"// {name}\n{content.decode('utf-8')}")
    return 0


def write_files(folder: Path, files: dict[str, bytes], managed: Sequence[str]) -> None:
    """Write changed files only, and remove managed files the run no longer produces."""
    for relative, content in files.items():
        path = folder / relative
        if path.is_file() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for pattern in managed:
        for path in folder.glob(pattern):
            if path.relative_to(folder).as_posix() not in files:
                path.unlink()

