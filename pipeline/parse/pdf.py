"""A PDF guide to blocks: its text layer's geometry read back into the block vocabulary.

A PDF holds no blocks, only words placed on pages (``pdf_pages``). The blocks are
recovered from the geometry by evidence, per document, and made directly as the
other parsers make them; the rules every parser shares (``nest_under_labels``,
``mark_headings``) then run, so every normalize rule applies unchanged:

- running heads and feet go: a run on a page's first or last lines, set apart from
  the body by more than a line's spacing, that repeats at the same place on most
  pages (digits aside: "3/8"), or that is the page's own number;
- tables are runs of lines set in two or more columns with empty gutters between
  them (``pdf_tables``); they become table blocks as the tab-separated reader
  gives them;
- the other lines join into blocks: a line continues the block above when it
  follows at the body's line spacing, in the same font and at the same left edge,
  and the line above was full (the next word would not have fit: the wrapper
  broke it), as the text layout reader decides for a hard-wrapped dump;
- a block set in a larger font than the body, or in bold, and short, is a
  heading; its level is the rank of its font among the headings' fonts;
- a block opened by a drawn bullet, a bullet character or a number is a list
  item, its depth the rank of its indent (an indent alone makes no item: figures
  and quotes are indented too);
- words broken at a line's end are joined (the hyphen kept when the document
  writes the word with one elsewhere, or when PDFium cannot tell), ligatures
  are written out.

Every block keeps its lines: a PDF's lines are numbered through the document,
page after page, until the records are built (``validate`` gives them as page and
line within the page).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock, Parsed, TableBlock
from pipeline.parse.headings import mark_headings
from pipeline.parse.lists import nest_under_labels
from pipeline.parse.pdf_guard import guarded
from pipeline.parse.pdf_pages import (
    BULLETS,
    LINE_END_HYPHENS,
    NUMBER_MARKER,
    TOUCHING_EM,
    Page,
    Run,
    by_line,
    has_script,
    read_pages,
)
from pipeline.parse.pdf_tables import Cell, Table, find_tables

MIN_REPEAT_SHARE = 0.5  # a run on this share of the pages, at the same place, is a running head
EDGE_LINES = 2  # running heads and feet sit on a page's first or last lines
MARGIN_GAP_EM = 1.5  # ... with more than a line's spacing (1.1-1.3 em) between them and the body
HEADING_SIZE_RATIO = 1.05  # a font this much larger than the body's sets a heading
MAX_HEADING_CHARS = 160  # the longest titles in the family; a bold paragraph is no heading
LINE_SPACING_SLACK = 1.3  # a step this much over the body's line spacing parts two blocks
MIN_LINE_STEP, DEFAULT_LINE_STEP = 0.8, 1.2  # baseline to baseline, in ems
INDENT_EM = 0.75  # a left edge this far in from the body's is an indent
FIRST_LINE_INDENT_EM = 3.0  # a paragraph's first line may start this far in (LaTeX: 1.5 em)
SCRIPT_LEADING_EM = 0.5  # a sub- or superscript may add this to its line's height

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?(\d{1,4})(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_DIGITS = re.compile(r"\d+")
_BULLET = re.compile(rf"^[{BULLETS}]\s+")
_NO_SPACE_BEFORE = frozenset(")]},;")  # prose never puts a space before these
MAX_TOKEN_LOOKBACK = 512  # characters: no address or name runs longer (bounds each look back)
MIN_UNSPACED_TOKEN = 24  # characters: a bracket open in a token this long is inside a name
_SENTENCE_ENDS = frozenset(".!?:;")
_CLOSING = " )]'\"\u201d\u2019*_"  # what may close a sentence after its stop
_NUMBERED = re.compile(rf"^{NUMBER_MARKER}\s+")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_HYPHENS = frozenset(LINE_END_HYPHENS + "-")
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@dataclass(frozen=True, slots=True)
class PdfText:
    """What a PDF's text layer gave: its blocks and where each page's lines start."""

    parsed: Parsed
    page_starts: tuple[int, ...]  # the document line of each page's first line (1-based)


def parse(data: bytes) -> PdfText:
    """Blocks of a PDF guide, each with its document lines."""
    import pypdfium2  # noqa: F401 -- loaded here, once, not in every reader's child process

    pages = guarded(read_pages, data)
    starts, first = [], 1
    for page in pages:
        starts.append(first)
        first += page.line_count
    kept = [[r._replace(line=r.line + start - 1) for r in runs]
            for runs, start in zip(_without_running_text(pages), starts, strict=True)]
    bulleted = frozenset(k + start - 1 for page, start in zip(pages, starts, strict=True)
                         for k in page.bulleted)
    blocks = mark_headings(list(nest_under_labels(_read_blocks(kept, [p.rules for p in pages], bulleted))))
    return PdfText(Parsed(tuple(blocks)), tuple(starts))


def page_texts(data: bytes) -> list[list[str]]:
    """Each page's text, line by line, as the reader numbers the lines records give."""
    import pypdfium2  # noqa: F401 -- loaded once, before the reader's child is forked

    return [page.lines() for page in guarded(read_pages, data)]


