"""The game solvers: backward induction and the logit agent QRE, on hand-worked games and
random ones (hypothesis), against pygambit where it is installed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.analysis import game as g
from parley.analysis.efg import read_efg, write_efg
from parley.scenario.schema import Change, Game
from tests.strategies import games


def entry_game(fight: float) -> tuple[g.GameTree, np.ndarray]:
    """Selten's entry game: the entrant stays out (0, 2) or enters; the incumbent then fights
    (-1, fight) or accommodates (1, 1). Players: entrant, incumbent."""
    game = Game.model_validate({
        "root": "entrant",
        "nodes": [
            {"id": "entrant", "player": "E", "moves": [{"id": "out", "to": "stay-out"},
                                                      {"id": "in", "to": "incumbent"}]},
            {"id": "incumbent", "player": "I", "moves": [{"id": "fight", "to": "war"},
                                                        {"id": "accommodate", "to": "peace"}]},
        ],
        "leaves": [{"id": "stay-out"}, {"id": "war"}, {"id": "peace"}],
    })
    pay = np.array([[0.0, 2.0], [-1.0, fight], [1.0, 1.0]])
    return g.compile_game(game, ("E", "I")), pay


def test_entry_game_spe_accommodation() -> None:
    tree, pay = entry_game(fight=-1.0)
    spe = g.backward_induction(tree, pay)
    path, leaf = g.spe_path(tree, spe.choice)
    assert [(s["player"], s["move"]) for s in path] == [("E", "in"), ("I", "accommodate")]
    assert leaf == "peace"
    # the entrant's deviation ("out") leads straight to a leaf: nobody's move sustains it
    assert g.threats(tree, spe) == []


def test_entry_game_credible_threat_keeps_the_entrant_out() -> None:
    tree, pay = entry_game(fight=1.5)
    spe = g.backward_induction(tree, pay)
    path, leaf = g.spe_path(tree, spe.choice)
    assert [(s["player"], s["move"]) for s in path] == [("E", "out")]
    assert leaf == "stay-out"
    (t,) = g.threats(tree, spe)
    assert t["player"] == "E" and t["deviation"] == "in"
    assert t["response"] == [{"player": "I", "move": "fight", "node": "incumbent"}]
    assert t["payoff"] == -1.0 and t["equilibrium_payoff"] == 0.0


@pytest.mark.parametrize("lam", [0.0, 0.5, 1.0, 3.0])
def test_entry_game_qre_by_hand(lam: float) -> None:
    tree, pay = entry_game(fight=-1.0)
    q = g.agent_qre(tree, pay, lam)
    # incumbent: accommodate (1) vs fight (-1); entrant: in (expected 2 s - 1) vs out (0)
    s_acc = 1.0 / (1.0 + math.exp(-2.0 * lam))
    v_in = s_acc * 1.0 + (1.0 - s_acc) * -1.0
    s_in = 1.0 / (1.0 + math.exp(-lam * v_in))
    np.testing.assert_allclose(q.moves[1], [1 - s_acc, s_acc])
    np.testing.assert_allclose(q.moves[0], [1 - s_in, s_in])
    np.testing.assert_allclose(q.leaves, [1 - s_in, s_in * (1 - s_acc), s_in * s_acc])


def test_chance_node_expected_value() -> None:
    game = Game.model_validate({
        "root": "a",
        "nodes": [
            {"id": "a", "player": "A", "moves": [{"id": "safe", "to": "s"},
                                                {"id": "gamble", "to": "c"}]},
            {"id": "c", "player": "chance", "moves": [
                {"id": "win", "to": "w", "probability": 0.3},
                {"id": "lose", "to": "l", "probability": 0.7}]},
        ],
        "leaves": [{"id": "s"}, {"id": "w"}, {"id": "l"}],
    })
    tree = g.compile_game(game, ("A",))
    pay = np.array([[0.5], [2.0], [0.0]])  # gamble worth 0.6 > 0.5
    spe = g.backward_induction(tree, pay)
    assert g.spe_path(tree, spe.choice)[0][0]["move"] == "gamble"
    assert spe.value[0, 0] == pytest.approx(0.6)
    q = g.agent_qre(tree, pay, 2.0)
    assert q.leaves[1] / q.leaves[2] == pytest.approx(0.3 / 0.7)


def test_ties_go_to_the_first_move() -> None:
    tree, pay = entry_game(fight=1.0)  # the incumbent is indifferent: fight is listed first
    spe = g.backward_induction(tree, pay)
    assert spe.choice[1] == 0


def test_draws_axis_equals_one_draw_at_a_time() -> None:
    tree, pay = entry_game(fight=0.0)
    rng = np.random.default_rng(1)
    many = pay[None] + rng.normal(0, 1.5, (50, *pay.shape))
    spe = g.backward_induction(tree, many)
    q = g.agent_qre(tree, many, 2.0)
    for d in range(50):
        one = g.backward_induction(tree, many[d])
        np.testing.assert_array_equal(spe.choice[d], one.choice)
        np.testing.assert_allclose(q.leaves[d], g.agent_qre(tree, many[d], 2.0).leaves)
    reach = g.spe_reach(tree, spe.choice)
    assert (reach[:, tree.n_nodes:].sum(axis=1) == 1).all()


def test_precision_must_be_finite_and_non_negative() -> None:
    tree, pay = entry_game(fight=0.0)
    from parley.errors import ModelError

    with pytest.raises(ModelError, match="precision"):
        g.agent_qre(tree, pay, -1.0)


@settings(max_examples=60, deadline=None)
@given(games(), st.floats(0.0, 30.0))
def test_qre_invariants(spec: tuple, lam: float) -> None:
    game, players, pay = spec
    tree = g.compile_game(Game.model_validate(game), tuple(players))
    q = g.agent_qre(tree, pay, lam)
    assert q.leaves.sum() == pytest.approx(1.0)
    assert (q.leaves >= 0).all()
    for w in q.moves:
        assert w.sum() == pytest.approx(1.0)
    # adding a constant to one player's payoffs changes no behaviour
    shifted = pay + np.arange(pay.shape[1])[None, :] * 3.0
    np.testing.assert_allclose(g.agent_qre(tree, shifted, lam).leaves, q.leaves, atol=1e-12)
    shift = np.arange(pay.shape[1]) * 3.0
    np.testing.assert_allclose(g.backward_induction(tree, shifted).value[0] - shift,
                               g.backward_induction(tree, pay).value[0], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(games())
def test_spe_is_optimal_at_every_node_and_qre_tends_to_it(spec: tuple) -> None:
    game, players, pay = spec
    tree = g.compile_game(Game.model_validate(game), tuple(players))
    spe = g.backward_induction(tree, pay)
    for k in range(tree.n_nodes):
        p = int(tree.player[k])
        if p < 0:
            continue
        kids = list(tree.children[k])
        assert spe.value[kids[spe.choice[k]], p] >= spe.value[kids, p].max() - g.TIE_TOL
    # uniform play at precision 0
    for w, kids in zip(g.agent_qre(tree, pay, 0.0).moves, tree.children, strict=True):
        np.testing.assert_allclose(w, 1.0 / len(kids))
    # with generic payoffs (no near-ties at any node), high precision reaches the SPE path
    gaps = []
    for k in range(tree.n_nodes):
        p = int(tree.player[k])
        if p >= 0 and len(tree.children[k]) > 1:
            u = np.sort(spe.value[list(tree.children[k]), p])
            gaps.append(u[-1] - u[-2])
    if (tree.player >= 0).all() and (not gaps or min(gaps) > 0.05):
        leaf = tree.leaf_ids.index(g.spe_path(tree, spe.choice)[1])
        assert g.agent_qre(tree, pay, 2000.0).leaves[leaf] > 0.99


def test_carry_out_changes_only_what_the_lever_says() -> None:
    from parley.scenario.arrays import to_arrays
    from parley.scenario.loader import load_scenario

    arr = to_arrays(load_scenario("ukraine-2025").scenario)
    out = g.carry_out(arr, [
        Change(actor="russia", field="no_deal", issue="sanctions", set=0),
        Change(actor="usa", field="salience", issue="us_aid", shift=0.9),
    ])
    r, u = arr.actors.index("russia"), arr.actors.index("usa")
    s, a = arr.issues.index("sanctions"), arr.issues.index("us_aid")
    assert out.no_deal[r, s] == 0 and arr.no_deal[r, s] == 25
    assert out.salience[u, a] == 1.0  # clipped to [0, 1]
    same = (out.no_deal == arr.no_deal) | (np.isnan(out.no_deal) & np.isnan(arr.no_deal))
    assert (~same).sum() == 1
    np.testing.assert_array_equal(out.position, arr.position)


# ------------------------------------------------------------------ against Gambit


@settings(max_examples=8, deadline=None)
@given(games(), st.sampled_from([0.5, 2.0, 10.0]))
def test_qre_matches_pygambit(spec: tuple, lam: float) -> None:
    gbt = pytest.importorskip("pygambit")
    import io

    game, players, pay = spec
    tree = g.compile_game(Game.model_validate(game), tuple(players))
    text = write_efg(tree, pay, "random")
    gg = gbt.read_efg(io.StringIO(text))
    if not any(len(p.infosets) for p in gg.players):
        return
    theirs = np.array(list(gbt.qre.logit_solve_lambda(gg, lam=[lam])[0]))
    q = g.agent_qre(tree, pay, lam)
    by_label = {tree.node_ids[k]: q.moves[k] for k in range(tree.n_nodes)}
    mine = np.concatenate([by_label[inf.label] for p in gg.players for inf in p.infosets])
    np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_efg_round_trip_with_own_reader() -> None:
    tree, pay = entry_game(fight=1.5)
    title, players, root = read_efg(write_efg(tree, pay, 'Entry "game"'))
    assert title == 'Entry "game"' and players == ["E", "I"]
    assert root.kind == "p" and root.player == 1 and root.moves == ["out", "in"]
    out, inc = root.children
    assert out.kind == "t" and out.payoffs == [0.0, 2.0]
    assert inc.player == 2 and [c.payoffs for c in inc.children] == [[-1.0, 1.5], [1.0, 1.0]]


def test_builtin_game_qre_matches_pygambit() -> None:
    gbt = pytest.importorskip("pygambit")
    import io

    from parley.games import game_efg, game_report
    from parley.scenario.loader import load_scenario

    s = load_scenario("ukraine-2025").scenario
    gg = gbt.read_efg(io.StringIO(game_efg(s, "ukraine-2025")))
    moves = game_report(s, "ukraine-2025", draws=0)["qre"]["moves"]
    theirs = np.array(list(gbt.qre.logit_solve_lambda(gg, lam=[10.0])[0]))
    mine = [moves[inf.label][a.label] for p in gg.players for inf in p.infosets
            for a in inf.actions]
    np.testing.assert_allclose(mine, theirs, atol=1e-9)
    # Gambit's limiting logit equilibrium is the subgame-perfect one here
    eq = gbt.nash.logit_solve(gg).equilibria[0]
    spe = game_report(s, "ukraine-2025", draws=0)["spe"]["strategies"]
    for p in gg.players:
        for inf in p.infosets:
            best = max(inf.actions, key=lambda a: float(eq[a]))
            assert spe[p.label][inf.label] == best.label
