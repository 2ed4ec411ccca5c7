"""What-ifs: a scenario with some of its levers pulled and some of its numbers set.

``apply(loaded, levers=["usa.us-suspends-aid"], sets=["russia.sanctions.no_deal=0"])``
returns the variant every analysing command works on (``--lever`` and ``--set`` on the
command line). Unconditional changes (``when: always``, and every ``--set``) are written into
the variant's numbers, so every model and analysis sees them; the threats and promises of a
pulled lever (``when: refuses`` / ``accepts``) cannot be, since they change one actor's payoff
of one choice: the variant keeps them, as the levers named in :attr:`Variant.levers`, for the
analyses that use them (:func:`parley.analysis.outcomes.outcomes` with ``levers=``). See
:mod:`parley.analysis.levers` and docs/levers.md.

A ``set`` removes the number's uncertainty range (the what-if is a point); ``shift`` and
``scale`` move the range with the value. Results are clipped to the field's range (issue
scale, salience 0-1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from parley.errors import ScenarioError
from parley.scenario.loader import LoadedScenario
from parley.scenario.schema import Change, Lever, Scenario

__all__ = ["SET_FIELDS", "Variant", "apply", "find_lever", "parse_set", "with_changes"]

SET_FIELDS = ("position", "salience", "capability", "red_line", "no_deal")


class Variant(LoadedScenario):
    """A :class:`LoadedScenario` with what-ifs applied."""

    def __init__(
        self,
        scenario: Scenario,
        name: str,
        path: Any,
        levers: tuple[str, ...] = (),
        applied: tuple[str, ...] = (),
    ) -> None:
        super().__init__(scenario, name, path)
        self.levers = levers
        """Ids of the pulled levers whose threats and promises are in force."""
        self.applied = applied
        """What was applied, as given (``ACTOR.LEVER`` and ``ACTOR.ISSUE.FIELD=VALUE``)."""


def find_lever(scenario: Scenario, ref: str) -> Lever:
    """The lever named ``ACTOR.LEVER`` (or a bare lever id), else a :class:`ScenarioError`."""
    return lever_by_ref(scenario.levers, ref)


def lever_by_ref(levers: Sequence[Lever], ref: str) -> Lever:
    """The lever of ``levers`` named ``ACTOR.LEVER`` (or a bare lever id), else a
    :class:`ScenarioError` listing them."""
    for lv in levers:
        if ref in (f"{lv.actor}.{lv.id}", lv.id):
            return lv
    known = ", ".join(f"{lv.actor}.{lv.id}" for lv in levers) or "none"
    raise ScenarioError(f"--lever {ref!r}: no such lever (levers: {known})")


def parse_set(scenario: Scenario, item: str) -> Change:
    """``ACTOR.ISSUE.FIELD=VALUE`` (or ``ACTOR.capability=VALUE``) as a :class:`Change`."""
    key, sep, raw = item.partition("=")
    head, dot, fld = key.strip().rpartition(".")
    fld = fld.replace("-", "_")
    if not sep or not dot:
        raise ScenarioError(f"--set {item!r}: expected ACTOR.ISSUE.FIELD=VALUE")
    if fld not in SET_FIELDS:
        raise ScenarioError(
            f"--set {item!r}: unknown field {fld!r} (fields: {', '.join(SET_FIELDS)})"
        )
    try:
        value = float(raw)
    except ValueError:
        raise ScenarioError(f"--set {item!r}: {raw.strip()!r} is not a number") from None
    actors, issues = scenario.actor_ids, scenario.issue_ids
    if head in actors and fld == "capability":
        return _change(scenario, item, {"actor": head, "field": fld, "set": value})
    for a in actors:
        iid = head[len(a) + 1:]
        if head.startswith(a + ".") and iid in issues and scenario.stance(a, iid) is not None:
            return _change(scenario, item, {"actor": a, "field": fld, "issue": iid, "set": value})
    raise ScenarioError(
        f"--set {item!r}: {head!r} is not ACTOR.ISSUE of an actor with a stance on the issue "
        f"(actors: {', '.join(actors)}; issues: {', '.join(issues)})"
    )


def _change(scenario: Scenario, item: str, data: dict[str, Any]) -> Change:
    try:
        change = Change.model_validate(data)
        scenario.check_change(change, "value")
    except ValidationError as err:
        msg = str(err.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        raise ScenarioError(f"--set {item!r}: {msg}") from None
    except ValueError as err:
        raise ScenarioError(f"--set {item!r}: {err}") from None
    return change


def _transform(est: dict[str, Any] | None, ch: Change, lo: float, hi: float) -> dict[str, Any]:
    """An estimate (as dumped) with the change applied to its value and range."""
    if ch.set is not None or est is None:
        value = ch.set if ch.set is not None else 0.0
        return {"value": min(max(value, lo), hi), "note": f"what-if: set to {value:g}"}
    out = dict(est)
    for k in ("value", "low", "high"):
        if out.get(k) is not None:
            x = out[k] + ch.shift if ch.shift is not None else out[k] * (ch.scale or 0.0)
            out[k] = min(max(x, lo), hi)
    return out


def with_changes(scenario: Scenario, changes: Sequence[Change], what: str = "what-if") -> Scenario:
    """A copy of ``scenario`` with ``changes`` applied to its numbers (their ``when`` is
    ignored: pass only the unconditional ones). A capability change without an issue applies
    to the actor's capability and to each of its issue-specific capabilities."""
    if not changes:
        return scenario
    data = scenario.model_dump(exclude_none=True)
    scales = {i.id: (i.scale.min, i.scale.max) for i in scenario.issues}
    inf = float("inf")
    for ch in changes:
        if ch.issue is None:
            actor = next(a for a in data["actors"] if a["id"] == ch.actor)
            actor["capability"] = _transform(actor["capability"], ch, 0.0, inf)
            for st in data["stances"].get(ch.actor, {}).values():
                if "capability" in st:
                    st["capability"] = _transform(st["capability"], ch, 0.0, inf)
            continue
        st = data["stances"][ch.actor][ch.issue]
        lo, hi = {"salience": (0.0, 1.0), "capability": (0.0, inf)}.get(
            ch.field, scales[ch.issue]
        )
        current = st.get(ch.field)
        if current is None and ch.field == "capability":  # the actor's, as the base
            actor = next(a for a in data["actors"] if a["id"] == ch.actor)
            current = {"value": actor["capability"]["value"]}
        st[ch.field] = _transform(current, ch, lo, hi)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        from parley.scenario.yaml_io import validation_error

        raise validation_error(err, what, None) from None


