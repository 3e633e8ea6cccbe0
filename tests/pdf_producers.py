"""A guide's HTML page printed to PDF by two independent, real producers.

``chromium_pdf`` prints the page with Debian's headless Chromium, as a person printing it
from the browser gets it: Chromium's own print header and footer are kept (date, title, URL,
page numbers "1/8"), they are the running header and footer a real PDF of a page has.

``page_style`` gives the page another layout before Chromium prints it, as other sites and
print settings do: another paper size, face, font size and line height, on a page without a
doctype (so laid out in quirks mode, where tables keep the browser's default font size, as
many vendors' pages are). ``PAGE_STYLES`` names the ones the test prints.

``reportlab_pdf`` lays the same page out again with ReportLab Platypus, the way a person
building a PDF from the page would: headings, paragraphs, bullet and numbered lists with a
hanging indent, tables ruled by a grid with their header row repeated on each page and long
cells wrapped inside their column, preformatted text, quotes and rules; every page carries a
running header and a footer with the document's title and "Page N". Nothing else of the
page's text is dropped: an element without a rule of its own is kept as its text. The PDF
is deterministic (no timestamp, no random document id) for the same HTML.

The test that reads these PDFs checks that a PDF of a guide gives the same facts as the
guide itself.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import itertools
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

# ReportLab ships no type information; its calls are wrapped here. The ignores hold whether or not
# the project's mypy config lists reportlab among the untyped modules.
from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    HRFlowable,
    ListFlowable,
    ListItem,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

__all__ = ["CHROMIUM", "CHROMIUM_TIMEOUT", "PAGE_STYLES", "PdfProducerError", "chromium_pdf", "page_style",
           "reportlab_pdf"]

CHROMIUM: str | None = shutil.which("chromium")
CHROMIUM_TIMEOUT = 60.0  # seconds for one page


class PdfProducerError(RuntimeError):
    """A producer did not write a PDF."""


# --- Chromium ------------------------------------------------------------------------------------


def chromium_pdf(html: str, workdir: pathlib.Path, *, name: str = "page",
                 timeout: float = CHROMIUM_TIMEOUT) -> bytes:
    """The page ``html`` printed by headless Chromium, default print header and footer kept.

    The page is written to ``workdir/<name>.html`` (UTF-8, with a byte order mark so that
    Chromium reads it as UTF-8 whatever the page declares or lacks) and printed to
    ``workdir/<name>.pdf`` with a fresh, throw-away profile. Raises PdfProducerError if
    Chromium is absent, does not finish within ``timeout`` seconds, or writes no PDF.
    """
    if CHROMIUM is None:
        raise PdfProducerError("Chromium is not installed: no `chromium` on PATH")
    workdir.mkdir(parents=True, exist_ok=True)
    page = (workdir / f"{name}.html").resolve()
    out = (workdir / f"{name}.pdf").resolve()
    page.write_bytes(codecs.BOM_UTF8 + html.encode("utf-8"))
    out.unlink(missing_ok=True)
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", f"--print-to-pdf={out}", page.as_uri(),
    ]
    try:
        # Its own session, so that on a timeout the browser's helper processes go with it.
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, cwd=workdir, start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfProducerError(f"Chromium did not print {page} within {timeout:g} s") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out.read_bytes() if out.is_file() else b""
    if not pdf.startswith(b"%PDF-"):
        tail = "\n".join(stderr.decode("utf-8", "replace").strip().splitlines()[-15:])
        problem = "wrote no PDF" if not pdf else f"wrote {len(pdf)} bytes that are not a PDF"
        said = f":\n{tail}" if tail else ", nothing on stderr"
        raise PdfProducerError(f"Chromium {problem} at {out} (exit status {process.returncode}){said}")
    return pdf


# Page styles: A5 in a serif face at 9 pt (tables, in quirks mode, stay at 12 pt with their own
# tighter line height); US Letter landscape at 12 pt with loose 1.6 body lines; a narrow column
# set in from the left, whose tables wrap their cells over many lines.
PAGE_STYLES = {
    "a5-serif": "@page { size: A5; margin: 12mm } "
                "body { font-family: 'Liberation Serif', serif; font-size: 9pt }",
    "letter-landscape": "@page { size: letter landscape; margin: 0.5in } "
                        "body { font-family: 'DejaVu Sans', sans-serif; font-size: 12pt; line-height: 1.6 }",
    "narrow-column": "body { max-width: 11cm; margin-left: 3cm; "
                     "font-family: 'Liberation Sans', sans-serif; font-size: 10.5pt }",
}


def page_style(html: str, css: str) -> str:
    """``html`` without its doctype and with ``css`` as its first style sheet."""
    return f"<style>{css}</style>\n" + re.sub(r"(?i)^\s*<!doctype[^>]*>", "", html, count=1)


# --- ReportLab -----------------------------------------------------------------------------------

PAGE_SIZE: tuple[float, float] = A4
MARGIN = 20 * mm
BODY_SIZE = 10.0
CELL_SIZE = 9.0
CODE_SIZE = 8.5
HEADING_SIZES = {1: 18.0, 2: 15.0, 3: 13.0, 4: 11.5, 5: 10.5, 6: 10.0}
LIST_INDENT = 18.0
QUOTE_INDENT = 24.0
CELL_PADDING = 4.0
FRAME_PADDING = 6.0  # SimpleDocTemplate's frame keeps 6 pt inside the margins on each side

# DejaVu covers the guides' Unicode (Greek, en dash, minus, subscripts, arrows); ReportLab's own
# Vera is the fallback. ReportLab writes a character its TrueType font has no glyph for as the
# empty glyph, its text lost: those characters go to CJK_FONT (see _Fonts.markup).
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")
_DEJAVU = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf",
           "boldItalic": "DejaVuSans-BoldOblique.ttf"}
_DEJAVU_MONO = {"regular": "DejaVuSansMono.ttf", "bold": "DejaVuSansMono-Bold.ttf",
                "italic": "DejaVuSansMono-Oblique.ttf", "boldItalic": "DejaVuSansMono-BoldOblique.ttf"}
# ReportLab's own CID font for Chinese and Japanese text (not embedded: a viewer draws it with a
# font of its own; its text is in the PDF either way).
CJK_FONT = "STSong-Light"
_VERA = {"regular": "Vera.ttf", "bold": "VeraBd.ttf", "italic": "VeraIt.ttf", "boldItalic": "VeraBI.ttf"}

_SKIPPED = frozenset({"head", "title", "meta", "link", "base", "script", "style", "template", "noscript",
                      "iframe", "object", "embed", "audio", "video", "canvas", "img", "picture", "source",
                      "track", "map", "area", "input", "select", "textarea", "datalist", "svg", "math"})
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
                     "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
                     "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
                     "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "search", "section",
                     "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp"})
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em", "cite", "dfn", "var"})
_MONO = frozenset({"code", "kbd", "samp", "tt"})
_ALIGN = re.compile(r"text-align\s*:\s*(left|right|center)", re.I)
_TAG = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"(?:\s*<br/>\s*)+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Fonts:
    sans: str
    bold: str
    mono: str
    glyphs: frozenset[int] = frozenset()  # the characters `sans` has glyphs for; empty: not known

    def markup(self, text: str) -> str:
        """``text`` escaped for a Paragraph, runs that ``sans`` has no glyph for set in the CJK
        font (a character without a glyph would leave no text in the PDF)."""
        if not self.glyphs:
            return escape(text)
        out: list[str] = []
        for has_glyph, run in itertools.groupby(text, lambda ch: ord(ch) in self.glyphs or ch.isspace()):
            chunk = escape("".join(run))
            out.append(chunk if has_glyph else f'<font name="{CJK_FONT}">{chunk}</font>')
        return "".join(out)


@cache
def _fonts() -> _Fonts:
    """Register the families once: `<b>`/`<i>` in a Paragraph pick the family's faces."""

    def find(files: dict[str, str], dirs: tuple[str, ...]) -> dict[str, str] | None:
        for folder in dirs:
            paths = {face: os.path.join(folder, file) for face, file in files.items()}
            if all(os.path.isfile(path) for path in paths.values()):
                return paths
        return None

    vera_dir = os.path.join(os.path.dirname(pdfmetrics.__file__), "..", "fonts")
    sans = find(_DEJAVU, _FONT_DIRS) or find(_VERA, (vera_dir,))
    mono = find(_DEJAVU_MONO, _FONT_DIRS) or sans
    if sans is None or mono is None:  # pragma: no cover - ReportLab always ships Vera
        return _Fonts("Helvetica", "Helvetica-Bold", "Courier")
    for family, paths in (("GuideSans", sans), ("GuideMono", mono)):
        faces = {"regular": family, "bold": f"{family}-Bold", "italic": f"{family}-Italic",
                 "boldItalic": f"{family}-BoldItalic"}
        for face, font_name in faces.items():
            pdfmetrics.registerFont(TTFont(font_name, paths[face]))
        pdfmetrics.registerFontFamily(family, normal=faces["regular"], bold=faces["bold"],
                                      italic=faces["italic"], boldItalic=faces["boldItalic"])
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    pdfmetrics.registerFontFamily(CJK_FONT, normal=CJK_FONT, bold=CJK_FONT, italic=CJK_FONT,
                                  boldItalic=CJK_FONT)
    glyphs = frozenset(pdfmetrics.getFont("GuideSans").face.charToGlyph)
    return _Fonts("GuideSans", "GuideSans-Bold", "GuideMono", glyphs)


