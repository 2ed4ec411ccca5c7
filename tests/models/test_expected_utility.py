"""Tests of the expected-utility (BDM) model: reference runs, a hand-worked round, invariants."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from parley.errors import ModelError
from parley.forecast import forecast
from parley.models import expected_utility as eu
from parley.models.expected_utility import (
    PRESETS,
    EUSettings,
    eu_round,
    expected_utility,
    settings_from_params,
    simulate,
    support,
    win_probability,
)
from parley.scenario.schema import Scenario

REFERENCE = Path(__file__).parents[1] / "fixtures" / "reference"
PROPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NO_TOL = {k: replace(v, tol=0.0) for k, v in PRESETS.items()}


def _read_csv(name: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    with open(REFERENCE / f"{name}.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    col = [np.array([float(r[k]) for r in rows]) for k in ("Position", "Capability", "Salience")]
    return [r["Actor"] for r in rows], col[0], col[1], col[2]


def _example_actors_scenario() -> Scenario:
    """The EU emission-standards data (BDM 1994) as a one-issue scenario on a 0-20 scale."""
    names, x, c, s = _read_csv("eu_ExampleActors")
    return Scenario.model_validate(
        {
            "title": "EU emission standards (BDM 1994)",
            "actors": [
                {"id": a.lower(), "capability": float(v)} for a, v in zip(names, c, strict=True)
            ],
            "issues": [{"id": "standards", "scale": {"min": 0, "max": 20}}],
            "stances": {
                a.lower(): {"standards": {"position": float(p), "salience": float(q)}}
                for a, p, q in zip(names, x, s, strict=True)
            },
        }
    )


def _random_inputs(seed: int, n: int, m: int = 1) -> tuple[np.ndarray, ...]:
    """Continuous random positions, capabilities and saliences (no exact ties), shape (m, n)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (m, n))
    c = rng.uniform(0.05, 1, (m, n))
    s = rng.uniform(0.05, 1, (m, n))
    return x, c, s


# ------------------------------------------------------------------------------------------
# reference runs of the two public replications (tests/fixtures/reference/README.md)

CASES = [
    (data, preset)
    for data in ("eu_ExampleActors", "eu_synthetic5")
    for preset in ("scholz2016", "masad2014")
]


@pytest.mark.parametrize(("data", "preset"), CASES)
def test_reproduces_reference_runs(data: str, preset: str) -> None:
    names, x, c, s = _read_csv(data)
    ref = json.loads((REFERENCE / f"{data}.{preset}.json").read_text())
    span = x.max() - x.min()
    atol = 1e-9 * span
    sim = simulate(x, c, s, settings=NO_TOL[preset], rounds=3)
    valid = np.ones(x.size, bool)
    cur = x
    for t in (1, 2, 3):
        hist = ref["history"][t]
        want = np.array([hist["positions"][a] for a in names])
        det = eu_round(cur, c * s, s, valid, np.array(span), NO_TOL[preset])
        assert_allclose(det.r, [hist["detail"]["r"][a] for a in names], atol=1e-9)
        assert_allclose(det.R, [hist["detail"]["R"][a] for a in names], atol=1e-9)
        sec = hist["detail"]["security_level_sum_of_others_eu_against_i"]
        assert_allclose(det.security, [sec[a] for a in names], atol=1e-9)
        assert_allclose(det.x_new, want, atol=atol)
        assert_allclose(sim.positions[t], want, atol=atol)
        assert_allclose(sim.forecasts[t], hist["weighted_median_lower"], atol=atol)
        cur = det.x_new
    assert_allclose(sim.forecasts[0], ref["history"][0]["weighted_median_lower"], atol=atol)


