"""The Dask path gives the local run's numbers bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.simulation.monte_carlo import BLOCK, simulate


@pytest.mark.slow
def test_dask_local_cluster_equals_local_run() -> None:
    pytest.importorskip("dask.distributed")
    arr = to_arrays(load_scenario("ukraine-2025").scenario)
    kw = {"models": ["compromise", "median"], "space_draws": 30, "chunk_draws": BLOCK}
    local = simulate(arr, 4 * BLOCK + 3, 11, **kw)
    dask = simulate(arr, 4 * BLOCK + 3, 11, workers=2, **kw)
    for n in ("compromise", "median"):
        assert np.array_equal(local.forecasts[n], dask.forecasts[n])
    assert np.array_equal(local.probability, dask.probability)
    assert np.array_equal(local.zone, dask.zone)
    assert local.to_dict() == dask.to_dict()


def test_missing_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("dask.distributed")
    from parley.errors import ModelError

    arr = to_arrays(load_scenario("ukraine-2025").scenario)
    with pytest.raises(ModelError, match="Dask scheduler"):
        simulate(arr, 10, 0, models=["compromise"], space_draws=0,
                 scheduler="tcp://127.0.0.1:1")
