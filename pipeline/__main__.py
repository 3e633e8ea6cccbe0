"""Command line: ``python -m pipeline run [--sources DIR] [--out DIR]``, and its helpers.

Arguments, console reporting and exit codes; the run itself is ``pipeline/run.py``.
Exit status, for every command: 0 done; 1 done, and something to look at (``run``:
a document has errors, all others are still written; ``diff``: the outputs differ);
2 a usage error (a bad flag, a folder that cannot serve); 3 an environment problem
(a folder that cannot be written, a full disk, a lock left by a dead run). Problems
print one line on stderr, never a traceback; a pipeline bug in one document is that
document's error, with its traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.changes import diff_streams, markdown_summary, read_rows, summary_lines
from pipeline.dictionary import render as render_dictionary
from pipeline.dictionary import replace_section
from pipeline.errors import EnvironmentProblem
from pipeline.sources import display_path
from pipeline.store import out_problem

if TYPE_CHECKING:
    from pipeline.execute import Executor

SCHEMAS_OUT = Path("schemas") / "json"  # relative to the working directory, like sources/
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
    run.add_argument("--executor", choices=["local", "dask"], default="local",
                     help="local (default): this machine's processes (--jobs); dask: a Dask "
                     "cluster (needs pip install .[dask])")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --executor dask: the scheduler (tcp://host:8786); without it, a "
                     "local Dask cluster of --jobs worker processes")
    run.add_argument("--summary", type=Path, metavar="FILE",
                     help="also write the change report as Markdown to FILE (a CI job summary)")
    run.add_argument("--format", choices=["csv", "parquet"], default="csv",
                     help="csv (default): CSV, JSON Lines and JSON; parquet: Parquet files too "
                     "(needs pip install .[parquet])")
    diff = commands.add_parser("diff", help="the change report between two output folders")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    schema = commands.add_parser("schema", help="print the JSON Schema of every record type")
    schema.add_argument("--write", action="store_true", help=f"write them to {SCHEMAS_OUT}/")
    dictionary = commands.add_parser("dictionary", help="print the data dictionary (Markdown)")
    dictionary.add_argument("--write", action="store_true", help="renew the README's copy")
    dictionary.add_argument("--out", type=Path, default=Path("outputs"),
                            help="outputs to take example values from (default: outputs/)")
    review = commands.add_parser("review", help="write the review site to OUT/review/")
    review.add_argument("--out", type=Path, default=Path("outputs"), help="default: outputs/")
    args = parser.parse_args(argv)
    try:
        return _dispatch(parser, args)
    except EnvironmentProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:  # a folder that cannot be written, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
    return 3


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "review":
        if not (args.out / "manifest.json").is_file():
            parser.error(f"{args.out} holds no run's outputs (no manifest.json): run first")
        return review_command(args.out)
    if args.command == "dictionary":
        return dictionary_command(args.out, write=args.write)
    if args.command == "schema":
        return schema_command(write=args.write)
    if args.command == "diff":
        for folder in (args.old, args.new):
            if not (folder / "manifest.json").is_file():
                parser.error(f"{folder} is not a run's outputs folder (no manifest.json)")
        return diff_command(args.old, args.new)
    if not args.sources.is_dir():
        parser.error(f"--sources {args.sources} is not a folder")
    problem = out_problem(args.out, args.sources)
    if problem is not None:
        parser.error(problem)
    out = args.out.resolve() if args.out.is_symlink() else args.out  # the link's target is written
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.format == "parquet" and importlib.util.find_spec("pyarrow") is None:
        parser.error("--format parquet needs pyarrow: pip install .[parquet]")
    if args.scheduler and args.executor != "dask":
        parser.error("--scheduler needs --executor dask")
    if args.executor == "dask" and importlib.util.find_spec("distributed") is None:
        parser.error("--executor dask needs Dask: pip install .[dask]")
    return run_command(args.sources, out, jobs=args.jobs, force=args.force,
                       parquet=args.format == "parquet", summary=args.summary,
                       executor=_executor(args.executor, args.scheduler, args.jobs))


def _executor(name: str, scheduler: str | None, jobs: int) -> Executor:
    """The executor the flags name: this machine's process pool, or a Dask cluster."""
    if name == "dask":
        from pipeline.cluster import DaskCluster

        return DaskCluster(scheduler, jobs)
    from pipeline.execute import LocalPool

    return LocalPool(jobs)


