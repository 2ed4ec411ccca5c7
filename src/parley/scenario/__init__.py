"""Scenarios: the file format (schema), reading and writing (YAML, Decide CSV) and arrays."""

from parley.scenario.arrays import ScenarioArrays, to_arrays
from parley.scenario.loader import (
    DEFAULT_SCENARIO,
    LoadedScenario,
    builtin_names,
    load_scenario,
    save_scenario,
)
from parley.scenario.schema import (
    Actor,
    Change,
    Channel,
    Estimate,
    Issue,
    Lever,
    Package,
    Scale,
    Scenario,
    SourceRef,
    Stance,
)
from parley.scenario.transform import rescale

__all__ = [
    "DEFAULT_SCENARIO",
    "Actor",
    "Change",
    "Channel",
    "Estimate",
    "Issue",
    "Lever",
    "LoadedScenario",
    "Package",
    "Scale",
    "Scenario",
    "ScenarioArrays",
    "SourceRef",
    "Stance",
    "builtin_names",
    "load_scenario",
    "rescale",
    "save_scenario",
    "to_arrays",
]