@pytest.mark.parametrize(("data", "preset"), CASES)
def test_reference_probabilities_and_eus_of_round_one(data: str, preset: str) -> None:
    names, x, c, s = _read_csv(data)
    det_ref = json.loads((REFERENCE / f"{data}.{preset}.json").read_text())["history"][1]["detail"]
    det = eu_round(x, c * s, s, np.ones(x.size, bool), np.array(np.ptp(x)), PRESETS[preset])
    p_key, e_key = ("prob_r1", "eu_challenge_r1") if preset == "scholz2016" else (
        "pass1_prob",
        "pass1_eu",
    )
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if b not in det_ref[p_key][a]:
                continue
            assert det.prob_r1[i, j] == pytest.approx(det_ref[p_key][a][b], abs=1e-12)
            assert det.eu_r1[i, j] == pytest.approx(det_ref[e_key][a][b], abs=1e-12)
    if preset == "masad2014":  # i's EU of challenging j with its own new exponent
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                if b in det_ref["pass2_eu"][a]:
                    assert det.eu[i, j] == pytest.approx(det_ref["pass2_eu"][a][b], abs=1e-12)


def test_reference_run_through_the_public_api() -> None:
    """Capabilities are renormalised by the scenario arrays; the model is scale-free in c."""
    scenario = _example_actors_scenario()
    ref = json.loads((REFERENCE / "eu_ExampleActors.scholz2016.json").read_text())
    res = forecast(
        scenario,
        ["expected-utility"],
        rounds=3,
        params={"expected-utility": {"preset": "scholz2016", "tol": 0}},
    ).models["expected-utility"]
    want = [h["weighted_median_lower"] for h in ref["history"]]
    assert_allclose(res.issues["standards"].rounds, want, atol=6e-9)
    belgium = [h["positions"]["Belgium"] for h in ref["history"]]
    assert_allclose(res.actors["belgium"]["standards"], belgium, atol=6e-9)
    assert res.issues["standards"].converged is False


# ------------------------------------------------------------------------------------------
# a round worked by hand


