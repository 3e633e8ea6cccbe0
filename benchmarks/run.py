"""Speed and memory at catalog scale: ``make bench``.

    python benchmarks/run.py [--sizes 1000 10000] [--repeat 3] [--quick] [--corpora mixed html pdf]

For each size N, on a corpus from ``benchmarks/make_corpus.py`` (and an HTML-only one,
and that HTML printed to PDF by ReportLab), it measures, in one run on one machine:
- the full run (``python -m pipeline run --force``) with ``--jobs 1`` and with all
  cores: seconds, documents per second, peak resident memory; and, where Dask is
  installed, with ``--executor dask`` on a local cluster of as many workers, against
  the all-cores run;
- the time split by stage (read/decode, parse, normalize, validate, export), in-process;
- the bare markdown-it-py parse of the same documents (bare BeautifulSoup for the
  HTML corpus, PDFium's bare text extraction, ``get_text_range``, for the PDF one), as a
  whole process like the run, and the ratio full run / bare parse;
- a no-op re-run and a re-run after changing 1% of the sources, as seconds and as
  a share of the full run.
Timings are medians of ``--repeat`` runs. Results go to stdout and to
``benchmarks/results.json``; docs/performance.md's table is made from that file.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from pipeline.decode import decode, sniff_format  # noqa: E402
from pipeline.documents import ParsedDoc, SourceInfo  # noqa: E402
from pipeline.inline import clean_inline  # noqa: E402
from pipeline.normalize import normalize  # noqa: E402
from pipeline.parse import parse, pdf  # noqa: E402
from pipeline.sources import is_pdf  # noqa: E402
from pipeline.validate import validate  # noqa: E402
from pipeline.writer import Writer, document_json  # noqa: E402

WORK = ROOT / "benchmarks" / ".work"
RESULTS = ROOT / "benchmarks" / "results.json"
CHANGED_SHARE = 0.01
CORPORA = ("mixed", "html", "pdf")
BARE_PARSERS = {"mixed": "markdown-it-py", "html": "BeautifulSoup(html.parser)",
                "pdf": "pypdfium2 get_text_range"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="sizes 100 and 1000, one repeat")
    parser.add_argument("--corpora", nargs="+", choices=CORPORA, default=list(CORPORA))
    args = parser.parse_args()
    sizes, repeat = ([100, 1000], 1) if args.quick else (args.sizes, args.repeat)
    cores = os.cpu_count() or 1
    results: dict[str, Any] = {"machine": machine(), "repeat": repeat, "cores": cores, "runs": []}
    for n in sizes:
        for kind in args.corpora:
            corpus = make_corpus(n, kind)
            figures = measure(corpus, n, kind, repeat, cores)
            results["runs"].append(figures)
            print(json.dumps(figures, indent=2), flush=True)
    results["growth_1k_to_10k"] = growth(results["runs"])
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(table(results))


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(), "cores": os.cpu_count()}


def make_corpus(n: int, kind: str) -> Path:
    if kind == "pdf":
        return make_pdf_corpus(n)
    corpus = WORK / f"corpus-{kind}-{n}"
    if not corpus.is_dir() or len(list(corpus.iterdir())) != n:
        shutil.rmtree(corpus, ignore_errors=True)
        command = [sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(corpus)]
        subprocess.run(command + (["--html-only"] if kind == "html" else []), check=True)
    return corpus


def make_pdf_corpus(n: int) -> Path:
    """The HTML corpus of size n printed to PDF by ReportLab (ruled tables, running footers)."""
    from tests.pdf_producers import reportlab_pdf

    corpus = WORK / f"corpus-pdf-{n}"
    if not corpus.is_dir() or len(list(corpus.iterdir())) != n:
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        for page in sorted(make_corpus(n, "html").iterdir()):
            (corpus / f"{page.stem}.pdf").write_bytes(reportlab_pdf(page.read_text("utf-8")))
    return corpus


def measure(corpus: Path, n: int, kind: str, repeat: int, cores: int) -> dict[str, Any]:
    files = sorted(corpus.iterdir())
    out = WORK / f"out-{kind}-{n}"
    full1 = [pipeline_run(corpus, out, 1, force=True) for _ in range(repeat)]
    full_all = [pipeline_run(corpus, out, cores, force=True) for _ in range(repeat)]
    dask = ([pipeline_run(corpus, out, cores, force=True, extra=["--executor", "dask"])
             for _ in range(repeat)] if importlib.util.find_spec("distributed") else [])
    noop = [pipeline_run(corpus, out, cores) for _ in range(repeat)]
    changed = []
    for attempt in range(repeat):
        touched = change_sources(files, attempt)
        changed.append(pipeline_run(corpus, out, cores))
        for path, original in touched:
            path.write_bytes(original)
        pipeline_run(corpus, out, cores)  # back to the corpus as generated
    bare = [bare_parse(files, kind) for _ in range(repeat)]
    stages = stage_split(files)
    seconds1 = statistics.median(r["seconds"] for r in full1)
    seconds_all = statistics.median(r["seconds"] for r in full_all)
    return {
        "documents": n,
        "corpus": kind,
        "full_jobs_1": {"seconds": seconds1, "docs_per_second": n / seconds1,
                        "peak_rss_mb": max(r["peak_rss_mb"] for r in full1)},
        "full_all_cores": {"jobs": cores, "seconds": seconds_all, "docs_per_second": n / seconds_all,
                           "peak_rss_mb": max(r["peak_rss_mb"] for r in full_all),
                           "speedup": seconds1 / seconds_all},
        "full_dask_local_cluster": ({"workers": cores,
                                     "seconds": statistics.median(r["seconds"] for r in dask),
                                     "ratio_to_all_cores": statistics.median(r["seconds"] for r in dask)
                                     / seconds_all} if dask else None),
        "stages_seconds": stages,
        "bare_parse_seconds": statistics.median(bare),
        "bare_parser": BARE_PARSERS[kind],
        "ratio_full_to_bare": seconds1 / statistics.median(bare),
        "noop_rerun": share(noop, seconds_all),
        "one_percent_rerun": share(changed, seconds_all),
    }


def pipeline_run(corpus: Path, out: Path, jobs: int, *, force: bool = False,
                 extra: list[str] | None = None) -> dict[str, float]:
    """One ``python -m pipeline run`` in a child process: wall seconds and its peak RSS."""
    command = [sys.executable, "-m", "pipeline", "run", "--sources", str(corpus), "--out", str(out),
               "--jobs", str(jobs)] + (["--force"] if force else []) + (extra or [])
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "CI": "1"})
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"pipeline run failed: {command}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


def change_sources(files: list[Path], attempt: int) -> list[tuple[Path, bytes]]:
    """Change 1% of the sources (a different 1% each attempt); return their old bytes."""
    count = max(1, round(len(files) * CHANGED_SHARE))
    chosen = files[attempt * count:(attempt + 1) * count] or files[:count]
    touched = []
    for path in chosen:
        original = path.read_bytes()
        touched.append((path, original))
        # A PDF stays whole with a line after its end; a text changes a word too.
        changed = original if path.suffix == ".pdf" else original.replace(b"Conclusion", b"Conclusions", 1)
        path.write_bytes(changed + b"\n")
    return touched


def share(runs: list[dict[str, float]], full_seconds: float) -> dict[str, float]:
    seconds = statistics.median(r["seconds"] for r in runs)
    return {"seconds": seconds, "share_of_full_run": seconds / full_seconds,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


BARE_PARSE = """
import sys
from pathlib import Path
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for path in sorted(Path(sys.argv[1]).iterdir()):
    text = path.read_text("utf-8")
    BeautifulSoup(text, "html.parser") if path.suffix == ".html" else md.parse(text)
