"""Tests of the exchange model (Stokman & Van Oosten 1994; equal-gain rate as in Decide).

Reference runs of Decide (``tests/fixtures/reference/exchange_*.decide.json``, see the README
there) fix the exact sequence of realised exchanges and the positions; the worked examples of
the spec are recomputed by hand; hypothesis checks the invariants.
"""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.errors import ModelError
from parley.forecast import forecast
from parley.models import exchange
from parley.models.compromise import compromise
from parley.models.exchange import (
    ExchangeSettings,
    exchange_round,
    run_exchange,
    settings_from_params,
)
from parley.models.registry import ModelOptions, get_model
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from tests.strategies import model_arrays

REF = Path(__file__).parents[1] / "fixtures" / "reference"
CASES = {
    "toy": ("exchange_toy_4x2.csv", "exchange_toy_4x2.decide.json"),
    "sample": ("exchange_sample_data.txt", "exchange_sample_data.decide.json"),
    # the two mechanisms of issue 13: (a) the crossing boundary, (b) the stale-position cut
    "divergence": ("exchange_divergence.csv", "exchange_divergence.decide.json"),
    "divergence_stale": ("exchange_divergence_stale.csv", "exchange_divergence_stale.decide.json"),
}
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _normalised(path: Path) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, object]:
    arr = to_arrays(load_scenario(path).scenario)
    x = (arr.position - arr.lower) * 100 / (arr.upper - arr.lower)
    return arr.actors, arr.issues, x, arr


def _reference(case: str):
    data_file, ref_file = CASES[case]
    actors, issues, x, arr = _normalised(REF / data_file)
    ref = json.loads((REF / ref_file).read_text())
    run = run_exchange(x, arr.salience, arr.capability, arr.mask, ExchangeSettings(rounds=3))
    return actors, issues, arr, ref, run


def _norm(value: float, issue: str, ref: dict) -> float:
    lo, hi = ref["issues"][issue]["lower"], ref["issues"][issue]["upper"]
    return (value - lo) * 100 / (hi - lo)


# --------------------------------------------------------------------------------------------
# reference runs of Decide


@pytest.mark.parametrize("case", sorted(CASES))
def test_realised_exchanges_match_decide_in_order(case: str) -> None:
    """Same actors, supply issues and order of realised exchanges in all 3 rounds; gains and the
    supply positions before/after each exchange agree to 1e-9."""
    actors, issues, _, ref, run = _reference(case)
    assert len(run.rounds) == 3
    for rnd, rd in zip(run.rounds, ref["rounds"], strict=True):
        mine = [
            (actors[a], issues[q], actors[b], issues[p])
            for a, b, p, q in zip(rnd.i_actor, rnd.j_actor, rnd.p, rnd.q, strict=True)
        ]
        theirs = [
            (e["i"]["actor"], e["i"]["supply_issue"], e["j"]["actor"], e["j"]["supply_issue"])
            for e in rd["realised"]
        ]
        assert mine == theirs
        assert rnd.creation_index.tolist() == [e["creation_index"] for e in rd["realised"]]
        assert rnd.n_candidates == len(rd["candidates_at_creation"])
        assert rnd.ties == len(rd["ties"])
        gains = [e["gain"] for e in rd["realised"]]
        np.testing.assert_allclose(rnd.gain, gains, rtol=1e-9)
        for side, before, after in (
            ("i", rnd.i_before, rnd.i_after),
            ("j", rnd.j_before, rnd.j_after),
        ):
            nb = [e[side]["normalised"]["position_before"] for e in rd["realised"]]
            nv = [e[side]["normalised"]["voting_position"] for e in rd["realised"]]
            np.testing.assert_allclose(before, nb, rtol=0, atol=1e-9)
            np.testing.assert_allclose(after, nv, rtol=0, atol=1e-9)


@pytest.mark.parametrize("case", sorted(CASES))
def test_positions_and_outcomes_match_decide(case: str) -> None:
    """Start/voting/next positions and outcomes of every round to 1e-9 on the 0-100 scale."""
    actors, issues, arr, ref, run = _reference(case)
    for rnd, rd in zip(run.rounds, ref["rounds"], strict=True):
        for i, iid in enumerate(issues):
            assert rnd.start_outcome[i] == pytest.approx(
                rd["start_outcome_normalised"][iid], abs=1e-9
            )
            assert rnd.voting_outcome[i] == pytest.approx(
                rd["voting_outcome_normalised"][iid], abs=1e-9
            )
            for key, mine in (
                ("start_positions", rnd.start),
                ("voting_positions", rnd.voting),
                ("next_start_positions", rnd.next_start),
            ):
                for a, aid in enumerate(actors):
                    if not arr.mask[a, i]:
                        continue
                    want = _norm(rd[key][iid][aid], iid, ref)
                    assert mine[a, i] == pytest.approx(want, abs=1e-9), (key, aid, iid)


