"""The exchange model: actors trade voting positions on pairs of issues, at an equal-gain rate.

Implements the exchange model of Stokman and Van Oosten (1994), "The exchange of voting
positions: an object-oriented model of policy networks", in Bueno de Mesquita and Stokman
(eds), *European Community Decision Making* (Yale UP), with the **equal-gain exchange rate**
as implemented in the Decide software (``foarsitter/decide-exchange-model``, ``EqualGainModel``;
van Assen, Stokman and van Oosten 2003, "Conflict measures in cooperative exchange models of
collective decision-making", *Rationality and Society* 15(1), discuss this and other rates).
No equation numbers are cited: the chapter could not be consulted, so the steps below follow
the project's written spec of Decide's equal-gain model, whose section numbers (§) are cited;
``docs/models/exchange.md`` summarises it and lists every difference from Decide.

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

Design: candidates are numpy rows (int32 keys, one float64 record each); generation, the equal-gain
computation, validity and the end-of-round update are vectorised over rows. The realisation
loop is sequential by nature; each step recomputes only the rows that share an
(actor, issue) key with the realised exchange, found through CSR index maps, and finds the next
maximum through lazily tightened per-block upper bounds, so a step costs about
O(affected rows + K / B + B) for K candidates in blocks of B ~ sqrt(K). Memory: about 80 bytes
per candidate (~ n^2 m^2 / 16 of them; 0.5 GB for 1,000 actors x 10 issues): a row stores two
int32 keys, per-(actor, issue) data is looked up, not copied, and generation, the first
computation and the index maps run in chunks, so temporaries stay bounded. A round that would
not fit in the available memory (or exceeds the optional ``max_candidates``) is a ModelError.
The realisation loop also exists compiled with numba (``_exchange_numba``, the ``[fast]``
extra; same results bit for bit), used for large rounds when numba is installed. Draws
``(D, n, m)`` are solved together by :func:`run_exchange_batch` (draw ``d``'s actor ``a`` is
the virtual actor ``d n + a``, so draws never share a key).

Departures from Decide (see docs/models/exchange.md for the full list):

* float64 instead of 28-digit ``Decimal``; gains within a relative ``tie_tolerance`` (1e-12)
  count as equal, and an outcome within ``CROSSING_TOLERANCE`` (1e-12) of the partner's
  position counts as on it ("not crossing"), where Decide's exact arithmetic finds it exactly
  there. Ties follow Decide's list order (a list stable-sorted by gain after every exchange),
  kept as an integer key per row (``_arrival_keys``). A seeded random tie rule picks
  uniformly among all tied candidates (Decide flips an unseeded coin between the top two, and
  can duplicate a list entry).
* Candidates whose supplier has zero weight (``c s = 0``) on its supply issue are invalid
  (Decide divides by zero there, or finds a zero move). Where ``W_d = 0`` the reported outcome
  is the compromise model's fall-back (Decide reports 0).
* Rounds stop early once a round realises no exchange (Decide always runs all rounds; the
  later rounds would repeat the same positions).
* ``mode="symmetric"`` (not the default) caps |sum| of a side's computed moves where Decide caps
  the signed sum (this restores mirror symmetry), and measures a crossing cut from the
  supplier's current position, where Decide (and ``mode="decide"``) measures it from the
  supplier's own stale entry in the candidate's updates when it has one. Both depart from
  Decide's results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.models.compromise import compromise
from parley.models.registry import ModelOptions, ModelSpec
from parley.models.result import IssueForecast, ModelResult
from parley.random import make_rng
from parley.scenario.arrays import ScenarioArrays

__all__ = [
    "SPEC",
    "ExchangeRound",
    "ExchangeRun",
    "ExchangeSettings",
    "exchange_round",
    "run_exchange",
    "run_exchange_batch",
    "settings_from_params",
]

DEFAULT_ROUNDS = 10
_EPS_MOVE = 1e-10  # Decide: |move| <= 1e-10 is no move
_EPS_GAIN = 1e-10  # Decide: gain < 1e-10 is no gain
#: Crossing boundary (0-100 scale). Before a move, an outcome within this distance of the
#: partner's position counts as already on it, so the move is "not crossing" and is not cut.
#: Decide's exact ``Decimal`` arithmetic finds such an outcome exactly on the position (every
#: cut puts an outcome exactly on a demander's position); float64 lands one rounding error
#: short and would cut the next candidate to nothing. See docs/models/exchange.md.
CROSSING_TOLERANCE = 1e-12
_NO_EXCHANGE = "no exchange possible (no supplier has weight on the issue); "


@dataclass(frozen=True)
class ExchangeSettings:
    """Settings of the exchange model (``ModelOptions.params`` keys in brackets).

    ``tie_rule`` ("order" | "random") [``ties``]: equal gains go to the candidate that stands
    first in Decide's stable-sorted list (``_arrival_keys``), or to a uniformly drawn one
    (needs ``ModelOptions.seed`` for reproducibility).
    ``tie_tolerance`` [``tie_tolerance``]: relative gap below which two gains are equal.
    ``fixed_weight`` / ``salience_weight`` [same names]: between-round update
    ``w = fixed + salience_weight (1 - s)``. ``max_candidates`` [same]: if set, refuse inputs with
    more candidate exchanges per round (memory is about 80 bytes per candidate); without it only
    a round that would not fit in the available memory is refused. ``mode``: ``"decide"``
    (default) reproduces Decide, including its artefacts (spec §13); ``"symmetric"`` differs in
    two rules: the cap on a side's summed computed moves applies to |sum| (Decide caps
    the signed sum, so moves down the scale are never capped and mirrored inputs can give
    different forecasts), and a crossing cut is measured from the supplier's current
    position (Decide measures it from a stale copy of the supplier's earlier position).
    ``engine`` ("auto" | "numpy" | "numba") [same]: the realisation loop in numpy, or compiled
    with numba (``pip install 'parley[fast]'``; same results bit for bit). "auto" compiles
    rounds of at least ``NUMBA_MIN_CANDIDATES`` candidates when numba is installed (only with
    ``tie_rule="order"``).
    """

    rounds: int = DEFAULT_ROUNDS
    tie_rule: str = "order"
    tie_tolerance: float = 1e-12
    fixed_weight: float = 0.1
    salience_weight: float = 0.4
    max_candidates: int | None = None
    mode: str = "decide"
    engine: str = "auto"


_PARAM_KEYS = {
    "ties": "tie_rule",
    "tie_rule": "tie_rule",
    "tie_tolerance": "tie_tolerance",
    "fixed_weight": "fixed_weight",
    "salience_weight": "salience_weight",
    "max_candidates": "max_candidates",
    "mode": "mode",
    "engine": "engine",
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
    if s.engine not in ("auto", "numpy", "numba"):
        raise ModelError(f"exchange: engine must be 'auto', 'numpy' or 'numba', not {s.engine!r}")
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
    if s.max_candidates is not None and (
        not isinstance(s.max_candidates, int) or s.max_candidates < 1
    ):
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


# bounded temporaries: module constants, so that tests can shrink them (chunked == unchunked)
_GEN_CELLS = 4_000_000  # actor x actor x issue-pair cells per generation chunk
_ROW_CHUNK = 1 << 17  # rows per chunk of a round's first computation
_ONE_BLOCK = 4096  # up to this many rows, the next-maximum search uses one block
# memory per candidate row: keys 8, records 48, gain 8, index maps 16 bytes; the measured peak
# of a 1,000 x 10 round is within 1 byte of it per row (docs/performance.md)
_BYTES_PER_CANDIDATE = 80


def _groups(
    x: np.ndarray, mask: np.ndarray, outcome: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[tuple[np.ndarray, np.ndarray], ...], np.ndarray]:
    """Issue pairs ``(p, q)`` in combinations order, the two pairs of actor groups of each
    (spec §4: right/right with left/left, then left/right with right/left) as ``(D, n, P)``
    masks, and the number of candidates per draw and issue pair ``(D, P)``. ``x`` and
    ``mask`` are ``(D, n, m)``, ``outcome`` ``(D, m)``."""
    m = x.shape[-1]
    pp, qq = np.triu_indices(m, k=1)
    left = mask & (np.where(mask, x, np.inf) <= outcome[:, None, :])
    right = mask & ~left
    both = mask[..., pp] & mask[..., qq]  # (D, n, P)
    groups = (
        (both & right[..., pp] & right[..., qq], both & left[..., pp] & left[..., qq]),  # a x d
        (both & left[..., pp] & right[..., qq], both & right[..., pp] & left[..., qq]),  # b x c
    )
    sizes = sum(g1.sum(axis=1, dtype=np.int64) * g2.sum(axis=1) for g1, g2 in groups)
    return pp, qq, groups, np.asarray(sizes, dtype=np.int64).reshape(x.shape[0], pp.size)


def _generate(
    s: np.ndarray,
    groups: tuple[tuple[np.ndarray, np.ndarray], ...],
    pp: np.ndarray,
    qq: np.ndarray,
    sl: slice,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate rows of the (draw, issue pair) cells ``sl`` (cell ``t = d P + k``) in Decide's
    creation order (spec §4): draws in order, then issue pairs, then the a x d block, then
    b x c, actors in order. ``groups`` hold ``(D P, n)`` masks. Returns (draw, I, J, pair)
    where I supplies q and J supplies p (roles, §4.6)."""
    parts = []
    for rank, (g1, g2) in enumerate(groups):
        # (cell, f, g) in C order: cell-major, then f (outer), then g (inner)
        t, f, g = np.nonzero(g1[sl][:, :, None] & g2[sl][:, None, :])
        parts.append((t, np.full(t.size, rank, dtype=np.int8), f, g))
    t, rank, f, g = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((rank, t))  # stable: keeps f, g order within (cell, block)
    t, f, g = t[order], f[order], g[order]
    t += sl.start
    d, k = np.divmod(t, pp.size)
    p, q = pp[k], qq[k]
    # roles (§4.6): f supplies p iff s_fp / s_fq < s_gp / s_gq
    sfp, sfq, sgp, sgq = s[d, f, p], s[d, f, q], s[d, g, p], s[d, g, q]
    ratio_ok = (sfq > 0) & (sgq > 0)
    by_ratio = sfp / np.where(ratio_ok, sfq, 1.0) < sgp / np.where(ratio_ok, sgq, 1.0)
    f_supplies_p = np.where(ratio_ok, by_ratio, sfp * sgq < sgp * sfq)
    return d, np.where(f_supplies_p, g, f), np.where(f_supplies_p, f, g), k


def _available_bytes() -> int | None:
    """Memory the system can still give this process (Linux ``MemAvailable``), if known."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _about(nbytes: float) -> str:
    return f"about {nbytes / 1e9:.1f} GB" if nbytes >= 1e8 else f"about {nbytes / 1e6:.1f} MB"


def _check_size(count: int, max_candidates: int | None) -> None:
    """ModelError if a round's ``count`` candidate exchanges exceed the cap or cannot fit."""
    need = count * _BYTES_PER_CANDIDATE
    if max_candidates is not None and count > max_candidates:
        raise ModelError(
            f"exchange: {count} candidate exchanges in one round exceed "
            f"max_candidates={max_candidates} (they would need {_about(need)}); raise "
            "params.max_candidates or use fewer actors or issues"
        )
    avail = _available_bytes()
    if avail is not None and need > avail:
        raise ModelError(
            f"exchange: {count} candidate exchanges in one round would need {_about(need)} of "
            f"memory, but only {_about(avail)} is available; use fewer actors or issues"
        )


def _arrival_keys(
    old_gain: np.ndarray, new_gain: np.ndarray, old_key: np.ndarray, step: int, size: int
) -> np.ndarray:
    """New tie keys of rows whose gain changed at realisation ``step`` (>= 1) of a round.

    Decide keeps its candidates in a list that it stable-sorts by gain (descending) after every
    realisation and realises the first valid entry. Among rows of one gain ``g`` that list
    order is therefore: rows that came down to ``g`` at this step (they stood before every
    holder of ``g``), then the rows that already had ``g``, then the rows that came up to ``g``
    (they stood after); each group in its previous list order, which is by previous gain
    (descending), then previous key. Keys start as the creation index (``0 .. size - 1``); a
    lower key stands earlier among equal gains. Arrivals from above get keys below every
    earlier key, arrivals from below keys above every earlier key, so no key is renumbered.
    """
    order = np.lexsort((old_key, -old_gain))  # the arrivals' previous list order
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    base = (size + 1) * step
    return np.where(old_gain > new_gain, rank - base, rank + base)


class _State:
    """Candidate rows of one round and the realisation loop's bookkeeping.

    A row is stored as its two supply keys ``(I m + q, J m + p)`` (int32, shape ``(K, 2)``);
    saliences, weights, positions and issue totals are looked up by key from a ``(6, n m)``
    table when a row is computed, never copied per row. A row's current supply positions are
    the actors' current voting positions (row 3 of the table), because every realisation moves
    all rows that share the actor and supply issue. The mutable state of a row is one float64
    record ``(K, 6)``, so that it is one memory access: both sides' last computed moves, the
    sums of their earlier computed moves and their own entries in the partner's updates; plus
    the gain (``eff``, set to ``-inf`` once a row is realised or invalid, which it then stays)
    and four int32 index maps. About ``_BYTES_PER_CANDIDATE`` bytes per row in all.
    """

    def __init__(
        self,
        x: np.ndarray,
        s: np.ndarray,
        w: np.ndarray,
        mask: np.ndarray,
        settings: ExchangeSettings,
        rng: np.random.Generator | None,
    ) -> None:
        # a leading draws axis (batch): draw d's actor a is the virtual actor d n + a, so keys
        # (actor m + issue) of different draws never meet and each draw is its own problem
        single = x.ndim == 2
        x3 = x[None] if single else x
        D, n, m = x3.shape
        mask3 = np.broadcast_to(mask, x3.shape)
        s3 = np.broadcast_to(s, x3.shape)
        w3 = np.broadcast_to(w, x3.shape)
        xz = np.where(mask3, x3, 0.0)
        self.settings, self.rng = settings, rng
        self.symmetric = settings.mode == "symmetric"
        self.stale = not self.symmetric  # Decide's stale-position cut (docs/models/exchange.md)
        self.D = D
        self.n, self.m = D * n, m  # virtual actors
        self.x = xz.reshape(D * n, m)
        self.w = w3.reshape(D * n, m)
        O3 = _outcome(x3, w3, mask3)  # (D, m)
        self.O = O3[0] if single else O3
        pp, qq, groups, sizes = _groups(x3, mask3, O3)
        K = int(sizes.sum())
        _check_size(K, settings.max_candidates)
        self.K = K
        self.draw_start = np.zeros(D + 1, dtype=np.int64)  # first row of each draw
        np.cumsum(sizes.sum(axis=1), out=self.draw_start[1:])
        # per (actor, issue) key: salience, weight, round-start position, current voting
        # position, and the issue's W_d = sum c s and sum c s x
        W, num = w3.sum(axis=1), (w3 * xz).sum(axis=1)
        self.tab = np.stack(
            [s3, w3, xz, xz, np.broadcast_to(W[:, None], x3.shape),
             np.broadcast_to(num[:, None], x3.shape)]
        ).reshape(6, D * n * m)
        nm = D * n * m
        self.y = self.tab[3].reshape(D * n, m)  # a view: voting positions
        self.tab_sx = self.tab[[0, 2]]  # salience and round-start position (for demand keys)
        # per key: actor, actor * m and issue (look-ups are cheaper than // and %)
        self.k_actor, self.k_issue = np.divmod(np.arange(nm, dtype=np.intp), m)
        self.k_base = self.k_actor * m
        # the rows, generated in chunks of (draw, issue pair) cells so the actor x actor
        # blocks stay small
        key_t = np.int32 if nm < 2**31 else np.int64
        self.key = np.empty((K, 2), dtype=key_t)  # supply keys: I m + q, J m + p
        cells = [tuple(g.transpose(0, 2, 1).reshape(-1, n) for g in pair) for pair in groups]
        sizes = sizes.ravel()
        ends = np.cumsum(sizes)
        step = max(1, _GEN_CELLS // max(1, n * n))
        for lo in range(0, sizes.size, step):
            hi = min(sizes.size, lo + step)
            rows = slice(int(ends[lo] - sizes[lo]), int(ends[hi - 1]))
            d, ai, aj, k = _generate(s3, cells, pp, qq, slice(lo, hi))
            self.key[rows, 0] = (d * n + ai) * m + qq[k]
            self.key[rows, 1] = (d * n + aj) * m + pp[k]
            del d, ai, aj, k
        del cells
        # mutable state of both sides (zeros are allocated lazily by the system)
        # one record per row, so that a row's state is one memory access: the last computed
        # moves (columns 0, 1), the sums of earlier computed moves, the history (2, 3), and
        # (u - x) w of the side's own entry in its partner's updates (4, 5)
        self.rec = np.zeros((K, 6))
        # shared updates (§8 b): (demander, issue) -> {mover: position}; U = sum (u - x) w
        self.upd: dict[tuple[int, int], dict[int, float]] = {}
        self.U = np.zeros(nm)
        self.supplied = np.zeros((D * n, m), dtype=bool)
        self.records: list[tuple[Any, ...]] = []
        self.ties = 0
        # Decide's list order among equal gains (tie_rule "order"): see _arrival_keys
        self.step = 0
        self.tk = np.arange(K, dtype=np.int64) if settings.tie_rule == "order" else None
        # next-maximum search: gains of alive rows (-inf otherwise) in blocks of B rows
        self.B = max(1, K) if K <= _ONE_BLOCK else int(np.sqrt(K)) + 1
        nb = -(-K // self.B)
        self.eff = np.full(nb * self.B, -np.inf)
        if _use_numba(settings, K):
            from parley.models._exchange_numba import first_computation

            first_computation(
                self.key, self.tab, self.rec, self.eff, self.U, self.m, self.symmetric,
                self.stale, _EPS_MOVE, _EPS_GAIN, CROSSING_TOLERANCE,
            )
        else:
            for lo in range(0, K, _ROW_CHUNK):  # the first computation, in chunks of rows
                self._compute(np.arange(lo, min(K, lo + _ROW_CHUNK)), first=True)
        self.bmax = self.eff.reshape(nb, self.B).max(axis=1) if nb else np.zeros(0)
        # CSR index maps from (actor, issue) keys to rows: I supplies, J supplies, I demands,
        # J demands
        self.maps = [self._csr(which) for which in range(4)]

    def _keys(self, which: int, rows: slice) -> np.ndarray:
        """(actor, issue) keys of ``rows``: 0 I supplies (I m + q), 1 J supplies (J m + p),
        2 I demands (I m + p), 3 J demands (J m + q)."""
        key = self.key[rows].astype(np.int64)
        if which < 2:
            return key[:, which]
        d = key[:, 1] % self.m - key[:, 0] % self.m  # p - q
        return key[:, 0] + d if which == 2 else key[:, 1] - d

    def _csr(self, which: int) -> tuple[np.ndarray, list[int]]:
        """Rows grouped by key ``which`` (rows in order within a key): a stable counting sort
        in chunks of rows, so no temporary is as long as the candidate list."""
        nm, K = self.n * self.m, self.K
        counts = np.zeros(nm, dtype=np.int64)
        for lo in range(0, K, _ROW_CHUNK):
            counts += np.bincount(self._keys(which, slice(lo, lo + _ROW_CHUNK)), minlength=nm)
        starts = np.zeros(nm + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        cursor = starts[:-1].copy()
        order = np.empty(K, dtype=np.int32 if K < 2**31 else np.int64)
        for lo in range(0, K, _ROW_CHUNK):
            key = self._keys(which, slice(lo, lo + _ROW_CHUNK))
            # a stable sort of 16-bit keys is a radix sort
            idx = np.argsort(key.astype(np.uint16) if nm <= 2**16 else key, kind="stable")
            ks = key[idx]
            first = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])  # group starts in ks
            rank = np.arange(ks.size) - np.repeat(first, np.diff(np.r_[first, ks.size]))
            order[cursor[ks] + rank] = idx + lo
            cursor += np.bincount(key, minlength=nm)
        return order, starts.tolist()


    # ---- the equal-gain computation (spec §5-7), vectorised over rows ----------------------

    def _side_ok(self, pos: np.ndarray, mv: np.ndarray, hsum: np.ndarray) -> np.ndarray:
        """Validity of the moves ``mv`` of both sides (arrays of shape (2, rows)).

        ``hsum`` is the sum of the side's earlier computed moves. Those all have one strict
        sign (a row whose history changes direction is dropped at once, see ``realise``), so
        ``hsum * mv >= 0`` says that ``mv`` keeps that direction, or that there is no history
        (the product cannot underflow to zero: both factors exceed 1e-10 when it matters)."""
        a = np.abs(mv)
        new = pos + mv
        total = hsum + mv
        # Decide tests the signed sum (sum(moves) > 100), so only upward moves are capped;
        # mode "symmetric" caps |sum| and so treats both directions alike
        if self.symmetric:
            total = np.abs(total)
        ok = (
            (a > _EPS_MOVE) & (np.maximum(a, total) <= 100) & (new >= 0) & (new <= 100)
            & (hsum * mv >= 0)  # same direction as every earlier entry
        )
        return ok[0] & ok[1]

    def _compute(self, r: np.ndarray, first: bool = False) -> None:
        """Recompute rows ``r`` (intp) from their current supply positions; stores their moves
        and their gain, or ``-inf`` in ``eff`` if invalid. ``first``: the round's first
        computation, where rows that can never trade are found."""
        skey = self.key.take(r, axis=0).T.astype(np.intp, order="C")  # (I, q), (J, p)
        dkey = self.k_base.take(skey) + self.k_issue.take(skey)[::-1]  # (I, p), (J, q)
        s_sup, w_sup, x_sup, pos, W_sup, num_sup = self.tab.take(skey, axis=1)
        s_dem, x_dem = self.tab_sx.take(dkey, axis=1)
        sIq, sJp = s_sup
        sIp, sJq = s_dem
        target = x_dem[::-1]  # each side moves toward its partner's position: xJq, xIp
        den = sIq + sJq
        ok = None
        if first:  # zero weights: never valid; harmless 1s keep the arithmetic finite
            ok = (w_sup[0] > 0) & (w_sup[1] > 0) & (den > 0)
            k = (sIp + sJp) / np.where(ok, den, 1.0)
            ok &= k > 0
            if not ok.all():
                w_sup, W_sup, k = (np.where(ok, v, 1.0) for v in (w_sup, W_sup, k))
        else:  # rows recomputed later are alive, so they passed that test
            k = (sIp + sJp) / den
        wIq, wJp = w_sup
        Wq, Wp = W_sup
        # step 1: J moves all the way to I's position on p; step 2 if I would overshoot
        dist = np.abs(target - pos)  # dI, dJ
        full = dist * w_sup / W_sup  # outcome shift if a side moves all the way
        dI, dJ = dist
        dOp = full[1]
        kdOp = k * dOp
        mI = kdOp * Wq / wIq
        over = mI > dI
        dOq = np.where(over, full[0], kdOp)
        dOp = np.where(over, dOq / k, dOp)
        mv = np.empty_like(dist)
        mv[0] = np.where(over, dI, mI)
        mv[1] = np.where(over, dOp * Wp / wJp, dJ)
        direc = np.where(pos > target, -1.0, 1.0)
        mv *= direc
        rec = self.rec.take(r, axis=0)
        hs = rec[:, 2:4].T
        gain = np.abs(sIq * dOq - sIp * dOp)
        valid = (gain >= _EPS_GAIN) & self._side_ok(pos, mv, hs)
        if ok is not None:
            valid &= ok
        # outcome-crossing cut (§6), I first, then J; only for rows valid so far. The outcome
        # seen on the supply issue: round start + the demander's updates, supplier at pos.
        if valid.any():
            was_cut = None  # rows whose moves were cut
            O0 = (num_sup + self.U.take(dkey[::-1]) - rec[:, 4:6].T
                  + (pos - x_sup) * w_sup) / W_sup
            dirI, dirJ = direc
            gapq, gapp = target - O0  # partner's position minus the outcome before the move
            if self.stale:  # Decide measures the cut from the side's own stale update entry
                own = rec[:, 4:6].T
                stale = np.where(own != 0, own - (pos - x_sup) * w_sup, 0.0) / W_sup
                cut_q, cut_p = np.abs(gapq - stale[0]), np.abs(gapp - stale[1])
            else:
                cut_q, cut_p = np.abs(gapq), np.abs(gapp)
            # an outcome within CROSSING_TOLERANCE of the partner's position is "not crossing"
            tol = CROSSING_TOLERANCE
            cut = valid & (gapq * (gapq - mv[0] * wIq / Wq) < 0) & (np.abs(gapq) > tol)
            if cut.any():
                was_cut = cut
                cOq = cut_q  # the cut move puts O_q on J's position
                cOp = cOq / k
                mv[0] = np.where(cut, dirI * cOq * Wq / wIq, mv[0])
                mv[1] = np.where(cut, dirJ * cOp * Wp / wJp, mv[1])
                dOq = np.where(cut, cOq, dOq)
                dOp = np.where(cut, cOp, dOp)
            cut = valid & (gapp * (gapp - mv[1] * wJp / Wp) < 0) & (np.abs(gapp) > tol)
            if cut.any():
                was_cut = cut if was_cut is None else was_cut | cut
                cOp = cut_p
                cOq = k * cOp
                mv[1] = np.where(cut, dirJ * cOp * Wp / wJp, mv[1])
                mv[0] = np.where(cut, dirI * cOq * Wq / wIq, mv[0])
                dOq = np.where(cut, cOq, dOq)
                dOp = np.where(cut, cOp, dOp)
            if was_cut is not None:  # uncut rows are unchanged, and so is their validity
                i = np.flatnonzero(was_cut)
                valid[i] &= self._side_ok(pos[:, i], mv[:, i], hs[:, i])
                gain[i] = np.abs(sIq[i] * dOq[i] - sIp[i] * dOp[i])
        self.rec[r, 0] = mv[0]
        self.rec[r, 1] = mv[1]
        new = np.where(valid, gain, -np.inf)
        if self.tk is not None and not first:
            old = self.eff.take(r)
            changed = valid & (np.abs(new - old) > self.settings.tie_tolerance * np.abs(old))
            if changed.any():  # rows may repeat: take each once
                rc, at = np.unique(r[changed], return_index=True)
                old_c, new_c = old[changed][at], new[changed][at]
                self.tk[rc] = _arrival_keys(old_c, new_c, self.tk[rc], self.step, self.K)
        self.eff[r] = new

    # ---- selection ------------------------------------------------------------------------
    # The next exchange is the alive row with the highest gain (ties: see _select). Rows are
    # grouped in blocks of B; ``bmax`` holds an upper bound of each block's gains. Bounds are
    # raised at once when a gain rises and tightened lazily (only for blocks that reach the
    # top), so a step costs O(affected rows + blocks + B) instead of O(K).

    def _tighten(self, b: int) -> float:
        true = self.eff[b * self.B : (b + 1) * self.B].max()
        self.bmax[b] = true
        return float(true)

    def _select(self) -> int:
        if self.bmax.size <= 1:  # one block (small inputs): no bounds to keep
            bound = self.eff.max() if self.K else -np.inf
            if bound == -np.inf:
                return -1
            thr = bound - self.settings.tie_tolerance * abs(bound)
            return self._pick(np.flatnonzero(self.eff >= thr))
        while True:  # find the global maximum: tighten the top block until its bound is exact
            b = int(self.bmax.argmax())
            bound = self.bmax[b]
            if bound == -np.inf:
                return -1
            if self._tighten(b) == bound:
                break
        thr = bound - self.settings.tie_tolerance * abs(bound)
        hits = []  # blocks (in row order) holding a gain within the tie tolerance
        for blk in np.flatnonzero(self.bmax >= thr):
            if self._tighten(int(blk)) >= thr:
                hits.append(int(blk))
        segs = [np.flatnonzero(self.eff[h * self.B : (h + 1) * self.B] >= thr) + h * self.B
                for h in hits]
        return self._pick(np.concatenate(segs))

    def _pick(self, cand: np.ndarray) -> int:
        """The row realised among the tied best rows ``cand`` (ascending): the first in
        Decide's list order, or a uniformly drawn one. With several draws, only the rows of
        the draw that holds the maximum count (the draws are independent problems)."""
        if self.D > 1:
            top = int(cand[np.argmax(self.eff.take(cand))])
            d = int(np.searchsorted(self.draw_start, top, side="right")) - 1
            cand = cand[(cand >= self.draw_start[d]) & (cand < self.draw_start[d + 1])]
        if cand.size > 1:
            self.ties += 1
        if self.tk is not None:
            return int(cand[np.argmin(self.tk.take(cand))])
        assert self.rng is not None
        return int(cand[self.rng.integers(cand.size)])

    # ---- realisation (§8) -----------------------------------------------------------------

    def _merge_update(self, dem: int, e: int, mover: int, y: float) -> float:
        """Record the mover's new position in the (demander, issue) updates; returns the
        mover's (u - x) w term as it now stands."""
        d = self.upd.setdefault((dem, e), {})
        old = d.get(mover)
        x0 = self.x[mover, e]
        if old is None:
            new, prev = y, x0
        else:
            # Decide's merge: keeps the position nearer the mover's round start (§13.3)
            new = min(old, y) if x0 <= old else max(old, y)
            prev = old
        d[mover] = new
        w = self.w[mover, e]
        self.U[dem * self.m + e] += (new - prev) * w
        return (new - x0) * w

    def realise(self, r: int) -> None:
        """Realise row ``r`` and propagate it to the rows it affects (rules a and b of §8)."""
        m = self.m
        kiq, kjp = int(self.key[r, 0]), int(self.key[r, 1])  # supply keys of I and J
        ai, q = divmod(kiq, m)
        aj, p = divmod(kjp, m)
        pos_i, pos_j = self.y[ai, q], self.y[aj, p]
        yI = pos_i + self.rec[r, 0]
        yJ = pos_j + self.rec[r, 1]
        self.records.append((r, ai, aj, p, q, pos_i, yI, pos_j, yJ, self.eff[r]))
        self.step += 1
        self.eff[r] = -np.inf
        self.y[ai, q] = yI  # also the current supply position of every row keyed (ai, q)
        self.y[aj, p] = yJ
        self.supplied[ai, q] = True
        self.supplied[aj, p] = True
        own_jp = self._merge_update(ai, p, aj, yJ)  # I demands p; J moved on p
        own_iq = self._merge_update(aj, q, ai, yI)  # J demands q; I moved on q
        # rows whose I side (0) or J side (1) supplies on (ai, q) or on (aj, p), and rows whose
        # I side or J side demands on (ai, p) or (aj, q); rows may repeat across the lists
        parts = [o[st[key] : st[key + 1]] for o, st in self.maps[:2] for key in (kiq, kjp)]
        n_i = parts[0].size + parts[1].size
        sup = np.concatenate(parts).astype(np.intp)
        side = np.zeros(sup.size, dtype=np.intp)
        side[n_i:] = 1
        f6 = 6 * sup + side  # flat indices into the records
        rec = self.rec.ravel()
        # (a): a side with R's actor and supply issue continues from R's voting position (the
        # table); its last computed move joins the history; the other side replaces its move.
        # An alive row's last moves were valid, so nonzero; a move against the direction of
        # the earlier ones makes the row invalid for good (Decide: moves must keep one sign)
        alive = self.eff.take(sup) > -np.inf
        if alive.any():
            fa = f6[alive]
            last = rec.take(fa)
            hs = rec.take(fa + 2)
            rec[fa + 2] = hs + last
            self.eff[sup[alive][hs * last < 0]] = -np.inf
        # a side's own entry in its partner's updates (same two actors, same issue): rows that
        # supply on (ai, q) with partner aj get own_iq, rows that supply on (aj, p) with partner
        # ai get own_jp (setting it on rows no longer alive is harmless)
        sizes = [a.size for a in parts]
        partner = self.k_actor.take(self.key.ravel().take((2 * sup + side) ^ 1))
        hit = partner == np.repeat(np.array([aj, ai, aj, ai]), sizes)
        rec[f6[hit] + 4] = np.repeat(np.array([own_iq, own_jp, own_iq, own_jp]), sizes)[hit]
        kip, kjq = ai * m + p, aj * m + q  # demand keys
        dem = np.concatenate(
            [o[st[key] : st[key + 1]] for o, st in self.maps[2:] for key in (kip, kjq)]
        ).astype(np.intp)
        rows = np.concatenate((sup, dem))
        rows = rows[self.eff.take(rows) > -np.inf]
        if rows.size:  # every update below is idempotent, so repeated rows are harmless
            self._compute(rows)
            if self.bmax.size > 1:
                np.maximum.at(self.bmax, rows // self.B, self.eff.take(rows))

    def run(self) -> tuple[np.ndarray, np.ndarray]:
        """The realisation loop of one round. Returns the realised exchanges as integers
        ``(row, I, J, p, q)`` and floats ``(I before, I after, J before, J after, gain)``."""
        if _use_numba(self.settings, self.K):
            return self._run_compiled()
        while True:
            r = self._select()
            if r < 0:
                break
            self.realise(r)
        if not self.records:
            return np.zeros((0, 5), dtype=np.intp), np.zeros((0, 5))
        cols = list(zip(*self.records, strict=True))
        return np.array(cols[:5], dtype=np.intp).T, np.array(cols[5:], dtype=float).T

    def _run_compiled(self) -> tuple[np.ndarray, np.ndarray]:
        """The same loop compiled with numba (``parley[fast]``); same results bit for bit."""
        from parley.models._exchange_numba import realisation_loop

        maps = [(o, np.asarray(st, dtype=np.int64)) for o, st in self.maps]
        ints, flts, ties = realisation_loop(
            self.key, self.tab, self.rec, self.eff, self.bmax, self.B, self.tk, self.U,
            self.supplied.reshape(-1), self.n, self.m, self.K,
            *(a for pair in maps for a in pair),
            self.draw_start, self.symmetric, self.stale, float(self.settings.tie_tolerance),
            _EPS_MOVE, _EPS_GAIN, CROSSING_TOLERANCE,
        )
        self.ties += int(ties)
        return ints.astype(np.intp), flts


#: Rounds with at least this many candidate exchanges use the compiled loop when numba is
#: installed (``engine="auto"``); smaller ones, where numba's import would cost more than the
#: loop, use numpy.
NUMBA_MIN_CANDIDATES = 1_000


def _numba_available() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _use_numba(settings: ExchangeSettings, K: int) -> bool:
    if settings.tie_rule != "order" or settings.engine == "numpy" or K == 0:
        return False
    if settings.engine == "numba":
        if not _numba_available():
            raise ModelError(
                "exchange: engine 'numba' needs numba; install it with pip install 'parley[fast]'"
            )
        return True
    return K >= NUMBA_MIN_CANDIDATES and _numba_available()


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
        rng = make_rng(None)
    try:
        st = _State(x, salience, weight, mask, settings, rng)
    except MemoryError as err:  # where the available memory could not be read beforehand
        raise ModelError(
            "exchange: not enough memory for one round's candidate exchanges (about "
            f"{_BYTES_PER_CANDIDATE} bytes each, ~ actors^2 x issues^2 / 16 of them); use fewer "
            "actors or issues"
        ) from err
    int_cols, flt_cols = st.run()
    ints = [np.ascontiguousarray(c) for c in int_cols.T]
    flts = [np.ascontiguousarray(c) for c in flt_cols.T]
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

    Arrays have shape ``(actors, issues)``; for Monte Carlo draws use
    :func:`run_exchange_batch`.
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


#: Most candidate rows handled at once by :func:`run_exchange_batch` (draws are grouped so
#: that a group's candidates of one round stay under this; about 80 bytes each).
BATCH_ROWS = 2_000_000


def run_exchange_batch(
    x: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    mask: np.ndarray | None = None,
    settings: ExchangeSettings | None = None,
) -> np.ndarray:
    """Final outcomes ``(D, m)`` (0-100 scale) of independent draws ``(D, n, m)``.

    Row ``d`` equals the last outcome of :func:`run_exchange` on draw ``d``, bit for bit. The
    draws are solved together: in each round, the candidates of all draws still exchanging
    form one set of rows, generated and computed in one pass, and the realisation loop
    realises each draw's exchanges among its own rows (keys of different draws never meet,
    and ties are resolved within a draw). There is no Python loop over draws, only over
    rounds and groups of draws (``BATCH_ROWS``). Deterministic ties only (``tie_rule="order"``).
    """
    settings = settings or ExchangeSettings()
    if settings.tie_rule != "order":
        raise ModelError("exchange: run_exchange_batch needs tie_rule 'order'")
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ModelError("exchange: run_exchange_batch needs positions shaped (draws, n, m)")
    if mask is None:
        mask = np.ones(x.shape, dtype=bool)
    mask = np.asarray(mask, dtype=bool) & ~np.isnan(x)
    s = np.where(mask, np.asarray(salience, dtype=float), 0.0)
    w = np.where(mask, s * np.asarray(capability, dtype=float), 0.0)
    out = _outcome(x, w, mask)
    cur = np.where(mask, x, np.nan)
    w_upd = settings.fixed_weight + settings.salience_weight * (1 - s)
    active = np.arange(x.shape[0])
    n, m = x.shape[1:]
    for _ in range(settings.rounds):
        if not active.size:
            break
        # group the active draws so that each group's candidates fit in BATCH_ROWS
        _, _, _, sizes = _groups(
            cur[active], mask[active],
            _outcome(cur[active], w[active], mask[active]),
        )
        per_draw = sizes.sum(axis=1)
        group = np.cumsum(per_draw) // max(1, BATCH_ROWS)
        still = []
        for g in np.unique(group):
            idx = active[group == g]
            st = _State(cur[idx], s[idx], w[idx], mask[idx], settings, None)
            ints, _ = st.run()
            y = st.y.reshape(idx.size, n, m)
            xs = st.x.reshape(idx.size, n, m)
            sup = st.supplied.reshape(idx.size, n, m)
            out[idx] = _outcome(y, w[idx], mask[idx])
            wu = w_upd[idx]
            nxt = np.where(sup, (1 - wu) * xs + wu * y, xs)
            cur[idx] = nxt + np.where(mask[idx], 0.0, np.nan)
            made = np.bincount(ints[:, 1] // n, minlength=idx.size) > 0
            still.append(idx[made])
        active = np.concatenate(still) if still else active[:0]
        active.sort()
    return out


# --------------------------------------------------------------------------------------------
# the registered model


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Final forecasts ``(D, m)`` of draws ``(D, n, m)`` (file units): ``ModelSpec.batch``."""
    settings = settings_from_params(dict(options.params), options.rounds)
    lower = np.asarray(arrays.lower, dtype=float)
    span = np.asarray(arrays.upper, dtype=float) - lower
    if settings.tie_rule != "order":  # random ties: each draw has its own seeded generator
        D = arrays.draws or 1
        res = [_run(arrays.at(d), options) for d in range(D)]
        return np.array([[r.issues[i].position for i in arrays.issues] for r in res])
    x = (arrays.position - lower) * (100.0 / span)
    out = run_exchange_batch(x, arrays.salience, arrays.capability, arrays.mask, settings)
    return _unmoved(lower + out * (span / 100.0), arrays)


def _unmoved(forecast: np.ndarray, arrays: ScenarioArrays) -> np.ndarray:
    """On an issue where every voting weight c s is zero no exchange can move a position, and
    the outcome is the compromise model's fallback for those positions (its capability-weighted
    mean; ``_outcome`` alone would give the unweighted one)."""
    from parley.models.compromise import weight_fallback

    code = weight_fallback(arrays.salience, arrays.capability, arrays.mask)
    if not (code > 0).any():
        return forecast
    comp = compromise(arrays.position, arrays.salience, arrays.capability, arrays.mask)
    return np.where(code > 0, comp, forecast)


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    settings = settings_from_params(dict(options.params), options.rounds)
    rng = None
    if settings.tie_rule == "random":
        rng = make_rng(options.seed)
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
    outcomes = [_unmoved(back(o), arrays) for o in outcomes]
    for i, iid in enumerate(arrays.issues):
        traj = [float(o[i]) for o in outcomes]
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
    from parley.models.compromise import weight_fallback, weight_fallback_text

    code = weight_fallback(arrays.salience, arrays.capability, arrays.mask)
    for k in (1, 2):
        ids = [iid for i, iid in enumerate(arrays.issues) if code[i] == k]
        for iid in ids:
            issues[iid].fallback = _NO_EXCHANGE + weight_fallback_text(k, "mean")
        if ids:
            notes.append(f"{_NO_EXCHANGE}{weight_fallback_text(k, 'mean')} on {', '.join(ids)}")
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
    batch=_batch,
)
