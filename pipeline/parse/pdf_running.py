"""Running heads and feet of a PDF guide: the text a page repeats in its margins, and its number.

A run on a page's first or last lines, set apart from the body by more than a line's
spacing, that repeats at the same place on most pages (digits aside: "3/8"), or that
is the page's own number, is no part of the guide's text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pipeline.parse.pdf_runs import Page, Run, by_line, unspaced

MIN_REPEAT_SHARE = 0.5  # a run on this share of the pages, at the same place, is a running head
EDGE_LINES = 2  # running heads and feet sit on a page's first or last lines
MARGIN_GAP_EM = 1.5  # ... with more than a line's spacing (1.1-1.3 em) between them and the body

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?(\d{1,4})(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_DIGITS = re.compile(r"\d+")


def without_running_text(pages: Sequence[Page]) -> list[list[Run]]:
    """Each page's runs without its running heads, feet and page numbers. A run repeats, or its
    whole line does: a producer may set the same footer as one run on one page and as a run per
    letter on another (its letters spaced out), so a line is also compared without its spaces."""
    edge = [_margin_lines(p) for p in pages]
    runs: Counter[tuple[str, int]] = Counter()
    lines_seen: Counter[tuple[str, int]] = Counter()
    places = [_line_places(page, lines) for page, lines in zip(pages, edge, strict=True)]
    for page, lines, line_places in zip(pages, edge, places, strict=True):
        runs.update({_place(r.text, r.base) for r in page.runs if r.line in lines})
        lines_seen.update(set(line_places.values()))
    least = max(2, MIN_REPEAT_SHARE * len(pages))
    kept: list[list[Run]] = []
    for page, lines, line_places in zip(pages, edge, places, strict=True):
        repeated = {line for line, place in line_places.items() if lines_seen[place] >= least}
        kept.append([r for r in page.runs if r.line not in lines or not (
            r.line in repeated or runs[_place(r.text, r.base)] >= least
            or _page_number(r.text, page.number))])
    return kept


def _line_places(page: Page, lines: set[int]) -> dict[int, tuple[str, int]]:
    """Each margin line's text without its spaces (digits aside) and its place on the page."""
    texts: dict[int, list[str]] = {}
    bases: dict[int, float] = {}
    for run in page.runs:
        if run.line in lines:
            texts.setdefault(run.line, []).append(run.text)
            bases.setdefault(run.line, run.base)
    return {line: _place(unspaced("".join(parts)), bases[line]) for line, parts in texts.items()}


def _page_number(text: str, number: int) -> bool:
    """A page's own number, alone or as "3/8", "Page 3", "3 of 8" (on a margin line only)."""
    match = _PAGE_NUMBER.match(text)
    return match is not None and int(match.group(1)) == number


def _margin_lines(page: Page) -> set[int]:
    """The page's first and last lines that stand apart from the body by more than a line's
    spacing: where running heads and feet sit (a table's header row at the top of a page, or
    its last row at the bottom, is no such line)."""
    lines = [line[0] for line in by_line(sorted(page.runs, key=lambda r: r.line))]
    found: set[int] = set()
    for edge in (lines, lines[::-1]):
        for k in range(min(EDGE_LINES, len(edge) - 1)):
            if abs(edge[k + 1].base - edge[k].base) > MARGIN_GAP_EM * edge[k].size:
                found.update(r.line for r in edge[:k + 1])  # these lines, then a gap, then the body
                break
    return found


def _place(text: str, base: float) -> tuple[str, int]:
    """Where a run or a line stands, and what it says with its digits aside ("3/8" as "#/#")."""
    return _DIGITS.sub("#", text), round(base / 2)

