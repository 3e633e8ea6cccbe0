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


def word_forms(pages: list[list[Run]]) -> set[str]:
    """Every word the document writes inside a line, hyphenated words whole: the evidence for
    joining a word broken at a line's end with or without its hyphen."""
    return {w.lower() for runs in pages for r in runs for w in _WORDS.findall(r.text)}


def join_lines(lines: Sequence[Sequence[Run]], words: set[str]) -> str:
    """Lines of one block or cell as one line of text: a word broken at a line's end joined."""
    right = max((r.x1 for line in lines for r in line), default=0.0)
    left = min((line[0].x0 for line in lines), default=0.0)
    out, cut, previous = "", False, ""
    for line in lines:
        piece = line_text(line).translate(_LIGATURES)
        if not out:
            out, cut, previous = piece, _cut_at_edge(line, right), piece
            continue
        head = broken_word(out)
        if head and piece[:1].isalnum():
            tail = _WORDS.match(piece)
            rest = tail.group(0) if tail else ""
            # Hyphenation breaks a word, not a name's capitalised part ("K-" / "Ras(G12C)").
            joined = bool(rest) and not rest[:1].isupper() and (head + rest).lower() in words \
                and f"{head}-{rest}".lower() not in words
            out = out[:-1] + ("" if joined else "-") + piece
        elif piece[:1] in _NO_SPACE_BEFORE or _after_break(out) or (head and piece[:1] in "([") \
                or (cut and _inside_long_token(out) and _wider_than(out, piece, line, left, right)) \
                or (cut and (_long_token(previous) or (_long_token(piece) and _cut_at_edge(line, right)))):
            out += piece  # the line broke inside a word that holds no space (an address, a name,
            # "N-" / "(2,2,2-trifluoroethyl)": a hyphen before a bracket is kept)
        else:
            out += " " + piece
        cut, previous = _cut_at_edge(line, right), piece
    for mark in LINE_END_HYPHENS:
        out = out.replace(mark, "-" if mark != "\u00ad" else "")
    return out


def _wider_than(text: str, piece: str, line: Sequence[Run], left: float, right: float) -> bool:
    """Whether the token a line break cut is wider than a whole line: only such a token is cut
    where the line ends (a shorter one would have been moved whole to the next line)."""
    token = text[text.rfind(" ", max(0, len(text) - MAX_TOKEN_LOOKBACK)) + 1:] + piece.split(" ", 1)[0]
    run = line[0]
    return len(token) * (run.x1 - run.x0) / max(len(run.text), 1) > right - left


def _after_break(text: str) -> bool:
    """Whether the line broke after a dash or a slash inside a token ("10–" / "20 °C", "BRCA2−/"
    / "−", "and/" / "or"): one that follows a character, not a space, joins what comes after
    it without one."""
    return text[-1:] in _BREAKS_AFTER and len(text) > 1 and not text[-2].isspace()


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
    token = text[text.rfind(" ", max(0, len(text) - MAX_TOKEN_LOOKBACK)) + 1:][-MAX_TOKEN_LOOKBACK:]
    opened = max(token.rfind(c) for c in "[(<")
    if opened < 0 or any(c in token[opened:] for c in "])>"):
        return False
    return "://" in token or len(token) >= MIN_UNSPACED_TOKEN


def mid_sentence(above: str, below: str) -> bool:
    """Whether a break between ``above`` and ``below`` falls inside a sentence: ``above`` ends
    none, and ``below`` goes on in lower case (an opening bracket or quote before it aside:
    "[pubmed.ncbi.nlm.nih.gov]"), with a number, or after a comma or a broken word. After a
    colon only lower case goes on ("Available at:" / "[https://..."): what a colon introduces
    in capitals or with a number is a block of its own (a list, a table). The caller has
    checked that ``above`` was full, so a full stop may be an abbreviation's."""
    lower = below.lstrip(_OPENING)[:1].islower()
    if ends_sentence(above):
        stop = above.rstrip(_CLOSING)[-1:]
        # After a colon only lower case goes on; after a full stop a number does, as a citation's
        # journal abbreviation ends its line ("Clin Cancer Res." / "2022;28(15):3318-3328.").
        return (lower and stop == ":") or (stop == "." and below[:1].isdigit())
    return lower or below[:1].isdigit() or above.rstrip()[-1:] in "," + LINE_END_HYPHENS \
        or bool(broken_word(above))


def ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSING)[-1:] in _SENTENCE_ENDS

