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
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.changes import markdown_summary, summary_lines
from pipeline.commands import (
    SCHEMAS_OUT,
    dictionary_command,
    diff_command,
    read_outputs,
    review_command,
    schema_command,
)
from pipeline.errors import EnvironmentProblem
from pipeline.sources import display_path
from pipeline.store import out_problem

if TYPE_CHECKING:
    from pipeline.execute import Executor


def console() -> int:
    """The ``guide-pipeline`` command that ``pip install`` puts on the PATH."""
    return main(prog="guide-pipeline")


def main(argv: Sequence[str] | None = None, prog: str = "python -m pipeline") -> int:
    parser = argparse.ArgumentParser(
        prog=prog, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Turn the technical guides in a folder (text, Markdown, HTML, PDF) into typed, "
        "validated records:\nCSV, JSON Lines, JSON and Parquet files, with a change report.",
        epilog=f"examples:\n  {prog} run                      sources/ into outputs/\n"
        f"  {prog} run --sources guides --out data --jobs 4\n"
        f"  {prog} review                   a static site of each guide beside its records\n"
        f"  {prog} diff old_outputs outputs what changed between two runs\n\n"
        f"{prog} COMMAND --help shows a command's options and their defaults.")
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
    dictionary.add_argument("--write", action="store_true", help="renew docs/data-dictionary.md")
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
    except KeyboardInterrupt:  # Ctrl-C: a run's outputs are swapped in whole or not at all
        print("interrupted: the outputs are as the last complete run left them", file=sys.stderr)
        return 130
    return 3


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "review":
        manifest, problem = read_outputs(args.out)
        if manifest is None:
            parser.error(problem or "")
        return review_command(args.out, manifest)
    if args.command == "dictionary":
        return dictionary_command(args.out, write=args.write)
    if args.command == "schema":
        return schema_command(write=args.write)
    if args.command == "diff":
        for folder in (args.old, args.new):
            _, problem = read_outputs(folder)
            if problem is not None:
                parser.error(problem)
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


if __name__ == "__main__":
    sys.exit(main())
