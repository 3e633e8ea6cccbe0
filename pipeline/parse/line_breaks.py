"""Where a line break ends a block: the document's evidence, and each pair of lines.

A text's line breaks mean one of three things, decided once per document: every line
is a block (a compact dump); the text separates its blocks by blank lines, so a break
inside a block is soft (``separates_blocks``); or the text is hard-wrapped at a width
(``wrap_width``). Then each pair of lines is read: the next line may open a block by its
form (a list item, a field, a label or its value, a reference item, a caption), or the
line may stand alone (a heading over its paragraph) or carry on (a line the wrapper
broke). The layout (``layout``) rewrites the text by these readings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.inline import MARKUP_CHARS, clean_inline
from pipeline.vocabulary import QA_LINE, field_label, label_only

MIN_WRAP_EVIDENCE = 4  # fewer line pairs than this cannot show a wrapping width
MIN_FULL_SHARE = 0.5  # hard-wrapped: at least half the continued lines are full to the width
MIN_MID_SENTENCE_SHARE = 0.5  # ... and at least half of those break mid-sentence
WIDTH_PERCENTILE = 0.9  # a few unwrapped long lines (a URL, a heading) do not set the width
MAX_SETEXT_CHARS = 160  # a longer line above "---" is a paragraph before a rule, not a heading
# A text separates its blocks by blank lines when it has at least this many blank-line runs per
# line of prose: a compact dump has next to none, a paragraph soft-broken into ten lines still
# gives 0.1.
MIN_BLANK_SEPARATION = 0.1
MAX_ITEM_CHARS = 40  # a line this short over one that starts anew is an item ("Purity" / "≥98%")

LIST_START = re.compile(r"^\s*(?:[-*+\u2022\u25aa\u25e6\u2023\u00b7]|\d{1,3}[.)])(?:\s|$)")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
# A line that opens a block by its form in any text: a reference item ("[3] Smith J. ..."), a
# figure or table caption ("Figure 2. ...", "Table 1: ...").
_OPENS_BLOCK = re.compile(r"^\s*(?:\\?\[\d{1,4}\\?\]\s|(?:Figure|Fig\.|Table|Scheme)\s+\d+[.:])")
_INNER_SENTENCE = re.compile(r"[a-z)\]][.!?]\s+[A-Z(]")  # "... effects. Here" ends a sentence
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")  # a cell separator, not an escaped "\|"
_DELIMITER_ROW = re.compile(
    r"^\s*+\|?\s*+:?-++:?\s*+(?:\|\s*+:?-++:?\s*+)++\|?\s*$|^\s*+\|\s*+:?-++:?\s*+\|\s*$")
_SENTENCE_END = re.compile(r"[.!?:;]['\")\]]*$")
_FIRST_WORD = re.compile(r"\S+")
_FINISHED = re.compile(r"[.!?]['\")\]]*$")  # a finished sentence; a colon still leads on
# A line ending in a backslash or two spaces asks for a line break (pandoc, html2text): never wrapped.
HARD_BREAK = re.compile(r"(?:\\|  )$")


def wrap_width(lines: Sequence[str], tables: set[int] | None = None) -> int | None:
    """The width a text is hard-wrapped at, or None when its lines are whole blocks.

    A wrapper breaks a line where the next word would not fit, so in wrapped text
    most lines followed by a continuation are "full" (line, space and the next
    line's first word exceed the width) and break mid-sentence. In a text whose
    lines are blocks, consecutive lines are headings, fields and paragraphs of
    every length, and the long ones end their sentence.
    """
    tables = pipe_table_lines(lines) if tables is None else tables
    # A line without a space (an InChI string, a URL) is as long as it is, wrapped or not.
    pairs = [(a.rstrip(), lines[k + 1]) for k, a in enumerate(lines[:-1])
             if k not in tables and k + 1 not in tables and is_prose(a) and " " in a.strip()
             and continues(lines[k + 1])]
    if len(pairs) < MIN_WRAP_EVIDENCE:
        return None
    lengths = sorted(len(a) for a, _ in pairs)
    width = lengths[min(len(lengths) - 1, int(len(lengths) * WIDTH_PERCENTILE))]
    full = [a for a, b in pairs if _is_full(a, b, width)]
    if len(full) < MIN_WRAP_EVIDENCE - 1 or len(full) < MIN_FULL_SHARE * len(pairs):
        return None
    mid_sentence = sum(1 for a in full if not _SENTENCE_END.search(a))
    return width if mid_sentence >= MIN_MID_SENTENCE_SHARE * len(full) else None


def separates_blocks(lines: Sequence[str], tables: set[int] | None = None) -> bool:
    """The text separates its blocks by blank lines, so a line break inside a block is soft.

    Counted on lines of prose (table rows and list items run on without blank lines in
    any layout): a compact dump has no blank lines, or a few around its tables.
    """
    tables = pipe_table_lines(lines) if tables is None else tables
    prose = sum(1 for k, line in enumerate(lines)
                if k not in tables and is_prose(line) and not LIST_START.match(line))
    first = next((k for k, line in enumerate(lines) if line.strip()), len(lines))
    runs = sum(1 for k in range(first + 1, len(lines))  # blank lines between two blocks
               if lines[k].strip() and not lines[k - 1].strip())
    return prose > 0 and runs >= MIN_BLANK_SEPARATION * prose


def joins(lines: Sequence[str], k: int, width: int | None, soft: bool) -> bool:
    """Line ``k + 1`` (0-based) carries on the block of line ``k``: a soft break in a text that
    separates its blocks by blank lines, else a hard-wrapped line's continuation."""
    if soft:
        return _soft_break(lines, k, width)
    return width is not None and _wraps(lines, k, width) and not _stands_alone(lines, k + 1, width)


def _wraps(lines: Sequence[str], k: int, width: int) -> bool:
    """Line ``k`` (0-based) was broken by the wrapper and the next line carries on its text.

    A ``#`` heading wraps like prose (html2text wraps them); a known label alone on its
    line and the value line under it are lines of their own, however long the value.
    """
    line, following = lines[k], lines[k + 1]
    return ((is_prose(line) or bool(_ATX.match(line))) and continues(following)
            and _is_full(line.rstrip(), following, width) and not HARD_BREAK.search(line)
            and not is_label(line) and not (k > 0 and is_label(lines[k - 1])))


def _soft_break(lines: Sequence[str], k: int, width: int | None) -> bool:
    """Line ``k`` (0-based) and the next are one block of a text that separates its blocks by
    blank lines: the next line opens no block by its form (a list item, a field, a label or
    its value, a reference item, a figure or table caption), and line ``k`` is no heading or
    short item over a line that starts anew ("Storage" over "Keep the vial cold.", "Purity"
    over "≥98%"). Only the document's wrapping width says otherwise: a line the wrapper
    broke is full to it (``wrap_width``); a "#" heading is one line unless so wrapped."""
    line, following = lines[k], lines[k + 1]
    atx = bool(_ATX.match(line))
    if not ((is_prose(line) or atx) and continues(following)) or HARD_BREAK.search(line):
        return False
    if is_label(line) or is_label(following) or (k > 0 and is_label(lines[k - 1])):
        return False
    if _OPENS_BLOCK.match(following):
        return False
    wrapped = width is not None and _is_full(line.rstrip(), following, width)
    if atx:  # html2text wraps a long heading with its paragraphs
        return wrapped
    starts_anew = not (following[:1].isspace() or following[:1].islower() or following[:1] in "([")
    text = strip_markers(line)
    item = (len(line.strip()) <= MAX_ITEM_CHARS and not _SENTENCE_END.search(text)
            and field_label(text) is None)  # "Address: 3281 E Guasti Rd" runs on
    stands = starts_anew and (_heading_like(line) or item)
    return wrapped or not stands


def _heading_like(line: str) -> bool:
    """A line that reads as a heading: it starts with a capital or a digit, holds one phrase
    (no sentence ends inside it or at its end, no clause left open) and leaves no bracket
    open; a field line ("To cite this document: ...") is never one."""
    text = strip_markers(line)
    return (bool(text) and len(text) <= MAX_SETEXT_CHARS and (text[0].isupper() or text[0].isdigit())
            and not _SENTENCE_END.search(text) and not _INNER_SENTENCE.search(text)
            and not text.endswith(",") and field_label(text) is None
            and text.count("[") <= text.count("]") and text.count("(") <= text.count(")"))


def _stands_alone(lines: Sequence[str], k: int, width: int) -> bool:
    """Line ``k`` (0-based) after a finished sentence is a line of its own, not the paragraph's
    last: it does not finish a sentence and is not full itself (a heading such as "Clinical
    Translation: SOLO-1" after a paragraph, with no blank line between them). A wrapper's
    last line of a paragraph finishes its sentence, and an indented line continues its item."""
    line = lines[k].rstrip()
    if line[:1].isspace() or line[:1].islower():
        return False  # a hanging indent carries on a list item; a lower-case word, a sentence
    above = lines[k - 1]
    if above.count("[") > above.count("]") or above.count("(") > above.count(")"):
        return False  # the line above left a bracket open: this line closes it
    after = lines[k + 1] if k + 1 < len(lines) else ""
    full = continues(after) and _is_full(line, after, width)
    return (bool(_FINISHED.search(strip_markers(lines[k - 1].rstrip())))
            and not _SENTENCE_END.search(strip_markers(line)) and not full)


def strip_markers(line: str) -> str:
    """The line's clean text: no markup, no citation markers ("...therapy.[9][10]"); a line
    with no markup character is its own clean text, and is not read again."""
    if not MARKUP_CHARS.search(line):
        return line.strip()
    return clean_inline(line).text


def is_label(line: str) -> bool:
    """A known field label alone on its line ("IUPAC Name"): its value is a line of its own."""
    return label_only(line) is not None


def is_prose(line: str) -> bool:
    """A line a wrapper may have broken: text, not an underline, a fence or a heading."""
    return bool(line.strip()) and not (UNDERLINE.match(line) or FENCE.match(line)
                                       or _ATX.match(line))


def continues(line: str) -> bool:
    """A line that may continue the one above: text that does not open a block of its own
    (a list item, a known "Label:" field such as "Author:" or "Caption:", a "Q1:" line)."""
    if not is_prose(line) or LIST_START.match(line):
        return False
    text = strip_markers(line)
    return field_label(text) is None and not QA_LINE.match(text)


def _is_full(line: str, following: str, width: int) -> bool:
    word = _FIRST_WORD.search(following)
    return len(line) + 1 + (len(word.group(0)) if word else 0) > width


def pipe_table_lines(lines: Sequence[str]) -> set[int]:
    """0-based indexes of the lines of pipe tables: runs of lines with pipes that hold a
    delimiter row. A pipe in a sentence or a reference title is text."""
    rows: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].strip() and UNESCAPED_PIPE.search(lines[j]):
            j += 1
        if j > i + 1 and any(_DELIMITER_ROW.match(lines[k]) for k in range(i + 1, j)):
            rows.update(range(i, j))
        i = max(j, i + 1)
    return rows
