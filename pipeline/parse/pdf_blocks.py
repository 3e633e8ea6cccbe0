"""A PDF page's lines outside its tables joined into blocks by the body text's geometry.

A line continues the block above when it follows at the body's line spacing, in the
same font and at the same left edge, and the line above was full (the next word would
not have fit: the wrapper broke it), as the text layout reader decides for a
hard-wrapped dump. A block set in a larger font than the body, or in bold, and short,
is a heading; its level is the rank of its font among the headings' fonts. A block
opened by a drawn bullet, a bullet character or a number is a list item, its depth
the rank of its marker's left edge (an indent alone makes no item: figures and
quotes are indented too).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock
from pipeline.parse.pdf_runs import BULLETS, NUMBER_MARKER, Run, by_line, has_script
from pipeline.parse.pdf_words import broken_word, ends_sentence, join_lines, line_text

HEADING_SIZE_RATIO = 1.05  # a font this much larger than the body's sets a heading
MAX_HEADING_CHARS = 160  # the longest titles in the family; a bold paragraph is no heading
LINE_SPACING_SLACK = 1.3  # a step this much over the body's line spacing parts two blocks
MIN_LINE_STEP, DEFAULT_LINE_STEP = 0.8, 1.2  # baseline to baseline, in ems
INDENT_EM = 0.75  # a left edge this far in from the body's is an indent
FIRST_LINE_INDENT_EM = 3.0  # a paragraph's first line may start this far in (LaTeX: 1.5 em)
SCRIPT_LEADING_EM = 0.5  # a sub- or superscript may add this to its line's height
WORD_SPACE_EM = 0.35  # a word space at its widest in common faces (Times 0.25 em, DejaVu 0.32, Verdana 0.35)

_BULLET = re.compile(rf"^[{BULLETS}]\s+")
# Words an English sentence or title never ends on: a line ending on one goes on below.
_OPEN_ENDED = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of",
                         "on", "or", "than", "the", "to", "via", "with"})
_NUMBERED = re.compile(rf"^{NUMBER_MARKER}\s+")


@dataclass(slots=True)
class LineBlock:
    runs: list[Run]
    kind: str = "paragraph"  # paragraph, heading, item
    level: int = 0  # a heading's level, an item's depth


@dataclass(frozen=True, slots=True)
class Body:
    size: float  # the body text's font size
    left: float  # the body's left edge
    right: float  # the body's right edge
    line_step: float  # baseline to baseline inside a paragraph, in ems


def body_of(pages: list[list[Run]]) -> Body:
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
    return Body(size, float(left), right, step)


def line_blocks(runs: list[Run], body: Body, bulleted: Mapping[int, float]) -> list[LineBlock]:
    """The page's lines outside tables joined into blocks (see the module's reasons)."""
    merged = [_merge(line) for line in by_line(runs)]
    blocks: list[LineBlock] = []
    for run in merged:
        if blocks and run.line not in bulleted and _continues(blocks[-1].runs[-1], run,
                                                              left_edge(blocks[-1].runs), body):
            blocks[-1].runs.append(run)
        else:
            blocks.append(LineBlock([run]))
    for block in blocks:
        _classify(block, body, block.runs[0].line in bulleted)
    _list_depths([b for b in blocks if b.kind == "item"], bulleted)
    return blocks


def _merge(line: list[Run]) -> Run:
    """A line's runs as one (runs outside a table are pieces of one line of text)."""
    if len(line) == 1:
        return line[0]
    first = line[0]
    return Run(line_text(line), first.x0, max(r.x1 for r in line), first.base,
               first.size, all(r.bold for r in line), first.line, first.lead)


def _continues(above: Run, run: Run, first: Run, body: Body) -> bool:
    """Whether ``run`` goes on with the block whose last line is ``above``, on the line below."""
    # A line holding a sub- or superscript is taller: the step to the next may grow by its shift.
    slack = SCRIPT_LEADING_EM if has_script(above.text) or has_script(run.text) else 0.0
    if run.line != above.line + 1 \
            or run.base - above.base > (LINE_SPACING_SLACK * body.line_step + slack) * run.size:
        return False
    return goes_on(above, run, first, body)


