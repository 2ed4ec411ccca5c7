"""The expected-utility model's pairwise support sums, compiled with numba (the ``[fast]`` extra).

Imported only when numba is installed and the rounds are large enough to pay for it (see
``parley.models.expected_utility.support``). It is the numpy ``support`` written one pair at a
time, with the same floating-point operations in the same order, so the two give the same
results bit for bit (a test checks this):

1. prefix sums of the vote values over the voters in order of position,
   ``C[t, a] = F[k_0, a] + ... + F[k_(t-1), a]``, added one voter at a time as numpy's
   ``cumsum`` adds them;
2. for each actor i, in order of position, walk the actors j in order of position; the
   midpoints ``0.5 * (x_i + x_j)`` then increase, so the number ``L`` of voters to the left
   of the midpoint (numpy's ``searchsorted(..., side="left")``) is found by a pointer that
   only moves forward: O(n^2) in all, no (n, n) index array;
3. the votes of the voters left of the midpoint are ``C[L, j] - C[L, i]``, those to the
   right the rest of the totals; the support of i against j is the left sum where
   ``x_i < x_j``, the right sum where ``x_i > x_j``, zero where they coincide, and never
   negative.

Compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["pair_support", "support_sums"]


@njit(cache=True)
def pair_support(xs, order, F, C, out):  # pragma: no cover - compiled
    """``out[b, i, j]``: the support of i against j for each batch row ``b``.

    ``xs`` (B, n) positions in increasing order, ``order`` (B, n) the actor at each sorted
    place, ``F`` (B, n, n) vote values ``F[b, k, a]``; ``C`` (n + 1, n) is work space.
    """
    nb, n = xs.shape
    for b in range(nb):
        for a in range(n):
            C[0, a] = 0.0
            C[1, a] = F[b, order[b, 0], a]  # cumsum starts at the first value, not at 0 + it
        for t in range(1, n):
            k = order[b, t]
            for a in range(n):
                C[t + 1, a] = C[t, a] + F[b, k, a]
        for si in range(n):
            i = order[b, si]
            xi = xs[b, si]
            tot_i = C[n, i]
            p = 0
            for sj in range(n):
                j = order[b, sj]
                xj = xs[b, sj]
                mid = 0.5 * (xi + xj)
                while p < n and xs[b, p] < mid:
                    p += 1
                left = C[p, j] - C[p, i]
                if xi == xj:
                    v = 0.0
                elif xi < xj:
                    v = left
                else:
                    v = (C[n, j] - tot_i) - left
                # np.maximum(v, 0.0): v where v >= 0 or v is NaN, else 0.0
                out[b, i, j] = v if (v >= 0.0 or v != v) else 0.0
    return out


def support_sums(xs: np.ndarray, order: np.ndarray, F: np.ndarray) -> np.ndarray:
    """The (B, n, n) support matrix from :func:`pair_support`."""
    nb, n = xs.shape
    return pair_support(
        np.ascontiguousarray(xs, dtype=np.float64),
        np.ascontiguousarray(order, dtype=np.int64),
        np.ascontiguousarray(F, dtype=np.float64),
        np.empty((n + 1, n)),
        np.empty((nb, n, n)),
    )
