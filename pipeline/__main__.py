"""Command line: ``python -m pipeline run [--sources DIR] [--out DIR]``.

The only module that touches the disk: it reads sources, calls the stages and
writes outputs. Exit status: 0 when every document went through, 1 when any
document has errors (all others are still written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import pandas as pd
from tqdm import tqdm

from pipeline.changes import diff_outputs, summary_lines
from pipeline.dictionary import render as render_dictionary
from pipeline.dictionary import replace_section
from pipeline.errors import Issue
from pipeline.export import DOCUMENTS_DIR, export, json_schemas
from pipeline.manifest import MANIFEST, build_manifest, cached_doc, read_manifest, reusable
from pipeline.run import discover, display_path, extract, mark_duplicate_ids, refused, too_large
from pipeline.store import locked, read_all, recover, swap_in
from pipeline.validate import ValidatedDoc
from schemas.records import RECORD_TYPES

SCHEMAS_OUT = Path("schemas") / "json"  # relative to the working directory, like sources/
CHANGES = "changes.json"
# Files a run owns in the output folder; anything else there (a review site) is left alone.
OWNED = ("*.csv", f"{DOCUMENTS_DIR}/*.json", MANIFEST, CHANGES)
README = Path("README.md")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="extract every guide in SOURCES into OUT")
    run.add_argument("--sources", type=Path, default=Path("sources"), help="default: sources/")
    run.add_argument("--out", type=Path, default=Path("outputs"), help="default: outputs/")
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                     help="worker processes (default: the number of cores)")
    run.add_argument("--force", action="store_true", help="extract every source again")
    diff = commands.add_parser("diff", help="the change report between two output folders")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    schema = commands.add_parser("schema", help="print the JSON Schema of every record type")
    schema.add_argument("--write", action="store_true", help=f"write them to {SCHEMAS_OUT}/")
    dictionary = commands.add_parser("dictionary", help="print the data dictionary (Markdown)")
    dictionary.add_argument("--write", action="store_true", help="renew the README's copy")
    dictionary.add_argument("--out", type=Path, default=Path("outputs"),
                            help="outputs to take example values from (default: outputs/)")
    args = parser.parse_args(argv)
    if args.command == "dictionary":
        return dictionary_command(args.out, write=args.write)
    if args.command == "schema":
        return schema_command(write=args.write)
    if args.command == "diff":
        for folder in (args.old, args.new):
            if not folder.is_dir():
                parser.error(f"{folder} is not a folder")
        return diff_command(args.old, args.new)
    if not args.sources.is_dir():
        parser.error(f"--sources {args.sources} is not a folder")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return run_command(args.sources, args.out, jobs=args.jobs, force=args.force)


def run_command(sources: Path, out: Path, *, jobs: int = 1, force: bool = False) -> int:
    """One incremental run: reuse what did not change, extract the rest, swap outputs in."""
    with locked(out):
        recover(out)
        entries = {} if force else read_manifest(_read(out / MANIFEST))
        found = [_source(path) for path in discover(sources)]
        if entries and set(entries) == {f.source_path for f in found} and all(
                reusable(entries[f.source_path], f.sha256) for f in found):
            return _nothing_changed(entries, out)
        extracted: dict[str, ValidatedDoc] = {}
        todo: list[SourceFile] = []
        for source in found:
            entry = entries.get(source.source_path)
            cached = None
            if reusable(entry, source.sha256):
                assert entry is not None
                cached = cached_doc(entry, _read(out / DOCUMENTS_DIR / f"{entry['doc_id']}.json"))
            if cached is None:
                todo.append(source)
            else:
                extracted[source.source_path] = cached
        extracted.update(extract_all(todo, jobs))
        before = [extracted[f.source_path] for f in found]
        after = mark_duplicate_ids(before)
        fresh = {f.source_path for f in todo}
        for doc in after:
            report(doc, reused=doc.source_path not in fresh)
        files = export(after)
        files[MANIFEST] = build_manifest(before, after)
        old = {name: content for name, content in read_all(out).items()
               if any(PurePath(name).match(pattern) for pattern in OWNED)}
        old_changes = old.pop(CHANGES, None)
        if files == old:
            print(f"outputs unchanged; {display_path(out)}/ left as it was")
        else:
            changes = diff_outputs(old, files)
            files[CHANGES] = _json_bytes(changes)
            swap_in(out, files, OWNED)
            for line in summary_lines(changes):
                print(f"changed: {line}")
        del old_changes
        failed = sum(doc.failed for doc in after)
        warnings = sum(i.severity == "warning" for doc in after for i in doc.issues)
        print(f"{len(after)} documents ({len(todo)} extracted, {len(after) - len(todo)} unchanged): "
              f"{len(after) - failed} ok, {failed} with errors, {warnings} warnings; "
              f"outputs in {display_path(out)}/")
        return 1 if failed else 0


@dataclass(frozen=True, slots=True)
class SourceFile:
    source_path: str
    sha256: str
    data: bytes | None  # None when the file was refused unread
    refusal: ValidatedDoc | None


def _source(path: Path) -> SourceFile:
    """A source's bytes and hash; a file over the size limit, or unreadable, is refused here."""
    source_path = display_path(path)
    try:
        size = path.stat().st_size
        issue = too_large(size)
        if issue is not None:
            return SourceFile(source_path, f"size:{size}", None, refused(source_path, issue, "", size))
        data = path.read_bytes()
    except OSError as exc:
        issue = Issue("read", "error", f"the file cannot be read: {exc.strerror}")
        return SourceFile(source_path, "unreadable", None, refused(source_path, issue))
    return SourceFile(source_path, hashlib.sha256(data).hexdigest(), data, None)


