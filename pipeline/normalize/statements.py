"""A cell's text to the quantity statements it makes: each number with its own label and condition.

A table cell may state several quantities ("Cisplatin: IC₅₀ = 3.1 µM (A549), 5.6 µM
(HeLa)", "<50 mM (loading), 0.3–0.5 M (elution)", "pKa 9.2 ± 0.2"). Each number the
value reader finds (``values.MEASURE``) is one statement:

- its label, the words before it back to the previous statement (``cell_labels``):
  "Name:" names what it is measured for, unless the name is a quantity's ("IC₅₀:");
  "Name =" and a leading term ("pKa", "Ki (MAO-A)", "selectivity ratio") name what is
  measured; a hedge ("Estimated", "Typically") is no label, and a word that compares
  ("up to", "about") is the number's comparator;
- its condition: a parenthesis right after it that is no p-value ("(A549)", "(loading)");
- its unit: the cell's, else the row label's, else the column header's;
- a p-value belongs to the statement it follows;
- a statement with no label of its own shares the one before it ("5.6 µM (HeLa)").

Not statements: a number in a time-point phrase ("at 12 months": when, not what), the
numbers after "vs" (what the cell compares with, measured for another subject), a code
after an abbreviation ("AMG 510", "ISO 17034"), and any number of a cell of words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from pipeline.normalize.cell_labels import (
    JOINERS,
    cell_label,
    without_hedges,
    word_comparator,
)
from pipeline.normalize.measurement_labels import is_time_label
from pipeline.normalize.units import canonical
from pipeline.normalize.values import (
    MEASURE,
    P_VALUE,
    PLACEHOLDERS,
    CellValue,
    label_unit,
    reading_form,
    to_number,
    typed,
)

MAX_CONDITION_CHARS = 60  # "(A549)", "(chronic phase)": a short qualifier, not a note
# Words that hedge a number: no label. Words that compare: the number's comparator.
_VERSUS = re.compile(r"\b(?:vs\.?|versus|compared\s+with|against)\s", re.I)
_TIME_PHRASE = re.compile(
    r"\b(?:at|by|after|through|over|within)\s+(?:(?:week|day|month|year|hour)\s+\d+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?[-\s](?:weeks?|days?|months?|years?|hours?|h)\b)", re.I)
# A rating word over the number that makes it precise ("Better (>20 mg/mL)"): no label.
# One word over a number in parentheses: a rating the number makes precise ("Better (>20
# mg/mL)"), or a name and the amount of it ("Pd(PPh3)4 (3)", "SPhos (4)": name-like words).
_WORD_OVER_PARENTHESIS = re.compile(r"^(\S+)\s*\($")
_NAME_LIKE = re.compile(r"\d|[a-z][A-Z]|[A-Z]{2}|\(")
_LABEL_COLON = re.compile(r"[ \t]{0,3}[:：](?!\d)")  # a number before a colon is a label
# "(n = 3)", "(n = 6 injections)": how many, never a condition of the number.
_SAMPLE_SIZE = re.compile(r"\b[nN]\s*=\s*\d++(?:,\d{3})*+(?:\s[a-z]++\b(?!-))?")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CLOSING = re.compile(rf"\(([^()]{{1,{MAX_CONDITION_CHARS}}})\)\s*$")
_CONDITION = re.compile(rf"[ \t]{{0,3}}\(([^()]{{1,{MAX_CONDITION_CHARS}}})\)")


@dataclass(frozen=True, slots=True)
class Statement:
    value: CellValue
    quantity: str | None = None  # what the cell says is measured ("IC₅₀", "pKa")
    subject: str | None = None  # what the cell says it is measured for ("Cisplatin")
    condition: str | None = None  # the qualifier after the number ("A549", "loading")
    timepoint: str | None = None  # a time-point phrase of the cell ("at 12 months")
    # The number is what its part says first, or has its own label ("12 min", "IC50 5 nM");
    # not a number inside a sentence of advice ("Heat to 40–50 °C").
    stated: bool = True


def read_statements(text: str, column_label: str = "", row_label: str = "") -> list[Statement]:
    """Every quantity statement of a clean cell text, in order."""
    form = reading_form(text)
    if not form or not any(ch.isdigit() for ch in form) or form.casefold() in PLACEHOLDERS:
        return []  # a cell of words states nothing
    unit = label_unit(row_label) or label_unit(column_label)
    whole = MEASURE.fullmatch(form)
    if whole is not None:  # most cells: one number and its unit, nothing else to read
        value = _ranged(typed(whole, unit), whole)
        return [Statement(value)] if _has_number(value) else []
    out: list[Statement] = []
    labels: tuple[str | None, str | None, str | None] = (None, None, None)
    for part in _parts(form):
        found, labels, p_value = _part_statements(part, unit, labels)
        if not found and p_value is not None and out and out[-1].value.p_value is None:
            out[-1] = replace(out[-1], value=replace(out[-1].value, p_value=p_value[0],
                                                     p_comparator=p_value[1]))  # "−0.45; p<0.01"
        out.extend(found)
    return [s for s in out if _has_number(s.value)]


def _has_number(value: CellValue) -> bool:
    return value.value is not None or value.value_low is not None


def _parts(text: str) -> list[str]:
    """The cell's ';'-separated parts (outside parentheses)."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth <= 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _part_statements(part: str, unit: str | None, labels: tuple[str | None, str | None, str | None]
                     ) -> tuple[list[Statement], tuple[str | None, str | None, str | None],
                                tuple[float, str] | None]:
    """The statements of one part, the labels the next part may share (quantity, subject and
    the unit the quantity was stated in), and a p-value that found no number of its part."""
    p_values = [m for m in P_VALUE.finditer(part) if to_number(m["num"]) <= 1]
    times = list(_TIME_PHRASE.finditer(part))
    masked = _masked(part, [m.span() for m in p_values] + [m.span() for m in times]
                     + [m.span() for m in _SAMPLE_SIZE.finditer(part)])
    out: list[Statement] = []
    spans: list[tuple[int, int]] = []
    quantity, subject, labelled_unit = labels
    previous = 0
    versus = _VERSUS.search(masked)
    for match in MEASURE.finditer(masked):
        if match.start() < previous:
            continue  # inside the condition of the statement before ("(95% CI 0.51–0.86)")
        if versus is not None and match.start() > versus.start():
            if out and out[-1].value.unit is None and match["unit"]:  # "11.2 vs 5.6 months"
                out[-1] = replace(out[-1], value=replace(out[-1].value, unit=match["unit"]))
            break  # "46% vs 28%": the second number is another subject's
        if _LABEL_COLON.match(masked, match.end()):
            continue  # "15 mg: -2.46%": the number labels the one after it
        lead = masked[previous:match.start()]
        comparator, lead = word_comparator(lead)
        own_quantity, own_subject, code = cell_label(lead)
        measured = bool(match["unit"] or match["cmp"] or match["unc"] or match["high"])
        if code and not measured:
            previous = match.end()
            continue  # "AMG 510", "ISO 17034": a name's code
        bare = " ".join(w for w in without_hedges(lead.strip(" ,\t").lstrip("+) ")).split()
                        if w.lower() not in JOINERS)
        name = _WORD_OVER_PARENTHESIS.match(bare.strip())
        words = bool(_WORD.search(bare)) and name is None and not code
        value = _ranged(typed(match, unit), match)
        if code:  # "EGFR 5 nM", "HEK293 12 nM": what the number is measured for
            own_subject = code
        timepoint = own_subject if own_subject and is_time_label(own_subject) else None
        if timepoint:  # "Week 12: 46%": when, not what for
            own_subject = None
        if own_quantity or own_subject:
            quantity, subject = own_quantity or quantity, own_subject or subject
            labelled_unit = value.unit if own_quantity else labelled_unit
        elif words or (quantity and value.unit != labelled_unit):
            quantity = None  # words that name no quantity, or a number of another kind
        condition = _CONDITION.match(part, match.end())
        previous = condition.end() if condition else match.end()
        if comparator and not value.comparator:
            value = replace(value, comparator=comparator)
        stated = bool(own_quantity or own_subject or code or name or timepoint) or (
            not words and (not out or out[-1].stated))  # "2–8 °C, up to 30 days"
        named = name.group(1) if name and _NAME_LIKE.search(name.group(1)) else None
        out.append(Statement(value, quantity, named or subject, _condition_text(condition),
                             timepoint, stated=stated))
        spans.append((match.start(), previous))
    out = [replace(s, timepoint=s.timepoint or _time_of(k, spans, times)) for k, s in enumerate(out)]
    out, spare = _with_p_values(out, spans, p_values)
    closing = _CLOSING.search(part)
    qualifier = _condition_text(closing)
    if qualifier and closing is not None and closing.start() >= previous:
        # "44% vs 22% at 12 months (300 mg twice daily)": a parenthesis closing the part
        out = [s if s.condition else replace(s, condition=qualifier) for s in out]
    return out, (quantity, subject, labelled_unit), spare