def test_hand_worked_round_with_three_actors() -> None:
    """Round 1 of the default (``parley``) reading, worked by hand (calculator to 6 digits).

    Actors A, B, C at x = 0, 25, 100 (delta = 100), c = 0.2, 0.3, 0.5, s = 0.2, 0.2, 0.8, so
    w = c s = 0.04, 0.06, 0.40; d_AB = 0.25, d_AC = 1, d_BC = 0.75.

    P (linear votes v_k = w_k (d_kj - d_ki)):
      (A, B): A +0.04*0.25 = 0.01, B -0.06*0.25 = -0.015, C 0.4*(0.75-1) = -0.1
              P_AB = 0.01 / 0.125 = 0.08, P_BA = 0.92
      (A, C): A +0.04, B 0.06*(0.75-0.25) = +0.03, C -0.4 -> P_AC = 0.07/0.47 = 7/47
      (B, C): A 0.04*(1-0.25) = +0.03, B +0.045, C -0.3 -> P_BC = 0.075/0.375 = 0.2
    r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so EU_i(i->j) = 2d (1 - 2 s_j (1 - P_ij)):
      EU_A(A->B) = 0.5 (1 - 0.4*0.92) = 0.316      EU_A(A->C) = 2 (1 - 1.6*40/47) = -34/47
      EU_B(B->A) = 0.5 (1 - 0.4*0.08) = 0.484      EU_B(B->C) = 1.5 (1 - 1.6*0.8) = -0.42
      EU_C(C->A) = 2 (1 - 0.4*7/47) = 442/235      EU_C(C->B) = 1.5 (1 - 0.4*0.2) = 1.38
    S_A = 0.484 + 442/235 = 2.364851, S_B = 0.316 + 1.38 = 1.696, S_C = -34/47 - 0.42
        = -1.143404. R_A = 1, R_C = -1, R_B = (3.392 - 2.364851 + 1.143404) / 3.508255
        = 0.618699; r = (1 - R/3)/(1 + R/3): r_A = 0.5, r_B = 0.658055, r_C = 2.
    Offers, each actor i with its own r_i for a = EU_i(i->j) and b = EU_j(j->i):
      A (r = 0.5) vs B: U_s = 2 - 4*0.375^0.5 = -0.449490, U_f = 2 - 4*0.625^0.5 = -1.162278,
        U_sq = 2 - 4*0.5^0.5 = -0.828427; a = 0.2(0.08 U_s + 0.92 U_f) + 0.8 U_s - U_sq
        = 0.247784, b = 0.2(0.92 U_s + 0.08 U_f) + 0.8 U_s - U_sq = 0.367533:
        b > a > 0, A expects to lose: offer x_B = 25.
      A vs C: U_s = 2, U_f = -2: a = 0.8(2 P_AC - 2 (1-P_AC)) + 0.4 + 0.828427 = 0.105023,
        b = 0.2(2 P_CA - 2 (1-P_CA)) + 1.6 + 0.828427 = 2.709278: offer x_C = 100.
        Least change: A moves to 25.
      B (r = 0.658055) vs A: U_s = -0.097729, U_f = -0.935877, a = 0.423790, b = 0.282981:
        a > b > 0, B expects to win: no move.
      B vs C: U_s = 0.981930, U_f = -1.663516, a = -0.176226 < 0 < b = 1.411042, |a| < b:
        compromise to 25 + 75 * 0.176226 / 1.411042 = 34.366822.
      C (r = 2) vs A: a = 0.880851, b = -1.723404; vs B: a = 0.8175, b = -0.9825: no move.
    New positions 25, 34.366822, 100; the forecast stays at C's 100 (w_C = 0.4 > 0.5 / 2).
    """
    x = np.array([0.0, 25.0, 100.0])
    c = np.array([0.2, 0.3, 0.5])
    s = np.array([0.2, 0.2, 0.8])
    det = eu_round(x, c * s, s, np.ones(3, bool), np.array(100.0), PRESETS["parley"])
    P = np.array([[0, 0.08, 7 / 47], [0.92, 0, 0.2], [40 / 47, 0.8, 0]])
    assert_allclose(det.prob_r1, P, atol=1e-12)
    E1 = np.array([[0, 0.316, -34 / 47], [0.484, 0, -0.42], [442 / 235, 1.38, 0]])
    assert_allclose(det.eu_r1, E1, atol=1e-12)
    assert_allclose(det.security, [0.484 + 442 / 235, 1.696, -34 / 47 - 0.42], atol=1e-12)
    assert_allclose(det.R, [1, 0.618699, -1], atol=1e-6)
    assert_allclose(det.r, [0.5, 0.658055, 2], atol=1e-6)
    a = np.array([[0, 0.247784, 0.105023], [0.423790, 0, -0.176226], [0.880851, 0.8175, 0]])
    b = np.array([[0, 0.367533, 2.709278], [0.282981, 0, 1.411042], [-1.723404, -0.9825, 0]])
    assert_allclose(det.a, a, atol=2e-6)
    assert_allclose(det.b, b, atol=2e-6)
    assert_allclose(det.x_new, [25, 34.366822, 100], atol=1e-6)
    sim = simulate(x, c, s, rounds=1)
    assert_allclose(sim.forecasts, [100, 100])


def test_expected_utility_at_risk_neutrality_is_the_closed_form() -> None:
    d = np.linspace(0, 1, 11)
    P, sj = 0.3, 0.6
    got = expected_utility(P, d, sj, 1.0)
    assert_allclose(got, 2 * d * (1 - 2 * sj * (1 - P)), atol=1e-15)


# ------------------------------------------------------------------------------------------
# the fast vote sums against direct n x n x n sums


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 9), ties=st.booleans())
@PROPS
def test_support_equals_the_direct_sum_over_voters(seed: int, n: int, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, (2, n)) * 25.0 if ties else rng.uniform(0, 100, (2, n))
    w = rng.uniform(0, 1, (2, n))
    r = rng.uniform(0.5, 2, (2, n))
    F = w[..., :, None] * (np.abs(x[..., :, None] - x[..., None, :]) / 100) ** r[..., :, None]
    # direct: v_k(i, j) = F[k, j] - F[k, i], positive parts summed over k
    v = F[..., :, None, :] - F[..., :, :, None]  # [k, i, j]
    want = np.maximum(v, 0).sum(axis=-3)
    assert_allclose(support(x, F), want, atol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 8))