# --- running heads and feet -------------------------------------------------------------


def _without_running_text(pages: Sequence[Page]) -> list[list[Run]]:
    """Each page's runs without its running heads, feet and page numbers."""
    edge = [_margin_lines(p) for p in pages]
    seen: Counter[tuple[str, int]] = Counter()
    for page, lines in zip(pages, edge, strict=True):
        seen.update({_place(r) for r in page.runs if r.line in lines})
    least = max(2, MIN_REPEAT_SHARE * len(pages))
    return [[r for r in page.runs
             if r.line not in lines or not (seen[_place(r)] >= least or _page_number(r.text, page.number))]
            for page, lines in zip(pages, edge, strict=True)]


def _page_number(text: str, number: int) -> bool:
    """A page's own number, alone or as "3/8", "Page 3", "3 of 8" (on a margin line only)."""
    match = _PAGE_NUMBER.match(text)
    return match is not None and int(match.group(1)) == number


def _margin_lines(page: Page) -> set[int]:
    """The page's first and last lines that stand apart from the body by more than a line's
    spacing: where running heads and feet sit (a table's header row at the top of a page, or
    its last row at the bottom, is no such line)."""
    lines = [line[0] for line in by_line(sorted(page.runs, key=lambda r: r.line))]
    found: set[int] = set()
    for edge in (lines, lines[::-1]):
        for k in range(min(EDGE_LINES, len(edge) - 1)):
            if abs(edge[k + 1].base - edge[k].base) > MARGIN_GAP_EM * edge[k].size:
                found.update(r.line for r in edge[:k + 1])  # these lines, then a gap, then the body
                break
    return found


def _place(run: Run) -> tuple[str, int]:
    return _DIGITS.sub("#", run.text), round(run.base / 2)


# --- blocks from lines ------------------------------------------------------------------


@dataclass(slots=True)
class _Block:
    runs: list[Run]
    kind: str = "paragraph"  # paragraph, heading, item
    level: int = 0  # a heading's level, an item's depth


def _read_blocks(pages: list[list[Run]], rules: Sequence[Sequence[float]],
                 bulleted: frozenset[int]) -> list[Block]:
    """The document's blocks, in reading order, each with its document lines."""
    body = _body(pages)
    words = _word_forms(pages)
    items: list[tuple[int, _Block | Table]] = []
    ends_in_table = False
    for number, runs in enumerate(pages):
        tables, rest = find_tables(runs, body.line_step, rules[number], ends_in_table)
        ends_in_table = bool(tables) and (not rest or tables[-1].lines[-1][1] > rest[-1].line)
        items.extend((number, t) for t in tables)
        items.extend((number, b) for b in _blocks(rest, body, bulleted))
    items.sort(key=lambda item: _first_line(item[1]))
    items = _join_continued_tables(_join_continued_blocks(items, bulleted, body))
    headings = _heading_levels([b for _, b in items if isinstance(b, _Block) and b.kind == "heading"])
    return [_table_block(item, words) if isinstance(item, Table) else _text_block(item, words, headings)
            for _, item in items]


