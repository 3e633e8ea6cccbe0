"""HTML to blocks: the tree a browser builds, read as the block vocabulary.

The page is parsed by html5lib through beautifulsoup4: the HTML5 tree-construction
algorithm, so a malformed page means what it means in a browser (a ``<p>`` left
open before an ``<h1>`` or a ``<table>`` is closed there). Nothing is executed or
fetched: html5lib builds a tree and runs nothing.

Headings ``h1``-``h6``, paragraphs, tables, nested and flat ``<ul>``/``<ol>``,
``<figcaption>``. A page that marks its content (one ``<main>``, or a single
``<article>``) is read there only. Inline elements become the Markdown inline
syntax every parser hands to normalize: ``<strong>`` gives ``**x**``, ``<em>``
``*x*``, ``<a href>`` ``[x](href)``; ``<sup>`` stays ``<sup>x</sup>`` for the
one inline grammar to read (citation or power); ``<sub>`` is plain text
(IC<sub>50</sub> reads IC50).

Tables are grids (``grid``): ``rowspan``/``colspan`` expanded so that a spanning
cell's text stands in every position it covers, with its span recorded; the
header rows (``<thead>``, else the leading rows of ``<th>`` only, else the first
row) give one label per column, joined from the top (``Week 12 > ACR50``); a
``<th>`` in a body row is a row header; ``<caption>`` is the title; a table in
a cell is a table of its own, linked to that cell, and the cell keeps only its
own text. A row shorter than the grid is padded with empty cells (normalize
warns), never dropped.

Nothing in ``<script>``, ``<style>``, ``<template>``, ``<iframe>``, ``<form>``,
``<nav>``, ``<aside>``, ``<footer>``, comments or the ``<head>`` is read, nor
any element whose role or id/class names page chrome (cookie banners, consent
dialogs, breadcrumbs, share bars): it is never executed, fetched or exported.
The page ``<title>`` is not the guide's title; the body's ``<h1>`` is.

Line numbers are the source lines html5lib reports for each element.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from bs4 import BeautifulSoup
from bs4.element import Comment, Doctype, NavigableString, PageElement, ProcessingInstruction, Tag

from pipeline.blocks import (
    Block,
    GridCell,
    HeadingBlock,
    ListItemBlock,
    ParagraphBlock,
    Parsed,
    TableBlock,
)
from pipeline.errors import Issue
from pipeline.inline import markers_only
from pipeline.parse.headings import mark_headings
from pipeline.parse.lists import TEXT_BULLET, nest_under_labels

# Elements whose content is never part of the guide.
SKIPPED = frozenset({
    "head", "script", "style", "template", "noscript", "iframe", "object", "embed", "form",
    "button", "select", "textarea", "input", "nav", "svg", "canvas", "img", "video", "audio",
})
# The page's own header, footer and sidebars are chrome; inside the guide's content (an
# article's footer holding its references) they are content. The scopes are ARIA's: a header
# or footer is the page's unless inside these; an aside is complementary unless inside these.
LANDMARK_SCOPES = {
    "header": frozenset({"article", "aside", "main", "nav", "section"}),
    "footer": frozenset({"article", "aside", "main", "nav", "section"}),
    "aside": frozenset({"article", "aside", "nav", "section"}),
}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
LISTS = frozenset({"ul", "ol"})
# Block-level elements: they end the paragraph of loose inline content before them.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "body", "html", "table", "ul", "ol",
    "li", "figure", "figcaption", "blockquote", "pre", "hr", "dl", "dt", "dd", "details",
    "summary", *HEADINGS,
})
# Elements a cell's own text leaves out: a nested table is a table of its own.
NOT_INLINE = frozenset({"table", "caption"})
# Page chrome named by ARIA role, or by an id or class token (a cookie banner is a <div>);
# "informed-consent" or "market-share" are content.
CHROME_ROLES = frozenset({"navigation", "search", "dialog", "alertdialog"})
_CHROME_WORD = re.compile(r"cookie|gdpr", re.I)  # anywhere in a token: "CybotCookiebotDialog"
_CHROME_TOKEN = re.compile(  # a whole token
    r"(?:consent|privacy)[-_]?(?:banner|dialog|modal|popup|bar|notice)"
    r"|breadcrumbs?|share[-_]?bar|social[-_]?share|newsletter[-_]?(?:signup|form|box)?"
    r"|noprint|d-print-none|mw-editsection", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE = re.compile(r"[ \t\r\f\v]+")
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")  # HTML's ASCII whitespace
_CAPTION_LABEL = re.compile(r"^\s*caption\s*:", re.I)
MAX_SPAN = 1000  # the HTML standard's cap on colspan; a rowspan stops at its row group's end
MIN_CONTENT_SHARE = 0.5  # a <main> or <article> holding less of the body's text is not the guide
MAX_GRID_CELLS = 1_000_000  # positions one table may expand to; past it, spans are not expanded


def parse(text: str) -> Parsed:
    soup = BeautifulSoup(text, "html5lib")
    _mark_reference_anchors(soup)
    issues: list[Issue] = []
    blocks = list(_blocks(_content(soup), issues))
    # A page that marks its sections up (<h2>...) is taken at its word; one that writes every
    # line as a <p> (a text dump rendered to HTML) has its headings inferred, as text does.
    return Parsed(tuple(mark_headings(list(nest_under_labels(blocks)))), tuple(issues))


def _content(soup: BeautifulSoup) -> Tag:
    """Where the guide is: the page's one ``<main>`` or single ``<article>`` when it holds the
    page's title and most of its text (a teaser in a sidebar is not the guide), else the body."""
    body = soup.body or soup
    title = body.find("h1")
    total = len(body.get_text(" ", strip=True))
    for name in ("main", "article"):
        found = body.find_all(name)
        if len(found) == 1:
            candidate = found[0]
            holds_title = title is None or candidate in title.parents
            if holds_title and len(candidate.get_text(" ", strip=True)) >= MIN_CONTENT_SHARE * total:
                return candidate
    return body


