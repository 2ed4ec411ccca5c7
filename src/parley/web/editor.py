"""The table editor: the numbers of a scenario as form fields, and a form back to a scenario.

Each editable number has a field name built from indices, never from ids (ids may hold any
character): ``a{k}_capability`` for actor ``k``'s capability and ``s{k}_{j}_{field}`` for the
stance of actor ``k`` on issue ``j``, ``field`` one of :data:`STANCE_FIELDS`. An estimate with
a range keeps its range and provenance; only its value changes. Validation messages are those
of the scenario schema, attached to the field they concern (:func:`apply_form`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from parley.scenario.schema import Scenario

__all__ = ["STANCE_FIELDS", "EditResult", "apply_form", "field_name", "stance_value"]

STANCE_FIELDS = ("position", "salience", "capability", "red_line", "no_deal")
"""Stance numbers the editor shows, in column order."""
OPTIONAL = {"capability", "red_line", "no_deal"}
"""Stance numbers that may be left empty (then they are not set)."""


def field_name(actor: int, issue: int | None, what: str) -> str:
    """Form field name of actor ``actor``'s ``what`` (on issue ``issue``; None: the actor's)."""
    return f"a{actor}_{what}" if issue is None else f"s{actor}_{issue}_{what}"


def stance_value(scenario: Scenario, actor: str, issue: str, what: str) -> float | None:
    """The value of a stance number, or None where not set."""
    st = scenario.stance(actor, issue)
    est = None if st is None else getattr(st, what)
    return None if est is None else est.value


@dataclass
class EditResult:
    """The outcome of :func:`apply_form`: the new scenario, or the messages by field."""

    scenario: Scenario | None
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def _number(text: str) -> float:
    v = float(text.strip().replace(",", "."))
    if not math.isfinite(v):
        raise ValueError
    return v


def _set(container: dict[str, Any], key: str, value: float | None) -> None:
    if value is None:
        container.pop(key, None)
    elif isinstance(container.get(key), dict):
        container[key] = {**container[key], "value": value}
    else:
        container[key] = value


def apply_form(scenario: Scenario, form: Mapping[str, str]) -> EditResult:
    """The scenario with the form's numbers; messages at the fields if it does not validate."""
    from parley.scenario.yaml_io import scenario_to_dict

    data = scenario_to_dict(scenario)
    res = EditResult(None, values={k: str(v) for k, v in form.items()})
    actors, issues = scenario.actor_ids, scenario.issue_ids
    for k, actor in enumerate(data["actors"]):
        name = field_name(k, None, "capability")
        if name in form:
            try:
                _set(actor, "capability", _number(form[name]))
            except ValueError:
                res.errors[name] = "not a number"
    for k, aid in enumerate(actors):
        for j, iid in enumerate(issues):
            stance = data["stances"].get(aid, {}).get(iid)
            if stance is None:
                continue
            for what in STANCE_FIELDS:
                name = field_name(k, j, what)
                if name not in form:
                    continue
                text = form[name].strip()
                if not text:
                    if what in OPTIONAL:
                        _set(stance, what, None)
                    else:
                        res.errors[name] = "required"
                    continue
                try:
                    _set(stance, what, _number(text))
                except ValueError:
                    res.errors[name] = "not a number"
    if res.errors:
        return res
    try:
        res.scenario = Scenario.model_validate(data)
    except ValidationError as err:
        _attach(err, actors, issues, res)
    return res


def _attach(err: ValidationError, actors: list[str], issues: list[str], res: EditResult) -> None:
    """Put each validation error at its field (or among the general messages)."""
    for e in err.errors():
        loc = tuple(e.get("loc", ()))
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        name = _field_of(loc, msg, actors, issues)
        if name is None:
            where = ".".join(str(x) for x in loc)
            res.general.append(f"{where}: {msg}" if where else msg)
            continue
        text = msg.split(": ", 1)[1] if msg.startswith("stances.") and ": " in msg else msg
        res.errors.setdefault(name, text)


def _field_of(
    loc: tuple[Any, ...], msg: str, actors: list[str], issues: list[str]
) -> str | None:
    if len(loc) >= 3 and loc[0] == "actors" and loc[2] == "capability":
        return field_name(int(loc[1]), None, "capability")
    if (
        len(loc) >= 4 and loc[0] == "stances" and loc[3] in STANCE_FIELDS
        and loc[1] in actors and loc[2] in issues
    ):
        return field_name(actors.index(loc[1]), issues.index(loc[2]), str(loc[3]))
    if msg.startswith("stances."):
        for k, aid in enumerate(actors):
            for j, iid in enumerate(issues):
                for what in STANCE_FIELDS:
                    if msg.startswith(f"stances.{aid}.{iid}.{what}:"):
                        return field_name(k, j, what)
    return None