"""


BARE_PDF = """
import sys
from pathlib import Path
import pypdfium2 as pdfium
for path in sorted(Path(sys.argv[1]).iterdir()):
    document = pdfium.PdfDocument(path.read_bytes())
    for index in range(len(document)):
        document[index].get_textpage().get_text_range()
"""


def bare_parse(files: list[Path], kind: str) -> float:
    """The whole-process bare parse of the same documents, as the run is measured: a Python
    process that reads them and parses each with markdown-it-py (bs4 for HTML), or takes a
    PDF's text with PDFium."""
    start = time.perf_counter()
    script = BARE_PDF if kind == "pdf" else BARE_PARSE
    subprocess.run([sys.executable, "-c", script, str(files[0].parent)], check=True)
    return time.perf_counter() - start


def stage_split(files: list[Path]) -> dict[str, float]:
    """Seconds per stage over the corpus, in this process, with --jobs 1 semantics."""
    clean_inline.cache_clear()
    totals = dict.fromkeys(("read_decode", "parse", "normalize", "validate", "export"), 0.0)
    writer = Writer(lambda name: io.BytesIO())
    for path in files:
        t0 = time.perf_counter()
        data = path.read_bytes()
        if is_pdf(data):  # a PDF's text layer is read in its parse
            fmt, encoding, t1 = "pdf", "pdf", time.perf_counter()
            read = pdf.parse(data)
            blocks, starts = read.parsed.blocks, read.page_starts
        else:
            decoded = decode(data)
            fmt, encoding = sniff_format(decoded.text, path.suffix), decoded.encoding
            t1 = time.perf_counter()
            blocks, starts = parse(decoded.text, fmt).blocks, ()
        t2 = time.perf_counter()
        source = SourceInfo(f"sources/{path.name}", "0" * 64, fmt, encoding, path.stem, len(data), starts)
        normalized = normalize(ParsedDoc(source, tuple(blocks)))
        t3 = time.perf_counter()
        validated = validate(normalized)
        t4 = time.perf_counter()
        document_json(validated.doc_id, validated.records, validated.issues, validated.source_path)
        writer.document(validated.doc_id, validated.source_path, validated.records, validated.issues)
        t5 = time.perf_counter()
        for name, seconds in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            totals[name] += seconds
    return totals