def _mark_reference_anchors(soup: BeautifulSoup) -> None:
    """Links to an item of a list (``<a href="#ref3">``, the web's citation) are marked with
    the item's number, which the inline text writes as a marker; other in-page links (to a
    table, a figure) are plain text."""
    numbers: dict[str, int] = {}
    for listing in soup.find_all(LISTS):
        number = _start(listing) if listing.name == "ol" else 1
        for item in listing.find_all("li", recursive=False):
            for anchor in (item, *item.find_all(id=True)):
                if anchor.get("id"):
                    numbers.setdefault(str(anchor["id"]), number)
            number += 1
    for link in soup.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith("#") and len(href) > 1:
            target = numbers.get(href[1:])
            link["data-reference"] = str(target) if target is not None else ""


def _blocks(container: Tag, issues: list[Issue]) -> Iterator[Block]:
    """The blocks in ``container``, in document order; loose inline runs become paragraphs."""
    run: list[PageElement] = []
    for child in container.children:
        if isinstance(child, Tag) and child.name in BLOCK_TAGS and not _ignored(child):
            yield from _loose_paragraph(run)
            run = []
            yield from _block(child, issues)
        elif not _ignored(child):
            run.append(child)
    yield from _loose_paragraph(run)


def _block(tag: Tag, issues: list[Issue]) -> Iterator[Block]:
    line = _line(tag)
    if tag.name in HEADINGS:
        text = inline(tag).strip()
        if text:
            yield HeadingBlock(text, HEADINGS[tag.name], line, _last_line(tag))
    elif tag.name in ("p", "pre", "dt", "dd", "summary"):
        text, end = inline(tag).strip(), _last_line(tag)
        lines = text.split("\n")
        if text and all(TEXT_BULLET.match(part) for part in lines):  # "• a<br>• b": typed bullets
            for part in lines:
                yield ListItemBlock(TEXT_BULLET.sub("", part, count=1), 0, None, line, end)
        elif text:
            yield ParagraphBlock(text, line, end)
    elif tag.name == "figcaption":
        text = inline(tag).strip()
        if text:
            text = text if _CAPTION_LABEL.match(text) else f"Caption: {text}"
            yield ParagraphBlock(text, line, _last_line(tag))
    elif tag.name == "table":
        yield from _tables(tag, None, issues)
    elif tag.name in LISTS:
        yield from _list(tag, depth=0)
    elif tag.name != "hr":
        yield from _blocks(tag, issues)


def _loose_paragraph(run: list[PageElement]) -> Iterator[Block]:
    text = _fold("".join(_inline_node(node) for node in run))
    if text:
        first = next(n for n in run if _inline_node(n).strip())
        yield ParagraphBlock(text, _line(first), _line(run[-1]))


def _list(tag: Tag, depth: int) -> Iterator[Block]:
    number = _start(tag) if tag.name == "ol" else None
    for item in tag.find_all("li", recursive=False):
        own = [c for c in item.children if not (isinstance(c, Tag) and c.name in LISTS)]
        text = _fold("".join(_inline_node(c) for c in own))
        yield ListItemBlock(text, depth, number, _line(item), _last_line(item))
        for child in item.children:
            if isinstance(child, Tag) and child.name in LISTS:
                yield from _list(child, depth + 1)
        if number is not None:
            number += 1


@dataclass(frozen=True, slots=True)
class _Slot:
    """One grid position: the source cell covering it and that cell's span."""

    cell: Tag
    rows: int
    cols: int
    origin: bool
    col: int  # the column the cell starts in


