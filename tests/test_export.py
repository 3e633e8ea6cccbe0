"""Export stage and the command line: files per source (snapshots), committed outputs, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from pipeline.__main__ import main
from pipeline.extract import extract
from pipeline.writer import export, json_schemas
from schemas.records import RECORD_TYPES
from tests.conftest import ROOT, SEED, SOURCES, source_params


@pytest.mark.parametrize("path", source_params())
def test_exported_files_snapshot(path: Path, snapshot_json: SnapshotAssertion) -> None:
    files = export([extract(path.read_bytes(), f"sources/{path.name}")])
    assert {name: content.decode("utf-8") for name, content in files.items()} == snapshot_json


def test_committed_outputs_are_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "outputs"
    main(["run", "--out", str(out)])
    # changes.json records what the last run changed: history, not a product of the sources.
    fresh = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and p.name != "changes.json"}
    # The review site is not part of the dataset (and not committed).
    committed = {p.relative_to(ROOT / "outputs").as_posix(): p.read_bytes()
                 for p in (ROOT / "outputs").rglob("*") if p.is_file() and p.name != "changes.json"
                 and "review" not in p.relative_to(ROOT / "outputs").parts}
    assert sorted(fresh) == sorted(committed), "run `make run` and commit outputs/"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], "run `make run` and commit outputs/"


def test_committed_json_schemas_match_the_models() -> None:
    committed = {p.name: p.read_bytes() for p in (ROOT / "schemas" / "json").glob("*.schema.json")}
    assert committed == json_schemas(), "run `make run` (python -m pipeline schema --write)"


def test_outputs_are_deterministic() -> None:
    docs = [extract(p.read_bytes(), f"sources/{p.name}") for p in SOURCES]
    assert export(docs) == export(list(reversed(docs)))


def test_every_record_type_has_a_csv_with_header_even_when_empty() -> None:
    files = export([])
    for stem, model in RECORD_TYPES.items():
        assert files[f"{stem}.csv"].decode("utf-8") == ",".join(model.model_fields) + "\n"


def test_document_json_holds_all_records() -> None:
    files = export([extract(SEED.read_bytes(), "sources/seed.txt")])
    body = json.loads(files["documents/B560044.json"])
    assert len(body["table_cells"]) == 48
    assert body["table_cells"][0]["citations"] == []
    assert body["protocols"][2]["citations"] == [1]  # lists stay lists in JSON


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SEED, sources / SEED.name)
    assert main(["run", "--sources", str(sources), "--out", str(tmp_path / "out")]) == 0
    (sources / "empty.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    assert main(["run", "--sources", str(sources), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "empty.txt" in captured.err
    assert (tmp_path / "out" / "documents" / "B560044.json").is_file()  # the good one still went out
    with pytest.raises(SystemExit) as exc:
        main(["run", "--sources", str(tmp_path / "missing")])
    assert exc.value.code == 2


def test_the_data_dictionary_page_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.commands import read_examples
    from pipeline.dictionary import END, START, render, replace_section

    monkeypatch.chdir(ROOT)
    page = (ROOT / "docs" / "data-dictionary.md").read_text("utf-8")
    assert START in page and END in page
    assert replace_section(page, render(read_examples(ROOT / "outputs"))) == page, (
        "run `python -m pipeline dictionary --write` after `make run`")


def test_the_runs_copied_rows_are_export_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run copies the rows its workers serialized (the spill), never records re-read: every
    record file it writes, in worker processes and in one, is byte for byte export()'s."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    monkeypatch.setattr("pipeline.execute.MIN_PARALLEL_TASKS", 1)  # worker processes, however few
    assert main(["run", "--jobs", "2", "--out", "pool"]) == 0
    assert main(["run", "--jobs", "1", "--out", "one"]) == 0
    docs = [extract(p.read_bytes(), f"sources/{p.name}") for p in SOURCES]
    for name, content in export(docs).items():
        if name.endswith((".csv", ".jsonl")):
            assert (tmp_path / "pool" / name).read_bytes() == content, name
            assert (tmp_path / "one" / name).read_bytes() == content, name


def test_streamed_run_writes_what_export_writes() -> None:
    """The command line streams rows a document at a time; the bytes are export()'s."""
    docs = [extract(p.read_bytes(), f"sources/{p.name}") for p in SOURCES]
    for name, content in export(docs).items():
        assert (ROOT / "outputs" / name).read_bytes() == content, name
