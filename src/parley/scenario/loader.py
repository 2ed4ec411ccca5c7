"""Find and load a scenario: a YAML file, a Decide CSV file, or the name of a built-in.

This is the one entry point every command uses, so every command accepts all three.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from importlib import resources
from pathlib import Path

from parley.errors import ScenarioError
from parley.scenario.limits import check_limit, limit
from parley.scenario.schema import Scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "LoadedScenario",
    "builtin_names",
    "load_scenario",
    "read_text",
    "save_scenario",
]

DEFAULT_SCENARIO = "ukraine-2025"
YAML_SUFFIXES = {".yaml", ".yml"}
DECIDE_SUFFIXES = {".csv", ".txt", ".tsv"}


class LoadedScenario:
    """A validated scenario together with the name it was loaded under."""

    def __init__(self, scenario: Scenario, name: str, path: Path | None) -> None:
        self.scenario = scenario
        self.name = name
        self.path = path

    def __repr__(self) -> str:
        return f"LoadedScenario(name={self.name!r}, path={self.path!r})"


def _builtin_dir() -> Path:
    return Path(str(resources.files("parley") / "data" / "scenarios"))


def builtin_names() -> list[str]:
    """Names of the built-in scenarios."""
    return sorted(p.stem for p in _builtin_dir().glob("*.yaml"))


def builtin_path(name: str) -> Path:
    """Path of the built-in scenario ``name``."""
    return _builtin_dir() / f"{name}.yaml"


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is dropped), with clear errors for the usual mistakes.

    Only regular files are read: a directory, FIFO, socket or device (``/dev/zero``, also
    through a symbolic link) is refused before it is opened for reading, so nothing blocks or
    streams for ever. At most :func:`~parley.scenario.limits.limit` ``("file_bytes")`` bytes
    are read (``PARLEY_MAX_FILE_BYTES`` raises it). UTF-16/32 text and NUL bytes are refused
    with what to do about them."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError("no such file", file=path) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", file=path) from None
    _check_regular(st.st_mode, path)
    cap = limit("file_bytes")
    if st.st_size > cap:
        check_limit("file_bytes", st.st_size, f"{st.st_size:,} bytes", file=path)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, open
        # returns at once instead of waiting for a writer; fstat then refuses it
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", file=path) from None
    with os.fdopen(fd, "rb") as fh:
        _check_regular(os.fstat(fd).st_mode, path)
        try:
            raw = fh.read(cap + 1)
        except OSError as exc:
            raise ScenarioError(f"cannot read: {exc.strerror}", file=path) from None
    if len(raw) > cap:
        check_limit("file_bytes", len(raw), f"more than {cap:,} bytes", file=path)
    return decode_text(raw, path)


def _check_regular(mode: int, path: Path) -> None:
    if stat.S_ISREG(mode):
        return
    what = (
        "a directory" if stat.S_ISDIR(mode)
        else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket" if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise ScenarioError(f"is {what}, not a regular file: give a scenario file", file=path)


def decode_text(raw: bytes, path: str | Path) -> str:
    """UTF-8 bytes as text (a BOM dropped); UTF-16/32, other encodings and NULs refused."""
    # a UTF-16/32 byte-order mark, or ASCII text with every other byte (or three in four) NUL
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:4].count(b"\x00") >= 2:
        raise ScenarioError("UTF-16 or UTF-32 text: save the file as UTF-8", file=path, line=1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            file=path,
            line=line,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise ScenarioError(
            "contains a NUL byte (is it a binary file?)",
            file=path,
            line=text.count("\n", 0, nul) + 1,
        )
    return text.removeprefix("\ufeff")


def _looks_like_decide(text: str) -> bool:
    for line in text.splitlines():
        s = line.strip().lstrip("\"'")
        if s:
            return s.startswith("#") and len(s) > 1 and s[1] in "AaPpMmDdOo/"
    return False


def parse_text(text: str, file: str | Path, kind: str | None = None) -> Scenario:
    """Parse scenario text. ``kind`` is 'yaml' or 'decide'; guessed from the content if None."""
    if kind is None:
        kind = "decide" if _looks_like_decide(text) else "yaml"
    if kind == "decide":
        from parley.scenario.decide import parse_decide

        return parse_decide(text, file)
    from parley.scenario.yaml_io import parse_yaml

    return parse_yaml(text, file)


def load_scenario(source: str | Path | None = None) -> LoadedScenario:
    """Load a scenario from a file path or a built-in name (default: ``ukraine-2025``).

    Files ending in ``.yaml``/``.yml`` are read as YAML, ``.csv``/``.txt``/``.tsv`` as Decide
    CSV; other files are recognised by their content.
    Raises :class:`parley.ScenarioError` with a one-line message on any problem.
    """
    if source is None:
        source = DEFAULT_SCENARIO
    path = Path(source)
    if not path.exists() and isinstance(source, str) and source in builtin_names():
        bpath = builtin_path(source)
        return LoadedScenario(parse_text(read_text(bpath), bpath, "yaml"), source, bpath)
    if not path.exists():
        names = ", ".join(builtin_names())
        raise ScenarioError(
            f"no such file, and not a built-in scenario (built-ins: {names})", file=path
        )
    text = read_text(path)
    _remember_input(path)
    suffix = path.suffix.lower()
    kind = "yaml" if suffix in YAML_SUFFIXES else "decide" if suffix in DECIDE_SUFFIXES else None
    if not text.strip():
        raise ScenarioError("the file is empty", file=path)
    return LoadedScenario(parse_text(text, path, kind), path.stem, path)


def save_scenario(scenario: Scenario, path: str | Path, *, overwrite: bool = True) -> None:
    """Write a scenario as YAML or Decide CSV (chosen by the suffix), atomically: an existing
    file is replaced only once the new content has been written in full."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        from parley.scenario.yaml_io import dump_yaml

        text = dump_yaml(scenario)
    elif suffix in DECIDE_SUFFIXES:
        from parley.scenario.decide import dump_decide

        text = dump_decide(scenario)
    else:
        raise ScenarioError(
            "unknown output format: use a .yaml/.yml or .csv/.txt file name", file=path
        )
    write_atomic(path, text, overwrite=overwrite)


