"""A rich progress bar on stderr that appears only once a run has taken more than a second."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

__all__ = ["LateProgress"]

_DELAY_S = 1.0


class LateProgress:
    """``with LateProgress("simulate") as step: ... step(done, total)``: the bar shows once
    the first second is over, on stderr, and is removed at the end."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.start = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < _DELAY_S:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            from parley.cli._common import stderr

            self.bar = Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), console=stderr, transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __enter__(self) -> LateProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.stop()
