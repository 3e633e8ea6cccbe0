"""Tables on a PDF page: lines set in columns, their cells' wrapped lines joined.

A PDF table is positioned text. A run of lines is a table when two or more of
them hold several runs each and the runs of all its lines fall into two or more
columns with an empty gutter between every two (a line of prose crosses the
gutters: it ends the table). Rows come from the table's ruling lines when it
draws them; otherwise a row is the runs whose lines overlap (cells set in the
middle or at the bottom of a taller row share its height), and a line that
follows at the table's own line spacing (``_spacing``: a table often sets its
cells tighter than the body) is the next line of the same cells, not a new row;
a bold header ends at the first line that is not all bold, and a header cell of
more lines, centred in its row, may start above the header's first line of
several cells. The first row is the header. Column geometry is ``pdf_columns``'.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from pipeline.parse.pdf_columns import GUTTER_SLACK, apart, columns_of, fits, nearest, spanned, widened
from pipeline.parse.pdf_runs import Run, by_line

MIN_COLUMNS = 2
MIN_ROWS_WITH_COLUMNS = 2  # lines holding several runs; one such line is a line of prose
# Lines of single cells between two lines of several: a row's last wrapped lines and the next
# row's first ones (cells of five lines centred in their rows, in a narrow column, leave four).
MAX_LINES_BETWEEN = 6
ROW_STEP_SLACK = 1.1  # a step up to this many body line spacings is the same cell's next line
UNPADDED_SHARE = 0.9  # of the steps between a table's lines at a line's spacing: no padding
MIN_UNPADDED_STEPS = 2  # ... of at least this many (one step under a header may be a wrapped row)
MIN_STEP_SHARE = 0.6  # of the body's line spacing: a smaller step is no line spacing (a raised script)
SAME_SIZE = 0.5  # points: fonts this close in size are one size
ASCENT, DESCENT = 0.75, 0.25  # a line's height above and below its baseline, in its font's size

Cell = tuple[tuple[Run, ...], ...]  # a cell's lines, each its runs left to right


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]  # header first
    lines: tuple[tuple[int, int], ...]  # each row's first and last line on its page
    width: int  # columns


def find_tables(runs: Sequence[Run], line_step: float, rules: Sequence[float] = (),
                continued: bool = False) -> tuple[list[Table], list[Run]]:
    """The tables among a page's runs, and the runs outside them. ``continued``: the page
    before ended in a table, so one row at the top of this page is a table (its last row)."""
    lines = _bands(by_line(runs))
    tables: list[Table] = []
    rest: list[Run] = []
    i = floor = 0
    while i < len(lines):
        least = 1 if continued and i == 0 else MIN_ROWS_WITH_COLUMNS
        found = _table_at(lines, i, line_step, rules, least, floor)
        if found is None:
            rest.extend(lines[i])
            i += 1
            continue
        table, begin, end = found
        if begin < i:  # a header cell's first lines, set above the header, were taken for text
            del rest[len(rest) - sum(len(line) for line in lines[begin:i]):]
        tables.append(table)
        i = floor = end
    return tables, rest


def _bands(lines: list[list[Run]]) -> list[list[Run]]:
    """Lines whose heights overlap, as one band: the lines of a row whose cells are set at
    the middle or the bottom of the row (one line beside two) are one band."""
    bands: list[list[Run]] = []
    bottom = 0.0
    for line in lines:
        top = min(r.base - ASCENT * r.size for r in line)
        if bands and top < bottom:
            bands[-1].extend(line)
        else:
            bands.append(list(line))
            bottom = 0.0
        bottom = max(bottom, max(r.base + DESCENT * r.size for r in line))
    return bands


def _table_at(lines: list[list[Run]], i: int, line_step: float, rules: Sequence[float],
              least: int, floor: int) -> tuple[Table, int, int] | None:
    """The table whose first line of several cells is ``lines[i]``: the table, the index of its
    first line (above ``i`` when a header cell starts higher, not above ``floor``) and the index
    after its last line."""
    if len(lines[i]) < MIN_COLUMNS:
        return None
    columns = columns_of(lines[i])
    if len(columns) < MIN_COLUMNS:
        return None
    # Columns come from the rows under the first (a header's cells may be centred wider than
    # the column's cells); a row that does not fit them ends the table.
    below: list[Run] = []
    k, last_multi = i + 1, i
    while k < len(lines) and k - last_multi <= MAX_LINES_BETWEEN + 1:
        band = lines[k]
        if len(band) >= MIN_COLUMNS:
            if below and not fits(band, columns):
                break  # another table, or prose set in pieces
            columns = widened(columns, band) if below else columns_of(band)
            below.extend(band)
            last_multi = k
        elif len(spanned(band[0], columns)) > 1:
            break  # a line of prose crosses the gutters: the table ended above it
        k += 1
    if below and not fits(lines[i], apart(list(columns), lines[i + 1:last_multi + 1])):
        return None  # the first line is no header of these columns (a heading set in pieces); a
        # column split by cells centred narrower than their neighbours' ("-") counts as one
    end = last_multi + 1
    # The next lines of the last row's cells, at line spacing, inside one column each.
    while end < len(lines) and len(lines[end]) == 1 and len(spanned(lines[end][0], columns)) == 1 \
            and _step(lines[end - 1], lines[end]) <= ROW_STEP_SLACK * line_step * lines[end][0].size:
        end += 1
    begin = i
    while begin > floor and _heads(lines[begin - 1], lines[begin], lines[i], columns, line_step):
        begin -= 1
    body = lines[begin:end]
    if sum(len(line) >= MIN_COLUMNS for line in body) < least:
        return None
    extents = columns_of([r for line in body for r in line])
    rows = _rows(body, line_step, rules, extents)
    return _table(rows, apart(extents, rows)), begin, end


def _heads(line: Sequence[Run], below: Sequence[Run], header: Sequence[Run],
           columns: Sequence[tuple[float, float]], line_step: float) -> bool:
    """Whether ``line``, above the header's first line of several cells, is the first line of a
    header cell of more lines, centred in its row: one run, bold as the whole header is and in
    its size, inside one column, at line spacing (a heading above a table is larger, or set
    apart)."""
    run = line[0]
    return len(line) == 1 and run.bold and all(r.bold for r in header) \
        and abs(run.size - header[0].size) < SAME_SIZE and len(spanned(run, columns)) == 1 \
        and _step(line, below) <= ROW_STEP_SLACK * line_step * run.size


def _step(above: Sequence[Run], below: Sequence[Run]) -> float:
    return min(r.base for r in below) - max(r.base for r in above)


def _rows(lines: Sequence[Sequence[Run]], line_step: float, rules: Sequence[float],
          columns: Sequence[tuple[float, float]]) -> list[list[Run]]:
    """The table's runs grouped into rows (see the module's reasons)."""
    runs = [r for line in lines for r in line]
    top, bottom = min(r.base - r.size for r in runs), max(r.base for r in runs)
    inside = sorted(y for y in rules if top < y < bottom)
    if inside:
        rows: dict[int, list[Run]] = {}
        for run in runs:
            rows.setdefault(bisect_left(inside, run.base), []).append(run)
        return [rows[k] for k in sorted(rows)]
    bands: list[list[Run]] = []
    grouped: list[list[Run]]
    band_bottom = 0.0
    for run in sorted(runs, key=lambda r: r.base - ASCENT * r.size):
        if bands and run.base - ASCENT * run.size < band_bottom - 0.1 * run.size:
            bands[-1].append(run)
        else:
            bands.append([run])
            band_bottom = 0.0
        band_bottom = max(band_bottom, run.base + DESCENT * run.size)
    steps = [_step(above, below) for above, below in pairwise(bands)]
    spacing = _spacing(bands, steps, line_step * bands[0][0].size, columns)
    body_steps = steps[1:]  # the header may stand apart from its rows
    at_spacing = sum(step <= ROW_STEP_SLACK * spacing for step in body_steps)
    if len(body_steps) >= MIN_UNPADDED_STEPS and at_spacing >= UNPADDED_SHARE * len(body_steps):
        # (Nearly) every line follows at a line's spacing: a table set without padding, where no
        # step tells a row from a wrapped cell; or every row is one band (cells centred in their
        # rows). Every band is a row, but one that leaves the first column empty goes on the row
        # above (the first column's extent, not its left edge: a cell's text starts a point or
        # so apart from the next one's).
        first_column = columns[0][1] + GUTTER_SLACK
        grouped = []
        for band in bands:
            if grouped and all(r.x0 > first_column for r in band) and not _header_ends(grouped, band):
                grouped[-1].extend(band)
            else:
                grouped.append(band)
        return grouped
    grouped = []
    for band, step in zip(bands, [math.inf, *steps], strict=True):
        if grouped and step <= ROW_STEP_SLACK * spacing and not _header_ends(grouped, band):
            grouped[-1].extend(band)  # the next line of the same cells
        else:
            grouped.append(band)
    return grouped


def _header_ends(grouped: Sequence[Sequence[Run]], band: Sequence[Run]) -> bool:
    """Whether ``band`` starts the first row under a bold header: the header's text is all bold
    and the band's is not (a step alone cannot tell a header over one row from a wrapped cell)."""
    return len(grouped) == 1 and all(r.bold for r in grouped[0]) and not all(r.bold for r in band)


