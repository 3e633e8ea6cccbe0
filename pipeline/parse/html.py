"""HTML to blocks, through beautifulsoup4 (the standard library's html.parser).

Headings ``h1``-``h6``, paragraphs, ``<table>`` (with or without ``<thead>``/
``<th>``), nested and flat ``<ul>``/``<ol>``, ``<figcaption>``. Inline elements
become the Markdown inline syntax every parser hands to normalize: ``<strong>``
gives ``**x**``, ``<em>`` ``*x*``, ``<a href>`` ``[x](href)``, ``<sup>`` around
citation markers gives the markers, any other ``<sup>`` ``^{x}``; ``<sub>``
is read as plain text (IC<sub>50</sub> reads IC50).

Nothing in ``<script>``, ``<style>``, ``<template>``, ``<iframe>``, ``<form>``,
``<nav>``, ``<aside>``, ``<footer>``, comments or the ``<head>`` is read: it is
never executed, fetched or exported. The page ``<title>`` is not the guide's
title; the body's ``<h1>`` is.

Line numbers are the source lines bs4 reports for each element.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup
from bs4.element import Comment, Doctype, NavigableString, PageElement, ProcessingInstruction, Tag

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock, Parsed, TableBlock
from pipeline.inline import markers_only
from pipeline.parse.lists import nest_under_labels

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
_SPACE = re.compile(r"[ \t\r\f\v]+")
_CAPTION_LABEL = re.compile(r"^\s*caption\s*:", re.I)


def parse(text: str) -> Parsed:
    soup = BeautifulSoup(text, "html.parser")
    root = soup.body or soup
    return Parsed(tuple(nest_under_labels(list(_blocks(root)))))


def _blocks(container: Tag) -> Iterator[Block]:
    """The blocks in ``container``, in document order; loose inline runs become paragraphs."""
    run: list[PageElement] = []
    for child in container.children:
        if isinstance(child, Tag) and child.name in BLOCK_TAGS:
            yield from _loose_paragraph(run)
            run = []
            yield from _block(child)
        elif not _ignored(child):
            run.append(child)
    yield from _loose_paragraph(run)


def _block(tag: Tag) -> Iterator[Block]:
    line = _line(tag)
    if tag.name in HEADINGS:
        text = inline(tag).strip()
        if text:
            yield HeadingBlock(text, HEADINGS[tag.name], line, _last_line(tag))
    elif tag.name in ("p", "pre", "dt", "dd", "summary"):
        text = inline(tag).strip()
        if text:
            yield ParagraphBlock(text, line, _last_line(tag))
    elif tag.name == "figcaption":
        text = inline(tag).strip()
        if text:
            text = text if _CAPTION_LABEL.match(text) else f"Caption: {text}"
            yield ParagraphBlock(text, line, _last_line(tag))
    elif tag.name == "table":
        table = _table(tag)
        if table is not None:
            yield table
    elif tag.name in LISTS:
        yield from _list(tag, depth=0)
    elif tag.name != "hr":
        yield from _blocks(tag)


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


def _table(tag: Tag) -> TableBlock | None:
    rows = [tr for tr in tag.find_all("tr") if tr.find_parent("table") is tag]
    if not rows:
        return None
    header_row = next((tr for tr in rows if tr.find_parent("thead") is not None), None)
    if header_row is None and rows[0].find("th") is not None:
        header_row = rows[0]
    if header_row is None:
        header_row = rows[0]  # no header markup: the first row labels the columns
    body = [tr for tr in rows if tr is not header_row]
    header = _cells(header_row)
    cells = [_cells(tr) for tr in body]
    return TableBlock(
        header=tuple(header),
        # Rows padded or cut to the header, as the Markdown parser does; widths keep the truth.
        rows=tuple(tuple((row + [""] * len(header))[: len(header)]) for row in cells),
        row_lines=tuple(_line(tr) for tr in body),
        line_start=_line(tag),
        line_end=_last_line(tag),
        row_widths=tuple(len(row) for row in cells),
    )


def _cells(tr: Tag) -> list[str]:
    return [inline(cell).strip() for cell in tr.find_all(("td", "th"), recursive=False)]


def inline(tag: Tag) -> str:
    """An element's content as Markdown inline text; whitespace runs folded, blank lines gone."""
    return _fold("".join(_inline_node(child) for child in tag.children))


def _inline_node(node: object) -> str:
    if isinstance(node, Comment | Doctype | ProcessingInstruction):
        return ""
    if isinstance(node, NavigableString):
        # Line breaks in the page source are kept: a guide's "Q1: ..." / "A1: ..." or
        # label / value lines mean something; clean_inline folds them where they do not.
        return _SPACE.sub(" ", str(node)).replace("*", "\\*")
    if not isinstance(node, Tag) or node.name in SKIPPED:
        return ""
    name = node.name
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
    if name == "sup":
        return content.strip() if markers_only(content) else f"^{{{content.strip()}}}"
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
    return isinstance(node, Tag) and node.name in SKIPPED


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
