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
from dataclasses import replace

from pipeline.normalize.model import Cell, Draft, Measurement, Table
from pipeline.normalize.units import canonical
from pipeline.normalize.values import folded, label_unit, parse_cell, without_label_unit

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
# are part of advice or descriptions ("1.0 equiv HATU; preactivate the acid"), not measurements.
MIN_NUMERIC_SHARE = 0.2
# A cell that names its own quantity before the number ("IC50 5 nM", "Ki 5.2 nM", "ORR 42.9%",
# "median PFS 6.5 months"): an abbreviation in capitals or a constant's symbol; a cell of
# several such parts ("ORR 42.9%; median PFS 6.5 months") holds one measurement each.
CELL_QUANTITY = re.compile(
    r"^(?P<quantity>(?:(?i:median|mean)\s+)?(?:(?P<abbreviation>[A-Z][A-Z0-9]{1,5})|Ki|Kd|Km|t1/2"
    r"|Cmax|Tmax))\s+(?=[<>≤≥~≈]?\s*\d)")

# A dose in a subject ("4 mg", "15 mg/kg"), the regimen (frequency words and "+ co-therapy").
DOSE = re.compile(r"(?<![\d.])(?P<dose>\d+(?:\.\d+)?)\s*(?P<unit>mg/kg|mg/m2|mg|µg|mcg|g|mL|µM|nM|mM|IU)\b")
FREQUENCY = re.compile(r"\b(?:once|twice|three times)\s+(?:a\s+)?(?:daily|day|weekly|week)\b"
                       r"|\bevery\s+\d+\s+(?:hours?|days?|weeks?|months?)\b"
                       r"|\b(?:QD|BID|TID|QID|QW|EOW|Q2W|daily|weekly)\b", re.I)
CO_THERAPY = re.compile(r"\+\s*[A-Za-z][\w/-]*(?:\s+[A-Z][\w-]*)?")
PARENTHESIS = re.compile(r"(?<!\s)\s*\(([^()]*)\)")  # starts where its spaces start: linear
# A time point: "Week 12", "(Day 1)", "28-Day", "at 18 Months", "at 10 years".
TIMEPOINT = re.compile(
    r"\b(?P<unit1>week|day|month|year|hour)\s+(?P<n1>\d+(?:\.\d+)?)\b"
    r"|\b(?P<n2>\d+(?:\.\d+)?)[-\s](?P<unit2>week|day|month|year|hour)s?\b", re.I)
TIMEPOINT_PHRASE = re.compile(r"(?<!\s)\s*(?:\(\s*)?(?:at\s+)?(?:" + TIMEPOINT.pattern + r")(?:\s*\))?", re.I)
# A trial: a name in capitals (RA-BEAM, BREEZE-AD1, ACTT-2, CodeBreaK 100), where a label's
# " - " suffix or parenthesis gives it, or where a title or section calls it a trial.
TRIAL_NAME = re.compile(r"\b(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?:-[A-Za-z0-9]+)*(?:\s\d{1,3})?"
                        r"|[A-Z]+(?:-[A-Za-z0-9]+)+)\b")
_CAPITAL_NAME = re.compile(r"(?<![A-Z])[A-Z]{3,}(?:-[A-Za-z0-9]+)*\s[A-Z][a-z]+")  # "ORAL Standard"
TRIAL_WORDS = re.compile(r"\b(?:trials?|study|studies|outcomes|benchmark)\b", re.I)
NOT_TRIALS = re.compile(r"(?:inhibitors?|agonists?|antagonists?|comparator|control|reference|IS|JAK|RA"
                        r"|IC50|EC50|PBS|MTX|TNF)", re.I)  # whole words of a name: RA-BEAM is a trial
# A subject label that names no subject: a generic value column ("Value", "Result") is the
# guide's own compound; a bare number ("7.0", "1") is a level of the corner's variable
# ("Buffer pH 7.0", "Entry 1").
GENERIC_SUBJECT = re.compile(r"^(?:values?|results?|data|details?|specifications?|amount|)$", re.I)
BARE_NUMBER = re.compile(r"^[-−]?\d+(?:\.\d+)?$")
# Row labels that hold the conditions of a measurement, not something it was measured for.
# Likewise a column of p-values, acceptance criteria or limits, or a difference between arms:
# none is something measured for.
NOT_A_SUBJECT = re.compile(r"^(?:conditions?|notes?|comments?|remarks?|p[- ]?values?|p|"
                           r"(?:acceptance\s+)?criteri(?:on|a)|limits?|specifications?|"
                           r"(?:quantified\s+)?difference|hazard\s+ratio|HR)$", re.I)
# A quantity label that names the arm it is measured in ("ACR20, placebo arm"); an arm named
# by its drug class is the column's own.
ARM_IN_QUANTITY = re.compile(r",\s*(?P<arm>[^,]{2,40}?)\s+arm$", re.I)
ARM_CLASS = re.compile(r"\b(?:inhibitor|agonist|antagonist|active|treatment|study drug)\b", re.I)
_TIME_ROW = re.compile(r"^(?:assessment\s+)?time\s*points?\b|^assessment\b|^visit\b", re.I)
LABEL_SUFFIX = re.compile(r"\s[-\u2013]\s(?P<suffix>[^\s-][^\u2013]*?)\s*$")


