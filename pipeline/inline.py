"""Inline text: one grammar, applied once, for every format.

Every parser hands over raw inline text in Markdown's inline syntax (the HTML
parser writes its DOM that way), and this module is the only place it is read.
markdown-it-py's inline phase parses it (escapes, entities, emphasis, links,
images, autolinks, code spans, inline HTML) with one rule of ours pushed onto
its ruler, in the manner of mdit-py-plugins (``citation_rule``): a citation
marker in any form the family writes becomes a citation token. The tokens are
then read back as clean text plus the citations, and spacing is tidied: a space a
removed marker left before punctuation goes with it ("by-product [1]." reads
"by-product.").

Superscripts written as markup (``<sup>x</sup>``, pandoc's ``^(x)``) are
brought to the one form first: markers stay markers, a power is written in
superscript characters where Unicode has them (``10⁹``, ``s⁻¹``), anything else
is ``^{x}``, which reads ``^x``; ``<sub>50</sub>`` likewise reads ``₅₀``.
Characters are never markup: Unicode sub- and superscripts and Greek letters
stay as written (``C₉H₈O₄``, ``[NH₄]⁺``, ``10⁹``, ``μM``); the value reader reads
the numbers and units they write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it.token import Token

from pipeline.citation_rule import markers_only, parser

_MARK = "\x00"  # stands where a marker was until spacing is fixed

# Superscripts in the forms converters write, brought to "^{x}" (or left as markers).
_SUP_TAG = re.compile(r"<sup>([^<>]{0,200})</sup>", re.I)  # "10<sup>9</sup>/L"
_SUB_TAG = re.compile(r"<sub>([^<>]{0,200})</sub>", re.I)  # "IC<sub>50</sub>"
# What Unicode writes as sub- and superscript characters: digits, signs and parentheses.
_SCRIPTABLE = re.compile(r"[0-9+\-\u2212=()]++")
_TO_SUPERSCRIPT = str.maketrans("0123456789+-\u2212=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾")
_TO_SUBSCRIPT = str.maketrans("0123456789+-\u2212=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
_CARET_PARENS = re.compile(r"\^\(([^()]{0,200})\)")  # pandoc -t plain: "^([4])", "10^(9)"
_SUPERSCRIPT = re.compile(r"\^\{([^{}]*)\}")
# A superscript holding reference numbers ("1,2", "1–3", "[3]"), and what a power follows
# instead: a digit or a unit symbol ("10<sup>9</sup>", "cm<sup>2</sup>", "M<sup>-1</sup>").
_SUP_CITATIONS = re.compile(r"\[?\d{1,3}(?:\s*[,;\u2013\u2014-]\s*\d{1,3})*\]?")
_POWER_OF_TEN = re.compile(r"(?<![\d.])10\s*\Z")
_LONE_LETTER = re.compile(r"(?<![\w.])[A-Za-z]\s*\Z")  # "R<sup>2</sup>", "x<sup>2</sup>"
_LENGTH_UNIT = re.compile(r"(?:\d\s?|/)(?:[kcmµμun]?m|in|ft)\s*\Z")  # "4 mg/m", "5 cm"
_ELEMENT_AFTER = re.compile(r"[A-Z][a-z]?(?![a-z])")
_FOOTNOTE_MARK = re.compile(r"[a-z]|[*†‡§¶#]+")
_ORDINAL = re.compile(r"st|nd|rd|th")
_MARKER_RANGE = re.compile(r"\[(\d{1,3})\]\s*[\u2013-]\s*\[(\d{1,3})\]")

_FORMATTING_TAG = re.compile(
    r"</?(br|span|b|i|u|em|strong|sup|sub|small|font|div|p|a)\b[^<>]*>", re.I)
_LONE_STRONG = re.compile(r"\*\*|__")  # an unpaired "**" a converter left behind
# A converter writes a space after closing emphasis so that it closes ("**Baricitinib** 's",
# "_trans_ -cyclooctene"); before a possessive or a hyphenated suffix that space is not text.
_EMPHASIS_CLOSE = frozenset({"strong_close", "em_close"})
_SPACE_AFTER_EMPHASIS = re.compile(r"^ (?=['’]s\b|-[^\W\d_])")  # not "**Storage** -20 °C"
_ORPHAN_SPACE = re.compile(r"(?<=\S) ([.,;:])(?=\s|$)")
# Format characters that print as nothing (Unicode category Cf: soft hyphen, zero-width space
# and joiners, direction marks and embeddings, word joiner and invisible operators, a stray
# byte-order mark, tags); left in, they cut numbers ("1\u200b234") and words apart.
_INVISIBLE = dict.fromkeys([0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                            *range(0x2060, 0x2065), *range(0x2066, 0x2070), 0xFEFF,
                            *range(0xFFF9, 0xFFFC), 0xE0001, *range(0xE0020, 0xE0080)])
# A thin or narrow no-break space grouping a number's thousands, SI style ("1 234.5").
_DIGIT_GROUP = re.compile(r"(?<=\d)[\u2009\u202f](?=\d{3}(?!\d))")
MARKUP_CHARS = re.compile(r"[*_\[\]!^`\\&<]")  # characters inline markup is made of
# Whitespace is collapsed first, so one optional space each side keeps the pattern linear.
_SPACE_BEFORE_PUNCT = re.compile(r" ?" + _MARK + r"+ ?(?=[.,;:!?)\]]|$)")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Inline:
    """One inline text read once: what its markup said, and the clean text rules match."""

    text: str  # clean: no markup, no citation markers
    citations: tuple[int, ...]  # reference numbers in order of appearance
    links: tuple[str, ...] = ()  # the clean text of each link or image in it
    link_only: bool = False  # nothing but one link or image ("[Get Quote](#)")
    strong_only: bool = False  # nothing but bold text ("**Procedure**"): a marked heading


@lru_cache(maxsize=65536)
def clean_inline(raw: str) -> Inline:
    """Clean one inline text; the same raw text always gives the same result."""
    if not raw.isascii():
        raw = _DIGIT_GROUP.sub("", raw.translate(_INVISIBLE))
    reading = _read(_superscripts(raw), citations=True)
    text, numbers = reading.text, reading.numbers
    text = _WHITESPACE.sub(" ", text)
    if numbers:
        text = _WHITESPACE.sub(" ", _SPACE_BEFORE_PUNCT.sub("", text).replace(_MARK, ""))
    text = text.strip()
    if " " in text:
        text = _ORPHAN_SPACE.sub(r"\1", text)  # "value ." left by a converter that dropped a marker
    return Inline(text, tuple(numbers), tuple(reading.links), reading.link_only and bool(text),
                  reading.strong_only and bool(text))


@lru_cache(maxsize=65536)
def strip_markup(text: str) -> str:
    """Markdown inline markup to its text; citation markers are kept as written."""
    return _read(text, citations=False).text


@dataclass(slots=True)
class _Reading:
    """What the tokens of one inline text say, gathered in one pass."""

    parts: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    outside_links: bool = False  # text stands outside any link or image
    outside_strong: bool = False  # text stands outside bold
    text: str = ""

    @property
    def link_only(self) -> bool:
        return len(self.links) == 1 and not self.outside_links

    @property
    def strong_only(self) -> bool:
        return not self.outside_strong


def _read(raw: str, *, citations: bool) -> _Reading:
    """The text of ``raw`` with its markup read, and what the markup said."""
    if not MARKUP_CHARS.search(raw):  # most cells and many paragraphs: nothing to read
        return _Reading(parts=[raw], outside_links=True, outside_strong=True, text=raw)
    reading = _Reading()
    _gather(parser().parseInline(raw, {"citations": citations})[0].children or [], reading)
    text = "".join(reading.parts)
    reading.text = _LONE_STRONG.sub("", _SUPERSCRIPT.sub(_caret, text))
    return reading


def _gather(tokens: Sequence[Token], reading: _Reading) -> None:
    link_start: int | None = None  # where the open link's text starts in parts
    strong = 0
    previous = ""
    for token in tokens:
        kind = token.type
        piece = ""
        if kind in ("text", "code_inline"):
            piece = token.content
            if previous in _EMPHASIS_CLOSE:  # html2text's "**Baricitinib** 's", "_trans_ -cyclo"
                piece = _SPACE_AFTER_EMPHASIS.sub("", piece, count=1)
        elif kind in ("softbreak", "hardbreak"):
            piece = "\n"
        elif kind == "image":
            piece = token.content  # its alt text
            reading.links.append(piece.strip())
        elif kind == "html_inline":
            piece = _inline_tag(token.content)
        elif kind == "citation":
            reading.numbers.extend(token.meta["numbers"])
            piece = _MARK
        elif kind == "link_open":
            link_start = len(reading.parts)
        elif kind == "link_close" and link_start is not None:
            reading.links.append("".join(reading.parts[link_start:]).replace(_MARK, "").strip())
            link_start = None
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        if piece != _MARK and any(ch.isalnum() for ch in piece):  # brackets and dots aside
            reading.outside_links |= link_start is None and kind != "image"
            reading.outside_strong |= strong == 0
        reading.parts.append(piece)
        previous = kind


def _inline_tag(tag: str) -> str:
    """A formatting tag a converter left is dropped (``<br>`` is a space); any other stays
    as written: a guide that prints "<script>" in a cell says so."""
    match = _FORMATTING_TAG.fullmatch(tag)
    if match is None:
        return tag
    return " " if match.group(1).lower() == "br" else ""


def _superscripts(raw: str) -> str:
    """Superscripts of every written form as markers, characters or ``^{x}``; subscripts
    written as markup as characters where Unicode has them (``IC<sub>50</sub>`` is IC₅₀)."""
    if "<" in raw:
        raw = _SUB_TAG.sub(_subscript, _SUP_TAG.sub(_superscript, raw))
    if "^(" in raw:
        raw = _CARET_PARENS.sub(_superscript, raw)
    return raw


def _superscript(match: re.Match[str]) -> str:
    """A superscript read by what it holds and where it stands:

    - citation markers stay markers, and reference numbers, lists and ranges ("1,2",
      "1–3", "1;3", "[3]") are the web's citation markers;
    - unless they raise something: a signed exponent ("s<sup>-1</sup>"), a power of ten
      ("10<sup>9</sup>"), a square or cube of a length ("4 mg/m<sup>2</sup>"), a lone
      letter ("R<sup>2</sup>"), or a mass number before its element ("<sup>13</sup>C");
    - a footnote mark (a letter, "*", "†") is dropped, an ordinal joins its number
      ("1<sup>st</sup>"); anything else is ``^{x}``, which reads ``^x``.
    """
    inner = _MARKER_RANGE.sub(r"[\1–\2]", match.group(1).strip())  # "[1]–[3]": two linked ends
    if markers_only(inner):
        return inner
    text, start, end = match.string, match.start(), match.end()
    before = text[max(0, start - 12):start]
    if _ORDINAL.fullmatch(inner) and before[-1:].isdigit():
        return inner
    if _FOOTNOTE_MARK.fullmatch(inner):
        return ""
    if inner.isdigit() and _ELEMENT_AFTER.match(text, end):
        return inner  # "<sup>13</sup>C": the isotope's mass number, "13C"
    if _SUP_CITATIONS.fullmatch(inner) and not _raises(before, inner):
        return f"[{inner.strip('[]').replace(';', ',')}]"
    if _SCRIPTABLE.fullmatch(inner):  # a power: "10⁹", "s⁻¹", as the page shows it
        return inner.translate(_TO_SUPERSCRIPT)
    return f"^{{{inner}}}"


def _caret(match: re.Match[str]) -> str:
    """``^{x}``: superscript characters where Unicode has them ("10^{9}" is 10⁹), else ``^x``."""
    inner = match.group(1)
    return inner.translate(_TO_SUPERSCRIPT) if _SCRIPTABLE.fullmatch(inner) else f"^{inner}"


def _subscript(match: re.Match[str]) -> str:
    """A subscript as characters where Unicode has them ("IC₅₀", "C₂H₆"), else its text."""
    inner = match.group(1).strip()
    return inner.translate(_TO_SUBSCRIPT) if _SCRIPTABLE.fullmatch(inner) else inner


def _raises(before: str, inner: str) -> bool:
    """A superscript of digits after ``before`` is a power, not a citation."""
    if _POWER_OF_TEN.search(before) or _LONE_LETTER.search(before):
        return True
    return inner in ("2", "3") and bool(_LENGTH_UNIT.search(before))


