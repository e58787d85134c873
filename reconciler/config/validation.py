"""Pydantic's validation errors, turned into located, human problems.

Pydantic reports a location as a tuple of keys and indexes (plus markers such as `[key]` for a
bad mapping key); `Locations` maps it back to a line and column. Unknown keys get a
"did you mean" from the fields the schema allows at that place.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from reconciler.config.schema import ConfigFile
from reconciler.config.source import Locations, PathItem
from reconciler.errors import Problem


def validate_schema(
    data: dict[Any, Any], locations: Locations
) -> tuple[ConfigFile | None, list[Problem]]:
    """Validate against the schema; the config (None if unusable) and the schema problems.

    When the only problems are unknown keys or a wrong `version`, the config is validated again
    without them, so that the cross-reference checks still run and every problem is shown at
    once. Other errors stop here: guessing past them would report problems that are not there.
    """
    try:
        return ConfigFile.model_validate(data), []
    except ValidationError as exc:
        problems = problems_from(exc, locations)
        details = exc.errors(include_url=False)
    if not all(_skippable(detail) for detail in details):
        return None, problems
    for detail in details:
        data = _without(data, detail["loc"])
    try:
        return ConfigFile.model_validate(data), problems
    except ValidationError:
        return None, problems


def _skippable(detail: ErrorDetails) -> bool:
    return detail["type"] == "extra_forbidden" or tuple(detail["loc"]) == ("version",)


def _without(data: Any, loc: Sequence[PathItem]) -> Any:
    """A copy of `data` without the key at `loc` (`version` is set to 1 instead)."""
    if tuple(loc) == ("version",):
        return {**data, "version": 1}
    head, *rest = loc
    if isinstance(data, dict):
        if not rest:
            return {k: v for k, v in data.items() if k != head}
        return {**data, head: _without(data[head], rest)} if head in data else data
    if isinstance(data, list) and isinstance(head, int) and 0 <= head < len(data) and rest:
        return [*data[:head], _without(data[head], rest), *data[head + 1 :]]
    return data


def problems_from(error: ValidationError, locations: Locations) -> list[Problem]:
    """One Problem per pydantic error, in document order."""
    problems = [_problem(detail, locations) for detail in error.errors(include_url=False)]
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


# Location items that name no key: pydantic's dict-key marker, and union tags (config/spend.py).
_MARKERS = frozenset({"[key]", "[amount]", "[none]"})


def _problem(detail: ErrorDetails, locations: Locations) -> Problem:
    path = [item for item in detail["loc"] if item not in _MARKERS]
    kind = detail["type"]
    if kind == "extra_forbidden":
        return locations.problem(path, _unknown_key(path))
    if kind == "missing":
        return locations.problem(path[:-1], f"missing required key {path[-1]!r}")
    return locations.problem(path, _message(detail))


def _message(detail: ErrorDetails) -> str:
    message = detail["msg"].removeprefix("Value error, ")  # our own validators' messages
    if detail["type"] in ("literal_error", "string_pattern_mismatch") or "_type" in detail["type"]:
        message += f", got {_short(detail.get('input'))}"
    return message


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_key(path: Sequence[PathItem]) -> str:
    key = path[-1]
    allowed = _fields_at(path[:-1])
    message = f"unknown key {str(key)!r}"
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    if close:
        return f"{message} (did you mean {close[0]!r}?)"
    if allowed:
        return f"{message}; expected one of: {', '.join(allowed)}"
    return message


def _fields_at(path: Sequence[PathItem]) -> list[str]:
    """Field names allowed at `path` in the schema (empty when it is not a model)."""
    current: Any = ConfigFile
    for item in path:
        current = _step(_unwrap(current), item)
        if current is None:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [name for name, info in current.model_fields.items() if not info.exclude]
    return []


def _step(annotation: Any, item: PathItem) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(item))
        return field.annotation if field is not None else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    """`X | None` → X (the schema's only unions are optional fields)."""
    if get_origin(annotation) in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation
