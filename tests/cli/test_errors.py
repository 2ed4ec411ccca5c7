"""Malformed input through the CLI: every command exits with code 2 and one line naming the file
and the line or field, never a traceback. Also ``parley convert`` both ways, and its care for
existing files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from parley.cli.app import app
from parley.scenario.decide import parse_decide
from parley.scenario.loader import load_scenario

runner = CliRunner()

FIXTURES = Path(__file__).parents[1] / "fixtures"
BAD = FIXTURES / "bad"
TOY = FIXTURES / "reference" / "exchange_toy_4x2.csv"
YAML = FIXTURES / "decide" / "scenario.yaml"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
COMMANDS = ["forecast", "validate", "show", "convert"]


def _args(command: str, source: str, tmp_path: Path) -> list[str]:
    if command == "convert":
        return ["convert", source, str(tmp_path / "out.yaml")]
    return [command, source]


def _assert_user_error(res: Result, *expected: str) -> str:
    """Exit code 2, one error line on stderr, nothing on stdout, no traceback; return the
    error line."""
    out = res.output
    assert res.exit_code == 2, out
    assert res.exception is None or isinstance(res.exception, SystemExit), out
    assert "Traceback" not in out
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    err = res.stderr.strip()
    assert err.startswith("error:"), err
    for e in expected:
        assert e in err, (e, err)
    return err


def test_every_bad_file_has_an_expectation() -> None:
    files = {p.name for p in BAD.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(tmp_path: Path, command: str, name: str) -> None:
    path = BAD / name
    exp = EXPECTED[name]
    res = runner.invoke(app, _args(command, str(path), tmp_path))
    where = f"{path}:{exp['line']}:" if "line" in exp else f"{path}:"
    err = _assert_user_error(res, where, exp["contains"])
    if "field" in exp:
        assert exp["field"] in err
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_file(tmp_path: Path, command: str) -> None:
    path = tmp_path / "missing.yaml"
    res = runner.invoke(app, _args(command, str(path), tmp_path))
    _assert_user_error(res, str(path), "no such file")


@pytest.mark.parametrize("command", COMMANDS)
def test_directory(tmp_path: Path, command: str) -> None:
    d = tmp_path / "adir"
    d.mkdir()
    res = runner.invoke(app, _args(command, str(d), tmp_path))
    _assert_user_error(res, str(d), "directory")


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_file_given_without_suffix(tmp_path: Path, command: str) -> None:
    """Content detection: a broken Decide file without a suffix is still read as Decide."""
    p = tmp_path / "data"
    p.write_text((BAD / "unknown_actor.csv").read_text("utf-8"), encoding="utf-8")
    res = runner.invoke(app, _args(command, str(p), tmp_path))
    _assert_user_error(res, f"{p}:7:", "unknown actor 'B'")


# -- convert -----------------------------------------------------------------------------
def test_convert_csv_to_yaml_and_back(tmp_path: Path) -> None:
    y = tmp_path / "toy.yaml"
    res = runner.invoke(app, ["convert", str(TOY), str(y)])
    assert res.exit_code == 0, res.output
    c = tmp_path / "toy.csv"
    res = runner.invoke(app, ["convert", str(y), str(c)])
    assert res.exit_code == 0, res.output
    original = load_scenario(TOY).scenario
    assert load_scenario(y).scenario == original
    assert load_scenario(c).scenario == original
    assert c.read_text("utf-8").startswith("#O;Decide data from exchange_toy_4x2.csv\n")


def test_convert_yaml_to_csv_drops_what_csv_cannot_hold(tmp_path: Path) -> None:
    c = tmp_path / "s.csv"
    res = runner.invoke(app, ["convert", str(YAML), str(c)])
    assert res.exit_code == 0, res.output
    back = parse_decide(c.read_text("utf-8"), c)
    assert back.packages == [] and back.levers == [] and back.channels == []
    src = load_scenario(YAML).scenario
    assert [a.id for a in back.actors] == [a.id for a in src.actors]
    assert back.stances["a"]["y"].capability is not None
    assert back.stances["a"]["y"].capability.value == 5.0


@pytest.mark.parametrize("target_name", ["out.yaml", "out.csv"])
def test_convert_refuses_to_overwrite_without_force(tmp_path: Path, target_name: str) -> None:
    target = tmp_path / target_name
    target.write_text("precious\n", encoding="utf-8")
    res = runner.invoke(app, ["convert", str(TOY), str(target)])
    _assert_user_error(res, str(target), "already exists", "--force")
    assert target.read_text("utf-8") == "precious\n"
    res = runner.invoke(app, ["convert", str(TOY), str(target), "--force"])
    assert res.exit_code == 0, res.output
    assert load_scenario(target).scenario == load_scenario(TOY).scenario


@pytest.mark.parametrize("name", ["nan.csv", "syntax.yaml", "not_utf8.csv"])
def test_failed_convert_leaves_existing_output_alone(tmp_path: Path, name: str) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("precious\n", encoding="utf-8")
    res = runner.invoke(app, ["convert", str(BAD / name), str(target), "--force"])
    _assert_user_error(res, str(BAD / name))
    assert target.read_text("utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]


def test_write_failure_leaves_existing_output_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure half way through writing (disk full) must not touch the existing file."""
    target = tmp_path / "out.csv"
    target.write_text("precious\n", encoding="utf-8")
    real_write_text = Path.write_text

    def half_written(self: Path, data: str, *args: object, **kwargs: object) -> int:
        real_write_text(self, data[: len(data) // 2], encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_written)
    res = runner.invoke(app, ["convert", str(TOY), str(target), "--force"])
    monkeypatch.undo()
    _assert_user_error(res, str(target), "No space left on device")
    assert target.read_text("utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_convert_refuses_same_file(tmp_path: Path) -> None:
    p = tmp_path / "toy.csv"
    p.write_text(TOY.read_text("utf-8"), encoding="utf-8")
    before = p.read_bytes()
    res = runner.invoke(app, ["convert", str(p), str(p), "--force"])
    _assert_user_error(res, str(p), "same file")
    assert p.read_bytes() == before


def test_convert_unknown_output_format(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    res = runner.invoke(app, ["convert", str(TOY), str(target)])
    _assert_user_error(res, str(target), "unknown output format")
    assert not target.exists()


def test_convert_into_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "out.yaml"
    res = runner.invoke(app, ["convert", str(TOY), str(target)])
    _assert_user_error(res, str(target), "directory does not exist")


# -- a real process ----------------------------------------------------------------------
def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARLEY_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "parley", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "command"), [("unknown_actor.csv", "forecast"), ("duplicate_key.yaml", "validate")]
)
def test_subprocess_bad_file(name: str, command: str) -> None:
    proc = _run(command, str(BAD / name))
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    exp = EXPECTED[name]
    assert f"{BAD / name}:{exp['line']}:" in lines[0]
    assert exp["contains"] in lines[0]


@pytest.mark.slow
def test_subprocess_forecast_json() -> None:
    proc = _run("forecast", str(TOY), "--format", "json", "-m", "compromise")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    # Decide's own starting outcome for this file (tests/fixtures/reference/README.md)
    assert data["models"]["compromise"]["issues"]["p"]["position"] == pytest.approx(
        27.448979591836736, abs=1e-9
    )
