"""The case library: past negotiations coded as scenarios, each with its recorded outcome.

A case directory holds, for every case ``NAME``:

* ``NAME.yaml`` (a parley scenario) or ``NAME.csv`` (a Decide CSV file): the negotiation as it
  stood *before* the outcome was known;
* ``NAME.outcome.json``: what happened, kept apart so that the inputs are not shaped by it::

      {"source": "Regulation (EU) 2019/631, art. 1(5)",
       "issues": {"target_2030": {"outcome": 37.5, "why": "..."}},
       "agreed": "council_plus"}

  ``issues`` maps issue ids to the recorded outcome on the issue's own scale (other keys such as
  ``why`` or ``source`` are allowed and ignored by the scoring). An issue of the scenario that is
  missing here, or whose ``outcome`` is ``null``, has no recorded outcome: it is skipped and
  counted. ``agreed`` optionally names the candidate package of the scenario that came about,
  or is ``"no_agreement"`` when the talks ended without agreement (scored with the Brier and
  log scores, see :mod:`parley.backtest.scoring` and :mod:`parley.backtest.odds`). Where no
  package was adopted verbatim, the case library records the package nearest to the outcome
  (:func:`parley.backtest.scoring.nearest_package`) and says so in ``agreed_why``.

Loading never stops at a bad case: a case whose scenario or outcome file cannot be used is
returned with its ``error`` set (a one-line message naming the file and field) and the runner
reports it as failed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from parley.errors import ParleyError, ScenarioError
from parley.scenario.loader import LoadedScenario, load_scenario, read_text

__all__ = [
    "NO_AGREEMENT",
    "OUTCOME_SUFFIX",
    "SCENARIO_SUFFIXES",
    "Case",
    "IssueOutcome",
    "OutcomeFile",
    "discover_cases",
    "load_case",
    "load_cases",
    "load_outcome",
]

OUTCOME_SUFFIX = ".outcome.json"
NO_AGREEMENT = "no_agreement"
"""Value of ``agreed`` saying that the talks ended without any agreement."""
SCENARIO_SUFFIXES = (".yaml", ".yml", ".csv", ".txt", ".tsv")


class IssueOutcome(BaseModel):
    """The recorded outcome of one issue."""

    model_config = ConfigDict(extra="allow", frozen=True)

    outcome: float | None = Field(
        None,
        description="Where the issue was settled, on the issue's scale; null if not recorded.",
    )
    why: str | None = Field(None, description="How the outcome was read off the record.")

    @field_validator("outcome", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError("expected a number, got a boolean")
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v


class OutcomeFile(BaseModel):
    """The contents of a ``NAME.outcome.json`` file."""

    model_config = ConfigDict(extra="allow", frozen=True)

    source: str = Field(min_length=1, description="Where the recorded outcome comes from.")
    issues: dict[str, IssueOutcome] = Field(description="Recorded outcome per issue id.")
    agreed: str | None = Field(
        None,
        description="Id of the scenario's candidate package that came about, or "
        f"{NO_AGREEMENT!r} if the talks ended without agreement.",
    )

    def recorded(self) -> dict[str, float]:
        """Issue id -> recorded outcome, for the issues that have one."""
        return {k: v.outcome for k, v in self.issues.items() if v.outcome is not None}


@dataclass
class Case:
    """One case: its name, files, loaded scenario and outcome, or the reason it cannot be used."""

    name: str
    scenario_path: Path | None
    outcome_path: Path
    loaded: LoadedScenario | None = None
    outcome: OutcomeFile | None = None
    error: str | None = None
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when both files loaded and agree with each other."""
        return self.error is None


