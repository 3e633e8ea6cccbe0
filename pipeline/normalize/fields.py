"""Label/value fields of a page's head, read from one block at a time into one map.

A field is written "Label: value" on one line, or as a label alone on its line
with the value on the next ("Molecular Formula" / "C29H31N7O"), in one block or
in two (the label's block leaves its label pending for the next block). A
table converter may leave each line framed in stray pipes with a delimiter row
between ("Molecular Formula |" / "C15H2D10N2O |" / "|---|---|"): the frame and
the delimiter are layout, the label and value are the field.
"""

from __future__ import annotations

import re
from itertools import pairwise

from pipeline.blocks import Block, TableBlock
from pipeline.normalize.values import finite_number, normalize_micro
from pipeline.vocabulary import FIELD_LINE, HEAD_LABELS, label_only

PENDING_LABEL = "_pending_label"  # key in the found fields: a label waiting for its value line
# Identifiers whose every character is meaning: read from the raw line, escapes undone.
VERBATIM_FIELDS = frozenset({"smiles", "inchi", "inchi_key"})
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")  # a converter's "\[N+\]"
_FRAME = re.compile(r"^\\?\|\s*+|(?<!\s)\s*+\\?\|$")  # "| ", " |", " \|" framing a field line
# A known head label after a space, with its colon: where the next field of a row begins.
_NEXT_LABEL = re.compile(r"(?<=\s)(?:" + "|".join(
    re.escape(label) for label in sorted(HEAD_LABELS, key=len, reverse=True)) + r")\s*[:：]", re.I)
# Any other label of a row: a capitalized word and up to two small ones ("Pack size:",
# "Purity:", "Origin of product:").
_OTHER_LABEL = re.compile(r"(?<=\s)[A-Z][a-z][\w\-]*+(?:\s[a-z][\w\-]*+){0,2}[:：](?=\s)")
_WEIGHT = re.compile(r"^\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?$")


def read_fields(block: Block, found: dict[str, str], languages: list[str]) -> tuple[bool, list[str]]:
    """Read head fields from a block into ``found``; True when every line of it was a field,
    and the lines that were not."""
    if isinstance(block, TableBlock):
        return False, []
    pairs = [(_unframed(line.text), _unframed(raw)) for line, raw in
             zip(block.lines(), block.text.split("\n"), strict=True)]
    pairs = [(part, raw if part == line else part) for line, raw in pairs
             if line and not _is_delimiter_row(line) for part in _fields_in_a_row(line)]
    lines, raws = [line for line, _ in pairs], [raw for _, raw in pairs]
    pending = found.pop(PENDING_LABEL, None)  # a label-only block above: this is its value
    if pending is not None and lines:
        set_field(found, languages, pending, _value(pending, lines.pop(0), raws.pop(0)))
        if not lines:
            return True, []
    others: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        match = FIELD_LINE.match(line)
        label = match["label"].strip().lower() if match else None
        only = label_only(line)
        if match is not None and label in HEAD_LABELS and match["value"].strip():
            set_field(found, languages, label, match["value"])
        elif only and i + 1 < len(lines):  # "Molecular Formula" / "C29H31N7O"
            set_field(found, languages, only, _value(only, lines[i + 1], raws[i + 1]))
            i += 1
        elif only and len(lines) == 1:  # the label is a line of its own; its value comes next
            found[PENDING_LABEL] = only
        else:
            others.append(line)
        i += 1
    return not others, others


def set_field(found: dict[str, str], languages: list[str], label: str, value: str) -> None:
    """The first value of a field wins; every label read says which language the page is in."""
    field, language = HEAD_LABELS[label]
    languages.append(language)
    if field is not None:
        found.setdefault(field, value.strip())


def _value(label: str, clean: str, raw: str) -> str:
    """A value line's text: an identifier (SMILES, InChI) as written, since its brackets and
    parentheses are chemistry, not a link ("[N+](=O)[O-]"); any other value clean."""
    if HEAD_LABELS[label][0] not in VERBATIM_FIELDS:
        return clean
    return _ESCAPE.sub(r"\1", raw).strip("*_` ")


def _fields_in_a_row(line: str) -> list[str]:
    """A line that opens with a known field and holds more in a row, each field apart (at
    every label, known or not): a page that runs its header lines into one paragraph
    ("Compound: DTT Cat. No.: B3290614 Pack size: 5 g CAS No.: 3483-12-3") says them all
    on one line."""
    match = FIELD_LINE.match(line)
    if match is None or match["label"].strip().lower() not in HEAD_LABELS:
        return [line]
    known = [m.span() for m in _NEXT_LABEL.finditer(line, match.end("label"))]
    other = [m.start() for m in _OTHER_LABEL.finditer(line, match.end("label"))
             if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in known)]
    bounds = [0, *sorted({a for a, _ in known} | set(other)), len(line)]
    return [line[a:b].strip() for a, b in pairwise(bounds) if line[a:b].strip()]


def _is_delimiter_row(line: str) -> bool:
    """"|---|---|" between framed lines: layout, not a field."""
    return "-" in line and not line.strip("|:- \t")


def _unframed(text: str) -> str:
    """A field line a table converter left framed in pipes ("| CAS: 123 |", escaped or not),
    unframed."""
    return _FRAME.sub("", text.strip())


def molecular_weight(text: str) -> tuple[float | None, str | None]:
    """'868.4 g/mol' gives (868.4, 'g/mol'); '246.33' gives (246.33, None)."""
    weight = _WEIGHT.match(normalize_micro(text))
    if weight is None:
        return None, None
    return finite_number(weight["num"]), (weight["unit"] or "").strip() or None