def extract_measurements(draft: Draft) -> Draft:
    sections = {s.section_id: s.title for s in draft.sections}
    found: list[Measurement] = []
    for table in draft.tables:
        context = " ".join(filter(None, (table.title, sections.get(table.section_id or ""))))
        found.extend(_measurements(table, context, draft.metadata.compound_name))
    return replace(draft, measurements=tuple(found))


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
    title_trial = _named_trial(context)
    value_cells = [c for c in table.cells if c.col_index > 0]
    readings = [_readings(c) for c in value_cells]
    numeric = [(c, own, k) for found in readings for k, (c, own) in enumerate(found)
               if c.value is not None or c.value_low is not None]
    if len({(c.row_index, c.col_index) for c, _, _ in numeric}) < MIN_NUMERIC_SHARE * len(value_cells):
        return []
    time_axis = _time_axis(table)
    column_times = _time_row(table)
    out: list[Measurement] = []
    for cell, own, part in numeric:
        if time_axis is not None:  # one axis holds time points: the corner or the title names
            axis, confidence = time_axis, "medium"  # the quantity, the other axis the subjects
            time_label = cell.column_label if time_axis == "columns" else cell.row_label
            subject_label = cell.row_label if time_axis == "columns" else cell.column_label
            named = corner if QUANTITY_WORD.search(folded(corner)) else table.title or ""
            quantity_label = f"{named} ({time_label})"
        else:
            quantity_label, subject_label = ((cell.row_label, cell.column_label) if axis == "rows"
                                             else (cell.column_label, cell.row_label))
        if NOT_A_SUBJECT.match(subject_label) or (column_times and _TIME_ROW.match(cell.row_label)):
            continue
        quantity, quantity_trial = _quantity(quantity_label)
        if own is not None:  # "IC50 5 nM" in the "PARP1 inhibition" row: IC50 (PARP1 inhibition)
            quantity = f"{own} ({quantity})" if quantity and not GENERIC_SUBJECT.match(quantity) else own
        if not quantity:
            continue  # nothing says what the number measures
        subject, dose, dose_unit, regimen, subject_trial = _subject(
            _named_subject(subject_label, corner, compound))
        arm = ARM_IN_QUANTITY.search(quantity)
        if arm is not None:  # "ACR20, adalimumab arm" under a trial's column: adalimumab's ACR20
            quantity = quantity[: arm.start()].strip()
            if not ARM_CLASS.search(arm["arm"]):  # "JAK inhibitor arm" is the column's own drug
                subject, dose, dose_unit, regimen = arm["arm"], None, None, None
        timepoint, timepoint_unit = _timepoint(quantity_label, column_times.get(cell.col_index, ""),
                                               subject_label, corner, table.title or "")
        value_canonical, unit_canonical = (canonical(cell.value, cell.unit) if cell.unit
                                           else (cell.value, None))  # a count or ratio: as given
        out.append(Measurement(
            measurement_id=f"{table.table_id}-r{cell.row_index}-c{cell.col_index}"
                           + (f"-{part + 1}" if part else ""),
            table_id=table.table_id, row_index=cell.row_index, col_index=cell.col_index,
            line=cell.line, quantity=quantity or quantity_label, subject=subject or None,
            dose=dose, dose_unit=dose_unit, regimen=regimen, timepoint=timepoint,
            timepoint_unit=timepoint_unit, trial=quantity_trial or subject_trial or title_trial,
            value=cell.value, value_low=cell.value_low, value_high=cell.value_high,
            uncertainty=cell.uncertainty, comparator=cell.comparator, unit=cell.unit,
            p_value=cell.p_value, p_comparator=cell.p_comparator,
            value_canonical=value_canonical, unit_canonical=unit_canonical,
            orientation=axis, orientation_confidence=confidence, citations=cell.citations,
        ))
    return out


def _time_axis(table: Table) -> str | None:
    """The axis whose every label is a time point and nothing else ("Week 4 | Week 12"), if any."""
    heads = [h for h in table.header[1:] if h]
    if heads and all(_is_time_label(h) for h in heads):
        return "columns"
    labels = [c.text for c in table.cells if c.col_index == 0]
    if labels and all(_is_time_label(label) for label in labels):
        return "rows"
    return None


def _time_row(table: Table) -> dict[int, str]:
    """A body row that gives each column's time point ("Assessment time point | Month 6 |
    Week 12"): the time label of each column, by column index."""
    for cell in table.cells:
        if cell.col_index == 0 and _TIME_ROW.match(cell.text):
            row = [c for c in table.cells if c.row_index == cell.row_index and c.col_index > 0]
            if row and all(_is_time_label(c.text) for c in row):
                return {c.col_index: c.text for c in row}
    return {}


