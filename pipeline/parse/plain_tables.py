"""Tables that converters and browsers write without pipes: pandoc's simple, multiline and
grid tables, tab-separated rows, and columns aligned by spaces (text-browser dumps).

These are read from the lines before the Markdown tokenizer sees them, since
CommonMark has no such tables. Each reader finds where its table starts and
ends and slices the cells by the columns the table itself draws (the dash runs
under a pandoc header, the ``+`` of a grid border, the tabs of a copied row, the
start columns of a header whose every row starts its cells at the same places),
so no cell is invented and none is split by guesswork. Rows that look like a
table but whose columns do not line up stay text, with a warning.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.blocks import TableBlock
from pipeline.errors import Issue

MIN_COLUMNS = 2  # one column is a list, not a table
MIN_TSV_ROWS = 2  # a header and a row
MIN_ALIGNED_ROWS = 3  # a header and two rows: fewer cannot show that columns line up
MIN_UNREAD_CELLS = 3  # spaced-apart runs this many to a line, line after line, look like a table

_DASH_RUNS = re.compile(r"-{2,}")
_COLUMN_RULE = re.compile(r"^\s*-{2,}(?:\s+-{2,})+\s*$")  # "------ ------- -----"
_FULL_RULE = re.compile(r"^\s*-{3,}\s*$")  # the rule around a multiline table
_GRID_BORDER = re.compile(r"^\s*\+(?:[-=:]+\+){2,}\s*$")
_GRID_HEAD_BORDER = re.compile(r"^\s*\+(?:[=:]+\+)+\s*$")
_GRID_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")  # a cell: words one space apart
_LIST_OR_PIPE = re.compile(r"^\s*(?:[-*+•]\s|\d{1,3}[.)]\s)|\|")


@dataclass(frozen=True, slots=True)
class Found:
    block: TableBlock
    start: int  # 0-based index of the table's first line
    end: int  # 0-based index after its last line


def find_tables(lines: Sequence[str]) -> tuple[list[Found], list[Issue]]:
    """Every pipe-less table in ``lines``, in order, none overlapping; and a warning for each
    run of table-like rows whose columns could not be recovered."""
    found: list[Found] = []
    issues: list[Issue] = []
    i = 0
    while i < len(lines):
        table = next((t for read in READERS if (t := read(lines, i)) is not None), None)
        if table is not None:
            found.append(table)
            i = table.end
            continue
        end = misaligned_rows(lines, i)
        if end is not None:
            issues.append(Issue("parse", "warning",
                                f"{end - i} lines look like table rows laid out by spaces, but their "
                                "columns do not line up; they are kept as text", i + 1))
            i = end
            continue
        i += 1
    return found, issues


def read_simple(lines: Sequence[str], i: int) -> Found | None:
    """A header line over a rule of dash runs, one row per line, ended by a blank line."""
    if i + 1 >= len(lines) or not lines[i].strip() or not _COLUMN_RULE.match(lines[i + 1]):
        return None
    if i > 0 and _FULL_RULE.match(lines[i - 1]):
        return None  # the header of a multiline table
    columns = _columns(lines[i + 1])
    end = i + 2
    while end < len(lines) and lines[end].strip() and not _COLUMN_RULE.match(lines[end]):
        end += 1
    rows = [_slice(lines[k], columns) for k in range(i + 2, end)]
    row_lines = list(range(i + 2, end))
    if end < len(lines) and _COLUMN_RULE.match(lines[end]):
        end += 1  # a closing rule
    return _found(_slice(lines[i], columns), rows, row_lines, i, end)


def read_multiline(lines: Sequence[str], i: int) -> Found | None:
    """A full rule, header lines, a rule of dash runs, rows separated by blank lines, a full rule."""
    if not _FULL_RULE.match(lines[i]):
        return None
    rule = next((k for k in range(i + 1, min(len(lines), i + 8)) if _COLUMN_RULE.match(lines[k])), None)
    if rule is None or not all(lines[k].strip() for k in range(i + 1, rule)):
        return None
    columns = _columns(lines[rule])
    header = _join_rows([_slice(lines[k], columns) for k in range(i + 1, rule)])
    rows: list[list[str]] = []
    row_lines: list[int] = []
    part: list[list[str]] = []
    k = rule + 1
    while k < len(lines) and not _FULL_RULE.match(lines[k]):
        if lines[k].strip():
            if not part:
                row_lines.append(k)
            part.append(_slice(lines[k], columns))
        elif part:
            rows.append(_join_rows(part))
            part = []
        k += 1
    if k == len(lines):
        return None  # never closed: not a table this reader knows
    if part:
        rows.append(_join_rows(part))
    return _found(header, rows, row_lines, i, k + 1)


def read_grid(lines: Sequence[str], i: int) -> Found | None:
    """A grid: '+---+' borders, '|' rows, '+===+' under the header."""
    if not _GRID_BORDER.match(lines[i]) or i + 1 >= len(lines) or not _GRID_ROW.match(lines[i + 1]):
        return None  # a grid opens with a border over a row: a run of borders is no table
    borders = [m.start() for m in re.finditer(r"\+", lines[i])]
    columns = [(a + 1, b) for a, b in itertools.pairwise(borders)]  # each cell between its borders
    groups: list[tuple[int, list[list[str]]]] = []
    header: list[str] | None = None
    part: list[list[str]] = []
    k = i + 1
    while k < len(lines) and (_GRID_ROW.match(lines[k]) or _GRID_BORDER.match(lines[k])):
        if _GRID_ROW.match(lines[k]):
            if not part:
                groups.append((k, part))
            part.append(_slice(lines[k], columns))
        else:
            if _GRID_HEAD_BORDER.match(lines[k]) and header is None and groups:
                header = _join_rows(groups.pop()[1])
            part = []
        k += 1
    rows = [_join_rows(g) for _, g in groups]
    if header is None:
        if not rows:
            return None
        header, rows, starts = rows[0], rows[1:], [s for s, _ in groups[1:]]
    else:
        starts = [s for s, _ in groups]
    return _found(header, rows, starts, i, k)


def read_tab_separated(lines: Sequence[str], i: int) -> Found | None:
    """Consecutive lines of tab-separated cells, the first the header (a table copied from a page)."""
    if "\t" not in lines[i].strip() or (i > 0 and "\t" in lines[i - 1].strip()):
        return None
    end = i
    while end < len(lines) and "\t" in lines[end].strip():
        end += 1
    if end - i < MIN_TSV_ROWS:
        return None
    # A tab at either end is an empty cell at that end: strip spaces only.
    cells = [[c.strip() for c in lines[k].strip(" \r").split("\t")] for k in range(i, end)]
    return _found(cells[0], cells[1:], list(range(i + 1, end)), i, end)


def read_aligned(lines: Sequence[str], i: int) -> Found | None:
    """Lines whose cells (text runs two or more spaces apart) start at the header's columns.

    A row may leave a column empty; a cell that starts anywhere else means the columns
    cannot be recovered from the layout, and the run stays text (``misaligned_rows``).
    """
    run = _aligned_run(lines, i)
    if run is None:
        return None
    header = _cell_spans(lines[i])
    starts = [start for start, _ in header]
    column = {start: n for n, start in enumerate(starts)}
    rows: list[list[str]] = []
    for k in range(i + 1, run):
        cells: list[str] = []
        for start, text in _cell_spans(lines[k]):
            if start not in column:
                return None
            cells.extend([""] * (column[start] - len(cells)))  # columns it leaves empty
            cells.append(text)
        rows.append(cells)  # it ends at its last cell, as its line does
    return _found([text for _, text in header], rows, list(range(i + 1, run)), i, run)


def misaligned_rows(lines: Sequence[str], i: int) -> int | None:
    """End of a run of table-like lines starting at ``i`` (three or more cells each, spaced
    apart) that no reader took: the columns did not line up. None when there is none."""
    return _aligned_run(lines, i, min_cells=MIN_UNREAD_CELLS)


def _aligned_run(lines: Sequence[str], i: int, min_cells: int = MIN_COLUMNS) -> int | None:
    """End of the run of MIN_ALIGNED_ROWS or more lines from ``i`` with ``min_cells`` cells."""
    if i > 0 and len(_cell_spans(lines[i - 1])) >= min_cells:
        return None  # not the start of the run
    end = i
    while end < len(lines) and len(_cell_spans(lines[end])) >= min_cells \
            and not _LIST_OR_PIPE.match(lines[end]):
        end += 1
    return end if end - i >= MIN_ALIGNED_ROWS else None


def _cell_spans(line: str) -> list[tuple[int, str]]:
    """Start column and text of each run of text two or more spaces apart."""
    if "  " not in line.strip():
        return []
    return [(m.start(), m.group(0)) for m in _SPACED_CELL.finditer(line)]


READERS: list[Callable[[Sequence[str], int], Found | None]] = [
    read_grid, read_multiline, read_simple, read_tab_separated, read_aligned,
]


def _columns(rule: str) -> list[tuple[int, int]]:
    """Column spans from the dash runs of a rule; each column reaches to the next run."""
    runs = [(m.start(), m.end()) for m in _DASH_RUNS.finditer(rule)]
    return [(start, runs[n + 1][0] if n + 1 < len(runs) else 10**9)
            for n, (start, _) in enumerate(runs)]


def _slice(line: str, columns: Sequence[tuple[int, int]]) -> list[str]:
    """A laid-out row's cells: a column that starts after the line's text ends is not a
    cell the row gives (the row is short, never padded), so cells never outnumber characters."""
    end = len(line.rstrip())
    return [line[a:b].strip() for a, b in itertools.takewhile(lambda column: column[0] < end, columns)]


def _join_rows(parts: Sequence[Sequence[str]]) -> list[str]:
    """Cells of one row written over several lines, each column's lines joined."""
    width = max((len(p) for p in parts), default=0)
    return [" ".join(p[c] for p in parts if c < len(p) and p[c]) for c in range(width)]


def _found(header: Sequence[str], rows: Sequence[Sequence[str]], row_lines: Sequence[int],
           start: int, end: int) -> Found | None:
    if len(header) < MIN_COLUMNS or not any(header):
        return None
    widths = tuple(len(row) for row in rows)
    # closed: a laid-out row ends where its line's text ends, so a short last row is a row
    # whose last cells are empty, not a table cut off mid-row.
    block = TableBlock(tuple(header), tuple(tuple(r) for r in rows),
                       tuple(k + 1 for k in row_lines), start + 1, end, widths, closed=True)
    return Found(block, start, end)