def growth(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Peak memory and time per document at the largest size over the smallest (mixed corpus)."""
    mixed = sorted((r for r in runs if r["corpus"] == "mixed"), key=lambda r: r["documents"])
    if len(mixed) < 2:
        return {}
    small, large = mixed[0], mixed[-1]
    return {
        "from_documents": small["documents"], "to_documents": large["documents"],
        "peak_rss_growth": large["full_all_cores"]["peak_rss_mb"] / small["full_all_cores"]["peak_rss_mb"],
        "seconds_per_document_growth": (large["full_jobs_1"]["seconds"] / large["documents"])
        / (small["full_jobs_1"]["seconds"] / small["documents"]),
    }


def table(results: dict[str, Any]) -> str:
    lines = ["| corpus | N | jobs 1 docs/s | all cores docs/s (speedup) | full / bare parse | "
             "no-op re-run | 1% re-run | peak RSS MB |", "|---|---|---|---|---|---|---|---|"]
    for r in results["runs"]:
        lines.append(
            f"| {r['corpus']} | {r['documents']:,} | {r['full_jobs_1']['docs_per_second']:.0f} | "
            f"{r['full_all_cores']['docs_per_second']:.0f} ({r['full_all_cores']['speedup']:.2f}x) | "
            f"{r['ratio_full_to_bare']:.2f}x | {r['noop_rerun']['seconds']:.2f} s "
            f"({r['noop_rerun']['share_of_full_run']:.1%}) | {r['one_percent_rerun']['seconds']:.2f} s "
            f"({r['one_percent_rerun']['share_of_full_run']:.1%}) | "
            f"{max(r['full_jobs_1']['peak_rss_mb'], r['full_all_cores']['peak_rss_mb']):.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
