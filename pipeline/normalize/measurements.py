"""Measurements: every measured number of a table, saying what it measures, for what, when.

A table holds its numbers in a grid whose one axis names the quantity measured
(IC50, ACR50 response, half-life) and whose other axis names what it is
measured for (a kinase, an arm, a compound). Which axis is which is decided per
table from what the labels say (``orientation``), never from the table's
position, and how clear that evidence was is kept (``orientation_confidence``).
Then each number's labels are read apart: the subject's dose, regimen and
co-therapy ("Baricitinib 4 mg QD + MTX" is Baricitinib, 4 mg, "QD with MTX"),
the time point ("Week 12", "28-Day"), the trial a label, the table's title or
its section names; and its value is brought to a canonical unit (``units``).
A table of words gives none, and a cell that names its own quantity ("IC50 5 nM")
says what it measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.errors import Issue
from pipeline.normalize.cell_labels import names_quantity
from pipeline.normalize.measurement_labels import (
    ARM_CLASS,
    ARM_IN_QUANTITY,
    DOSE,
    GENERIC_SUBJECT,
    has_trial_form,
    is_time_label,
    named_subject,
    named_trial,
    quantity_of,
    subject_of,
    timepoint_of,
)
from pipeline.normalize.model import Cell, Draft, Measurement, Table
from pipeline.normalize.statements import Statement, read_statements
from pipeline.normalize.units import canonical
from pipeline.normalize.values import folded, label_unit

# Evidence for orientation, each a reason a reader has:
# - a corner label that names the row labels as measures ("Metric (Week 12)", "Endpoint"):
#   the rows name the quantity;
ROW_MEASURE_CORNER = re.compile(
    r"^(?:metric|parameter|endpoint|outcome|property|measure|characteristic|consideration"
    r"|assessment|variable|quantity|readout)s?\b", re.I)
# - a corner label that says the header cells name the dimension measured (an evidence card):
#   the columns name the quantity;
COLUMN_MEASURE_CORNER = re.compile(r"^evidence\s+dimension\b", re.I)
# - a quantity word or a unit in parentheses in a label: that axis names the quantity;
QUANTITY_WORD = re.compile(
    r"\b(?:IC50|EC50|Ki|Kd|LLOQ|ULOQ|AUC|Cmax|Tmax|half-life|t1/2|yield|response|rate|mortality"
    r"|survival|remission|recovery|time|concentration|precision|accuracy|clearance"
    r"|bioavailability|absorbance|fluorescence|retention|ratio|reduction|improvement|change"
    r"|score|weight|energy|constant|temperature|temp|ACR\d+|EASI-\d+|DAS28|[a-z]{0,3}%)", re.I)
# - a dose or an arm word in a label: that axis names what is measured for (the subject).
ARM_WORD = re.compile(r"\b(?:\d+(?:\.\d+)?\s*(?:mg|µg|mcg|g|mL)\b|placebo|vehicle|control|arm)"
                      r"|\s\+\s|\bvs\.?\s", re.I)
CLEAR_MARGIN = 3  # a corner label's evidence alone, or three labels that agree
# A table of words: when fewer than this share of its value cells hold a number, its numbers
# are often advice ("1.0 equiv HATU; preactivate the acid"): only those whose labels say
# what they measure are measurements ("Half-life | ~45 minutes").
MIN_NUMERIC_SHARE = 0.2
# Row labels that hold the conditions of a measurement, not something it was measured for.
# Likewise a column of p-values, acceptance criteria or limits, or a difference between arms:
# none is something measured for.
NOT_A_SUBJECT = re.compile(r"^(?:conditions?|notes?|comments?|remarks?|p[- ]?values?|p|"
                           r"(?:acceptance\s+)?criteri(?:on|a)|limits?|specifications?|"
                           r"(?:quantified\s+)?difference|hazard\s+ratio|HR|basis|source)$"
                           r"|\bconditions?\b", re.I)
# A column that states the conditions of the row's measurement ("Species or condition",
# "Conditions"): its text is the condition of the numbers beside it.
CONDITION_LABEL = re.compile(r"\bconditions?\b", re.I)
# A column of advice ("Fix", "What to try first", "Recommendation", "Notes"): its numbers are
# what to do, not what was measured.
ADVICE_LABEL = re.compile(r"\b(?:fix(?:es)?|recommend\w*|remed(?:y|ies)|actions?|advice"
                          r"|tips?|what\s+to\s+(?:try|do)|notes?|comments?|remarks?)\b", re.I)
_TIME_ROW = re.compile(r"^(?:assessment\s+)?time\s*points?\b|^assessment\b|^visit\b", re.I)


def extract_measurements(draft: Draft) -> Draft:
    sections = {s.section_id: s.title for s in draft.sections}
    found: list[Measurement] = []
    for table in draft.tables:
        context = " ".join(filter(None, (table.title, sections.get(table.section_id or ""))))
        found.extend(_measurements(table, context, draft.metadata.compound_name))
    return replace(draft, measurements=tuple(found), issues=draft.issues + _unread_units(found))


def _unread_units(found: list[Measurement]) -> tuple[Issue, ...]:
    """A warning for each unit the unit library could not read (once per unit): the value
    keeps its unit as written and has no canonical value."""
    first: dict[str, int] = {}
    for m in found:
        if m.unit and m.value is not None and m.unit_canonical is None:
            first.setdefault(m.unit, m.line)
    return tuple(Issue("normalize", "warning", f"unit {unit!r} is not one the unit library "
                       "reads; its values keep it as written, with no canonical value", line)
                 for unit, line in first.items())


def orientation(table: Table) -> tuple[str, str]:
    """Which axis names the quantity ("rows" or "columns") and how clearly ("high",
    "medium", "low"); with no evidence either way, the header row names it (the web's
    convention), with low confidence."""
    corner, heads = (table.header[0], table.header[1:]) if table.header else ("", ())
    if not any(table.header):  # no header row (a key-value table): each row label names its value
        return "rows", "medium"
    labels = [c.text for c in table.cells if c.col_index == 0]
    rows = 3 * bool(ROW_MEASURE_CORNER.match(corner))
    columns = 3 * bool(COLUMN_MEASURE_CORNER.match(corner))
    for head in heads:
        columns += bool(QUANTITY_WORD.search(folded(head)) or label_unit(head))
        rows += bool(ARM_WORD.search(head))
    rows += sum(bool(QUANTITY_WORD.search(folded(label)) or label_unit(label)) for label in labels)
    margin = abs(rows - columns)
    confidence = "high" if margin >= CLEAR_MARGIN else "medium" if margin else "low"
    return ("rows" if rows > columns else "columns"), confidence


def _measurements(table: Table, context: str, compound: str | None) -> list[Measurement]:
    axis, confidence = orientation(table)
    corner = table.header[0] if table.header else ""
    title_trial = named_trial(context)
    measures = _measure_columns(table)
    conditions = {c for c, head in enumerate(table.header) if c and CONDITION_LABEL.search(head)}
    advice = {c for c, head in enumerate(table.header) if c and ADVICE_LABEL.search(head)}
    not_values = measures | conditions | advice
    value_cells = [c for c in table.cells if c.col_index > 0 and c.col_index not in not_values]
    read = [(c, read_statements(c.text, c.column_label, c.row_label)) for c in value_cells]
    # A table of words (few cells that state a number first or with its own label): its
    # numbers count only where a label says what they measure.
    words = sum(1 for _, found in read if any(s.stated for s in found)
                ) < MIN_NUMERIC_SHARE * len(value_cells)
    time_axis = _time_axis(table)
    column_times = _time_row(table)
    measure_of: dict[int, str] = {}  # body row -> the measure its measure column names
    condition_of: dict[int, str] = {}  # body row -> the conditions its condition column states
    for c in table.cells:
        if c.col_index in measures:
            measure_of.setdefault(c.row_index, c.text)
        elif c.col_index in conditions and c.text:
            condition_of.setdefault(c.row_index, c.text)
    frame = _Frame(axis, confidence, corner, compound, title_trial, time_axis, column_times)
    out: list[Measurement] = []
    for cell, all_statements in read:
        if words and not _labels_a_quantity(cell, corner, axis):
            continue
        # A number inside words that name nothing ("DT40 cells, 0.01% MMS") is not stated.
        statements = [s for s in all_statements if s.stated]
        measure = measure_of.get(cell.row_index)
        condition = condition_of.get(cell.row_index)
        for part, statement in enumerate(statements):
            if condition and not statement.condition:  # "pH 8.5, 20 °C" beside the value
                statement = replace(statement, condition=condition)
            measurement = _measurement(table, cell, statement, part, measure, frame)
            if measurement is not None:
                out.append(measurement)
    return out


@dataclass(frozen=True, slots=True)
class _Frame:
    """What the whole table says about each of its numbers."""

    axis: str
    confidence: str
    corner: str
    compound: str | None
    title_trial: str | None
    time_axis: str | None
    column_times: dict[int, str]


def _measurement(table: Table, cell: Cell, statement: Statement, part: int, measure: str | None,
                 frame: _Frame) -> Measurement | None:
    """One statement of a cell as a measurement, its labels read from the cell, its row and
    column, the table's title and section; None when nothing says what it measures."""
    axis, confidence = frame.axis, frame.confidence
    if frame.time_axis is not None:  # one axis holds time points: the corner or the title
        axis, confidence = frame.time_axis, "medium"  # names the quantity, the other the subjects
        time_label = cell.column_label if frame.time_axis == "columns" else cell.row_label
        subject_label = cell.row_label if frame.time_axis == "columns" else cell.column_label
        named = frame.corner if QUANTITY_WORD.search(folded(frame.corner)) else table.title or ""
        quantity_label = f"{named} ({time_label})"
    else:
        quantity_label, subject_label = ((cell.row_label, cell.column_label) if axis == "rows"
                                         else (cell.column_label, cell.row_label))
    if NOT_A_SUBJECT.match(subject_label) or (
            frame.column_times and _TIME_ROW.match(cell.row_label)):
        return None
    quantity, quantity_trial = quantity_of(quantity_label)
    own = statement.quantity or measure
    if own:  # "IC50 5 nM" in the "PARP1 inhibition" row: IC50 (PARP1 inhibition)
        quantity = f"{own} ({quantity})" if quantity and not GENERIC_SUBJECT.match(quantity) else own
    if not quantity:
        return None  # nothing says what the number measures
    axis_subject = named_subject(subject_label, frame.corner, frame.compound)
    subject, dose, dose_unit, regimen, subject_trial = subject_of(statement.subject or axis_subject)
    if statement.subject and not subject:  # "15 mg: -2.46%": a dose of the axis's subject
        subject, _, _, axis_regimen, axis_trial = subject_of(axis_subject)
        regimen, subject_trial = regimen or axis_regimen, subject_trial or axis_trial
    condition = statement.condition
    if condition and dose is None and DOSE.match(condition):  # "(300 mg twice daily)"
        _, dose, dose_unit, regimen, _ = subject_of(condition)
        condition = None
    elif condition and has_trial_form(condition):  # "0.7% vs 3.9% (ENESTnd)"
        subject_trial, condition = subject_trial or condition, None
    arm = ARM_IN_QUANTITY.search(quantity)
    if arm is not None:  # "ACR20, adalimumab arm" under a trial's column: adalimumab's ACR20
        quantity = quantity[: arm.start()].strip()
        if not ARM_CLASS.search(arm["arm"]):  # "JAK inhibitor arm" is the column's own drug
            subject, dose, dose_unit, regimen = arm["arm"], None, None, None
    timepoint, timepoint_unit = timepoint_of(
        quantity_label, frame.column_times.get(cell.col_index, ""), statement.timepoint or "",
        subject_label, frame.corner, table.title or "")
    value = statement.value
    value_canonical, unit_canonical = (canonical(value.value, value.unit) if value.unit
                                       else (value.value, None))  # a count or ratio: as given
    return Measurement(
        measurement_id=f"{table.table_id}-r{cell.row_index}-c{cell.col_index}"
                       + (f"-{part + 1}" if part else ""),
        table_id=table.table_id, row_index=cell.row_index, col_index=cell.col_index,
        line=cell.line, quantity=quantity, subject=subject or None,
        dose=dose, dose_unit=dose_unit, regimen=regimen, timepoint=timepoint,
        timepoint_unit=timepoint_unit, condition=condition,
        trial=quantity_trial or subject_trial or frame.title_trial,
        value=value.value, value_low=value.value_low, value_high=value.value_high,
        uncertainty=value.uncertainty, comparator=value.comparator, unit=value.unit,
        p_value=value.p_value, p_comparator=value.p_comparator,
        value_canonical=value_canonical, unit_canonical=unit_canonical,
        orientation=axis, orientation_confidence=confidence, citations=cell.citations,
    )