def _table_block(table: Table, words: set[str]) -> TableBlock:
    """A table as the tab-separated reader gives it: the first row the header, every row as
    wide as the columns (the layout closes each row), each row at its first line."""
    header, *rows = (tuple(_join_lines(cell, words) for cell in row) for row in table.rows)
    return TableBlock(header, tuple(rows), tuple(first for first, _ in table.lines[1:]),
                      table.lines[0][0], table.lines[-1][1], tuple(len(r) for r in rows), closed=True)


def _text_block(block: _Block, words: set[str], headings: dict[tuple[float, bool], int]) -> Block:
    text = _join_lines([[r] for r in block.runs], words)
    first, last = block.runs[0].line, block.runs[-1].line
    if block.kind == "heading":
        return HeadingBlock(text, headings[_style(block)], first, last)
    if block.kind == "item":
        number = _NUMBERED.match(text)
        marker = number or _BULLET.match(text)
        return ListItemBlock(text[marker.end():] if marker else text, block.level,
                             int(number.group(1)) if number else None, first, last)
    return ParagraphBlock(text, first, last)


def _first_line(item: _Block | Table) -> int:
    return item.runs[0].line if isinstance(item, _Block) else item.lines[0][0]


@dataclass(frozen=True, slots=True)
class _Body:
    size: float  # the body text's font size
    left: float  # the body's left edge
    right: float  # the body's right edge
    line_step: float  # baseline to baseline inside a paragraph, in ems