@dataclass
class _Styles:
    fonts: _Fonts
    made: dict[tuple[str, str], Any] = field(default_factory=dict)

    def get(self, kind: str, align: str = "left") -> Any:
        """The ParagraphStyle for a kind of block: body, h1..h6, cell, th, code, caption."""
        key = (kind, align)
        if key not in self.made:
            self.made[key] = self._make(kind, align)
        return self.made[key]

    def _make(self, kind: str, align: str) -> Any:
        style = self._base(kind, align)
        # A URL too long for its line breaks after a slash rather than anywhere (splitLongWords,
        # which still cuts any other word wider than the line). Not embeddedHyphenation: in a
        # paragraph with inline markup ReportLab 5.1 then drops the hyphen of a word it moves
        # whole to the next line ("inverse-electron-demand" drawn "inverseelectron-demand").
        style.uriWasteReduce = 0.3
        return style

    def _base(self, kind: str, align: str) -> Any:
        f = self.fonts
        alignment = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}[align]
        if kind.startswith("h") and kind[1:].isdigit():
            size = HEADING_SIZES[int(kind[1:])]
            return ParagraphStyle(kind, fontName=f.bold, fontSize=size, leading=size * 1.25,
                                  spaceBefore=size * 0.7, spaceAfter=size * 0.35, keepWithNext=1,
                                  alignment=alignment)
        if kind in ("cell", "th"):
            return ParagraphStyle(kind, fontName=f.bold if kind == "th" else f.sans, fontSize=CELL_SIZE,
                                  leading=CELL_SIZE * 1.25, alignment=alignment)
        if kind == "code":
            return ParagraphStyle(kind, fontName=f.mono, fontSize=CODE_SIZE, leading=CODE_SIZE * 1.3,
                                  spaceBefore=3, spaceAfter=6)
        if kind == "caption":
            return ParagraphStyle(kind, fontName=f.bold, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3,
                                  spaceBefore=4, spaceAfter=3, keepWithNext=1)
        return ParagraphStyle(kind, fontName=f.sans, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3,
                              spaceAfter=BODY_SIZE * 0.6, alignment=alignment)


