"""The browser's tree of a page, built at a cost linear in the page.

The HTML5 algorithm (html5lib, through beautifulsoup4) is linear for the pages the
family writes but not for every page. Three things make it quadratic, and each is
bounded where it happens, not guessed from the text beforehand (and two searches
beautifulsoup4 makes per node are made constant: ``_Node``):

- **Depth.** Each tag walks the stack of open elements; tens of thousands of
  nested elements (however the markup gets there: unclosed ``<div>``, ``<rt>``,
  ``<div/>`` after ``<svg>``) cost the square. The tree builder counts the stack
  as it grows and refuses the page past ``MAX_DEPTH``.
- **Elements the algorithm makes up.** Formatting elements left open (``<b>``,
  ``<font>``) are reopened in every later paragraph: a page of a few kilobytes
  can build millions of elements. The tree builder counts every element it
  creates and refuses the page past ``ELEMENTS_PER_TAG`` per ``<`` of the text.
- **Attributes.** html5lib's tokenizer checks each attribute against all before
  it on its element. Attributes past ``MAX_ATTRIBUTES`` on one element are
  blanked before parsing (one scan of the tags, quoted values read as the
  tokenizer reads them), with a warning; blanking writes spaces and keeps line
  breaks, so line numbers stay the source's.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from bs4.builder._html5lib import Element, HTML5TreeBuilder, TreeBuilderForHtml5lib
from bs4.element import NavigableString

from pipeline.errors import DocumentError, Issue

MAX_DEPTH = 256  # elements inside each other; pages nest 20-60 deep
MAX_ATTRIBUTES = 256  # on one element; pages write under 20
# Elements the algorithm may build per "<" of the page (each start tag makes one; an old-style
# page that leaves <font><b><i> open in every paragraph has up to three copies of each reopened
# in each), and a floor for the elements it adds on its own (<html>, <head>, <body>, <tbody>).
ELEMENTS_PER_TAG = 8
ELEMENT_FLOOR = 1_000
MAX_JOINED_TEXT = 1_024  # characters a text node grows to by joining the text that follows it

# A tag as html5lib's tokenizer reads it: a name, then anything up to a ">" outside quotes.
_TAG_START = re.compile(r"<[A-Za-z]")
_TAG_REST = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>?""")
# An attribute's name is whatever the tokenizer takes for one (quotes and "<" included).
_ATTRIBUTE = re.compile(r"""[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+""")


def soup(html: str) -> tuple[BeautifulSoup, list[Issue]]:
    """The page's tree as a browser builds it, and warnings for what was left out of it;
    a DocumentError when building it would cost more than linear time."""
    html, issues = _without_excess_attributes(html)
    budget = ELEMENT_FLOOR + ELEMENTS_PER_TAG * html.count("<")
    return BeautifulSoup(html, builder=_BoundedBuilder(budget)), issues


class _BoundedBuilder(HTML5TreeBuilder):
    """beautifulsoup4's html5lib builder, with the tree counted as it is built."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget

    def create_treebuilder(self, namespaceHTMLElements: bool) -> TreeBuilderForHtml5lib:
        self.underlying_builder = _BoundedTree(namespaceHTMLElements, self.soup,
                                               store_line_numbers=self.store_line_numbers)
        self.underlying_builder.budget = self.budget
        return self.underlying_builder


class _BoundedTree(TreeBuilderForHtml5lib):
    budget = 0
    created = 0

    def elementClass(self, name: str, namespace: str) -> Any:  # html5lib names it
        self.created += 1
        if self.created > self.budget:
            raise DocumentError(Issue(
                "parse", "error", f"the markup makes the browser's algorithm build more than "
                f"{self.budget:,} elements ({ELEMENTS_PER_TAG} per tag; formatting tags left "
                "open are rebuilt in every paragraph); it was not read"))
        made = super().elementClass(name, namespace)
        assert made.tag is not None
        return _Node(made.tag, self.soup, namespace)

    def documentClass(self) -> Any:  # html5lib names it
        self.soup.reset()
        return _Node(self.soup, self.soup, None)

    def insertElementNormal(self, token: dict[str, Any]) -> Any:
        element = super().insertElementNormal(token)
        self._check_depth()
        return element

    def insertElementTable(self, token: dict[str, Any]) -> Any:
        element = super().insertElementTable(token)
        self._check_depth()
        return element

    def _check_depth(self) -> None:
        if len(self.openElements) > MAX_DEPTH:
            raise DocumentError(Issue(
                "parse", "error", f"the markup nests elements more than {MAX_DEPTH} deep "
                "(a page nests a few dozen); it was not read"))


class _Node(Element):
    """bs4's html5lib node, without its two searches of a parent's children. Text after text
    is joined to it as beautifulsoup4 does, but the string replaced is known to be the last
    child (bs4 looks it up from the first: quadratic under a paragraph of thousands of
    <br>), and only up to ``MAX_JOINED_TEXT`` characters (each join copies the string: past
    it, a run of character references starts a string of its own). A node put before
    another (foster parenting out of a table) finds it from the end."""

    def appendChild(self, node: Any) -> None:  # html5lib names it
        tag = self.tag
        if (type(node.string) is NavigableString and tag is not None and tag.contents
                and type(tag.contents[-1]) is NavigableString):
            node.parent = self
            last = len(tag.contents) - 1
            old = tag.contents[last]
            assert isinstance(old, NavigableString)
            if len(old) < MAX_JOINED_TEXT:
                old.extract(_self_index=last)
                tag.insert(last, self.soup.new_string(old + node.string))
            else:
                self.soup.object_was_parsed(node.string, parent=tag,
                                            most_recent_element=tag._last_descendant(False))
            return
        super().appendChild(node)

    def insertBefore(self, node: Any, refNode: Any) -> None:  # html5lib names it
        tag = self.tag
        assert tag is not None
        contents = tag.contents
        index = next(i for i in range(len(contents) - 1, -1, -1) if contents[i] is refNode.element)
        tag.insert(index, node.element)
        node.parent = self


def _without_excess_attributes(html: str) -> tuple[str, list[Issue]]:
    """``html`` with the attributes past ``MAX_ATTRIBUTES`` of any element blanked."""
    spans: list[tuple[int, int]] = []
    position = 0
    while (start := _TAG_START.search(html, position)) is not None:
        rest = _TAG_REST.match(html, start.end())
        assert rest is not None  # every part of the pattern may be empty
        end = rest.end()
        if end - start.end() >= 2 * MAX_ATTRIBUTES:  # too short to hold that many: not counted
            for n, attribute in enumerate(_ATTRIBUTE.finditer(html, start.end(), end)):
                if n == MAX_ATTRIBUTES:
                    spans.append((attribute.start(), end - (html[end - 1] == ">")))
                    break
        if end == len(html):
            break  # a tag that never closes runs to the end of the text
        position = end
    if not spans:
        return html, []
    warning = Issue("parse", "warning", f"an element has more than {MAX_ATTRIBUTES} attributes; "
                    "those past it were not read")
    return _blanked(html, spans), [warning]


def _blanked(html: str, spans: list[tuple[int, int]]) -> str:
    """``html`` with each span written over by spaces, its line breaks kept."""
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(html[position:start])
        parts.append(re.sub(r"[^\n]", " ", html[start:end]))
        position = end
    parts.append(html[position:])
    return "".join(parts)
