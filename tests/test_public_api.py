"""The package's public names: listed in ``__all__`` and documented."""

from __future__ import annotations

import parley


def test_all_names_exist_and_are_documented() -> None:
    for name in parley.__all__:
        obj = getattr(parley, name)
        if callable(obj) or isinstance(obj, type):
            assert obj.__doc__, f"parley.{name} has no docstring"


def test_notebook_workflow(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "s.yaml"
    p.write_text(
        "title: T\nactors: [{id: a, capability: 1}, {id: b, capability: 1}]\n"
        "issues: [{id: x}]\nstances: {a: {x: {position: 0, salience: 1}},"
        " b: {x: {position: 100, salience: 1}}}\n",
        encoding="utf-8",
    )
    s = parley.load_scenario(p)
    fc = parley.forecast(s, ["compromise"])
    assert fc.to_dict()["models"]["compromise"]["issues"]["x"]["position"] == 50.0
    df = fc.to_dataframe()
    assert list(df.columns[:4]) == ["scenario", "model", "issue", "position"]
    assert len(df) == 1


def test_front_doors_take_a_scenario_and_equal_the_array_analysis() -> None:
    """``parley.outcomes`` and ``parley.game_report`` convert a scenario to arrays and call
    the analyses, which take arrays only."""
    from parley.analysis.game_report import game_report
    from parley.analysis.outcomes import outcomes

    s = parley.load_scenario("ukraine-2025").scenario
    arr = parley.to_arrays(s)
    a = parley.outcomes(s, draws=0).to_dict()
    b = outcomes(arr, s.title, draws=0).to_dict()
    assert a == b
    g = parley.game_report(s, "u", draws=0)
    assert g == game_report(arr, s.game, "u", levers=s.levers, draws=0)
