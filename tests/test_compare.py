"""Tests of parley.compare: the outcome model's parameters reach snapshot, compare and
rank_levers (the figures themselves are tested through ``parley compare`` and ``parley
levers`` in tests/cli)."""

from __future__ import annotations

from typing import Any

import pytest

from parley.compare import NO_AGREEMENT, compare, rank_levers, snapshot
from parley.forecast import resolve
from parley.odds import outcomes
from parley.whatif import apply

HAND_SET = {"precision": 10.0, "consent_bias": 0.0, "no_proposal": 0.0}
LEVER = "usa.us-large-scale-sanctions"


def _odds(loaded: Any, **model: float) -> dict[str, float]:
    res = outcomes(loaded.scenario, loaded.name, levers=list(getattr(loaded, "levers", ())),
                   draws=30, seed=0, **model)
    return dict(zip(res.candidates.ids, res.probability.tolist(), strict=True))


def test_snapshot_uses_the_given_parameters() -> None:
    loaded = apply(resolve("ukraine-2025"), [LEVER])
    snap = snapshot(loaded, models=[], zone=False, draws=30, **HAND_SET)
    expected = _odds(loaded, **HAND_SET)
    assert {k: v for k, v in snap["outcomes"].items() if k != NO_AGREEMENT} == pytest.approx(
        expected, abs=1e-15)
    fitted = snapshot(loaded, models=[], zone=False, draws=30)
    assert fitted["outcomes"] != snap["outcomes"]
    # None is the fitted default
    none = snapshot(loaded, models=[], zone=False, draws=30, consent_bias=None, no_proposal=None)
    assert none == fitted


def test_compare_and_rank_levers_pass_them_on() -> None:
    loaded = resolve("ukraine-2025")
    res = compare(loaded, [LEVER], models=[], zone=False, draws=30, **HAND_SET)
    assert res["variant"]["outcomes"] == snapshot(
        apply(loaded, [LEVER]), models=[], zone=False, draws=30, **HAND_SET)["outcomes"]
    base = snapshot(loaded, models=[], zone=False, draws=30, **HAND_SET)
    ranked = rank_levers(loaded, draws=30, **HAND_SET)["levers"]
    for row in ranked:
        var = snapshot(apply(loaded, [row["id"]]), models=[], zone=False, draws=30, **HAND_SET)
        assert row["effects"] == {k: var["outcomes"][k] - base["outcomes"][k]
                                  for k in base["outcomes"]}
    assert ranked != rank_levers(loaded, draws=30)["levers"]
