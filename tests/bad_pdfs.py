"""Bad PDFs, built from scratch, for the tests of the PDF reader's guards.

Each function returns the bytes of one PDF that a reader must turn into a one-line
document error (or read within its limits), never a crash, a hang or a process that
eats the machine's memory. Most are hand-written PDF syntax put together by
``assemble``, which numbers the objects and writes a correct cross-reference table,
so that PDFium reads the file as written instead of reconstructing it; the ones a
real producer makes (an image-only page, an encrypted file, a plain text guide) are
made by ReportLab.

The hand-written one-page files share a layout (``one_page``): object 1 the catalog,
2 the page tree, 3 the page, 4 its content stream, 5 the font (Helvetica, one of the
standard 14, so nothing is embedded). Every generator is deterministic, and those
that describe gigabytes of content compress it piece by piece, so the generator
itself stays within a few megabytes of memory.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterable, Sequence

PAGE_SIZE = (612, 792)  # US Letter, in points
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
RESOURCES = b"<< /Font << /F1 5 0 R >> >>"
_CHUNK = 1 << 20  # bytes handed to the compressor at a time
GIB = 1 << 30


# --- Building blocks ------------------------------------------------------------------------------


def assemble(objects: Sequence[bytes], *, root: int = 1, trailer: bytes = b"",
             header: bytes = b"%PDF-1.7") -> bytes:
    """A PDF file of ``objects`` (object ``i + 1`` is ``objects[i]``, generation 0), with a
    cross-reference table whose offsets are right and a trailer naming object ``root`` as
    the catalog; ``trailer`` is added inside the trailer dictionary (``/Prev``, ``/Encrypt``)."""
    out = bytearray(header + b"\n%\xe2\xe3\xcf\xd3\n")  # the binary comment marks the file binary
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)  # 20 bytes each
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, length: int | None = None) -> bytes:
    """A stream object's body: its dictionary (``/Length`` is ``len(data)`` unless ``length``
    says otherwise, ``extra`` adds ``/Filter`` and the like) and its data."""
    size = len(data) if length is None else length
    return b"<< /Length %d %s>>\nstream\n" % (size, extra) + data + b"\nendstream"


def deflate(pieces: Iterable[bytes]) -> bytes:
    """The zlib (FlateDecode) compression of the concatenated ``pieces``, made piece by piece,
    so a gigabyte of input never sits in memory at once."""
    compressor = zlib.compressobj(6)
    return b"".join(compressor.compress(piece) for piece in pieces) + compressor.flush()


def repeated(unit: bytes, times: int) -> Iterable[bytes]:
    """``unit`` ``times`` times over, in pieces of about a megabyte."""
    per_chunk = max(1, _CHUNK // len(unit))
    block = unit * per_chunk
    full, rest = divmod(times, per_chunk)
    for _ in range(full):
        yield block
    yield unit * rest


def one_page(content: bytes, *, content_extra: bytes = b"", page_extra: bytes = b"",
             resources: bytes = RESOURCES, catalog_extra: bytes = b"",
             more: Sequence[bytes] = ()) -> bytes:
    """A one-page PDF whose content stream holds ``content`` (already encoded as
    ``content_extra`` says, e.g. ``/Filter /FlateDecode``). ``page_extra`` and
    ``catalog_extra`` go inside the page and catalog dictionaries; ``more`` are objects
    6, 7, ... for them to refer to."""
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents 4 0 R %s>>"
        % (*PAGE_SIZE, resources, page_extra),
        stream(content, content_extra),
        FONT,
        *more,
    ])


def show_text(text: bytes) -> bytes:
    """A content stream line that shows ``text`` (a PDF literal string's bytes, escaped)."""
    return b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET\n"


# --- Files a real producer makes ------------------------------------------------------------------


def text_pdf(lines: list[str]) -> bytes:
    """A valid PDF of ``lines`` of Helvetica text, one page per 50 lines, made by ReportLab
    with ``invariant=1`` so the same lines always give the same bytes. The good baseline,
    and the input of ``truncated``."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE_SIZE, invariant=1)
    for start in range(0, max(len(lines), 1), 50):
        text = pdf.beginText(72, PAGE_SIZE[1] - 72)
        text.setFont("Helvetica", 11)
        for line in lines[start:start + 50]:
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned(pages: int = 1) -> bytes:
    """A "scanned" guide: each page holds one image (a 200x100 grey gradient with dark bars,
    built from raw pixels with Pillow) and no text at all. ReportLab writes it as an image
    XObject drawn with ``Do``: PDFium finds one image object and zero characters."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = 200, 100
    pixels = bytes((x + y) % 256 if y % 20 > 4 else 30 for y in range(height) for x in range(width))
    image = ImageReader(Image.frombytes("L", (width, height), pixels))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE_SIZE, invariant=1)
    for _ in range(pages):
        pdf.drawImage(image, 72, 400, width * 2, height * 2)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_inline() -> bytes:
    """Like ``scanned`` without Pillow or ReportLab: one page whose content is an inline
    image (``BI ... ID ... EI``, 16x16 grey pixels) and nothing else."""
    pixels = bytes((x * 16) ^ (y * 16) for y in range(16) for x in range(16))
    content = b"q 200 0 0 200 72 400 cm\nBI /W 16 /H 16 /BPC 8 /CS /G ID\n" + pixels + b"\nEI Q\n"
    return one_page(content)


