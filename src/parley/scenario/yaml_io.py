"""Read and write scenarios as YAML (safe loading only).

Errors name the file and, where it can be found, the line: YAML syntax errors carry PyYAML's
line; validation errors are traced back from the field path to the line of the offending node.
Duplicate keys, which PyYAML would silently overwrite, are an error.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from parley.errors import ScenarioError
from parley.scenario.limits import check_limit, limit
from parley.scenario.schema import Scenario

__all__ = ["dump_yaml", "parse_yaml", "scenario_to_dict", "yaml_loader"]


_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAX_INT_DIGITS = 100


class _Checks:
    """Construction rules shared by both loaders, so that both give the same results and the
    same messages: duplicate keys are an error, merge keys (``<<:``) are allowed, integers of
    more than 100 digits and invalid dates are errors naming their line, nesting is bounded."""

    _depth = 0

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
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
        return yaml.constructor.SafeConstructor.construct_mapping(
            self,  # type: ignore[arg-type]
            node,
            deep=deep,
        )

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > _MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a number of {digits} digits is too long (at most {_MAX_INT_DIGITS})",
                node.start_mark,
            )
        return yaml.constructor.SafeConstructor.construct_yaml_int(self, node)  # type: ignore[arg-type]

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)  # type: ignore[arg-type]
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{node.value!r} is not a valid date (put it in quotes if it is meant as text)",
                node.start_mark,
            ) from None


def _install(cls: type) -> type:
    cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Checks.construct_mapping)
    cls.add_constructor("tag:yaml.org,2002:int", _Checks.construct_yaml_int)
    cls.add_constructor("tag:yaml.org,2002:timestamp", _Checks.construct_yaml_timestamp)
    return cls


class _PyLoader(_Checks, yaml.SafeLoader):
    """The pure-Python safe loader, with nesting bounded while composing (its composer is
    recursive: without a bound, deep nesting ends in a RecursionError)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > limit("yaml_depth"):
                raise _too_deep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_install(_PyLoader)

_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):  # pragma: no branch - libyaml is usually there

    class _CLoaderImpl(_Checks, yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """libyaml's parser (several times faster) with the same construction rules."""

    _CLoader = _install(_CLoaderImpl)


def _too_deep(mark: Any) -> yaml.MarkedYAMLError:
    return yaml.composer.ComposerError(
        None, None, f"nested more than {limit('yaml_depth')} levels deep", mark
    )


def _check_tree(root: yaml.Node) -> None:
    """Bound the nesting depth and the size of the document with aliases expanded (an alias
    bomb is small on disk and huge in memory), without recursion. Shared (aliased) nodes are
    measured once: their size and height are remembered."""
    max_depth, max_nodes = limit("yaml_depth"), limit("yaml_nodes")
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            kids = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in kids)
            height[key] = 1 + max((height[id(c)] for c in kids), default=0)
            if size[key] > max_nodes:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"the document expands to more than {max_nodes:,} values (through "
                    "repeated aliases?)",
                    node.start_mark,
                )
            continue
        if key in size:
            if depth + height[key] - 1 > max_depth:
                raise _too_deep(node.start_mark)
            continue
        if depth > max_depth:
            raise _too_deep(node.start_mark)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _compose(text: str, loader_cls: type) -> tuple[yaml.Node | None, Any]:
    loader = loader_cls(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_tree(root)
        return root, loader.construct_document(root)
    finally:
        loader.dispose()


def yaml_loader(name: str | None = None) -> type:
    """The loader class to use: ``"c"`` (libyaml), ``"python"``, or by default libyaml where
    it is installed (``PARLEY_YAML_LOADER=python`` forces the pure-Python one)."""
    name = name or os.environ.get("PARLEY_YAML_LOADER") or ("c" if _CLoader else "python")
    if name == "c" and _CLoader is not None:
        return _CLoader
    if name in ("c", "python"):
        return _PyLoader
    raise ScenarioError(f"PARLEY_YAML_LOADER={name!r}: expected 'c' or 'python'")


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree; return a 1-based line.

    A location read from a message (``stances.a.b.x``) may have been split at dots that belong
    to an id (``a.b``): at each mapping the longest run of parts that names a key is taken."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    k = 0
    while k < len(loc):
        part = loc[k]
        if isinstance(node, yaml.MappingNode):
            nxt, used = None, 1
            keys = {str(kn.value): v for kn, v in node.value if isinstance(kn, yaml.ScalarNode)}
            for end in range(len(loc), k, -1):
                name = ".".join(str(p) for p in loc[k:end])
                if name in keys:
                    nxt, used = keys[name], end - k
                    break
            if nxt is None:
                break
            node = nxt
            k += used
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            k += 1
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


def parse_yaml(
    text: str, file: str | Path = "<string>", loader: str | None = None
) -> Scenario:
    """Parse and validate a YAML scenario; raise :class:`ScenarioError` on any problem.

    ``loader`` is ``"c"`` (libyaml, the default where installed) or ``"python"``; both give
    the same scenario and the same messages (on a syntax error the libyaml parse is redone by
    the pure-Python parser, whose messages are the ones documented)."""
    cls = yaml_loader(loader)
    try:
        try:
            root, data = _compose(text, cls)
        except yaml.YAMLError:
            if cls is _PyLoader:
                raise
            root, data = _compose(text, _PyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or str(exc)
        if exc.context and exc.context not in what:
            what = f"{exc.context}: {what}"
        raise ScenarioError(f"YAML syntax error: {what}", file=file, line=line) from None
    except yaml.reader.ReaderError as exc:
        pos = int(exc.position)
        raise ScenarioError(
            f"YAML error: character {exc.character!r} is not allowed in YAML ({exc.reason})",
            file=file,
            line=text.count("\n", 0, pos) + 1,
        ) from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScenarioError(f"YAML error: {first}", file=file) from None
    # a lone '!' tag or a stray BOM: libyaml and PyYAML differ ('' or '\ufeff' against None)
    if data is None or (isinstance(data, str) and not data.strip("\ufeff \t\r\n")):
        if _looks_like_decide_text(text):
            raise ScenarioError(
                "this is Decide CSV content (#A/#P/#D rows), not YAML: give the file a .csv "
                "name",
                file=file,
                line=1,
            )
        raise ScenarioError("the file is empty", file=file)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping (title:, actors:, issues:, ...) at the top, got a "
            f"{type(data).__name__}",
            file=file,
            line=1,
        )
    for name in ("actors", "issues"):
        items = data.get(name)
        if isinstance(items, list | dict):
            check_limit(
                name, len(items), f"{len(items):,} {name}", file=file,
                line=_line_of(root, (name,)), field=name,
            )
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        exc = validation_error(err, file, root)
        # an empty node at the very end: libyaml marks it one line past the text, PyYAML not
        last = max(1, len(text.rstrip("\n").split("\n")))
        if exc.line is not None and exc.line > last:
            exc = ScenarioError(exc.message, file=file, line=last, field=exc.field)
        raise exc from None


def _looks_like_decide_text(text: str) -> bool:
    from parley.scenario.loader import _looks_like_decide

    return _looks_like_decide(text)


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
