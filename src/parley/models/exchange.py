"""The exchange model: actors trade voting positions on pairs of issues, at an equal-gain rate.

Implements the exchange model of Stokman and Van Oosten (1994), "The exchange of voting
positions: an object-oriented model of policy networks", in Bueno de Mesquita and Stokman
(eds), *European Community Decision Making* (Yale UP), with the **equal-gain exchange rate**
as implemented in the Decide software (``foarsitter/decide-exchange-model``, ``EqualGainModel``;
van Assen, Stokman and van Oosten 2003, "Conflict measures in cooperative exchange models of
collective decision-making", *Rationality and Society* 15(1), discuss this and other rates).
The chapter states no numbered equations; the steps below follow the project spec
(``docs/models/exchange.md``), whose section numbers are cited.

Every issue is worked on a 0-100 scale (``lower``/``upper`` of the scenario; results are
mapped back). One round, from start (preference) positions ``x``:

1. Outcome ``O_d = sum_a c s x / W_d`` with ``W_d = sum_a c s`` (spec §1).
2. Sides: ``a`` is left on ``d`` if ``x_ad <= O_d``. For every issue pair ``(p, q)`` (input
   order) actors right/right pair with left/left, and left/right with right/left (§4).
   Creation order: issue pairs in order, then a x d pairs, then b x c pairs, actors in order.
3. Roles: each actor supplies (moves its vote on) the issue it finds relatively less important;
   ``I`` supplies ``q`` and demands ``p``, ``J`` supplies ``p`` and demands ``q`` (§4.6).
4. Equal gain: the outcome shifts keep ``dO_q / dO_p = k = (s_Ip + s_Jp) / (s_Iq + s_Jq)``
   so both gain ``G = |s_Ip dO_p - s_Iq dO_q|``; the volume is the largest for which no one moves
   past the partner's position (§5), and a move that would push an outcome past the partner is
   cut so the outcome lands on the partner's position (§6).
5. Validity (§7): gain >= 1e-10, 1e-10 < |move| <= 100, the new position stays in [0, 100],
   the side's computed moves keep one strict sign and sum to <= 100.
6. Realisation (§8): the valid candidate with the highest gain is realised; candidates that
   share (actor, supply issue) with it continue from its new voting position, candidates that
   share (actor, demand issue) record its supplier's new position for their crossing check
   ("updates"); both are recomputed, invalid ones dropped; repeat until none is left.
7. End of round (§9): voting positions are the positions after each actor's last exchange;
   the round's forecast is their weighted mean; suppliers move their start positions by
   ``x' = (1 - w) x + w y`` with ``w = 0.1 + 0.4 (1 - s)`` (Decide's weights).

Rounds repeat until a round realises no exchange (``converged``) or the round limit (10).

Design: candidates are numpy rows (structure of arrays); generation, the equal-gain
computation, validity and the end-of-round update are vectorised over rows. The realisation
loop is sequential by nature; each step recomputes only the rows that share an
(actor, issue) key with the realised exchange, found through CSR index maps, and finds the next
maximum through per-block maxima, so a step costs O(K / B + B + affected rows).

Departures from Decide (see docs/models/exchange.md for the full list):

* float64 instead of 28-digit ``Decimal``; gains within a relative ``tie_tolerance`` (1e-12)
  count as equal, and ties go to the lowest creation index (Decide: the earlier entry of its
  stable-sorted list, which gave the same choice in every reference tie). A seeded random
  tie rule picks uniformly among all tied candidates (Decide flips an unseeded coin between the
  top two, and can duplicate a list entry).
* Candidates whose supplier has zero weight (``c s = 0``) on its supply issue are invalid
  (Decide divides by zero there, or finds a zero move). Where ``W_d = 0`` the reported outcome
  is the compromise model's fall-back (Decide reports 0).
* Rounds stop early once a round realises no exchange (Decide always runs all rounds; the
  later rounds would repeat the same positions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.models.compromise import compromise
from parley.models.registry import ModelOptions, ModelSpec
from parley.models.result import IssueForecast, ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = [
    "SPEC",
    "ExchangeRound",
    "ExchangeRun",
    "ExchangeSettings",
    "exchange_round",
    "run_exchange",
    "settings_from_params",
]

DEFAULT_ROUNDS = 10
_EPS_MOVE = 1e-10  # Decide: |move| <= 1e-10 is no move
_EPS_GAIN = 1e-10  # Decide: gain < 1e-10 is no gain


@dataclass(frozen=True)
class ExchangeSettings:
    """Settings of the exchange model (``ModelOptions.params`` keys in brackets).

    ``tie_rule`` ("order" | "random") [``ties``]: equal gains go to the earliest created
    candidate, or to a uniformly drawn one (needs ``ModelOptions.seed`` for reproducibility).
    ``tie_tolerance`` [``tie_tolerance``]: relative gap below which two gains are equal.
    ``fixed_weight`` / ``salience_weight`` [same names]: between-round update
    ``w = fixed + salience_weight (1 - s)``. ``max_candidates`` [same]: refuse inputs with more
    candidate exchanges per round (memory is ~150 bytes per candidate). ``mode``: ``"decide"``
    (default) reproduces Decide, including its artefacts (spec §13); ``"symmetric"`` differs in
    one rule only: the cap on a side's summed computed moves applies to |sum| (Decide caps
    the signed sum, so moves down the scale are never capped and mirrored inputs can give
    different forecasts).
    """

    rounds: int = DEFAULT_ROUNDS
    tie_rule: str = "order"
    tie_tolerance: float = 1e-12
    fixed_weight: float = 0.1
    salience_weight: float = 0.4
    max_candidates: int = 5_000_000
    mode: str = "decide"


_PARAM_KEYS = {
    "ties": "tie_rule",
    "tie_rule": "tie_rule",
    "tie_tolerance": "tie_tolerance",
    "fixed_weight": "fixed_weight",
    "salience_weight": "salience_weight",
    "max_candidates": "max_candidates",
    "mode": "mode",
}


def settings_from_params(params: dict[str, Any], rounds: int | None = None) -> ExchangeSettings:
    """Validate ``ModelOptions.params`` into :class:`ExchangeSettings` (ModelError if bad)."""
    kw: dict[str, Any] = {}
    for key, value in params.items():
        if key not in _PARAM_KEYS:
            raise ModelError(
                f"exchange: unknown parameter {key!r} (known: {', '.join(sorted(_PARAM_KEYS))})"
            )
        kw[_PARAM_KEYS[key]] = value
    if rounds is not None:
        kw["rounds"] = rounds
    s = ExchangeSettings(**kw)
    if s.tie_rule not in ("order", "random"):
        raise ModelError(f"exchange: ties must be 'order' or 'random', not {s.tie_rule!r}")
    if s.mode not in ("decide", "symmetric"):
        raise ModelError(f"exchange: mode must be 'decide' or 'symmetric', not {s.mode!r}")
    if not isinstance(s.rounds, int) or s.rounds < 0:
        raise ModelError(f"exchange: rounds must be a whole number >= 0, not {s.rounds!r}")
    for name in ("tie_tolerance", "fixed_weight", "salience_weight"):
        v = getattr(s, name)
        if not isinstance(v, int | float) or not np.isfinite(v) or v < 0:
            raise ModelError(f"exchange: {name} must be a number >= 0, not {v!r}")
    if s.fixed_weight + s.salience_weight > 1:
        raise ModelError("exchange: fixed_weight + salience_weight must not exceed 1")
    if not isinstance(s.max_candidates, int) or s.max_candidates < 1:
        raise ModelError("exchange: max_candidates must be a positive whole number")
    return s


# --------------------------------------------------------------------------------------------
# results


@dataclass
class ExchangeRound:
    """One round on the 0-100 scale. Realised exchanges are arrays in realisation order.

    ``i_*`` is the party that supplies (moves on) ``q``, ``j_*`` the one that supplies ``p``;
    ``*_before`` is the supply position when realised, ``*_after`` the voting position after it.
    """

    start: np.ndarray
    start_outcome: np.ndarray
    voting: np.ndarray
    voting_outcome: np.ndarray
    next_start: np.ndarray
    n_candidates: int
    creation_index: np.ndarray
    i_actor: np.ndarray
    j_actor: np.ndarray
    p: np.ndarray
    q: np.ndarray
    i_before: np.ndarray
    i_after: np.ndarray
    j_before: np.ndarray
    j_after: np.ndarray
    gain: np.ndarray
    ties: int = 0

    @property
    def n_exchanges(self) -> int:
        """Number of realised exchanges."""
        return int(self.gain.size)


@dataclass
class ExchangeRun:
    """All rounds of one run (0-100 scale); ``converged`` if the last round made no exchange."""

    rounds: list[ExchangeRound] = field(default_factory=list)
    initial_outcome: np.ndarray | None = None
    converged: bool = False


# --------------------------------------------------------------------------------------------
# candidates


def _outcome(x: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Weighted mean per issue with the compromise model's fall-backs where W_d = 0."""
    return compromise(np.where(mask, x, 0.0), w, np.ones_like(w), mask)


