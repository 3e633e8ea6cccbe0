"""The run's own inputs under attack: the sources folder, files that change after planning,
formula text anywhere in a record, a damaged output folder, and Ctrl-C.

Each ends in a row of errors.csv or one line on stderr with a documented exit status,
never a traceback, a hang or a guide dropped without a word.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.execute import extract_in_order
from pipeline.extract import extract
from pipeline.manifest import MANIFEST
from pipeline.plan import plan
from pipeline.sources import MAX_SOURCE_BYTES, discover
from tests.conftest import ROOT, SEED, SOURCES_DIR
from tests.test_cli import command, one_line, write_guides

SEED_TEXT = SEED.read_text("utf-8")
FORMULA_WARNING = re.compile(r"(?P<field>\S+) starts like a spreadsheet formula \((?P<text>.*)\); it is kept")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_guides(tmp_path / "sources", 3)
    return tmp_path


@pytest.fixture
def no_hang() -> Iterator[None]:
    """A test that would wait forever (on a FIFO) fails after 20 s instead."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("the run waited on a file for 20 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_folder_chain_deeper_than_the_recursion_limit_is_listed(work: Path) -> None:
    chain = [work / "sources" / "d"]
    for _ in range(1_099):  # one level at a time: mkdir(parents=True) itself recurses
        chain.append(chain[-1] / "d")
    try:
        for folder in chain:
            folder.mkdir()
        (chain[-1] / "deep.txt").write_text(SEED_TEXT.replace("B560044", "B9999901"), "utf-8")
        done = command("run", cwd=work)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
        assert "B9999901" in (work / "outputs" / "documents.csv").read_text("utf-8")
    finally:  # from the bottom up: shutil.rmtree (and pytest's clean-up with it) recurses
        (chain[-1] / "deep.txt").unlink(missing_ok=True)
        for folder in reversed(chain):
            if folder.exists():
                folder.rmdir()


def test_a_link_in_a_loop_or_to_nowhere_drops_no_guide(work: Path) -> None:
    (work / "sources" / "a_loop").symlink_to("a_loop")  # listed before the guides
    (work / "sources" / "a_broken").symlink_to("nowhere")
    files, unlisted = discover(work / "sources")
    assert [p.name for p in files] == ["guide_000.txt", "guide_001.txt", "guide_002.txt"]
    assert unlisted == []


def test_a_folder_that_cannot_be_listed_is_an_error_row(
        work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "sources" / "locked").mkdir()
    (work / "sources" / "locked" / "guide.txt").write_text(SEED_TEXT, "utf-8")
    real_scandir = os.scandir

    def scandir(path: str | Path) -> object:  # what a folder without read permission gives
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["run", "--jobs", "1"]) == 1
    errors = (work / "outputs" / "errors.csv").read_text("utf-8")
    assert "sources/locked,read,,,error,the folder cannot be listed: Permission denied; its guides " \
           "were not read" in errors
    assert "error: sources/locked: the folder cannot be listed" in capsys.readouterr().err


def test_a_file_swapped_for_a_fifo_after_planning_is_an_error_not_a_wait(
        work: Path, no_hang: None) -> None:
    planned = plan(work / "sources", work / "outputs")
    source = planned.sources[0]
    source.path.unlink()
    os.mkfifo(source.path)
    done = next(extract_in_order([source]))
    assert [i.message for i in done.issues] == [
        "the file cannot be read: it is not a regular file (a FIFO, device or socket)"]
    assert done.document is None


def test_a_file_grown_or_changed_after_planning_is_not_read(work: Path) -> None:
    planned = plan(work / "sources", work / "outputs")
    grown, changed = planned.sources[0], planned.sources[1]
    grown.path.write_bytes(b"x" * (MAX_SOURCE_BYTES + 10))
    changed.path.write_text(SEED_TEXT.replace("Baricitinib", "Other"), "utf-8")
    for source in (grown, changed):
        done = next(extract_in_order([source]))
        assert len(done.issues) == 1 and done.document is None
        assert done.issues[0].message.startswith("the file changed after the run planned it")
        assert done.issues[0].message.endswith("other content); it was not read: run again")


