"""The same guide in the layouts people and tools save it in, rendered by real tools.

Each rendering takes a guide's source text and returns the text and the file
suffix it would be saved under. Text transforms (compact, hard-wrapped, `#`
markers removed, tab-separated tables) work on the source text itself; the
converters (pandoc, html2text, markdownify) read the guide's HTML: an HTML
source as it is, any other rendered by markdown-it-py (each line of a text
dump its own block, as a person would hand it to a Markdown renderer; a
Markdown file or a hard-wrapped text as CommonMark reads it, line breaks
inside a paragraph soft). Nothing here reads the pipeline's own blocks.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any

import html2text
import markdownify
import pypandoc
import yaml
from markdown_it import MarkdownIt

WRAPPED_WIDTH = 100  # the widest wrapping the renderings use
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_ATX_MARKER = re.compile(r"^#{1,6}\s+", re.M)
_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
_HANGING = re.compile(r"^(\s*(?:[-*•] |\d+[.)] )?)")


def split_front_matter(text: str) -> tuple[str, str]:
    match = _FRONT_MATTER.match(text)
    return (match.group(0), text[match.end():]) if match else ("", text)


def is_table_row(line: str) -> bool:
    return line.strip().startswith("|") or len(_PIPE.findall(line)) >= 2


def compact(text: str) -> str:
    """Every block on its own line, no blank lines (what most web-to-text dumps give)."""
    return "\n".join(line for line in text.split("\n") if line.strip()) + "\n"


def wrapped(width: int) -> Callable[[str], str]:
    """Hard-wrapped at ``width`` as textwrap does it; table rows, headings and rules stay whole."""

    def render(text: str) -> str:
        front, body = split_front_matter(text)
        out: list[str] = []
        for line in body.split("\n"):
            if len(line) <= width or is_table_row(line) or line.startswith(("#", "---")):
                out.append(line)
                continue
            indent = " " * len(_HANGING.match(line).group(1))  # type: ignore[union-attr]
            out.extend(textwrap.wrap(line, width, subsequent_indent=indent,
                                     break_long_words=False, break_on_hyphens=False))
        return front + "\n".join(out) + "\n"

    return render


def without_headings(text: str) -> str:
    """Markdown with its `#` markers removed, no front matter: a dump saved as .md."""
    return _ATX_MARKER.sub("", split_front_matter(text)[1])


def with_front_matter(fields: dict[str, Any]) -> Callable[[str], str]:
    """The same with a front-matter block carrying fields the guide itself states."""

    def render(text: str) -> str:
        block = yaml.safe_dump(fields, sort_keys=True, allow_unicode=True, width=10**6)
        return f"---\n{block}---\n\n" + without_headings(text)

    return render


def tab_separated(text: str) -> str:
    """Pipe tables as tab-separated rows (what copying a table from a browser gives)."""
    out: list[str] = []
    for line in text.split("\n"):
        if _DELIMITER_ROW.match(line):
            continue
        if is_table_row(line):
            cells = _PIPE.split(line.strip())
            if cells and not cells[0].strip():
                cells = cells[1:]
            if cells and not cells[-1].strip():
                cells = cells[:-1]
            out.append("\t".join(c.strip().replace("\\|", "|") for c in cells))
        else:
            out.append(line)
    return "\n".join(out)


def to_html(text: str, suffix: str) -> str:
    """The guide's HTML: an HTML source as it is, any other rendered by markdown-it-py."""
    if suffix in (".html", ".htm"):
        return text
    body = split_front_matter(text)[1]
    if _hard_wrapped(body) or suffix == ".md":  # a Markdown file, or wrapped: as CommonMark reads it
        return _markdown_it(body)
    return _markdown_it(_spaced(body), breaks=True)


def _markdown_it(text: str, *, html: bool = False, breaks: bool = False) -> str:
    """``text`` rendered by markdown-it-py (CommonMark and tables) as a whole page."""
    return _page(MarkdownIt("commonmark", {"html": html, "breaks": breaks}).enable("table").render(text))


def _page(body: str) -> str:
    return f"<!DOCTYPE html>\n<html>\n<body>\n{body}</body>\n</html>\n"


