"""HTML tables as grids: the HTML table model, with the header rows that label the columns.

``rowspan``/``colspan`` are expanded so that a spanning cell's text stands in every
position it covers, with its span recorded (``grid``); the header rows
(``<thead>``, else the leading rows of ``<th>`` only, else the first row) give one
label per column, joined from the top (``Week 12 > ACR50``); a ``<th>`` in a body
row is a row header, and a row of ``<th>`` cells that span the rows below it (a
pivot table's group, ``<th rowspan="3">Cohort A</th>`` alone on its row) labels
those rows: it is neither a header row nor a row of its own. ``<caption>`` is the
title; a table in a cell is a table of its own, linked to that cell, and the cell
keeps only its own text. A row ends at its last cell: one shorter than the grid is
kept short (normalize warns), never padded to the grid's width, so a table holds no
more cells than its markup gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from bs4.element import Tag

from pipeline.blocks import GridCell, TableBlock
from pipeline.errors import Issue
from pipeline.parse.html_text import inline, last_line, source_line

MAX_SPAN = 1000  # the HTML standard's cap on colspan; a rowspan stops at its row group's end
MAX_GRID_CELLS = 1_000_000  # positions one table may expand to; past it, spans are not expanded


@dataclass(frozen=True, slots=True)
class _Slot:
    """One grid position: the source cell covering it and that cell's span."""

    cell: Tag
    rows: int
    cols: int
    origin: bool
    col: int  # the column the cell starts in


def read_tables(tag: Tag, parent: tuple[tuple[int, int], int | None, int] | None,
            issues: list[Issue]) -> Iterator[TableBlock]:
    """The table as a grid, then each table nested in one of its cells, in document order."""
    groups = _row_groups(tag)
    rows = [tr for group in groups for tr in group]
    if not rows:
        return
    grid = [row for group in groups for row in _grid(group, issues)]
    width = 1 + max((c for row in grid for c, slot in row.items() if slot.origin), default=-1)
    if width == 0:
        return
    grid = [{c: replace(slot, cols=min(slot.cols, width - slot.col)) for c, slot in row.items()
             if c < width} for row in grid]  # a colspan past the last column stops there
    n_head = _header_rows(rows, grid, width)
    rows, grid = _without_group_rows(rows, grid, n_head, width)
    texts: dict[int, str] = {}

    def text(slot: _Slot | None) -> str:
        if slot is None:
            return ""
        if id(slot.cell) not in texts:
            texts[id(slot.cell)] = inline(slot.cell).strip()
        return texts[id(slot.cell)]

    if n_head and (bare := [c for c in range(width) if all(c not in grid[r] for r in range(n_head))]):
        issues.append(Issue("parse", "warning", f"table header covers {width - len(bare)} of its "
                            f"{width} columns; the others have no label", source_line(rows[0])))
    body = range(n_head, len(rows))
    extent = {r: 1 + max(grid[r], default=-1) for r in body}  # a row ends at its last cell
    cells = tuple(tuple(_grid_cell(grid[r].get(c)) for c in range(extent[r])) for r in body)
    plain = all(cell == _PLAIN for row in cells for cell in row)
    key = (source_line(tag), int(getattr(tag, "sourcepos", 0) or 0))
    caption = tag.find("caption", recursive=False)
    yield TableBlock(
        header=tuple(_label(grid[:n_head], c, text) for c in range(width)),
        rows=tuple(tuple(text(grid[r].get(c)) for c in range(extent[r])) for r in body),
        row_lines=tuple(source_line(rows[r]) for r in body),
        line_start=source_line(tag),
        line_end=last_line(tag),
        row_widths=tuple(len(grid[r]) for r in body),
        grid=() if plain else cells,  # a table without spans or row headers needs none
        caption=inline(caption).strip() or None if caption is not None else None,
        key=key,
        parent=parent,
        closed=True,
    )
    for r, row in enumerate(grid):
        for c, slot in sorted(row.items()):
            if not slot.origin:
                continue
            for inner in slot.cell.find_all("table"):
                if inner.find_parent("table") is tag:
                    where = (key, r - n_head if r >= n_head else None, c)
                    yield from read_tables(inner, where, issues)


def _row_groups(tag: Tag) -> list[list[Tag]]:
    """The table's rows by row group, as the HTML table model takes them: the head, each
    body (rows outside any group form one), then the foot, wherever the markup puts it."""
    head: list[list[Tag]] = []
    bodies: list[list[Tag]] = []
    foot: list[list[Tag]] = []
    loose: list[Tag] = []
    for child in tag.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            loose.append(child)
            continue
        if loose:
            bodies.append(loose)
            loose = []
        if child.name in ("thead", "tbody", "tfoot"):
            rows = child.find_all("tr", recursive=False)
            {"thead": head, "tbody": bodies, "tfoot": foot}[child.name].append(rows)
    if loose:
        bodies.append(loose)
    return [group for group in (*head, *bodies, *foot) if group]


