"""Lines of a PDF guide's text joined into one line of text: words broken at a line's end
joined, ligatures written out, and whether a break falls inside a sentence.

A word broken by a hyphen keeps it when the document writes the word with one
elsewhere (or when PDFium cannot tell); a line cut inside a long unspaced token (an
address, a systematic name) joins without a space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from pipeline.parse.pdf_runs import LINE_END_HYPHENS, TOUCHING_EM, Run

_NO_SPACE_BEFORE = frozenset(")]},;")  # prose never puts a space before these
MAX_TOKEN_LOOKBACK = 512  # characters: no address or name runs longer (bounds each look back)
MIN_UNSPACED_TOKEN = 24  # characters: a bracket open in a token this long is inside a name
_SENTENCE_ENDS = frozenset(".!?:;")
_CLOSING = " )]'\"\u201d\u2019*_"  # what may close a sentence after its stop
_OPENING = "([\"'\u201c\u2018"  # what may open a phrase before its first word
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_HYPHENS = frozenset(LINE_END_HYPHENS + "-")
_BREAKS_AFTER = "\u2013\u2014/"  # en and em dash, slash: a line may break after one inside a token
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_BRACKETS = frozenset("([")
_COMMA_OR_HYPHEN = frozenset("," + LINE_END_HYPHENS)
_ADDRESS = re.compile(r"://|^[\[(<]?www\.")
_CITATION_YEAR = re.compile(r"(?:1[89]|20)\d\d\s*[;:(]")  # "2022;28(15)", "2019:", "2021(3)"


def word_forms(pages: list[list[Run]]) -> set[str]:
    """Every word the document writes inside a line, hyphenated words whole: the evidence for
    joining a word broken at a line's end with or without its hyphen."""
    return {w.lower() for runs in pages for r in runs for w in _WORDS.findall(r.text)}


def join_lines(lines: Sequence[Sequence[Run]], words: set[str]) -> str:
    """Lines of one block or cell as one line of text: a word broken at a line's end joined.
    Every rule looks back at most ``MAX_TOKEN_LOOKBACK`` characters (``recent``), so a block's
    cost is linear in its length."""
    right = max((r.x1 for line in lines for r in line), default=0.0)
    left = min((line[0].x0 for line in lines), default=0.0)
    parts: list[str] = []
    recent, cut, previous = "", False, ""
    for line in lines:
        piece = line_text(line).translate(_LIGATURES)
        if not parts:
            parts.append(piece)
            recent, cut, previous = piece[-MAX_TOKEN_LOOKBACK:], _cut_at_edge(line, right), piece
            continue
        head = broken_word(recent)
        if head and piece[:1].isalnum():
            tail = _WORDS.match(piece)
            rest = tail.group(0) if tail else ""
            # Hyphenation breaks a word, not a name's capitalised part ("K-" / "Ras(G12C)").
            joined = bool(rest) and not rest[:1].isupper() and (head + rest).lower() in words \
                and f"{head}-{rest}".lower() not in words
            parts[-1], recent = parts[-1][:-1], recent[:-1]
            space = "" if joined else "-"
        elif _no_space(recent, piece, head, cut and _wider_than(recent, piece, line, left, right)) \
                or (cut and not ends_sentence(recent) and recent[-1:] != ","
                    and (_long_token(previous) or (_long_token(piece) and _cut_at_edge(line, right)))):
            space = ""  # the line broke inside a word that holds no space (an address, a name)
        else:
            space = " "
        parts.append(space + piece)
        recent = (recent + space + piece)[-MAX_TOKEN_LOOKBACK:]
        cut, previous = _cut_at_edge(line, right), piece
    out = "".join(parts)
    for mark in LINE_END_HYPHENS:
        out = out.replace(mark, "-" if mark != "\u00ad" else "")
    return out


def _no_space(recent: str, piece: str, head: str, cut_token: bool) -> bool:
    """Whether ``piece`` joins the text before it without a space: it opens with a character
    prose sets no space before; the line broke after a dash or slash inside a token, or after
    a hyphen before a bracket ("N-" / "(2,2,2-trifluoroethyl)", the hyphen kept); or inside a
    bracket a long token opened, cut because no line could hold it (``cut_token``)."""
    first = piece[:1]
    return first in _NO_SPACE_BEFORE or _after_break(recent) or bool(head and first in _BRACKETS) \
        or (cut_token and _inside_long_token(recent))


