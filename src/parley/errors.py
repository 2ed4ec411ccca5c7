"""parley's error types.

Every problem with user input is raised as a :class:`ParleyError` (or a subclass) whose
``str()`` is one line a user can act on: the file, the line or field path, and what is wrong.
The CLI prints that line to stderr and exits with code 2; it never shows a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ModelError", "ParleyError", "ScenarioError"]


class ParleyError(Exception):
    """Base class of every error parley raises about its input or use."""


class ScenarioError(ParleyError):
    """A scenario file (YAML or Decide CSV) or built-in name that cannot be used.

    Parameters
    ----------
    message:
        What is wrong, in words a user understands.
    file:
        The file concerned, if any.
    line:
        1-based line number in that file, if known.
    field:
        Dotted path of the offending field (for validation errors), if known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        if self.field:
            where += f"{self.field}: "
        return where + self.message


class ModelError(ParleyError):
    """A model cannot run on the given input or with the given parameters."""