def _grid(rows: list[Tag], issues: list[Issue]) -> list[dict[int, _Slot]]:
    """The HTML table model for one row group: each cell takes the next free position of its
    row and covers ``rowspan`` x ``colspan`` positions, the rowspan ending with the group
    (``rowspan="0"``: to its last row)."""
    grid: list[dict[int, _Slot]] = [{} for _ in rows]
    filled = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(("td", "th"), recursive=False):
            while c in grid[r]:
                c += 1
            height = _span(cell, "rowspan", len(rows) - r) or len(rows) - r
            width = _span(cell, "colspan", MAX_SPAN) or 1
            if filled + height * width > MAX_GRID_CELLS:
                if height * width > 1:
                    issues.append(Issue("parse", "warning", f"table spans past {MAX_GRID_CELLS:,} "
                                        "positions; its cells are read one position each", source_line(tr)))
                height = width = 1
            for dr in range(height):
                for dc in range(width):
                    grid[r + dr][c + dc] = _Slot(cell, height, width, dr == 0 and dc == 0, c)
            filled += height * width
            c += width
    return grid


def _span(cell: Tag, name: str, limit: int) -> int:
    value = str(cell.get(name) or "1").strip()
    return min(int(value), limit) if value.isdigit() else 1


def _header_rows(rows: list[Tag], grid: list[dict[int, _Slot]], width: int) -> int:
    """The rows that label the columns: those in ``<thead>`` and the rows of ``<th>`` only
    that follow them, up to a row whose one cell spans the whole table (a group row: it
    starts the body). A table with no ``<th>`` takes its first row for the header; one whose
    ``<th>`` only open its rows (a key-value table) has none. One row at least stays a body row."""
    n_head = sum(1 for tr in rows if tr.parent is not None and tr.parent.name == "thead")
    for r in range(n_head, len(rows)):
        cells = rows[r].find_all(("td", "th"), recursive=False)
        if not cells or any(cell.name != "th" for cell in cells):
            break
        if len(cells) == 1 and width > 1 and len(grid[r]) == width and n_head:
            break  # a group row under the header
        if _labels_rows_below(rows, grid, r):
            break  # a pivot table's group: it labels body rows, not columns
        n_head += 1
    if n_head == 0 and not any(row.find("th", recursive=False) for row in rows):
        n_head = 1  # no header markup: the first row labels the columns
    return min(n_head, len(rows) - 1) if len(rows) > 1 else n_head


def _labels_rows_below(rows: list[Tag], grid: list[dict[int, _Slot]], r: int) -> bool:
    """Row ``r``'s cells span down into a row that holds data cells (``<td>``)."""
    depth = max((slot.rows for slot in grid[r].values() if slot.origin), default=1)
    return any(tr.find("td", recursive=False) is not None for tr in rows[r + 1:r + depth])


def _without_group_rows(rows: list[Tag], grid: list[dict[int, _Slot]], n_head: int, width: int
                        ) -> tuple[list[Tag], list[dict[int, _Slot]]]:
    """The body without the rows that hold nothing but a group's label spanning the rows
    below (``<tr><th rowspan="3">Cohort A</th></tr>``): the label stands in those rows,
    starting in the first of them, and the group row is no row of its own."""
    keep_rows, keep_grid = list(rows[:n_head]), list(grid[:n_head])
    lost: dict[int, int] = {}  # a group label's cell (by id) -> rows its span lost
    started: set[int] = set()  # group labels already placed in a kept row
    for r in range(n_head, len(rows)):
        slots = grid[r]
        own = [s for s in slots.values() if s.origin]  # a group above may span into this row
        if r + 1 < len(rows) and len(slots) < width and own and all(
                s.rows > 1 and s.cell.name == "th" for s in own):
            for slot in slots.values():  # the row is gone from every span that covered it
                lost[id(slot.cell)] = lost.get(id(slot.cell), 0) + 1
            continue
        row = dict(slots)
        for c, slot in slots.items():
            if id(slot.cell) in lost:
                row[c] = replace(slot, rows=slot.rows - lost[id(slot.cell)],
                                 origin=id(slot.cell) not in started)
                started.add(id(slot.cell))
        keep_rows.append(rows[r])
        keep_grid.append(row)
    return keep_rows, keep_grid


def _label(head: list[dict[int, _Slot]], c: int, text: Callable[[_Slot | None], str]) -> str:
    """Column ``c``'s label: the header cells above it from the top, each once."""
    parts: list[str] = []
    seen: set[int] = set()
    for row in head:
        slot = row.get(c)
        if slot is None or id(slot.cell) in seen:
            continue
        seen.add(id(slot.cell))
        label = text(slot)
        if label and (not parts or parts[-1] != label):
            parts.append(label)
    return " > ".join(parts)


_PLAIN = GridCell()


def _grid_cell(slot: _Slot | None) -> GridCell:
    if slot is None:
        return _PLAIN
    return GridCell(slot.rows, slot.cols, slot.origin, slot.cell.name == "th")