def _ranged(value: CellValue, match: re.Match[str]) -> CellValue:
    """A range whose ends are in two units ("500 mg–1 g") in the canonical unit of both, where
    there is one; no value where there is none."""
    low_unit, high_unit = match["lowunit"], match["unit"]
    if not (low_unit and high_unit and low_unit != high_unit and match["high"]):
        return value
    low, low_name = canonical(to_number(match["num"]), low_unit)
    high, high_name = canonical(to_number(match["high"]), high_unit)
    if low is None or high is None or low_name != high_name or high < low:
        return CellValue()
    return replace(value, value=None, value_low=low, value_high=high, unit=low_name)


def _time_of(k: int, spans: list[tuple[int, int]], times: list[re.Match[str]]) -> str | None:
    """The time-point phrase of statement ``k``: the first after it and before the next
    statement ("46% at week 24 and 52% at week 52"), else the part's only one."""
    end = spans[k][1]
    following = spans[k + 1][0] if k + 1 < len(spans) else math.inf
    after = next((t.group(0) for t in times if end <= t.start() < following), None)
    return after or (times[0].group(0) if len(times) == 1 else None)


def _with_p_values(out: list[Statement], spans: list[tuple[int, int]], p_values: list[re.Match[str]]
                   ) -> tuple[list[Statement], tuple[float, str] | None]:
    """Each p-value on the nearest statement before it (in one walk); a p-value before any
    statement of its part is handed back for the statement before the part."""
    spare = None
    k = -1
    for p_value in p_values:
        while k + 1 < len(spans) and spans[k + 1][0] < p_value.start():
            k += 1
        number = (to_number(p_value["num"]), p_value["cmp"])
        if k < 0:
            spare = spare or number
        elif out[k].value.p_value is None:
            out[k] = replace(out[k], value=replace(out[k].value, p_value=number[0],
                                                   p_comparator=number[1]))
    return out, spare


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span blanked out (its length kept, so positions stay)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _condition_text(match: re.Match[str] | None) -> str | None:
    """A parenthesis after a number, less a sample size, unless it holds a p-value or a
    comparison ("(n = 3, stopped-flow)" is "stopped-flow")."""
    if match is None:
        return None
    text = _SAMPLE_SIZE.sub("", match.group(1)).strip(" ,;")
    return text if text and not (_VERSUS.match(text + " ") or P_VALUE.search(text)) else None
