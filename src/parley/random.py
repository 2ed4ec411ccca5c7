"""The one way parley turns a seed into random numbers.

Every function in parley that draws random numbers takes a ``seed`` (or ``rng``) argument and
passes it through :func:`make_rng`; none touches numpy's global state. A seed may be

* ``None``: fresh entropy from the operating system (not reproducible);
* a non-negative ``int``: the same numbers on every run;
* a :class:`numpy.random.SeedSequence`: for spawned child streams (parallel chunks);
* a :class:`numpy.random.Generator`: used as it is (its state advances).

Chunked and distributed runs split one seed into independent child streams with
:func:`spawn`, so the result depends on the seed and the chunk size, never on how many workers
run the chunks or in which order.
"""

from __future__ import annotations

import numbers
from typing import TypeAlias

import numpy as np

from parley.errors import ModelError

__all__ = ["SeedLike", "make_rng", "seed_sequence", "spawn"]

SeedLike: TypeAlias = int | np.random.SeedSequence | np.random.Generator | None
"""What every ``seed`` argument accepts."""


def _check_int(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ModelError(
            f"seed must be a whole number >= 0, None, a SeedSequence or a Generator, "
            f"got {seed!r}"
        )
    if seed < 0:
        raise ModelError(f"seed must be a whole number >= 0, got {seed}")
    return int(seed)


def seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """A :class:`~numpy.random.SeedSequence` for ``seed`` (``None``: fresh entropy)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        return np.random.SeedSequence()
    return np.random.SeedSequence(_check_int(seed))


def make_rng(seed: SeedLike = None) -> np.random.Generator:
    """A :class:`numpy.random.Generator` for ``seed`` (see the module docstring).

    ``make_rng(s)`` gives the same stream as ``numpy.random.default_rng(s)`` for every valid
    ``s``, so results seeded before this helper existed are unchanged. A negative or
    non-integer seed is a :class:`~parley.errors.ModelError` naming the value.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence) or seed is None:
        return np.random.default_rng(seed)
    return np.random.default_rng(_check_int(seed))


def spawn(seed: int | np.random.SeedSequence | None, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child seed sequences of ``seed`` (one per chunk of work)."""
    return seed_sequence(seed).spawn(n)
