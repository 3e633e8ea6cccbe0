"""Validate stage: records per source (snapshots) and the cross-record checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from pipeline.normalize.model import Citation, Section
from pipeline.validate import validate
from tests.conftest import SEED, source_params
from tests.test_normalize import normalize_file


@pytest.mark.parametrize("path", source_params())
def test_validated_snapshot(path: Path, snapshot_json: SnapshotAssertion) -> None:
    validated = validate(normalize_file(path))
    data = {
        "records": {stem: [r.model_dump(mode="json") for r in rows]
                    for stem, rows in validated.records.items()},
        "issues": [[i.stage, i.severity, i.line, i.message] for i in validated.issues],
    }
    assert data == snapshot_json


def test_seed_validates_without_issues() -> None:
    validated = validate(normalize_file(SEED))
    assert validated.issues == ()
    assert not validated.failed


def test_dangling_citation_is_a_warning_naming_the_number() -> None:
    doc = normalize_file(SEED)
    extra = Citation(ordinal=len(doc.citations) + 1, number=42, section_id=None,
                     location="paragraph", line=18)
    validated = validate(replace(doc, citations=(*doc.citations, extra)))
    assert [(i.severity, i.line) for i in validated.issues] == [("warning", 18)]
    assert "[42]" in validated.issues[0].message
    assert validated.records  # a warning keeps the records


def test_duplicate_section_id_withholds_records() -> None:
    doc = normalize_file(SEED)
    twin = replace(doc.sections[0], ordinal=len(doc.sections) + 1)
    validated = validate(replace(doc, sections=(*doc.sections, twin)))
    assert validated.failed
    assert not validated.records
    assert any("appears 2 times" in i.message for i in validated.issues)


def test_unknown_section_reference_is_an_error() -> None:
    doc = normalize_file(SEED)
    orphan = Section("orphan", "no-such-parent", 2, len(doc.sections) + 1, "Orphan", 5)
    validated = validate(replace(doc, sections=(*doc.sections, orphan)))
    assert any("unknown section 'no-such-parent'" in i.message for i in validated.issues)
    assert validated.failed


def test_a_lost_cell_is_an_error_a_short_row_is_not() -> None:
    doc = normalize_file(SEED)
    table = doc.tables[0]  # 3 rows x 5 columns, every row full
    gap = replace(table, cells=table.cells[:1] + table.cells[2:])  # row 0 loses its column 1
    validated = validate(replace(doc, tables=(gap, *doc.tables[1:])))
    assert any("do not fill its rows from the first column inside its 3 x 5 grid" in i.message
               for i in validated.issues)
    assert validated.failed
    short = replace(table, cells=table.cells[:-1])  # the last row ends a column early
    assert not validate(replace(doc, tables=(short, *doc.tables[1:]))).failed


def test_schema_violation_becomes_an_error_not_a_crash() -> None:
    doc = normalize_file(SEED)
    bad = replace(doc.sections[0], level=0)
    validated = validate(replace(doc, sections=(bad, *doc.sections[1:])))
    assert validated.failed
    assert any(i.stage == "validate" and "level" in i.message for i in validated.issues)