def _is_time_label(label: str) -> bool:
    return TIMEPOINT.search(label) is not None and not TIMEPOINT_PHRASE.sub("", label).strip(" ,;:-()")


def _readings(cell: Cell) -> list[tuple[Cell, str | None]]:
    """The measurements a cell holds: one per ';'-separated part where every part names its
    quantity ("ORR 42.9%; median PFS 6.5 months"), else the cell read whole."""
    parts = [p.strip() for p in cell.text.split(";")]
    if len(parts) > 1 and all(CELL_QUANTITY.match(p) for p in parts):
        return [_own_quantity(replace(cell, text=p, value=None, value_low=None, value_high=None),
                              among_parts=True) for p in parts]
    return [_own_quantity(cell)]


def _own_quantity(cell: Cell, *, among_parts: bool = False) -> tuple[Cell, str | None]:
    """A cell that names its quantity before its number, typed from the number on; the
    quantity it names, or None. An abbreviation alone before a bare number is a name, not a
    quantity ("AMG 510"), unless the cell lists several measurements."""
    match = CELL_QUANTITY.match(cell.text)
    if match is None or cell.value is not None or cell.value_low is not None:
        return cell, None
    typed = parse_cell(cell.text[match.end():], cell.column_label, cell.row_label)
    if typed.value is None and typed.value_low is None:
        return cell, None
    if match["abbreviation"] and not typed.unit and not among_parts:
        return cell, None
    return replace(cell, value=typed.value, value_low=typed.value_low, value_high=typed.value_high,
                   unit=typed.unit, comparator=typed.comparator,
                   uncertainty=typed.uncertainty), match["quantity"]


def _named_subject(label: str, corner: str, compound: str | None) -> str:
    """The subject a label names: itself, the guide's compound for a generic value column,
    or the corner variable's level for a bare number ("Time 0.5 min", "Entry 1")."""
    if GENERIC_SUBJECT.match(label) and compound:
        return compound
    if BARE_NUMBER.match(label) and corner:
        name = without_label_unit(corner)  # "Time (min)" and "0.5" give "Time 0.5 min"
        return f"{name} {label} {label_unit(corner)}" if name != corner else f"{corner} {label}"
    return label


def _quantity(label: str) -> tuple[str, str | None]:
    """What is measured, without its unit, time point or trial ("28-Day Mortality" is
    Mortality; "vIGA-AD (0,1) - BREEZE-AD1" is vIGA-AD (0,1) in BREEZE-AD1)."""
    trial = None
    suffix = LABEL_SUFFIX.search(label)
    if suffix is not None and _is_trial(suffix["suffix"]):
        trial, label = suffix["suffix"].strip(), label[: suffix.start()]
    label = without_label_unit(label)
    return TIMEPOINT_PHRASE.sub("", label).strip(" ,;:-"), trial


def _subject(label: str) -> tuple[str, float | None, str | None, str | None, str | None]:
    """What it is measured for, and the dose, regimen and trial its label states."""
    trial = None
    for inside in PARENTHESIS.findall(label):
        first = inside.split(",")[0].strip()
        if trial is None and _is_trial(first):
            trial = first
    text = PARENTHESIS.sub("", label)
    dose_match = DOSE.search(text)
    dose = float(dose_match["dose"]) if dose_match else None
    dose_unit = dose_match["unit"] if dose_match else None
    regimen_parts = [m.group(0).strip() for m in FREQUENCY.finditer(text)]
    # "+ MTX" is written "with MTX": a text opening with "+" is a formula to a spreadsheet.
    regimen_parts += [re.sub(r"^\+\s*", "with ", m.group(0).strip()) for m in CO_THERAPY.finditer(text)]
    for pattern in (DOSE, FREQUENCY, CO_THERAPY):
        text = pattern.sub(" ", text)
    subject = re.sub(r"\s+", " ", text).strip(" ,;:-")
    return subject, dose, dose_unit, " ".join(regimen_parts) or None, trial


def _timepoint(*labels: str) -> tuple[float | None, str | None]:
    for label in labels:
        match = TIMEPOINT.search(FREQUENCY.sub(" ", label))  # "every 3 weeks" is a regimen
        if match is not None:
            number = match["n1"] or match["n2"]
            unit = (match["unit1"] or match["unit2"]).lower()
            return float(number), unit
    return None, None


def _is_trial(text: str) -> bool:
    text = text.strip()
    words = text.split()
    return (bool(TRIAL_NAME.fullmatch(text) or _CAPITAL_NAME.fullmatch(text)) and len(text) >= 4
            and not any(NOT_TRIALS.fullmatch(word) for word in words))


def _named_trial(context: str) -> str | None:
    """The one trial a title or section names as a trial ("Efficacy Data from the ACTT-2
    Trial"); none when it names several or none."""
    if not TRIAL_WORDS.search(context):
        return None
    names = {m.group(0) for m in TRIAL_NAME.finditer(context) if _is_trial(m.group(0))}
    return names.pop() if len(names) == 1 else None

