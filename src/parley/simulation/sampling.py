"""Sampling the uncertain inputs of a scenario: unit draws -> per-draw scenario arrays.

Every number of a scenario may carry a range ``[low, high]`` and a distribution (``dist:`` on
the estimate, see :mod:`parley.scenario.schema`). Each such number is one *input*
(:class:`Input`); an actor's overall capability is one input however many issues it covers.
Sampling has two steps, shared by Monte Carlo simulation and sensitivity analysis:

1. a matrix ``U`` of shape ``(D, k)`` with entries in ``[0, 1)``, one column per input (plain
   pseudo-random numbers for simulation, a Morris or Saltelli design for sensitivity);
2. :func:`from_unit` maps each column through its input's inverse distribution function and
   writes the values into arrays of shape ``(D, n, m)`` (the array contract of
   :mod:`parley.scenario.arrays`).

Inverse distribution functions (Devroye 1986, *Non-Uniform Random Variate Generation*,
Springer, ch. 2, the inversion method):

* ``uniform`` on ``[a, b]``: ``a + u (b - a)``;
* ``triangular`` with mode ``c`` (the estimate's value): ``a + sqrt(u (b - a)(c - a))`` for
  ``u < (c - a)/(b - a)``, else ``b - sqrt((1 - u)(b - a)(b - c))``;
* ``truncnormal`` with mean ``mu`` (the value) and standard deviation ``sigma`` (the
  estimate's ``sd``, default ``(b - a)/4``), cut to ``[a, b]``:
  ``mu + sigma * Phi^-1(Phi(alpha) + u (Phi(beta) - Phi(alpha)))``, ``alpha = (a - mu)/sigma``,
  ``beta = (b - mu)/sigma``.

After drawing, saliences are clipped to ``[0, 1]`` and capabilities re-normalised per issue.

Departures: inputs are drawn independently of each other (no correlations between judgements);
the veto players are those of the point estimates in every draw; a sampled red line may fall
on the other side of a sampled position (the utilities of :mod:`parley.analysis.utility` then
read it as a bound on that side).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from parley.errors import ModelError
from parley.random import SeedLike, make_rng
from parley.scenario.arrays import DISTRIBUTIONS, FIELDS, ScenarioArrays, normalise_capability

__all__ = [
    "Input",
    "InputTable",
    "from_unit",
    "input_table",
    "inverse_cdf",
    "sample",
    "sample_cells",
    "triangular_draws",
    "uncertain_inputs",
    "with_spread",
]

_SD_FRACTION = 0.25
"""Default standard deviation of a truncnormal, as a fraction of ``high - low``."""


@dataclass(frozen=True)
class Input:
    """One uncertain number of the scenario.

    ``cells`` are the ``(actor, issue)`` cells of ``field`` it sets (one cell, or every cell of
    an actor's overall capability); ``issue`` is None for an actor's overall capability.
    """

    field: str
    actor: str
    issue: str | None
    low: float
    value: float
    high: float
    dist: str
    sd: float
    cells: tuple[tuple[int, int], ...]

    @property
    def label(self) -> str:
        """A short name for tables: ``"position russia/territory"``."""
        where = self.actor if self.issue is None else f"{self.actor}/{self.issue}"
        return f"{self.field} {where}"


def uncertain_inputs(arrays: ScenarioArrays, default: str = "uniform") -> list[Input]:
    """The inputs of ``arrays`` with a range (``high > low``), in field, actor, issue order.

    ``default`` is the distribution of inputs whose estimate names none.
    """
    if default not in DISTRIBUTIONS:
        choices = ", ".join(DISTRIBUTIONS)
        raise ModelError(f"unknown distribution {default!r} (choose from: {choices})")
    if arrays.draws is not None:
        raise ModelError("uncertain_inputs needs the arrays of one scenario, not of draws")
    specific = (
        np.zeros(arrays.mask.shape, bool) if arrays.specific is None else arrays.specific
    )
    out: list[Input] = []
    for f in FIELDS:
        lo, hi = arrays.low.get(f), arrays.high.get(f)
        if lo is None or hi is None:
            continue
        value = arrays.raw_capability if f == "capability" else getattr(arrays, f)
        if value is None:
            value = arrays.capability
        ranged = arrays.mask & (hi > lo)
        shared = ranged & ~specific if f == "capability" else np.zeros_like(ranged)
        for a in range(arrays.n_actors):
            cells = np.flatnonzero(shared[a])
            if cells.size:
                out.append(_input(arrays, f, a, None, value, [(a, int(i)) for i in cells], default))
            for i in np.flatnonzero(ranged[a] & ~shared[a]):
                out.append(_input(arrays, f, a, int(i), value, [(a, int(i))], default))
    return out


def _input(
    arrays: ScenarioArrays,
    f: str,
    a: int,
    i: int | None,
    value: np.ndarray,
    cells: list[tuple[int, int]],
    default: str,
) -> Input:
    ca, ci = cells[0]
    lo, hi = float(arrays.low[f][ca, ci]), float(arrays.high[f][ca, ci])
    dist = str(arrays.dist[f][ca, ci]) if f in arrays.dist else ""
    sd = float(arrays.sd[f][ca, ci]) if f in arrays.sd else float("nan")
    return Input(
        field=f,
        actor=arrays.actors[a],
        issue=None if i is None else arrays.issues[i],
        low=lo,
        value=float(value[ca, ci]),
        high=hi,
        dist=dist or default,
        sd=sd if np.isfinite(sd) else _SD_FRACTION * (hi - lo),
        cells=tuple(cells),
    )


def inverse_cdf(
    u: np.ndarray, low: np.ndarray, value: np.ndarray, high: np.ndarray, dist: np.ndarray,
    sd: np.ndarray,
) -> np.ndarray:
    """Values ``(D, k)`` for unit draws ``u`` ``(D, k)`` of inputs described by ``(k,)``
    vectors (see the module docstring for the formulas)."""
    span = high - low
    out = low + u * span
    tri = dist == "triangular"
    if tri.any():
        safe = np.where(span > 0, span, 1.0)
        c = np.clip((value - low) / safe, 0.0, 1.0)
        left = low + np.sqrt(u * c) * safe
        right = high - np.sqrt((1.0 - u) * (1.0 - c)) * safe
        out = np.where(tri & (span > 0), np.where(u < c, left, right), out)
    tn = dist == "truncnormal"
    if tn.any():
        from scipy.special import ndtr, ndtri

        sigma = np.where(sd > 0, sd, 1.0)
        pa, pb = ndtr((low - value) / sigma), ndtr((high - value) / sigma)
        q = np.clip(pa + u * (pb - pa), np.finfo(float).tiny, 1.0 - np.finfo(float).eps)
        x = np.clip(value + sigma * ndtri(q), low, high)
        out = np.where(tn, x, out)
    return np.where(span > 0, out, value)


@dataclass(frozen=True)
class InputTable:
    """The inputs as vectors ``(k,)`` and, per field, the input setting each cell ``(n, m)``
    (-1 where the cell is certain): computed once, used for every block of draws."""

    low: np.ndarray
    value: np.ndarray
    high: np.ndarray
    sd: np.ndarray
    dist: np.ndarray
    which: dict[str, np.ndarray]


def input_table(arrays: ScenarioArrays, inputs: list[Input]) -> InputTable:
    """The :class:`InputTable` of ``inputs`` on ``arrays``."""
    vec = {
        k: np.array([getattr(inp, k) for inp in inputs], dtype=float)
        for k in ("low", "value", "high", "sd")
    }
    which = {f: np.full((arrays.n_actors, arrays.n_issues), -1, dtype=np.intp) for f in FIELDS}
    for j, inp in enumerate(inputs):
        rows, cols = zip(*inp.cells, strict=True)
        which[inp.field][list(rows), list(cols)] = j
    return InputTable(dist=np.array([inp.dist for inp in inputs]), which=which, **vec)


def _file_values(arrays: ScenarioArrays) -> dict[str, np.ndarray]:
    """The point value of each field of :data:`~parley.scenario.arrays.FIELDS`, capabilities
    in file units (``raw_capability``)."""
    raw = arrays.capability if arrays.raw_capability is None else arrays.raw_capability
    return {
        "position": arrays.position,
        "salience": arrays.salience,
        "capability": raw,
        "red_line": arrays.red_line,
        "no_deal": arrays.no_deal,
    }


def from_unit(
    arrays: ScenarioArrays, inputs: list[Input], U: np.ndarray, table: InputTable | None = None
) -> ScenarioArrays:
    """Arrays ``(D, n, m)`` with input ``j`` set from column ``j`` of ``U`` ``(D, k)``
    (``table``: the inputs' :func:`input_table`, computed here if not given)."""
    U = np.asarray(U, dtype=float)
    if U.ndim != 2 or U.shape[1] != len(inputs):
        raise ModelError(f"unit draws must have shape (D, {len(inputs)}), got {U.shape}")
    D = U.shape[0]
    n, m = arrays.n_actors, arrays.n_issues
    tab = input_table(arrays, inputs) if table is None else table
    X = inverse_cdf(U, tab.low, tab.value, tab.high, tab.dist, tab.sd)
    base = _file_values(arrays)
    out: dict[str, np.ndarray] = {}
    for f in FIELDS:
        which = tab.which[f]
        fixed = np.broadcast_to(base[f], (D, n, m))
        out[f] = np.where(which >= 0, X[:, np.maximum(which, 0)], fixed) if (which >= 0).any() \
            else fixed.copy()
    mask = np.asarray(arrays.mask, dtype=bool)
    out["salience"] = np.where(mask, np.clip(out["salience"], 0.0, 1.0), 0.0)
    out["raw_capability"] = np.where(mask, out.pop("capability"), 0.0)
    out["capability"] = normalise_capability(out["raw_capability"], mask)
    return replace(arrays, **out)


def sample(
    arrays: ScenarioArrays, draws: int, seed: SeedLike = None, default: str = "uniform"
) -> ScenarioArrays:
    """``draws`` Monte Carlo samples of every uncertain input: arrays ``(draws, n, m)``.

    ``default`` is the distribution of inputs whose estimate names none (``uniform`` for
    ``parley simulate``). Uses :func:`parley.random.make_rng` on ``seed``.
    """
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ModelError(f"draws must be a whole number >= 1, got {draws!r}")
    inputs = uncertain_inputs(arrays, default)
    U = make_rng(seed).random((int(draws), len(inputs)))
    return from_unit(arrays, inputs, U)


def sample_cells(arrays: ScenarioArrays, draws: int, seed: SeedLike = None) -> ScenarioArrays:
    """``draws`` samples of every cell: arrays of shape ``(draws, n, m)``, each cell of each
    field triangular on ``[low, value, high]`` (the value itself where ``low == high``), drawn
    field by field in :data:`~parley.scenario.arrays.FIELDS` order, one number per cell.

    The random stream of ``parley game``'s chance nodes and ``parley compare``'s credibility
    shares (:mod:`parley.analysis.game_report`, :mod:`parley.compare`), whose published
    numbers rest on it; :func:`sample` (one number per *input*, so an actor's overall
    capability moves all its issues together, and ``dist:`` honoured) is the sampler of
    everything else. Saliences are clipped to [0, 1]; capabilities (drawn in file units from
    ``raw_capability``) are re-normalised per issue.
    """
    gen = make_rng(seed)
    vals = _file_values(arrays)
    out: dict[str, np.ndarray] = {}
    for f in FIELDS:
        lo = np.where(np.isnan(arrays.low[f]), vals[f], arrays.low[f])
        hi = np.where(np.isnan(arrays.high[f]), vals[f], arrays.high[f])
        x = triangular_draws(gen, lo, vals[f], hi, int(draws))
        out[f] = np.where(np.isnan(vals[f]), np.nan, x)
    out["salience"] = np.clip(out["salience"], 0.0, 1.0)
    mask = np.broadcast_to(arrays.mask, out["position"].shape)
    out["capability"] = normalise_capability(np.where(mask, out["capability"], 0.0), mask)
    out["salience"] = np.where(mask, out["salience"], 0.0)
    return replace(arrays, **out)


def triangular_draws(
    rng: np.random.Generator, lo: np.ndarray, mode: np.ndarray, hi: np.ndarray, draws: int
) -> np.ndarray:
    """``draws`` triangular draws ``(draws, *mode.shape)`` on ``[lo, mode, hi]`` by the inverse
    CDF, one uniform number per element from ``rng``; the mode itself where low == high."""
    u = rng.random((draws, *mode.shape))
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    c = np.clip((mode - lo) / safe, 0.0, 1.0)
    left = lo + np.sqrt(u * c) * safe
    right = hi - np.sqrt((1.0 - u) * (1.0 - c)) * safe
    x = np.where(u < c, left, right)
    return np.where(span > 0, x, mode)


def with_spread(arrays: ScenarioArrays, spread: float) -> ScenarioArrays:
    """``arrays`` with a range given to every number that has none: positions, red lines and
    no-deal points ``± spread`` of the issue's scale width (within the scale), saliences
    ``± spread`` (within 0-1), capabilities ``× (1 ± spread)``. ``spread = 0`` changes nothing.

    For data without ranges (a Decide CSV file): a stated, uniform uncertainty to explore.
    """
    if not 0 <= spread < 1:
        raise ModelError(f"spread must lie in [0, 1), got {spread!r}")
    if spread == 0:
        return arrays
    width = np.asarray(arrays.upper) - np.asarray(arrays.lower)
    values = _file_values(arrays)
    low, high = dict(arrays.low), dict(arrays.high)
    for f, v in values.items():
        if f == "capability":
            lo, hi = v * (1 - spread), v * (1 + spread)
        elif f == "salience":
            lo, hi = np.clip(v - spread, 0, 1), np.clip(v + spread, 0, 1)
        else:
            lo = np.maximum(v - spread * width, arrays.lower)
            hi = np.minimum(v + spread * width, arrays.upper)
        none = ~(np.asarray(high[f]) > np.asarray(low[f]))
        low[f] = np.where(none, lo, low[f])
        high[f] = np.where(none, hi, high[f])
    return replace(arrays, low=low, high=high)
