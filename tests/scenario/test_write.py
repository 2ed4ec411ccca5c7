"""Files are written safely: never over an input, never over an existing output without
--force, through a temporary file (no symlink followed, fsync, mode kept), and a killed writer
never leaves the target half-written."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.loader import write_atomic

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "fixtures"
YAML = FIXTURES / "decide" / "scenario.yaml"


def _copy(tmp_path: Path) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(YAML.read_text("utf-8"), encoding="utf-8")
    return p


@pytest.mark.parametrize("command", ["forecast", "show", "space", "outcomes"])
def test_output_never_overwrites_the_input(tmp_path: Path, command: str) -> None:
    p = _copy(tmp_path)
    before = p.read_bytes()
    for extra in ([], ["--force"]):
        res = runner.invoke(app, [command, str(p), "-o", str(p), *extra])
        assert res.exit_code == 2, res.output
        assert "is an input of this command" in res.stderr
    assert p.read_bytes() == before


def test_output_needs_force_and_keeps_the_mode(tmp_path: Path) -> None:
    p = _copy(tmp_path)
    out = tmp_path / "f.txt"
    out.write_text("precious\n", encoding="utf-8")
    out.chmod(0o640)
    res = runner.invoke(app, ["forecast", str(p), "-m", "compromise", "-o", str(out)])
    assert res.exit_code == 2
    assert "already exists (use --force to overwrite)" in res.stderr
    assert out.read_text("utf-8") == "precious\n"
    res = runner.invoke(app, ["forecast", str(p), "-m", "compromise", "-o", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert "compromise" in out.read_text("utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(x.name for x in tmp_path.iterdir()) == ["f.txt", "s.yaml"]


def test_a_symlinked_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(victim)
    write_atomic(link, "new\n")
    assert victim.read_text("utf-8") == "do not touch\n"
    assert not link.is_symlink()
    assert link.read_text("utf-8") == "new\n"


def test_convert_to_csv_lists_what_is_dropped(tmp_path: Path) -> None:
    res = runner.invoke(app, ["convert", str(YAML), str(tmp_path / "s.csv")])
    assert res.exit_code == 0, res.output
    warning = res.stderr
    for phrase in ("1 package(s) (deal)", "1 channel(s) (talks)", "1 lever(s) (push)",
                   "1 red line(s) (a/x)", "1 no-deal point(s) (a/x)", "veto players (a)"):
        assert phrase in warning, warning


def test_convert_to_yaml_warns_of_nothing(tmp_path: Path) -> None:
    res = runner.invoke(app, ["convert", str(YAML), str(tmp_path / "s.yaml")])
    assert res.exit_code == 0, res.output
    assert "warning" not in res.stderr


WRITER = """
import sys
from parley.scenario.loader import write_atomic
target, n = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
k = 0
while True:
    k += 1
    write_atomic(target, (str(k % 10) * n) + "\\n")
"""


def _anonymous_files_work(directory: Path) -> bool:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        os.close(os.open(directory, flag | os.O_WRONLY, 0o600))
    except OSError:
        return False
    return True


def test_the_fallback_writer_without_anonymous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where ``O_TMPFILE`` is missing, the ``mkstemp`` path writes the same file, keeps the
    mode, and leaves no temporary file."""
    import parley.scenario.loader as loader

    monkeypatch.setattr(loader, "_anonymous_copy", lambda *a: None)
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    out.chmod(0o640)
    write_atomic(out, "new\n")
    assert out.read_text() == "new\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


STALLED_WRITER = """
import os, sys, time
import parley.scenario.loader as loader
if sys.argv[2] == "named":
    loader._anonymous_copy = lambda *a: None
def stall(fd, data, mode):
    os.write(fd, data[: len(data) // 2])
    print("writing", flush=True)
    time.sleep(60)
loader._write_all = stall
loader.write_atomic(sys.argv[1], "x" * 1000)
"""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["anonymous", "named"])
def test_a_writer_killed_mid_write(tmp_path: Path, how: str) -> None:
    """Killed in the middle of writing: the target is untouched; with ``O_TMPFILE`` nothing
    is left in the directory, on the ``mkstemp`` fallback the next write removes the
    leftover."""
    if how == "anonymous" and not _anonymous_files_work(tmp_path):
        pytest.skip("no O_TMPFILE here")
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    with subprocess.Popen(
        [sys.executable, "-c", STALLED_WRITER, str(target), how],
        stdout=subprocess.PIPE, text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert target.read_text() == "old\n"
    left = sorted(p.name for p in tmp_path.iterdir())
    if how == "anonymous":
        assert left == ["out.txt"]
    else:
        assert len(left) == 2 and left[0].startswith(".out.txt.")
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.slow
def test_sigkill_never_leaves_a_half_written_file(tmp_path: Path) -> None:
    """Kill a writer of 20 MB files at several moments: the target always holds one complete
    version; the next write removes the killed writer's temporary file."""
    target = tmp_path / "out.txt"
    n = 20_000_000
    target.write_text("0" * n + "\n", encoding="utf-8")
    for delay in (0.05, 0.2, 0.35, 0.5, 0.8):
        with subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(n)],
            stdout=subprocess.PIPE, text=True,
        ) as proc:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            time.sleep(delay)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        data = target.read_text("utf-8")
        assert len(data) == n + 1 and len(set(data[:-1])) == 1, "half-written target"
    write_atomic(target, "done\n")
    assert target.read_text("utf-8") == "done\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
