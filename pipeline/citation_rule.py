"""The citation marker as one inline rule of markdown-it-py, in the manner of mdit-py-plugins.

A citation marker in any form the family writes (``[1]``, ``[1, 4]``, ``[3-5]``,
``[REFS-1]``, ``^{[1][2]}``, ``^[1]``, ``[\\[1\\]](#)``, ``[1](#ref-1)``, and a
converter's ``\\[1\\]``) becomes a "citation" token carrying its reference numbers;
a locant ("[1,2,3]-triazole"), a year ("[2025]") or the label of a reference-style link
("[Get Quote][1]") stays text. ``parser()`` is CommonMark's inline phase with the rule
pushed before escapes; ``pipeline.inline`` reads its tokens.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

MAX_CITATION_NUMBER = 999  # reference lists stop far below this; "[2025]" is a year, not a citation
MAX_CITATION_RANGE = 50  # "[3-5]" expands; a wider "range" is a span of numbers, not citations

# One bracketed marker body: "1", "1, 4", "3-5", "REFS-1" (ASCII hyphen or U+2011).
_MARKER_BODY = r"(?:[A-Za-z]{1,10}[-\u2011])?\d{1,4}(?:\s*[,\u2013-]\s*\d{1,4})*"
_OPEN, _CLOSE = r"\\?\[", r"\\?\]"  # a converter may escape the brackets
_CITATION = re.compile(
    r"\^\{(?P<sup>(?:\s*" + _OPEN + _MARKER_BODY + _CLOSE + r")+)\s*\}"  # ^{[1][2]}
    r"|\^(?P<caret>(?:" + _OPEN + _MARKER_BODY + _CLOSE + r")+)"  # ^[1]
    r"|\[" + _OPEN + r"(?P<linked>" + _MARKER_BODY + r")" + _CLOSE + r"\]\([^()\s]*+\)"  # [\[1\]](#)
    r"|\[(?P<anchor>\d{1,4})\]\(#[^()\s]*+\)"  # [1](#ref-1)
    r"|" + _OPEN + r"(?P<plain>" + _MARKER_BODY + r")" + _CLOSE + r"(?!\()"  # [1], \[1\], [REFS-1]
)
_BRACKETED = re.compile(r"\\?\[([^\[\]\\]*)\\?\]")
_LOCANT_FOLLOWS = re.compile(r"[\w\-\u2011]")  # "[1,2,3]-triazole", "[1,2,4]triazolo": chemistry
_NUMBERS = re.compile(r"(\d{1,4})(?:\s*[\u2013-]\s*(\d{1,4}))?")


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """A citation marker at the current position becomes a "citation" token."""
    if state.src[state.pos] not in "[\\^" or not state.env.get("citations", True):
        return False
    if state.pos and state.src[state.pos - 1] == "]" and not (
            state.tokens and state.tokens[-1].type == "citation"):
        return False  # "[Get Quote][1]": the label of a reference-style link, not a citation
    match = _CITATION.match(state.src, state.pos)
    if match is None:
        return False
    body = next(g for g in match.groups() if g is not None)
    if "," in body and _LOCANT_FOLLOWS.match(state.src, match.end()):
        return False
    numbers = [n for inner in _BRACKETED.findall(body) or [body] for n in _expand(inner)]
    if not numbers:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"numbers": numbers}
    state.pos = match.end()
    return True


@cache
def parser() -> MarkdownIt:
    """CommonMark's inline phase with inline HTML, and the citation rule before escapes."""
    md = MarkdownIt("commonmark", {"html": True})
    md.inline.ruler.before("escape", "citation", _citation_rule)
    return md


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


def markers_only(text: str) -> bool:
    """True when ``text`` holds citation markers and nothing else."""
    tokens = parser().parseInline(text, {})[0].children or []
    return any(t.type == "citation" for t in tokens) and all(
        t.type == "citation" or (t.type == "text" and not t.content.strip()) for t in tokens)
