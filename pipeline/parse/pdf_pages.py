"""A PDF's text layer as positioned runs of words, page by page, read by PDFium.

PDFium (through pypdfium2) gives a page's characters in content order, with the
line breaks and word gaps it infers marked as generated characters, and each
character's box, baseline and font. This module groups a line's words into runs
(words set with space characters between them; a run ends where the producer left
a gap without a space character, two table cells or columns, or one no word space
is as wide as) and reads each run's two ends once, not every character's box, so
the cost stays near a bare text extraction. The runs are then put on lines, top
to bottom and left to right: one column of text a page (a two-column page reads
across). Horizontal ruling lines and drawn bullets are kept too. Everything a PDF
can do to stall or exhaust the reader is bounded here, before the expensive step.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Callable, Iterator

from pipeline.errors import DocumentError, Issue
from pipeline.parse.pdf_page_lines import numbered
from pipeline.parse.pdf_runs import (
    COLUMN_GAP_EM,
    SCRIPT_END,
    SCRIPT_SHIFT,
    SCRIPT_SIZE_STEP,
    Page,
    Run,
    script,
)

MAX_PAGES = 1000  # a guide runs to tens of pages; a page tree claiming more is refused unread
MAX_CHARS = 2_000_000  # characters in the whole text layer (a 5 MiB text guide has fewer)
MAX_PAGE_OBJECTS = 200_000  # drawing objects on one page (a text page has thousands): refused past it
WIDE_CHAR_EM = 0.75  # a run wider than this per character holds such a gap somewhere
RULE_THICKNESS = 3.0  # points: a path this flat and at least RULE_MIN_WIDTH long is a rule
RULE_MIN_WIDTH = 20.0
BULLET_MIN, BULLET_MAX = 1.0, 8.0  # points: a drawn list bullet's width and height
BOLD_WEIGHT = 600  # a font's weight from this on is bold (CSS and OpenType: semibold)
_FONT_NAME_BYTES = 128
_BOLD_NAME = re.compile(rb"bold|black|heavy|semibold|demi", re.I)  # "LiberationSerif-Bold"
_WORD = re.compile(r"[^\s\ufffe\x02]+[\ufffe\x02]?|[\ufffe\x02]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HAS_DIGIT = re.compile(r"\d")


def read_pages(data: bytes) -> list[Page]:
    """Every page of a PDF as runs; ``DocumentError`` for a PDF that cannot be read."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DocumentError(Issue("parse", "error", _open_error(exc))) from None
    try:
        count = len(document)
        if count > MAX_PAGES:
            raise DocumentError(Issue("parse", "error", f"the PDF has {count:,} pages, over the "
                                      f"{MAX_PAGES:,}-page limit for one guide; it was not read"))
        pages, chars = [], 0
        for index in range(count):
            page = _read_page(document, index, MAX_CHARS - chars)
            chars += sum(len(r.text) for r in page.runs)
            pages.append(page)
        if not any(p.runs for p in pages):
            raise DocumentError(Issue("parse", "error", "a scanned PDF: no text to read; OCR is not "
                                      "part of this pipeline"))
        return pages
    finally:
        document.close()


