"""docs/format.md is generated from the schema; it must be up to date."""

from __future__ import annotations

from pathlib import Path

from parley.scenario.reference import format_reference

DOC = Path(__file__).parents[2] / "docs" / "format.md"


def test_format_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == format_reference(), (
        "docs/format.md is stale: run python -m parley.scenario.reference > docs/format.md"
    )


def test_every_field_is_described() -> None:
    rows = [r for r in format_reference().splitlines() if r.startswith("| `")]
    assert rows
    assert all(not r.endswith("|  |") for r in rows), [r for r in rows if r.endswith("|  |")]
