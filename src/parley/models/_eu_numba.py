"""The expected-utility model's (n, n) passes compiled with numba (the ``[fast]`` extra).

Imported only when numba is installed and the rounds are large enough to pay for it (see
``parley.models.expected_utility``, ``engine``). Each function is the numpy code written one
pair at a time, with the same floating-point operations in the same order (no fast-math, so
nothing is reassociated or fused), so the two give the same results bit for bit (tests check
this): :func:`eu_r1` the expected utilities with every r = 1 (step 7 before the risk
exponents), :func:`both_sides` both sides' expected utilities from the basic utilities (whose
powers stay in numpy), :func:`least_change_offers` the offers and the least-change choice of
step 11, and :func:`pair_support` the support sums of the win probabilities:

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


@njit(cache=True)
def eu_r1(P, d, s, pair, Q, out):  # pragma: no cover - compiled
    """``out[b, i, j]``: i's expected utility of challenging j with every r = 1 and ``Q``
    (numpy: ``where(pair, expected_utility(P, d, s[..., None, :], 1.0, Q), 0)``; with r = 1
    the powers are the identity and U_sq is 0)."""
    nb, n, _ = P.shape
    usq = 2.0 - 4.0 * 0.5 * 1.0
    still = Q * usq
    for b in range(nb):
        for i in range(n):
            for j in range(n):
                if not pair[b, i, j]:
                    out[b, i, j] = 0.0
                    continue
                dd = min(max(d[b, i, j], 0.0), 1.0)
                us = 2.0 - 4.0 * (0.5 - 0.5 * dd)
                uf = 2.0 - 4.0 * (0.5 + 0.5 * dd)
                p = P[b, i, j]
                st = s[b, j]
                out[b, i, j] = (st * (p * us + (1.0 - p) * uf) + (1.0 - st) * us) - still
    return out


@njit(cache=True)
def both_sides(P, Us, Uf, Usq, s, pair, A, B):  # pragma: no cover - compiled
    """``A`` = EU_i(i->j) and ``B`` = EU_j(j->i) as i sees it, from the basic utilities
    (numpy: ``expected_utility._eu_both_sides``, the same operations in the same order)."""
    nb, n, _ = P.shape
    for b in range(nb):
        for i in range(n):
            si = s[b, i]
            for j in range(n):
                if not pair[b, i, j]:
                    A[b, i, j] = 0.0
                    B[b, i, j] = 0.0
                    continue
                us, uf, usq = Us[b, i, j], Uf[b, i, j], Usq[b, i, j]
                p, pt, st = P[b, i, j], P[b, j, i], s[b, j]
                A[b, i, j] = ((st * (p * us + (1.0 - p) * uf)) + (1.0 - st) * us) - usq
                B[b, i, j] = ((si * (pt * us + (1.0 - pt) * uf)) + (1.0 - si) * us) - usq
    return A, B


def _c(a: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=dtype)


def eu_r1_matrix(
    P: np.ndarray, d: np.ndarray, s: np.ndarray, pair: np.ndarray, Q: float
) -> np.ndarray:
    """:func:`eu_r1` on (..., n, n) arrays."""
    n = P.shape[-1]
    shape = P.shape
    P3, d3 = _c(P).reshape(-1, n, n), _c(np.broadcast_to(d, shape)).reshape(-1, n, n)
    s2 = _c(np.broadcast_to(s, shape[:-1])).reshape(-1, n)
    pair3 = _c(np.broadcast_to(pair, shape), np.bool_).reshape(-1, n, n)
    out = np.empty(P3.shape)
    return eu_r1(P3, d3, s2, pair3, float(Q), out).reshape(shape)


def both_sides_matrices(
    P: np.ndarray, Us: np.ndarray, Uf: np.ndarray, Usq: np.ndarray, s: np.ndarray,
    pair: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`both_sides` on (..., n, n) arrays."""
    n = P.shape[-1]
    shape = P.shape
    P3 = _c(P).reshape(-1, n, n)
    U3 = [_c(np.broadcast_to(u, shape)).reshape(-1, n, n) for u in (Us, Uf, Usq)]
    s2 = _c(np.broadcast_to(s, shape[:-1])).reshape(-1, n)
    pair3 = _c(np.broadcast_to(pair, shape), np.bool_).reshape(-1, n, n)
    A, B = np.empty(P3.shape), np.empty(P3.shape)
    both_sides(P3, *U3, s2, pair3, A, B)
    return A.reshape(shape), B.reshape(shape)


@njit(cache=True)
def least_change_offers(x, A, B, pair, capitulation, offer, pick, has):  # pragma: no cover
    """Step 11 with ``offer_rule="least_change"``: ``offer[b, i, j]`` (NaN where j's offer does
    not move i), and per actor i the offer that changes its position least (``pick``, the
    first of equal ones, as numpy's ``argmin``) and whether there is one (``has``)."""
    nb, n = x.shape
    for b in range(nb):
        for i in range(n):
            xi = x[b, i]
            best = np.inf
            p = 0
            any_move = False
            for j in range(n):
                a, bb = A[b, i, j], B[b, i, j]
                xj = x[b, j]
                o = np.nan
                moves = False
                if pair[b, i, j]:
                    absa = abs(a)
                    if bb > a and a > 0:  # confrontation: i gives in to j
                        o = xj
                        moves = True
                    elif a < 0 and bb > 0:
                        if absa < bb:  # compromise
                            o = xi + (xj - xi) * (absa / bb)
                            moves = True
                        elif capitulation and absa > bb:
                            o = xj
                            moves = True
                offer[b, i, j] = o
                if moves:
                    any_move = True
                    key = abs(o - xi)
                    if key < best:
                        best = key
                        p = j
            pick[b, i] = p
            has[b, i] = any_move
    return offer, pick, has


def least_change_matrices(
    x: np.ndarray, A: np.ndarray, B: np.ndarray, pair: np.ndarray, capitulation: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`least_change_offers` on (..., n) positions and (..., n, n) matrices."""
    n = x.shape[-1]
    shape = A.shape
    x2 = _c(x).reshape(-1, n)
    A3, B3 = _c(A).reshape(-1, n, n), _c(B).reshape(-1, n, n)
    pair3 = _c(np.broadcast_to(pair, shape), np.bool_).reshape(-1, n, n)
    offer = np.empty(A3.shape)
    pick = np.empty(x2.shape, dtype=np.intp)
    has = np.empty(x2.shape, dtype=np.bool_)
    least_change_offers(x2, A3, B3, pair3, bool(capitulation), offer, pick, has)
    return offer.reshape(shape), pick.reshape(x.shape), has.reshape(x.shape)
