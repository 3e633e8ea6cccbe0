"""A PDF page's runs on numbered lines, top to bottom and left to right: sub- and
superscripts joined to their words, list markers to their items' text, and the lines a
drawn bullet opens."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from math import inf

from pipeline.parse.pdf_runs import (
    BULLETS,
    COLUMN_GAP_EM,
    NUMBER_MARKER,
    SCRIPT_END,
    SCRIPT_SHIFT,
    SCRIPT_SIZE_STEP,
    TOUCHING_EM,
    Page,
    Run,
    script,
)

BULLET_GAP_EM = 2.5  # a bullet stands at most this far left of its item's text
_MARKER = rf"(?:[{BULLETS}]|{NUMBER_MARKER})"
_LONE_MARKER = re.compile(rf"^{_MARKER}(?: {_MARKER})*$")  # list markers alone: "•", "3.", "• 1."


def numbered(number: int, width: float, height: float, runs: list[Run],
              rules: tuple[float, ...], marks: list[tuple[float, float, float]]) -> Page:
    """The page with its runs on numbered lines: runs whose baselines are within a third of
    their size of each other share a line, top to bottom, each line left to right; and the
    lines a drawn bullet opens (one just left of the line's first run, beside its text)."""
    ordered = sorted(runs, key=lambda r: (r.base, r.x0))
    lines: list[list[Run]] = []
    for run in ordered:
        if lines and _same_line(lines[-1], run):
            lines[-1].append(run)
        else:
            lines.append([run])
    placed: list[Run] = []
    bullets: dict[int, float] = {}
    for k, line in enumerate(lines, start=1):
        line = _scripts(sorted(line, key=lambda r: r.x0))
        while len(line) > 1 and _LONE_MARKER.match(line[0].text) \
                and line[1].x0 - line[0].x1 <= BULLET_GAP_EM * line[1].size:  # "•" set apart from its text
            line[:2] = [Run(f"{line[0].text} {line[1].text}", line[0].x0, line[1].x1, line[1].base,
                            line[1].size, line[1].bold, 0, line[0].lead)]
        placed.extend(r._replace(line=k) for r in line)
        first = line[0]
        beside = marks[bisect_left(marks, (first.base - first.size,)):bisect_right(marks, (first.base, inf))]
        for _, right, left in beside:
            if 0 <= first.x0 - right <= BULLET_GAP_EM * first.size:
                bullets[k] = left
                break
    return Page(number, width, height, tuple(placed), rules, len(lines), bullets)


def _same_line(line: list[Run], run: Run) -> bool:
    """Whether ``run`` sits on ``line``: baselines within a third of the size, or, for a smaller
    run beside larger ones (a superscript, a subscript), within half the larger size."""
    main = max(line, key=lambda r: r.size)
    big, small = (main, run) if main.size >= run.size else (run, main)
    reach = 0.5 if small.size < (1 - SCRIPT_SIZE_STEP) * big.size else 1 / 3
    return abs(run.base - main.base) <= reach * max(big.size, 1.0)


def _scripts(line: list[Run]) -> list[Run]:
    """A line's runs with those set smaller and raised or lowered marked as the inline grammar
    reads them ("^{[3]}", "<sub>2</sub>"), at the line's size and baseline."""
    main = max(line, key=lambda r: r.size)
    out: list[Run] = []
    for run in line:
        shift = run.base - main.base
        scripted = run.size < (1 - SCRIPT_SIZE_STEP) * main.size and abs(shift) > SCRIPT_SHIFT * main.size
        if scripted:
            run = Run(script(run.text, raised=shift < 0), run.x0, run.x1, main.base, main.size,
                      run.bold, run.line, run.lead)
        if out and (scripted or SCRIPT_END.search(out[-1].text)) \
                and run.x0 - out[-1].x1 < COLUMN_GAP_EM * main.size:  # a script is part of its word
            before = out[-1]
            space = "" if run.x0 - before.x1 < TOUCHING_EM * main.size else " "
            lead = run.lead if not space and " " not in before.text else before.lead  # "10" "^{9}"
            run = Run(before.text + space + run.text, before.x0, run.x1, before.base, before.size,
                      before.bold and run.bold, before.line, lead)
            out[-1] = run
            continue
        out.append(run)
    return out

