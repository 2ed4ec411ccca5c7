"""The scenario format's field reference, generated from the pydantic models.

``docs/format.md`` is this module's output (``python -m parley.scenario.reference >
docs/format.md``); a test keeps the two in step, so the documentation cannot drift from the
format.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from parley.scenario import schema

__all__ = ["format_reference"]

_MODELS: list[type[BaseModel]] = [
    schema.Scenario,
    schema.SourceRef,
    schema.Actor,
    schema.Issue,
    schema.Scale,
    schema.Stance,
    schema.Estimate,
    schema.Package,
    schema.Channel,
    schema.Lever,
    schema.Change,
    schema.Game,
    schema.GameNode,
    schema.GameMove,
    schema.GameLeaf,
]


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping {_type_name(args[0])} -> {_type_name(args[1])}"
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    names = {str: "text", float: "number", int: "integer", bool: "true/false"}
    if tp in names:
        return names[tp]
    return getattr(tp, "__name__", str(tp)).replace("date", "date (YYYY-MM-DD)")


def format_reference() -> str:
    """Markdown reference of every object of the scenario format."""
    out = [
        "# Scenario format reference",
        "",
        "Generated from `parley.scenario.schema` by `python -m parley.scenario.reference`; do "
        "not edit by hand. The README has an annotated example.",
        "",
        "Every number written as an [Estimate](#estimate) may be given bare (`0.8`) or as a "
        "mapping with `value`, `low`, `high`, `source` and `note`.",
        "",
    ]
    for model in _MODELS:
        doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        out += [f"## {model.__name__}", "", doc, "", "| field | type | required | meaning |",
                "|---|---|---|---|"]
        hints = typing.get_type_hints(model, include_extras=True)
        for name, field in model.model_fields.items():
            req = "yes" if field.is_required() else "no"
            desc = (field.description or "").replace("\n", " ").replace("|", "\\|")
            out.append(f"| `{name}` | {_type_name(hints[name])} | {req} | {desc} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(format_reference(), end="")