@PROPS
def test_scholz_code_probability_equals_the_direct_formula(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    x, w, r = rng.uniform(0, 10, n), rng.uniform(0, 1, n), rng.uniform(0.5, 2, n)
    f = w[:, None] * (np.abs(x[:, None] - x[None, :]) / np.ptp(x)) ** r[:, None]  # [k, a]
    v = f[:, None, :] - f[:, :, None]  # v[k, a, b]: k's vote for a over b
    want = np.maximum(v, 0).sum(axis=0) / np.abs(v).sum()
    got = win_probability(x, w, np.ones(n, bool), np.array(np.ptp(x)), "scholz_code", r)
    assert_allclose(got, want, atol=1e-12)


def test_own_alternatives_matches_moving_each_actor() -> None:
    """R with risk_range='own_alternatives' from S_i recomputed with i placed at each x_a."""
    x, c, s = (v[0] for v in _random_inputs(5, 6))
    w, n, delta = c * s, 6, np.array(np.ptp(x))
    cfg = replace(PRESETS["parley"], risk_range="own_alternatives")

    def security(xx: np.ndarray, i: int) -> float:
        P = win_probability(xx, w, np.ones(n, bool), delta, "bdm")
        d = np.abs(xx[:, None] - xx[None, :]) / delta
        E = expected_utility(P, d, s[None, :], 1.0)
        return float(sum(E[j, i] for j in range(n) if xx[j] != xx[i]))

    R = np.empty(n)
    for i in range(n):
        alt = []
        for a in range(n):
            moved = x.copy()
            moved[i] = x[a]
            alt.append(security(moved, i))
        R[i] = (2 * alt[i] - max(alt) - min(alt)) / (max(alt) - min(alt))
    det = eu_round(x, w, s, np.ones(n, bool), delta, cfg)
    assert_allclose(det.R, R, atol=1e-12)
    assert_allclose(det.r, (1 - R / 3) / (1 + R / 3), atol=1e-12)


# ------------------------------------------------------------------------------------------
# invariants

PRESET_NAMES = list(PRESETS)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), preset=st.sampled_from(PRESET_NAMES))
@PROPS
def test_positions_stay_within_the_initial_range(seed: int, n: int, preset: str) -> None:
    x, c, s = _random_inputs(seed, n, 3)
    sim = simulate(x, c, s, settings=PRESETS[preset], rounds=6)
    lo, hi = x.min(axis=-1), x.max(axis=-1)
    assert np.all(sim.positions >= lo[None, :, None]) and np.all(sim.positions <= hi[None, :, None])
    assert np.all((sim.forecasts >= lo) & (sim.forecasts <= hi))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 10), who=st.integers(0, 9))
@PROPS
def test_an_actor_with_almost_all_capability_gets_its_way(seed: int, n: int, who: int) -> None:
    x, c, s = _random_inputs(seed, n)
    who %= n
    c = np.full_like(c, 1e-6)
    c[0, who] = 1.0
    s[0, who] = max(s[0, who], 0.1)
    sim = simulate(x, c, s, rounds=5)
    assert_allclose(sim.forecasts[:, 0], x[0, who], atol=1e-12)
    assert_allclose(sim.positions[:, 0, who], x[0, who], atol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 10), preset=st.sampled_from(PRESET_NAMES))
