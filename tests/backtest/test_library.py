"""Checks of the shipped case library in cases/ (size, agreed packages, case cards)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.backtest.cards import card_path, case_card
from parley.backtest.cases import NO_AGREEMENT, Case, load_cases
from parley.backtest.scoring import nearest_package

CASES = Path(__file__).resolve().parents[2] / "cases"


@pytest.fixture(scope="module")
def library() -> list[Case]:
    return load_cases(CASES)


def test_library_has_twenty_loadable_cases_with_sources_and_dates(library: list[Case]) -> None:
    assert len(library) >= 20
    for case in library:
        assert case.ok, case.error
        assert case.loaded is not None
        scen = case.loaded.scenario
        assert scen.date is not None, case.name
        assert scen.sources, case.name


def test_at_least_twelve_cases_record_what_was_agreed(library: list[Case]) -> None:
    agreed = [c for c in library if c.outcome is not None and c.outcome.agreed is not None]
    assert len(agreed) >= 12
    assert any(c.outcome.agreed == NO_AGREEMENT for c in agreed if c.outcome)


def test_agreed_package_is_the_nearest_to_the_recorded_outcome(library: list[Case]) -> None:
    """The library's rule for cases where no package was adopted verbatim."""
    for case in library:
        assert case.outcome is not None and case.loaded is not None
        agreed = case.outcome.agreed
        rec = case.outcome.recorded()
        if agreed in (None, NO_AGREEMENT) or not rec:
            continue
        scen = case.loaded.scenario
        spans = {i.id: i.scale.max - i.scale.min for i in scen.issues}
        packages = {p.id: p.positions for p in scen.packages}
        assert nearest_package(rec, packages, spans) == agreed, case.name


def test_every_case_has_its_card_up_to_date(library: list[Case]) -> None:
    """Regenerate with ``parley backtest cases/ --write-cards`` after editing a case."""
    for case in library:
        path = card_path(case)
        assert path.is_file(), f"{path} is missing"
        assert path.read_text(encoding="utf-8") == case_card(case), f"{path} is stale"


def test_a_spot_check_in_the_outcome_file_is_shown_on_the_card(library: list[Case]) -> None:
    checked = [c for c in library if c.outcome is not None and (c.outcome.model_extra or {})
               .get("checked")]
    assert checked, "no case records a spot check"
    for case in checked:
        card = case_card(case)
        assert "## Spot check against public sources (after coding)" in card
        assert str(case.outcome.model_extra["checked"])[:60] in card  # type: ignore[union-attr]
