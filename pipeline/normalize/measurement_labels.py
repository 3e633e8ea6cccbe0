"""What a table's labels say about a measured number: for what, with which dose, when, in which trial.

A subject label is read apart into the subject, its dose, regimen and co-therapy
("Baricitinib 4 mg QD + MTX" is Baricitinib, 4 mg, "QD with MTX"; "Compound A (10
mg/kg IP, daily)" is Compound A, 10 mg/kg, daily); a quantity label into the quantity,
its time point ("Week 12", "28-Day") and the trial a " - " suffix names. A trial is a
name with the form trial names have (capitals with a hyphen or a number: ACTT-2,
RA-BEAM, CodeBreaK 100; "ORAL Standard"), never an abbreviation of the words before it
("Sodium dodecyl sulfate (SDS)"), and one a title or section names as a trial.
"""

from __future__ import annotations

import re

from pipeline.normalize.values import label_unit, without_label_unit

# A dose in a subject ("4 mg", "15 mg/kg"), the regimen (frequency words and "+ co-therapy").
# A dose range ("500–1000 mg") is read as the label's text, never as one dose.
_GIVEN_UNITS = r"mg/kg|mg/m2|mg/m²|mg|µg|mcg|g|IU"  # amounts given to a subject
DOSE = re.compile(r"(?<![\d.])(?:\d+(?:\.\d+)?\s*[–-]\s*)?(?P<dose>\d+(?:\.\d+)?)\s*"
                  rf"(?P<unit>{_GIVEN_UNITS}|mL|µM|nM|mM)(?![\w/])")
# A dose inside a parenthesis is an amount given ("(10 mg/kg IP, daily)"), never a
# concentration or a volume ("(IC50 12 nM)", "(50 mM Tris)").
_GIVEN_DOSE = re.compile(rf"(?<![\d.])(?P<dose>\d++(?:\.\d+)?)\s*+(?P<unit>{_GIVEN_UNITS})(?![\w/])")
FREQUENCY = re.compile(r"\b(?:once|twice|three times)\s+(?:a\s+)?(?:daily|day|weekly|week)\b"
                       r"|\bevery\s+\d+\s+(?:hours?|days?|weeks?|months?)\b"
                       r"|\b(?:QD|BID|TID|QID|QW|EOW|Q2W|daily|weekly)\b", re.I)
CO_THERAPY = re.compile(r"\+\s*[A-Za-z][\w/-]*(?:\s+[A-Z][\w-]*)?")
# A label's parenthesis, after a space ("Compound A (10 mg/kg)"); one attached to a word is part
# of a name ("Pd(PPh3)4"). It starts where its spaces start: linear.
PARENTHESIS = re.compile(r"(?<!\s)\s+\(([^()]*)\)")
# A time point: "Week 12", "(Day 1)", "28-Day", "at 18 Months", "at 10 years".
TIMEPOINT = re.compile(
    r"\b(?P<unit1>week|day|month|year|hour)\s+(?P<n1>\d+(?:\.\d+)?)\b"
    r"|\b(?P<n2>\d+(?:\.\d+)?)[-\s](?P<unit2>week|day|month|year|hour|h)s?\b", re.I)
_TIME_UNITS = {"h": "hour"}  # a time point's unit as the contract names it
TIMEPOINT_PHRASE = re.compile(r"(?<!\s)\s*(?:\(\s*)?(?:at\s+)?(?:" + TIMEPOINT.pattern + r")(?:\s*\))?", re.I)
# A trial: a name in capitals (RA-BEAM, BREEZE-AD1, ACTT-2, CodeBreaK 100), where a label's
# " - " suffix or parenthesis gives it, or where a title or section calls it a trial.
TRIAL_NAME = re.compile(r"\b(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?:-[A-Za-z0-9]+)*(?:\s\d{1,3})?"
                        r"|[A-Z]+(?:-[A-Za-z0-9]+)+)\b")