def _last_token(text: str) -> str:
    """The unspaced token ``text`` ends in, at most ``MAX_TOKEN_LOOKBACK`` characters of it."""
    return text[text.rfind(" ", max(0, len(text) - MAX_TOKEN_LOOKBACK)) + 1:][-MAX_TOKEN_LOOKBACK:]


def _wider_than(text: str, piece: str, line: Sequence[Run], left: float, right: float) -> bool:
    """Whether the token a line break cut is wider than a whole line: only such a token is cut
    where the line ends (a shorter one would have been moved whole to the next line)."""
    token = _last_token(text) + piece.split(" ", 1)[0]
    run = line[0]
    return len(token) * (run.x1 - run.x0) / max(len(run.text), 1) > right - left


def _after_break(text: str) -> bool:
    """Whether the line broke after a dash or a slash inside a token ("10–" / "20 °C", "BRCA2−/"
    / "−", "and/" / "or"): one that follows a character, not a space, joins what comes after
    it without one. An address ending in a slash goes on only inside its open bracket
    ("[https://host/" / "path]"); a bare one may end there ("https://host/" / "for each")."""
    if text[-1:] not in _BREAKS_AFTER or len(text) < 2 or text[-2].isspace():
        return False
    token = _last_token(text)
    return text[-1] != "/" or not _ADDRESS.search(token) or _open_bracket(token)


def _open_bracket(token: str) -> bool:
    """Whether ``token`` holds a bracket it does not close."""
    opened = max(token.rfind(c) for c in "[(<")
    return opened >= 0 and not any(c in token[opened:] for c in "])>")


def line_text(runs: Sequence[Run]) -> str:
    """Runs of one line as text: a space between two runs unless they touch (a raised "9"
    and the "/L" after it are two pieces of one word)."""
    out = runs[0].text
    for before, run in pairwise(runs):
        out += ("" if run.x0 - before.x1 < TOUCHING_EM * run.size else " ") + run.text
    return out


def _cut_at_edge(line: Sequence[Run], right: float) -> bool:
    """Whether a line runs to the block's right edge within two characters: where a producer cuts
    a word too long for a line (a long address or name), the line is full."""
    last = line[-1]
    return right - last.x1 < 2 * (last.x1 - last.x0) / max(len(last.text), 1)


def _long_token(text: str) -> bool:
    """Text that is one unspaced token too long for a word, not ended by a stop or a colon: what
    a producer cuts at a line's end."""
    return " " not in text and len(text) >= MIN_UNSPACED_TOKEN and text[-1] not in _SENTENCE_ENDS | {","}


def broken_word(text: str) -> str:
    """The word a line ends in when it ends broken by a hyphen ("inflam-"), else ''."""
    if text[-1:] not in _HYPHENS:
        return ""
    start = len(text) - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:-1]


def _inside_long_token(text: str) -> bool:
    """Whether ``text`` ends inside a bracket that a long unspaced token opened: an address
    ("[https://host/pa") or a systematic name ("N-(2,2,2-trifl"). Such a token holds no space,
    so a producer that cuts it at a line's end cut one word; a phrase in brackets ("(see") is
    short before its first space."""
    token = _last_token(text)
    return _open_bracket(token) and ("://" in token or len(token) >= MIN_UNSPACED_TOKEN)


def mid_sentence(above: str, below: str) -> bool:
    """Whether a break between ``above`` and ``below`` falls inside a sentence: ``above`` ends
    none, and ``below`` goes on in lower case (an opening bracket or quote before it aside:
    "[pubmed.ncbi.nlm.nih.gov]"), with a number, or after a comma or a broken word. After a
    colon only lower case goes on ("Available at:" / "[https://..."): what a colon introduces
    in capitals or with a number is a block of its own (a list, a table). The caller has
    checked that ``above`` was full."""
    lower = below.lstrip(_OPENING)[:1].islower()
    if ends_sentence(above):
        stop = above.rstrip(_CLOSING)[-1:]
        # After a colon only lower case goes on; after a full stop, a citation's year and volume
        # do ("Clin Cancer Res." / "2022;28(15):3318-3328.": the stop was an abbreviation's).
        return (lower and stop == ":") or (stop == "." and _CITATION_YEAR.match(below) is not None)
    return lower or below[:1].isdigit() or above.rstrip()[-1:] in _COMMA_OR_HYPHEN \
        or bool(broken_word(above))


def ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSING)[-1:] in _SENTENCE_ENDS

