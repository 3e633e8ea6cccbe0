"""Extraction on a Dask cluster: the same run when a catalog outgrows one machine.

``DaskCluster`` is an executor (``pipeline/execute.py``): the run still plans
(hashes, decides what to reuse) and writes on this machine; the cluster's workers
only read sources and extract them, in batches, returning each source's
``Extracted`` (its summary, its document JSON and its rows serialized by the
contract), so the outputs are byte-identical to a local run. Workers read the
sources by their paths: on a real cluster those paths must be on storage every
worker sees.

A worker that dies mid-batch has its batch run again (Dask reschedules the work of
a lost worker, and ``retries`` covers a batch that failed); a document that fails
inside a worker is that document's error, as locally. A scheduler that cannot be
reached is an environment problem (exit 3). Dask is an optional extra:
``pip install .[dask]``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.errors import EnvironmentProblem
from pipeline.execute import Extracted, extract_batch
from pipeline.plan import Source

BATCH = 32  # sources a worker is given at a time: few round trips, little held per task
AHEAD = 4  # batches in flight per worker: workers stay busy, results do not pile up
RETRIES = 3  # a batch whose worker died is run again on another worker
CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True, slots=True)
class DaskCluster:
    """A Dask cluster: the scheduler at ``scheduler`` (``tcp://host:8786``), or, with none,
    a local cluster of ``workers`` processes on this machine."""

    scheduler: str | None = None
    workers: int = 2

    def map(self, todo: Sequence[Source]) -> Iterator[Extracted]:
        batches = [list(todo[i:i + BATCH]) for i in range(0, len(todo), BATCH)]
        if not batches:
            return
        with self._client() as client:
            width = AHEAD * max(1, len(client.scheduler_info()["workers"]))
            pending: deque[Any] = deque()
            queued = iter(batches)
            for batch in queued:
                pending.append(client.submit(extract_batch, batch, retries=RETRIES, pure=False))
                if len(pending) >= width:
                    break
            while pending:
                yield from pending.popleft().result()
                for batch in queued:  # one more in flight for the one taken
                    pending.append(client.submit(extract_batch, batch, retries=RETRIES, pure=False))
                    break

    def _client(self) -> Any:
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0")
            return _Owned(Client(cluster), cluster)
        try:
            return Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            raise EnvironmentProblem(f"cannot reach the Dask scheduler at {self.scheduler}: "
                                     f"{reason}") from None


class _Owned:
    """A client and the local cluster it was made for: both closed on leaving."""

    def __init__(self, client: Any, cluster: Any) -> None:
        self.client, self.cluster = client, cluster

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.cluster.close()