def load_outcome(path: str | Path) -> OutcomeFile:
    """Read and validate an outcome file; :class:`ScenarioError` naming file and field if bad."""
    path = Path(path)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not valid JSON: {exc.msg}", file=path, line=exc.lineno) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f'expected a JSON object {{"source": ..., "issues": {{...}}}}, got '
            f"{type(data).__name__}",
            file=path,
        )
    try:
        return OutcomeFile.model_validate(data)
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in e["loc"]) or None
        msg = str(e["msg"]).removeprefix("Value error, ")
        if e["type"] == "missing":
            msg = "required field is missing"
        extra = len(err.errors()) - 1
        if extra:
            msg += f" (and {extra} more problem{'s' if extra > 1 else ''})"
        raise ScenarioError(msg, file=path, field=where) from None


def _check_against_scenario(case: Case, loaded: LoadedScenario, outcome: OutcomeFile) -> None:
    """Outcome issues and package must exist in the scenario and lie on the issue's scale."""
    scen = loaded.scenario
    issues = {i.id: i for i in scen.issues}
    for iid, rec in outcome.issues.items():
        if iid not in issues:
            known = ", ".join(issues)
            raise ScenarioError(
                f"unknown issue {iid!r} (the scenario's issues: {known})",
                file=case.outcome_path,
                field=f"issues.{iid}",
            )
        sc = issues[iid].scale
        if rec.outcome is not None and not sc.min <= rec.outcome <= sc.max:
            raise ScenarioError(
                f"outcome {rec.outcome:g} lies outside the issue's scale {sc.min:g}-{sc.max:g}",
                file=case.outcome_path,
                field=f"issues.{iid}.outcome",
            )
    agreed = outcome.agreed
    if agreed is not None and agreed != NO_AGREEMENT:
        pkgs = [p.id for p in scen.packages]
        if agreed not in pkgs:
            known = ", ".join(pkgs) or "none"
            raise ScenarioError(
                f"unknown package {agreed!r} (the scenario's packages: {known})",
                file=case.outcome_path,
                field="agreed",
            )
    recorded = outcome.recorded()
    case.skipped = [iid for iid in issues if iid not in recorded]


def _scenario_for(outcome_path: Path) -> Path | None:
    stem = outcome_path.name[: -len(OUTCOME_SUFFIX)]
    for suffix in SCENARIO_SUFFIXES:
        p = outcome_path.with_name(stem + suffix)
        if p.is_file():
            return p
    return None


def load_case(outcome_path: str | Path) -> Case:
    """Load the case of one outcome file (and the scenario file beside it); never raises for a
    bad case: the problem is recorded in :attr:`Case.error`."""
    outcome_path = Path(outcome_path)
    name = outcome_path.name[: -len(OUTCOME_SUFFIX)]
    scen_path = _scenario_for(outcome_path)
    case = Case(name=name, scenario_path=scen_path, outcome_path=outcome_path)
    if scen_path is None:
        tried = "/".join(s.lstrip(".") for s in SCENARIO_SUFFIXES)
        case.error = f"{outcome_path}: no scenario file {name}.{{{tried}}} beside it"
        return case
    try:
        case.outcome = load_outcome(outcome_path)
        case.loaded = load_scenario(scen_path)
        _check_against_scenario(case, case.loaded, case.outcome)
    except ParleyError as exc:
        case.error = str(exc)
    return case


def discover_cases(directory: str | Path) -> list[Path]:
    """The outcome files of a case directory, sorted by case name."""
    d = Path(directory)
    if not d.exists():
        raise ScenarioError("no such directory", file=d)
    if not d.is_dir():
        raise ScenarioError("is not a directory of cases", file=d)
    found = sorted(p for p in d.iterdir() if p.name.endswith(OUTCOME_SUFFIX) and p.is_file())
    if not found:
        raise ScenarioError(
            f"no cases: a case is NAME.yaml or NAME.csv beside NAME{OUTCOME_SUFFIX}", file=d
        )
    return found


def load_cases(directory: str | Path) -> list[Case]:
    """Load every case of a directory (bad cases carry their error, see :func:`load_case`)."""
    return [load_case(p) for p in discover_cases(directory)]
