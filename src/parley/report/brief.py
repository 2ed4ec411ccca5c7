"""The analyst's brief: what parley's analyses say about a scenario, in plain words.

:func:`build_brief` runs the analyses (every model's forecast, the outcome model with its
agreement space, the levers and the game where the scenario has them) and turns their figures
into sentences. Every sentence is built from a computed number or list; nothing in this module
knows any particular scenario. The brief reconciles the three views that parley offers and
that otherwise seem to tell different stories:

1. the dynamic and static models say where positions *drift* if a deal is made
   (:mod:`parley.models`);
2. the agreement space says what *every veto player can accept*
   (:mod:`parley.analysis.space`);
3. the outcome odds say *whether any deal happens* at all (:mod:`parley.analysis.outcomes`).

A forecast that crosses a veto player's red line is where the models' positions drift, not a
deal anyone would sign; the zone of agreement is where a deal could be signed; and the odds
weigh whether the agenda setter proposes one and the others consent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.scenario.labels import nearest_label

__all__ = ["AGREE_SHARE", "FRAGILE_SHARE", "build_brief"]

AGREE_SHARE = 0.10
"""Models 'agree' on an issue when their forecasts span at most this share of its scale."""

FRAGILE_SHARE = 0.70
"""A conclusion holding in fewer than this share of the Monte Carlo draws is fragile."""

_TOP_LEVERS = 3


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%"


def _num(x: float) -> str:
    return f"{x:.3g}"


def _names(ids: list[str], names: dict[str, str]) -> str:
    words = [names.get(a, a) for a in ids]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _issue_section(fc: dict[str, Any], scenario: Any) -> list[dict[str, Any]]:
    out = []
    for iss in scenario.issues:
        per = {m: r["issues"][iss.id] for m, r in fc["models"].items() if iss.id in r["issues"]}
        pos = {m: float(f["position"]) for m, f in per.items()}
        if not pos:
            continue
        width = float(iss.scale.max - iss.scale.min)
        central = float(np.median(list(pos.values())))
        lo_m = min(pos, key=pos.__getitem__)
        hi_m = max(pos, key=pos.__getitem__)
        spread = pos[hi_m] - pos[lo_m]
        share = spread / width if width > 0 else 0.0
        crossing = sorted({a for f in per.values() for a in f.get("veto_red_lines_crossed", [])})
        base = per.get("compromise", next(iter(per.values())))
        out.append({
            "id": iss.id,
            "title": iss.title,
            "forecasts": pos,
            "median_forecast": central,
            "label": nearest_label(iss.points, central),
            "spread": spread,
            "spread_share": share,
            "models_agree": share <= AGREE_SHARE,
            "lowest": {"model": lo_m, "position": pos[lo_m],
                       "label": nearest_label(iss.points, pos[lo_m])},
            "highest": {"model": hi_m, "position": pos[hi_m],
                        "label": nearest_label(iss.points, pos[hi_m])},
            "interval": base.get("interval"),
            "red_lines_crossed_by_some_model": crossing,
        })
    return out


def _why_blocked(
    outcome: dict[str, Any], arrays: Any, loss: str, names: dict[str, str]
) -> list[dict[str, Any]]:
    from parley.analysis.explain import explain_package

    pkg = np.array([outcome["positions"][i] for i in arrays.issues], dtype=float)
    why = explain_package(pkg, arrays, loss)
    rows = []
    for a in outcome["blocked_by"]:
        w = why[a]
        worst = min(w["by_issue"], key=w["by_issue"].__getitem__) if w["by_issue"] else None
        parts = []
        for rl in w["red_lines_crossed"]:
            parts.append(f"it crosses {a}'s red line on {rl['issue']} by "
                         f"{_num(rl['beyond'])}")
        if w["surplus"] <= 0:
            text = (f"it leaves {a} worse off than no deal (surplus "
                    f"{w['surplus']:+.3f})")
            if worst is not None:
                text += f", most of all on {worst} ({w['by_issue'][worst]:+.3f})"
            parts.append(text)
        rows.append({"actor": a, "surplus": w["surplus"], "by_issue": w["by_issue"],
                     "red_lines_crossed": w["red_lines_crossed"], "reasons": parts})
    return rows


def _robustness(*reports: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for rep in reports:
        for r in (rep or {}).get("robustness") or []:
            rows.append(dict(r))
    return rows


def _robustness_row(
    rows: list[dict[str, Any]], kind: str, package: str | None
) -> dict[str, Any] | None:
    """The robustness row of the conclusion of ``kind`` about ``package`` (see
    :func:`parley.analysis.outcomes.outcome_conclusions`), if any."""
    for r in rows:
        about = r.get("about") or {}
        if about.get("kind") == kind and about.get("package") == package:
            return r
    return None


def _held(rows: list[dict[str, Any]], kind: str, package: str | None) -> str:
    """"holds in 5% of the draws (fragile)": how far the conclusion of ``kind`` about
    ``package`` holds over the draws of the uncertain inputs; empty when not assessed."""
    r = _robustness_row(rows, kind, package)
    if r is None or r.get("holds_share") is None:
        return ""
    text = f"holds in {_pct(r['holds_share'])} of the draws of the uncertain inputs"
    return text + (" (fragile)" if r.get("fragile") else "")


def _fragile_note(rows: list[dict[str, Any]], kind: str, package: str | None) -> str:
    """A clause saying a conclusion is fragile, or nothing when it is not (or not assessed)."""
    r = _robustness_row(rows, kind, package)
    if r is None or not r.get("fragile") or r.get("holds_share") is None:
        return ""
    share = _pct(r["holds_share"])
    return f" (fragile: this holds in {share} of the draws of the uncertain inputs)"


def _outcome_rows(
    out: dict[str, Any], arrays: Any, loss: str, names: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for o in out["outcomes"]:
        row = {
            "id": o["id"],
            "name": o["name"],
            "probability": float(o["probability"]),
            "interval": o.get("interval"),
            "agreement": bool(o["parties"]),
            "generated": bool(o.get("generated", False)),
            "parties": o["parties"],
            "blocked_by": o["blocked_by"],
        }
        row["why_blocked"] = _why_blocked(o, arrays, loss, names) if o["blocked_by"] else []
        rows.append(row)
    return rows


def _sentences(b: dict[str, Any], names: dict[str, str]) -> dict[str, list[str]]:
    s: dict[str, list[str]] = {}
    issues = b["issues"]
    drift = []
    for it in issues:
        lab = f" ({it['label']})" if it["label"] else ""
        if it["models_agree"]:
            drift.append(f"{it['title']}: the models agree, around {_num(it['median_forecast'])}"
                         f"{lab}, within {_num(it['spread'])} points.")
        else:
            lo, hi = it["lowest"], it["highest"]
            drift.append(
                f"{it['title']}: the models disagree, from {_num(lo['position'])} "
                f"({lo['model']}) to {_num(hi['position'])} ({hi['model']}); their median is "
                f"{_num(it['median_forecast'])}{lab}."
            )
        if it["red_lines_crossed_by_some_model"]:
            drift[-1] += (" Some forecasts cross the red line of "
                          f"{_names(it['red_lines_crossed_by_some_model'], names)}.")
    s["issues"] = drift

    z = b["space"]
    space = []
    if z is None:
        space.append("The agreement space could not be computed for this scenario.")
    else:
        veto = _names(z["actors"], names)
        if z["zone"]["exists"]:
            space.append(
                f"A deal every veto player ({veto}) prefers to no deal exists: at its best it "
                f"leaves the least satisfied of them {z['zone']['min_surplus']:.3f} above its "
                "no-deal utility."
            )
            if z["zone"].get("left_as_is"):
                space.append("Such a deal leaves " + ", ".join(z["zone"]["left_as_is"])
                             + " where they stand today.")
        else:
            space.append(f"No package is acceptable to every veto player ({veto}).")
        if not z["settlement"]["exists"]:
            space.append("No settlement of every issue is acceptable to all of them.")
        for c in z["collisions"]:
            space.append(f"The red lines of {_names(c['actors'], names)} on {c['issue']} do not "
                         f"meet: they are {_num(c['gap'])} apart.")
        if z.get("smallest_concession"):
            sc = z["smallest_concession"]
            text = sc.get("text") if isinstance(sc, dict) else str(sc)
            if text:
                space.append(f"The smallest concession that would change this: {text}.")
    s["space"] = space

    odds = []
    for o in sorted(b["outcomes"], key=lambda r: -r["probability"]):
        iv = o["interval"]
        iv_text = f" (90% interval {_pct(iv[0])}-{_pct(iv[1])})" if iv else ""
        text = f"{o['name']}: {_pct(o['probability'])}{iv_text}"
        if o["blocked_by"]:
            text += f"; blocked by {_names(o['blocked_by'], names)}"
            reasons = [r for w in o["why_blocked"] for r in w["reasons"]]
            if reasons:
                text += ", because " + "; ".join(reasons)
            held = _held(b["robustness"], "blocked_by", o["id"])
            if held:
                text += f"; this block {held}"
        odds.append(text + ".")
    s["outcomes"] = odds

    lev = []
    for row in b["levers"]:
        cred = "credible" if row["credible"] else "not credible"
        lev.append(
            f"{row['id']} ({names.get(row['actor'], row['actor'])}): changes its own expected "
            f"utility by {row['effect_on_actor']:+.3f} and the chance of an agreement by "
            f"{100 * row['effect_on_deal']:+.0f} points; {cred} ({row['why']})."
        )
    s["levers"] = lev

    g = b["game"]
    game = []
    if g is not None and g.get("spe"):
        path = " -> ".join(f"{names.get(st['player'], st['player'])} {st['move']}"
                           for st in g["spe"]["path"])
        game.append(f"If every side plays its best reply at every turn (subgame-perfect "
                    f"equilibrium): {path}, which leads to {g['spe']['package'] or 'no deal'}.")
        qp = (g.get("qre") or {}).get("packages") or {}
        if qp:
            top = max(qp, key=qp.__getitem__)
            game.append(f"Allowing for mistakes (logit quantal response, precision "
                        f"{_num(g['qre']['precision'])}), the likeliest end is {top} "
                        f"({_pct(qp[top])}).")
    s["game"] = game

    fr = []
    for r in b["robustness"]:
        unstable = [k for k, v in r.get("holds_under", {}).items() if not v]
        text = f"\"{r['conclusion']}\" holds in {_pct(r['holds_share'])} of the draws"
        if unstable:
            text += " and fails under " + ", ".join(unstable)
        fr.append(text + (": fragile." if r.get("fragile") else "."))
    s["robustness"] = fr

    rec = []
    drifting = [it["title"] for it in issues if it["red_lines_crossed_by_some_model"]]
    p_deal = sum(o["probability"] for o in b["outcomes"] if o["agreement"])
    likeliest = max(b["outcomes"], key=lambda r: r["probability"]) if b["outcomes"] else None
    deals = [o for o in b["outcomes"] if o["agreement"]]
    best_deal = max(deals, key=lambda r: r["probability"]) if deals else None
    if drifting:
        rec.append("Where positions drift is not a deal: on " + ", ".join(drifting)
                   + " some models' forecasts cross a veto player's red line, so a deal there "
                   "would be refused.")
    if z is not None:
        rec.append("What every veto player can accept: "
                   + ("a zone of agreement exists." if z["zone"]["exists"]
                      else "nothing; no zone of agreement exists."))
    rec.append(f"Whether any deal happens: an agreement of some kind has a probability of "
               f"{_pct(p_deal)}"
               + (f"; the likeliest agreement is {best_deal['name']} "
                  f"({_pct(best_deal['probability'])})"
                  + _fragile_note(b["robustness"], "likeliest_agreement", best_deal["id"])
                  if best_deal else "")
               + (f"; the likeliest outcome overall is {likeliest['name']} "
                  f"({_pct(likeliest['probability'])})" if likeliest else "")
               + _fragile_note(b["robustness"], "likeliest_outcome",
                               likeliest["id"] if likeliest else None)
               + ".")
    s["reconciliation"] = rec
    return s


def build_brief(
    loaded: Any,
    *,
    loss: str = "linear",
    seed: int | None = 0,
    draws: int | None = None,
    precision: float | None = None,
    interval: float | None = 0.8,
    forecast_data: dict[str, Any] | None = None,
    consent_bias: float | None = None,
    no_proposal: float | None = None,
) -> dict[str, Any]:
    """Run the analyses on ``loaded`` (a :class:`~parley.scenario.loader.LoadedScenario` or
    a what-if variant) and return the brief as data: the figures (``issues``, ``space``,
    ``outcomes``, ``levers``, ``game``, ``robustness``) and the ``sentences`` built from them,
    section by section. ``forecast_data`` is the forecast's JSON, if already computed.
    ``precision``, ``consent_bias`` and ``no_proposal`` are the outcome model's parameters
    (None: the fitted defaults), used for the odds and the levers."""
    from parley.analysis.outcomes import (
        DEFAULT_CONSENT_BIAS,
        DEFAULT_DRAWS,
        DEFAULT_NO_PROPOSAL,
        DEFAULT_PRECISION,
    )
    from parley.forecast import forecast
    from parley.odds import outcome_report
    from parley.scenario.arrays import to_arrays

    scenario = loaded.scenario
    arrays = to_arrays(scenario)
    names = {a.id: (a.name or a.id) for a in scenario.actors}
    fc = forecast_data or forecast(loaded, interval=interval, seed=seed).to_dict()
    opts: dict[str, Any] = {
        "loss": loss, "seed": seed,
        "draws": DEFAULT_DRAWS if draws is None else draws,
        "precision": DEFAULT_PRECISION if precision is None else precision,
        "consent_bias": DEFAULT_CONSENT_BIAS if consent_bias is None else consent_bias,
        "no_proposal": DEFAULT_NO_PROPOSAL if no_proposal is None else no_proposal,
    }
    out = outcome_report(scenario, loaded.name, solutions=False, **opts)
    levers: list[dict[str, Any]] = []
    if scenario.levers:
        from parley.compare import rank_levers

        ranked = rank_levers(loaded, loss=loss, precision=opts["precision"],
                             draws=opts["draws"], seed=seed, consent_bias=opts["consent_bias"],
                             no_proposal=opts["no_proposal"])["levers"]
        levers = sorted(ranked, key=lambda r: -abs(r["effect_on_actor"]))[:_TOP_LEVERS]
    game = None
    if getattr(scenario, "game", None) is not None:
        from parley.games import game_report

        # the QRE keeps its own precision (DEFAULT_QRE_PRECISION), as ``parley game`` does
        game = game_report(scenario, loaded.name, loss=loss, seed=seed)
    brief: dict[str, Any] = {
        "scenario": loaded.name,
        "title": scenario.title,
        "date": None if scenario.date is None else str(scenario.date),
        "issues": _issue_section(fc, scenario),
        "space": out.get("zopa"),
        "outcomes": _outcome_rows(out, arrays, loss, names),
        "no_agreement": float(out.get("no_agreement", 0.0)),
        "levers": levers,
        "game": game,
        "robustness": _robustness(out, game),
        "model": {"loss": loss, **{k: v for k, v in opts.items() if k != "loss"},
                  "interval": interval},
    }
    brief["sentences"] = _sentences(brief, names)
    return brief
