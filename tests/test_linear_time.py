"""No input runs in more than linear time: every compiled pattern, and the whole pipeline.

The pattern audit finds every regular expression the pipeline compiles (module
constants, and those held in its tables) and feeds each one long near-miss
inputs: runs of one character or of a short unit (spaces, letters, digits,
markers, pipes, emphasis, brackets, the pattern's own letters) with a tail that
makes the match fail late. ``finditer`` walks the whole input, as ``sub`` and
``findall`` do, so a pattern that rescans from every start position shows up as
well as one that backtracks. A linear pattern takes about a millisecond on
these inputs; the bound per call is two hundred times that. Each pattern runs in
a child process, so a catastrophic one fails the test instead of hanging it.
"""

from __future__ import annotations

import importlib
import multiprocessing
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.extract import extract

RUN = 20_000  # characters of each near-miss input
BOUND = 0.2  # seconds per call: generous for linear work on RUN characters, short for quadratic
UNITS = (" ", "\t", "\n", "a", "A", "1", "*", "_", "|", "[", "]", "(", ")", "-", ".", ",", "#",
         ":", "^", "<", ">", "=", "+", "/", "`", "\\", "\u200b", "\u00d7", "a ", "1 ", "** ",
         "*a ", "__a ", "| ", " |", "[1", "[1]", "1,", "1.", "a.", "a-", "1-", ". ", ", ", "\n ",
         " \n", "10^", "e-", "aA", "Aa ", "1a", "a:", "- ", "1. ", "<a", "&a", "\\[")
TAILS = (("", "\x00"), ("a", "!"), ("1 ", "\n\x00"), ("# ", ":"))


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[int, tuple[str, re.Pattern[str]]] = {}

    def walk(obj: Any, name: str, depth: int) -> None:
        if isinstance(obj, re.Pattern):
            if isinstance(obj.pattern, str):
                found.setdefault(id(obj), (name, obj))
        elif depth < 3 and isinstance(obj, tuple | list | frozenset | set):
            for i, item in enumerate(obj):
                walk(item, f"{name}[{i}]", depth + 1)
        elif depth < 3 and isinstance(obj, dict):
            for key, item in obj.items():
                walk(key, f"{name}<{key!r}>", depth + 1)
                walk(item, f"{name}[{key!r}]", depth + 1)

    for info in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            walk(value, f"{info.name}.{attr}", 0)
    return {name: pattern for name, pattern in found.values()}


PATTERNS = _patterns()


