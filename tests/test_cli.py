"""The command line under misuse: exit codes, output folder rules, the lock, trust in the outputs.

Every problem that is not a document's ends the command with one line on stderr and
exit status 2 (usage) or 3 (environment), never a traceback; see docs/command-line.md's
"Exit codes" and "Output folder" sections.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import pipeline.run
import pipeline.store
from pipeline.__main__ import main
from pipeline.execute import Extracted
from pipeline.plan import Source
from tests.conftest import ROOT, SEED, write_seed_copies

SEED_TEXT = SEED.read_text("utf-8")


def write_guides(folder: Path, count: int) -> None:
    write_seed_copies(folder, count, "B95")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_guides(tmp_path / "sources", 3)
    return tmp_path


def command(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=timeout)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("error") or "error:" in line]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(("out", "words"), [
    ("afile", "is a file, not a folder"),
    ("/", "is the file-system root"),
    (".", "is the working directory"),
    ("..", "is the working directory or holds it"),
    ("sources/outputs", "is inside --sources"),
])
def test_an_output_folder_that_cannot_serve_is_a_usage_error(work: Path, out: str, words: str) -> None:
    (work / "afile").write_text("keep me", "utf-8")
    done = command("run", "--out", out, cwd=work)
    assert done.returncode == 2
    assert words in one_line(done.stderr)
    assert (work / "afile").read_text("utf-8") == "keep me"  # never moved aside
    assert sorted(p.name for p in (work / "sources").iterdir()) == [f"guide_00{n}.txt" for n in range(3)]


def test_sources_inside_the_output_folder_is_a_usage_error(work: Path) -> None:
    write_guides(work / "data" / "sources", 1)
    done = command("run", "--sources", "data/sources", "--out", "data", cwd=work)
    assert done.returncode == 2
    assert "is inside --out" in one_line(done.stderr)


def test_an_output_link_is_followed_and_kept(work: Path) -> None:
    (work / "real").mkdir()
    (work / "link").symlink_to(work / "real")
    assert main(["run", "--out", "link"]) == 0
    assert (work / "link").is_symlink() and (work / "link").resolve() == work / "real"
    assert (work / "real" / "manifest.json").is_file()
    assert main(["run", "--out", "link"]) == 0  # and the next run finds its outputs there


def test_an_unwritable_output_folder_is_an_environment_error(work: Path) -> None:
    (work / "afile").write_text("x", "utf-8")
    done = command("run", "--out", "afile/outputs", cwd=work)  # a parent that is a file
    assert done.returncode == 3
    assert "cannot write beside afile/outputs" in one_line(done.stderr)


def test_a_closed_pipe_does_not_stop_the_run(work: Path) -> None:
    """``run | head``: the reader is gone before the report is written (closed here at once),
    and the report (a line per guide) is longer than the output buffer."""
    write_guides(work / "sources", 120)
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run"], cwd=work, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()
    stderr = run.stderr.read()
    assert run.wait(timeout=300) == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception ignored" not in stderr
    assert (work / "outputs" / "manifest.json").is_file()  # swapped in before the report


def test_a_lock_left_by_a_dead_run_is_an_environment_error(
        work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with (work / ".outputs.lock").open("w") as handle:  # what a dead run's orphaned worker holds
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(f"{dead.pid}\n")
        handle.flush()
        monkeypatch.setattr(pipeline.store, "DEAD_HOLDER_GRACE", 0.5)
        assert main(["run"]) == 3
    assert f"held by processes of a run that died (pid {dead.pid})" in one_line(capsys.readouterr().err)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(n) for n in path.read_text().split()] if path.exists() else []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_workers_die_with_a_killed_run_and_release_the_lock(work: Path) -> None:
    write_guides(work / "sources", 240)  # enough for worker processes and a few seconds of work
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--jobs", "2"], cwd=work, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(workers := _children(run.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) >= 2, "the run never started its workers"
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(w) for w in workers), "workers outlived their run"
    done = command("run", "--jobs", "2", cwd=work, timeout=120)
    assert done.returncode == 0, done.stderr


def test_exit_codes_of_diff(work: Path) -> None:
    assert main(["run", "--out", "a"]) == 0
    assert main(["run", "--out", "b"]) == 0
    assert command("diff", "a", "b", cwd=work).returncode == 0
    (work / "sources" / "guide_000.txt").write_text(
        SEED_TEXT.replace("B560044", "B95000000").replace("| JAK1 | 5.9", "| JAK1 | 6.1"), "utf-8")
    assert main(["run", "--out", "b"]) == 0
    assert command("diff", "a", "b", cwd=work).returncode == 1
    done = command("diff", "a", "sources", cwd=work)
    assert done.returncode == 2
    assert "not a run's outputs folder" in one_line(done.stderr)


def test_exit_codes_of_review_schema_and_dictionary(work: Path) -> None:
    done = command("review", cwd=work)
    assert (done.returncode, "no manifest.json" in one_line(done.stderr)) == (2, True)
    assert main(["run"]) == 0
    assert command("review", cwd=work).returncode == 0
    assert command("schema", cwd=work).returncode == 0
    assert command("dictionary", cwd=work).returncode == 0
    done = command("dictionary", "--write", cwd=work)  # no docs/data-dictionary.md here to renew
    assert done.returncode == 3
    assert "data-dictionary.md" in one_line(done.stderr)
    done = command("run", "--jobs", "0", cwd=work)
    assert (done.returncode, "--jobs must be at least 1" in one_line(done.stderr)) == (2, True)


def test_an_edited_document_json_is_not_trusted(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 0
    path = work / "outputs" / "documents" / "B9500001.json"
    original = path.read_bytes()
    manifest = json.loads((work / "outputs" / "manifest.json").read_text("utf-8"))
    assert any(e["document_sha256"] for e in manifest["sources"])  # the manifest covers it
    path.write_bytes(original.replace(b"5.9", b"9.9"))
    capsys.readouterr()
    assert main(["run"]) == 0
    assert "documents/B9500001.json was changed or removed since the last run" in capsys.readouterr().err
    assert path.read_bytes() == original


def test_an_invalid_manifest_means_extract_everything(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 0
    before = {p.name: p.read_bytes() for p in (work / "outputs").glob("*.csv")}
    manifest_path = work / "outputs" / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    del manifest["sources"][0]["doc_id"]
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    capsys.readouterr()
    assert main(["run"]) == 0
    assert "manifest.json is not a valid manifest" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (work / "outputs").glob("*.csv")} == before
    assert json.loads(manifest_path.read_text("utf-8"))["sources"][0]["doc_id"]


def test_a_source_deleted_after_planning_is_its_error(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.execute import Executor, execute

    def deleting(todo: Sequence[Source], executor: Executor) -> Iterator[Extracted]:
        (work / "sources" / "guide_001.txt").unlink()
        return execute(todo, executor)

    monkeypatch.setattr(pipeline.run, "execute", deleting)
    assert main(["run"]) == 1
    errors = (work / "outputs" / "errors.csv").read_text("utf-8")
    assert "sources/guide_001.txt" in errors and "cannot be read" in errors
    documents = (work / "outputs" / "documents.csv").read_text("utf-8")
    assert "B9500000" in documents and "B9500002" in documents


def test_two_files_recorded_under_one_name_are_both_errors(work: Path) -> None:
    """A name that is not UTF-8 is written with escapes; a file may spell that escape."""
    (work / "sources" / os.fsdecode(b"caf\xe9.txt")).write_text(SEED_TEXT.replace("B560044", "B9600001"))
    (work / "sources" / "caf\\xe9.txt").write_text(SEED_TEXT.replace("B560044", "B9600002"))
    for _ in range(2):  # and the next run reads them the same way, without a crash
        done = command("run", cwd=work)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.count("2 files are recorded as 'sources/caf\\\\xe9.txt'") == 2


def test_an_output_link_loop_is_a_usage_error(work: Path) -> None:
    (work / "loop").symlink_to(work / "loop")
    done = command("run", "--out", "loop", cwd=work)
    assert done.returncode == 2
    assert "cannot be resolved" in one_line(done.stderr)


def test_diff_of_a_damaged_record_file_is_a_usage_error(work: Path) -> None:
    assert main(["run", "--out", "a"]) == 0
    assert main(["run", "--out", "b"]) == 0
    (work / "b" / "documents.csv").write_text("{", "utf-8")
    done = command("diff", "a", "b", cwd=work)
    assert done.returncode == 2
    assert "not a run's CSV" in one_line(done.stderr)


STAGE_MODULES = ("pipeline.decode", "pipeline.parse", "pipeline.normalize", "pipeline.validate",
                 "markdown_it", "bs4", "pint", "pypdfium2")


@pytest.mark.parametrize("folder", ["empty", "unchanged"])
def test_a_run_that_extracts_nothing_loads_no_stage(work: Path, folder: str) -> None:
    """Start-up: the stages (and their libraries) load when a document is extracted, never for
    a run over an empty folder or a no-op re-run, which then cost little more than Python's own
    start (issue 24: under 0.3 s). What is loaded is checked, not timed."""
    sources = work / "sources"
    if folder == "empty":
        for path in sources.iterdir():
            path.unlink()
    else:
        assert main(["run", "--sources", str(sources), "--out", str(work / "outputs")]) == 0
    probe = ("import sys\nfrom pipeline.__main__ import main\n"
             f"code = main(['run', '--sources', {str(sources)!r}, '--out', {str(work / 'outputs')!r}])\n"
             f"print(code, sorted(m for m in sys.modules if m.startswith({STAGE_MODULES!r})))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          check=False, cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
