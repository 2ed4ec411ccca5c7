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