def left_edge(runs: list[Run]) -> Run:
    """The line that sets a block's left edge: its first, or its second when the first was
    indented (a paragraph's first-line indent)."""
    return runs[1] if len(runs) > 1 and runs[1].x0 < runs[0].x0 else runs[0]


def _opens_item(text: str) -> bool:
    """A line that starts with a list item's marker: a bullet character or a number."""
    return bool(_BULLET.match(text) or _NUMBERED.match(text))


def goes_on(above: Run, run: Run, first: Run, body: Body) -> bool:
    """Whether ``run``, on a line after ``above``, reads as more of the block that ``first`` opens:
    the same font, no marker of its own, the block's left edge, and ``above`` was full."""
    if run.size != above.size or run.bold != above.bold:
        return False
    word = run.text.split(" ", 1)[0]
    # The next word would not have fit: its own width (capitals and digits are wider than the
    # line's average character), and a word space, beyond the line above's end.
    width = run.lead - run.x0 if run.lead > run.x0 else len(word) * (run.x1 - run.x0) / max(len(run.text), 1)
    full = body.right - above.x1 < width + WORD_SPACE_EM * run.size
    hanging = _opens_item(first.text) and run.x0 > first.x0
    if _opens_item(run.text) and not broken_word(above.text) \
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
    # A right edge is an estimate (ragged text, a narrower frame: a figure's caption); a sentence
    # that goes on in lower case or with a number after a line that does not end one is wrapped
    # all the same, and so is a line that ends on a word no sentence or title ends on ("and").
    if ends_sentence(above.text):
        return False
    return word[:1].islower() or word[:1].isdigit() or above.text.rsplit(" ", 1)[-1] in _OPEN_ENDED


def _classify(block: LineBlock, body: Body, bulleted: bool) -> None:
    first = block.runs[0]
    chars = sum(len(r.text) for r in block.runs)
    larger = first.size > body.size * HEADING_SIZE_RATIO
    if (larger or first.bold) and not bulleted and chars <= MAX_HEADING_CHARS \
            and not _BULLET.match(first.text):
        block.kind = "heading"
    elif bulleted or _opens_item(first.text):
        block.kind = "item"


def _list_depths(items: list[LineBlock], bulleted: Mapping[int, float]) -> None:
    """Each item's depth: the rank of its marker's left edge among the items' on the page (a drawn
    bullet stands left of its item's text, a character or a number opens it)."""
    def marker(block: LineBlock) -> float:
        return bulleted.get(block.runs[0].line, block.runs[0].x0)

    edges: list[float] = []
    for x in sorted(marker(b) for b in items):
        if not edges or x - edges[-1] > INDENT_EM * items[0].runs[0].size:
            edges.append(x)
    for block in items:
        x = marker(block)
        block.level = max(k for k, e in enumerate(edges) if x >= e - 1)


def text_block(block: LineBlock, words: set[str], headings: dict[tuple[float, bool], int]) -> Block:
    text = join_lines([[r] for r in block.runs], words)
    first, last = block.runs[0].line, block.runs[-1].line
    if block.kind == "heading":
        return HeadingBlock(text, headings[_style(block)], first, last)
    if block.kind == "item":
        number = _NUMBERED.match(text)
        marker = number or _BULLET.match(text)
        return ListItemBlock(text[marker.end():] if marker else text, block.level,
                             int(number.group(1)) if number else None, first, last)
    return ParagraphBlock(text, first, last)


def _style(block: LineBlock) -> tuple[float, bool]:
    return round(block.runs[0].size, 1), block.runs[0].bold


def heading_levels(headings: list[LineBlock]) -> dict[tuple[float, bool], int]:
    """Each heading font's level: its rank, largest and boldest first."""
    styles = sorted({_style(b) for b in headings}, reverse=True)
    return {style: min(k + 1, 6) for k, style in enumerate(styles)}

