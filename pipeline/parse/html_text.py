"""An HTML element's content as the Markdown inline text every parser hands on, and its lines.

Inline elements become the inline syntax of the one grammar (``pipeline/inline.py``):
``<strong>`` gives ``**x**``, ``<em>`` ``*x*``, ``<a href>`` ``[x](href)``; ``<sup>``
and ``<sub>`` stay ``<sup>x</sup>`` and ``<sub>x</sub>`` for the grammar to read
(a citation, or a power and a subscript in Unicode's characters: IC<sub>50</sub>
reads IC₅₀, as pandoc writes it in text). What no reader of the page sees (scripts,
the page's own header and footer, hidden elements, cookie banners) is ignored.
Line numbers are the source lines the HTML5 parser reports for each element.
"""

from __future__ import annotations

import re

from bs4.element import Comment, Doctype, NavigableString, ProcessingInstruction, Tag

from pipeline.citation_rule import markers_only

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


def inline(tag: Tag) -> str:
    """An element's content as Markdown inline text; whitespace runs folded, blank lines gone."""
    return fold("".join(inline_node(child) for child in tag.children))


def inline_node(node: object) -> str:
    if isinstance(node, Comment | Doctype | ProcessingInstruction):
        return ""
    if isinstance(node, NavigableString):
        # As in a browser, a line break in the page source is a space; <br> breaks a line.
        return _WHITESPACE.sub(" ", str(node)).replace("*", "\\*")
    if not isinstance(node, Tag) or ignored(node):
        return ""
    name = node.name
    if name in NOT_INLINE:
        return " "
    if name == "br":
        return "\n"
    content = "".join(inline_node(c) for c in node.children)
    if not content.strip():
        return content
    if name in ("strong", "b"):
        return _wrap(content, "**")
    if name in ("em", "i"):
        return _wrap(content, "*")
    if name == "code":
        return f"`{content}`"
    if name in ("sup", "sub"):  # a citation or a power: the inline grammar tells them apart
        return f"<{name}>{content.strip()}</{name}>"
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


def fold(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _wrap(content: str, mark: str) -> str:
    """Emphasis around the content, keeping its outer spaces outside the marks."""
    stripped = content.strip()
    lead = content[: len(content) - len(content.lstrip())]
    trail = content[len(content.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def ignored(node: object) -> bool:
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


def source_line(node: object) -> int:
    line = getattr(node, "sourceline", None)
    if line is None and isinstance(node, NavigableString) and node.parent is not None:
        line = node.parent.sourceline
    return int(line) if line else 1


def last_line(tag: Tag) -> int:
    """The last source line of ``tag`` and all it holds; worked out once per element (a
    list item's is asked for at every depth of a nested list)."""
    memo = tag.__dict__  # not getattr: a Tag looks an unknown name up as a child element
    if "_last_line" not in memo:
        memo["_last_line"] = max([source_line(tag), *(last_line(child) for child in tag.children
                                                      if isinstance(child, Tag))])
    return int(memo["_last_line"])