def _hard_wrapped(text: str) -> bool:
    """A text whose prose lines all fit in a terminal's width: it was wrapped, not written
    one block per line (a guide's paragraphs run to hundreds of characters)."""
    prose = [line for line in text.split("\n") if " " in line.strip() and not is_table_row(line)]
    return bool(prose) and max(len(line) for line in prose) <= WRAPPED_WIDTH


def _spaced(text: str) -> str:
    """A blank line between consecutive lines, table rows and list runs kept together: how a
    person would hand a compact dump to a Markdown renderer (otherwise CommonMark folds the
    lines after a list item into it, and a paragraph into the next)."""
    out: list[str] = []
    previous = ""
    for line in text.split("\n"):
        together = (is_table_row(line) and is_table_row(previous)) or (
            _HANGING.match(line).group(1).strip() and _HANGING.match(previous).group(1).strip())  # type: ignore[union-attr]
        if out and previous.strip() and line.strip() and not together:
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


def to_html_by_pandoc(text: str, suffix: str) -> str:
    """The guide's HTML as pandoc writes it: from its Markdown (a dump handed over as
    to_html does), or an HTML source read and written again."""
    if suffix in (".html", ".htm"):
        return _page(str(pypandoc.convert_text(text, "html", format="html")))
    body = split_front_matter(text)[1]
    source = body if _hard_wrapped(body) or suffix == ".md" else _spaced(body)
    return _page(str(pypandoc.convert_text(source, "html", format="gfm")))


def to_html_by_markdown_it(text: str, suffix: str) -> str:
    """The guide's HTML as markdown-it-py writes it; an HTML source through its GFM first."""
    if suffix in (".html", ".htm"):  # GFM keeps what it cannot write as raw HTML: render it
        return _markdown_it(pandoc("gfm")(text), html=True)
    return to_html(text, suffix)


def pandoc(fmt: str) -> Callable[[str], str]:
    def render(html: str) -> str:
        return str(pypandoc.convert_text(html, fmt, format="html"))

    return render


def html_to_text(html: str) -> str:
    return str(html2text.html2text(html))


def html_to_markdownify(html: str) -> str:
    return str(markdownify.markdownify(html))


# name -> (how the source text is rendered, the suffix the rendering is saved under or None
# for the source's own). Converters read the HTML; the others read the text.
TEXT_RENDERINGS: dict[str, tuple[Callable[[str], str], str | None]] = {
    "compact": (compact, None),
    "wrapped-72": (wrapped(72), None),
    "wrapped-100": (wrapped(100), None),
    "markdown-no-headings": (without_headings, ".md"),
    "tab-separated-tables": (tab_separated, None),
}
CONVERTERS: dict[str, tuple[Callable[[str], str], str]] = {
    "pandoc-plain": (pandoc("plain"), ".txt"),
    "pandoc-gfm": (pandoc("gfm"), ".md"),
    "html2text": (html_to_text, ".md"),
    "markdownify": (html_to_markdownify, ".md"),
}
# name -> how the guide becomes an HTML page, read by the pipeline as HTML.
HTML_RENDERINGS: dict[str, Callable[[str, str], str]] = {
    "html-pandoc": to_html_by_pandoc,
    "html-markdown-it": to_html_by_markdown_it,
}
RENDERINGS = sorted([*TEXT_RENDERINGS, "markdown-front-matter", *CONVERTERS, *HTML_RENDERINGS])


def render(name: str, text: str, suffix: str, fields: dict[str, Any]) -> tuple[str, str]:
    """The guide's text in rendering ``name`` and the suffix it is saved under.

    An HTML guide has no text layout of its own: the text renderings start from its
    pandoc GFM conversion, the Markdown a person saving the page would get.
    """
    if name in HTML_RENDERINGS:
        return HTML_RENDERINGS[name](text, suffix), ".html"
    if name in CONVERTERS:
        convert, converted_suffix = CONVERTERS[name]
        return convert(to_html(text, suffix)), converted_suffix
    if suffix in (".html", ".htm"):
        text, suffix = pandoc("gfm")(text), ".md"
    if name == "markdown-front-matter":
        return with_front_matter(fields)(text), ".md"
    transform, new_suffix = TEXT_RENDERINGS[name]
    return transform(text), new_suffix or suffix
