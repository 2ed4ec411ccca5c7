"""Baseline against variant, and every lever ranked: the functions behind ``parley compare``
and ``parley levers``.

A *snapshot* of a scenario is what an analyst compares: every model's forecast, the veto
players' zone of agreement (:mod:`parley.analysis.space`), each outcome's probability
(:mod:`parley.analysis.outcomes`) and each actor's *expected utility*,

    EU_a = sum_k P(k) u_a(k) + P(no agreement) u_a(no deal)

over the agreements ``k`` (packages needing someone's consent; the status-quo packages are part
of "no agreement"), with ``u_a(k)`` the actor's utility of the package in the deal world
(promises in force kept) and ``u_a(no deal)`` that of its no-deal world (threats in force
carried out), both at the point estimates (:func:`parley.analysis.levers.expected_utility`;
the probabilities are the Monte Carlo means). Utilities are minus salience-weighted distances,
so only differences mean something: a lever raising an actor's EU by 0.1 is worth to it a move
across the whole scale of an issue of salience 0.1.

``rank_levers`` pulls each lever alone and reports its effect on its own actor's EU, on the
probability of any agreement and of each outcome, and whether it is credible (see
:mod:`parley.analysis.levers` for the test of credibility).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.scenario.loader import LoadedScenario
from parley.scenario.schema import Lever
from parley.whatif import Variant, apply

__all__ = ["NO_AGREEMENT", "compare", "rank_levers", "snapshot"]

NO_AGREEMENT = "no_agreement"
"""The key of the no-agreement outcome among the outcome probabilities."""


def _check_loss(loss: str) -> None:
    from parley.analysis.utility import LOSSES

    if loss not in LOSSES:
        raise ModelError(f"unknown loss {loss!r} (choose from: {', '.join(LOSSES)})")


def in_force(loaded: LoadedScenario) -> list[Lever]:
    """The levers whose threats and promises are in force in a :class:`Variant`."""
    ids = loaded.levers if isinstance(loaded, Variant) else ()
    return [lv for lv in loaded.scenario.levers if lv.id in ids]


def snapshot(
    loaded: LoadedScenario,
    *,
    models: Sequence[str] | None = None,
    loss: str = "linear",
    precision: float | None = None,
    draws: int | None = None,
    seed: int | None = 0,
    zone: bool = True,
    consent_bias: float | None = None,
    no_proposal: float | None = None,
) -> dict[str, Any]:
    """Forecasts (``models``; none if an empty list), the zone of agreement (if ``zone``),
    outcome probabilities and expected utilities of one scenario or variant. ``precision``,
    ``consent_bias`` and ``no_proposal`` are the outcome model's parameters
    (:func:`parley.analysis.outcomes.outcomes`; None: the fitted default)."""
    from parley.analysis.levers import expected_utility, no_deal_utility, world_utilities
    from parley.odds import outcomes
    from parley.scenario.arrays import to_arrays

    levers = in_force(loaded)
    s = loaded.scenario
    out: dict[str, Any] = {}
    if models is None or len(models) > 0:
        from parley.forecast import forecast

        fc = forecast(loaded, models)
        out["forecasts"] = {
            m: {iid: float(f.position) for iid, f in res.issues.items()}
            for m, res in fc.models.items()
        }
    kw: dict[str, Any] = {"loss": loss, "seed": seed}
    for key, value in (("precision", precision), ("consent_bias", consent_bias),
                       ("no_proposal", no_proposal)):
        if value is not None:
            kw[key] = value
    if draws is not None:
        kw["draws"] = draws
    res = outcomes(s, loaded.name, levers=[lv.id for lv in levers], **kw).to_dict()
    rows = res["outcomes"]
    probs = {r["id"]: float(r["probability"]) for r in rows}
    agreement = np.array([bool(r["parties"]) for r in rows])
    arrays = to_arrays(s)
    P = np.array([[r["positions"][i] for i in arrays.issues] for r in rows]).reshape(
        len(rows), arrays.n_issues
    )
    u_deal, _, _ = world_utilities(P, arrays, levers, loss, [r["id"] for r in rows])
    u_none = no_deal_utility(arrays, levers, loss)
    p = np.where(agreement, [probs[r["id"]] for r in rows], 0.0)
    p_none = max(0.0, 1.0 - float(p.sum()))
    probs[NO_AGREEMENT] = p_none
    eu = expected_utility(p, p_none, u_deal, u_none)
    out["outcomes"] = probs
    out["expected_utility"] = {a: float(x) for a, x in zip(arrays.actors, eu, strict=True)}
    if zone:
        out["zone"] = _zone(loaded, levers, loss)
    out["levers_in_force"] = [lv.id for lv in levers]
    return out


def _zone(loaded: LoadedScenario, levers: list[Lever], loss: str) -> dict[str, Any]:
    from parley.analysis.levers import threat_world
    from parley.analysis.players import veto_players
    from parley.analysis.space import agreement_space
    from parley.scenario.arrays import to_arrays

    arrays = to_arrays(loaded.scenario)
    veto, _ = veto_players(arrays)
    if levers:
        arrays = threat_world(arrays, levers)
    z = agreement_space(arrays, veto, loss).to_dict()
    return {
        "actors": veto,
        "exists": z["zone"]["exists"],
        "min_surplus": z["zone"]["min_surplus"],
        "package": z["zone"]["package"],
        "settlement": z["settlement"]["exists"],
    }


def _delta(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {k: float(b[k]) - float(a[k]) for k in a if k in b}


def diff(base: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """Variant minus baseline, field by field (``zone``: whether existence changed and the
    change of the worst-off member's surplus)."""
    out: dict[str, Any] = {}
    if "forecasts" in base:
        out["forecasts"] = {
            m: _delta(base["forecasts"][m], variant["forecasts"][m]) for m in base["forecasts"]
        }
    out["outcomes"] = _delta(base["outcomes"], variant["outcomes"])
    out["expected_utility"] = _delta(base["expected_utility"], variant["expected_utility"])
    if "zone" in base:
        bz, vz = base["zone"], variant["zone"]
        ms = None
        if bz["min_surplus"] is not None and vz["min_surplus"] is not None:
            ms = float(vz["min_surplus"]) - float(bz["min_surplus"])
        out["zone"] = {
            "exists_changed": bz["exists"] != vz["exists"],
            "settlement_changed": bz["settlement"] != vz["settlement"],
            "min_surplus": ms,
        }
    return out


def compare(
    loaded: LoadedScenario,
    levers: Sequence[str] = (),
    sets: Sequence[str] = (),
    **options: Any,
) -> dict[str, Any]:
    """``{"scenario", "baseline", "variant", "diff"}``: the scenario as it is and with the
    ``levers`` pulled and ``sets`` applied (:func:`parley.whatif.apply`); ``options`` go to
    :func:`snapshot`."""
    _check_loss(options.get("loss", "linear"))
    variant = apply(loaded, levers, sets)
    base = snapshot(loaded, **options)
    var = snapshot(variant, **options)
    var["applied"] = list(variant.applied)
    return {"scenario": loaded.name, "baseline": base, "variant": var, "diff": diff(base, var)}


def _credibility(
    loaded: LoadedScenario, lever: Lever, effect_on_actor: float, likeliest: str | None,
    loss: str, draws: int, seed: int | None,
) -> tuple[bool, str]:
    """Whether the lever is credible, and why, in figures (see module docstring)."""
    from parley.analysis.levers import EPS, promise_credibility, threat_credibility

    if lever.kind == "what-if":
        ok = effect_on_actor >= -EPS
        verb = "lowers" if not ok else "raises" if effect_on_actor > EPS else "leaves"
        return ok, (
            f"an unconditional move: {'credible' if ok else 'not credible'} since pulling it "
            f"{verb} {lever.actor}'s expected utility ({effect_on_actor:+.3f})"
        )
    variant = apply(loaded, [lever.id])
    arrays = _arrays(variant.scenario)
    parts: list[str] = []
    ok = True
    if lever.kind in ("threat", "threat and promise"):
        without, carried = threat_credibility(arrays, lever, loss)
        delta = float(carried - without)
        ok_t = delta >= -EPS
        ok &= ok_t
        share = _share_credible(variant, lever, loss, draws, seed)
        parts.append(
            f"carrying out the threat changes {lever.actor}'s no-deal utility by {delta:+.3f} "
            f"({'no worse off' if ok_t else 'worse off'}; credible in {share:.0%} of "
            f"{draws} draws of the uncertain inputs)"
        )
    if lever.kind in ("promise", "threat and promise"):
        pkg = next((p for p in variant.scenario.packages if p.id == likeliest), None)
        if pkg is None:
            parts.append("no agreement to keep the promise for: credible by default")
        else:
            P = np.array([[pkg.positions[i] for i in arrays.issues]])
            without, kept = promise_credibility(P, arrays, lever, loss)
            delta = float(kept[0] - without[0])
            ok_p = delta >= -EPS
            ok &= ok_p
            parts.append(
                f"keeping the promise in the likeliest agreement ({pkg.id}) changes "
                f"{lever.actor}'s utility by {delta:+.3f} "
                f"({'no worse off' if ok_p else 'worse off'})"
            )
    return ok, "; ".join(parts)


def _arrays(scenario: Any) -> Any:
    from parley.scenario.arrays import to_arrays

    return to_arrays(scenario)


def _share_credible(
    variant: LoadedScenario, lever: Lever, loss: str, draws: int, seed: int | None
) -> float:
    from parley.analysis.levers import EPS, threat_credibility
    from parley.simulation.sampling import sample_cells

    arrays = _arrays(variant.scenario)
    if draws == 0:
        without, carried = threat_credibility(arrays, lever, loss)
        return float(carried >= without - EPS)
    sampled = sample_cells(arrays, draws, np.random.default_rng(seed))
    without, carried = threat_credibility(sampled, lever, loss)
    return float(np.mean(carried >= without - EPS))


def _likeliest_agreement(
    probs: dict[str, float], loaded: LoadedScenario, among: list[str] | None = None
) -> str | None:
    """The most probable package that is an agreement (not the status quo), if any, among
    the packages ``among`` (default: all)."""
    from parley.analysis.players import package_parties
    from parley.scenario.arrays import to_arrays

    s = loaded.scenario
    if not s.packages:
        return None
    arrays = to_arrays(s)
    P = np.array([[p.positions[i] for i in arrays.issues] for p in s.packages])
    parties = package_parties(arrays, P)
    agreements = [
        p.id for p, pp in zip(s.packages, parties, strict=True)
        if pp.parties and (among is None or p.id in among)
    ]
    return max(agreements, key=lambda k: probs.get(k, 0.0), default=None)


def rank_levers(
    loaded: LoadedScenario,
    *,
    loss: str = "linear",
    precision: float | None = None,
    draws: int | None = None,
    seed: int | None = 0,
    consent_bias: float | None = None,
    no_proposal: float | None = None,
) -> dict[str, Any]:
    """``{"levers": [{"id", "actor", "kind", "effect_on_actor", "effect_on_deal", "effects",
    "credible", "why"}]}``, ranked by ``effect_on_actor`` (largest first), then by
    ``effect_on_deal``; the outcome model's parameters go to :func:`snapshot`."""
    from parley.analysis.outcomes import DEFAULT_DRAWS

    _check_loss(loss)
    n_draws = DEFAULT_DRAWS if draws is None else draws
    opts: dict[str, Any] = {"models": [], "zone": False, "loss": loss, "precision": precision,
                            "draws": draws, "seed": seed, "consent_bias": consent_bias,
                            "no_proposal": no_proposal}
    s = loaded.scenario
    if not s.levers:
        return {"levers": []}
    base = snapshot(loaded, **opts)
    rows = []
    for lv in s.levers:
        var = snapshot(apply(loaded, [lv.id]), **opts)
        effects = _delta(base["outcomes"], var["outcomes"])
        on_actor = var["expected_utility"][lv.actor] - base["expected_utility"][lv.actor]
        on_deal = -effects[NO_AGREEMENT]
        likeliest = _likeliest_agreement(var["outcomes"], loaded, lv.packages)
        credible, why = _credibility(loaded, lv, on_actor, likeliest, loss, n_draws, seed)
        rows.append({
            "id": lv.id,
            "actor": lv.actor,
            "kind": lv.kind,
            "effect_on_actor": on_actor,
            "effect_on_deal": on_deal,
            "effects": effects,
            "credible": bool(credible),
            "why": why,
        })
    rows.sort(key=lambda r: (-r["effect_on_actor"], -r["effect_on_deal"]))
    return {"levers": rows}