def encrypted(password: str = "secret") -> bytes:
    """A text PDF encrypted by ReportLab with the user password ``password`` (RC4 128-bit,
    ReportLab's default): it opens only with that password."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE_SIZE, invariant=1,
                        encrypt=StandardEncryption(password, canPrint=0, canCopy=0))
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 720, "Storage: keep at -20 °C; stable for 12 months.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- Damaged files --------------------------------------------------------------------------------


def truncated(pdf: bytes | None = None) -> bytes:
    """The first half of a valid PDF (``pdf``, or a two-line ``text_pdf``): a download or copy
    cut short, so the cross-reference table, the trailer and ``%%EOF`` are gone and part of
    the objects with them."""
    whole = pdf if pdf is not None else text_pdf(["Storage: -20 °C", "Purity: ≥98%"])
    return whole[:len(whole) // 2]


def damaged(size: int = 4096) -> bytes:
    """A ``%PDF-1.7`` header and then ``size`` bytes of deterministic garbage: no objects, no
    cross-reference table, no trailer (a file that only claims to be a PDF)."""
    garbage = bytearray()
    state = 0x2545_5044  # a fixed seed: the same garbage every time (a linear congruential generator)
    while len(garbage) < size:
        state = (state * 1_103_515_245 + 12_345) % (1 << 31)
        garbage.append(state >> 16 & 0xFF)
    return b"%PDF-1.7\n" + bytes(garbage)


def xref_loop() -> bytes:
    """A text PDF whose trailer's ``/Prev`` points back at its own cross-reference table, so a
    reader that follows the chain of updates without remembering where it has been loops."""
    good = one_page(show_text(b"xref loop"))
    start = int(good.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return good.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % start)


def length_lie(length: int = 2_000_000_000) -> bytes:
    """A text PDF whose content stream's ``/Length`` says ``length`` bytes (past the end of
    the file): the reader has to find ``endstream`` itself."""
    text = show_text(b"length lie")
    return one_page(text).replace(b"/Length %d " % len(text), b"/Length %d " % length)


def page_tree_loop() -> bytes:
    """A PDF whose page tree lists itself among its kids, next to its one real page, and
    claims 2 pages: a reader walking the tree without a visited set never ends."""
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents 4 0 R >>" % RESOURCES,
        stream(show_text(b"page tree loop")),
        FONT,
    ])


def huge_mediabox(side: float = 1e30) -> bytes:
    """A text PDF whose page is ``side`` points on each side (``/UserUnit 75000`` too, the
    largest a reader is asked to honour): harmless for text, a trap for a renderer."""
    return one_page(show_text(b"huge page"), page_extra=b"/UserUnit 75000 ").replace(
        b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 %f %f]" % (side, side))


# --- Files that describe far more than they hold --------------------------------------------------


def many_pages(n: int = 10_000_000, fanout: int = 10) -> bytes:
    """A PDF of ``n`` pages in a few kilobytes: every page is the same page object, reached
    through a balanced tree of shared ``/Pages`` nodes (node k has ``fanout`` kids, all node
    k - 1, and counts ``fanout ** k`` pages; the root takes each node as many times as the
    digits of ``n`` in base ``fanout`` say). Every count in it is true. (PDFium trusts a
    root ``/Count`` below 1,048,575 and otherwise counts the tree, refusing shared nodes: the
    default ten million is refused at open, a million opens with a million pages.)"""
    if n < 1 or fanout < 2:
        raise ValueError("n must be at least 1 and fanout at least 2")
    digits = []
    rest = n
    while rest:
        rest, digit = divmod(rest, fanout)
        digits.append(digit)
    # Objects: 1 catalog, 2 root, 3 content, 4 font, 5 the page (level 0), 6.. levels 1, 2, ...
    levels = len(digits)
    node = [5 + level for level in range(levels)]  # object number of the node of each level
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the root, below
        stream(show_text(b"one of many pages")),
        FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 3 0 R >>",
    ]
    for level in range(1, levels):
        kids = b" ".join([b"%d 0 R" % node[level - 1]] * fanout)
        objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (kids, fanout ** level))
    root_kids = b" ".join(b"%d 0 R" % node[level] for level in range(levels) for _ in range(digits[level]))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (root_kids, n)
    return assemble(objects)


def page_count_lie(n: int = 10_000_000) -> bytes:
    """A one-page PDF whose page tree claims ``n`` pages (``/Count``) but lists one. (Below
    1,048,575 PDFium believes the count, and the pages past the first fail to load.)"""
    good = one_page(show_text(b"count lie"))
    return good.replace(b"/Kids [3 0 R] /Count 1", b"/Kids [3 0 R] /Count %d" % n)


def many_kids(n: int = 500_000) -> bytes:
    """A PDF whose one ``/Pages`` node lists the same page ``n`` times: ``n`` real pages in a
    flat array (``n`` * 6 bytes of ``5 0 R``), no sharing of inner nodes."""
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b"5 0 R " * n, n),
        stream(show_text(b"one of many kids")),
        FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 3 0 R >>",
    ])


def deep_nesting(depth: int = 100_000, where: str = "catalog") -> bytes:
    """A text PDF with arrays nested ``depth`` levels deep (``[[[...]]]``), as the value of
    ``/Deep`` in the catalog (``where="catalog"``), of a resource (``"resources"``), of a
    content stream operand (``"content"``, before a ``Tj``), or as the catalog's ``/Pages``
    array itself (``"pages"``: the page tree is then unreadable)."""
    nested = b"[" * depth + b"]" * depth
    text = show_text(b"deep nesting")
    if where == "catalog":
        return one_page(text, catalog_extra=b"/Deep 6 0 R ", more=[nested])
    if where == "resources":
        return one_page(text, resources=b"<< /Font << /F1 5 0 R >> /Deep 6 0 R >>", more=[nested])
    if where == "content":
        return one_page(b"BT /F1 12 Tf 72 720 Td " + nested + b" pop (deep nesting) Tj ET\n")
    if where == "pages":
        return one_page(text).replace(b"/Pages 2 0 R", b"/Pages " + nested, 1)
    raise ValueError(f"where must be catalog, resources, content or pages, not {where!r}")


def giant_stream(decompressed: int = GIB) -> bytes:
    """A FlateDecode bomb: a page whose content stream inflates to ``decompressed`` bytes of
    zeros (PDF whitespace) and then one line of text, from about a thousandth of that
    (1 GiB -> 1 MB) on disk. (PDFium inflates it whole, needing about twice ``decompressed``
    in memory, and past about 1 GiB drops the page's content without a word.)"""
    data = deflate(_then(repeated(b"\0", decompressed), show_text(b"after the zeros")))
    return one_page(data, content_extra=b"/Filter /FlateDecode ")


def text_bomb(operators: int = 10_000_000, unit: bytes = b"(x) Tj\n") -> bytes:
    """A page whose (FlateDecode) content stream shows text ``operators`` times (``unit``,
    seven bytes, inside one ``BT ... ET``): ten million text objects and as many characters
    from about 100 KB on disk."""
    head = b"BT /F1 1 Tf 72 720 Td\n"
    data = deflate(_then([head], *repeated(unit, operators), b"ET\n"))
    return one_page(data, content_extra=b"/Filter /FlateDecode ")


def long_string(chars: int = 100_000_000) -> bytes:
    """A page whose (FlateDecode) content stream shows one string of ``chars`` characters with
    one ``Tj``: one text object. (PDFium keeps the first 32,767 characters of a string.)"""
    data = deflate(_then([b"BT /F1 1 Tf 72 720 Td ("], *repeated(b"x", chars), b") Tj ET\n"))
    return one_page(data, content_extra=b"/Filter /FlateDecode ")


def form_fanout(depth: int = 30, fanout: int = 2) -> bytes:
    """The PDF "billion laughs": form XObject k draws form k + 1 ``fanout`` times, the last one
    shows one character, and the page draws form 1; ``fanout ** depth`` characters (2 ** 30, a
    billion) from ``depth`` small objects, no compression needed."""
    forms = []
    for level in range(depth):
        number = 6 + level
        if level + 1 < depth:
            body = b"/X Do " * fanout
            resources = b"<< /XObject << /X %d 0 R >> >>" % (number + 1)
        else:
            body = b"BT /F1 1 Tf (x) Tj ET"
            resources = RESOURCES
        forms.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources %s "
                            % resources))
    return one_page(b"/X Do\n", resources=b"<< /XObject << /X 6 0 R >> >>", more=forms)