@pytest.mark.parametrize("case", sorted(CASES))
def test_registered_model_reports_decide_outcomes_in_file_units(case: str) -> None:
    data_file, ref_file = CASES[case]
    ref = json.loads((REF / ref_file).read_text())
    res = forecast(REF / data_file, ["exchange"], rounds=3).models["exchange"]
    for iid, f in res.issues.items():
        want = [ref["rounds"][0]["start_outcome"][iid]] + [
            r["voting_outcome"][iid] for r in ref["rounds"]
        ]
        span = ref["issues"][iid]["upper"] - ref["issues"][iid]["lower"]
        np.testing.assert_allclose(f.rounds, want, rtol=0, atol=1e-9 * span / 100 * 100)
        assert f.position == f.rounds[-1]
        assert f.converged is False
    # actors: voting positions per round, round 0 = input
    for aid, per in res.actors.items():
        for iid, traj in per.items():
            assert traj[0] == pytest.approx(ref["rounds"][0]["start_positions"][iid][aid])
            for t, rd in enumerate(ref["rounds"], start=1):
                assert traj[t] == pytest.approx(rd["voting_positions"][iid][aid], abs=1e-9)


# --------------------------------------------------------------------------------------------
# the worked examples of the spec (toy, round 1), by hand


def _toy() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # actors A-D, issues p, q (0-100): positions, saliences, powers
    x = np.array([[10, 80], [50, 90], [10, 40], [40, 100]], dtype=float)
    s = np.array([[0.7, 0.7], [0.9, 0.9], [0.9, 0.3], [0.9, 0.6]])
    c = np.array([[1.0, 1.0], [0.2, 0.2], [0.2, 0.2], [1.0, 1.0]])
    return x, s, c


def test_worked_example_d_a_cut_by_the_crossing_rule() -> None:
    """Exchange D-A, realised first.

    W_p = .7 + .18 + .18 + .9 = 1.96, W_q = .7 + .18 + .06 + .6 = 1.54,
    O_q = (56 + 16.2 + 2.4 + 60) / 1.54 = 134.6 / 1.54 = 87.4026.
    D supplies q (s_Dp/s_Dq = 1.5 > 1 = s_Ap/s_Aq); k = (.9 + .7) / (.6 + .7) = 16/13.
    A all the way on p (30) needs D to move 30*.7/1.96 * 16/13 * 1.54/.6 = 33.8 > 20, so D
    moves 20 (100 -> 80), which takes O_q to 79.61, past A's 80: cut to
    1.54 * (87.4026 - 80) / .6 = 11.4 / .6 = 19 (100 -> 81). Then dO_q = 11.4/1.54,
    dO_p = dO_q * 13/16, A moves dO_p * 1.96/.7 = 16.8409 (10 -> 26.8409), and the gain is
    .9 dO_p - .6 dO_q = dO_q (.9*13/16 - .6) = 0.97159.
    """
    x, s, c = _toy()
    rnd = exchange_round(x, s, s * c, np.ones_like(x, dtype=bool))
    d_oq = 11.4 / 1.54
    d_op = d_oq * 13 / 16
    assert (rnd.i_actor[0], rnd.j_actor[0], rnd.q[0], rnd.p[0]) == (3, 0, 1, 0)
    assert rnd.i_after[0] == pytest.approx(81.0, abs=1e-12)
    assert rnd.j_after[0] == pytest.approx(10 + d_op * 1.96 / 0.7, abs=1e-12)
    assert rnd.gain[0] == pytest.approx(0.9 * d_op - 0.6 * d_oq, rel=1e-12)
    assert rnd.gain[0] == pytest.approx(0.9715909, rel=1e-6)


