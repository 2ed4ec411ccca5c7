"""Checks on the data shipped with parley and on the backtest case library.

* every built-in scenario (``parley scenarios``) loads and validates, documents every stance
  (a source or a note), gives every package a position on every issue, and runs through
  ``parley forecast NAME --format json`` with every model's forecast on the issue's scale;
* every case in ``cases/`` (``NAME.outcome.json`` beside ``NAME.yaml``): the outcome names only
  issues of the scenario, each outcome lies on its issue's scale, ``agreed`` names a package,
  and the scenario was coded before the outcome it is scored against;
* the backtest copies of built-in scenarios are the built-ins minus the outcome package.

Written generically over the files, so new built-ins and cases are covered without edits.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.loader import builtin_names, load_scenario
from parley.scenario.schema import Scenario, Stance

CASES = Path(__file__).resolve().parents[2] / "cases"
OUTCOME_FILES = sorted(CASES.glob("*.outcome.json"))
BUILTINS = builtin_names()


def _case_name(path: Path) -> str:
    return path.name.removesuffix(".outcome.json")


def _case_scenario(path: Path) -> Scenario:
    return load_scenario(str(path.with_name(_case_name(path) + ".yaml"))).scenario


# -- built-in scenarios -------------------------------------------------------------------


def test_the_builtins_are_listed() -> None:
    assert {"paris-2015", "germany-coalition-2021"} <= set(BUILTINS)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_validates(name: str) -> None:
    loaded = load_scenario(name)
    assert loaded.name == name
    assert loaded.scenario.date is not None, "a built-in must say when it was coded"


def _documented(st: Stance) -> bool:
    """A stance is documented by a source or note of its own or of its position estimate."""
    return bool(st.source or st.note or st.position.source or st.position.note)


@pytest.mark.parametrize("name", BUILTINS)
def test_every_stance_is_documented(name: str) -> None:
    s = load_scenario(name).scenario
    bare = [
        f"{aid}.{iid}"
        for aid, per_issue in s.stances.items()
        for iid, st in per_issue.items()
        if not _documented(st)
    ]
    assert bare == [], f"stances without a source or note: {bare}"


@pytest.mark.parametrize("name", BUILTINS)
def test_every_actor_has_provenance(name: str) -> None:
    s = load_scenario(name).scenario
    bare = [
        a.id
        for a in s.actors
        if not (a.source or a.notes or a.capability.note or a.capability.source)
    ]
    assert bare == [], f"actors whose capability is not explained: {bare}"


@pytest.mark.parametrize("name", BUILTINS)
def test_every_package_covers_every_issue(name: str) -> None:
    s = load_scenario(name).scenario
    issues = set(s.issue_ids)
    for pkg in s.packages:
        assert set(pkg.positions) == issues, pkg.id


def test_schema_rejects_a_package_missing_an_issue() -> None:
    data = load_scenario("paris-2015").scenario.model_dump(exclude_none=True)
    data["packages"][0]["positions"].pop("finance")
    with pytest.raises(ValueError, match="gives no position on finance"):
        Scenario.model_validate(data)


@pytest.mark.parametrize("name", BUILTINS)
def test_forecast_json_runs(name: str) -> None:
    result = CliRunner().invoke(app, ["forecast", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    s = load_scenario(name).scenario
    scales = {i.id: i.scale for i in s.issues}
    assert out["models"], "no model ran"
    for model, res in out["models"].items():
        assert set(res["issues"]) == set(scales), model
        for iid, f in res["issues"].items():
            sc = scales[iid]
            assert sc.min - 1e-9 <= f["position"] <= sc.max + 1e-9, (model, iid, f["position"])


# -- the case library ---------------------------------------------------------------------


def test_there_are_cases() -> None:
    names = {_case_name(p) for p in OUTCOME_FILES}
    assert {"paris-2015", "usmca-2018", "germany-coalition-2021", "eu-mff-2020"} <= names


@pytest.mark.parametrize("path", OUTCOME_FILES, ids=_case_name)
def test_case_outcome_fits_its_scenario(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data.get("source"), str) and data["source"].strip()
    scenario = _case_scenario(path)
    issues = {i.id: i for i in scenario.issues}
    assert data["issues"], "an outcome file must record at least one issue"
    for iid, rec in data["issues"].items():
        assert iid in issues, f"{path.name}: unknown issue {iid!r}"
        value = rec["outcome"]
        if value is None:
            continue
        assert not isinstance(value, bool) and isinstance(value, int | float), (iid, value)
        sc = issues[iid].scale
        assert sc.min <= value <= sc.max, f"{path.name}: {iid} = {value} off {sc.min}-{sc.max}"
    agreed = data.get("agreed")
    if agreed is not None and agreed != "no_agreement":  # "no_agreement": talks failed
        assert agreed in {p.id for p in scenario.packages}, agreed


@pytest.mark.parametrize("path", OUTCOME_FILES, ids=_case_name)
def test_case_was_coded_before_its_outcome(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    scenario = _case_scenario(path)
    assert scenario.date is not None, "a case must give its coding cut-off as 'date'"
    if "date" not in data:
        pytest.skip("the outcome file gives no date")
    coded = scenario.date if isinstance(scenario.date, date) else date.fromisoformat(
        str(scenario.date)[:10]
    )
    assert coded < date.fromisoformat(data["date"][:10])


@pytest.mark.parametrize(
    "name", [n for n in BUILTINS if (CASES / f"{n}.outcome.json").exists()]
)
def test_case_copy_matches_builtin(name: str) -> None:
    """A case made from a built-in keeps its coding and drops only what records the outcome."""
    builtin = load_scenario(name).scenario
    case = load_scenario(str(CASES / f"{name}.yaml")).scenario
    assert case.date == builtin.date
    assert case.actors == builtin.actors
    assert case.issues == builtin.issues
    assert case.stances == builtin.stances
    assert case.levers == builtin.levers
    assert case.veto_players == builtin.veto_players
    case_pkgs = {p.id: p for p in case.packages}
    builtin_pkgs = {p.id: p for p in builtin.packages}
    assert set(case_pkgs) < set(builtin_pkgs), "the case must drop the outcome package"
    for pid, pkg in case_pkgs.items():
        assert pkg == builtin_pkgs[pid]
