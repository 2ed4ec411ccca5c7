"""Tests of parley.analysis.outcomes: the outcome model, menu independence, intervals."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from parley.analysis.outcomes import (
    QUADRATURE_ERROR,
    choice_among_available,
    outcome_probabilities,
    same_outcome,
)
from parley.analysis.players import package_parties
from parley.analysis.utility import acceptable, crosses_red_line, surplus
from parley.errors import ModelError
from parley.odds import outcomes
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Scenario
from tests.strategies import negotiations

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MENU = settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def sig(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def brute_force(q: np.ndarray, w: np.ndarray, w0: float) -> np.ndarray:
    """P(k) by enumerating every set of available options (independent of the quadrature)."""
    out = np.zeros(q.size)
    for B in itertools.product([0, 1], repeat=q.size):
        b = np.array(B)
        out += np.prod(np.where(b, q, 1 - q)) * b * w / (w0 + (b * w).sum())
    return out


@FAST
@given(st.integers(1, 6), st.integers(0, 2**31), st.sampled_from([0.5, 5.0, 30.0]))
def test_choice_among_available_is_exact(k: int, seed: int, spread: float) -> None:
    rng = np.random.default_rng(seed)
    q = rng.random(k) * (rng.random(k) < 0.8)
    q[rng.random(k) < 0.2] = 1.0
    v = rng.normal(0, spread, k)
    top = max(v.max(), 0.0)
    w, w0 = np.exp(np.clip(v - top, -60, 0)), np.exp(max(-top, -60))
    assert_allclose(choice_among_available(q, w, np.array(w0)), brute_force(q, w, w0),
                    atol=1e-6)


@pytest.mark.parametrize(("lam", "alpha", "beta"), [(10.0, 0.0, 0.0), (2.0, 2.0, -10.0),
                                                     (1.0, -1.0, 1.5)])
def test_hand_worked_three_packages(lam: float, alpha: float, beta: float) -> None:
    # setter 0 and one other party 1; package 0 needs both, package 1 is the setter's
    # unilateral move, package 2 the status quo (nobody's consent)
    S = np.array([[0.2, 0.1], [-0.1, -0.3], [0.0, 0.0]])
    C = np.zeros_like(S, dtype=bool)
    parties = np.array([[True, True], [True, False], [False, False]])
    q0 = sig(lam * 0.1 + alpha)  # party 1 consents to package 0
    w = np.exp(lam * np.array([0.2, -0.1, 0.0]))  # setter's weights
    w0 = np.exp(beta)  # "no proposal"
    with0 = w / (w0 + w.sum())  # package 0 available
    without0 = w / (w0 + w[1] + w[2])  # package 0 not available
    expected = [q0 * with0[0], q0 * with0[1] + (1 - q0) * without0[1],
                q0 * with0[2] + (1 - q0) * without0[2]]
    out = outcome_probabilities(S, C, parties, setter=0, precision=lam, consent_bias=alpha,
                                no_proposal=beta)
    assert_allclose(out, expected, atol=1e-7)


def test_consent_bias_and_no_proposal_must_be_finite() -> None:
    S = np.zeros((1, 2))
    C = np.zeros_like(S, dtype=bool)
    parties = np.ones((1, 2), dtype=bool)
    for kw in ({"consent_bias": np.inf}, {"no_proposal": np.nan}):
        with pytest.raises(ModelError):
            outcome_probabilities(S, C, parties, setter=0, **kw)


def test_red_lines_block_and_setter_never_proposes_across_its_own() -> None:
    S = np.array([[0.5, 0.5], [0.5, 0.5]])
    C = np.array([[False, True], [True, False]])
    parties = np.ones((2, 2), dtype=bool)
    out = outcome_probabilities(S, C, parties, setter=0)
    assert_allclose(out, [0.0, 0.0], atol=1e-12)
    with pytest.raises(ModelError):
        outcome_probabilities(S, C, parties, setter=0, precision=-1)


def _random_problem(k: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Surplus, red-line crossings (3 draws), parties and setter of a random outcome problem."""
    rng = np.random.default_rng(seed)
    S = rng.normal(0, 0.5, (3, k, n))
    C = rng.random((3, k, n)) < 0.2
    parties = rng.random((k, n)) < 0.6
    return S, C, parties, int(rng.integers(n))


@FAST
@given(st.integers(1, 5), st.integers(1, 4), st.floats(0, 50), st.integers(0, 2**31))
def test_probabilities_are_a_sub_distribution(k: int, n: int, lam: float, seed: int) -> None:
    S, C, parties, setter = _random_problem(k, n, seed)
    out = outcome_probabilities(S, C, parties, setter=setter, precision=lam)
    assert out.shape == (3, k)
    # each probability is exact up to the quadrature's error bound
    assert (out >= -QUADRATURE_ERROR).all()
    assert (out.sum(axis=-1) <= 1 + k * QUADRATURE_ERROR).all()
    assert (out[C[..., setter]] <= 1e-12).all()  # never across the setter's red line


@FAST
@given(st.integers(1, 5), st.integers(1, 4), st.floats(0, 50), st.integers(0, 2**31))
def test_the_quadrature_error_is_within_its_bound(k: int, n: int, lam: float, seed: int) -> None:
    """Against the same quadrature with a ten times finer step."""
    import parley.analysis.outcomes as model

    S, C, parties, setter = _random_problem(k, n, seed)
    out = outcome_probabilities(S, C, parties, setter=setter, precision=lam)
    step = model._STEP
    try:
        model._STEP = step / 10
        fine = outcome_probabilities(S, C, parties, setter=setter, precision=lam)
    finally:
        model._STEP = step
    assert np.abs(out - fine).max() <= QUADRATURE_ERROR


