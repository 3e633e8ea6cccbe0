"""Re-running when sources change: incremental, deterministic, atomic, parallel, reported.

The corpus is made here: copies of the seed guide with distinct catalog numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import pipeline.extract
import pipeline.writer
from pipeline.__main__ import main
from pipeline.extract import extract
from tests.conftest import SEED

SEED_TEXT = SEED.read_text("utf-8")
COPIES = 5


def catalog(n: int) -> str:
    return f"B90000{n:02d}"


def make_corpus(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(COPIES):
        text = SEED_TEXT.replace("B560044", catalog(n)).replace("b560044", catalog(n).lower())
        (folder / f"guide_{n}.txt").write_text(text, "utf-8")


def snapshot_files(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_corpus(tmp_path / "sources")
    return tmp_path


@pytest.fixture
def count_extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real: Callable[[bytes, str], object] = extract

    def counting(data: bytes, source_path: str) -> object:
        calls.append(source_path)
        return real(data, source_path)

    monkeypatch.setattr(pipeline.extract, "extract", counting)
    return calls


def run(*extra: str) -> int:
    return main(["run", "--jobs", "1", *extra])


def test_second_run_parses_nothing_and_rewrites_nothing(
        corpus: Path, count_extractions: list[str]) -> None:
    assert run() == 0
    assert len(count_extractions) == COPIES
    before = snapshot_files(corpus / "outputs")
    count_extractions.clear()
    assert run() == 0
    assert count_extractions == []
    assert snapshot_files(corpus / "outputs") == before  # same bytes, same modification times


def test_changed_cell_is_the_only_change_reported(corpus: Path, count_extractions: list[str]) -> None:
    """One edited number: its cell and the measurement it is, nothing else."""
    run()
    source = corpus / "sources" / "guide_2.txt"
    source.write_text(source.read_text("utf-8").replace("| JAK1 | 5.9[1] |", "| JAK1 | 6.1[1] |"),
                      "utf-8")
    count_extractions.clear()
    run()
    assert count_extractions == ["sources/guide_2.txt"]
    changes = json.loads((corpus / "outputs" / "changes.json").read_text("utf-8"))
    assert changes["summary"]["documents_changed"] == [catalog(2)]
    assert (changes["summary"]["records_added"], changes["summary"]["records_removed"],
            changes["summary"]["records_changed"]) == (0, 0, 2)
    (measurement,) = changes["documents"][catalog(2)]["measurements"]["changed"]
    assert measurement["fields"] == {"value": {"old": "5.9", "new": "6.1"},
                                     "value_canonical": {"old": "5.9e-09", "new": "6.1e-09"}}
    (cell,) = changes["documents"][catalog(2)]["table_cells"]["changed"]
    assert cell["key"] == {"doc_id": catalog(2), "table_id": "jak-inhibition-profile-table-1",
                           "row_label": "JAK1", "column_label": "IC50 (nM)"}
    assert cell["fields"] == {"text": {"old": "5.9", "new": "6.1"},
                              "value": {"old": "5.9", "new": "6.1"}}


def test_deleted_source_leaves_every_output(corpus: Path) -> None:
    run()
    documents = corpus / "outputs" / "documents.csv"
    rows_before = sum(catalog(4) in line for p in (corpus / "outputs").glob("*.csv")
                      for line in p.read_text("utf-8").splitlines())
    (corpus / "sources" / "guide_4.txt").unlink()
    run()
    everything = "".join(p.read_text("utf-8") for p in (corpus / "outputs").rglob("*")
                         if p.is_file() and p.name != "changes.json")
    assert catalog(4) not in everything
    assert catalog(3) in documents.read_text("utf-8")
    changes = json.loads((corpus / "outputs" / "changes.json").read_text("utf-8"))
    assert changes["summary"]["documents_removed"] == [catalog(4)]
    entry = changes["documents"][catalog(4)]
    assert entry["status"] == "removed"
    removed = sum(counts["removed"] for counts in entry["records"].values())
    assert removed == rows_before == changes["summary"]["records_removed"]


def test_new_source_is_added(corpus: Path, count_extractions: list[str]) -> None:
    run()
    count_extractions.clear()
    text = SEED_TEXT.replace("B560044", "B9100000").replace("b560044", "b9100000")
    (corpus / "sources" / "new.txt").write_text(text, "utf-8")
    run()
    assert count_extractions == ["sources/new.txt"]
    changes = json.loads((corpus / "outputs" / "changes.json").read_text("utf-8"))
    assert changes["summary"]["documents_added"] == ["B9100000"]


@pytest.mark.parametrize("where", ["export", "swap"])
def test_killed_run_leaves_previous_outputs(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                            where: str) -> None:
    run()
    before = snapshot_files(corpus / "outputs")
    (corpus / "sources" / "guide_0.txt").write_text(SEED_TEXT.replace("B560044", "B9200000"))

    def die(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt("killed")

    if where == "export":  # while the new CSV files are being written
        monkeypatch.setattr(pipeline.writer.Writer, "copy_bytes", die)
    else:  # after the new folder is complete, just before it is swapped in
        monkeypatch.setattr("pipeline.store._exchange", die)
    assert run() == 130  # the command line's one line for Ctrl-C
    assert snapshot_files(corpus / "outputs") == before
    monkeypatch.undo()
    monkeypatch.chdir(corpus)
    run()  # the next run cleans up what the killed one left
    assert not list(corpus.glob(".outputs.*-*")) and not (corpus / ".outputs.old").exists()


def test_jobs_give_identical_outputs(corpus: Path) -> None:
    main(["run", "--jobs", "1", "--out", "one"])
    main(["run", "--jobs", "4", "--out", "four"])
    one = {k: v for k, (v, _) in snapshot_files(corpus / "one").items()}
    four = {k: v for k, (v, _) in snapshot_files(corpus / "four").items()}
    assert one == four


def test_two_runs_at_once_do_not_corrupt_outputs(corpus: Path) -> None:
    command = [sys.executable, "-m", "pipeline", "run", "--jobs", "1"]
    first = subprocess.Popen(command, cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(command, cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    main(["run", "--jobs", "1", "--force", "--out", "reference"])
    produced = {k: v for k, (v, _) in snapshot_files(corpus / "outputs").items() if k != "changes.json"}
    reference = {k: v for k, (v, _) in snapshot_files(corpus / "reference").items()
                 if k != "changes.json"}
    assert produced == reference


def test_diff_command_gives_the_run_report(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run()
    import shutil
    shutil.copytree(corpus / "outputs", corpus / "old")
    source = corpus / "sources" / "guide_1.txt"
    source.write_text(source.read_text("utf-8").replace("| JAK2 | 5.7[1] |", "| JAK2 | 5.8[1] |"))
    run()
    capsys.readouterr()
    assert main(["diff", "old", "outputs"]) == 1  # they differ
    report = json.loads(capsys.readouterr().out)
    assert report == json.loads((corpus / "outputs" / "changes.json").read_text("utf-8"))
    assert main(["diff", "outputs", "outputs"]) == 0
    assert not json.loads(capsys.readouterr().out)["changed"]


def test_ids_are_stable_across_edits(corpus: Path) -> None:
    def ids(doc_text: str) -> dict[str, set[str]]:
        doc = extract(doc_text.encode(), "sources/x.txt")
        return {stem: {str(r.model_dump().get(key)) for r in doc.records.of(stem)}
                for stem, key in (("sections", "section_id"), ("tables", "table_id"),
                                  ("protocols", "protocol_id"), ("figures", "figure_id"))}

    original = ids(SEED_TEXT)
    edited = ids(SEED_TEXT.replace("| JAK1 | 5.9[1] |", "| JAK1 | 7.0[1] |")
                 .replace("| ACR50 Response | 36.7%[6] |", "| ACR50 Response | 40.1%[6] |"))
    assert edited == original
    inserted = ids(SEED_TEXT.replace("COVID-19\n\nIn severe", "Lupus\n\nA new section about lupus "
                                     "with enough words to be prose.\n\nCOVID-19\n\nIn severe"))
    assert inserted["sections"] - original["sections"] == {"lupus"}
    assert original["sections"] <= inserted["sections"]
    for stem in ("tables", "protocols", "figures"):
        assert inserted[stem] == original[stem]


def test_incremental_outputs_equal_a_full_run(corpus: Path) -> None:
    """Reused documents' rows (copied from the last run) and extracted ones line up exactly."""
    run()
    source = corpus / "sources" / "guide_3.txt"
    source.write_text(source.read_text("utf-8").replace("| TYK2 | 53[1] |", "| TYK2 | 54[1] |"))
    (corpus / "sources" / "guide_0.txt").unlink()
    run()
    main(["run", "--jobs", "1", "--force", "--out", "fresh"])
    incremental_files = {k: v for k, (v, _) in snapshot_files(corpus / "outputs").items()
                         if k != "changes.json"}
    fresh_files = {k: v for k, (v, _) in snapshot_files(corpus / "fresh").items()
                   if k != "changes.json"}
    assert incremental_files == fresh_files