def form_recursion() -> bytes:
    """A page that draws a form XObject that draws itself (twice, with a character between)."""
    form = stream(b"BT /F1 1 Tf (x) Tj ET /X Do /X Do",
                  b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                  b"/Resources << /XObject << /X 6 0 R >> /Font << /F1 5 0 R >> >> ")
    return one_page(b"/X Do\n", resources=b"<< /XObject << /X 6 0 R >> >>", more=[form])


def save_nesting(levels: int = 10_000_000) -> bytes:
    """A page whose (FlateDecode) content stream saves the graphics state ``levels`` times
    (``q`` without ``Q``) before one line of text: a stack that grows with every ``q``."""
    data = deflate(_then(repeated(b"q\n", levels), show_text(b"after the saves")))
    return one_page(data, content_extra=b"/Filter /FlateDecode ")


def busy_content(operators: int = 20_000_000, unit: bytes = b"1 0 0 1 0 0 cm\n") -> bytes:
    """A page whose (FlateDecode) content stream repeats an operator that draws nothing and
    keeps nothing (``cm``, an identity transformation) ``operators`` times before one line of
    text: work for the content parser, with no objects to show for it."""
    data = deflate(_then(repeated(unit, operators), show_text(b"after the busy work")))
    return one_page(data, content_extra=b"/Filter /FlateDecode ")


