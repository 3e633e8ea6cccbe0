"""The Dask executor: the same outputs as the local pool, and a run that survives a lost worker.

Each test runs a LocalCluster of two worker processes on this machine.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from pipeline.__main__ import main
from tests.conftest import write_seed_copies

distributed = pytest.importorskip("distributed")


def write_guides(folder: Path, count: int) -> None:
    write_seed_copies(folder, count, "B98")


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def cluster() -> object:
    local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=":0")
    yield local
    local.close()


def test_local_pool_and_dask_cluster_write_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           cluster: object) -> None:
    monkeypatch.chdir(tmp_path)
    write_guides(tmp_path / "sources", 70)
    (tmp_path / "sources" / "broken.txt").write_bytes(b"")  # a document error, on a worker too
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    assert main(["run", "--jobs", "2", "--out", "local"]) == 1
    assert main(["run", "--executor", "dask", "--scheduler", address, "--out", "cluster"]) == 1
    assert main(["run", "--executor", "dask", "--jobs", "2", "--out", "own-cluster"]) == 1
    local = files(tmp_path / "local")
    assert len(local) > 80
    assert files(tmp_path / "cluster") == local
    assert files(tmp_path / "own-cluster") == local


def test_a_worker_killed_mid_run_loses_no_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   cluster: object) -> None:
    monkeypatch.chdir(tmp_path)
    write_guides(tmp_path / "sources", 400)
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    result: list[int] = []
    run = threading.Thread(target=lambda: result.append(
        main(["run", "--executor", "dask", "--scheduler", address])))
    run.start()
    with distributed.Client(address) as client:
        deadline = time.monotonic() + 120
        while not any(p.is_dir() and any(p.iterdir()) for p in tmp_path.glob(".outputs.tmp-*/documents")):
            assert time.monotonic() < deadline, "the run never started writing"
            time.sleep(0.05)
        pids = client.run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)  # one worker dies mid-run
    run.join(timeout=300)
    assert result == [0]
    documents = (tmp_path / "outputs" / "documents.csv").read_text("utf-8").splitlines()
    assert len(documents) == 401  # the header and every guide


def test_an_unreachable_scheduler_is_an_environment_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write_guides(tmp_path / "sources", 2)
    assert main(["run", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]) == 3
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err and "Traceback" not in err
    assert not (tmp_path / "outputs").exists()