def test_worked_example_c_b_second_branch() -> None:
    """Exchange C-B, realised second (no key shared with D-A, so computed from round start).

    C supplies q (s_Cp/s_Cq = 3 > 1); k = (.9 + .9)/(.3 + .9) = 1.5. B all the way on p (40)
    would need C to move 40*.18/1.96 * 1.5 * 1.54/.06 = 141 > 50, so C moves 50 (40 -> 90):
    dO_q = 50*.06/1.54 = 3/1.54, dO_p = dO_q/1.5 = 2/1.54, B moves 2/1.54 * 1.96/.18 = 14.14
    (50 -> 35.86); gain = .9 * 2/1.54 - .3 * 3/1.54 = .9/1.54 = 0.58442.
    """
    x, s, c = _toy()
    rnd = exchange_round(x, s, s * c, np.ones_like(x, dtype=bool))
    assert (rnd.i_actor[1], rnd.j_actor[1]) == (2, 1)
    assert rnd.i_after[1] == pytest.approx(90.0, abs=1e-12)
    assert rnd.j_after[1] == pytest.approx(50 - 2 / 1.54 * 1.96 / 0.18, abs=1e-12)
    assert rnd.gain[1] == pytest.approx(0.9 / 1.54, rel=1e-12)
    # C is used again, continuing on q from 90 toward D's 100; the next start position of C
    # on q is 0.62 * 40 + 0.38 * 100 = 62.8 (w = 0.1 + 0.4 * (1 - 0.3) = 0.38)
    assert (rnd.i_actor[2], rnd.i_before[2], rnd.i_after[2]) == (2, pytest.approx(90), 100)
    assert rnd.next_start[2, 1] == pytest.approx(62.8, abs=1e-12)


# --------------------------------------------------------------------------------------------
# invariants


def _run(m, **kw):
    return run_exchange(
        m.position, m.salience, m.capability, None, ExchangeSettings(rounds=4, **kw)
    )


@PROPS
@given(model_arrays(max_actors=7, max_issues=4))
def test_positions_stay_within_the_initial_range(m) -> None:
    """In ``mode="symmetric"``. Decide's own rules (``mode="decide"``) can leave the range:
    see the next test and docs/models/exchange.md."""
    run = _run(m, mode="symmetric")
    lo = m.position.min(axis=0) - 1e-9
    hi = m.position.max(axis=0) + 1e-9
    for rnd in run.rounds:
        for arr in (rnd.voting, rnd.next_start):
            assert ((arr >= lo) & (arr <= hi)).all()
        assert ((rnd.voting_outcome >= lo) & (rnd.voting_outcome <= hi)).all()


def test_decide_mode_can_leave_the_initial_range() -> None:
    """A two-actor case hypothesis found: under Decide's rules a voting position ends past the
    largest initial position on the last issue (18.63 against 18); the symmetric rules keep it
    inside. Documented in docs/models/exchange.md ("Differences")."""
    position = np.array([[0.0, 0.0, 0.0, 0.0], [1.0, 25.0, 2.0, 18.0]])
    salience = np.array([[1.0, 1.0, 1.0, 0.25], [1.0, 0.5, 0.25, 1.0]])
    capability = np.array([[31.0] * 4, [15.0] * 4])
    hi = position.max(axis=0)

    def overshoot(mode: str) -> float:
        run = run_exchange(position, salience, capability, None,
                           ExchangeSettings(rounds=4, mode=mode))
        return max(float((rnd.voting - hi).max()) for rnd in run.rounds)

    assert overshoot("decide") > 0.5
    assert overshoot("symmetric") <= 1e-9


@PROPS
@given(model_arrays(min_actors=2, max_actors=7, min_issues=2, max_issues=4), st.data())
def test_actors_with_equal_salience_ratios_never_exchange(m, data) -> None:
    """Actors whose saliences are equal on every issue have ratio 1: two of them never trade,
    and if all actors are like that nothing happens at all."""
    n = m.position.shape[0]
    flat = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    level = np.array(data.draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))) / 10
    sal = np.where(flat[:, None], level[:, None], np.maximum(m.salience, 0.05))
    run = run_exchange(m.position, sal, m.capability, None, ExchangeSettings(rounds=3))
    for rnd in run.rounds:
        assert not (flat[rnd.i_actor] & flat[rnd.j_actor]).any()
    if flat.all():
        assert run.rounds[0].n_exchanges == 0
        assert run.converged


def _continuous(rng: np.random.Generator, n: int, m: int):
    x = rng.uniform(0, 100, (n, m))
    s = rng.uniform(0.1, 1, (n, m))
    c = np.repeat(rng.uniform(1, 10, (n, 1)), m, axis=1)
    return x, s, c


@pytest.mark.parametrize("seed", range(5))
def test_relabelling_actors_changes_nothing(seed: int) -> None:
    """On continuous random data (no tied gains) the order of the actors does not matter."""
    rng = np.random.default_rng(seed)
    x, s, c = _continuous(rng, 9, 4)
    base = run_exchange(x, s, c, settings=ExchangeSettings(rounds=5))
    perm = rng.permutation(9)
    other = run_exchange(x[perm], s[perm], c[perm], settings=ExchangeSettings(rounds=5))
    for a, b in zip(base.rounds, other.rounds, strict=True):
        np.testing.assert_allclose(a.voting_outcome, b.voting_outcome, atol=1e-9)
        np.testing.assert_allclose(a.voting[perm], b.voting, atol=1e-9)
        assert a.n_exchanges == b.n_exchanges
        pairs_a = sorted(zip(perm.argsort()[a.i_actor], a.q, strict=True))
        pairs_b = sorted(zip(b.i_actor, b.q, strict=True))
        assert pairs_a == pairs_b