def _generate(
    x: np.ndarray, s: np.ndarray, mask: np.ndarray, outcome: np.ndarray, max_candidates: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate rows in Decide's creation order: (I actor, J actor, p, q) (spec §4)."""
    m = x.shape[1]
    left = np.where(mask, x <= outcome, False)
    right = mask & ~left
    out: list[tuple[np.ndarray, ...]] = []
    total = 0
    for p in range(m - 1):
        for q in range(p + 1, m):
            both = mask[:, p] & mask[:, q]
            ga = both & right[:, p] & right[:, q]
            gd = both & left[:, p] & left[:, q]
            gb = both & left[:, p] & right[:, q]
            gc = both & right[:, p] & left[:, q]
            fs, gs = [], []
            for g1, g2 in ((ga, gd), (gb, gc)):
                i1 = np.flatnonzero(g1)
                i2 = np.flatnonzero(g2)
                fs.append(np.repeat(i1, i2.size))
                gs.append(np.tile(i2, i1.size))
            f = np.concatenate(fs)
            g = np.concatenate(gs)
            if f.size == 0:
                continue
            total += f.size
            if total > max_candidates:
                raise ModelError(
                    f"exchange: more than max_candidates={max_candidates} candidate exchanges "
                    "in one round; raise params.max_candidates (about 150 bytes each) or "
                    "use fewer actors"
                )
            # roles (§4.6): f supplies p iff s_fp / s_fq < s_gp / s_gq
            sfp, sfq, sgp, sgq = s[f, p], s[f, q], s[g, p], s[g, q]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio_ok = (sfq > 0) & (sgq > 0)
                by_ratio = sfp / np.where(sfq > 0, sfq, 1) < sgp / np.where(sgq > 0, sgq, 1)
            f_supplies_p = np.where(ratio_ok, by_ratio, sfp * sgq < sgp * sfq)
            ai = np.where(f_supplies_p, g, f)  # I supplies q
            aj = np.where(f_supplies_p, f, g)  # J supplies p
            out.append((ai, aj, np.full(f.size, p), np.full(f.size, q)))
    if not out:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, empty, empty
    ai, aj, pp, qq = (np.concatenate(c).astype(np.intp) for c in zip(*out, strict=True))
    return ai, aj, pp, qq


class _State:
    """Candidate rows of one round and the realisation loop's bookkeeping."""

    def __init__(
        self,
        x: np.ndarray,
        s: np.ndarray,
        w: np.ndarray,
        mask: np.ndarray,
        settings: ExchangeSettings,
        rng: np.random.Generator | None,
    ) -> None:
        self.x = np.where(mask, x, 0.0)
        self.s, self.w, self.mask = s, w, mask
        self.settings, self.rng = settings, rng
        n, m = x.shape
        self.n, self.m = n, m
        self.W = w.sum(axis=0)
        self.num = (self.w * self.x).sum(axis=0)  # sum c s x per issue
        self.O = _outcome(x, w, mask)
        ai, aj, p, q = _generate(x, s, mask, self.O, settings.max_candidates)
        self.ai, self.aj, self.p, self.q = ai, aj, p, q
        K = ai.size
        self.K = K
        self.pos_i = self.x[ai, q].copy()
        self.pos_j = self.x[aj, p].copy()
        # computed-move history of each side: previous entries (sum, sign), last entry
        self.hsum_i = np.zeros(K)
        self.hsum_j = np.zeros(K)
        self.hsgn_i = np.zeros(K, dtype=np.int8)  # 0: none, +1/-1: all that sign, 2: mixed
        self.hsgn_j = np.zeros(K, dtype=np.int8)
        self.mv_i = np.zeros(K)
        self.mv_j = np.zeros(K)
        self.own_i = np.full(K, np.nan)  # this side's own entry in the partner's updates
        self.own_j = np.full(K, np.nan)
        self.gain = np.zeros(K)
        # shared updates (§8 b): (demander, issue) -> {mover: position}; U = sum (u - x) w
        self.upd: dict[tuple[int, int], dict[int, float]] = {}
        self.U = np.zeros((n, m))
        # voting positions
        self.y = self.x.copy()
        self.supplied = np.zeros((n, m), dtype=bool)
        self.records: list[tuple[Any, ...]] = []
        self.ties = 0
        rows = np.arange(K)
        self.alive = self._compute(rows)
        # CSR index maps from (actor, issue) keys to rows
        self.maps = [self._csr(k) for k in (ai * m + q, ai * m + p, aj * m + p, aj * m + q)]
        self.B = max(64, int(np.sqrt(K)) + 1)
        nb = -(-K // self.B) if K else 0
        self.eff = np.full(nb * self.B, -np.inf)
        self.eff[:K] = np.where(self.alive, self.gain, -np.inf)
        self.bmax = self.eff.reshape(nb, self.B).max(axis=1) if nb else np.zeros(0)

    def _csr(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(key, kind="stable")
        starts = np.searchsorted(key[order], np.arange(self.n * self.m + 1))
        return order, starts

    def _rows_for(self, which: int, keys: tuple[int, ...]) -> list[np.ndarray]:
        order, starts = self.maps[which]
        return [order[starts[k] : starts[k + 1]] for k in keys]

    # ---- the equal-gain computation (spec §5-7), vectorised over rows ----------------------

    def _compute(self, r: np.ndarray) -> np.ndarray:
        """Recompute rows ``r`` from their current supply positions; returns validity."""
        ai, aj, p, q = self.ai[r], self.aj[r], self.p[r], self.q[r]
        s, w, x, W = self.s, self.w, self.x, self.W
        sIp, sIq, sJp, sJq = s[ai, p], s[ai, q], s[aj, p], s[aj, q]
        wIq, wJp = w[ai, q], w[aj, p]
        Wp, Wq = W[p], W[q]
        xIp, xJq = x[ai, p], x[aj, q]  # demand targets: round-start positions
        posI, posJ = self.pos_i[r], self.pos_j[r]
        ok = (wIq > 0) & (wJp > 0) & (sIp + sJp > 0) & (sIq + sJq > 0)
        one = np.ones_like(sIp)
        wIq_, wJp_ = np.where(ok, wIq, one), np.where(ok, wJp, one)
        Wp_, Wq_ = np.where(ok, Wp, one), np.where(ok, Wq, one)
        num_k, den_k = np.where(ok, sIp + sJp, one), np.where(ok, sIq + sJq, one)
        # step 1: J moves all the way to I's position on p
        dJ = np.abs(xIp - posJ)
        dOp = dJ * wJp_ / Wp_
        dOq = num_k / den_k * dOp
        mI = dOq * Wq_ / wIq_
        mJ = dJ
        # step 2: I would overshoot J's position on q: I moves all the way instead
        dI = np.abs(xJq - posI)
        over = mI > dI
        dOq = np.where(over, dI * wIq_ / Wq_, dOq)
        dOp = np.where(over, den_k / num_k * dOq, dOp)
        mI = np.where(over, dI, mI)
        mJ = np.where(over, dOp * Wp_ / wJp_, mJ)
        mI = np.where(posI > xJq, -mI, mI)
        mJ = np.where(posJ > xIp, -mJ, mJ)
        gain = np.abs(sIq * dOq - sIp * dOp)
        valid = (
            ok
            & (gain >= _EPS_GAIN)
            & self._side_ok(posI, mI, self.hsum_i[r], self.hsgn_i[r])
            & self._side_ok(posJ, mJ, self.hsum_j[r], self.hsgn_j[r])
        )
        # outcome-crossing cut (§6), I first, then J; only for rows valid so far
        if valid.any():
            # I supplies q; J demands q at xJq; J's updates on q
            O0 = self._o0(aj, q, ai, posI, self.own_i[r], Wq_)
            O1 = O0 + mI * wIq_ / Wq_
            cut = valid & ((xJq - O0) * (xJq - O1) < 0)
            if cut.any():
                delta = np.abs(Wq_ * (xJq - O0) / wIq_)
                cOq = delta * wIq_ / Wq_
                cOp = den_k / num_k * cOq
                cJ = np.abs(cOp * Wp_ / wJp_)
                mI = np.where(cut, np.where(posI > xJq, -delta, delta), mI)
                mJ = np.where(cut, np.where(posJ > xIp, -cJ, cJ), mJ)
                dOq = np.where(cut, cOq, dOq)
                dOp = np.where(cut, cOp, dOp)
                gain = np.where(cut, np.abs(sIq * dOq - sIp * dOp), gain)
            # J supplies p; I demands p at xIp
            O0 = self._o0(ai, p, aj, posJ, self.own_j[r], Wp_)
            O1 = O0 + mJ * wJp_ / Wp_
            cut = valid & ((xIp - O0) * (xIp - O1) < 0)
            if cut.any():
                delta = np.abs(Wp_ * (xIp - O0) / wJp_)
                cOp = delta * wJp_ / Wp_
                cOq = num_k / den_k * cOp
                cI = np.abs(cOq * Wq_ / wIq_)
                mJ = np.where(cut, np.where(posJ > xIp, -delta, delta), mJ)
                mI = np.where(cut, np.where(posI > xJq, -cI, cI), mI)
                dOq = np.where(cut, cOq, dOq)
                dOp = np.where(cut, cOp, dOp)
                gain = np.where(cut, np.abs(sIq * dOq - sIp * dOp), gain)
            valid = (
                valid
                & self._side_ok(posI, mI, self.hsum_i[r], self.hsgn_i[r])
                & self._side_ok(posJ, mJ, self.hsum_j[r], self.hsgn_j[r])
            )
        self.mv_i[r] = mI
        self.mv_j[r] = mJ
        self.gain[r] = np.where(ok, gain, 0.0)
        return valid

    def _o0(
        self,
        dem: np.ndarray,
        e: np.ndarray,
        sup: np.ndarray,
        pos: np.ndarray,
        own: np.ndarray,
        We: np.ndarray,
    ) -> np.ndarray:
        """Outcome on ``e`` seen by a candidate: round start + the demander's updates, with the
        supplier at ``pos`` (its own update entry, if any, replaced)."""
        wX = self.w[sup, e]
        xX = self.x[sup, e]
        own_term = np.where(np.isnan(own), 0.0, (own - xX) * wX)
        return (self.num[e] + self.U[dem, e] - own_term + (pos - xX) * wX) / We

    def _side_ok(
        self, pos: np.ndarray, mv: np.ndarray, hsum: np.ndarray, hsgn: np.ndarray
    ) -> np.ndarray:
        a = np.abs(mv)
        new = pos + mv
        sgn = np.sign(mv).astype(np.int8)
        same = (sgn != 0) & ((hsgn == 0) | (hsgn == sgn))
        total = hsum + mv
        # Decide tests the signed sum (sum(moves) > 100), so only upward moves are capped;
        # mode "symmetric" caps |sum| and so treats both directions alike
        if self.settings.mode == "symmetric":
            total = np.abs(total)
        return (a > _EPS_MOVE) & (a <= 100) & (new >= 0) & (new <= 100) & (total <= 100) & same

    # ---- selection ------------------------------------------------------------------------

    def _refresh(self, rows: np.ndarray) -> None:
        self.eff[rows] = np.where(self.alive[rows], self.gain[rows], -np.inf)
        blocks = np.unique(rows // self.B)
        self.bmax[blocks] = self.eff.reshape(-1, self.B)[blocks].max(axis=1)

    def _select(self) -> int:
        if self.bmax.size == 0:
            return -1
        gmax = self.bmax.max()
        if not np.isfinite(gmax):
            return -1
        thr = gmax - self.settings.tie_tolerance * abs(gmax)
        blocks = np.flatnonzero(self.bmax >= thr)
        if self.settings.tie_rule == "order":
            b = blocks[0]
            seg = self.eff[b * self.B : (b + 1) * self.B]
            tied = blocks.size > 1 or np.count_nonzero(seg >= thr) > 1
            if tied:
                self.ties += 1
            return int(b * self.B + np.argmax(seg >= thr))
        idx = (blocks[:, None] * self.B + np.arange(self.B)).ravel()
        cand = idx[self.eff[idx] >= thr]
        if cand.size > 1:
            self.ties += 1
        assert self.rng is not None
        return int(cand[self.rng.integers(cand.size)])

    # ---- realisation (§8) -----------------------------------------------------------------

    def _merge_update(self, dem: int, e: int, mover: int, y: float) -> float:
        d = self.upd.setdefault((dem, e), {})
        old = d.get(mover)
        if old is None:
            new = y
            prev = self.x[mover, e]
        else:
            # Decide's merge: keeps the position nearer the mover's round start (§13.3)
            new = min(old, y) if self.x[mover, e] <= old else max(old, y)
            prev = old
        d[mover] = new
        self.U[dem, e] += (new - prev) * self.w[mover, e]
        return new

    def realise(self, r: int) -> None:
        """Realise row ``r`` and propagate it to the rows it affects."""
        m = self.m
        ai, aj, p, q = int(self.ai[r]), int(self.aj[r]), int(self.p[r]), int(self.q[r])
        yI = self.pos_i[r] + self.mv_i[r]
        yJ = self.pos_j[r] + self.mv_j[r]
        self.records.append(
            (r, ai, aj, p, q, self.pos_i[r], yI, self.pos_j[r], yJ, self.gain[r])
        )
        self.alive[r] = False
        self.y[ai, q] = yI
        self.y[aj, p] = yJ
        self.supplied[ai, q] = True
        self.supplied[aj, p] = True
        uJ = self._merge_update(ai, p, aj, yJ)  # I demands p; J moved on p
        uI = self._merge_update(aj, q, ai, yI)  # J demands q; I moved on q
        sup_keys = (ai * m + q, aj * m + p)
        dem_keys = (ai * m + p, aj * m + q)
        parts = (
            self._rows_for(0, sup_keys)
            + self._rows_for(2, sup_keys)
            + self._rows_for(1, dem_keys)
            + self._rows_for(3, dem_keys)
        )
        rows = np.unique(np.concatenate([*parts, np.array([r])]))
        rows = rows[self.alive[rows]]
        if rows.size:
            fai, faj, fp, fq = self.ai[rows], self.aj[rows], self.p[rows], self.q[rows]
            kIs, kJs = fai * m + fq, faj * m + fp
            ys = {sup_keys[0]: yI, sup_keys[1]: yJ}
            aff_i = np.isin(kIs, sup_keys)
            aff_j = np.isin(kJs, sup_keys)
            # (a): affected sides continue from the realised voting position; their last
            # computed move becomes history (the list grows); other sides replace their last
            for aff, pos, mv, hs, hg, key in (
                (aff_i, self.pos_i, self.mv_i, self.hsum_i, self.hsgn_i, kIs),
                (aff_j, self.pos_j, self.mv_j, self.hsum_j, self.hsgn_j, kJs),
            ):
                if aff.any():
                    ra = rows[aff]
                    newpos = np.where(key[aff] == sup_keys[0], ys[sup_keys[0]], ys[sup_keys[1]])
                    pos[ra] = newpos
                    last = mv[ra]
                    hs[ra] += last
                    sg = np.sign(last).astype(np.int8)
                    old = hg[ra]
                    keep = (sg != 0) & ((old == 0) | (old == sg))
                    hg[ra] = np.where(keep, sg, 2).astype(np.int8)
            # own entries in the partner's updates (I side: demander aj on q, mover ai)
            mi = (faj == aj) & (fq == q) & (fai == ai)
            self.own_i[rows[mi]] = uI
            mj = (fai == ai) & (fp == p) & (faj == aj)
            self.own_j[rows[mj]] = uJ
            mi2 = (faj == ai) & (fq == p) & (fai == aj)
            self.own_i[rows[mi2]] = uJ
            mj2 = (fai == aj) & (fp == q) & (faj == ai)
            self.own_j[rows[mj2]] = uI
            self.alive[rows] = self._compute(rows)
        self._refresh(np.append(rows, r))

    def run(self) -> None:
        """The realisation loop of one round."""
        while True:
            r = self._select()
            if r < 0:
                return
            self.realise(r)


def exchange_round(
    x: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    mask: np.ndarray,
    settings: ExchangeSettings | None = None,
    rng: np.random.Generator | None = None,
) -> ExchangeRound:
    """One round of the exchange model on the 0-100 scale.

    Parameters
    ----------
    x, salience, weight, mask:
        Arrays of shape ``(actors, issues)``: start positions (0-100), saliences (0-1),
        capability x salience, and participation. Absent cells are ignored.
    settings:
        :class:`ExchangeSettings` (defaults: Decide's).
    rng:
        Generator for ``tie_rule="random"``.
    """
    settings = settings or ExchangeSettings()
    if settings.tie_rule == "random" and rng is None:
        rng = np.random.default_rng()
    st = _State(x, salience, weight, mask, settings, rng)
    st.run()
    rec = st.records
    cols = list(zip(*rec, strict=True)) if rec else [()] * 10
    ints = [np.array(c, dtype=np.intp) for c in cols[:5]]
    flts = [np.array(c, dtype=float) for c in cols[5:]]
    w_upd = settings.fixed_weight + settings.salience_weight * (1 - salience)
    xs = st.x
    nxt = np.where(st.supplied, (1 - w_upd) * xs + w_upd * st.y, xs)
    nan = np.where(mask, 0.0, np.nan)
    return ExchangeRound(
        start=xs + nan,
        start_outcome=st.O,
        voting=st.y + nan,
        voting_outcome=_outcome(st.y, weight, mask),
        next_start=nxt + nan,
        n_candidates=st.K,
        creation_index=ints[0],
        i_actor=ints[1],
        j_actor=ints[2],
        p=ints[3],
        q=ints[4],
        i_before=flts[0],
        i_after=flts[1],
        j_before=flts[2],
        j_after=flts[3],
        gain=flts[4],
        ties=st.ties,
    )


def run_exchange(
    x: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    mask: np.ndarray | None = None,
    settings: ExchangeSettings | None = None,
    rng: np.random.Generator | None = None,
) -> ExchangeRun:
    """Run rounds of the exchange model on 0-100 positions until no exchange or the limit.

    Arrays have shape ``(actors, issues)``; for Monte Carlo draws call once per draw (the
    realisation loop is sequential within a draw).
    """
    settings = settings or ExchangeSettings()
    x = np.asarray(x, dtype=float)
    if mask is None:
        mask = np.ones(x.shape, dtype=bool)
    mask = np.asarray(mask, dtype=bool) & ~np.isnan(x)
    s = np.where(mask, np.asarray(salience, dtype=float), 0.0)
    w = np.where(mask, s * np.asarray(capability, dtype=float), 0.0)
    run = ExchangeRun(initial_outcome=_outcome(x, w, mask))
    cur = np.where(mask, x, np.nan)
    for _ in range(settings.rounds):
        rnd = exchange_round(cur, s, w, mask, settings, rng)
        run.rounds.append(rnd)
        cur = rnd.next_start
        if rnd.n_exchanges == 0:
            run.converged = True
            break
    return run


# --------------------------------------------------------------------------------------------
# the registered model


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    settings = settings_from_params(dict(options.params), options.rounds)
    rng = None
    if settings.tie_rule == "random":
        seed = options.seed
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    lower = np.asarray(arrays.lower, dtype=float)
    span = np.asarray(arrays.upper, dtype=float) - lower
    x = (arrays.position - lower) * (100.0 / span)
    run = run_exchange(x, arrays.salience, arrays.capability, arrays.mask, settings, rng)

    def back(v: np.ndarray) -> np.ndarray:
        return lower + v * (span / 100.0)

    assert run.initial_outcome is not None
    outcomes = [run.initial_outcome] + [r.voting_outcome for r in run.rounds]
    voting = [x] + [r.voting for r in run.rounds]
    issues = {}
    for i, iid in enumerate(arrays.issues):
        traj = [float(back(o)[i]) for o in outcomes]
        issues[iid] = IssueForecast(position=traj[-1], rounds=traj, converged=run.converged)
    actors = {
        aid: {
            iid: [float(back(v)[a, i]) for v in voting]
            for i, iid in enumerate(arrays.issues)
            if arrays.mask[a, i]
        }
        for a, aid in enumerate(arrays.actors)
    }
    counts = ", ".join(str(r.n_exchanges) for r in run.rounds) or "none (0 rounds)"
    notes = [f"exchanges per round: {counts}"]
    params = {
        "ties": settings.tie_rule,
        "tie_tolerance": settings.tie_tolerance,
        "fixed_weight": settings.fixed_weight,
        "salience_weight": settings.salience_weight,
        "mode": settings.mode,
        "rounds": settings.rounds,
    }
    return ModelResult(model="exchange", issues=issues, actors=actors, params=params, notes=notes)


SPEC = ModelSpec(
    name="exchange",
    title="Exchange of voting positions (equal gain)",
    citation="Stokman & Van Oosten 1994, in Bueno de Mesquita & Stokman (eds), European "
    "Community Decision Making; equal-gain rate as in the Decide software",
    dynamic=True,
    run=_run,
)
