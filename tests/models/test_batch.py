"""The batch contract: ``ModelSpec.batch`` on draws equals ``run`` on each draw, row for row."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from parley.models.registry import MODEL_NAMES, ModelOptions, get_model, run_batch
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.simulation.sampling import sample

BATCHED = [n for n in MODEL_NAMES if get_model(n).batch is not None]


@pytest.fixture(scope="module")
def draws():  # type: ignore[no-untyped-def]
    return sample(to_arrays(load_scenario("ukraine-2025").scenario), 12, seed=4)


@pytest.mark.parametrize("name", BATCHED)
def test_batch_equals_run_on_each_draw(name: str, draws) -> None:  # type: ignore[no-untyped-def]
    spec = get_model(name)
    opts = ModelOptions(rounds=4)
    got = spec.batch(draws, opts)
    assert got.shape == (12, draws.n_issues)
    for d in range(12):
        res = spec.run(draws.at(d), opts)
        assert_allclose(got[d], [res.issues[i].position for i in draws.issues], rtol=1e-12)


def test_the_static_models_have_batch() -> None:
    assert {"compromise", "median", "ensemble"} <= set(BATCHED)


def test_run_batch_falls_back_to_a_loop_and_needs_draws(draws) -> None:  # type: ignore[no-untyped-def]
    spec = get_model("compromise")
    plain = type(spec)(spec.name, spec.title, spec.citation, spec.dynamic, spec.run)
    assert plain.batch is None
    assert_allclose(run_batch(plain, draws, ModelOptions()), spec.batch(draws, ModelOptions()))
    with pytest.raises(Exception, match="draws axis"):
        run_batch(spec, draws.at(0), ModelOptions())


def test_batch_broadcasts_an_unsampled_mask(draws) -> None:  # type: ignore[no-untyped-def]
    assert np.ndim(draws.mask) == 2 and np.ndim(draws.position) == 3