@pytest.mark.parametrize("seed", range(5))
def test_mirrored_positions_give_mirrored_forecasts(seed: int) -> None:
    """Holds in mode "symmetric"; see the next test for Decide's signed cap."""
    rng = np.random.default_rng(100 + seed)
    x, s, c = _continuous(rng, 8, 3)
    cfg = ExchangeSettings(rounds=5, mode="symmetric")
    a = run_exchange(x, s, c, settings=cfg)
    b = run_exchange(100 - x, s, c, settings=cfg)
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        np.testing.assert_allclose(ra.voting_outcome, 100 - rb.voting_outcome, atol=1e-9)
        np.testing.assert_allclose(ra.voting, 100 - rb.voting, atol=1e-9)


# --------------------------------------------------------------------------------------------
# the two divergence mechanisms (issue 13) and Decide's tie order


def _round_one(case: str, **kw):
    _, _, x, arr = _normalised(REF / CASES[case][0])
    s = np.where(arr.mask, arr.salience, 0.0)
    return x, s, s * arr.capability, arr.mask, ExchangeSettings(rounds=1, **kw)


def test_without_the_crossing_tolerance_decides_fourth_exchange_is_lost() -> None:
    """Mechanism (a): exchange #3 puts the i2 outcome on a5's position 47; in float64 the
    next candidate sees 46.99999999999999 and would be cut to nothing (fixtures README)."""
    x, s, w, mask, st = _round_one("divergence")
    with_tol = exchange_round(x, s, w, mask, st)
    assert with_tol.creation_index.tolist()[:5] == [7, 5, 1, 11, 3]
    assert with_tol.gain[3] == pytest.approx(0.8910628019, rel=1e-9)
    with mock.patch.object(exchange, "CROSSING_TOLERANCE", 0.0):
        without = exchange_round(x, s, w, mask, st)
    assert 11 not in without.creation_index.tolist()
    assert without.n_exchanges == 7


def test_stale_cut_overshoots_and_the_corrected_cut_does_not() -> None:
    """Mechanism (b): Decide's #6 (a6 supplies i2 to a5) is cut from a6's stale position
    56.661332 and ends at 20.399856; measured from a6's current position 42.171120 the cut
    stops at 34.890068, where the i2 outcome is exactly a5's 17 (fixtures README)."""
    x, s, w, mask, st = _round_one("divergence_stale")
    decide = exchange_round(x, s, w, mask, st)
    assert decide.creation_index[5] == 18
    assert decide.j_before[5] == pytest.approx(42.171120, abs=1e-6)
    assert decide.j_after[5] == pytest.approx(20.399856, abs=1e-6)
    state = exchange._State(x, s, w, mask, st, None)
    state.stale = False  # the corrected rule, all else as Decide
    state.run()
    rec = {r[0]: r for r in state.records}
    assert rec[18][8] == pytest.approx(34.890068, abs=1e-6)
    assert rec[18][9] == pytest.approx(0.0556807363, rel=1e-9)
    i2 = 1
    # the outcome on i2 once a6 stops there: a6 at 34.890068, a5's partner view (start + a6)
    y = x[:, i2].copy()
    y[5] = rec[18][8]
    assert (w[:, i2] * y).sum() / w[:, i2].sum() == pytest.approx(x[4, i2], abs=1e-6)
    assert exchange._State(x, s, w, mask, ExchangeSettings(mode="symmetric"), None).stale is False


@given(st.integers(2, 12), st.integers(0, 2**31 - 1))
@PROPS
def test_tie_keys_reproduce_a_stable_sorted_list(size: int, seed: int) -> None:
    """Decide's rule, simulated literally: a list stable-sorted by gain after every step, the
    first entry realised. The keys pick the same row among equal gains at every step."""
    rng = np.random.default_rng(seed)
    gain = rng.integers(0, 3, size).astype(float)  # few values: many ties
    keys = np.arange(size, dtype=np.int64)
    order = sorted(range(size), key=lambda i: -gain[i])
    alive = np.ones(size, dtype=bool)
    for step in range(1, size + 1):
        best = gain[alive].max()
        tied = np.flatnonzero(alive & (gain == best))
        assert order[0] == tied[np.argmin(keys[tied])]
        alive[order.pop(0)] = False
        if not alive.any():
            break
        rows = np.flatnonzero(alive & (rng.random(size) < 0.5))
        new = rng.integers(0, 3, rows.size).astype(float)
        ch = new != gain[rows]
        if ch.any():
            r = rows[ch]
            keys[r] = exchange._arrival_keys(gain[r], new[ch], keys[r], step, size)
        gain[rows] = new
        order = sorted(order, key=lambda i: -gain[i])  # Python's sort is stable


