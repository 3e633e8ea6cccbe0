"""Bytes to text, once, at the edge; and the format sniffed from the text.

Line endings are normalized to ``\\n`` (CRLF and lone CR alike) without adding
or removing lines, so line numbers still refer to the file as given.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import puremagic
from charset_normalizer import from_bytes

from pipeline.errors import DocumentError, Issue

_NEWLINES = re.compile(r"\r\n?")
_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_HTML_TAGS = re.compile(r"<(?:p|h[1-6]|table|ul|ol|div|section|article)[\s>]", re.I)
_MARKDOWN_HEADING = re.compile(r"^#{1,6} \S", re.M)
_FRONT_MATTER = re.compile(r"\A---\n")

# Mostly-ASCII English text fits many single-byte code pages equally well, and
# charset-normalizer then ranks them by small differences in its scores. Among
# its plausible matches, the web's legacy default wins (the WHATWG Encoding
# Standard reads latin-1 and ASCII labels as windows-1252).
PREFERRED_LEGACY = ("cp1252", "latin_1", "iso8859_15")
CHAOS_TOLERANCE = 0.01  # a preferred match this close to the best one's chaos is as plausible

BINARY_SNIFF_BYTES = 8192  # a NUL byte this early, or a binary signature, means not text
MIN_MAGIC_CONFIDENCE = 0.3  # puremagic scores by signature length; 4-byte signatures score 0.4
# File types puremagic may report for text; they are guides to try, not binaries to refuse.
TEXT_EXTENSIONS = frozenset({".txt", ".md", ".html", ".htm", ".xhtml", ".xml", ".json", ".csv",
                             ".svg", ".rtf", ".yaml", ".yml"})

# Suffix hints, used only when the content itself does not say which format it is.
SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


# Byte-order marks and the codec each names ("Unicode" in some editors' save dialogs is
# UTF-16). UTF-32's little-endian mark starts like UTF-16's, so it is tried first.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_LINE_BREAK = re.compile(rb"(\r\n?|\n)")


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    issues: tuple[Issue, ...] = ()  # lines read in another encoding than the rest


def decode(data: bytes) -> DecodedText:
    """Decode a guide's bytes: by its byte-order mark, else UTF-8 (stray lines in a legacy
    encoding re-read, and said), else a detected legacy encoding.

    Empty files, binary files (an image, an archive) and bytes that are text
    in no encoding raise ``DocumentError`` with a message a person can act on.
    """
    if not data:
        raise DocumentError(Issue("decode", "error", "the file is empty"))
    issues: tuple[Issue, ...] = ()
    bom = next((codec for mark, codec in BOMS if data.startswith(mark)), None)
    if bom is not None:
        text, encoding = _decode_bom(data, bom)
    elif b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise DocumentError(Issue("decode", "error", _binary_message(data)))
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            kind = binary_kind(data)
            if kind is not None:
                raise DocumentError(Issue("decode", "error", _binary_message(data))) from None
            mixed = _decode_mixed(data)
            if mixed is not None:
                text, encoding, issues = mixed
            else:
                text, encoding = _decode_legacy(data)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DocumentError(
            Issue("decode", "error", "a NUL byte in the text: the file is damaged or binary", line)
        )
    if not text.strip():
        raise DocumentError(Issue("decode", "error", "the file holds only whitespace"))
    return DecodedText(_NEWLINES.sub("\n", text), encoding, issues)


def _decode_bom(data: bytes, codec: str) -> tuple[str, str]:
    try:
        return data.decode(codec), codec  # the utf-16 and utf-32 codecs read the mark themselves
    except UnicodeDecodeError as exc:
        raise DocumentError(Issue("decode", "error", f"the file opens with a {codec.upper()} "
                                  f"byte-order mark but is not {codec.upper()} text (byte "
                                  f"{exc.start:,})")) from None


def _decode_mixed(data: bytes) -> tuple[str, str, tuple[Issue, ...]] | None:
    """A UTF-8 file with a few lines pasted in from a legacy encoding: the UTF-8 lines as
    they are, the others re-read in the encoding detected from them, with a warning that
    names them. A line of multi-byte UTF-8 is the proof (in a legacy file such bytes are
    next to never valid UTF-8); without one, the file is a legacy file throughout."""
    pieces = _LINE_BREAK.split(data)  # content, break, content, ...: content k is line k + 1
    utf8_lines, stray = 0, []
    for k in range(0, len(pieces), 2):
        try:
            pieces[k].decode("utf-8")
        except UnicodeDecodeError:
            stray.append(k)
            continue
        utf8_lines += not pieces[k].isascii()
    if not utf8_lines:
        return None
    _, legacy = _decode_legacy(b"\n".join(pieces[k] for k in stray))
    strays = set(stray)
    text = "".join(piece.decode(legacy if k in strays else "utf-8", errors="replace")
                   for k, piece in enumerate(pieces))
    lines = [k // 2 + 1 for k in stray]
    shown = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    issue = Issue("decode", "warning", f"the file is UTF-8 but line{'s' * (len(lines) > 1)} {shown} "
                  f"{'are' if len(lines) > 1 else 'is'} not; read as {legacy}", lines[0])
    return text, "utf-8", (issue,)


def binary_kind(data: bytes) -> str | None:
    """The binary file type puremagic recognises in ``data``, or None for text."""
    try:
        matches = puremagic.magic_string(data[:BINARY_SNIFF_BYTES])
    except puremagic.PureError:
        return None
    for match in matches:
        if match.extension.lower() not in TEXT_EXTENSIONS and match.confidence >= MIN_MAGIC_CONFIDENCE:
            return str(match.name)
    return None


def _binary_message(data: bytes) -> str:
    kind = binary_kind(data) or "binary data"
    return f"the file is binary ({kind}), not a text, Markdown or HTML guide"


def sniff_format(text: str, suffix: str) -> str:
    """Name the parser for this text: the content decides, the suffix only breaks ties."""
    head = text[:4096]
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    if _MARKDOWN_HEADING.search(text) or _FRONT_MATTER.match(text):
        return "markdown"
    return SUFFIX_FORMATS.get(suffix.lower(), "text")


def _decode_legacy(data: bytes) -> tuple[str, str]:
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise DocumentError(
            Issue("decode", "error", "the bytes are not text in UTF-8 or any legacy encoding")
        )
    # charset-normalizer drops code pages it finds equivalent to one it kept (cp1252 beside
    # cp1250 or cp850), so the preferred ones are scored on their own.
    candidates = from_bytes(data, cp_isolation=list(PREFERRED_LEGACY))
    preferred = [m for m in candidates if m.encoding in PREFERRED_LEGACY
                 and m.chaos <= best.chaos + CHAOS_TOLERANCE]
    chosen = preferred[0] if preferred else best
    return str(chosen), chosen.encoding