def _char(code: int) -> str:
    """A character index's text: one character for every index, so that positions line up."""
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _open_error(exc: Exception) -> str:
    import pypdfium2.raw as raw

    code = getattr(exc, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        return "the PDF is encrypted (it needs a password); decrypt it to read it"
    if code == raw.FPDF_ERR_SECURITY:
        return "the PDF uses a security handler PDFium does not support; it cannot be read"
    return "the PDF is damaged or truncated: PDFium cannot open it"


def _read_page(document: object, index: int, chars_left: int) -> Page:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    assert isinstance(document, pdfium.PdfDocument)
    try:
        page = document[index]
    except pdfium.PdfiumError:
        raise DocumentError(Issue("parse", "error", f"page {index + 1} of the PDF is damaged: "
                                  "PDFium cannot load it")) from None
    try:
        width, height = page.get_size()
        if raw.FPDFPage_CountObjects(page.raw) > MAX_PAGE_OBJECTS:
            raise DocumentError(Issue("parse", "error", f"page {index + 1} of the PDF draws over "
                                      f"{MAX_PAGE_OBJECTS:,} objects; it was not read"))
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count > chars_left:
                raise DocumentError(Issue("parse", "error", f"the PDF's text runs past {MAX_CHARS:,} "
                                          f"characters (at page {index + 1}); it was not read"))
            text = textpage.get_text_range(0, count) if count > 0 else ""
            if len(text) != count:  # a character beyond the 16-bit plane: one per index instead
                text = "".join(_char(raw.FPDFText_GetUnicode(textpage.raw, k)) for k in range(count))
            runs = list(_runs(textpage.raw, text, height))
        finally:
            textpage.close()
        rules, marks = _graphics(page, height)
    finally:
        page.close()
    return numbered(index + 1, width, height, runs, rules, marks)


_box = tuple(ctypes.c_double() for _ in range(4))
_origin = tuple(ctypes.c_double() for _ in range(2))


def _runs(textpage: object, text: str, height: float) -> Iterator[Run]:
    """The runs of a page's text, line by line (PDFium's lines), left to right."""
    import pypdfium2.raw as raw

    left, right, bottom, top = _box
    ox, oy = _origin
    matrix, name, flags = raw.FS_MATRIX(), ctypes.create_string_buffer(_FONT_NAME_BYTES), ctypes.c_int()
    get_box, get_origin = raw.FPDFText_GetCharBox, raw.FPDFText_GetCharOrigin
    get_size, get_weight, is_generated = raw.FPDFText_GetFontSize, raw.FPDFText_GetFontWeight, \
        raw.FPDFText_IsGenerated
    bold_fonts: dict[tuple[float, int], bool] = {}  # (font size, weight) -> whether its font is bold

    def size_of(index: int) -> float:
        """The size as drawn: the font's size through the text matrix (Chromium sets some text
        in a 1-point font scaled up)."""
        raw.FPDFText_GetMatrix(textpage, index, matrix)
        scale: float = abs(matrix.c * matrix.b - matrix.a * matrix.d) ** 0.5
        return float(get_size(textpage, index)) * scale

    def bold_of(index: int, font_size: float | None = None) -> bool:
        key = (get_size(textpage, index) if font_size is None else font_size, get_weight(textpage, index))
        bold = bold_fonts.get(key)
        if bold is None:
            raw.FPDFText_GetFontInfo(textpage, index, name, _FONT_NAME_BYTES, flags)
            bold = key[1] >= BOLD_WEIGHT or _BOLD_NAME.search(name.value) is not None
            if key[1] > 0:  # a font without a weight (the standard 14 say 0) is told by its name
                bold_fonts[key] = bold
        return bold

    def baseline(index: int) -> float:
        get_origin(textpage, index, ox, oy)
        return height - oy.value

    def box(index: int) -> tuple[float, float]:
        get_box(textpage, index, left, right, bottom, top)
        return left.value, right.value

    def piece(words: list[tuple[int, int, str, bool]]) -> Iterator[Run]:
        """Words set side by side with space characters between them: one run, unless its
        width shows a gap no space makes (then each word's box is read to find it)."""
        first, last = words[0][0], words[-1][1]
        x0, x1 = box(first)[0], box(last)[1]
        x0, x1 = min(x0, x1), max(x0, x1)  # a run set right to left, or a box PDFium got wrong
        size, base = size_of(first), baseline(first)
        if x1 - x0 > WIDE_CHAR_EM * size * (last - first + 1):
            parts = [(box(a)[0], box(b)[1], a, b, text, bold) for a, b, text, bold in words]
            groups: list[list[tuple[float, float, int, int, str, bool]]] = [[parts[0]]]
            for part in parts[1:]:
                if part[0] - groups[-1][-1][1] > COLUMN_GAP_EM * size:
                    groups.append([])
                groups[-1].append(part)
            for group in groups:
                yield Run(" ".join(g[4] for g in group), group[0][0], group[-1][1],
                          baseline(group[0][2]), size, all(g[5] for g in group), 0, group[0][1])
            return
        lead = x1 if len(words) == 1 else max(box(words[0][1]))  # where its first word ends
        yield Run(" ".join(w[2] for w in words), x0, x1, base, size, all(w[3] for w in words), 0, lead)

    start = 0
    for brk in (*_LINE_BREAK.finditer(text), None):
        end = brk.start() if brk else len(text)
        words: list[tuple[int, int, str, bool]] = []  # (first, last character, text, bold) of a piece
        size, piece_font = 0.0, 0.0
        for match in _WORD.finditer(text, start, end):
            first, last = match.start(), match.end() - 1
            before = first - 1
            spaced = before >= start and text[before] == " " and not is_generated(textpage, before)
            if words and not spaced and not (SCRIPT_END.search(words[-1][2]) and  # "IC<sub>50</sub> (nM)"
                                             box(first)[0] - box(words[-1][1])[1] < COLUMN_GAP_EM * size):
                yield from piece(words)  # no space character: another text piece (a cell, a column)
                words = []
            word, font_size = match.group(), get_size(textpage, first)
            if not words:
                size, piece_font = size_of(first), font_size
            # A font size other than the piece's (the font's own, before the matrix: one call) marks
            # a sub- or superscript, or a change of font the drawn sizes then tell apart. A script
            # sits at a word's end ("lines.[1]", "C4H10O2S2"), or inside a word with a number
            # ("10^{9}/L", "CO2-free"): those words have every character's size read.
            inside = range(first + 1, last + 1) if _HAS_DIGIT.search(word) else range(last, last + 1)
            if font_size != piece_font or any(get_size(textpage, k) != piece_font for k in inside):
                word = _scripted(text, first, last, size_of, baseline, size)
            known = bold_fonts.get((font_size, get_weight(textpage, first)))
            words.append((first, last, word, bold_of(first, font_size) if known is None else known))
        if words:
            yield from piece(words)
        start = brk.end() if brk else end


def _scripted(text: str, first: int, last: int, size_of: Callable[[int], float],
              baseline: Callable[[int], float], size: float) -> str:
    """A word set partly smaller and raised or lowered ("IC50" with a subscript 50, "109" with a
    raised 9) with those parts marked as the inline grammar reads them ("IC<sub>50</sub>",
    "10^{9}"); ``size`` is its run's, the word's own is its commonest."""
    sizes = [size_of(k) for k in range(first, last + 1)]
    counts = Counter(sizes)  # the word's own size is its commonest (the larger one on a tie)
    size = max(counts, key=lambda s: (counts[s], s))
    full = [k for k, s in enumerate(sizes) if s >= (1 - SCRIPT_SIZE_STEP) * size]
    if not full:
        return text[first:last + 1]  # all of it smaller: the line decides (``pdf_page_lines``)
    base = baseline(first + full[0])
    pieces: list[tuple[str, str]] = []  # (kind, characters)
    for k, char_size in enumerate(sizes):
        kind = ""
        if char_size < (1 - SCRIPT_SIZE_STEP) * size:
            shift = baseline(first + k) - base
            kind = "sup" if shift < -SCRIPT_SHIFT * size else "sub" if shift > SCRIPT_SHIFT * size else ""
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + text[first + k])
        else:
            pieces.append((kind, text[first + k]))
    return "".join(script(chars, raised=kind == "sup") if kind else chars for kind, chars in pieces)


def _graphics(page: object, height: float) -> tuple[tuple[float, ...], list[tuple[float, float, float]]]:
    """The y of each long, flat drawing on the page (the lines a ruled table draws between rows),
    and the middle and right edge of each small, square one (a list's drawn bullet), top down."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    assert isinstance(page, pdfium.PdfPage)
    found: set[float] = set()
    marks: list[tuple[float, float, float]] = []  # (middle y, right x, left x)
    x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, index)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH \
                or not raw.FPDFPageObj_GetBounds(obj, x0, y0, x1, y1):
            continue
        w, h = x1.value - x0.value, y1.value - y0.value
        if h <= RULE_THICKNESS and w >= RULE_MIN_WIDTH:
            found.add(round(height - (y0.value + y1.value) / 2, 1))
        elif BULLET_MIN <= w <= BULLET_MAX and BULLET_MIN <= h <= BULLET_MAX and 0.5 <= w / h <= 2:
            marks.append((height - (y0.value + y1.value) / 2, x1.value, x0.value))
    return tuple(sorted(found)), sorted(marks)