def test_decide_caps_only_the_signed_sum_of_moves() -> None:
    """Decide rejects a side whose computed moves sum to more than +100 but never caps moves
    down the scale (``sum(moves) > 100``). On this input the mirror image then realises one
    exchange fewer in round 2; mode "symmetric" caps |sum| and restores the mirror."""
    rng = np.random.default_rng(100)
    x, s, c = _continuous(rng, 8, 3)
    a = run_exchange(x, s, c, settings=ExchangeSettings(rounds=2))
    b = run_exchange(100 - x, s, c, settings=ExchangeSettings(rounds=2))
    assert a.rounds[1].n_exchanges != b.rounds[1].n_exchanges
    # and the reference run depends on the signed reading: mode "symmetric" departs from it
    _, _, x, arr = _normalised(REF / "exchange_sample_data.txt")
    sym = run_exchange(
        x, arr.salience, arr.capability, arr.mask, ExchangeSettings(rounds=1, mode="symmetric")
    )
    assert sym.rounds[0].n_exchanges == 38  # Decide: 39


@PROPS
@given(model_arrays(max_actors=6, max_issues=3, integer_positions=True), st.integers(0, 2**32))
def test_same_input_and_seed_same_output(m, seed: int) -> None:
    """Also with the random tie rule on tie-prone data (positions multiples of 5)."""
    kw = {"tie_rule": "random"}
    a = run_exchange(
        m.position, m.salience, m.capability, None, ExchangeSettings(rounds=3, **kw),
        np.random.default_rng(seed),
    )
    b = run_exchange(
        m.position, m.salience, m.capability, None, ExchangeSettings(rounds=3, **kw),
        np.random.default_rng(seed),
    )
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        assert ra.creation_index.tolist() == rb.creation_index.tolist()
        np.testing.assert_array_equal(ra.voting, rb.voting)


def test_random_ties_on_the_sample_data_are_seeded() -> None:
    _, _, x, arr = _normalised(REF / "exchange_sample_data.txt")
    cfg = ExchangeSettings(rounds=3, tie_rule="random")

    def go(seed: int):
        return run_exchange(
            x, arr.salience, arr.capability, arr.mask, cfg, np.random.default_rng(seed)
        )

    a, b = go(5), go(5)
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        assert ra.creation_index.tolist() == rb.creation_index.tolist()
    seqs = {tuple(go(s).rounds[0].creation_index.tolist()) for s in range(8)}
    assert len(seqs) > 1  # round 1 has a tie, so some seeds take the other branch


# --------------------------------------------------------------------------------------------
# degenerate input


def test_all_actors_at_one_position() -> None:
    x = np.full((4, 3), 30.0)
    run = run_exchange(x, np.full((4, 3), 0.5), np.ones((4, 3)))
    assert run.converged and run.rounds[0].n_exchanges == 0
    np.testing.assert_allclose(run.rounds[-1].voting_outcome, 30.0)


def test_zero_saliences_give_defined_results() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 100, (5, 3))
    s = rng.uniform(0.2, 1, (5, 3))
    s[:, 1] = 0.0  # W = 0 on issue 1
    s[2, :] = 0.0  # an actor that cares about nothing
    run = run_exchange(x, s, np.ones((5, 3)), settings=ExchangeSettings(rounds=3))
    for rnd in run.rounds:
        assert np.isfinite(rnd.voting_outcome).all()
        assert not np.isin(1, rnd.p).any() and not np.isin(1, rnd.q).any()
        assert not (rnd.i_actor == 2).any() and not (rnd.j_actor == 2).any()
    # issue 1: nobody can move it; the outcome falls back to the capability-weighted mean
    assert run.rounds[-1].voting_outcome[1] == pytest.approx(x[:, 1].mean())
    s0 = np.zeros((5, 3))
    run0 = run_exchange(x, s0, np.ones((5, 3)))
    np.testing.assert_allclose(run0.rounds[0].voting_outcome, x.mean(axis=0))


def test_single_actor() -> None:
    run = run_exchange(np.array([[20.0, 70.0]]), np.array([[0.5, 0.9]]), np.ones((1, 2)))
    assert run.converged and run.rounds[0].n_candidates == 0
    np.testing.assert_allclose(run.rounds[0].voting_outcome, [20.0, 70.0])