def _spacing(bands: Sequence[Sequence[Run]], steps: Sequence[float], body: float,
             columns: Sequence[tuple[float, float]]) -> float:
    """The table's own line spacing, in points, where the table shows it (a table's line height is
    its own, often tighter than the body's): the step between two lines of one cell, that is two
    lines in one column of one band (a row whose cells are centred), or, between bands, the
    smaller of two kinds of step (wrapped lines and padded rows). Without such evidence, the
    body's: every step may hold a row's padding."""
    inside: list[float] = []
    for band in bands:
        lines: dict[tuple[int, int], float] = {}  # (column, line) -> baseline
        for run in band:
            lines.setdefault((nearest(run, columns), run.line), run.base)
        inside.extend(b - a for (ka, a), (kb, b) in pairwise(sorted(lines.items())) if ka[0] == kb[0])
    own = [step for step in (*inside, *steps) if step > MIN_STEP_SHARE * body]
    if any(step > MIN_STEP_SHARE * body for step in inside) or (own and max(own) > ROW_STEP_SLACK * min(own)):
        return min([body, *own])
    return body


def _table(rows: list[list[Run]], columns: Sequence[tuple[float, float]]) -> Table:
    cells: list[tuple[Cell, ...]] = []
    spans: list[tuple[int, int]] = []
    for row in rows:
        by_column: list[list[Run]] = [[] for _ in columns]
        for run in row:
            under = spanned(run, columns) or [nearest(run, columns)]
            by_column[under[0]].append(run)
        cells.append(tuple(_cell(c) for c in by_column))
        spans.append((min(r.line for r in row), max(r.line for r in row)))
    return Table(tuple(cells), tuple(spans), len(columns))


def _cell(runs: list[Run]) -> Cell:
    lines: dict[int, list[Run]] = {}
    for run in sorted(runs, key=lambda r: (r.line, r.x0)):
        lines.setdefault(run.line, []).append(run)
    return tuple(tuple(v) for _, v in sorted(lines.items()))
