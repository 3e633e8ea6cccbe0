"""Measurements: every number of a table says what it measures, for what, when, in which unit.

The expected values are read from the guides: tests/cases/measurements_seed.md holds every
number of the first guide's tables, tests/cases/measurements.md one or two per table of every
other guide. The layouts test covers measurements too (they are records like the others).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from pipeline.extract import extract
from pipeline.normalize.units import canonical
from pipeline.validate import ValidatedDoc
from tests.conftest import ROOT, SEED, read_cases

SEED_CASES = read_cases("measurements_seed.md")
CASES = read_cases("measurements.md")


@cache
def guide(name: str) -> ValidatedDoc:
    doc = extract((ROOT / "sources" / name).read_bytes(), f"sources/{name}")
    assert not doc.failed, doc.issues
    return doc


def _number(text: str) -> float | None:
    return float(text) if text else None


def _fields(m: Any) -> dict[str, Any]:
    return {"line": m.line, "quantity": m.quantity, "subject": m.subject or "",
            "dose": m.dose, "dose_unit": m.dose_unit or "", "regimen": m.regimen or "",
            "timepoint": m.timepoint, "timepoint_unit": m.timepoint_unit or "",
            "trial": m.trial or "", "comparator": m.comparator or "", "value": m.value,
            "unit": m.unit or "", "value_canonical": m.value_canonical,
            "unit_canonical": m.unit_canonical or "", "p_comparator": m.p_comparator or "",
            "p_value": m.p_value, "citations": list(m.citations)}


def _expected(case: dict[str, str]) -> dict[str, Any]:
    numbers = ("dose", "timepoint", "value", "value_canonical", "p_value")
    out: dict[str, Any] = {k: (_number(v) if k in numbers else v) for k, v in case.items()}
    out["line"] = int(case["line"])
    out["citations"] = [int(n) for n in case["citations"].split(",") if n.strip()]
    return out


def test_every_number_of_the_first_guide_is_a_measurement() -> None:
    doc = guide(SEED.name)
    numbers = [c for c in doc.records.table_cells if c.value is not None or c.value_low is not None]
    assert len(doc.records.table_cells) == 48 and len(numbers) == len(SEED_CASES) == 23
    got = sorted((_fields(m) for m in doc.records.measurements), key=repr)
    assert got == sorted((_expected(c) for c in SEED_CASES), key=repr)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['guide'][:12]}-{c['row']}-{c['col']}")
def test_a_reader_agrees_with_the_measurement(case: dict[str, str]) -> None:
    doc = guide(case["guide"])
    (table,) = [t for t in doc.records.tables if t.title == case["table"]]
    in_cell = [m for m in doc.records.measurements if m.table_id == table.table_id
               and (m.row_index, m.col_index) == (int(case["row"]), int(case["col"]))]
    (m,) = [m for m in in_cell if m.quantity == case["quantity"]] or in_cell  # a cell may hold several
    assert (m.orientation, m.quantity, m.subject) == (case["orientation"], case["quantity"], case["subject"])
    assert (m.value, m.unit or "") == (_number(case["value"]), case["unit"])
    timepoint = f"{m.timepoint:g} {m.timepoint_unit}" if m.timepoint is not None else ""
    assert (timepoint, m.trial or "") == (case["timepoint"], case["trial"])


def test_every_guide_has_its_measurements_checked() -> None:
    names = {p.name for p in (ROOT / "sources").iterdir() if p.is_file()}
    with_numbers = {n for n in names if guide(n).records.measurements}
    assert with_numbers - {SEED.name} <= {c["guide"] for c in CASES}
    assert not any(guide("114_hatu_troubleshooting_wrapped.txt").records.measurements)  # a table of words


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (5.9, "nM", (5.9e-9, "mol/L")),
    (1.2, "µM", (1.2e-6, "mol/L")),  # micro sign
    (1.2, "μM", (1.2e-6, "mol/L")),  # Greek mu
    (1.2, "uM", (1.2e-6, "mol/L")),
    (10, "mcg", (1e-5, "g")),
    (4, "mg", (0.004, "g")),
    (5, "ng/mL", (5e-6, "g/L")),
    (12, "h", (0.5, "day")),
    (4, "weeks", (28.0, "day")),
    (2.4e-3, "M^-1 s^-1", (2.4e-3, "M^-1 s^-1")),  # a rate: as given
    (380.37, "g/mol", (380.37, "g/mol")),
    (36.7, "%", (36.7, "%")),  # percentages stay percentages
    (10, "IU", (10, "IU")),
    (3, "fold", (3, "fold")),
    (494.3, "m/z", (494.3, "m/z")),  # a mass spectrum's mass over charge: as given, like Da
    (1, "widgets/lane", (None, None)),  # unknown to pint: kept as written, no canonical value
    (3, "h^0", (None, None)),  # pint raises on a zero power: the same
    (2, "mg^0.5", (2, "mg^0.5")),  # read, but no canonical dimension: as given
])
def test_units_are_brought_to_one_canonical_unit_exactly(value: float, unit: str,
                                                          expected: tuple[float | None, str | None]) -> None:
    assert canonical(value, unit) == expected


def test_orientation_says_when_the_evidence_is_unclear() -> None:
    text = ("# A Guide to Two Things\n\nAuthor: Team. Date: May 2025\n\n## Data\n\n"
            "| Sample | Alpha | Beta |\n|---|---|---|\n| One | 1.5 | 2 |\n| Two | 3 | 4 |\n")
    doc = extract(text.encode(), "sources/unclear.md")
    readings = {(m.orientation, m.orientation_confidence) for m in doc.records.measurements}
    assert readings == {("columns", "low")}


def test_readme_example_answers_every_ic50_in_nm() -> None:
    """The output contract page's DuckDB example, run as written against the committed outputs."""
    readme = (ROOT / "docs" / "output-contract.md").read_text("utf-8")
    block = re.search(r"```python\n(# every IC50.*?)```", readme, re.S)
    assert block is not None, "docs/output-contract.md shows the measurements example"
    namespace: dict[str, Any] = {}
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(block.group(1), namespace)  # the README's own example, as a reader runs it
    finally:
        os.chdir(cwd)
    frame = namespace["ic50"]
    row = frame[(frame["doc_id"] == "B560044") & (frame["subject"] == "JAK3")].iloc[0]
    assert (row["nM"], row["comparator"], str(row["citations"])) == (400.0, ">", "1")
    assert set(frame["quantity"].str.contains("IC50|IC₅₀")) == {True}
    # 103 writes IC₅₀ with subscripts and µM: its rows are there, in nM.
    imatinib = frame[(frame["doc_id"] == "B1683027") & (frame["subject"] == "v-Abl")].iloc[0]
    assert (imatinib["quantity"], imatinib["nM"]) == ("IC₅₀", 38.0)