def test_absent_actors_take_no_part_in_pairs_with_that_issue() -> None:
    rng = np.random.default_rng(8)
    x, s, c = _continuous(rng, 8, 3)
    mask = np.ones((8, 3), dtype=bool)
    mask[[1, 4], 2] = False
    x[~mask] = np.nan
    run = run_exchange(x, s, c, mask, ExchangeSettings(rounds=3))
    assert sum(r.n_exchanges for r in run.rounds) > 0
    for rnd in run.rounds:
        for actor in (1, 4):
            involved = (rnd.i_actor == actor) | (rnd.j_actor == actor)
            assert not ((rnd.p[involved] == 2) | (rnd.q[involved] == 2)).any()
        assert np.isnan(rnd.voting[~mask]).all()
        assert np.isfinite(rnd.voting_outcome).all()


def test_convergence_and_round_limit() -> None:
    x, s, c = _toy()
    short = run_exchange(x, s, c, settings=ExchangeSettings(rounds=2))
    assert len(short.rounds) == 2 and not short.converged
    long = run_exchange(x, s, c, settings=ExchangeSettings(rounds=2000))
    assert long.converged and long.rounds[-1].n_exchanges == 0
    assert len(long.rounds) < 2000
    np.testing.assert_allclose(
        long.rounds[-1].voting_outcome, compromise(long.rounds[-1].start, s, c)
    )
    none = run_exchange(x, s, c, settings=ExchangeSettings(rounds=0))
    assert none.rounds == []


def test_model_result_layout_and_rounds_option() -> None:
    arr = to_arrays(load_scenario(REF / "exchange_toy_4x2.csv").scenario)
    res = get_model("exchange").run(arr, ModelOptions(rounds=2))
    assert list(res.issues) == ["p", "q"]
    f = res.issues["p"]
    assert len(f.rounds) == 3 and f.position == f.rounds[-1] and f.converged is False
    assert f.rounds[0] == pytest.approx(53.8 / 1.96)  # compromise of the input
    assert res.actors["A"]["p"][0] == 10.0 and len(res.actors["A"]["p"]) == 3
    d = res.to_dict()
    assert set(d["issues"]["p"]) == {"position", "rounds", "converged"}
    assert res.params["ties"] == "order" and res.params["rounds"] == 2
    res0 = get_model("exchange").run(arr, ModelOptions(rounds=0))
    assert res0.issues["p"].rounds == [pytest.approx(53.8 / 1.96)]


@pytest.mark.parametrize(
    "params",
    [
        {"ties": "coin"},
        {"mode": "fixed"},
        {"tie_tolerance": -1},
        {"fixed_weight": 0.7, "salience_weight": 0.4},
        {"max_candidates": 0},
        {"colour": "red"},
    ],
)
def test_bad_parameters_are_model_errors(params: dict) -> None:
    with pytest.raises(ModelError, match="exchange"):
        settings_from_params(params)


def test_negative_rounds_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="rounds"):
        settings_from_params({}, rounds=-1)


def test_too_many_candidates_is_a_model_error() -> None:
    rng = np.random.default_rng(0)
    x, s, c = _continuous(rng, 20, 3)
    with pytest.raises(ModelError, match="max_candidates"):
        run_exchange(x, s, c, settings=ExchangeSettings(max_candidates=10))


def test_update_weights_are_parameters() -> None:
    x, s, c = _toy()
    cfg = settings_from_params({"fixed_weight": 0.2, "salience_weight": 0.0}, rounds=1)
    rnd = run_exchange(x, s, c, settings=cfg).rounds[0]
    # C supplied q (40 -> 100): 0.8 * 40 + 0.2 * 100 = 52
    assert rnd.next_start[2, 1] == pytest.approx(52.0)


# --------------------------------------------------------------------------------------------
# bounded memory: chunks and blocks change nothing; sizes that cannot fit are refused

# generation one issue pair at a time, the first computation 7 rows at a time, and the
# next-maximum search over blocks of about sqrt(K) rows instead of one block
_SMALL_CHUNKS = {"_GEN_CELLS": 1, "_ROW_CHUNK": 7, "_ONE_BLOCK": 4}


def _assert_same_run(a, b) -> None:
    """Bitwise equal rounds: realised exchanges, positions, outcomes, gains and ties."""
    assert len(a.rounds) == len(b.rounds) and a.converged == b.converged
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        assert ra.n_candidates == rb.n_candidates and ra.ties == rb.ties
        for name in (
            "creation_index", "i_actor", "j_actor", "p", "q", "i_before", "i_after",
            "j_before", "j_after", "gain", "voting", "voting_outcome", "next_start",
        ):
            np.testing.assert_array_equal(getattr(ra, name), getattr(rb, name), err_msg=name)


