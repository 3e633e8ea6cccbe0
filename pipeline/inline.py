"""Inline text: citation markers out into numbers, markup stripped, spaces tidied.

Every parser hands over raw inline text in Markdown's inline syntax, so these
rules are the only place inline markup is read. Rules run in this order:

1. citation markers (``^{[1][2]}``, ``^[1]``, ``[3][4]``, ``[\\[1\\]](#)``,
   ``[1, 4]``, ``[3-5]``, ``[REFS-1]``) become numbers and leave the text;
2. markup (``**bold**``, ``*em*``, links, images, ``^{...}``, escapes, code
   spans) is stripped to its text;
3. whitespace is collapsed, and a space a removed marker left before
   punctuation goes with it ("by-product [1]." reads "by-product.").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

MAX_CITATION_NUMBER = 999  # reference lists stop far below this; "[2025]" is a year, not a citation
MAX_CITATION_RANGE = 50  # "[3-5]" expands; a wider "range" is a span of numbers, not citations

_MARK = "\x00"  # stands where a marker was until spacing is fixed

# One bracketed marker body: "1", "1, 4", "3-5", "REFS-1" (ASCII hyphen or U+2011).
_MARKER_BODY = r"(?:[A-Za-z]{1,10}[-\u2011])?\d{1,4}(?:\s*[,\u2013-]\s*\d{1,4})*"
_MARKERS = re.compile(
    r"\^\{(?P<sup>(?:\s*\[" + _MARKER_BODY + r"\])+)\s*\}"  # ^{[1][2]}
    r"|\^(?P<caret>(?:\[" + _MARKER_BODY + r"\])+)"  # ^[1]
    r"|\[\[(?P<esc>" + _MARKER_BODY + r")\]\]\([^()\s]*+\)"  # [\[1\]](#), escapes resolved
    r"|\[(?P<linked>\d{1,4})\]\(#[^()\s]*+\)"  # [1](#ref-1)
    r"|\[(?P<plain>" + _MARKER_BODY + r")\](?!\()"  # [1], [1, 4], [3-5], [REFS-1]
)
# "\[1\]": a converter escaped the brackets of a marker or a title; read them as written.
_BRACKET_ESCAPE = re.compile(r"\\([\[\]])")
# A superscript a converter left as HTML in Markdown ("10<sup>9</sup>/L", "<sup>\[1\]</sup>").
_SUP_TAG = re.compile(r"<sup>([^<>]{0,200})</sup>", re.I)
# pandoc's plain-text superscript, "^([4])" or "10^(9)".
_CARET_PARENS = re.compile(r"\^\(([^()]{0,200})\)")
# Superscript digits right after a number are its exponent ("10⁹" reads "10^9"); "m²" stays.
_UNICODE_EXPONENT = re.compile(r"(?<=\d)[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
_LOCANT_FOLLOWS = re.compile(r"[\w\-\u2011]")
_NUMBERS = re.compile(r"(\d{1,4})(?:\s*[\u2013-]\s*(\d{1,4}))?")
_BRACKETED = re.compile(r"\[([^\[\]]*)\]")

# Link targets never hold "(" or white space; stopping there keeps long lines linear.
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^()\s]*+\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*+\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?!\w)")
_SUPERSCRIPT = re.compile(r"\^\{([^{}]*)\}")
_CODE = re.compile(r"`([^`]*)`")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Markup residue a converter left behind: inline HTML tags, entities, unpaired "**".
_RESIDUE_TAG = re.compile(r"</?(?:br|span|b|i|u|em|strong|sup|sub|small|font|div|p)\b[^<>]*>", re.I)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
_LONE_STRONG = re.compile(r"\*\*|__")
_ORPHAN_SPACE = re.compile(r"(?<=\S) ([.,;:])(?=\s|$)")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_MICRO = re.compile(r"\u03bc(?=[A-Za-z])")  # Greek mu before a unit letter is the micro sign
_MARKUP_CHARS = re.compile(r"[*_\[\]!^`\\&<]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s*" + _MARK + r"+\s*(?=[.,;:!?)\]]|$)")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Inline:
    text: str  # clean: no markup, no citation markers
    citations: tuple[int, ...]  # reference numbers in order of appearance


@lru_cache(maxsize=65536)
def clean_inline(raw: str) -> Inline:
    """Clean one inline text; the same raw text always gives the same result."""
    numbers: list[int] = []

    def take(match: re.Match[str]) -> str:
        body = next(g for g in match.groups() if g is not None)
        if "," in body and _LOCANT_FOLLOWS.match(raw, match.end()):
            return match.group(0)  # "[1,2,3]-triazole", "[1,2,4]triazolo": chemistry
        found = [n for inner in _BRACKETED.findall(body) or [body] for n in _expand(inner)]
        if not found:
            return match.group(0)
        numbers.extend(found)
        return _MARK

    raw = unescape_brackets(raw)
    if "<" in raw:
        raw = _SUP_TAG.sub(_superscript, raw)
    if "^(" in raw:
        raw = _CARET_PARENS.sub(_superscript, raw)
    if not raw.isascii():
        raw = _UNICODE_EXPONENT.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), raw)
    text = _MARKERS.sub(take, raw) if "[" in raw else raw
    text = strip_markup(text)
    if numbers:
        text = _SPACE_BEFORE_PUNCT.sub("", text).replace(_MARK, "")
    text = _WHITESPACE.sub(" ", text).strip()
    if " " in text:
        text = _ORPHAN_SPACE.sub(r"\1", text)  # "value ." left by a converter that dropped a marker
    if not text.isascii():
        text = _MICRO.sub("\u00b5", text.translate(_SUBSCRIPTS))
    return Inline(text, tuple(numbers))


def markers_only(text: str) -> bool:
    """True when ``text`` holds citation markers and nothing else ("[1][2]", "1,2" aside)."""
    text = unescape_brackets(text)
    return bool(text.strip()) and "[" in text and not _MARKERS.sub("", text).strip()


def _superscript(match: re.Match[str]) -> str:
    """A superscript a converter wrote (``<sup>x</sup>``, ``^(x)``): markers stay markers,
    anything else is ``^{x}``."""
    inner = match.group(1)
    return inner if markers_only(inner) else f"^{{{inner.strip()}}}"


def unescape_brackets(text: str) -> str:
    """Backslash-escaped square brackets as the brackets they stand for."""
    return _BRACKET_ESCAPE.sub(r"\1", text) if "\\" in text else text


def strip_markup(text: str) -> str:
    """Markdown inline markup to its text; citation markers are left alone."""
    if not _MARKUP_CHARS.search(text):
        return text  # most cells and many paragraphs: nothing to strip
    text = _RESIDUE_TAG.sub(lambda m: " " if m.group(0)[1:3].lower() == "br" else "", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = _IMAGE.sub(r"\1", text)
    previous = None
    while previous != text:  # links and emphasis nest: strip until nothing changes
        previous = text
        text = _LINK.sub(r"\1", text)
        text = _STRONG.sub(r"\2", text)
        text = _EM.sub(lambda m: m.group(1) or m.group(2), text)
    text = _SUPERSCRIPT.sub(r"^\1", text)
    text = _CODE.sub(r"\1", text)
    text = _LONE_STRONG.sub("", text)
    return _ESCAPE.sub(r"\1", text)


def _expand(body: str) -> list[int]:
    """The reference numbers in one marker body; empty when it is not a citation."""
    digits = body.split("-", 1)[-1] if body[:1].isalpha() else body
    digits = digits.split("\u2011", 1)[-1] if digits[:1].isalpha() else digits
    out: list[int] = []
    for match in _NUMBERS.finditer(digits):
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        if not 1 <= low <= high <= MAX_CITATION_NUMBER or high - low > MAX_CITATION_RANGE:
            return []
        out.extend(range(low, high + 1))
    return out
