"""The built-in scenario's levers: each rests on a verbatim sentence of the article and is
coded in the semantics of docs/levers.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parley.scenario.loader import load_scenario

ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"


def _sentences(text: str) -> set[str]:
    out: set[str] = set()
    for para in text.splitlines():
        out.update(s.strip() for s in re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", para) if s.strip())
    return out


def test_every_lever_source_is_a_verbatim_sentence_of_the_article() -> None:
    if not ARTICLE.exists():
        pytest.skip("the seed article is not available in this checkout")
    sentences = _sentences(ARTICLE.read_text(encoding="utf-8"))
    levers = load_scenario("ukraine-2025").scenario.levers
    assert len(levers) >= 6
    for lv in levers:
        assert lv.source, lv.id
        assert lv.source in sentences, (lv.id, lv.source)


def test_levers_in_the_new_semantics() -> None:
    s = load_scenario("ukraine-2025").scenario
    by_id = {lv.id: lv for lv in s.levers}
    kinds = {lid: lv.kind for lid, lv in by_id.items()}
    for lid in ("us-offers-recognition", "us-offers-sanctions-relief", "us-offers-no-nato"):
        assert kinds[lid] == "promise"
        assert {c.actor for c in by_id[lid].changes} == {"russia"}
    for lid in ("us-suspends-aid", "us-walks-away", "us-large-scale-sanctions"):
        assert kinds[lid] == "threat"
    # the sanctions threat is aimed at Moscow only; the aid threat at Kyiv only
    assert {c.actor for c in by_id["us-large-scale-sanctions"].changes} == {"russia"}
    assert {c.actor for c in by_id["us-suspends-aid"].changes} == {"ukraine"}
    for lv in s.levers:
        assert all(c.actor == "usa" for c in lv.cost)
