"""HTML to blocks: the tree a browser builds, read as the block vocabulary.

The page is parsed by html5lib through beautifulsoup4: the HTML5 tree-construction
algorithm, so a malformed page means what it means in a browser (a ``<p>`` left
open before an ``<h1>`` or a ``<table>`` is closed there). Nothing is executed or
fetched: html5lib builds a tree and runs nothing. What would make that tree cost
more than linear time (nesting, attributes, elements the algorithm makes up) is
bounded as it is built (``html_bounds``).

Headings ``h1``-``h6``, paragraphs, tables (``html_tables``), nested and flat
``<ul>``/``<ol>``, ``<figcaption>``. A page that marks its content (one
``<main>``, or a single ``<article>``) is read there only. Each element's text is
the Markdown inline syntax every parser hands to normalize (``html_text``).

Nothing in ``<script>``, ``<style>``, ``<template>``, ``<iframe>``, ``<form>``,
``<nav>``, ``<aside>``, ``<footer>``, comments or the ``<head>`` is read, nor
any element whose role or id/class names page chrome (cookie banners, consent
dialogs, breadcrumbs, share bars): it is never executed, fetched or exported.
The page ``<title>`` is not the guide's title; the body's ``<h1>`` is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup
from bs4.element import PageElement, Tag

from pipeline.blocks import (
    Block,
    HeadingBlock,
    ListItemBlock,
    ParagraphBlock,
    Parsed,
)
from pipeline.errors import Issue
from pipeline.parse.headings import mark_headings
from pipeline.parse.html_bounds import soup as bounded_soup
from pipeline.parse.html_tables import read_tables
from pipeline.parse.html_text import (
    BLOCK_TAGS,
    HEADINGS,
    fold,
    ignored,
    inline,
    inline_node,
    last_line,
    source_line,
)
from pipeline.parse.lists import TEXT_BULLET, nest_under_labels

LISTS = frozenset({"ul", "ol"})
_CAPTION_LABEL = re.compile(r"^\s*caption\s*:", re.I)
MIN_CONTENT_SHARE = 0.5  # a <main> or <article> holding less of the body's text is not the guide



def parse(text: str) -> Parsed:
    soup, issues = bounded_soup(text)  # the tree, built at a cost linear in the text
    _mark_reference_anchors(soup)
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
    table, a figure) are plain text. An id anywhere in an item takes the number of the
    outermost list item holding it. One walk over the tree: nested lists cost no more."""
    numbers: dict[str, int] = {}
    item_numbers: dict[int, int] = {}  # id() of a list's item -> its number
    stack: list[tuple[Tag, int | None]] = [(soup, None)]
    while stack:
        tag, outer = stack.pop()
        if tag.name in LISTS:
            number = _start(tag) if tag.name == "ol" else 1
            for item in tag.find_all("li", recursive=False):
                item_numbers[id(item)] = number
                number += 1
        if outer is None and id(tag) in item_numbers:
            outer = item_numbers[id(tag)]
        if outer is not None and tag.get("id"):
            numbers.setdefault(str(tag["id"]), outer)
        stack.extend((child, outer) for child in reversed(tag.contents) if isinstance(child, Tag))
    for link in soup.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith("#") and len(href) > 1:
            target = numbers.get(href[1:])
            link["data-reference"] = str(target) if target is not None else ""


def _blocks(container: Tag, issues: list[Issue]) -> Iterator[Block]:
    """The blocks in ``container``, in document order; loose inline runs become paragraphs."""
    run: list[PageElement] = []
    for child in container.children:
        if isinstance(child, Tag) and child.name in BLOCK_TAGS and not ignored(child):
            yield from _loose_paragraph(run)
            run = []
            yield from _block(child, issues)
        elif not ignored(child):
            run.append(child)
    yield from _loose_paragraph(run)


def _block(tag: Tag, issues: list[Issue]) -> Iterator[Block]:
    line = source_line(tag)
    if tag.name in HEADINGS:
        text = inline(tag).strip()
        if text:
            yield HeadingBlock(text, HEADINGS[tag.name], line, last_line(tag))
    elif tag.name in ("p", "pre", "dt", "dd", "summary"):
        text, end = inline(tag).strip(), last_line(tag)
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
            yield ParagraphBlock(text, line, last_line(tag))
    elif tag.name == "table":
        yield from read_tables(tag, None, issues)
    elif tag.name in LISTS:
        yield from _list(tag, depth=0)
    elif tag.name != "hr":
        yield from _blocks(tag, issues)


def _loose_paragraph(run: list[PageElement]) -> Iterator[Block]:
    text = fold("".join(inline_node(node) for node in run))
    if text:
        first = next(n for n in run if inline_node(n).strip())
        yield ParagraphBlock(text, source_line(first), source_line(run[-1]))


def _list(tag: Tag, depth: int) -> Iterator[Block]:
    number = _start(tag) if tag.name == "ol" else None
    for item in tag.find_all("li", recursive=False):
        own = [c for c in item.children if not (isinstance(c, Tag) and c.name in LISTS)]
        text = fold("".join(inline_node(c) for c in own))
        yield ListItemBlock(text, depth, number, source_line(item), last_line(item))
        for child in item.children:
            if isinstance(child, Tag) and child.name in LISTS:
                yield from _list(child, depth + 1)
        if number is not None:
            number += 1


def _start(tag: Tag) -> int:
    start = str(tag.get("start") or "1")
    return int(start) if start.isdigit() else 1