@pytest.mark.parametrize("seed", range(6))
def test_chunks_and_blocks_give_bitwise_identical_runs(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    x, s, c = _continuous(rng, 12, 5)
    if seed % 2:  # tied gains, also far apart in creation order: every actor twice
        x, s, c = (np.concatenate((v[:6], v[:6])) for v in (x, s, c))
    cfg = ExchangeSettings(rounds=4, tie_rule="random" if seed % 3 == 0 else "order")
    base = run_exchange(x, s, c, settings=cfg, rng=np.random.default_rng(seed))
    assert base.rounds[0].n_candidates > 50 and base.rounds[0].n_exchanges > 5
    with mock.patch.multiple(exchange, **_SMALL_CHUNKS):
        chunked = run_exchange(x, s, c, settings=cfg, rng=np.random.default_rng(seed))
    _assert_same_run(base, chunked)


@PROPS
@given(
    model_arrays(min_actors=2, max_actors=8, min_issues=2, max_issues=4, integer_positions=True),
    st.sampled_from(["decide", "symmetric"]),
)
def test_chunks_and_blocks_change_nothing_on_tie_prone_input(m, mode: str) -> None:
    cfg = ExchangeSettings(rounds=3, mode=mode)
    base = run_exchange(m.position, m.salience, m.capability, None, cfg)
    with mock.patch.multiple(exchange, **_SMALL_CHUNKS):
        chunked = run_exchange(m.position, m.salience, m.capability, None, cfg)
    _assert_same_run(base, chunked)


def test_absent_cells_with_chunks() -> None:
    rng = np.random.default_rng(9)
    x, s, c = _continuous(rng, 10, 4)
    mask = rng.uniform(size=x.shape) > 0.2
    s[3] = 0.0  # an actor with zero weight everywhere: its rows can never trade
    base = run_exchange(x, s, c, mask, ExchangeSettings(rounds=3))
    with mock.patch.multiple(exchange, **_SMALL_CHUNKS):
        chunked = run_exchange(x, s, c, mask, ExchangeSettings(rounds=3))
    _assert_same_run(base, chunked)


def test_max_candidates_error_says_how_much_memory_it_would_need() -> None:
    x, s, c = _continuous(np.random.default_rng(0), 20, 3)
    with pytest.raises(ModelError, match=r"max_candidates=10 \(they would need about [\d.]+ MB\)"):
        run_exchange(x, s, c, settings=ExchangeSettings(max_candidates=10))


def test_a_round_that_cannot_fit_in_memory_is_a_model_error() -> None:
    x, s, c = _continuous(np.random.default_rng(0), 20, 3)
    k = run_exchange(x, s, c, settings=ExchangeSettings(rounds=1)).rounds[0].n_candidates
    need = k * exchange._BYTES_PER_CANDIDATE
    with (
        mock.patch.object(exchange, "_available_bytes", return_value=need - 1),
        pytest.raises(ModelError, match=r"would need about .* of memory, but only"),
    ):
        run_exchange(x, s, c)
    with mock.patch.object(exchange, "_available_bytes", return_value=need):
        assert run_exchange(x, s, c, settings=ExchangeSettings(rounds=1)).rounds[0].n_exchanges

    # where the available memory cannot be read, running out is still a one-line ModelError
    with (
        mock.patch.object(exchange, "_available_bytes", return_value=None),
        mock.patch.object(exchange, "_generate", side_effect=MemoryError),
        pytest.raises(ModelError, match="not enough memory"),
    ):
        run_exchange(x, s, c)


def test_default_has_no_candidate_cap() -> None:
    assert ExchangeSettings().max_candidates is None
    assert settings_from_params({"max_candidates": 10**9}).max_candidates == 10**9


# --------------------------------------------------------------------------------------------
# engines (numpy and compiled) and the draws axis (batch)

_FIELDS = ("start", "voting", "next_start", "voting_outcome", "creation_index", "i_actor",
           "j_actor", "i_before", "i_after", "j_before", "j_after", "gain", "ties")


def _tie_prone(seed: int, n: int, m: int, draws: int | None = None):
    """Coarse random data (rounded positions and saliences, integer powers): many exact ties,
    crossing cuts and re-used actors; absent cells."""
    rng = np.random.default_rng(seed)
    shape = (n, m) if draws is None else (draws, n, m)
    x = rng.uniform(0, 100, shape).round(seed % 2)
    s = rng.uniform(0, 1, shape).round(1)
    c = rng.integers(1, 6, shape).astype(float)
    mask = rng.random((n, m)) > 0.1
    return x, s, c, mask


def _same_runs(a, b) -> None:
    assert len(a.rounds) == len(b.rounds)
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        for f in _FIELDS:
            assert np.array_equal(getattr(ra, f), getattr(rb, f), equal_nan=True), f


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["decide", "symmetric"])
def test_compiled_and_numpy_engines_agree_bit_for_bit(mode: str) -> None:
    pytest.importorskip("numba")
    for seed in range(12):
        x, s, c, mask = _tie_prone(seed, 3 + 2 * seed, 2 + seed % 5)
        st = {"rounds": 6, "mode": mode}
        a = run_exchange(x, s, c, mask, ExchangeSettings(engine="numpy", **st))
        b = run_exchange(x, s, c, mask, ExchangeSettings(engine="numba", **st))
        _same_runs(a, b)
    # many blocks in the next-maximum search
    x, s, c, mask = _tie_prone(99, 60, 6)
    st = {"rounds": 3, "mode": mode}
    _same_runs(run_exchange(x, s, c, mask, ExchangeSettings(engine="numpy", **st)),
               run_exchange(x, s, c, mask, ExchangeSettings(engine="numba", **st)))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_engine_reproduces_the_decide_references(case: str) -> None:
    pytest.importorskip("numba")
    data_file, ref_file = CASES[case]
    _, _, x, arr = _normalised(REF / data_file)
    ref = json.loads((REF / ref_file).read_text())
    run = run_exchange(x, arr.salience, arr.capability, arr.mask,
                       ExchangeSettings(rounds=3, engine="numba"))
    for rnd, rd in zip(run.rounds, ref["rounds"], strict=True):
        assert rnd.creation_index.tolist() == [e["creation_index"] for e in rd["realised"]]
        np.testing.assert_allclose(rnd.gain, [e["gain"] for e in rd["realised"]], rtol=1e-9)


