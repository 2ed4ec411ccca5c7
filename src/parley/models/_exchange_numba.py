"""The exchange model's realisation loop (spec §5-8), compiled with numba (the ``[fast]`` extra).

This module is imported only when numba is installed and a round is large enough to pay for it
(see ``parley.models.exchange``). It is the same algorithm as the numpy path of
``exchange._State`` (``_compute``, ``_select`` and ``realise``), written one row at a time,
with the same floating-point operations in the same order, so the two paths give the same
results bit for bit (a test checks this). Functions are compiled on first use and cached on
disk (``cache=True``), so the compile cost (a few seconds) is paid once per installation.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import Dict

__all__ = ["first_computation", "realisation_loop"]


@njit(cache=True)
def _side_ok(pos, mv, hs, symmetric, eps_move):  # pragma: no cover - compiled
    a = abs(mv)
    new = pos + mv
    total = hs + mv
    if symmetric:
        total = abs(total)
    big = a if a > total else total
    return a > eps_move and big <= 100 and new >= 0 and new <= 100 and hs * mv >= 0


@njit(cache=True)
def _compute_row(
    r, key, tab, rec, U, m, symmetric, stale, eps_move, eps_gain, crossing_tol, first=False
):  # pragma: no cover - compiled
    """Recompute row ``r``; stores its moves in ``rec`` and returns its gain (-inf if
    invalid). ``first``: the round's first computation, where rows that can never trade
    (zero weights) are found. The numpy twin is ``exchange._State._compute``."""
    kI = key[r, 0]
    kJ = key[r, 1]
    dI = (kI // m) * m + kJ % m  # I demands (I, p)
    dJ = (kJ // m) * m + kI % m  # J demands (J, q)
    sIq = tab[0, kI]
    sJp = tab[0, kJ]
    wIq = tab[1, kI]
    wJp = tab[1, kJ]
    xIq = tab[2, kI]
    xJp = tab[2, kJ]
    posI = tab[3, kI]
    posJ = tab[3, kJ]
    Wq = tab[4, kI]
    Wp = tab[4, kJ]
    numq = tab[5, kI]
    nump = tab[5, kJ]
    sIp = tab[0, dI]
    sJq = tab[0, dJ]
    xIp = tab[2, dI]
    xJq = tab[2, dJ]
    den = sIq + sJq
    ok = True
    if first:  # zero weights: never valid; harmless 1s keep the arithmetic finite
        ok = wIq > 0 and wJp > 0 and den > 0
        k = (sIp + sJp) / (den if ok else 1.0)
        ok = ok and k > 0
        if not ok:
            wIq = 1.0
            wJp = 1.0
            Wq = 1.0
            Wp = 1.0
            k = 1.0
    else:
        k = (sIp + sJp) / den
    distI = abs(xJq - posI)
    distJ = abs(xIp - posJ)
    fullI = distI * wIq / Wq
    fullJ = distJ * wJp / Wp
    dOp = fullJ
    kdOp = k * dOp
    mI = kdOp * Wq / wIq
    if mI > distI:
        dOq = fullI
        dOp = dOq / k
        mv0 = distI
        mv1 = dOp * Wp / wJp
    else:
        dOq = kdOp
        mv0 = mI
        mv1 = distJ
    dirI = -1.0 if posI > xJq else 1.0
    dirJ = -1.0 if posJ > xIp else 1.0
    mv0 *= dirI
    mv1 *= dirJ
    hs0 = rec[r, 2]
    hs1 = rec[r, 3]
    gain = abs(sIq * dOq - sIp * dOp)
    valid = (
        gain >= eps_gain
        and _side_ok(posI, mv0, hs0, symmetric, eps_move)
        and _side_ok(posJ, mv1, hs1, symmetric, eps_move)
        and ok
    )
    if valid:
        own0 = rec[r, 4]
        own1 = rec[r, 5]
        O0q = (numq + U[dJ] - own0 + (posI - xIq) * wIq) / Wq
        O0p = (nump + U[dI] - own1 + (posJ - xJp) * wJp) / Wp
        gapq = xJq - O0q
        gapp = xIp - O0p
        if stale:
            st0 = (own0 - (posI - xIq) * wIq if own0 != 0 else 0.0) / Wq
            st1 = (own1 - (posJ - xJp) * wJp if own1 != 0 else 0.0) / Wp
            cut_q = abs(gapq - st0)
            cut_p = abs(gapp - st1)
        else:
            cut_q = abs(gapq)
            cut_p = abs(gapp)
        was_cut = False
        if gapq * (gapq - mv0 * wIq / Wq) < 0 and abs(gapq) > crossing_tol:
            was_cut = True
            cOq = cut_q
            cOp = cOq / k
            mv0 = dirI * cOq * Wq / wIq
            mv1 = dirJ * cOp * Wp / wJp
            dOq = cOq
            dOp = cOp
        if gapp * (gapp - mv1 * wJp / Wp) < 0 and abs(gapp) > crossing_tol:
            was_cut = True
            cOp = cut_p
            cOq = k * cOp
            mv1 = dirJ * cOp * Wp / wJp
            mv0 = dirI * cOq * Wq / wIq
            dOq = cOq
            dOp = cOp
        if was_cut:
            valid = _side_ok(posI, mv0, hs0, symmetric, eps_move) and _side_ok(
                posJ, mv1, hs1, symmetric, eps_move
            )
            gain = abs(sIq * dOq - sIp * dOp)
    rec[r, 0] = mv0
    rec[r, 1] = mv1
    return gain if valid else -np.inf


@njit(cache=True)
def first_computation(
    key, tab, rec, eff, U, m, symmetric, stale, eps_move, eps_gain, crossing_tol
):  # pragma: no cover - compiled
    """The round's first computation of every row (twin of ``_compute(..., first=True)``)."""
    for r in range(key.shape[0]):
        eff[r] = _compute_row(
            r, key, tab, rec, U, m, symmetric, stale, eps_move, eps_gain, crossing_tol, True
        )