def _tables(tag: Tag, parent: tuple[tuple[int, int], int | None, int] | None,
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
    texts: dict[int, str] = {}

    def text(slot: _Slot | None) -> str:
        if slot is None:
            return ""
        if id(slot.cell) not in texts:
            texts[id(slot.cell)] = inline(slot.cell).strip()
        return texts[id(slot.cell)]

    if n_head and (bare := [c for c in range(width) if all(c not in grid[r] for r in range(n_head))]):
        issues.append(Issue("parse", "warning", f"table header covers {width - len(bare)} of its "
                            f"{width} columns; the others have no label", _line(rows[0])))
    body = range(n_head, len(rows))
    cells = tuple(tuple(_grid_cell(grid[r].get(c)) for c in range(width)) for r in body)
    plain = all(cell == _PLAIN for row in cells for cell in row)
    key = (_line(tag), int(getattr(tag, "sourcepos", 0) or 0))
    caption = tag.find("caption", recursive=False)
    yield TableBlock(
        header=tuple(_label(grid[:n_head], c, text) for c in range(width)),
        rows=tuple(tuple(text(grid[r].get(c)) for c in range(width)) for r in body),
        row_lines=tuple(_line(rows[r]) for r in body),
        line_start=_line(tag),
        line_end=_last_line(tag),
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
                    yield from _tables(inner, where, issues)


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
                                        "positions; its cells are read one position each", _line(tr)))
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
        n_head += 1
    if n_head == 0 and not any(row.find("th", recursive=False) for row in rows):
        n_head = 1  # no header markup: the first row labels the columns
    return min(n_head, len(rows) - 1) if len(rows) > 1 else n_head


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


def inline(tag: Tag) -> str:
    """An element's content as Markdown inline text; whitespace runs folded, blank lines gone."""
    return _fold("".join(_inline_node(child) for child in tag.children))


def _inline_node(node: object) -> str:
    if isinstance(node, Comment | Doctype | ProcessingInstruction):
        return ""
    if isinstance(node, NavigableString):
        # As in a browser, a line break in the page source is a space; <br> breaks a line.
        return _WHITESPACE.sub(" ", str(node)).replace("*", "\\*")
    if not isinstance(node, Tag) or _ignored(node):
        return ""
    name = node.name
    if name in NOT_INLINE:
        return " "
    if name == "br":
        return "\n"
    content = "".join(_inline_node(c) for c in node.children)
    if not content.strip():
        return content
    if name in ("strong", "b"):
        return _wrap(content, "**")
    if name in ("em", "i"):
        return _wrap(content, "*")
    if name == "code":
        return f"`{content}`"
    if name == "sup":  # a citation or a power: the inline grammar tells them apart
        return f"<sup>{content.strip()}</sup>"
    if name == "a":
        href = str(node.get("href") or "")
        reference = node.get("data-reference")
        if reference:  # a link to a reference item: a citation of its number
            number = content.strip().strip("[]")
            return f"[{reference}]" if number.isdigit() else f"{content}[{reference}]"
        if reference is not None and (markers_only(content) or content.strip().isdigit()):
            return content.strip().strip("[]")  # "Table <a href="#table-2">2</a>": a number
        if markers_only(content) or not href:
            return content
        return f"[{content.strip()}]({href.replace(' ', '%20')})"
    if name in BLOCK_TAGS:  # a block inside inline content (a <p> in an <li>): keep a gap
        return f" {content} "
    return content


def _fold(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _wrap(content: str, mark: str) -> str:
    """Emphasis around the content, keeping its outer spaces outside the marks."""
    stripped = content.strip()
    lead = content[: len(content) - len(content.lstrip())]
    trail = content[len(content.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _ignored(node: object) -> bool:
    if isinstance(node, Comment | Doctype | ProcessingInstruction):
        return True
    return isinstance(node, Tag) and (node.name in SKIPPED or _chrome(node))


def _chrome(tag: Tag) -> bool:
    """Page chrome, or text no reader sees: the page's own header, footer or sidebar (not
    one inside the content), a navigation, search or dialog landmark, an element hidden
    (``hidden``, ``display: none``), or one whose id or class token names a cookie banner,
    a consent dialog, breadcrumbs, a share bar or a print-hidden marker."""
    scopes = LANDMARK_SCOPES.get(tag.name)
    if scopes is not None and not any(p.name in scopes for p in tag.parents):
        return True
    if str(tag.get("role") or "").lower() in CHROME_ROLES or tag.has_attr("hidden"):
        return True
    if _HIDDEN_STYLE.search(str(tag.get("style") or "")):
        return True
    classes: object = tag.get("class") or []
    tokens = [str(c) for c in classes] if isinstance(classes, list) else str(classes).split()
    return any(_CHROME_WORD.search(token) or _CHROME_TOKEN.fullmatch(token)
               for token in (str(tag.get("id") or ""), *tokens) if token)


def _start(tag: Tag) -> int:
    start = str(tag.get("start") or "1")
    return int(start) if start.isdigit() else 1


def _line(node: object) -> int:
    line = getattr(node, "sourceline", None)
    if line is None and isinstance(node, NavigableString) and node.parent is not None:
        line = node.parent.sourceline
    return int(line) if line else 1


def _last_line(tag: Tag) -> int:
    lines = [d.sourceline for d in tag.find_all(True) if d.sourceline]
    return max([_line(tag), *lines])