def test_outputs_changed_by_hand_are_not_trusted(corpus: Path, count_extractions: list[str]) -> None:
    run()
    (corpus / "outputs" / "documents.csv").unlink()
    count_extractions.clear()
    run()
    assert len(count_extractions) == COPIES  # nothing reused from outputs that were tampered with
    main(["run", "--jobs", "1", "--force", "--out", "fresh"])
    for name in ("documents.csv", "table_cells.csv", "table_cells.jsonl"):
        assert (corpus / "outputs" / name).read_bytes() == (corpus / "fresh" / name).read_bytes()


def test_parallel_path_runs_for_real_and_gives_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Enough sources for worker processes: a real pool, and outputs equal to one job's."""
    import pipeline.execute

    monkeypatch.chdir(tmp_path)
    sources = tmp_path / "sources"
    sources.mkdir()
    for n in range(pipeline.execute.MIN_PARALLEL_TASKS + 4):
        number = f"B91{n:05d}"
        (sources / f"guide_{n:03d}.txt").write_text(
            SEED_TEXT.replace("B560044", number).replace("b560044", number.lower()), "utf-8")
    pools: list[ProcessPoolExecutor] = []

    def recording_pool(**options: Any) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(**options)
        pools.append(pool)
        return pool

    monkeypatch.setattr(pipeline.execute, "ProcessPoolExecutor", recording_pool)
    assert main(["run", "--jobs", "2", "--out", "parallel"]) == 0
    assert len(pools) == 1, "the run must have extracted in worker processes"
    assert main(["run", "--jobs", "1", "--out", "serial"]) == 0
    assert len(pools) == 1
    parallel = {k: v for k, (v, _) in snapshot_files(tmp_path / "parallel").items()}
    serial = {k: v for k, (v, _) in snapshot_files(tmp_path / "serial").items()}
    assert parallel == serial and len(parallel) > 50