@PROPS
def test_relabelling_actors_changes_nothing(seed: int, n: int, preset: str) -> None:
    x, c, s = _random_inputs(seed, n, 2)
    perm = np.random.default_rng(seed + 1).permutation(n)
    a = simulate(x, c, s, settings=PRESETS[preset], rounds=5)
    b = simulate(x[:, perm], c[:, perm], s[:, perm], settings=PRESETS[preset], rounds=5)
    assert_allclose(b.forecasts, a.forecasts, atol=1e-9 * 100)
    assert_allclose(b.positions, a.positions[..., perm], atol=1e-9 * 100)
    assert_array_equal(a.n_rounds, b.n_rounds)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 10), preset=st.sampled_from(
    ["parley", "masad2014"]
))
@PROPS
def test_mirrored_positions_give_mirrored_forecasts(seed: int, n: int, preset: str) -> None:
    """x -> max + min - x. Not for scholz2016: its compromise key is direction-dependent."""
    x, c, s = _random_inputs(seed, n)
    a = simulate(x, c, s, settings=PRESETS[preset], rounds=5)
    flip = x.max() + x.min() - x
    b = simulate(flip, c, s, settings=PRESETS[preset], rounds=5)
    assert_allclose(b.positions, x.max() + x.min() - a.positions, atol=1e-9 * 100)
    # the lower weighted median is the lower end of the tie set: compare with either end
    mirrored = x.max() + x.min() - a.forecasts
    assert np.all(np.isclose(b.forecasts, mirrored, atol=1e-7) | _tied(b, c * s, mirrored))


