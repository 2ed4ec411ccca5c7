"""Tests of parley.random: the one seed helper."""

from __future__ import annotations

import numpy as np
import pytest

from parley.errors import ModelError
from parley.random import make_rng, seed_sequence, spawn


def test_same_stream_as_default_rng() -> None:
    for seed in (0, 1, 12345, np.int64(7)):
        assert make_rng(seed).random(5).tolist() == np.random.default_rng(seed).random(5).tolist()
    ss = np.random.SeedSequence(3)
    assert make_rng(ss).random(3).tolist() == np.random.default_rng(ss).random(3).tolist()


def test_generator_is_passed_through_and_none_is_fresh() -> None:
    g = np.random.default_rng(1)
    assert make_rng(g) is g
    assert make_rng(None).random() != make_rng(None).random()


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_seeds_are_clear_errors(bad: object) -> None:
    with pytest.raises(ModelError, match="seed must be"):
        make_rng(bad)  # type: ignore[arg-type]


def test_spawn_is_reproducible_and_independent() -> None:
    a = [make_rng(c).random() for c in spawn(5, 3)]
    b = [make_rng(c).random() for c in spawn(5, 3)]
    assert a == b and len(set(a)) == 3
    assert seed_sequence(5).entropy == 5
