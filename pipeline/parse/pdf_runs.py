"""The PDF reader's vocabulary: a run of words on a line, a page of runs, and the marks a
run's text may carry (sub- and superscripts as the inline grammar reads them, the hyphens
PDFium marks at a line's end, list markers)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

COLUMN_GAP_EM = 1.0  # a gap this wide (in the font's size) between words is no word space
TOUCHING_EM = 0.1  # runs closer than this are pieces of one word (a word space is ~0.25 em)
SCRIPT_SIZE_STEP = 0.12  # characters this much smaller than the word's are set as sub- or superscripts
SCRIPT_SHIFT = 0.1  # ... when their baseline moves this far (in the word's size) up or down
# PDFium's mark for a hyphen at a line's end (a soft hyphen or a word broken there).
LINE_END_HYPHENS = "\ufffe\x02\u00ad"
# A list item's marker as text: a bullet character, or a number and its stop ("3.", "2)").
BULLETS = "\u2022\u25e6\u25aa\u25cf\u2023\u2043\u2219\u00b7\u2013*-"
NUMBER_MARKER = r"(\d{1,3})[.)]"
SCRIPT_END = re.compile(r"(?:\}|</sub>)$")
_SCRIPT = re.compile(r"<sub>|\^\{")
SHOWN_HYPHENS = str.maketrans("\ufffe\x02", "--")


class Run(NamedTuple):
    """Words set side by side on one line of a page: a line of prose, a table cell's line (a
    tuple: thousands a document, made in the reader's child and sent to the parent)."""

    text: str
    x0: float  # left edge, points from the page's left
    x1: float  # right edge
    base: float  # baseline, points from the page's top (down the page)
    size: float  # font size in points
    bold: bool
    line: int  # 1-based line of the page's text (``Page.lines``) the run is on
    lead: float  # right edge of its first word: whether that word would have fit on the line above


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    runs: tuple[Run, ...]
    rules: tuple[float, ...]  # y (from the top) of each horizontal ruling line
    line_count: int
    bullets: dict[int, float]  # lines opened by a drawn list bullet (a disc or square, not a character):
    # the bullet's left edge, where a character marker would stand

    def lines(self) -> list[str]:
        """The page's text, line by line, the runs on a line joined by tabs (as records count them)."""
        lines: list[list[str]] = [[] for _ in range(self.line_count)]
        for run in self.runs:
            lines[run.line - 1].append(run.text)
        return ["\t".join(line).translate(SHOWN_HYPHENS) for line in lines]


def by_line(runs: Sequence[Run]) -> list[list[Run]]:
    """Runs in reading order grouped by the line they are on."""
    lines: list[list[Run]] = []
    for run in runs:
        if lines and lines[-1][0].line == run.line:
            lines[-1].append(run)
        else:
            lines.append([run])
    return lines


def unspaced(text: str) -> str:
    """``text`` without its spaces, line-end hyphen marks shown as hyphens: the same text however
    a producer spaced its letters or cut its runs (a footer set letter by letter on one page, a
    header repeated over a table's continuation)."""
    return "".join(text.translate(SHOWN_HYPHENS).split())


def has_script(text: str) -> bool:
    """Whether a run's text holds a sub- or superscript as ``script`` marks it."""
    return _SCRIPT.search(text) is not None


def script(chars: str, *, raised: bool) -> str:
    return f"^{{{chars}}}" if raised else f"<sub>{chars}</sub>"

