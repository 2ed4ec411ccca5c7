"""Tests of parley.backtest.cases: the outcome-file format and case discovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.backtest.cases import load_case, load_cases, load_outcome
from parley.errors import ScenarioError
from tests.backtest.conftest import TOY, TOY_OUTCOME, write_case

CASES_DIR = Path(__file__).resolve().parents[2] / "cases"


def test_toy_case_loads(toy_dir: Path) -> None:
    (case,) = load_cases(toy_dir)
    assert case.ok, case.error
    assert case.name == "toy"
    assert case.outcome is not None
    assert case.outcome.recorded() == {"x": 5.0, "y": 100.0}
    assert case.outcome.agreed == "hi"
    assert case.skipped == ["z"]


@pytest.mark.parametrize(
    ("content", "field", "what"),
    [
        ({"issues": {}}, "source", "required field is missing"),
        ({"source": "s", "issues": {"x": {"outcome": "many"}}}, "issues.x.outcome", "number"),
        ({"source": "s", "issues": {"x": {"outcome": True}}}, "issues.x.outcome", "boolean"),
        ({"source": "s", "issues": [1, 2]}, "issues", "dictionary"),
        ([1, 2], None, "expected a JSON object"),
    ],
)
def test_malformed_outcome_file_names_file_and_field(
    tmp_path: Path, content: object, field: str | None, what: str
) -> None:
    p = tmp_path / "c.outcome.json"
    p.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_outcome(p)
    msg = str(info.value)
    assert str(p) in msg
    assert what in msg
    if field is not None:
        assert f"{field}:" in msg
    assert "\n" not in msg


def test_invalid_json_gives_line(tmp_path: Path) -> None:
    p = tmp_path / "c.outcome.json"
    p.write_text('{"source": "s",\n "issues": {,}}', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"c\.outcome\.json:2: not valid JSON"):
        load_outcome(p)


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ({"source": "s", "issues": {"q": {"outcome": 1}}}, "issues.q: unknown issue 'q'"),
        ({"source": "s", "issues": {"x": {"outcome": 11}}}, "issues.x.outcome: outcome 11 lies"),
        ({"source": "s", "issues": {}, "agreed": "mid"}, "agreed: unknown package 'mid'"),
    ],
)
def test_outcome_must_fit_the_scenario(tmp_path: Path, outcome: object, expected: str) -> None:
    write_case(tmp_path, "c", TOY, outcome)
    case = load_case(tmp_path / "c.outcome.json")
    assert not case.ok
    assert case.error is not None and expected in case.error


def test_missing_scenario_and_bad_scenario_are_case_errors(tmp_path: Path) -> None:
    (tmp_path / "lonely.outcome.json").write_text(json.dumps(TOY_OUTCOME), encoding="utf-8")
    write_case(tmp_path, "broken", "title: [", TOY_OUTCOME)
    write_case(tmp_path, "toy", TOY, TOY_OUTCOME)
    cases = {c.name: c for c in load_cases(tmp_path)}
    assert cases["toy"].ok
    assert "no scenario file" in (cases["lonely"].error or "")
    assert "broken.yaml" in (cases["broken"].error or "")


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no cases"):
        load_cases(tmp_path)
    with pytest.raises(ScenarioError, match="no such directory"):
        load_cases(tmp_path / "nope")


@pytest.mark.skipif(not CASES_DIR.is_dir(), reason="no case library in this checkout")
def test_every_case_in_the_library_loads() -> None:
    cases = load_cases(CASES_DIR)
    assert cases
    for case in cases:
        assert case.ok, case.error
        assert case.outcome is not None, case.name
        # a case records issue outcomes, or that no agreement was reached
        assert case.outcome.recorded() or case.outcome.agreed == "no_agreement", case.name


def test_no_agreement_is_a_valid_agreed_value(tmp_path: Path) -> None:
    write_case(tmp_path, "toy", TOY, {"source": "s", "issues": {}, "agreed": "no_agreement"})
    case = load_case(tmp_path / "toy.outcome.json")
    assert case.ok and case.outcome is not None and case.outcome.agreed == "no_agreement"