def _measure_columns(table: Table) -> set[int]:
    """Columns whose every body cell names a quantity and states no number (a "Measure"
    column of Ki, EC50): each names the quantity of the numbers in its row."""
    columns: dict[int, list[Cell]] = {}
    for cell in table.cells:
        if cell.col_index > 0:
            columns.setdefault(cell.col_index, []).append(cell)
    return {c for c, cells in columns.items()
            if all(cell.text and names_quantity(cell.text) and not read_statements(cell.text)
                   for cell in cells)}


def _labels_a_quantity(cell: Cell, corner: str, axis: str) -> bool:
    """The label on the quantity's axis of a table of words, or its corner, says what a
    number measures ("Half-life", "Storage temperature", "Working concentration (mg/mL)")."""
    label = cell.row_label if axis == "rows" else cell.column_label
    return any(label_unit(text) or names_quantity(text) for text in (label, corner) if text)


def _time_axis(table: Table) -> str | None:
    """The axis whose every label is a time point and nothing else ("Week 4 | Week 12"), if any."""
    heads = [h for h in table.header[1:] if h]
    if heads and all(is_time_label(h) for h in heads):
        return "columns"
    labels = [c.text for c in table.cells if c.col_index == 0]
    if labels and all(is_time_label(label) for label in labels):
        return "rows"
    return None


def _time_row(table: Table) -> dict[int, str]:
    """A body row that gives each column's time point ("Assessment time point | Month 6 |
    Week 12"): the time label of each column, by column index."""
    for cell in table.cells:
        if cell.col_index == 0 and _TIME_ROW.match(cell.text):
            row = [c for c in table.cells if c.row_index == cell.row_index and c.col_index > 0]
            if row and all(is_time_label(c.text) for c in row):
                return {c.col_index: c.text for c in row}
    return {}