def _body(pages: list[list[Run]]) -> _Body:
    """The body text's font size, edges and line spacing: the most used of each."""
    sizes: Counter[float] = Counter()
    lefts: Counter[float] = Counter()
    for runs in pages:
        for r in runs:
            sizes[round(r.size, 1)] += len(r.text)
    size = sizes.most_common(1)[0][0] if sizes else 10.0
    steps: list[float] = []
    rights: list[float] = []
    for runs in pages:
        body = [r for r in runs if abs(r.size - size) < 0.5]
        for r in body:
            lefts[round(r.x0)] += 1
            rights.append(r.x1)
        for a, b in pairwise(body):
            if b.line == a.line + 1 and abs(a.x0 - b.x0) < 1:
                steps.append((b.base - a.base) / size)
    # The step inside a paragraph is the smallest common one (one-line paragraphs add larger ones).
    steps = sorted(s for s in steps if s > MIN_LINE_STEP)
    step = steps[len(steps) // 10] if steps else DEFAULT_LINE_STEP
    left = lefts.most_common(1)[0][0] if lefts else 0.0
    right = sorted(rights)[int(len(rights) * 0.95)] if rights else 0.0
    return _Body(size, float(left), right, step)


def _blocks(runs: list[Run], body: _Body, bulleted: frozenset[int]) -> list[_Block]:
    """The page's lines outside tables joined into blocks (see the module's reasons)."""
    merged = [_merge(line) for line in by_line(runs)]
    blocks: list[_Block] = []
    for run in merged:
        if blocks and run.line not in bulleted and _continues(blocks[-1].runs[-1], run,
                                                              _left_edge(blocks[-1].runs), body):
            blocks[-1].runs.append(run)
        else:
            blocks.append(_Block([run]))
    for block in blocks:
        _classify(block, body, block.runs[0].line in bulleted)
    _list_depths([b for b in blocks if b.kind == "item"])
    return blocks


def _merge(line: list[Run]) -> Run:
    """A line's runs as one (runs outside a table are pieces of one line of text)."""
    if len(line) == 1:
        return line[0]
    first = line[0]
    return Run(_line_text(line), first.x0, max(r.x1 for r in line), first.base,
               first.size, all(r.bold for r in line), first.line)


def _line_text(runs: Sequence[Run]) -> str:
    """Runs of one line as text: a space between two runs unless they touch (a raised "9"
    and the "/L" after it are two pieces of one word)."""
    out = runs[0].text
    for before, run in pairwise(runs):
        out += ("" if run.x0 - before.x1 < TOUCHING_EM * run.size else " ") + run.text
    return out


def _continues(above: Run, run: Run, first: Run, body: _Body) -> bool:
    """Whether ``run`` goes on with the block whose last line is ``above``, on the line below."""
    # A line holding a sub- or superscript is taller: the step to the next may grow by its shift.
    slack = SCRIPT_LEADING_EM if has_script(above.text) or has_script(run.text) else 0.0
    if run.line != above.line + 1 \
            or run.base - above.base > (LINE_SPACING_SLACK * body.line_step + slack) * run.size:
        return False
    return _goes_on(above, run, first, body)


def _left_edge(runs: list[Run]) -> Run:
    """The line that sets a block's left edge: its first, or its second when the first was
    indented (a paragraph's first-line indent)."""
    return runs[1] if len(runs) > 1 and runs[1].x0 < runs[0].x0 else runs[0]


def _opens_item(text: str) -> bool:
    """A line that starts with a list item's marker: a bullet character or a number."""
    return bool(_BULLET.match(text) or _NUMBERED.match(text))


def _goes_on(above: Run, run: Run, first: Run, body: _Body) -> bool:
    """Whether ``run``, on a line after ``above``, reads as more of the block that ``first`` opens:
    the same font, no marker of its own, the block's left edge, and ``above`` was full."""
    if run.size != above.size or run.bold != above.bold:
        return False
    word = run.text.split(" ", 1)[0]
    char_width = (run.x1 - run.x0) / max(len(run.text), 1)
    full = body.right - above.x1 < (len(word) + 1) * char_width  # the next word would not have fit
    hanging = _opens_item(first.text) and run.x0 > first.x0
    if _opens_item(run.text) and not _broken_word(above.text) \
            and not (hanging and full and run.x0 > first.x0 + INDENT_EM / 2 * run.size):
        return False  # a marker opens an item, unless the line goes on a broken word or a full
        # line at the hanging indent of the item's own marker ("- PubMed" wrapped off a title)
    indented = above is first and 0 < first.x0 - run.x0 <= FIRST_LINE_INDENT_EM * run.size \
        and not _opens_item(first.text)
    if abs(run.x0 - first.x0) > INDENT_EM * run.size and not (hanging or indented):
        return False  # a new left edge, unless the hanging indent of an item's marker, or the
        # paragraph's first line was the one indented (LaTeX, word processors)
    if full:
        return True  # the wrapper broke the line
    # A right edge is an estimate (ragged text, a narrower frame); a sentence that goes on in
    # lower case or with a number after a line that does not end one is wrapped all the same.
    return (word[:1].islower() or word[:1].isdigit()) and not _ends_sentence(above.text)


def _classify(block: _Block, body: _Body, bulleted: bool) -> None:
    first = block.runs[0]
    chars = sum(len(r.text) for r in block.runs)
    larger = first.size > body.size * HEADING_SIZE_RATIO
    if (larger or first.bold) and not bulleted and chars <= MAX_HEADING_CHARS \
            and not _BULLET.match(first.text):
        block.kind = "heading"
    elif bulleted or _opens_item(first.text):
        block.kind = "item"


def _list_depths(items: list[_Block]) -> None:
    """Each item's depth: the rank of its left edge among the items' edges on the page."""
    edges: list[float] = []
    for x in sorted(b.runs[0].x0 for b in items):
        if not edges or x - edges[-1] > INDENT_EM * items[0].runs[0].size:
            edges.append(x)
    for block in items:
        x = block.runs[0].x0
        block.level = max(k for k, e in enumerate(edges) if x >= e - 1)


def _style(block: _Block) -> tuple[float, bool]:
    return round(block.runs[0].size, 1), block.runs[0].bold


def _heading_levels(headings: list[_Block]) -> dict[tuple[float, bool], int]:
    """Each heading font's level: its rank, largest and boldest first."""
    styles = sorted({_style(b) for b in headings}, reverse=True)
    return {style: min(k + 1, 6) for k, style in enumerate(styles)}


def _join_continued_blocks(items: list[tuple[int, _Block | Table]], bulleted: frozenset[int],
                           body: _Body) -> list[tuple[int, _Block | Table]]:
    """A block that ends one page full and goes on at the top of the next is one block, when the
    text says so too: a page break gives no line spacing to go by, and a line that fills the
    page's last line (a heading set as a paragraph) may end its block. So the break must fall
    inside a sentence: the line above ends none, and the line below goes on in lower case, with
    a number, or after a word broken by a hyphen or a comma."""
    out: list[tuple[int, _Block | Table]] = []
    for page, item in items:
        before = out[-1][1] if out else None
        if (isinstance(item, _Block) and isinstance(before, _Block) and page != out[-1][0]
                and item.kind != "heading" and before.kind != "heading"
                and item.runs[0].line not in bulleted
                and _goes_on(before.runs[-1], item.runs[0], _left_edge(before.runs), body)
                and _mid_sentence(before.runs[-1].text, item.runs[0].text)):
            before.runs.extend(item.runs)
            out[-1] = (page, before)
            continue
        out.append((page, item))
    return out


def _join_continued_tables(items: list[tuple[int, _Block | Table]]) -> list[tuple[int, _Block | Table]]:
    """A table that ends one page and goes on at the top of the next as a table of as many
    columns is one table; the header row it repeats there is dropped."""
    out: list[tuple[int, _Block | Table]] = []
    for page, item in items:
        before = out[-1][1] if out else None
        if isinstance(item, Table) and isinstance(before, Table) and before.width == item.width \
                and page != out[-1][0]:
            rows = item.rows[1:] if _cells(item.rows[0]) == _cells(before.rows[0]) else item.rows
            lines = item.lines[len(item.rows) - len(rows):]
            out[-1] = (page, Table(before.rows + rows, before.lines + lines, before.width))
            continue
        out.append((page, item))
    return out


def _mid_sentence(above: str, below: str) -> bool:
    if _ends_sentence(above):
        return False
    return below[:1].islower() or below[:1].isdigit() or above.rstrip()[-1:] in "," + LINE_END_HYPHENS \
        or bool(_broken_word(above))


def _cells(row: Sequence[Cell]) -> tuple[str, ...]:
    return tuple(" ".join(r.text for line in cell for r in line) for cell in row)


# --- words ------------------------------------------------------------------------------


def _word_forms(pages: list[list[Run]]) -> set[str]:
    """Every word the document writes inside a line, hyphenated words whole: the evidence for
    joining a word broken at a line's end with or without its hyphen."""
    return {w.lower() for runs in pages for r in runs for w in _WORDS.findall(r.text)}


def _join_lines(lines: Sequence[Sequence[Run]], words: set[str]) -> str:
    """Lines of one block or cell as one line of text: a word broken at a line's end joined."""
    right = max((r.x1 for line in lines for r in line), default=0.0)
    out, cut, previous = "", False, ""
    for line in lines:
        piece = _line_text(line).translate(_LIGATURES)
        if not out:
            out, cut, previous = piece, _cut_at_edge(line, right), piece
            continue
        head = _broken_word(out)
        if head and piece[:1].isalnum():
            tail = _WORDS.match(piece)
            rest = tail.group(0) if tail else ""
            joined = bool(rest) and (head + rest).lower() in words and f"{head}-{rest}".lower() not in words
            out = out[:-1] + ("" if joined else "-") + piece
        elif piece[:1] in _NO_SPACE_BEFORE or _inside_long_token(out) \
                or (cut and (_long_token(previous) or (_long_token(piece) and _cut_at_edge(line, right)))):
            out += piece  # the line broke inside a word that holds no space (an address, a name)
        else:
            out += " " + piece
        cut, previous = _cut_at_edge(line, right), piece
    for mark in LINE_END_HYPHENS:
        out = out.replace(mark, "-" if mark != "\u00ad" else "")
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


def _broken_word(text: str) -> str:
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


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSING)[-1:] in _SENTENCE_ENDS
