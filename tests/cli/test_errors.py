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
BAD = Path(__file__).parents[1] / "data" / "bad"
TOY = FIXTURES / "reference" / "exchange_toy_4x2.csv"
YAML = FIXTURES / "decide" / "scenario.yaml"
EXPECTED = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
# every command that reads a scenario
COMMANDS = [
    "forecast", "validate", "show", "convert", "space", "outcomes", "game", "compare", "levers"
]


def _args(command: str, source: str, tmp_path: Path) -> list[str]:
    if command == "convert":
        return ["convert", source, str(tmp_path / "out.yaml")]
    if command == "compare":
        return ["compare", source, "--set", "a.capability=1"]
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
    assert "\x1b" not in res.stderr  # escape sequences in names never reach the terminal
    for e in expected:
        assert e in err, (e, err)
    return err


def test_every_bad_file_has_an_expectation() -> None:
    files = {p.name for p in BAD.iterdir() if p.name not in ("manifest.json", "README.md")}
    assert files == set(EXPECTED)
    assert len(files) >= 60
    assert {p.suffix for p in BAD.iterdir()} >= {".yaml", ".csv"}


# every file through the three commands whose reading differs (validate: no defaults;
# forecast: the built-in default; convert: also writes), and one file of each kind of problem
# through every other command (they all read through parley.forecast.resolve)
SAMPLE = [
    "syntax.yaml", "deep_flow_nesting_2000.yaml", "alias_bomb.yaml", "invalid_date.yaml",
    "markup_unknown_id.yaml", "ansi_unknown_id.yaml", "utf16.yaml", "nul_in_actor_name.csv",
    "mixed_salience_scales.csv", "wide_scale.yaml", "veto_players_empty.yaml",
    "lever_salience_shift.yaml", "decide_in_yaml.yaml", "quote_storm.csv", "not_utf8.csv",
]
CASES = [(c, n) for c in ("validate", "forecast", "convert") for n in sorted(EXPECTED)] + [
    (c, n) for c in COMMANDS if c not in ("validate", "forecast", "convert") for n in SAMPLE
]


@pytest.mark.parametrize(("command", "name"), CASES)
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
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
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


# -- what must never hang: a real process with a timeout ---------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["deep_flow_nesting_2000.yaml", "alias_bomb.yaml", "quote_storm.csv", "huge_integer.yaml"],
)
def test_subprocess_hostile_file_ends_quickly(name: str) -> None:
    proc = _run("validate", str(BAD / name))
    assert proc.returncode == 2, proc.stderr
    assert EXPECTED[name]["contains"] in proc.stderr


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_without_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = _run("validate", str(fifo))  # a read would block for ever: timeout=120 in _run
    assert proc.returncode == 2, proc.stderr
    assert "FIFO" in proc.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("command", COMMANDS)
def test_link_to_a_device_is_refused(tmp_path: Path, command: str) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    res = runner.invoke(app, _args(command, str(link), tmp_path))
    _assert_user_error(res, str(link), "device")


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.yaml"
    p.write_text("title: x\n" + "# padding\n" * 200, encoding="utf-8")
    monkeypatch.setenv("PARLEY_MAX_FILE_BYTES", "1000")
    res = runner.invoke(app, ["validate", str(p)])
    _assert_user_error(res, str(p), "above the limit of 1,000 bytes", "PARLEY_MAX_FILE_BYTES")


@pytest.mark.parametrize(
    ("source", "env", "value", "message"),
    [
        (YAML, "PARLEY_MAX_ACTORS", "2", "3 actors: above the limit of 2 actors"),
        (YAML, "PARLEY_MAX_ISSUES", "1", "2 issues: above the limit of 1 issues"),
        (TOY, "PARLEY_MAX_ACTORS", "3", "4 actors (#A rows): above the limit of 3 actors"),
        (TOY, "PARLEY_MAX_ISSUES", "1", "2 issues (#P rows): above the limit of 1 issues"),
    ],
)
def test_count_limits(
    monkeypatch: pytest.MonkeyPatch, source: Path, env: str, value: str, message: str
) -> None:
    monkeypatch.setenv(env, value)
    res = runner.invoke(app, ["validate", str(source)])
    _assert_user_error(res, str(source), message, env)


def test_limits_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_MAX_ACTORS", "3")
    res = runner.invoke(app, ["validate", str(YAML)])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", "--seed", "-5"], "--seed"),
        (["outcomes", "--seed", "-5"], "--seed"),
        (["outcomes", "--draws", "1000000000"], "--draws 1000000000: above the limit"),
        (["forecast", "--rounds", "1000000000"], "--rounds 1000000000: above the limit"),
    ],
)
def test_bad_counts_exit_2(args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert message in res.output