STATEMENTS = read_cases("cell_statements.md")


@cache
def _source(source: str) -> ValidatedDoc:
    path = ROOT / source if source.startswith("sources/") else ROOT / "tests" / "cases" / source
    doc = extract(path.read_bytes(), f"sources/{path.name}")
    assert not doc.failed, doc.issues
    return doc


@pytest.mark.parametrize("case", STATEMENTS,
                         ids=lambda c: f"{c['source'][8:20]}-{c['row']}-{c['col']}-{c['part']}")
def test_every_quantity_a_cell_states(case: dict[str, str]) -> None:
    """Each number of a cell with its own label, unit, condition and context."""
    doc = _source(case["source"])
    (table,) = [t for t in doc.records.tables if t.title == case["table"]]
    in_cell = [m for m in doc.records.measurements if m.table_id == table.table_id
               and (m.row_index, m.col_index) == (int(case["row"]), int(case["col"]))]
    assert len(in_cell) == int(case["n"]), [m.value for m in in_cell]  # no number more or less
    m = in_cell[int(case["part"]) - 1]
    timepoint = f"{m.timepoint:g} {m.timepoint_unit}" if m.timepoint is not None else ""
    assert (m.quantity, m.subject or "", m.value, m.value_low, m.value_high, m.unit or "") == (
        case["quantity"], case["subject"], _number(case["value"]), _number(case["low"]),
        _number(case["high"]), case["unit"])
    assert (m.comparator or "", m.uncertainty, m.condition or "", m.dose, m.trial or "",
            timepoint) == (case["comparator"], _number(case["unc"]), case["condition"],
                           _number(case["dose"]), case["trial"], case["timepoint"])