def test_engine_numba_without_numba_says_what_to_install() -> None:
    x, s, c = _toy()
    with (mock.patch.object(exchange, "_numba_available", return_value=False),
          pytest.raises(ModelError, match=r"parley\[fast\]")):
        run_exchange(x, s, c, settings=ExchangeSettings(engine="numba"))
    with pytest.raises(ModelError, match="engine"):
        settings_from_params({"engine": "fortran"})


def test_auto_engine_keeps_small_rounds_in_numpy() -> None:
    """No compile (nor numba import) for rounds below NUMBA_MIN_CANDIDATES candidates."""
    x, s, c = _toy()
    with mock.patch.object(exchange, "_numba_available", side_effect=AssertionError):
        run_exchange(x, s, c)


@pytest.mark.parametrize("engine", ["numpy", "numba"])
@pytest.mark.parametrize("mode", ["decide", "symmetric"])
def test_batch_equals_a_run_per_draw(engine: str, mode: str) -> None:
    """Draws solved together give each draw's own final outcome, bit for bit, also when two
    draws are identical (their gains tie across draws) and some converge early."""
    if engine == "numba":
        pytest.importorskip("numba")
    for seed in range(4):
        x, s, c, mask = _tie_prone(seed, 4 + 3 * seed, 3 + seed % 3, draws=6)
        x[3], s[3], c[3] = x[2], s[2], c[2]
        st = ExchangeSettings(rounds=8, engine=engine, mode=mode)
        got = exchange.run_exchange_batch(x, s, c, mask, st)
        for d in range(6):
            run = run_exchange(x[d], s[d], c[d], mask, st)
            want = run.rounds[-1].voting_outcome if run.rounds else run.initial_outcome
            assert np.array_equal(got[d], want, equal_nan=True), d


def test_batch_in_groups_of_draws_changes_nothing() -> None:
    x, s, c, mask = _tie_prone(5, 9, 4, draws=5)
    whole = exchange.run_exchange_batch(x, s, c, mask)
    with mock.patch.object(exchange, "BATCH_ROWS", 1):
        one_by_one = exchange.run_exchange_batch(x, s, c, mask)
    assert np.array_equal(whole, one_by_one, equal_nan=True)


def test_registered_batch_matches_run_on_sample_data_draws() -> None:
    _, _, _, arr = _normalised(REF / "exchange_sample_data.txt")
    from dataclasses import replace

    rng = np.random.default_rng(3)
    D = 4
    jitter = rng.uniform(-5, 5, (D, *arr.position.shape))
    span = np.asarray(arr.upper) - np.asarray(arr.lower)
    pos = np.clip(arr.position + jitter * span / 100, arr.lower, arr.upper)
    draws = replace(arr, position=pos,
                    salience=np.broadcast_to(arr.salience, pos.shape).copy(),
                    capability=np.broadcast_to(arr.capability, pos.shape).copy())
    spec = get_model("exchange")
    opts = ModelOptions(rounds=3)
    got = spec.batch(draws, opts)
    for d in range(D):
        res = spec.run(draws.at(d), opts)
        assert got[d].tolist() == [res.issues[i].position for i in arr.issues]
