"""Running a simulation's chunks on a Dask distributed cluster.

Each chunk (whole blocks of draws, each block with its own ``SeedSequence.spawn`` stream; see
:mod:`parley.simulation.monte_carlo`) is one Dask task computing
:func:`~parley.simulation.monte_carlo.run_chunk`; the results are put back in draw order, so a
Dask run gives the same numbers as a local run with the same seed. ``workers=N`` starts a local
cluster of ``N`` single-threaded worker processes for the run; ``scheduler=ADDRESS`` connects to
a running scheduler (``dask scheduler`` on one machine, ``dask worker ADDRESS`` on each other;
see docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parley.errors import ModelError

__all__ = ["run_distributed"]


def _client(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ModelError(
            "--workers and --scheduler need Dask: pip install 'parley[dask]'"
        ) from None
    if scheduler is not None:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise ModelError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    cluster = LocalCluster(
        n_workers=workers or 1, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster), cluster


def run_distributed(
    plan: Any,
    work: list[tuple[int, int]],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """Results of :func:`~parley.simulation.monte_carlo.run_chunk` for each ``(first, count)``
    of ``work``, computed on Dask, in the order of ``work``."""
    from dask.distributed import as_completed

    from parley.simulation.monte_carlo import run_chunk

    client, cluster = _client(workers, scheduler)
    try:
        remote = client.scatter(plan, broadcast=True)
        futures = [client.submit(run_chunk, remote, f, c, pure=False) for f, c in work]
        done = 0
        for fut in as_completed(futures):
            done += fut.result().probability.shape[0]
            if progress is not None:
                progress(done, plan.draws)
        return [f.result() for f in futures]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