def test_word_cells_state_nothing() -> None:
    doc = _source("pages/measurement_tables.md")
    (table,) = [t for t in doc.records.tables if t.title == "Handling and Properties"]
    measured_rows = {m.row_index for m in doc.records.measurements if m.table_id == table.table_id}
    assert measured_rows == {0, 1, 2, 3}  # "White powder" and "Strong" are words
    notes = [m for m in doc.records.measurements if m.table_id == table.table_id and m.col_index == 2]
    assert notes == []


def test_the_unit_table_is_what_pint_says() -> None:
    """unit_table.py converts without pint; pint, asked again, gives the same for every
    spelling (``make units-table`` writes it after a change)."""
    from pipeline.normalize.units import table_source

    assert (ROOT / "pipeline" / "normalize" / "unit_table.py").read_text("utf-8") == table_source()


def test_a_spelling_the_table_lacks_is_read_by_pint() -> None:
    assert canonical(2.0, "kmol/m^3") == (2.0, "mol/L")  # not in the table: pint reads it


@pytest.mark.parametrize("case", read_cases("statements.md"),
                         ids=lambda c: f"{c['text'][:24]}-{c['part'] or 0}")
def test_a_cell_states_what_a_reader_reads(case: dict[str, str]) -> None:
    from pipeline.normalize.statements import read_statements

    found = read_statements(case["text"], case["column"], case["row"])
    assert len(found) == int(case["n"]), found
    if not case["part"]:
        return
    s = found[int(case["part"]) - 1]
    v = s.value
    assert (v.value, v.value_low, v.value_high, v.unit or "", v.comparator or "", v.p_value) == (
        _number(case["value"]), _number(case["low"]), _number(case["high"]), case["unit"],
        case["comparator"], _number(case["p"]))
    assert (s.quantity or "", s.subject or "", s.condition or "", s.timepoint or "") == (
        case["quantity"], case["subject"], case["condition"], case["timepoint"])


@pytest.mark.parametrize(("label", "expected"), [
    ("Sotorasib (AMG 510)", ("Sotorasib", None, None, None)),  # a drug code, not a trial
    ("Ibrutinib (PCI-32765)", ("Ibrutinib", None, None, None)),
    ("Trastuzumab deruxtecan (T-DXd)", ("Trastuzumab deruxtecan", None, None, None)),
    ("Sodium dodecyl sulfate (SDS)", ("Sodium dodecyl sulfate", None, None, None)),
    ("Drug A (IC50 12 nM)", ("Drug A", None, None, None)),  # a potency, not a dose
    ("Lysis buffer (50 mM Tris, 150 mM NaCl)", ("Lysis buffer", None, None, None)),
    ("Metformin 500–1000 mg", ("Metformin", None, None, None)),  # a range is no one dose
    ("Drug A 100 mg/m²", ("Drug A", 100.0, "mg/m²", None)),
    ("Compound A (10 mg/kg IP, daily)", ("Compound A", 10.0, "mg/kg", None)),
    ("Baricitinib 4 mg (RA-BEAM)", ("Baricitinib", 4.0, "mg", "RA-BEAM")),
    ("Nilotinib (ENESTnd)", ("Nilotinib", None, None, "ENESTnd")),
    ("Pd(PPh3)4", ("Pd(PPh3)4", None, None, None)),  # a parenthesis inside a name stays
    ("Tofacitinib 5 mg BID + MTX (ORAL Standard)", ("Tofacitinib", 5.0, "mg", "ORAL Standard")),
])
def test_a_subject_label_gives_its_dose_and_trial(label: str, expected: tuple[Any, ...]) -> None:
    from pipeline.normalize.measurement_labels import subject_of

    subject, dose, dose_unit, _, trial = subject_of(label)
    assert (subject, dose, dose_unit, trial) == expected


@pytest.mark.parametrize(("context", "trial"), [
    ("Results from the SURPASS-2 Trial", "SURPASS-2"),
    ("Phase 3 study in NSCLC", None),
    ("Outcomes in COVID-19 patients", None),
    ("Trial design and DMSO controls", None),
])
def test_a_title_names_a_trial_only_by_a_trial_name(context: str, trial: str | None) -> None:
    from pipeline.normalize.measurement_labels import named_trial

    assert named_trial(context) == trial
