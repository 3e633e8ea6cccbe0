"""The outputs as a Frictionless Data Package: types, keys and foreign keys hold."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline import PIPELINE_VERSION
from pipeline.datapackage import datapackage
from schemas.records import RECORD_TYPES, SCHEMA_VERSION
from tests.conftest import ROOT

frictionless = pytest.importorskip("frictionless")  # a test-only dependency: pip install .[test]


def validate(descriptor: Path) -> Any:  # a frictionless Report
    return frictionless.validate(str(descriptor))


def test_committed_outputs_validate_as_a_data_package() -> None:
    report = validate(ROOT / "outputs" / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_package_names_its_versions_and_every_csv() -> None:
    package = json.loads((ROOT / "outputs" / "datapackage.json").read_text("utf-8"))
    assert (package["version"], package["schema_version"]) == (PIPELINE_VERSION, SCHEMA_VERSION)
    assert [r["path"] for r in package["resources"]] == [f"{s}.csv" for s in RECORD_TYPES]
    cells = next(r for r in package["resources"] if r["path"] == "table_cells.csv")
    assert [f["name"] for f in cells["schema"]["fields"]] == list(RECORD_TYPES["table_cells"].model_fields)
    assert cells["schema"]["primaryKey"] == ["doc_id", "table_id", "row_index", "col_index"]
    manifest = json.loads((ROOT / "outputs" / "manifest.json").read_text("utf-8"))
    assert (manifest["pipeline_version"], manifest["schema_version"]) == (PIPELINE_VERSION,
                                                                          SCHEMA_VERSION)


def test_a_broken_foreign_key_fails_validation(tmp_path: Path) -> None:
    copy = tmp_path / "outputs"
    shutil.copytree(ROOT / "outputs", copy)
    cells = copy / "table_cells.csv"
    lines = cells.read_text("utf-8").split("\n")
    doc_id, _table_id, rest = lines[1].split(",", 2)
    lines[1] = ",".join((doc_id, "no-such-table", rest))
    cells.write_text("\n".join(lines), "utf-8")
    digests = {}
    for stem in RECORD_TYPES:  # fresh hashes, so that only the foreign key is wrong
        content = (copy / f"{stem}.csv").read_bytes()
        digests[f"{stem}.csv"] = (hashlib.sha256(content).hexdigest(), len(content))
    (copy / "datapackage.json").write_bytes(datapackage(digests))
    report = validate(copy / "datapackage.json")
    assert not report.valid
    assert {error_type for (error_type,) in report.flatten(["type"])} == {"foreign-key"}


def test_parquet_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from pipeline.__main__ import main

    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    guide = sources / "107_biotin_peg3_azide_click_guide.md"  # its materials list, one item with ';'
    guide.write_text(guide.read_text("utf-8").replace(
        "- Biotin-PEG3-Azide, 10 mM in DMSO", "- Biotin-PEG3-Azide; 10 mM in DMSO"), "utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "outputs"
    assert main(["run", "--jobs", "1", "--format", "parquet"]) == 0
    for stem in RECORD_TYPES:
        from_parquet = pq.read_table(out / f"{stem}.parquet").to_pylist()
        from_jsonl = [json.loads(line) for line in (out / f"{stem}.jsonl").read_text("utf-8").splitlines()]
        assert from_parquet == from_jsonl, stem  # typed alike, lists whole, empty text kept
    materials = [m for row in pq.read_table(out / "protocols.parquet").to_pylist() for m in row["materials"]]
    assert "Biotin-PEG3-Azide; 10 mM in DMSO" in materials


def test_jsonl_keeps_lists_and_numbers() -> None:
    first = json.loads((ROOT / "outputs" / "protocols.jsonl").read_text("utf-8").splitlines()[0])
    assert isinstance(first["materials"], list) and isinstance(first["citations"], list)
    text = (ROOT / "outputs" / "table_cells.jsonl").read_text("utf-8")
    cells = [json.loads(line) for line in text.splitlines()]
    assert any(isinstance(c["value"], float) for c in cells)
    assert all(isinstance(c["row_index"], int) for c in cells)


def test_duckdb_loads_every_resource_with_declared_types() -> None:
    duckdb = pytest.importorskip("duckdb")
    package = json.loads((ROOT / "outputs" / "datapackage.json").read_text("utf-8"))
    sql_types = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN",
                 "list": "VARCHAR"}
    for resource in package["resources"]:
        columns = {f["name"]: sql_types[f["type"]] for f in resource["schema"]["fields"]}
        relation = duckdb.read_csv(str(ROOT / "outputs" / resource["path"]), header=True,
                                   columns=columns)
        with (ROOT / "outputs" / resource["path"]).open(encoding="utf-8", newline="") as handle:
            expected = sum(1 for _ in csv.reader(handle)) - 1
        assert len(relation.fetchall()) == expected, resource["path"]
        assert relation.columns == list(columns)