def extract_all(todo: list[SourceFile], jobs: int) -> dict[str, ValidatedDoc]:
    """Extract sources, in worker processes when there is more than one job and document."""
    results: dict[str, ValidatedDoc] = {}
    jobs_list = [(s.source_path, s.data) for s in todo if s.refusal is None]
    for s in todo:
        if s.refusal is not None:
            results[s.source_path] = s.refusal
    progress = tqdm(total=len(jobs_list), unit="doc", disable=not _interactive(),
                    file=sys.stderr, dynamic_ncols=True)
    errors = 0
    if jobs > 1 and len(jobs_list) > 1:
        chunk = max(1, len(jobs_list) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes: Iterable[tuple[ValidatedDoc, str | None]] = pool.map(
                _extract_job, jobs_list, chunksize=chunk)
            for doc, trace in outcomes:
                errors += _collect(doc, trace, results, progress, errors)
    else:
        for job in jobs_list:
            doc, trace = _extract_job(job)
            errors += _collect(doc, trace, results, progress, errors)
    progress.close()
    return results


def _extract_job(job: tuple[str, bytes | None]) -> tuple[ValidatedDoc, str | None]:
    """One extraction in a worker; a pipeline bug comes back as its traceback text."""
    source_path, data = job
    assert data is not None
    try:
        return extract(data, source_path), None
    except Exception as exc:  # a pipeline bug: say so loudly, keep the run going
        issue = Issue("internal", "error", f"pipeline bug while reading this file: {exc!r}")
        return refused(source_path, issue), traceback.format_exc()


def _collect(doc: ValidatedDoc, trace: str | None, results: dict[str, ValidatedDoc],
             progress: tqdm, errors: int) -> int:
    if trace is not None:
        sys.stderr.write(trace)
    results[doc.source_path] = doc
    progress.update(1)
    progress.set_postfix(errors=errors + doc.failed, refresh=False)
    return int(doc.failed)


def _interactive() -> bool:
    """A progress bar on a terminal; plain lines in CI or when piped."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _nothing_changed(entries: dict[str, dict[str, Any]], out: Path) -> int:
    failed = sum(1 for e in entries.values() if e["errors"])
    print(f"nothing changed: {len(entries)} documents, {failed} with errors; "
          f"{display_path(out)}/ left as it was")
    for entry in sorted(entries.values(), key=lambda e: e["source_path"]):
        if entry["errors"]:
            print(f"error: {entry['source_path']}: {entry['errors']} errors (see errors.csv)",
                  file=sys.stderr)
    return 1 if failed else 0


def diff_command(old: Path, new: Path) -> int:
    def owned(folder: Path) -> dict[str, bytes]:
        return {name: content for name, content in read_all(folder).items()
                if any(PurePath(name).match(p) for p in OWNED) and name != CHANGES}

    report_ = diff_outputs(owned(old), owned(new))
    sys.stdout.write(_json_bytes(report_).decode("utf-8"))
    for line in summary_lines(report_):
        print(line, file=sys.stderr)
    return 0


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def dictionary_command(out: Path, *, write: bool) -> int:
    text = render_dictionary(read_examples(out))
    if not write:
        sys.stdout.write(text)
        return 0
    readme = README.read_text("utf-8")
    renewed = replace_section(readme, text)
    if renewed != readme:
        README.write_text(renewed, "utf-8")
    return 0


def read_examples(out: Path) -> dict[str, dict[str, str]]:
    """The first non-empty value of each column in each CSV of ``out``."""
    examples: dict[str, dict[str, str]] = {}
    for stem in RECORD_TYPES:
        path = out / f"{stem}.csv"
        if not path.is_file():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        examples[stem] = {col: next((v for v in frame[col] if v), "") for col in frame.columns}
    return examples


def schema_command(*, write: bool) -> int:
    schemas = json_schemas()
    if write:
        write_files(SCHEMAS_OUT, schemas, managed=("*.schema.json",))
    else:
        for name, content in schemas.items():
            sys.stdout.write(f"// {name}\n{content.decode('utf-8')}")
    return 0


def report(doc: ValidatedDoc, *, reused: bool = False) -> None:
    """One line per document (plain output only), and its problems on stderr."""
    if not _interactive():
        counts = " ".join(f"{stem}={len(rows)}" for stem, rows in doc.records.items()
                          if stem != "documents")
        status = "FAILED" if doc.failed else "ok"
        same = " (unchanged)" if reused else ""
        print(f"{status:6} {doc.source_path} -> {doc.doc_id} {counts}{same}".rstrip())
    for issue in doc.issues:
        where = f":{issue.line}" if issue.line else ""
        print(f"{issue.severity}: {doc.source_path}{where}: {issue.message}", file=sys.stderr)


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


if __name__ == "__main__":
    sys.exit(main())