def test_copies_share_their_original_and_take_nothing() -> None:
    rng = np.random.default_rng(4)
    S = rng.normal(0.1, 0.3, (5, 3, 3))
    C = np.zeros_like(S, dtype=bool)
    parties = np.ones((3, 3), dtype=bool)
    base = outcome_probabilities(S, C, parties, setter=0)
    S2 = np.concatenate([S, S[:, 1:2]], axis=1)
    C2 = np.concatenate([C, C[:, 1:2]], axis=1)
    p2 = np.vstack([parties, parties[1:2]])
    dup = outcome_probabilities(S2, C2, p2, setter=0, same_as=np.array([0, 1, 2, 1]))
    assert_allclose(dup[:, :3], base, atol=1e-9)
    assert_allclose(dup[:, 3], base[:, 1], atol=1e-9)


def test_same_outcome_within_tolerance() -> None:
    P = np.array([[10.0, 50.0], [10.2, 50.0], [30.0, 50.0], [10.0, 50.4]])
    assert same_outcome(P, np.array([0.0, 0.0]), np.array([100.0, 100.0])).tolist() == \
        [0, 0, 2, 0]


def _with_package(s: Scenario, positions: dict[str, float]) -> Scenario:
    data = s.model_dump(exclude_none=True)
    data["packages"].append({"id": "added", "name": "Added", "positions": positions})
    return Scenario.model_validate(data)


def _named(s: Scenario, **params: float) -> np.ndarray:
    return outcomes(s, draws=0, **params).probability


# The model without the fitted constants and with a sharp precision, where "worse off than its
# BATNA by 0.5" means a consent below 1% (at the fitted defaults, lambda 2 and alpha 2, such a
# party still consents with probability sigma(1) = 0.73, and the package is not hopeless).
SHARP = {"precision": 10.0, "consent_bias": 0.0, "no_proposal": 0.0}


@MENU
@given(negotiations(), st.data())
def test_a_copy_moves_no_other_package(s: Scenario, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(s.packages) - 1))
    before = _named(s)
    after = _named(_with_package(s, dict(s.packages[k].positions)))
    assert np.abs(after[: before.size] - before).max() <= 0.01
    assert after[-1] == pytest.approx(after[k])


@MENU
@given(negotiations(), st.data())
def test_a_package_nobody_needed_accepts_moves_no_other_package(
    s: Scenario, data: st.DataObject
) -> None:
    arr = to_arrays(s)
    pos = {
        i.id: float(data.draw(st.sampled_from([i.scale.min, i.scale.max]))) for i in s.issues
    }
    P = np.array([[pos[i] for i in arr.issues]])
    parties = package_parties(arr, P)[0].parties
    idx = [arr.actors.index(a) for a in parties]
    # "would not accept": crosses one of the party's red lines, or leaves it worse off than
    # its BATNA by at least 0.5 (consent below 1% at SHARP)
    refuses = crosses_red_line(P, arr)[0, idx] | (surplus(P, arr)[0, idx] <= -0.5)
    assume(parties and refuses.all())
    assert not acceptable(P, arr)[0, idx].any()
    before = _named(s, **SHARP)
    after = _named(_with_package(s, pos), **SHARP)
    assert np.abs(after[: before.size] - before).max() <= 0.01


def test_no_agreement_is_reported_apart_from_the_status_quo_package() -> None:
    s = load_scenario("ukraine-2025").scenario
    r = outcomes(s, draws=0)
    d = r.to_dict()
    sq = next(o for o in d["outcomes"] if o["forum"] == "status quo")
    assert d["no_agreement"] > 0 and sq["probability"] > 0
    assert sum(o["probability"] for o in d["outcomes"]) + d["no_agreement"] == \
        pytest.approx(1.0, abs=1e-6)


def test_intervals_and_generated_packages() -> None:
    s = load_scenario("ukraine-2025").scenario
    r = outcomes(s, draws=300, seed=2, generated=True)
    d = r.to_dict()
    gen = [o for o in d["outcomes"] if o["generated"]]
    assert [o["id"] for o in gen] == ["space:zone"]  # a partial zone, no settlement
    assert gen[0]["positions"] == pytest.approx(
        dict(zip(r.issues, r.space.zone.package, strict=True)))
    for o in d["outcomes"]:
        lo, hi = o["interval"]
        assert 0.0 <= lo <= hi <= 1.0
    p0 = outcomes(s, draws=0).to_dict()
    for o in p0["outcomes"]:
        assert o["interval"] == pytest.approx([o["probability"]] * 2)


def test_seed_determinism_and_point_estimates() -> None:
    s = load_scenario("ukraine-2025").scenario
    a = outcomes(s, draws=200, seed=3).probability
    b = outcomes(s, draws=200, seed=3).probability
    c = outcomes(s, draws=200, seed=0).probability
    assert_allclose(a, b)
    assert not np.allclose(a, c)
    r0 = outcomes(s, draws=0)
    assert r0.probability.sum() + r0.no_agreement == pytest.approx(1.0)
    assert outcomes(to_arrays(s), draws=0).probability == pytest.approx(r0.probability)
    with pytest.raises(ModelError):
        outcomes(s, draws=-1)
    with pytest.raises(ModelError):
        outcomes(s, setter="nobody")
