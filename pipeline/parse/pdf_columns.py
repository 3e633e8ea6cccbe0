"""A PDF table's columns: the extents of its runs merged where they overlap, with empty
gutters between them, and which columns a run falls in."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from math import inf

from pipeline.parse.pdf_runs import Run

GUTTER_SLACK = 0.5  # points: runs this close are in one column


def widened(columns: list[tuple[float, float]], runs: Sequence[Run]) -> list[tuple[float, float]]:
    """``columns`` with ``runs`` merged in, as ``columns_of`` of all of them would give: each run
    widens the columns it touches into one, found by bisection (no re-sort per row)."""
    for run in runs:
        low = bisect_left(columns, (run.x0 - GUTTER_SLACK, -inf))
        if low > 0 and columns[low - 1][1] + GUTTER_SLACK >= run.x0:
            low -= 1
        high = low
        while high < len(columns) and columns[high][0] <= run.x1 + GUTTER_SLACK:
            high += 1
        touched = columns[low:high]
        merged = (min([run.x0, *(a for a, _ in touched)]), max([run.x1, *(b for _, b in touched)]))
        columns[low:high] = [merged]
    return columns


def columns_of(runs: Sequence[Run]) -> list[tuple[float, float]]:
    """Column extents: the runs' extents merged where they overlap; gutters lie between."""
    merged: list[list[float]] = []
    for run in sorted(runs, key=lambda r: r.x0):
        if merged and run.x0 <= merged[-1][1] + GUTTER_SLACK:
            merged[-1][1] = max(merged[-1][1], run.x1)
        else:
            merged.append([run.x0, run.x1])
    return [(a, b) for a, b in merged]


def apart(columns: list[tuple[float, float]], rows: Sequence[Sequence[Run]]) -> list[tuple[float, float]]:
    """Columns with neighbours joined where no row has text in both: a header centred over a
    column of short left-set cells does not overlap them, yet it is one column. One pass, left
    to right: a column joins the one before unless a row fills both."""
    users: list[set[int]] = [set() for _ in columns]  # the rows with text in each column
    for k, row in enumerate(rows):
        for run in row:
            for index in spanned(run, columns):
                users[index].add(k)
    joined: list[tuple[float, float]] = []
    together: set[int] = set()
    for column, rows_in in zip(columns, users, strict=True):
        if joined and not (together & rows_in):
            joined[-1] = (joined[-1][0], column[1])
            together |= rows_in
        else:
            joined.append(column)
            together = set(rows_in)
    return joined


def fits(band: Sequence[Run], columns: Sequence[tuple[float, float]]) -> bool:
    """Each run inside one column (or a gutter), the runs of one line in different columns."""
    seen: set[tuple[int, int]] = set()
    for run in band:
        under = spanned(run, columns)
        if len(under) > 1 or any((run.line, k) in seen for k in under):
            return False
        seen.update((run.line, k) for k in under)
    return True


def nearest(run: Run, columns: Sequence[tuple[float, float]]) -> int:
    middle = (run.x0 + run.x1) / 2
    return min(range(len(columns)), key=lambda k: abs((columns[k][0] + columns[k][1]) / 2 - middle))


def spanned(run: Run, columns: Sequence[tuple[float, float]]) -> list[int]:
    return [k for k, (a, b) in enumerate(columns) if run.x0 < b + GUTTER_SLACK and run.x1 > a - GUTTER_SLACK]