_READ: set[Path] = set()
"""Files read as scenarios in this process: outputs never overwrite them."""


def _remember_input(path: Path) -> None:
    with contextlib.suppress(OSError):  # a path that cannot be resolved is not an output
        _READ.add(path.resolve())


def write_atomic(path: str | Path, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that a failed or killed run never leaves it
    half-written.

    The text goes into a temporary file in the same directory, is flushed to disk
    (``fsync``), takes the mode of the file it replaces, and is renamed over ``path`` in one
    step; the directory is synced too. On Linux the temporary file has no name while it is
    written (``O_TMPFILE``) and is linked under a unique name only when complete, so a writer
    killed mid-write leaves nothing; elsewhere it is a ``tempfile.mkstemp`` file (``O_EXCL``,
    so a planted symlink is never followed) that carries the writer's pid in its name, and
    the next write to the same file removes a killed writer's leftover. ``path`` is refused
    if it is a scenario read by this process, or if it exists and ``overwrite`` is false."""
    path = Path(path)
    if path.is_dir():
        raise ScenarioError("is a directory, not a file", file=path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ScenarioError("the directory does not exist", file=path)
    if path.exists():
        if any(_same_file(path, p) for p in _READ):
            raise ScenarioError(
                "is an input of this command: refusing to overwrite it (choose another name)",
                file=path,
            )
        if not overwrite:
            raise ScenarioError("already exists (use --force to overwrite)", file=path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else _default_mode()
    except OSError:
        mode = _default_mode()
    _sweep_leftovers(parent, path.name)
    data = text.encode("utf-8")
    tmp = ""
    try:
        tmp = _anonymous_copy(parent, path.name, data, mode) or _named_copy(
            parent, path.name, data, mode
        )
        os.replace(tmp, path)
        tmp = ""
        _fsync_dir(parent)
    except OSError as exc:
        raise ScenarioError(f"cannot write: {exc.strerror or exc}", file=path) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _temp_prefix(name: str) -> str:
    return f".{name}.{os.getpid()}."


def _write_all(fd: int, data: bytes, mode: int) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fchmod(fd, mode)
    os.fsync(fd)


def _anonymous_copy(parent: Path, name: str, data: bytes, mode: int) -> str | None:
    """Write ``data`` into a file with no name (Linux ``O_TMPFILE``) and give it a unique
    temporary name only once it is complete and synced: a writer killed while writing leaves
    nothing behind. ``None`` where the system or file system cannot (the caller then uses
    :func:`_named_copy`)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        fd = os.open(parent, flag | os.O_WRONLY, mode)
    except OSError:
        return None
    try:
        _write_all(fd, data, mode)
        for _ in range(100):
            tmp = str(parent / f"{_temp_prefix(name)}{os.urandom(6).hex()}.tmp")
            try:
                # linkat(AT_SYMLINK_FOLLOW) on the descriptor; never follows a link at ``tmp``
                os.link(f"/proc/self/fd/{fd}", tmp, follow_symlinks=True)
            except FileExistsError:
                continue
            except OSError:
                return None
            return tmp
        return None
    finally:
        os.close(fd)


def _named_copy(parent: Path, name: str, data: bytes, mode: int) -> str:
    """Write ``data`` into a unique temporary file (``tempfile.mkstemp``: ``O_EXCL``, so a
    planted symlink is never followed); a killed writer's file is swept by the next write."""
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=_temp_prefix(name), suffix=".tmp")
    try:
        _write_all(fd, data, mode)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sweep_leftovers(directory: Path, name: str) -> None:
    """Remove temporary files of earlier writes to ``name`` whose writer is no longer alive."""
    prefix = f".{name}."
    try:
        entries = [e for e in os.listdir(directory) if e.startswith(prefix) and e.endswith(".tmp")]
    except OSError:
        return
    for entry in entries:
        pid_text = entry[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(directory / entry)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)