_CAPITAL_NAME = re.compile(r"(?<![A-Z])[A-Z]{3,}(?:-[A-Za-z0-9]+)*\s[A-Z][a-z]+")  # "ORAL Standard"
TRIAL_WORDS = re.compile(r"\b(?:trials?|study|studies|outcomes|benchmark)\b", re.I)
NOT_TRIALS = re.compile(r"(?:inhibitors?|agonists?|antagonists?|comparator|control|reference|IS|JAK|RA"
                        r"|IC50|EC50|PBS|MTX|TNF|DMSO|COVID(?:-19)?|SARS(?:-CoV-2)?|HIV|HBV|HCV|NSCLC|SCLC"
                        r"|CML|AML|CLL"
                        r"|ALL|MDS|RCC|HCC|CRC)", re.I)  # whole words of a name: RA-BEAM is a trial
# The form of a trial's name when nothing around it says "trial": a word and a short number or
# a capitalized word after a hyphen (ACTT-2, KRYSTAL-1, RA-BEAM, STEP-HFpEF), a coined name of
# mixed case (ENESTnd, CodeBreaK 100), a long word of capitals (DASISION), or a word of capitals
# and a capitalized one (ORAL Standard). A drug code
# (AMG 510, PCI-32765, T-DXd) or a short abbreviation (SDS, EDTA) is no trial.
_TRIAL_FORM = re.compile(
    r"^(?:[A-Z][A-Za-z]+-(?:\d{1,2}|[A-Z]{2,}[A-Za-z0-9]*)"
    r"|(?=(?:[^A-Z]*[A-Z]){3})(?=[^a-z]*[a-z])[A-Z][A-Za-z]+(?:\s\d{1,3})?"
    r"|[A-Z]{6,}|[A-Z]{3,}(?:-[A-Za-z0-9]+)*\s[A-Z][a-z]+)$")
# A subject label that names no subject: a generic value column ("Value", "Result") is the
# guide's own compound; a bare number ("7.0", "1") is a level of the corner's variable
# ("Buffer pH 7.0", "Entry 1").
GENERIC_SUBJECT = re.compile(r"^(?:values?|results?|data|details?|specifications?|amount|)$", re.I)
BARE_NUMBER = re.compile(r"^[-−]?\d+(?:\.\d+)?$")
# A quantity label that names the arm it is measured in ("ACR20, placebo arm"); an arm named
# by its drug class is the column's own.
ARM_IN_QUANTITY = re.compile(r",\s*(?P<arm>[^,]{2,40}?)\s+arm$", re.I)
ARM_CLASS = re.compile(r"\b(?:inhibitor|agonist|antagonist|active|treatment|study drug)\b", re.I)
MAX_ABBREVIATION_CHARS = 5  # "EDTA", "TCEP": an abbreviation; "DASISION" is a trial's name
LABEL_SUFFIX = re.compile(r"\s[-\u2013]\s(?P<suffix>[^\s-][^\u2013]*?)\s*$")


def is_time_label(label: str) -> bool:
    return TIMEPOINT.search(label) is not None and not TIMEPOINT_PHRASE.sub("", label).strip(" ,;:-()")


def named_subject(label: str, corner: str, compound: str | None) -> str:
    """The subject a label names: itself, the guide's compound for a generic value column,
    or the corner variable's level for a bare number ("Time 0.5 min", "Entry 1")."""
    if GENERIC_SUBJECT.match(label):
        return compound or ""  # a "Value" column names no subject of its own
    if BARE_NUMBER.match(label) and corner:
        name = without_label_unit(corner)  # "Time (min)" and "0.5" give "Time 0.5 min"
        return f"{name} {label} {label_unit(corner)}" if name != corner else f"{corner} {label}"
    return label


def quantity_of(label: str) -> tuple[str, str | None]:
    """What is measured, without its unit, time point or trial ("28-Day Mortality" is
    Mortality; "vIGA-AD (0,1) - BREEZE-AD1" is vIGA-AD (0,1) in BREEZE-AD1)."""
    trial = None
    suffix = LABEL_SUFFIX.search(label)
    if suffix is not None and is_trial(suffix["suffix"]):
        trial, label = suffix["suffix"].strip(), label[: suffix.start()]
    label = without_label_unit(label)
    return TIMEPOINT_PHRASE.sub("", label).strip(" ,;:-"), trial