def run_command(sources: Path, out: Path, *, jobs: int = 1, force: bool = False,
                parquet: bool = False, summary: Path | None = None,
                executor: Executor | None = None) -> int:
    from tqdm import tqdm

    from pipeline.run import run
    from pipeline.summary import Summary

    progress = tqdm(unit="doc", disable=not interactive(), file=sys.stderr, dynamic_ncols=True)

    def on_document(summary: Summary) -> None:
        progress.update(1)
        if summary.trace is not None:
            sys.stderr.write(summary.trace)

    try:
        outcome = run(sources, out, jobs=jobs, force=force, parquet=parquet, on_document=on_document,
                      executor=executor)
    finally:
        progress.close()
    if summary is not None:
        no_change = {"changed": False, "summary": {}, "documents": {}}
        summary.write_text(markdown_summary(outcome.changes or no_change), "utf-8")
    try:
        report_run(outcome, out)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except BrokenPipeError:  # "run | head": the outputs are written; the rest of the report is not wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if outcome.failed else 0


def report_run(outcome: Any, out: Path) -> None:
    """What the run did, on stdout; each document's problems on stderr."""
    if outcome.notice is not None:
        print(f"warning: {outcome.notice}", file=sys.stderr)
    documents = outcome.documents
    extracted = sum(d.extracted for d in documents)
    if extracted == 0 and not outcome.changed:
        for doc in documents:
            errors = sum(i.severity == "error" for i in doc.all_issues)
            if errors:
                print(f"error: {doc.source_path}: {errors} errors (see errors.csv)", file=sys.stderr)
        print(f"nothing changed: {len(documents)} documents; {display_path(out)}/ left as it was")
    else:
        for doc in documents:
            report_document(doc)
        if outcome.changes is not None:
            for line in summary_lines(outcome.changes):
                print(f"changed: {line}")
        else:
            print(f"outputs unchanged; {display_path(out)}/ left as it was")
    warnings = sum(i.severity == "warning" for d in documents for i in d.all_issues)
    print(f"{len(documents)} documents ({extracted} extracted, {len(documents) - extracted} unchanged): "
          f"{len(documents) - outcome.failed} ok, {outcome.failed} with errors, "
          f"{warnings} warnings; outputs in {display_path(out)}/")


def report_document(doc: Any) -> None:
    """One line per document (plain output only), and its problems on stderr."""
    if not interactive():
        counts = " ".join(f"{stem}={n}" for stem, n in doc.counts.items() if stem != "documents")
        status = "FAILED" if doc.failed else "ok"
        same = "" if doc.extracted else " (unchanged)"
        print(f"{status:6} {doc.source_path} -> {doc.doc_id} {counts}{same}".rstrip())
    for issue in doc.all_issues:
        where = f":{issue.line}" if issue.line else ""
        print(f"{issue.severity}: {doc.source_path}{where}: {issue.message}", file=sys.stderr)


def interactive() -> bool:
    """A progress bar on a terminal; plain lines in CI or when piped."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def diff_command(old: Path, new: Path) -> int:
    """The change report between two output folders, from their CSV files."""
    import csv
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


def review_command(out: Path) -> int:
    """Read a run's outputs and its sources; write the review site under ``out/review/``."""
    import shutil

    from pipeline.review import DocumentInput, render_site

    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    changes_path = out / "changes.json"
    changes = json.loads(changes_path.read_text("utf-8")) if changes_path.is_file() else None
    with (out / "errors.csv").open(encoding="utf-8", newline="") as handle:
        errors = list(read_rows(handle))
    documents = []
    for entry in manifest["sources"]:
        doc_json = out / "documents" / f"{entry['doc_id']}.json"
        body = json.loads(doc_json.read_text("utf-8")) if doc_json.is_file() else {}
        withheld = entry["errors"] > 0
        records = {} if withheld else {k: v for k, v in body.items() if isinstance(v, list)}
        lines = _source_lines(Path(entry["source_path"]), entry["source_sha256"])
        documents.append(DocumentInput(
            entry=entry, records=records,
            errors=[e for e in errors if e["source_path"] == entry["source_path"]],
            lines=lines, change=(changes or {}).get("documents", {}).get(entry["doc_id"])))
    site = out / "review"
    shutil.rmtree(site, ignore_errors=True)
    for name, html in render_site(documents, changes).items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
    print(f"review site: {display_path(site)}/index.html ({len(documents)} documents)")
    return 0


def _source_lines(path: Path, sha256: str) -> list[str] | None:
    """A source's lines for its review page: only the very bytes the run read (a source
    changed since, or one the run refused unread, such as a link out of the sources
    folder, is not shown)."""
    import hashlib

    from pipeline.decode import decode
    from pipeline.errors import DocumentError

    try:
        data = path.read_bytes()
        return decode(data).text.split("\n") if hashlib.sha256(data).hexdigest() == sha256 else None
    except (OSError, DocumentError):
        return None


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


if __name__ == "__main__":
    sys.exit(main())
