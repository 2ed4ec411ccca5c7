"""Outcome odds of a scenario: the front door of ``parley outcomes`` for Python users.

:mod:`parley.analysis.outcomes` works on arrays only (the array contract of
:mod:`parley.scenario.arrays`). These functions take what a user has -- a validated
:class:`~parley.scenario.schema.Scenario`, a :class:`~parley.scenario.loader.LoadedScenario`,
a file name or a built-in name (:func:`parley.forecast.resolve`), or the arrays themselves --
pull any levers (:func:`parley.whatif.apply`: their unconditional changes go into the numbers,
their threats and promises into the surplus), convert to arrays and call the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parley.analysis.outcomes import OutcomeResult
    from parley.scenario.arrays import ScenarioArrays

__all__ = ["bargaining_solutions", "outcome_report", "outcomes", "prepare"]


def prepare(
    scenario: Any, name: str | None = None, levers: Sequence[str] | None = None
) -> tuple[ScenarioArrays, str, list[Any]]:
    """``(arrays, title, in_force)`` of ``scenario`` with ``levers`` pulled: the arrays of the
    scenario with their unconditional changes applied, its title (``name`` if given), and the
    pulled levers whose threats and promises are in force."""
    from parley.errors import ModelError
    from parley.scenario.arrays import ScenarioArrays, to_arrays

    if isinstance(scenario, ScenarioArrays):
        if levers:
            raise ModelError("levers need the scenario, not only its arrays")
        return scenario, name or "scenario", []
    from parley.forecast import resolve
    from parley.scenario.loader import LoadedScenario
    from parley.scenario.schema import Scenario

    if isinstance(scenario, Scenario):
        loaded = LoadedScenario(scenario, scenario.title, None)
    else:
        loaded = resolve(scenario)
    s = loaded.scenario
    title = name or s.title
    if not levers:
        return to_arrays(s), title, []
    from parley.whatif import apply

    v = apply(LoadedScenario(s, s.title, None), levers)
    pulled = [lv for lv in v.scenario.levers if lv.id in v.levers]
    return to_arrays(v.scenario), title, pulled


def outcomes(
    scenario: Any, name: str | None = None, *, levers: Sequence[str] | None = None,
    **options: Any,
) -> OutcomeResult:
    """:func:`parley.analysis.outcomes.outcomes` of ``scenario`` (see :func:`prepare`), with
    ``levers`` (``ACTOR.LEVER`` or lever ids) pulled; ``options`` are that function's."""
    from parley.analysis.outcomes import outcomes as run

    arrays, title, in_force = prepare(scenario, name, levers)
    return run(arrays, title, in_force=in_force, **options)


def outcome_report(
    scenario: Any, name: str | None = None, *, levers: Sequence[str] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Everything ``parley outcomes`` reports, as plain data
    (:func:`parley.analysis.outcomes.outcome_report` of ``scenario`` with ``levers`` pulled)."""
    from parley.analysis.outcomes import outcome_report as run

    arrays, title, in_force = prepare(scenario, name, levers)
    return run(arrays, title, in_force=in_force, **options)


def bargaining_solutions(scenario: Any, **options: Any) -> dict[str, Any]:
    """:func:`parley.analysis.outcomes.bargaining_solutions` of ``scenario``."""
    from parley.analysis.outcomes import bargaining_solutions as run

    arrays, _, _ = prepare(scenario)
    return run(arrays, **options)
