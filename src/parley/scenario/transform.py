"""Change the unit (and origin) of issue scales: every number on a scale mapped alike.

:func:`rescale` maps each chosen issue's scale by ``v -> offset + factor * v`` (``factor >
0``) and with it every number that lies on that scale: the scale's ends, its labelled points,
each stance's position, red line and no-deal point (value, ``low``, ``high``; a truncated
normal's ``sd`` by ``factor`` alone), each package's position, and lever changes of a
position, red line, no-deal point or outcome (``set`` mapped, ``shift`` times ``factor``).
Nothing else changes: saliences, capabilities, probabilities and explicit game payoffs are not
on an issue's scale.

parley's results are meant not to depend on the unit of a scale (utilities are in shares of
the scale; see :mod:`parley.analysis.utility`), so a scenario and its rescaled copy give the
same forecasts once mapped back, the same zone of agreement and the same outcome odds; the
test ``tests/scenario/test_transform.py`` checks this with factors 1e-6 and 1e9. Use it to
move a scenario to another unit (a budget coded in millions to billions, a 0-1 coding to
0-100).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from parley.scenario.schema import Scenario

__all__ = ["rescale"]

_ON_SCALE = ("position", "red_line", "no_deal")
_LEVER_ON_SCALE = ("position", "red_line", "no_deal", "outcome")


def rescale(
    scenario: Scenario,
    factor: float,
    offset: float = 0.0,
    issues: Iterable[str] | None = None,
) -> Scenario:
    """A copy of ``scenario`` with the scales of ``issues`` (default: all) mapped by
    ``v -> offset + factor * v``, and every number on those scales with them.

    Raises ``ValueError`` if ``factor`` is not a positive finite number, if ``offset`` is not
    finite, if an issue id is unknown, if a mapped number overflows, or if ``offset`` is not 0
    and a lever *scales* (multiplies) a number on a mapped scale (a product does not commute
    with a change of origin).
    """
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError(f"factor must be a positive finite number, got {factor!r}")
    if not math.isfinite(offset):
        raise ValueError(f"offset must be finite, got {offset!r}")
    known = scenario.issue_ids
    chosen = set(known if issues is None else issues)
    unknown = sorted(chosen - set(known))
    if unknown:
        raise ValueError(f"unknown issue(s): {', '.join(unknown)}")

    def point(v: float) -> float:
        out = offset + factor * v
        if not math.isfinite(out):
            raise ValueError(f"{v!r} x {factor!r} + {offset!r} overflows a float")
        return out

    data = scenario.model_dump()
    for issue in data["issues"]:
        if issue["id"] not in chosen:
            continue
        issue["scale"] = {k: point(v) for k, v in issue["scale"].items()}
        issue["points"] = {point(k): label for k, label in issue["points"].items()}
    for per_issue in data["stances"].values():
        for iid, stance in per_issue.items():
            if iid in chosen:
                for name in _ON_SCALE:
                    if stance[name] is not None:
                        stance[name] = _estimate(stance[name], point, factor)
    for pkg in data["packages"]:
        pkg["positions"] = {
            iid: point(v) if iid in chosen else v for iid, v in pkg["positions"].items()
        }
    for lever in data["levers"]:
        for change in [*lever["changes"], *lever["cost"]]:
            if change["issue"] in chosen and change["field"] in _LEVER_ON_SCALE:
                _change(change, point, factor, offset, lever["id"])
    return Scenario.model_validate(data)


def _estimate(est: dict[str, Any], point: Any, factor: float) -> dict[str, Any]:
    out = dict(est)
    for k in ("value", "low", "high"):
        if out[k] is not None:
            out[k] = point(out[k])
    if out["sd"] is not None:
        out["sd"] = out["sd"] * factor
    return out


def _change(
    change: dict[str, Any], point: Any, factor: float, offset: float, lever: str
) -> None:
    if change["set"] is not None:
        change["set"] = point(change["set"])
    if change["shift"] is not None:
        change["shift"] = change["shift"] * factor
    if change["scale"] is not None and offset != 0:
        raise ValueError(
            f"lever {lever!r} scales {change['field']} on {change['issue']}: a product does "
            "not survive a change of origin; rescale with offset 0"
        )
