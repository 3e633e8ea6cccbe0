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
from dataclasses import dataclass

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
    "button", "select", "textarea", "input", "nav", "aside", "footer", "svg", "canvas", "img",
    "video", "audio",
})
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
# Page chrome named by ARIA role, or by id or class (a cookie banner is a <div>).
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                          "dialog", "alertdialog"})
_CHROME_NAME = re.compile(r"cookie|consent|gdpr|breadcrumb|share-?bar|social-?share|newsletter", re.I)
_SPACE = re.compile(r"[ \t\r\f\v]+")
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")  # HTML's ASCII whitespace
_CAPTION_LABEL = re.compile(r"^\s*caption\s*:", re.I)
MAX_SPAN = 1000  # the HTML standard's cap on colspan; a rowspan stops at the table's end
MAX_GRID_CELLS = 1_000_000  # positions one table may expand to; past it, spans are not expanded


def parse(text: str) -> Parsed:
    soup = BeautifulSoup(text, "html5lib")
    issues: list[Issue] = []
    blocks = list(_blocks(_content(soup), issues))
    # A page that marks its sections up (<h2>...) is taken at its word; one that writes every
    # line as a <p> (a text dump rendered to HTML) has its headings inferred, as text does.
    return Parsed(tuple(mark_headings(list(nest_under_labels(blocks)))), tuple(issues))


def _content(soup: BeautifulSoup) -> Tag:
    """Where the guide is: the page's one ``<main>`` or single ``<article>``, else its body."""
    mains = soup.find_all("main")
    if len(mains) == 1:
        return mains[0]
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.body or soup


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
        text = inline(tag).strip()
        lines = text.split("\n")
        if text and all(TEXT_BULLET.match(part) for part in lines):  # "• a<br>• b": typed bullets
            for part in lines:
                yield ListItemBlock(TEXT_BULLET.sub("", part, count=1), 0, None, line, _last_line(tag))
        elif text:
            yield ParagraphBlock(text, line, _last_line(tag))
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


def _tables(tag: Tag, parent: tuple[tuple[int, int], int | None, int] | None,
            issues: list[Issue]) -> Iterator[TableBlock]:
    """The table as a grid, then each table nested in one of its cells, in document order."""
    rows = [tr for tr in tag.find_all("tr") if tr.find_parent("table") is tag]
    if not rows:
        return
    grid = _grid(rows, issues)
    width = max((max(row) + 1 for row in grid if row), default=0)
    if width == 0:
        return
    n_head = _header_rows(rows)
    texts: dict[int, str] = {}

    def text(slot: _Slot | None) -> str:
        if slot is None:
            return ""
        if id(slot.cell) not in texts:
            texts[id(slot.cell)] = inline(slot.cell).strip()
        return texts[id(slot.cell)]

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


def _grid(rows: list[Tag], issues: list[Issue]) -> list[dict[int, _Slot]]:
    """The HTML table model: each cell takes the next free position of its row and covers
    ``rowspan`` x ``colspan`` positions (``rowspan="0"``: to the last row)."""
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
                    grid[r + dr][c + dc] = _Slot(cell, height, width, dr == 0 and dc == 0)
            filled += height * width
            c += width
    return grid


def _span(cell: Tag, name: str, limit: int) -> int:
    value = str(cell.get(name) or "1").strip()
    return min(int(value), limit) if value.isdigit() else 1


def _header_rows(rows: list[Tag]) -> int:
    """The rows that label the columns: those in ``<thead>``, else the leading rows whose
    cells are all ``<th>``, else the first row (a table with no header markup). At least
    one row stays a body row."""
    in_head = sum(1 for tr in rows if tr.parent is not None and tr.parent.name == "thead")
    if not in_head:
        for tr in rows:
            cells = tr.find_all(("td", "th"), recursive=False)
            if not cells or any(cell.name != "th" for cell in cells):
                break
            in_head += 1
    return max(1, min(in_head, len(rows) - 1)) if len(rows) > 1 else 1


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
    """Page chrome marked up as such: an ARIA landmark for navigation, banner or footer, or
    an id or class that names a cookie banner, a consent dialog, breadcrumbs or a share bar."""
    if str(tag.get("role") or "").lower() in CHROME_ROLES:
        return True
    classes: object = tag.get("class") or []
    words = [str(c) for c in classes] if isinstance(classes, list) else [str(classes)]
    names = " ".join([str(tag.get("id") or ""), *words])
    return bool(names.strip()) and bool(_CHROME_NAME.search(names))


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