def near_misses(pattern: re.Pattern[str]) -> Iterator[str]:
    """Long inputs that almost match: runs of common units and of the pattern's own letters."""
    letters = sorted({c for c in re.sub(r"\\.", "", pattern.pattern) if c.isalpha()})[:12]
    for unit in (*UNITS, *letters, "".join(letters[:4]) + " "):
        run = unit * (RUN // len(unit))
        for head, tail in TAILS:
            yield head + run + tail


def _worst(pattern: re.Pattern[str], conn: Connection) -> None:
    worst = (0.0, "")
    for text in near_misses(pattern):
        start = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        took = time.perf_counter() - start
        if took > worst[0]:
            worst = (took, f"{text[:8]!r}...{text[-4:]!r}")
        if took > BOUND:
            break  # one slow shape is enough to fail
    conn.send(worst)


def test_the_audit_finds_the_patterns() -> None:
    from pipeline import inline, vocabulary
    from pipeline.normalize import values
    from pipeline.parse import front_matter

    assert len(PATTERNS) > 80
    found = [id(p) for p in PATTERNS.values()]
    for pattern in (inline._SPACE_BEFORE_PUNCT, values.MEASURE, vocabulary.FIELD_LINE,
                    front_matter._KEY_LINE):
        assert id(pattern) in found


def test_a_quadratic_pattern_is_caught() -> None:
    took, _ = _run(re.compile(r"\s*x"))  # rescans the run of spaces from every position
    assert took > BOUND


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_near_misses(name: str) -> None:
    took, text = _run(PATTERNS[name])
    assert took <= BOUND, f"{name} took {took:.2f} s on {text}"


def _run(pattern: re.Pattern[str]) -> tuple[float, str]:
    """The slowest near-miss call, measured in a child; a child past its budget is killed."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_worst, args=(pattern, send), daemon=True)
    child.start()
    budget = 60.0
    if not receive.poll(budget):
        child.kill()
        child.join()
        return float("inf"), f"(over {budget:.0f} s in all: killed)"
    worst: tuple[float, str] = receive.recv()
    child.join()
    return worst


# Pieces of guides and of their markup, each followed by a long run of what makes patterns
# backtrack or rescan: "[1]" and 20,000 spaces, "**a " repeated, a row of pipes.
PIECES = ("# Title\n", "Heading\n", "| a | b |\n", "|---|---|\n", "**", "*", "__", "[1]", "^[2]",
          "<sup>3</sup>", "**a ", "- ", "1. ", "Label:", " p < 0.05", "2.5 × 10^", "1,2", "\n",
          "---\n", "a", "1", "Table 1: x\n", "References\n", "[4] Smith J. Title. J. 2020;1:2.\n")
RUNS = (" ", "|", "*", "_", "[", "-", "\t", "a", "1", "\n", "**a ", "| ", ". ", "#", "a ")
PER_CHARACTER = 20e-6  # seconds; the stages take about 3 µs a character on the samples


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(RUNS),
                          st.integers(min_value=5_000, max_value=30_000)), min_size=1, max_size=5))
def test_documents_with_long_runs_extract_in_linear_time(parts: list[tuple[str, str, int]]) -> None:
    text = "# Guide\n\n" + "".join(piece + run * (n // len(run)) for piece, run, n in parts) + ".\n"
    start = time.perf_counter()
    doc = extract(text.encode(), "sources/runs.md")
    took = time.perf_counter() - start
    assert bool(doc.records) or any(i.severity == "error" for i in doc.issues)
    assert took < 1.0 + PER_CHARACTER * len(text), f"{len(text):,} characters took {took:.1f} s"


HEAD = "# Guide\n\nAuthor: T. Date: May 2025\n\n"
# Documents of n repeats of one shape: every block kind the stages walk, and plain lines with no
# blank line between them (one paragraph, or a block per line).
SHAPES: dict[str, Callable[[int], str]] = {
    "plain lines": lambda n: "Guide Title\n\nAuthor: T. Date: May 2025\n\n"
    + "".join(f"Line number {i} of text\n" for i in range(n)),
    "short lines": lambda n: "Guide Title\n\n" + "".join(f"Word{i}\n" for i in range(n)),
    "numbered steps": lambda n: HEAD + "## Steps\n\n" + "".join(f"{i}. Step {i}.\n" for i in range(1, n)),
    "references": lambda n: HEAD + "## Text\n\nSee [1].\n\n## References\n\n"
    + "".join(f"{i}. Smith J. Title {i}. J Med. 2020;1:2.\n" for i in range(1, n)),
    "equal headings": lambda n: HEAD + "".join(f"## Results\n\nText {i}.\n\n" for i in range(n)),
    "tables": lambda n: HEAD + "".join("| a | b |\n|---|---|\n| 1 | 2 |\n\nx\n\n" for _ in range(n)),
    "table rows": lambda n: HEAD + "| a | b |\n|---|---|\n" + "".join(f"| r{i} | {i} |\n" for i in range(n)),
    "wide table": lambda n: HEAD + "| " + " | ".join(f"h{i % 50}" for i in range(n)) + " |\n|"
    + "---|" * n + "\n| " + " | ".join("1" for _ in range(n)) + " |\n",
    "aligned columns": lambda n: HEAD + "Name      Value     Other\n"
    + "".join(f"r{i:<9}{i:<10}x\n" for i in range(n)),
    "questions": lambda n: HEAD + "## FAQ\n\n" + "".join(f"Q: Why {i}?\nA: Because.\n\n" for i in range(n)),
    "protocols": lambda n: HEAD + "".join(f"- Objective: O {i}.\n- Design: D.\n\n" for i in range(n)),
    "labels": lambda n: "Guide Title\n\n" + "".join(f"Label {i}:\nValue {i}\n" for i in range(n)),
    "html rows": lambda n: "<html><body><h1>G</h1><table><tr><th>a</th><th>b</th></tr>"
    + "".join(f"<tr><td>{i}</td><td>x</td></tr>" for i in range(n)) + "</table></body></html>",
    # What grows the HTML5 tree or a table's grid by the square of the input when unbounded.
    "nested elements": lambda n: "<html><body><h1>G</h1>" + "<div><span>" * n + "x",
    "attributes": lambda n: "<html><body><h1>G</h1><p " + " ".join(f"a{i}=1" for i in range(n * 8))
    + ">x</p>",
    "formatting left open": lambda n: "<html><body><h1>G</h1><p>"
    + "".join(f'<b class="c{i}">' for i in range(n // 8)) + "</p>" + "<p>x</p>" * n,
    "header over short rows": lambda n: "<html><body><h1>G</h1><table><tr>" + "<th>h</th>" * (n // 8)
    + "</tr>" + "<tr><td>1</td></tr>" * n + "</table>",
    "text between line breaks": lambda n: "<html><body><h1>G</h1><p>" + "<br>\nLot 000123" * 4 * n,
    "text after many breaks": lambda n: "<html><body><h1>G</h1><p>" + "<br>" * 4 * n + "&lt;" * 4 * n,
    "foster-parented images": lambda n: "<html><body><h1>G</h1><table>" + "<img>" * 4 * n,
    "nested list over breaks": lambda n: "<html><body><h1>G</h1>" + "<ul><li>x" * (n // 20)
    + "<br>" * 4 * n,
    "grid borders without rows": lambda n: "Guide Title\n\n" + "+--+--+\n" * n,
    "short rows under a wide rule": lambda n: "Guide Title\n\na  b\n" + " ".join(["--"] * n) + "\n"
    + "x\n" * n,
}


def _extract_time(text: str) -> float:
    start = time.perf_counter()
    extract(text.encode(), "sources/shape.txt")
    return time.perf_counter() - start


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_many_blocks_of_one_shape_scale_linearly(shape: str) -> None:
    """Four times the blocks take about four times as long; a loop over all blocks per block
    would take sixteen. The ratio, not a time, so a slow machine does not fail it."""
    small, large = (min(_extract_time(SHAPES[shape](n)) for _ in range(2)) for n in (600, 2400))
    assert large < 9 * small + 0.2, f"{shape}: {small:.2f} s for 600, {large:.2f} s for 2,400"
