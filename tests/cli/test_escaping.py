"""User text that looks like terminal markup or control sequences is printed as written: rich
never interprets it, escape sequences never reach the terminal, and ``-o`` files keep it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli._common import plain_text, safe_text
from parley.cli.app import app

runner = CliRunner()

SCENARIO = """\
title: "Talks [draft] [/] [bold]x"
actors:
  - {id: a, name: "Budget [bn EUR]", capability: 2}
  - {id: b, name: "evil \\x1b]0;pwned\\x07 \\x1b[31mred", capability: 1}
issues:
  - {id: x, title: "Tariff [/] \\u202e", scale: {min: 0, max: 100}}
stances:
  a: {x: {position: 20, salience: 0.5}}
  b: {x: {position: 80, salience: 0.5}}
"""


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Budget [bn EUR]", "Budget \\[bn EUR]"),
        ("a [/] b", "a \\[/] b"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x1b]0;t\x07", "\\x1b]0;t\\x07"),
        ("nul\x00", "nul\\x00"),
        ("\u202eabc", "\\u202eabc"),
        ("two\nlines\tok", "two\nlines\tok"),
        ("\x9b", "\\x9b"),
    ],
)
def test_safe_text(raw: str, shown: str) -> None:
    assert safe_text(raw) == shown


def test_plain_text_leaves_brackets() -> None:
    assert plain_text("[x] \x1b") == "[x] \\x1b"


def _file(tmp_path: Path) -> Path:
    p = tmp_path / "marked.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    return p


@pytest.mark.parametrize("command", ["show", "forecast", "validate", "space", "outcomes"])
def test_markup_and_escapes_in_names(tmp_path: Path, command: str) -> None:
    path = _file(tmp_path)
    args = [command, str(path)]
    if command == "forecast":
        args += ["-m", "compromise"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output
    assert "\u202e" not in res.output
    if command == "show":
        assert "Budget [bn EUR]" in res.stdout
        assert "Talks [draft] [/] [bold]x" in res.stdout
        assert "\\x1b]0;pwned\\x07" in res.stdout
    if command == "forecast":
        assert "Talks [draft] [/]" in res.stdout  # the title wraps at the table's width
        assert "[bold]x" in res.stdout


def test_output_file_keeps_brackets(tmp_path: Path) -> None:
    path = _file(tmp_path)
    out = tmp_path / "show.txt"
    res = runner.invoke(app, ["show", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "Budget [bn EUR]" in text
    assert "\x1b" not in text


def test_unknown_id_with_markup_in_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(
        SCENARIO.replace("b: {x: {position: 80", "'[/]\\x1b': {x: {position: 80"),
        encoding="utf-8",
    )
    res = runner.invoke(app, ["validate", str(p)])
    assert res.exit_code == 2, res.output
    assert "[/]" in res.stderr
    assert "\x1b" not in res.stderr
