"""The cost of an HTML tree, bounded before the tree is built.

The HTML5 tree-construction algorithm is linear for the pages the family writes,
but not for every page: tens of thousands of nested elements, an element with
tens of thousands of attributes, or formatting elements left open before many
paragraphs (the algorithm reopens every one of them in each paragraph) cost
quadratic time and memory. So before parsing, one linear scan of the tags (each
``<`` to its ``>``, raw-text elements and comments skipped) measures the three,
and:

- a page nesting more than ``MAX_DEPTH`` elements deep is refused (no guide
  nests so; a tree that deep is an attack or a broken generator);
- attributes of an element past ``MAX_ATTRIBUTES`` are blanked, with a warning;
- formatting start tags left open past ``MAX_OPEN_FORMATTING`` are blanked,
  with a warning: they only style text, and the text stays.

Blanking writes spaces over the markup and keeps its line breaks, so every line
number the parser gives is still the source's. The scan over-counts where the
algorithm closes elements on its own, never under-counts: a formatting element
counts as open until its end tag (the algorithm also forgets one at the end of a
table cell), a ``<div/>`` is open (its slash means nothing outside SVG and
MathML). So a page it passes costs the parser at most those bounds.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.errors import DocumentError, Issue

MAX_DEPTH = 256  # elements inside each other; pages nest 20-60 deep
MAX_ATTRIBUTES = 256  # on one element; pages write under 20
MAX_OPEN_FORMATTING = 16  # <b>, <font>... open at once; each is reopened in every paragraph

# Elements without content, and those whose end tag the algorithm implies where the next
# sibling starts (a <p>, <li> or <td> never closed does not nest the next one inside it).
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame"})
_IMPLIED_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
                          "option", "optgroup", "rb", "rt", "rp", "rtc", "colgroup", "caption",
                          "html", "head", "body"})
_FORMATTING = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small",
                         "strike", "strong", "tt", "u"})
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                       "noframes", "plaintext"})
_FOREIGN = frozenset({"svg", "math"})  # inside them "<path/>" closes itself, as in XML
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_RAW_TEXT_END = {name: re.compile(rf"</{name}[\s/>]", re.I) for name in _RAW_TEXT}
_ATTRIBUTE = re.compile(r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")


def bounded(html: str) -> tuple[str, list[Issue]]:
    """``html`` with what would make its tree cost more than linear blanked, and the warnings
    for it; a DocumentError when it nests deeper than ``MAX_DEPTH``."""
    scan = _Scan(html)
    scan.run()
    return scan.result()


class _Scan:
    """One pass over the tags: the open elements, the open formatting elements, and the spans
    of markup to blank."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.stack: list[str] = []
        self.open: Counter[str] = Counter()
        self.formatting: Counter[str] = Counter()
        self.blank: list[tuple[int, int]] = []
        self.attributes = 0  # the most attributes one element had
        self.dropped_formatting = 0

    def run(self) -> None:
        html, position = self.html, 0
        while (start := html.find("<", position)) >= 0:
            if html.startswith("<!--", start):
                end = html.find("-->", start + 4)
                position = len(html) if end < 0 else end + 3
                continue
            end = html.find(">", start + 1)
            if end < 0:
                return  # no tag can close after here
            tag = _TAG.match(html, start, end)
            position = end + 1
            if tag is None:
                continue  # "<!doctype>", "<?xml>", a "<" in text
            name = tag[2].lower()
            if tag[1]:
                self._close(name)
            else:
                position = self._open(name, tag.end(), end)

    def _open(self, name: str, after_name: int, end: int) -> int:
        """Record a start tag; the position to scan on from."""
        self._count_attributes(after_name, end)
        if name in _RAW_TEXT:  # its content is text, not tags
            close = _RAW_TEXT_END[name].search(self.html, end + 1)
            return len(self.html) if close is None else close.start()
        if name in _FORMATTING:
            if sum(self.formatting.values()) >= MAX_OPEN_FORMATTING:
                self.blank.append((after_name - len(name) - 1, end + 1))
                self.dropped_formatting += 1
                return end + 1
            self.formatting[name] += 1
        if name in _VOID or name in _IMPLIED_END or (self.html[end - 1] == "/" and self._foreign()):
            return end + 1
        self.stack.append(name)
        self.open[name] += 1
        if len(self.stack) > MAX_DEPTH:
            raise DocumentError(Issue(
                "parse", "error", f"the markup nests elements more than {MAX_DEPTH} deep "
                "(a page nests a few dozen); it was not read"))
        return end + 1

    def _foreign(self) -> bool:
        return any(self.open[name] for name in _FOREIGN)

    def _close(self, name: str) -> None:
        if self.formatting[name]:
            self.formatting[name] -= 1
        if not self.open[name]:
            return  # a stray end tag: the algorithm ignores it
        while self.stack:  # the end tag closes every element opened inside it
            top = self.stack.pop()
            self.open[top] -= 1
            if top == name:
                return

    def _count_attributes(self, start: int, end: int) -> None:
        if end - start < MAX_ATTRIBUTES * 2:  # too short to hold that many: nothing to count
            return
        for n, attribute in enumerate(_ATTRIBUTE.finditer(self.html, start, end)):
            if n == MAX_ATTRIBUTES:
                self.blank.append((attribute.start(), end))
                self.attributes = max(self.attributes, n + 1)
                return

    def result(self) -> tuple[str, list[Issue]]:
        issues: list[Issue] = []
        if self.attributes:
            issues.append(Issue("parse", "warning", f"an element has more than {MAX_ATTRIBUTES} "
                                "attributes; those past it were not read"))
        if self.dropped_formatting:
            issues.append(Issue("parse", "warning", "the page leaves more than "
                                f"{MAX_OPEN_FORMATTING} formatting tags (<b>, <font>...) open at "
                                f"once; {self.dropped_formatting} past that were not read (their "
                                "text was)"))
        if not self.blank:
            return self.html, issues
        return _blanked(self.html, self.blank), issues


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
