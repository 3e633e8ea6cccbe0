"""Lines to logical blocks by the evidence of the layout, whatever the file is called.

The same guide reaches us with blocks separated by blank lines or by nothing,
with each paragraph on one line or hard-wrapped at a fixed width. This module
rewrites a text into one logical line per block with a blank line between
blocks, and keeps a map back to the source lines, so that the Markdown
tokenizer reads every layout alike:

- a line is a block of its own (blank lines are optional everywhere), except
- in a text that separates its blocks by blank lines, a line break inside a
  block is soft (CommonMark's reading): the lines between blank lines are one
  block unless a line's own form opens a block of its own (a list item, a
  field line, a table row, a heading) -- one sentence per line, a converter's
  kept source breaks and wrapping at any width alike;
- in a hard-wrapped text without blank lines between its blocks, a line that
  the wrapper broke (the next word would not have fit in the width) continues
  on the next line; list items with their hanging indent included;
- a list marker alone on its line takes the next line as its text;
- the rows of a pipe table, a setext heading's underline and a fenced code
  block stay together as they are.

Both are decided once per document from evidence (``separates_blocks``,
``wrap_width``), never from the file's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.inline import clean_inline
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

_LIST_START = re.compile(r"^\s*(?:[-*+\u2022\u25aa\u25e6\u2023\u00b7]|\d{1,3}[.)])(?:\s|$)")
# A list marker alone on its line: the item's text is on the next line.
_LONE_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s*$")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
# A line that opens a block by its form in any text: a reference item ("[3] Smith J. ..."), a
# figure or table caption ("Figure 2. ...", "Table 1: ...").
_OPENS_BLOCK = re.compile(r"^\s*(?:\\?\[\d{1,4}\\?\]\s|(?:Figure|Fig\.|Table|Scheme)\s+\d+[.:])")
_MARKUP = re.compile(r"[*_\[\]!^`\\&<]")  # characters inline markup is made of
_INNER_SENTENCE = re.compile(r"[a-z)\]][.!?]\s+[A-Z(]")  # "... effects. Here" ends a sentence
_HTML_START = re.compile(r"^\s{0,3}</?[A-Za-z][\w-]*+(?:\s|/?>|$)")  # an HTML block opens (CommonMark)
_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER_ROW = re.compile(
    r"^\s*+\|?\s*+:?-++:?\s*+(?:\|\s*+:?-++:?\s*+)++\|?\s*$|^\s*+\|\s*+:?-++:?\s*+\|\s*$")
_SENTENCE_END = re.compile(r"[.!?:;]['\")\]]*$")
_FIRST_WORD = re.compile(r"\S+")
_FINISHED = re.compile(r"[.!?]['\")\]]*$")  # a finished sentence; a colon still leads on
# A line ending in a backslash or two spaces asks for a line break (pandoc, html2text): never wrapped.
_HARD_BREAK = re.compile(r"(?:\\|  )$")
_BROKEN_AT_HYPHEN = re.compile(r"[A-Za-z0-9]-$")  # "internal-" / "standard": one word


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    start: int  # 1-based source line of its first part
    end: int  # 1-based source line of its last part
    kept: bool = False  # a line of an HTML block: it stays under the line above, as written


@dataclass(frozen=True, slots=True)
class Layout:
    """The text rewritten one block per line, and each rewritten line's source lines."""

    text: str
    spans: tuple[tuple[int, int], ...]  # per rewritten line (0-based): first and last source line

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source lines (1-based, inclusive) of rewritten lines ``start``..``end`` (0-based, exclusive)."""
        return self.spans[start][0], self.spans[max(start, end - 1)][1]


def relayout(lines: Sequence[str], width: int | None, first_line: int = 1, *,
             soft: bool = False, tables: set[int] | None = None) -> Layout:
    """One logical line per block, blank lines between blocks, pipe tables kept whole.

    ``lines`` are source lines from ``first_line`` (1-based) on; ``width`` is the
    document's wrapping width (``wrap_width``), None when its lines are blocks;
    ``soft``: the document separates its blocks by blank lines (``separates_blocks``);
    ``tables``: the pipe-table lines of ``lines`` when the caller has found them already.
    """
    logical = [Line(line.text, line.start + first_line - 1, line.end + first_line - 1, line.kept)
               for line in logical_lines(lines, width, soft=soft, tables=tables)]
    table_rows = pipe_table_lines([line.text for line in logical])
    fenced = _fenced(logical)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, line in enumerate(logical):
        if out and not (fenced[i] or line.kept or _stays_with_previous(logical, i, table_rows)):
            out.append("")
            spans.append((line.start, line.start))
        out.append(line.text)
        spans.append((line.start, line.end))
    return Layout("\n".join(out), tuple(spans))


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
             if k not in tables and k + 1 not in tables and _is_prose(a) and " " in a.strip()
             and _continues(lines[k + 1])]
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
                if k not in tables and _is_prose(line) and not _LIST_START.match(line))
    first = next((k for k, line in enumerate(lines) if line.strip()), len(lines))
    runs = sum(1 for k in range(first + 1, len(lines))  # blank lines between two blocks
               if lines[k].strip() and not lines[k - 1].strip())
    return prose > 0 and runs >= MIN_BLANK_SEPARATION * prose


def logical_lines(lines: Sequence[str], width: int | None, *, soft: bool = False,
                  tables: set[int] | None = None) -> list[Line]:
    """Non-blank lines as blocks; between blank lines in a ``soft`` text, a block's lines are
    one (an HTML block's lines stay as written, up to the blank line that ends it); in
    wrapped text a full line takes the next one with it."""
    out: list[tuple[list[str], int, int, bool]] = []  # parts (joined once, at the end), span, kept
    in_fence = in_html = False
    tables = pipe_table_lines(lines) if tables is None else tables
    for number, raw in enumerate(lines, start=1):
        if _FENCE.match(raw):
            in_fence = not in_fence
        if not raw.strip() and not in_fence:
            in_html = False
            continue
        parts, start, end, _ = out[-1] if out else ([], 0, 0, False)
        follows = bool(parts) and end == number - 1  # no blank line between it and the last
        if in_html and follows:
            out.append(([raw.rstrip()], number, number, True))
            continue
        if soft and not follows and _HTML_START.match(raw):
            in_html = True
        if follows and len(parts) == 1 and _LONE_MARKER.match(parts[0]) \
                and _continues(raw) and not _is_underline_of(lines, start):
            parts[0] = parts[0].rstrip()
            parts.append(f" {raw.strip()}")
            out[-1] = (parts, start, number, False)
            continue
        if (follows and not in_fence and not in_html and not {number - 2, number - 1} & tables
                and _joins(lines, number - 2, width, soft)):
            _join(parts, raw.strip())
            out[-1] = (parts, start, number, False)
            continue
        out.append(([_HARD_BREAK.sub("", raw.rstrip())], number, number, False))
    return [Line("".join(parts), start, end, kept) for parts, start, end, kept in out]


def _joins(lines: Sequence[str], k: int, width: int | None, soft: bool) -> bool:
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
    return ((_is_prose(line) or bool(_ATX.match(line))) and _continues(following)
            and _is_full(line.rstrip(), following, width) and not _HARD_BREAK.search(line)
            and not _is_label(line) and not (k > 0 and _is_label(lines[k - 1])))


def _soft_break(lines: Sequence[str], k: int, width: int | None) -> bool:
    """Line ``k`` (0-based) and the next are one block of a text that separates its blocks by
    blank lines: the next line opens no block by its form (a list item, a field, a label or
    its value, a reference item, a figure or table caption), and line ``k`` is no heading or
    short item over a line that starts anew ("Storage" over "Keep the vial cold.", "Purity"
    over "≥98%"). Only the document's wrapping width says otherwise: a line the wrapper
    broke is full to it (``wrap_width``); a "#" heading is one line unless so wrapped."""
    line, following = lines[k], lines[k + 1]
    atx = bool(_ATX.match(line))
    if not ((_is_prose(line) or atx) and _continues(following)) or _HARD_BREAK.search(line):
        return False
    if _is_label(line) or _is_label(following) or (k > 0 and _is_label(lines[k - 1])):
        return False
    if _OPENS_BLOCK.match(following):
        return False
    wrapped = width is not None and _is_full(line.rstrip(), following, width)
    if atx:  # html2text wraps a long heading with its paragraphs
        return wrapped
    starts_anew = not (following[:1].isspace() or following[:1].islower() or following[:1] in "([")
    text = _strip_markers(line)
    item = (len(line.strip()) <= MAX_ITEM_CHARS and not _SENTENCE_END.search(text)
            and field_label(text) is None)  # "Address: 3281 E Guasti Rd" runs on
    stands = starts_anew and (_heading_like(line) or item)
    return wrapped or not stands


def _heading_like(line: str) -> bool:
    """A line that reads as a heading: it starts with a capital or a digit, holds one phrase
    (no sentence ends inside it or at its end, no clause left open) and leaves no bracket
    open; a field line ("To cite this document: ...") is never one."""
    text = _strip_markers(line)
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
    full = _continues(after) and _is_full(line, after, width)
    return (bool(_FINISHED.search(_strip_markers(lines[k - 1].rstrip())))
            and not _SENTENCE_END.search(_strip_markers(line)) and not full)


def _strip_markers(line: str) -> str:
    """The line's clean text: no markup, no citation markers ("...therapy.[9][10]"); a line
    with no markup character is its own clean text, and is not read again."""
    if not _MARKUP.search(line):
        return line.strip()
    return clean_inline(line).text


def _join(parts: list[str], more: str) -> None:
    """A wrapped line's parts take its continuation; a word the wrapper broke at its hyphen is
    whole again. Only the last part is looked at, so a long paragraph joins in linear time."""
    last = _HARD_BREAK.sub("", parts[-1].rstrip())
    parts[-1] = last
    more = _HARD_BREAK.sub("", more)
    parts.append(more if _BROKEN_AT_HYPHEN.search(last[-2:]) else f" {more}")


def _is_label(line: str) -> bool:
    """A known field label alone on its line ("IUPAC Name"): its value is a line of its own."""
    return label_only(line) is not None


def _is_underline_of(lines: Sequence[str], number: int) -> bool:
    """Line ``number`` (1-based) underlines the text line above it (a setext heading)."""
    above = lines[number - 2] if number >= 2 else ""
    return bool(_UNDERLINE.match(lines[number - 1])) and _is_prose(above) \
        and not _LIST_START.match(above)


def pipe_table_lines(lines: Sequence[str]) -> set[int]:
    """0-based indexes of the lines of pipe tables: runs of lines with pipes that hold a
    delimiter row. A pipe in a sentence or a reference title is text."""
    rows: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].strip() and _PIPE.search(lines[j]):
            j += 1
        if j > i + 1 and any(_DELIMITER_ROW.match(lines[k]) for k in range(i + 1, j)):
            rows.update(range(i, j))
        i = max(j, i + 1)
    return rows


def _is_prose(line: str) -> bool:
    """A line a wrapper may have broken: text, not an underline, a fence or a heading."""
    return bool(line.strip()) and not (_UNDERLINE.match(line) or _FENCE.match(line)
                                       or _ATX.match(line))


def _continues(line: str) -> bool:
    """A line that may continue the one above: text that does not open a block of its own
    (a list item, a known "Label:" field such as "Author:" or "Caption:", a "Q1:" line)."""
    if not _is_prose(line) or _LIST_START.match(line):
        return False
    text = _strip_markers(line)
    return field_label(text) is None and not QA_LINE.match(text)


def _is_full(line: str, following: str, width: int) -> bool:
    word = _FIRST_WORD.search(following)
    return len(line) + 1 + (len(word.group(0)) if word else 0) > width


def _stays_with_previous(lines: Sequence[Line], i: int, table_rows: set[int]) -> bool:
    """No blank line before ``lines[i]``: the next row of a table, a setext underline."""
    if i in table_rows and i - 1 in table_rows:
        return True
    above = lines[i - 1].text
    return bool(_UNDERLINE.match(lines[i].text) and _is_prose(above)
                and not _LIST_START.match(above) and len(above.strip()) <= MAX_SETEXT_CHARS)


def _fenced(lines: Sequence[Line]) -> list[bool]:
    """Per line: inside a fenced code block, after its opening fence (kept as written)."""
    flags: list[bool] = []
    inside = False
    for line in lines:
        flags.append(inside)
        if _FENCE.match(line.text):
            inside = not inside
    return flags