def test_editing_the_review_site_or_the_command_line_re_extracts_nothing() -> None:
    """The code fingerprint covers what decides the records, not the run around them."""
    from pipeline.manifest import fingerprinted_files

    root = Path(__file__).resolve().parent.parent
    names = {p.relative_to(root).as_posix() for p in fingerprinted_files()}
    for outside in ("pipeline/__main__.py", "pipeline/run.py", "pipeline/writer.py", "pipeline/plan.py",
                    "pipeline/review/__init__.py", "pipeline/changes.py", "pipeline/datapackage.py"):
        assert outside not in names, outside
    for inside in ("pipeline/parse/text.py", "pipeline/normalize/tables.py", "pipeline/inline.py",
                   "pipeline/validate.py", "schemas/records.py", "schemas/fields.py",
                   "schemas/table_records.py"):
        assert inside in names, inside


def test_a_forced_run_reads_back_only_the_documents_whose_bytes_changed(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-extracting every source (--force, or new code) compares records only where this
    run's document JSON differs from the last run's: equal bytes are equal records."""
    import pipeline.previous

    run()
    source = corpus / "sources" / "guide_2.txt"
    source.write_text(source.read_text("utf-8").replace("| JAK1 | 5.9[1] |", "| JAK1 | 6.1[1] |"),
                      "utf-8")
    read_back: list[str] = []
    real = pipeline.previous.PreviousRun._rows

    def counting(self: Any, old: Any) -> Any:
        read_back.append(old.doc_id)
        return real(self, old)

    monkeypatch.setattr(pipeline.previous.PreviousRun, "_rows", counting)
    assert run("--force") == 0
    assert read_back == [catalog(2)]
    changes = json.loads((corpus / "outputs" / "changes.json").read_text("utf-8"))
    assert changes["summary"]["documents_changed"] == [catalog(2)]
    assert changes["summary"]["records_changed"] == 2  # its cell and its measurement
    read_back.clear()
    before = {name: data for name, (data, _) in snapshot_files(corpus / "outputs").items()}
    assert run("--force") == 0
    assert read_back == []
    assert {name: data for name, (data, _) in snapshot_files(corpus / "outputs").items()} == before


def test_the_writer_copies_the_workers_rows_and_parses_no_record(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Extracted documents' rows go out as their worker serialized them: a first run reads no
    document JSON back, a re-run only the changed document's (for the change report), and the
    spill that held the rows is not left among the outputs."""
    parsed: list[int] = []
    real = pipeline.writer.read_document

    def counting(content: bytes) -> Any:
        parsed.append(len(content))
        return real(content)

    monkeypatch.setattr("pipeline.run.read_document", counting)
    assert run("--jobs", "2") == 0
    assert parsed == []
    source = corpus / "sources" / "guide_2.txt"
    source.write_text(source.read_text("utf-8").replace("| JAK1 | 5.9[1] |", "| JAK1 | 6.1[1] |"),
                      "utf-8")
    assert run() == 0
    assert len(parsed) == 1
    assert not list((corpus / "outputs").glob(".*"))
    main(["run", "--jobs", "1", "--force", "--out", "fresh"])
    fresh = {name: data for name, (data, _) in snapshot_files(corpus / "fresh").items()}
    assert {name: data for name, (data, _) in snapshot_files(corpus / "outputs").items()
            if name != "changes.json"} == {n: d for n, d in fresh.items() if n != "changes.json"}


def test_a_manifest_that_is_not_valid_means_extracting_everything(
        corpus: Path, count_extractions: list[str]) -> None:
    run()
    manifest = corpus / "outputs" / "manifest.json"
    body = json.loads(manifest.read_text("utf-8"))
    del body["sources"][0]["doc_id"]
    manifest.write_text(json.dumps(body), "utf-8")
    count_extractions.clear()
    assert run() == 0
    assert len(count_extractions) == COPIES
    assert json.loads(manifest.read_text("utf-8"))["sources"][0]["doc_id"] == catalog(0)


def test_summary_file_is_the_change_report_in_markdown(corpus: Path) -> None:
    run()
    source = corpus / "sources" / "guide_2.txt"
    source.write_text(source.read_text("utf-8").replace("| JAK1 | 5.9[1] |", "| JAK1 | 6.1[1] |"),
                      "utf-8")
    (corpus / "sources" / "guide_4.txt").unlink()
    assert run("--summary", "summary.md") == 0
    text = (corpus / "summary.md").read_text("utf-8")
    assert f"- Documents changed (1): `{catalog(2)}`" in text
    assert f"- Documents removed (1): `{catalog(4)}`" in text
    assert f"| `{catalog(2)}` | table_cells |  | 1 |  |" in text
    assert (f"- `{catalog(2)}` table_cells (table_id=jak-inhibition-profile-table-1, row_label=JAK1, "
            "column_label=IC50 (nM)): text: `5.9` → `6.1`; value: `5.9` → `6.1`") in text
    assert run("--summary", "again.md") == 0
    assert (corpus / "again.md").read_text("utf-8") == "## Guide records\n\nNo record changed.\n"