def test_formula_text_is_warned_in_every_form_and_in_list_items() -> None:
    cells = ["-2+3+cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-0.60", "+5%", "-"]
    rows = "".join(f"<tr><td>Row {n}</td><td>{cell}</td></tr>" for n, cell in enumerate(cells))
    page = (f"<html><body><h1>A Guide to Formulas</h1><p>Author: Team. Date: May 2025</p>"
            f"<h2>Data</h2><table><tr><th>Row</th><th>Value</th></tr>{rows}</table></body></html>")
    warned = [m for i in extract(page.encode(), "sources/f.html").issues
              if (m := FORMULA_WARNING.match(i.message))]
    assert {m["text"] for m in warned if m["field"] == "table_cells.text"} == {
        "\"-2+3+cmd|' /C calc'!A0\"", "'+1+1'", "'@SUM(1)'"}
    assert not {m["text"] for m in warned} & {"'-0.60'", "'+5%'", "'-'"}  # numbers, a lone sign
    guide = (SOURCES_DIR / "107_biotin_peg3_azide_click_guide.md").read_text("utf-8")
    assert "- CuSO4, 50 mM in water\n" in guide
    guide = guide.replace("- CuSO4, 50 mM in water\n", "- =HYPERLINK(\"http://x\",\"CuSO4\")\n")
    issues = extract(guide.encode(), "sources/107.md").issues
    assert any(i.message.startswith("protocols.materials starts like a spreadsheet formula "
                                    "('=HYPERLINK(") for i in issues)


@pytest.fixture
def outputs(work: Path) -> Path:
    assert main(["run", "--jobs", "1"]) == 0
    return work / "outputs"


@pytest.mark.parametrize(("damage", "words"), [
    ("manifest not JSON", "manifest.json is not a run's manifest"),
    ("manifest a list", "manifest.json is not a run's manifest"),
    ("entry without its id", "manifest.json is not a run's manifest"),
    ("document cut short", "holds an output file that was changed or cut short since its run"),
])
def test_review_on_a_damaged_output_folder_is_one_line(outputs: Path, damage: str, words: str) -> None:
    manifest = outputs / MANIFEST
    if damage == "manifest not JSON":
        manifest.write_text("{not json", "utf-8")
    elif damage == "manifest a list":
        manifest.write_text("[1, 2]", "utf-8")
    elif damage == "entry without its id":
        manifest.write_text(manifest.read_text("utf-8").replace('"doc_id": "B9500000", ', "", 1), "utf-8")
    else:
        document = outputs / "documents" / "B9500000.json"
        document.write_bytes(document.read_bytes()[:500])
    done = command("review", cwd=outputs.parent)
    assert done.returncode == 2
    assert words in one_line(done.stderr)
    if damage != "document cut short":
        done = command("diff", "outputs", "outputs", cwd=outputs.parent)
        assert done.returncode == 2
        assert words in one_line(done.stderr)


def test_dictionary_and_diff_on_a_damaged_record_file_are_one_line(outputs: Path) -> None:
    (outputs / "tables.csv").write_bytes(b'garbage\xff\xfe"unclosed\n')
    for args in (("dictionary", "--out", "outputs"), ("diff", "outputs", "outputs")):
        done = command(*args, cwd=outputs.parent)
        assert done.returncode == 2
        assert "holds a record file that is not a run's CSV" in one_line(done.stderr)


def test_ctrl_c_ends_a_run_in_one_line_with_the_outputs_intact(outputs: Path) -> None:
    work = outputs.parent
    before = (outputs / MANIFEST).read_bytes()
    write_guides(work / "sources", 600)  # seconds of work: the interrupt comes well before the end
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--jobs", "2"], cwd=work,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)  # its own group: Ctrl-C reaches it and its workers
    deadline = time.monotonic() + 60
    while not list(work.glob(".outputs.tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the run is under way
    time.sleep(0.5)
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stderr
    assert stderr.strip().splitlines() == [
        "interrupted: the outputs are as the last complete run left them"]
    assert (outputs / MANIFEST).read_bytes() == before
    assert not list(work.glob(".outputs.tmp-*"))


def test_a_run_over_a_damaged_document_file_renews_it(outputs: Path) -> None:
    document = outputs / "documents" / "B9500000.json"
    document.write_bytes(document.read_bytes()[:500])
    done = command("run", "--jobs", "1", cwd=outputs.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "documents/B9500000.json was changed or removed since the last run" in done.stderr
    assert document.read_bytes().endswith(b"}\n")