def _tied(sim: eu.Simulation, w: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Where the forecast and ``other`` both minimise sum_k w_k |x_k - y| (a median tie)."""
    pos = sim.positions[:, 0, :]
    g = lambda y: (w[0] * np.abs(pos - y[:, None])).sum(axis=-1)  # noqa: E731
    return np.isclose(g(sim.forecasts[:, 0]), g(other[:, 0]), rtol=1e-12)[:, None]


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 10), preset=st.sampled_from(PRESET_NAMES))
@PROPS
def test_same_input_same_output(seed: int, n: int, preset: str) -> None:
    x, c, s = _random_inputs(seed, n, 2)
    a = simulate(x, c, s, settings=PRESETS[preset], rounds=4)
    b = simulate(x.copy(), c.copy(), s.copy(), settings=PRESETS[preset], rounds=4)
    assert_array_equal(a.positions, b.positions)
    assert_array_equal(a.forecasts, b.forecasts)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 9), preset=st.sampled_from(PRESET_NAMES))
@PROPS
def test_absent_actors_take_no_part(seed: int, n: int, preset: str) -> None:
    x, c, s = _random_inputs(seed, n + 2)
    valid = np.ones(n + 2, bool)
    valid[[1, n]] = False
    xx = x.copy()
    xx[0, ~valid] = np.nan
    full = simulate(xx, c, s, valid, settings=PRESETS[preset], rounds=4)
    alone = simulate(x[:, valid], c[:, valid], s[:, valid], settings=PRESETS[preset], rounds=4)
    assert_allclose(full.forecasts, alone.forecasts, atol=1e-9)
    assert_allclose(full.positions[..., valid], alone.positions, atol=1e-9)
    assert np.all(np.isnan(full.positions[..., ~valid]))


def test_issues_and_draws_as_batch_axes_equal_separate_runs() -> None:
    x, c, s = _random_inputs(3, 7, 6)
    batch = simulate(x.reshape(2, 3, 7), c.reshape(2, 3, 7), s.reshape(2, 3, 7), rounds=5)
    for k in range(6):
        one = simulate(x[k], c[k], s[k], rounds=5)
        t = int(one.n_rounds)
        assert batch.n_rounds.reshape(6)[k] == t
        assert_allclose(batch.forecasts.reshape(6, 6)[:, k], one.forecasts, atol=1e-12)
        assert_allclose(batch.positions.reshape(6, 6, 7)[:, k], one.positions, atol=1e-12)


def test_chunked_issues_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    x, c, s = _random_inputs(8, 9, 5)
    whole = simulate(x, c, s, rounds=4, settings=replace(PRESETS["parley"], tol=0))
    monkeypatch.setattr(eu, "_CHUNK_ELEMENTS", 100)  # one issue (and one actor) per chunk
    parts = simulate(x, c, s, rounds=4, settings=replace(PRESETS["parley"], tol=0))
    assert_array_equal(whole.positions, parts.positions)
    own = replace(PRESETS["parley"], risk_range="own_alternatives")
    a = eu_round(x, c * s, s, np.ones_like(x, bool), np.ptp(x, axis=-1), own)
    monkeypatch.setattr(eu, "_CHUNK_ELEMENTS", 10**9)
    b = eu_round(x, c * s, s, np.ones_like(x, bool), np.ptp(x, axis=-1), own)
    assert_allclose(a.r, b.r, atol=1e-15)


# ------------------------------------------------------------------------------------------
# degenerate inputs and stopping


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_all_actors_at_one_position(preset: str) -> None:
    sim = simulate(np.full(5, 40.0), np.ones(5), np.full(5, 0.5), settings=PRESETS[preset])
    assert sim.converged and sim.n_rounds == 0
    assert_array_equal(sim.forecasts, 40.0)


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_zero_saliences_and_a_single_actor_are_defined(preset: str) -> None:
    x = np.array([10.0, 20.0, 70.0])
    sim = simulate(x, np.array([1.0, 2.0, 3.0]), np.zeros(3), settings=PRESETS[preset])
    assert np.all(np.isfinite(sim.positions)) and np.all(np.isfinite(sim.forecasts))
    assert_array_equal(sim.forecasts[0], 20.0)  # capability-weighted median
    one = simulate(np.array([7.0]), np.array([1.0]), np.array([0.3]), settings=PRESETS[preset])
    assert one.converged
    assert_array_equal(one.forecasts, 7.0)


def test_zero_capability_everywhere_is_defined() -> None:
    x = np.array([10.0, 20.0, 70.0])
    sim = simulate(x, np.zeros(3), np.full(3, 0.5), rounds=3)
    assert np.all(np.isfinite(sim.forecasts))


def test_tolerance_stops_and_round_limit() -> None:
    _, x, c, s = _read_csv("eu_synthetic5")
    capped = simulate(x, c, s, settings=NO_TOL["masad2014"], rounds=2)
    assert capped.n_rounds == 2 and not capped.converged and capped.positions.shape == (3, 5)
    # two actors: the weaker moves to the stronger one's position, then nothing moves
    sim = simulate(np.array([0.0, 10.0]), np.array([1.0, 3.0]), np.array([0.9, 0.9]), rounds=10)
    assert sim.converged
    t = int(sim.n_rounds)
    assert t < 10
    assert np.ptp(sim.positions[t]) <= 1e-6 * 10 or np.all(sim.positions[t] == sim.positions[t - 1])


def test_rounds_zero_gives_the_input() -> None:
    x, c, s = _random_inputs(1, 4)
    sim = simulate(x, c, s, rounds=0)
    assert sim.positions.shape == (1, 1, 4) and not sim.converged[0]


# ------------------------------------------------------------------------------------------
# settings, presets and the result


def test_presets_and_overrides_through_params() -> None:
    assert settings_from_params({}) == PRESETS["parley"]
    cfg = settings_from_params({"preset": "scholz2016", "Q": 0.5})
    assert cfg.prob == "scholz_code" and cfg.Q == 0.5 and cfg.capitulation is False
    assert settings_from_params({"preset": "masad2014"}).offer_rule == "max_eu"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"preset": "bdm1985"}, "unknown preset"),
        ({"speed": 3}, "unknown parameter 'speed'"),
        ({"prob": "logit"}, "prob='logit'"),
        ({"Q": 1.5}, "Q must be"),
        ({"capitulation": "yes"}, "capitulation"),
        ({"tol": -1}, "tol"),
        ({"prob": "scholz_code", "risk_range": "own_alternatives"}, "own_alternatives"),
    ],
)
def test_bad_settings_raise_model_errors(params: dict, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        settings_from_params(params)


def test_status_quo_parameters_change_the_run() -> None:
    x, c, s = _random_inputs(4, 6)
    base = eu_round(x, c * s, s, np.ones_like(x, bool), np.ptp(x, axis=-1), PRESETS["parley"])
    for cfg in (EUSettings(Q=0.5, T=0.3), EUSettings(Q=0.0, T=1.0, mu="mean")):
        other = eu_round(x, c * s, s, np.ones_like(x, bool), np.ptp(x, axis=-1), cfg)
        assert np.all(np.isfinite(other.eu)) and not np.allclose(other.eu, base.eu)


def _scenario_with_a_gap() -> Scenario:
    return Scenario.model_validate(
        {
            "title": "gap",
            "actors": [{"id": k, "capability": v} for k, v in (("a", 3), ("b", 1), ("c", 2))],
            "issues": [{"id": "p"}, {"id": "q"}],
            "stances": {
                "a": {"p": {"position": 10, "salience": 0.9}, "q": {"position": 80, "salience": 1}},
                "b": {"p": {"position": 60, "salience": 0.5}},
                "c": {"p": {"position": 90, "salience": 0.3}, "q": {"position": 20, "salience": 1}},
            },
        }
    )


def test_result_has_rounds_converged_and_actor_paths() -> None:
    res = forecast(_scenario_with_a_gap(), ["expected-utility"], rounds=4)
    out = res.to_dict()["models"]["expected-utility"]
    assert set(out["issues"]["p"]) == {"position", "rounds", "converged"}
    assert "q" not in out["actors"]["b"] and set(out["actors"]["a"]) == {"p", "q"}
    for iid, f in out["issues"].items():
        assert len(f["rounds"]) <= 5 and f["rounds"][-1] == f["position"]
        for paths in out["actors"].values():
            if iid in paths:
                assert len(paths[iid]) == len(f["rounds"])
    assert out["params"]["prob"] == "bdm" and out["params"]["rounds"] == 4


def test_default_round_limit_is_ten() -> None:
    scenario = _example_actors_scenario()
    res = forecast(scenario, ["expected-utility"], params={"expected-utility": {"tol": 0}})
    f = res.models["expected-utility"].issues["standards"]
    assert len(f.rounds) == 11 or f.converged


def test_runs_on_the_decide_sample_data() -> None:
    res = forecast(REFERENCE / "exchange_sample_data.txt", ["expected-utility"])
    model = res.models["expected-utility"]
    assert len(model.issues) == 6
    for f in model.issues.values():
        assert math.isfinite(f.position) and 1 <= len(f.rounds) <= 11


def test_run_model_takes_the_array_contract_and_batches_draws_exactly() -> None:
    """(draws, actors, issues) in one call gives, draw by draw, exactly the per-draw runs."""
    from parley.models.expected_utility import run_model

    rng = np.random.default_rng(5)
    D, n, m = 4, 9, 3
    x = rng.integers(0, 11, (D, n, m)) * 10.0
    c = rng.uniform(0.1, 1, (D, n, m))
    s = rng.uniform(0.1, 1, (D, n, m))
    v = rng.random((D, n, m)) > 0.15
    together = run_model(x, s, c, v, rounds=5)
    assert together.positions.shape == (6, D, n, m)
    assert together.forecasts.shape == (6, D, m)
    for d in range(D):
        alone = run_model(x[d], s[d], c[d], v[d], rounds=5)
        assert_array_equal(together.forecasts[:, d], alone.forecasts)
        assert_array_equal(together.positions[:, d], alone.positions)
        # and the kernel's own layout (actors last, one issue at a time) agrees
        for i in range(m):
            kernel = simulate(x[d, :, i], c[d, :, i], s[d, :, i], v[d, :, i], rounds=5)
            assert_array_equal(kernel.forecasts, alone.forecasts[:, i])


# --------------------------------------------------------------------------------------------
# the compiled support sums (engine="numba", the [fast] extra): the same numbers bit for bit


def _support_cases(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for k in range(count):
        b, n = int(rng.integers(1, 4)), int(rng.integers(1, 40))
        x = rng.uniform(0, 100, (b, n))
        if k % 3 == 0:  # ties: many actors on a few positions, and voters on midpoints
            x = np.round(x / 25) * 25
        w = rng.uniform(0, 1, (b, n))
        w[rng.random((b, n)) < 0.2] = 0.0  # absent voters carry no weight
        r = rng.uniform(0.5, 2.0, (b, n)) if k % 2 else None
        yield x, eu._vote_values(x, w, np.ptp(x, axis=-1), r)


def test_compiled_support_is_the_numpy_support_bit_for_bit() -> None:
    pytest.importorskip("numba")
    for x, F in _support_cases(0, 150):
        a, b = support(x, F, "numpy"), support(x, F, "numba")
        assert_array_equal(a, b)
        assert_array_equal(np.signbit(a), np.signbit(b))


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_compiled_engine_gives_the_same_runs(preset: str) -> None:
    pytest.importorskip("numba")
    rng = np.random.default_rng(1)
    x = np.round(rng.uniform(0, 100, (3, 60)))  # integer positions: ties and exact midpoints
    c, s = rng.uniform(0.05, 1, (2, 3, 60))
    valid = rng.random((3, 60)) > 0.1
    runs = [simulate(x, c, s, valid, settings=replace(NO_TOL[preset], engine=e), rounds=5)
            for e in ("numpy", "numba")]
    assert_array_equal(runs[0].positions, runs[1].positions)
    assert_array_equal(runs[0].forecasts, runs[1].forecasts)


def test_engine_is_checked_and_numba_is_named_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="engine"):
        EUSettings(engine="fortran")
    import builtins

    real_import = builtins.__import__

    def no_numba(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "numba" or name.startswith("numba."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_numba)
    x = np.array([[10.0, 40.0, 90.0]])
    F = eu._vote_values(x, np.ones_like(x), np.ptp(x, axis=-1), None)
    with pytest.raises(ModelError, match=r"parley\[fast\]"):
        support(x, F, "numba")
    assert_array_equal(support(x, F, "auto"), support(x, F, "numpy"))  # auto falls back


@pytest.mark.parametrize(
    "change", [{}, {"Q": 0.5}, {"perspective": "own"}, {"capitulation": False}]
)
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_compiled_round_gives_the_same_quantities(preset: str, change: dict) -> None:
    pytest.importorskip("numba")
    rng = np.random.default_rng(2)
    x = np.round(rng.uniform(0, 100, (2, 45)) / 5) * 5
    s = rng.uniform(0.05, 1, (2, 45))
    w = rng.uniform(0.05, 1, (2, 45)) * s
    valid = rng.random((2, 45)) > 0.1
    cfg = replace(PRESETS[preset], **change)
    a, b = (eu_round(x, w, s, valid, np.ptp(x, axis=-1), replace(cfg, engine=e))
            for e in ("numpy", "numba"))
    for name in ("prob_r1", "eu_r1", "security", "r", "prob", "a", "b", "offer", "chosen", "x_new"):
        assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        assert_array_equal(np.signbit(getattr(a, name)), np.signbit(getattr(b, name)))


@pytest.mark.parametrize("n", [1, 2, 5, 10, 11])
def test_voters_below_the_midpoints_counted_directly_equal_the_sorted_search(n: int) -> None:
    """Both ways of counting the voters below each pair's midpoint in ``support`` (direct for
    few actors, searchsorted for many) give the same integers, ties and NaN included."""
    from parley.models import expected_utility as eu

    rng = np.random.default_rng(n)
    x = rng.integers(0, 6, (300, n)).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    direct = eu._count_below(x, xs, order)
    saved = eu._COUNT_MAX_ACTORS
    try:
        eu._COUNT_MAX_ACTORS = 0
        searched = eu._count_below(x, xs, order)
    finally:
        eu._COUNT_MAX_ACTORS = saved
    np.testing.assert_array_equal(direct, searched)