def _keep_conditional(lever: Lever) -> Lever | None:
    changes = [c for c in lever.changes if c.when != "always"]
    if not changes:
        return None
    cost = [c for c in lever.cost if c.when != "always"]
    return lever.model_copy(update={"changes": changes, "cost": cost})


def apply(
    loaded: LoadedScenario,
    levers: Sequence[str] = (),
    sets: Sequence[str] = (),
) -> Variant:
    """The scenario with the ``levers`` (``ACTOR.LEVER``) pulled and the ``sets``
    (``ACTOR.ISSUE.FIELD=VALUE``) applied, in that order.

    A pulled lever's unconditional changes and costs go into the numbers; the lever stays in
    the variant with only its conditional changes (so that nothing is applied twice), and its
    id is listed in :attr:`Variant.levers` if it has any. Raises :class:`ScenarioError` on an
    unknown lever, actor, issue or field, or a value out of range.
    """
    s = loaded.scenario
    pulled = [find_lever(s, ref) for ref in dict.fromkeys(levers)]
    always = [c for lv in pulled for c in (*lv.changes, *lv.cost) if c.when == "always"]
    set_changes = [parse_set(s, item) for item in sets]
    variant = with_changes(s, [*always, *set_changes], what="--lever/--set")
    ids = {lv.id for lv in pulled}
    kept: list[Lever] = []
    conditional: list[str] = list(getattr(loaded, "levers", ()))
    for lv in variant.levers:
        if lv.id not in ids:
            kept.append(lv)
            continue
        cond = _keep_conditional(lv)
        if cond is not None:
            kept.append(cond)
            if lv.id not in conditional:
                conditional.append(lv.id)
    if pulled:
        variant = variant.model_copy(update={"levers": kept})
    before = tuple(getattr(loaded, "applied", ()))
    return Variant(
        variant, loaded.name, loaded.path, tuple(conditional), (*before, *levers, *sets)
    )