def xref_claims(size: int = 2_000_000_000) -> bytes:
    """A text PDF whose trailer claims ``size`` objects (``/Size``) and whose cross-reference
    subsection header claims as many entries, of which it holds six."""
    good = one_page(show_text(b"xref claims"))
    return good.replace(b"xref\n0 6\n", b"xref\n0 %d\n" % size).replace(b"/Size 6 ", b"/Size %d " % size)


def _then(first: Iterable[bytes], *rest: bytes | Iterable[bytes]) -> Iterable[bytes]:
    """``first``'s pieces, then each of ``rest`` (a piece, or pieces)."""
    yield from first
    for item in rest:
        if isinstance(item, bytes):
            yield item
        else:
            yield from item


# Every case with the arguments the measurements used, by name: a file each, a few MB at most.
CASES: dict[str, Callable[[], bytes]] = {
    "text_pdf": lambda: text_pdf(["Storage: -20 °C", "Purity: ≥98%"]),
    "scanned": scanned,
    "scanned_inline": scanned_inline,
    "encrypted": encrypted,
    "truncated": truncated,
    "damaged": damaged,
    "xref_loop": xref_loop,
    "length_lie": length_lie,
    "page_tree_loop": page_tree_loop,
    "huge_mediabox": huge_mediabox,
    "many_pages": many_pages,
    "many_pages_1m": lambda: many_pages(1_000_000),
    "page_count_lie": page_count_lie,
    "many_kids": many_kids,
    "deep_nesting_catalog": deep_nesting,
    "deep_nesting_resources": lambda: deep_nesting(where="resources"),
    "deep_nesting_content": lambda: deep_nesting(where="content"),
    "deep_nesting_pages": lambda: deep_nesting(where="pages"),
    "giant_stream": giant_stream,
    "text_bomb": text_bomb,
    "long_string": long_string,
    "form_fanout": form_fanout,
    "form_recursion": form_recursion,
    "save_nesting": save_nesting,
    "busy_content": busy_content,
    "xref_claims": xref_claims,
}