def _plain(markup: str) -> str:
    """The text a piece of Paragraph markup shows (entities left escaped)."""
    return _TAG.sub(" ", markup)


def _tidy(markup: str) -> str:
    """Runs of line breaks as one, none at either end."""
    return _BREAKS.sub("<br/>", markup.strip()).removeprefix("<br/>").removesuffix("<br/>").strip()


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def _align(tag: Tag) -> str:
    match = _ALIGN.search(str(tag.get("style") or ""))
    if match:
        return match.group(1).lower()
    align = str(tag.get("align") or "").lower()
    return align if align in ("left", "right", "center") else "left"


def _paragraph(markup: str, style: Any, **kwds: Any) -> Any:
    try:
        return Paragraph(markup, style, **kwds)
    except ValueError:  # markup ReportLab's parser refuses: keep the text
        return Paragraph(escape(_SPACE.sub(" ", _plain(markup)).strip()), style, **kwds)


class _Builder:
    """Turns the page's DOM into Platypus flowables, in document order."""

    def __init__(self, styles: _Styles, width: float) -> None:
        self.styles = styles
        self.width = width  # the frame's width
        self.indent = 0.0  # of the current block (lists, quotes), taken off a table's width
        self._block_memo: dict[int, bool] = {}

    # Block level.

    def is_block(self, tag: Tag) -> bool:
        """A block element, or an inline one wrapping blocks (`<a><p>..</p></a>`)."""
        if tag.name in _BLOCKS:
            return True
        key = id(tag)
        if key not in self._block_memo:
            self._block_memo[key] = any(
                isinstance(d, Tag) and d.name in _BLOCKS for d in tag.descendants)
        return self._block_memo[key]

    def container(self, tag: Tag, kind: str = "body") -> list[Any]:
        """A block's children: runs of inline content as Paragraphs of ``kind``, blocks as theirs."""
        flowables: list[Any] = []
        run: list[str] = []
        align = _align(tag)

        def flush() -> None:
            markup = _tidy("".join(run))
            run.clear()
            if _plain(markup).strip():
                flowables.append(_paragraph(markup, self.styles.get(kind, align)))

        for child in tag.children:
            if isinstance(child, PreformattedString):  # comments, doctype, CDATA, processing instructions
                continue
            if isinstance(child, NavigableString):
                run.append(self.styles.fonts.markup(str(child)))
            elif isinstance(child, Tag) and not _skipped(child):
                if self.is_block(child):
                    flush()
                    flowables.extend(self.block(child))
                else:
                    run.append(self.inline(child))
        flush()
        return flowables

    def block(self, tag: Tag) -> list[Any]:
        name = tag.name
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return self.container(tag, name)
        if name in ("ul", "ol", "menu", "dir"):
            return self.listing(tag)
        if name == "table":
            return self.table(tag)
        if name in ("pre", "listing", "xmp"):
            return self.preformatted(tag)
        if name == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=colors.grey, spaceBefore=4, spaceAfter=6)]
        if name in ("blockquote", "dd", "figure"):
            return self.indented(tag, QUOTE_INDENT)
        if name in ("dt", "caption", "legend", "summary"):
            return self.container(tag, "caption")
        return self.container(tag)

    def indented(self, tag: Tag, by: float) -> list[Any]:
        self.indent += by
        try:
            inner = self.container(tag)
        finally:
            self.indent -= by
        # A list without bullets: unlike an Indenter, it indents inside a list item too.
        return [ListFlowable([ListItem(inner)], bulletType="bullet", start="", leftIndent=by,
                             bulletFontName=self.styles.fonts.sans)] if inner else []

    def listing(self, tag: Tag) -> list[Any]:
        ordered = tag.name == "ol"
        items: list[Any] = []
        self.indent += LIST_INDENT
        try:
            for child in tag.children:
                if isinstance(child, Tag) and child.name == "li":
                    content = self.container(child)
                    value = _int(child.get("value"), 0)
                    kwds = {"value": value} if ordered and value > 0 else {}
                    items.append(ListItem(content or [Spacer(0, BODY_SIZE * 1.3)], **kwds))
                elif isinstance(child, Tag) and not _skipped(child):  # a stray block or text in a list
                    items.extend(self.container(child) if self.is_block(child) else
                                 self._loose(self.inline(child)))
                elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
                    items.extend(self._loose(self.styles.fonts.markup(str(child))))
        finally:
            self.indent -= LIST_INDENT
        if not items:
            return []
        fonts = self.styles.fonts
        common = {"leftIndent": LIST_INDENT, "bulletFontName": fonts.sans, "bulletFontSize": BODY_SIZE,
                  "spaceAfter": BODY_SIZE * 0.4}
        if ordered:
            kind = str(tag.get("type") or "1")
            return [ListFlowable(items, bulletType=kind if kind in ("1", "a", "A", "i", "I") else "1",
                                 start=_int(tag.get("start"), 1), bulletFormat="%s.", **common)]
        return [ListFlowable(items, bulletType="bullet", start="•", **common)]

    def _loose(self, markup: str) -> list[Any]:
        markup = _tidy(markup)
        return [_paragraph(markup, self.styles.get("body"))] if _plain(markup).strip() else []

    def preformatted(self, tag: Tag) -> list[Any]:
        text = tag.get_text()
        if not text.strip():
            return []
        style = self.styles.get("code")
        advance = pdfmetrics.stringWidth("M", style.fontName, style.fontSize)  # a monospaced font
        per_line = max(20, int((self.width - self.indent) / advance))
        return [Preformatted(text.strip("\n"), style, maxLineLength=per_line, splitChars=" ,;/-",
                             newLineChars="")]

    def table(self, tag: Tag) -> list[Any]:
        before: list[Any] = []
        head: list[Tag] = []
        body: list[Tag] = []
        for child in tag.children:
            if not isinstance(child, Tag):
                continue
            if child.name == "caption":
                before.extend(self.container(child, "caption"))
            elif child.name == "thead":
                head.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
            elif child.name in ("tbody", "tfoot"):
                body.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
            elif child.name == "tr":
                body.append(child)
        rows = head + body
        header_rows = len(head)
        if not header_rows:  # no thead: leading rows of header cells are the header
            for tr in rows:
                row = [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]
                if not row or any(c.name != "th" for c in row):
                    break
                header_rows += 1
        cells, spans, columns = self._grid(rows)
        if not cells or not columns:
            return before
        data: list[list[Any]] = [["" for _ in range(columns)] for _ in rows]
        natural = [0.0] * columns  # the width a column's longest cell needs on one line
        narrowest = [0.0] * columns  # the width its longest word needs
        for (r, c), (cell, colspan) in cells.items():
            kind = "th" if cell.name == "th" or r < header_rows else "cell"
            markup = _tidy(self.inline_content(cell))
            style = self.styles.get(kind, _align(cell))
            data[r][c] = _paragraph(markup, style)
            if colspan == 1:
                text = _SPACE.sub(" ", _plain(markup)).strip()
                pad = 2 * CELL_PADDING + 1
                natural[c] = max(natural[c], _width(text, style) + pad)
                words = text.split(" ") or [""]
                narrowest[c] = max(narrowest[c], max(_width(w, style) for w in words) + pad)
        widths = _column_widths(natural, narrowest, self.width - self.indent)
        last = header_rows - 1
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *spans,
        ]
        if header_rows:
            commands.append(("BACKGROUND", (0, 0), (-1, last), colors.HexColor("#eeeeee")))
        repeat = header_rows if header_rows < len(rows) else 0
        table = Table(data, colWidths=widths, repeatRows=repeat, hAlign="LEFT", splitInRow=1,
                      style=TableStyle(commands), spaceBefore=4, spaceAfter=8)
        return [*before, table]

    @staticmethod
    def _grid(rows: list[Tag]) -> tuple[dict[tuple[int, int], tuple[Tag, int]], list[tuple[Any, ...]], int]:
        """Each cell at its (row, column) as a browser places it, with its colspan; the SPAN
        commands; the number of columns."""
        cells: dict[tuple[int, int], tuple[Tag, int]] = {}
        taken: set[tuple[int, int]] = set()
        spans: list[tuple[Any, ...]] = []
        columns = 0
        for r, tr in enumerate(rows):
            c = 0
            for cell in tr.children:
                if not isinstance(cell, Tag) or cell.name not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                colspan = min(max(1, _int(cell.get("colspan"), 1)), 1000)
                rowspan = min(max(1, _int(cell.get("rowspan"), 1)), len(rows) - r)
                cells[(r, c)] = (cell, colspan)
                taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
                if colspan > 1 or rowspan > 1:
                    spans.append(("SPAN", (c, r), (c + colspan - 1, r + rowspan - 1)))
                c += colspan
                columns = max(columns, c)
        return cells, spans, columns

    # Inline level: ReportLab's Paragraph mini-markup.

    def inline_content(self, tag: Tag) -> str:
        parts: list[str] = []
        for child in tag.children:
            if isinstance(child, PreformattedString):
                continue
            if isinstance(child, NavigableString):
                parts.append(self.styles.fonts.markup(str(child)))
            elif isinstance(child, Tag) and not _skipped(child):
                parts.append(self.inline(child))
        return "".join(parts)

    def inline(self, tag: Tag) -> str:
        name = tag.name
        if name == "br":
            return "<br/>"
        inner = self.inline_content(tag)
        if name == "li":  # a list flattened into a cell
            parent = tag.parent
            if parent is not None and parent.name == "ol":
                number = 1 + sum(1 for s in tag.find_previous_siblings("li"))
                return f"<br/>{number}. {inner}<br/>"
            return f"<br/>• {inner}<br/>"
        if name in _BLOCKS:  # a block flattened into a cell: its own line(s)
            separator = " " if name in ("td", "th") else "<br/>"
            return f"{separator}{inner}{separator}"
        if not _plain(inner).strip():
            return inner
        if name in _BOLD:
            return f"<b>{inner}</b>"
        if name in _ITALIC:
            return f"<i>{inner}</i>"
        if name in _MONO:
            return f'<font face="{self.styles.fonts.mono}">{inner}</font>'
        if name == "sup":  # raised and smaller, as a browser sets it
            return f"<super>{inner}</super>"
        if name == "sub":
            return f"<sub>{inner}</sub>"
        return inner  # a, span, abbr, mark, small, ...: the text as it reads