@njit(cache=True)
def _merge(upd, tab, U, n, m, dem, e, mover, y):  # pragma: no cover - compiled
    """Decide's merge of a mover's new position into the (demander, issue) updates; returns
    the mover's (u - x) w term. The numpy twin is ``exchange._State._merge_update``."""
    d = (dem * m + e) * n + mover
    x0 = tab[2, mover * m + e]
    if d in upd:
        old = upd[d]
        new = min(old, y) if x0 <= old else max(old, y)
        prev = old
    else:
        new = y
        prev = x0
    upd[d] = new
    w = tab[1, mover * m + e]
    U[dem * m + e] += (new - prev) * w
    return (new - x0) * w


@njit(cache=True)
def _select(eff, bmax, B, tk, tie_tol, draw_start):  # pragma: no cover - compiled
    """The next row (-1 if none) and whether it was a tie; twin of ``_State._select`` and
    ``_State._pick``: among the rows within the tie tolerance of the maximum, those of the
    draw holding the (first) maximum, and of these the first in Decide's list order."""
    nb = bmax.size
    if nb <= 1:
        bound = -np.inf
        for i in range(eff.size):
            if eff[i] > bound:
                bound = eff[i]
        if bound == -np.inf:
            return -1, False
    else:
        while True:
            b = 0
            for i in range(1, nb):
                if bmax[i] > bmax[b]:
                    b = i
            bound = bmax[b]
            if bound == -np.inf:
                return -1, False
            true = -np.inf
            for i in range(b * B, (b + 1) * B):
                if eff[i] > true:
                    true = eff[i]
            bmax[b] = true
            if true == bound:
                break
    thr = bound - tie_tol * abs(bound)
    # pass 1: tighten the blocks that may hold tied rows; find the first row at the maximum
    top = -1
    for blk in range(nb):
        if nb <= 1 or bmax[blk] >= thr:
            true = -np.inf
            for i in range(blk * B, (blk + 1) * B):
                if eff[i] > true:
                    true = eff[i]
                if top < 0 and eff[i] == bound:
                    top = i
            if nb > 1:
                bmax[blk] = true
    lo, hi = 0, eff.size
    if draw_start.size > 2:
        d = np.searchsorted(draw_start, top, side="right") - 1
        lo, hi = draw_start[d], draw_start[d + 1]
    # pass 2: the tied rows of that draw, first in list order
    best = -1
    count = 0
    for blk in range(lo // B, min(nb, (hi + B - 1) // B)):
        if nb <= 1 or bmax[blk] >= thr:
            for i in range(max(lo, blk * B), min(hi, (blk + 1) * B)):
                if eff[i] >= thr:
                    count += 1
                    if best < 0 or tk[i] < tk[best]:
                        best = i
    return best, count > 1


@njit(cache=True)
def _segments(order, starts, k, out, cnt):  # pragma: no cover - compiled
    for i in range(starts[k], starts[k + 1]):
        out[cnt] = order[i]
        cnt += 1
    return cnt


@njit(cache=True)
def realisation_loop(
    key, tab, rec, eff, bmax, B, tk, U, supplied, n, m, K,
    o0, s0, o1, s1, o2, s2, o3, s3, draw_start,
    symmetric, stale, tie_tol, eps_move, eps_gain, crossing_tol,
):  # pragma: no cover - compiled
    """Realise exchanges until no valid candidate is left (one round, spec §8).

    Mutates ``tab`` (row 3: voting positions), ``rec``, ``eff``, ``bmax``, ``tk``, ``U`` and
    ``supplied``. Returns the realised rows' integers ``(row, I, J, p, q)``, floats
    ``(I before, I after, J before, J after, gain)`` and the number of ties met."""
    upd = Dict.empty(key_type=types.int64, value_type=types.float64)
    cap = 64
    ints = np.empty((cap, 5), dtype=np.int64)
    flts = np.empty((cap, 5), dtype=np.float64)
    cnt = 0
    ties = 0
    step = 0
    base_size = K + 1
    while True:
        r, tie = _select(eff, bmax, B, tk, tie_tol, draw_start)
        if r < 0:
            break
        if tie:
            ties += 1
        kiq = np.int64(key[r, 0])
        kjp = np.int64(key[r, 1])
        ai = kiq // m
        q = kiq % m
        aj = kjp // m
        p = kjp % m
        pos_i = tab[3, kiq]
        pos_j = tab[3, kjp]
        yI = pos_i + rec[r, 0]
        yJ = pos_j + rec[r, 1]
        if cnt == cap:
            cap *= 2
            ni = np.empty((cap, 5), dtype=np.int64)
            nf = np.empty((cap, 5), dtype=np.float64)
            ni[:cnt] = ints[:cnt]
            nf[:cnt] = flts[:cnt]
            ints = ni
            flts = nf
        ints[cnt, 0] = r
        ints[cnt, 1] = ai
        ints[cnt, 2] = aj
        ints[cnt, 3] = p
        ints[cnt, 4] = q
        flts[cnt, 0] = pos_i
        flts[cnt, 1] = yI
        flts[cnt, 2] = pos_j
        flts[cnt, 3] = yJ
        flts[cnt, 4] = eff[r]
        cnt += 1
        eff[r] = -np.inf
        step += 1
        tab[3, kiq] = yI
        tab[3, kjp] = yJ
        supplied[kiq] = True
        supplied[kjp] = True
        own_jp = _merge(upd, tab, U, n, m, ai, p, aj, yJ)  # I demands p; J moved on p
        own_iq = _merge(upd, tab, U, n, m, aj, q, ai, yI)  # J demands q; I moved on q
        kip = ai * m + p
        kjq = aj * m + q
        size = (
            (s0[kiq + 1] - s0[kiq]) + (s0[kjp + 1] - s0[kjp])
            + (s1[kiq + 1] - s1[kiq]) + (s1[kjp + 1] - s1[kjp])
            + (s2[kip + 1] - s2[kip]) + (s2[kjq + 1] - s2[kjq])
            + (s3[kip + 1] - s3[kip]) + (s3[kjq + 1] - s3[kjq])
        )
        rows = np.empty(size, dtype=np.int64)
        c = 0
        # rule (a): sides that supply on (ai, q) or (aj, p) continue from the new position
        for side in range(2):
            order = o0 if side == 0 else o1
            starts = s0 if side == 0 else s1
            for which in range(2):
                kk = kiq if which == 0 else kjp
                partner_want = aj if which == 0 else ai
                own = own_iq if which == 0 else own_jp
                for i in range(starts[kk], starts[kk + 1]):
                    row = np.int64(order[i])
                    rows[c] = row
                    c += 1
                    if eff[row] > -np.inf:
                        last = rec[row, side]
                        hs = rec[row, 2 + side]
                        rec[row, 2 + side] = hs + last
                        if hs * last < 0:
                            eff[row] = -np.inf
                    partner = np.int64(key[row, 1 - side]) // m
                    if partner == partner_want:
                        rec[row, 4 + side] = own
        # rule (b): sides that demand on (ai, p) or (aj, q) see the mover's new position
        c = _segments(o2, s2, kip, rows, c)
        c = _segments(o2, s2, kjq, rows, c)
        c = _segments(o3, s3, kip, rows, c)
        c = _segments(o3, s3, kjq, rows, c)
        rows = rows[:c]  # a row listed twice is recomputed to the same values: harmless
        nch = 0
        ch_rows = np.empty(rows.size, dtype=np.int64)
        ch_old = np.empty(rows.size)
        ch_new = np.empty(rows.size)
        for i in range(rows.size):
            row = rows[i]
            old = eff[row]
            if old == -np.inf:
                continue
            new = _compute_row(
                row, key, tab, rec, U, m, symmetric, stale, eps_move, eps_gain, crossing_tol
            )
            eff[row] = new
            if new > -np.inf and abs(new - old) > tie_tol * abs(old):
                ch_rows[nch] = row
                ch_old[nch] = old
                ch_new[nch] = new
                nch += 1
            if bmax.size > 1:
                blk = row // B
                if new > bmax[blk]:
                    bmax[blk] = new
        if nch > 0:  # Decide's list order among equal gains: see exchange._arrival_keys
            ch_rows = ch_rows[:nch]
            ch_old = ch_old[:nch]
            ch_new = ch_new[:nch]
            old_key = np.empty(nch, dtype=np.int64)
            for i in range(nch):
                old_key[i] = tk[ch_rows[i]]
            o = np.argsort(old_key, kind="mergesort")
            o = o[np.argsort(-ch_old[o], kind="mergesort")]
            base = base_size * step
            for rank in range(nch):
                i = o[rank]
                if ch_old[i] > ch_new[i]:
                    tk[ch_rows[i]] = rank - base
                else:
                    tk[ch_rows[i]] = rank + base
    return ints[:cnt], flts[:cnt], ties
