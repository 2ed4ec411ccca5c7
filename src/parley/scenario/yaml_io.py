"""Read and write scenarios as YAML (safe loading only).

Errors name the file and, where it can be found, the line: YAML syntax errors carry PyYAML's
line; validation errors are traced back from the field path to the line of the offending node.
Duplicate keys, which PyYAML would silently overwrite, are an error.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from parley.errors import ScenarioError
from parley.scenario.schema import Scenario

__all__ = ["dump_yaml", "parse_yaml", "scenario_to_dict"]


class _Loader(yaml.SafeLoader):
    """Safe loader that rejects duplicate mapping keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first given on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree; return a 1-based line."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if str(k.value) == str(part):
                    nxt = v
                    break
            if nxt is None:
                break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _loc_from_message(msg: str) -> tuple[Any, ...]:
    """Cross-reference errors carry their path at the start of the message ('a.b.0: ...')."""
    head = msg.split(": ", 1)[0]
    if " " in head or ":" not in msg:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in head.split("."))


def validation_error(
    err: ValidationError, file: str | Path, root: yaml.Node | None
) -> ScenarioError:
    """Turn the first pydantic error into a one-line :class:`ScenarioError`."""
    errors = err.errors(include_url=False)
    e = _most_telling(errors)
    loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    msg = str(e["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if e["type"] == "missing":
        msg = "required field is missing"
    elif e["type"] == "extra_forbidden":
        msg = "unknown field" + _suggestion(loc, errors)
    field = ".".join(str(p) for p in loc) or None
    line_loc = loc
    if not loc:
        line_loc = _loc_from_message(msg)
    line = _line_of(root, line_loc) if root is not None else None
    if line_loc and root is not None and e["type"] == "missing":
        line = _line_of(root, line_loc[:-1])
    extra = len(err.errors()) - 1
    if extra:
        msg += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    return ScenarioError(msg, file=file, line=line, field=field)


def _most_telling(errors: list[Any]) -> Any:
    """A misspelt field shows up as 'missing' plus 'unknown field': report the unknown one."""
    for e in errors:
        if e["type"] == "extra_forbidden":
            return e
    return errors[0]


def _suggestion(loc: tuple[Any, ...], errors: list[Any]) -> str:
    missing = [e["loc"][-1] for e in errors if e["type"] == "missing" and e["loc"][:-1] == loc[:-1]]
    close = difflib.get_close_matches(str(loc[-1]), [str(m) for m in missing], n=1) if loc else []
    return f" (did you mean {close[0]!r}?)" if close else " (check its spelling)"


def parse_yaml(text: str, file: str | Path = "<string>") -> Scenario:
    """Parse and validate a YAML scenario; raise :class:`ScenarioError` on any problem."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = None if root is None else loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or str(exc)
        if exc.context and exc.context not in what:
            what = f"{exc.context}: {what}"
        raise ScenarioError(f"YAML syntax error: {what}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {exc}", file=file) from None
    if data is None:
        raise ScenarioError("the file is empty", file=file)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping (title:, actors:, issues:, ...) at the top, got a "
            f"{type(data).__name__}",
            file=file,
            line=1,
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise validation_error(err, file, root) from None


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain data for a scenario, omitting unset optional fields and writing bare numbers where
    an estimate has nothing but a value."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    for issue, model in zip(data["issues"], scenario.issues, strict=True):
        if model.points:
            issue["points"] = {_plain(k): v for k, v in model.points.items()}
    return _compact(data)


def _plain(x: float) -> int | float:
    """3.0 -> 3 (for readable YAML keys), other numbers unchanged."""
    return int(x) if float(x).is_integer() else x


def _compact(obj: Any) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {"value"}:
            return obj["value"]
        return {k: _compact(v) for k, v in obj.items() if v != [] and v != {}}
    if isinstance(obj, list):
        return [_compact(v) for v in obj]
    return obj


def dump_yaml(scenario: Scenario) -> str:
    """Serialise a scenario to YAML text."""
    return yaml.safe_dump(
        scenario_to_dict(scenario), sort_keys=False, allow_unicode=True, width=100
    )