def _skipped(tag: Tag) -> bool:
    return tag.name in _SKIPPED or tag.has_attr("hidden")


def _width(text: str, style: Any) -> float:
    return float(pdfmetrics.stringWidth(text, style.fontName, style.fontSize))


def _column_widths(natural: list[float], narrowest: list[float], available: float) -> list[float]:
    """Column widths as a browser's automatic table layout shares them: each column's content on
    one line if it all fits, else each at least its longest word and the rest shared in
    proportion to what the columns lack; if even the words do not fit, shared in proportion."""
    natural = [max(n, w, 12.0) for n, w in zip(natural, narrowest, strict=True)]
    narrowest = [max(w, 12.0) for w in narrowest]
    if sum(natural) <= available:
        return natural
    if sum(narrowest) >= available:
        return [available * w / sum(narrowest) for w in narrowest]
    lacking = [n - w for n, w in zip(natural, narrowest, strict=True)]
    share = (available - sum(narrowest)) / sum(lacking)
    return [w + lack * share for w, lack in zip(narrowest, lacking, strict=True)]


def _title(soup: BeautifulSoup) -> str:
    """The page's title: its <title>, else its first h1, else its first heading or line of text."""
    candidates: list[Tag | None] = [soup.find("title"), soup.find("h1"),
                                    soup.find(["h2", "h3", "h4", "h5", "h6"])]
    for tag in candidates:
        if tag is not None:
            text = _SPACE.sub(" ", tag.get_text()).strip()
            if text:
                return text
    body = soup.body or soup
    for string in body.find_all(string=True):
        if isinstance(string, PreformattedString) or any(p.name in _SKIPPED for p in string.parents):
            continue
        text = _SPACE.sub(" ", str(string)).strip()
        if len(text) > 100:  # a paragraph, not a title line: its first words
            text = text[:100].rsplit(" ", 1)[0] + " …"
        if text:
            return text
    return ""


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _page_decoration(title: str, fonts: _Fonts) -> Callable[[Any, Any], None]:
    """Draws the running header (the title over a rule) and footer (title left, "Page N" right)."""

    def decorate(canvas: Any, doc: Any) -> None:
        width, height = doc.pagesize
        left, right = doc.leftMargin + FRAME_PADDING, width - doc.rightMargin - FRAME_PADDING
        canvas.saveState()
        canvas.setFont(fonts.sans, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setLineWidth(0.4)
        top = height - MARGIN * 0.55
        canvas.drawString(left, top, _fit(title, fonts.sans, 8, right - left))
        canvas.line(left, top - 3, right, top - 3)
        bottom = MARGIN * 0.45
        number = f"Page {doc.page}"
        canvas.line(left, bottom + 10, right, bottom + 10)
        canvas.drawRightString(right, bottom, number)
        room = right - left - pdfmetrics.stringWidth(number, fonts.sans, 8) - 12
        canvas.drawString(left, bottom, _fit(title, fonts.sans, 8, room))
        canvas.restoreState()

    return decorate


def reportlab_pdf(html: str) -> bytes:
    """The page ``html`` laid out again by ReportLab Platypus on A4, deterministic for the same html."""
    fonts = _fonts()
    soup = BeautifulSoup(html, "html5lib")
    title = _title(soup)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN, title=title, author="",
                            subject="", creator="tests/pdf_producers.py (ReportLab Platypus)",
                            invariant=1)
    builder = _Builder(_Styles(fonts), doc.width - 2 * FRAME_PADDING)
    root = soup.body or soup
    story = builder.container(root)
    if not story:  # an empty page still gives a PDF, with its header and footer
        story = [Spacer(0, BODY_SIZE)]
    decorate = _page_decoration(title, fonts)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
