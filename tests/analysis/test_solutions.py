"""Tests of parley.analysis.solutions: bargaining solutions over packages.

The utility used throughout is self-contained linear loss on the unit box,
``u_i(p) = 1 - sum_j s_ij |p_j - x_ij| / sum_j s_ij``, so every known answer below is worked
out by hand from that formula.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from parley.analysis import solutions as sol
from parley.analysis.solutions import (
    Solution,
    kalai_smorodinsky,
    nash_bargaining,
    pareto_frontier,
    pareto_mask,
    sample_packages,
    utilitarian,
)
from parley.errors import ModelError

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def linear_loss(ideal: np.ndarray, salience: np.ndarray):
    """Vectorised linear-loss utilities: packages (k, m) -> (k, n)."""
    x = np.asarray(ideal, dtype=float)
    s = np.asarray(salience, dtype=float)
    total = s.sum(axis=1)

    def utility(P: np.ndarray) -> np.ndarray:
        return 1.0 - (s[None] * np.abs(P[:, None, :] - x[None])).sum(axis=-1) / total[None]

    return utility


def box(m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(m), np.ones(m)


# two actors at 0 and 1 on one issue, equal saliences: u_0 = 1 - p, u_1 = p
TWO = linear_loss([[0.0], [1.0]], [[1.0], [1.0]])
# two issues: A ideal (0, 0) saliences (1, 1); B ideal (1, 1) saliences (3, 1)
#   u_A = 1 - (p1 + p2) / 2,  u_B = 1 - (3 (1 - p1) + (1 - p2)) / 4
ASYM = linear_loss([[0.0, 0.0], [1.0, 1.0]], [[1.0, 1.0], [3.0, 1.0]])


@st.composite
def problems(draw: st.DrawFn) -> tuple:
    """Random linear-loss problems on [0, 1]^m with BATNAs in [0, 0.45]."""
    n = draw(st.integers(2, 4))
    m = draw(st.integers(1, 3))
    unit = st.floats(0, 1, allow_nan=False).map(lambda v: round(v, 3))
    sal = st.floats(0.05, 1, allow_nan=False).map(lambda v: round(v, 3))
    x = np.array(draw(st.lists(unit, min_size=n * m, max_size=n * m))).reshape(n, m)
    s = np.array(draw(st.lists(sal, min_size=n * m, max_size=n * m))).reshape(n, m)
    d = np.array(draw(st.lists(st.floats(0, 0.45), min_size=n, max_size=n)))
    seed = draw(st.integers(0, 2**32 - 1))
    return x, s, d, seed


def dense(m: int, centre: np.ndarray, seed: int) -> np.ndarray:
    """An independent check sample: uniform packages plus a cloud around ``centre``."""
    rng = np.random.default_rng(seed + 1)
    near = centre + rng.normal(0, 0.02, (3000, m))
    return np.clip(np.concatenate([rng.random((20000, m)), near]), 0, 1)


# --------------------------------------------------------------------------- pareto_mask


def brute_force_mask(U: np.ndarray) -> np.ndarray:
    k = U.shape[0]
    out = np.ones(k, dtype=bool)
    for a, b in itertools.product(range(k), repeat=2):
        if (U[b] >= U[a]).all() and (U[b] > U[a]).any():
            out[a] = False
    return out


@FAST
@given(
    st.integers(0, 40).flatmap(
        lambda k: st.integers(1, 4).flatmap(
            lambda n: st.lists(st.integers(0, 3), min_size=k * n, max_size=k * n).map(
                lambda v: np.array(v, dtype=float).reshape(k, n)
            )
        )
    )
)
def test_pareto_mask_matches_brute_force(U: np.ndarray) -> None:
    assert_array_equal(pareto_mask(U), brute_force_mask(U))


def test_pareto_mask_chunked_matches_brute_force(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sol, "_PAIRS", 7)  # force many small chunks
    rng = np.random.default_rng(3)
    U = np.round(rng.random((120, 3)), 1)
    assert_array_equal(pareto_mask(U), brute_force_mask(U))


def test_pareto_mask_rejects_bad_input() -> None:
    with pytest.raises(ModelError, match="2-D"):
        pareto_mask(np.zeros(3))
    with pytest.raises(ModelError, match="NaN"):
        pareto_mask(np.array([[0.0, np.nan]]))


# --------------------------------------------------------------------------- sampling


def test_sample_packages_is_latin_hypercube_plus_corners() -> None:
    lo, hi = np.array([-1.0, 0.0, 10.0]), np.array([1.0, 5.0, 10.0])
    P = sample_packages(lo, hi, 50, np.random.default_rng(0), anchors=np.array([[9.0, 2, 10]]))
    assert P.shape == (50 + 1 + 8 + 1, 3)
    assert ((lo <= P) & (hi >= P)).all()
    unit = (P[:50, :2] - lo[:2]) / (hi[:2] - lo[:2])
    for j in range(2):  # one package in each of the 50 strata of each issue
        assert_array_equal(np.sort(np.floor(unit[:, j] * 50)), np.arange(50))
    assert_allclose(P[-1], [1.0, 2.0, 10.0])  # anchor clipped to the box


# --------------------------------------------------------------------------- Nash


@pytest.mark.parametrize(
    ("batna", "weights", "expected"),
    [
        # symmetric: max p (1 - p) -> 1/2
        ([0.0, 0.0], None, 0.5),
        # max (1 - p - 0.2) p -> p = 0.4
        ([0.2, 0.0], None, 0.4),
        # asymmetric Nash: max (1 - p)^1 p^3 -> p = 3 / 4
        ([0.0, 0.0], [1.0, 3.0], 0.75),
        # max (1 - p)^2 p^5 -> p = 5 / 7
        ([0.0, 0.0], [2.0, 5.0], 5 / 7),
        # max (0.9 - p)^3 (p - 0.3)^1 -> p = (3 * 0.3 + 0.9) / 4 = 0.45
        ([0.1, 0.3], [3.0, 1.0], 0.45),
    ],
)
def test_nash_one_issue_analytic(batna, weights, expected) -> None:
    w = None if weights is None else np.array(weights)
    s = nash_bargaining(
        TWO, np.array(batna), *box(1), weights=w, samples=64, rng=np.random.default_rng(5)
    )
    assert s is not None
    assert_allclose(s.package, [expected], atol=1e-6)
    assert s.method == ("nash_bargaining" if weights is None else "asymmetric_nash")
    ww = np.ones(2) if w is None else w
    gains = s.utilities - np.array(batna)
    assert_allclose(s.objective, (ww * np.log(gains)).sum() / ww.sum(), atol=1e-9)


def test_nash_with_feasibility_constraint() -> None:
    # only p <= 0.3 is feasible; p (1 - p) increases up to 0.5, so the constrained optimum is 0.3
    s = nash_bargaining(
        TWO, np.zeros(2), *box(1), feasible=lambda P: P[:, 0] <= 0.3, samples=64, rng=1
    )
    assert s is not None
    assert_allclose(s.package, [0.3], atol=1e-6)


def test_nash_two_issue_trade() -> None:
    # Pareto frontier of ASYM: p = (t, 0), u = (1 - t/2, 3t/4), then p = (1, q).
    # (1 - t/2)(3t/4) has derivative 3/4 (1 - t) >= 0 on [0, 1]; on the second segment the
    # derivative of (1/2 - q/2)(3/4 + q/4) at q = 0 is -1/4 < 0: the Nash point is (1, 0).
    s = nash_bargaining(ASYM, np.zeros(2), *box(2), samples=256, rng=np.random.default_rng(2))
    assert s is not None
    assert_allclose(s.package, [1.0, 0.0], atol=1e-6)
    assert_allclose(s.utilities, [0.5, 0.75], atol=1e-6)


@FAST
@given(problems())
def test_nash_is_pareto_optimal_individually_rational_and_maximal(problem) -> None:
    x, s, d, seed = problem
    u = linear_loss(x, s)
    m = x.shape[1]
    res = nash_bargaining(u, d, *box(m), samples=512, rng=np.random.default_rng(seed))
    Q = dense(m, res.package if res is not None else np.full(m, 0.5), seed)
    UQ = u(Q)
    gains = UQ - d
    if res is None:
        assert not (gains > 1e-9).all(axis=1).any()
        return
    assert (res.utilities > d).all()  # individually rational
    assert_allclose(res.utilities, u(res.package[None])[0])
    # no checked package makes everyone at least as well off and someone better off by > tol
    weakly = (res.utilities - 1e-9 <= UQ).all(axis=1)
    assert not (weakly & (res.utilities + 1e-4 < UQ).any(axis=1)).any()
    # and none has a larger Nash objective
    ok = (gains > 0).all(axis=1)
    best = np.log(np.where(gains[ok] > 0, gains[ok], 1.0)).mean(axis=1).max(initial=-np.inf)
    assert res.objective >= best - 1e-6


def test_nash_symmetric_problem_gives_symmetric_solution() -> None:
    # mirror-image actors on two issues: the problem is symmetric under p -> 1 - p, so the
    # Nash point gives both the same utility (and, the optimum being unique, sits at 1/2).
    u = linear_loss([[0.0, 0.0], [1.0, 1.0]], [[1.0, 2.0], [1.0, 2.0]])
    s = nash_bargaining(u, np.full(2, 0.1), *box(2), samples=256, rng=7)
    assert s is not None
    assert_allclose(s.utilities[0], s.utilities[1], atol=1e-6)


def test_none_when_no_one_gains() -> None:
    # u_0 + u_1 = 1 on TWO: both above 0.6 is impossible
    d = np.array([0.6, 0.6])
    assert nash_bargaining(TWO, d, *box(1), samples=64, rng=0) is None
    assert kalai_smorodinsky(TWO, d, *box(1), samples=64, rng=0) is None
    assert utilitarian(TWO, d, *box(1), samples=64, rng=0) is None
    free = utilitarian(TWO, d, *box(1), samples=64, rng=0, individually_rational=False)
    assert free is not None and free.objective == pytest.approx(1.0)
    # infeasible everywhere
    never = lambda P: np.zeros(P.shape[0], dtype=bool)  # noqa: E731
    assert nash_bargaining(TWO, np.zeros(2), *box(1), feasible=never, samples=64, rng=0) is None


# --------------------------------------------------------------------------- Kalai-Smorodinsky


def test_kalai_smorodinsky_hand_worked() -> None:
    # ASYM with d = (0.1, 0.2). Ideal of A: max u_A with u_B >= 0.2 -> p = (4/15, 0),
    # u_A = 13/15, gain 23/30. Ideal of B: max u_B with u_A >= 0.1 -> p = (1, 0.8),
    # u_B = 0.95, gain 3/4. On the frontier segment p = (t, 0):
    # (0.9 - t/2) / (23/30) = (3t/4 - 0.2) / (3/4)  ->  t = 497/570.
    d = np.array([0.1, 0.2])
    s = kalai_smorodinsky(ASYM, d, *box(2), samples=512, rng=np.random.default_rng(11))
    assert s is not None
    assert_allclose(s.package, [497 / 570, 0.0], atol=1e-5)
    ratio = (s.utilities - d) / np.array([23 / 30, 3 / 4])
    assert_allclose(ratio[0], ratio[1], atol=1e-6)
    assert s.objective == pytest.approx(ratio.min(), abs=1e-6)
    # with d = 0 both ideal gains are 1 and KS equalises utilities: t = 0.8, u = (0.6, 0.6),
    # while the Nash point is (1, 0) (test_nash_two_issue_trade)
    s0 = kalai_smorodinsky(ASYM, np.zeros(2), *box(2), samples=512, rng=3)
    assert s0 is not None
    assert_allclose(s0.package, [0.8, 0.0], atol=1e-5)


@FAST
@given(problems())
def test_kalai_smorodinsky_individually_rational(problem) -> None:
    x, s, d, seed = problem
    u = linear_loss(x, s)
    res = kalai_smorodinsky(u, d, *box(x.shape[1]), samples=256, rng=seed)
    if res is not None:
        assert (res.utilities > d).all()
        assert 0 < res.objective <= 1 + 1e-9


# --------------------------------------------------------------------------- utilitarian


@pytest.mark.parametrize(
    ("weights", "expected"),
    [([1.0, 2.0, 1.0], 0.3), ([1.0, 1.0, 3.0], 1.0), ([3.0, 1.0, 1.0], 0.0)],
)
def test_utilitarian_picks_weighted_median(weights, expected) -> None:
    # one issue, ideals 0, 0.3, 1: sum_i w_i (1 - |p - x_i|) peaks at the weighted median
    u = linear_loss([[0.0], [0.3], [1.0]], [[1.0], [1.0], [1.0]])
    s = utilitarian(u, np.zeros(3), *box(1), weights=np.array(weights), samples=37, rng=4)
    assert s is not None
    assert_allclose(s.package, [expected], atol=1e-6)


@FAST
@given(problems())
def test_utilitarian_is_maximal_and_rational(problem) -> None:
    x, s, d, seed = problem
    u = linear_loss(x, s)
    m = x.shape[1]
    res = utilitarian(u, d, *box(m), samples=256, rng=seed)
    UQ = u(dense(m, np.full(m, 0.5) if res is None else res.package, seed))
    ok = (d <= UQ).all(axis=1)
    if res is None:
        assert not ok.any()
        return
    assert (res.utilities >= d).all()
    assert res.objective >= UQ[ok].sum(axis=1).max(initial=-np.inf) - 1e-6


# --------------------------------------------------------------------------- frontier, misc


def test_pareto_frontier_sampled() -> None:
    d = np.array([0.1, 0.2])
    f = pareto_frontier(ASYM, d, *box(2), samples=500, rng=6)
    assert f.packages.shape[0] == f.utilities.shape[0] > 10
    assert_allclose(f.utilities, ASYM(f.packages))
    assert (d <= f.utilities).all()
    assert pareto_mask(f.utilities).all()
    # on TWO every package is Pareto optimal: nothing is dropped
    g = pareto_frontier(TWO, np.zeros(2), *box(1), samples=100, rng=0)
    assert g.packages.shape[0] == 100 + 1 + 2
    out = g.to_dict(["i"], ["a", "b"])
    assert out[0]["utilities"]["b"] == pytest.approx(g.utilities[0, 1])


def test_pareto_frontier_refined_lies_on_the_frontier() -> None:
    d = np.array([0.1, 0.2])
    f = pareto_frontier(ASYM, d, *box(2), samples=300, rng=6, refine=True, rays=16)
    assert f.packages.shape[0] >= 8
    assert (d <= f.utilities).all()
    # the Pareto-optimal packages of ASYM give issue 2 to A (p2 = 0) or issue 1 to B (p1 = 1)
    off = np.minimum(f.packages[:, 1], 1.0 - f.packages[:, 0])
    assert off.max() < 1e-6
    # and the points spread along it (between the two ideal points, u_A from 0.1 to 13/15)
    assert f.utilities[:, 0].max() - f.utilities[:, 0].min() > 0.3


@settings(FAST, max_examples=12)
@given(problems())
@example(  # near-proportional saliences: the frontier is almost flat, the search hardest
    (np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.062, 0.125], [0.5, 1.0]]), np.zeros(2), 0)
)
def test_pareto_frontier_refined_not_dominated(problem) -> None:
    x, s, d, seed = problem
    u = linear_loss(x, s)
    m = x.shape[1]
    f = pareto_frontier(u, d, *box(m), samples=256, rng=seed, refine=True, rays=8)
    UQ = u(dense(m, np.full(m, 0.5), seed))
    # tolerance 1e-3: on near-degenerate problems the ray searches can stop a few 1e-4 short
    # of the frontier (measured in docs/models/bargaining-solutions.md)
    for ui in f.utilities:
        weakly = (ui - 1e-9 <= UQ).all(axis=1)
        assert not (weakly & (ui + 1e-3 < UQ).any(axis=1)).any()


@pytest.mark.parametrize("fn", [nash_bargaining, kalai_smorodinsky, utilitarian])
def test_same_seed_same_output(fn) -> None:
    u = linear_loss([[0.1, 0.9, 0.5], [0.8, 0.2, 0.4], [0.5, 0.5, 1.0]], np.full((3, 3), 0.5))
    runs = [
        fn(u, np.full(3, 0.2), *box(3), samples=300, rng=np.random.default_rng(42))
        for _ in range(2)
    ]
    assert runs[0] is not None
    assert_array_equal(runs[0].package, runs[1].package)
    assert runs[0].objective == runs[1].objective


def test_to_dict() -> None:
    s = Solution(np.array([0.25, 1.0]), np.array([0.5, 0.75]), -0.5, "nash_bargaining")
    assert s.to_dict(["tax", "aid"], ["a", "b"]) == {
        "positions": {"tax": 0.25, "aid": 1.0},
        "utilities": {"a": 0.5, "b": 0.75},
        "objective": -0.5,
        "method": "nash_bargaining",
    }
    with pytest.raises(ModelError, match="issue ids"):
        s.to_dict(["tax"], ["a", "b"])


def test_bad_input_raises_model_error() -> None:
    lo, hi = box(1)
    with pytest.raises(ModelError, match="upper"):
        nash_bargaining(TWO, np.zeros(2), lo, hi - 2, samples=8, rng=0)
    with pytest.raises(ModelError, match="samples"):
        nash_bargaining(TWO, np.zeros(2), lo, hi, samples=0, rng=0)
    with pytest.raises(ModelError, match="utility returned shape"):
        nash_bargaining(TWO, np.zeros(3), lo, hi, samples=8, rng=0)
    with pytest.raises(ModelError, match="weights"):
        nash_bargaining(TWO, np.zeros(2), lo, hi, weights=np.array([-1.0, 1.0]), samples=8, rng=0)
    with pytest.raises(ModelError, match="feasible returned shape"):
        utilitarian(TWO, np.zeros(2), lo, hi, feasible=lambda P: True, samples=8, rng=0)
