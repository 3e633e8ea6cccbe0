"""Command line: ``python -m pipeline run [--sources DIR] [--out DIR]``.

The only module that touches the disk: it reads sources, calls the stages and
writes outputs. Exit status: 0 when every document went through, 1 when any
document has errors (all others are still written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.dictionary import render as render_dictionary
from pipeline.dictionary import replace_section
from pipeline.errors import Issue
from pipeline.export import export, json_schemas
from pipeline.run import discover, display_path, extract, mark_duplicate_ids, refused, too_large
from pipeline.validate import ValidatedDoc
from schemas.records import RECORD_TYPES

SCHEMAS_OUT = Path("schemas") / "json"  # relative to the working directory, like sources/
MANAGED = ("*.csv", "documents/*.json")
README = Path("README.md")  # files a run owns in the output folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="extract every guide in SOURCES into OUT")
    run.add_argument("--sources", type=Path, default=Path("sources"), help="default: sources/")
    run.add_argument("--out", type=Path, default=Path("outputs"), help="default: outputs/")
    schema = commands.add_parser("schema", help="print the JSON Schema of every record type")
    schema.add_argument("--write", action="store_true", help=f"write them to {SCHEMAS_OUT.name}/")
    dictionary = commands.add_parser("dictionary", help="print the data dictionary (Markdown)")
    dictionary.add_argument("--write", action="store_true", help="renew the README's copy")
    dictionary.add_argument("--out", type=Path, default=Path("outputs"),
                            help="outputs to take example values from (default: outputs/)")
    args = parser.parse_args(argv)
    if args.command == "dictionary":
        return dictionary_command(args.out, write=args.write)
    if args.command == "schema":
        return schema_command(write=args.write)
    if not args.sources.is_dir():
        parser.error(f"--sources {args.sources} is not a folder")
    return run_command(args.sources, args.out)


def run_command(sources: Path, out: Path) -> int:
    docs = mark_duplicate_ids(extract_file(path) for path in discover(sources))
    for doc in docs:
        report(doc)
    write_files(out, export(docs), managed=MANAGED)
    failed = sum(doc.failed for doc in docs)
    warnings = sum(i.severity == "warning" for doc in docs for i in doc.issues)
    print(f"{len(docs)} documents: {len(docs) - failed} ok, {failed} with errors, "
          f"{warnings} warnings; outputs in {display_path(out)}/")
    return 1 if failed else 0


def extract_file(path: Path) -> ValidatedDoc:
    """One source file through the stages; its problems become its error rows.

    A file over the size limit is refused before it is read. A failure inside the
    pipeline is a bug, not a document problem: its traceback is printed, and the
    document gets an error row so that the other documents still go out.
    """
    source_path = display_path(path)
    try:
        issue = too_large(path.stat().st_size)
        if issue is not None:
            return refused(source_path, issue)
        data = path.read_bytes()
    except OSError as exc:
        return refused(source_path, Issue("read", "error", f"the file cannot be read: {exc.strerror}"))
    try:
        return extract(data, source_path)
    except Exception as exc:  # a pipeline bug: say so loudly, keep the run going
        traceback.print_exc()
        return refused(source_path, Issue("internal", "error",
                                          f"pipeline bug while reading this file: {exc!r}"))


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


def report(doc: ValidatedDoc) -> None:
    counts = " ".join(f"{stem}={len(rows)}" for stem, rows in doc.records.items()
                      if stem not in ("documents",))
    status = "FAILED" if doc.failed else "ok"
    print(f"{status:6} {doc.source_path} -> {doc.doc_id} {counts}".rstrip())
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