def subject_of(label: str) -> tuple[str, float | None, str | None, str | None, str | None]:
    """What it is measured for, and the dose, regimen and trial its label states, in its
    parentheses too ("Compound A (10 mg/kg IP, daily)")."""
    trial = None
    text = PARENTHESIS.sub("", label)
    given = None
    for inside in PARENTHESIS.finditer(label):
        first = inside.group(1).split(",")[0].strip()
        if trial is None and has_trial_form(first) and not _abbreviates(first, label[: inside.start()]):
            trial = first
        given = given or _GIVEN_DOSE.search(inside.group(1))
    dose_match = DOSE.search(text) or given
    ranged = dose_match is not None and dose_match.group(0)[:1].isdigit() and bool(
        re.match(r"\d+(?:\.\d+)?\s*[–-]", dose_match.group(0)))
    dose = float(dose_match["dose"]) if dose_match and not ranged else None
    dose_unit = dose_match["unit"] if dose_match and not ranged else None
    regimen_parts = [m.group(0).strip() for m in FREQUENCY.finditer(label)]
    # "+ MTX" is written "with MTX": a text opening with "+" is a formula to a spreadsheet.
    regimen_parts += [re.sub(r"^\+\s*", "with ", m.group(0).strip()) for m in CO_THERAPY.finditer(text)]
    for pattern in (DOSE, FREQUENCY, CO_THERAPY):
        text = pattern.sub(" ", text)
    subject = re.sub(r"\s+", " ", text).strip(" ,;:-")
    return subject, dose, dose_unit, " ".join(regimen_parts) or None, trial


def _abbreviates(name: str, before: str) -> bool:
    """``name`` is an abbreviation, not a trial: the initials of the words before it ("Sodium
    dodecyl sulfate (SDS)"), or a short word of capitals with no number or hyphen ("(EDTA)",
    "(TCEP)"); a trial's name is longer (DASISION) or numbered (ACTT-2, KRYSTAL-1)."""
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w-]*", before)).upper()
    letters = "".join(ch for ch in name if ch.isalpha()).upper()
    short_capitals = (name.isupper() and len(name) <= MAX_ABBREVIATION_CHARS
                      and not any(ch.isdigit() or ch == "-" for ch in name))
    return bool(letters) and (initials.endswith(letters) or short_capitals)


def timepoint_of(*labels: str) -> tuple[float | None, str | None]:
    for label in labels:
        match = TIMEPOINT.search(FREQUENCY.sub(" ", label))  # "every 3 weeks" is a regimen
        if match is not None:
            number = match["n1"] or match["n2"]
            unit = (match["unit1"] or match["unit2"]).lower()
            unit = _TIME_UNITS.get(unit, unit)
            return float(number), unit
    return None, None


def has_trial_form(text: str) -> bool:
    """A name in a parenthesis or a cell is a trial's by its form alone (``_TRIAL_FORM``)."""
    text = text.strip()
    return is_trial(text) and bool(_TRIAL_FORM.match(text))


def is_trial(text: str) -> bool:
    text = text.strip()
    words = text.split()
    return (bool(TRIAL_NAME.fullmatch(text) or _CAPITAL_NAME.fullmatch(text)) and len(text) >= 4
            and not any(NOT_TRIALS.fullmatch(word) for word in words))


def named_trial(context: str) -> str | None:
    """The one trial a title or section names as a trial ("Efficacy Data from the ACTT-2
    Trial"); none when it names several or none."""
    if not TRIAL_WORDS.search(context):
        return None
    names = {m.group(0) for m in TRIAL_NAME.finditer(context) if is_trial(m.group(0))}
    return names.pop() if len(names) == 1 else None
