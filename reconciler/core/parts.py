"""Parts: where the model keeps the values of kinds added as plug-ins.

A kind added as a plug-in adds no field to `Organization`, `Project` or `IdIndex`. Its values
live under its part name (`"groups"`, `"data_retention"`) in `Organization.parts` or
`Project.parts`, with the rule the typed fields follow: a part that is absent was not declared
(desired) or not read (live) and is left alone; a present one is authoritative. Its server ids
live in `IdIndex.parts[name]`, by natural key (for a project's part, the key starts with the
project's name).

    groups = typed(desired.org, "groups", Mapping[str, Group])   # or None
    plain(value)  # deterministic plain data for digests and snapshots

Values are frozen dataclasses, mappings, tuples and frozensets of those and of scalars, so
`plain` can turn any of them into JSON without the kind's help. Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from reconciler.core.model import IdIndex, Organization, Project

T = TypeVar("T")


def typed(owner: Organization | Project, name: str, _type: type[T] | Any) -> T | None:
    """The value of part `name` of `owner` (None when not in scope), as the kind's type.

    The type is for the reader and the type checker; values are what the kind's own config
    conversion and read put there, so nothing is checked at run time.
    """
    return cast("T | None", owner.parts.get(name))


def ids_of(ids: IdIndex, name: str) -> Mapping[tuple[str, ...], str]:
    """The server ids of part `name` by natural key (empty when none were read)."""
    return ids.parts.get(name, {})


def with_part(parts: Mapping[str, object], name: str, value: object | None) -> dict[str, object]:
    """`parts` with `name` set to `value` (removed when None)."""
    out = {key: item for key, item in parts.items() if key != name}
    if value is not None:
        out[name] = value
    return out


def plain(value: Any) -> Any:
    """Deterministic plain data: dataclasses as field dicts (fields with compare=False left
    out), mappings with their keys as text, sets sorted, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare
        }
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in sorted(value.items(), key=_order)}
    if isinstance(value, frozenset | set):
        return sorted((plain(item) for item in value), key=repr)
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


def parts_json(parts: Mapping[str, object]) -> dict[str, Any]:
    """`{"parts": …}` when there are any, else nothing (digests of organizations and files
    without plug-in kinds keep the value they had before parts existed)."""
    if not parts:
        return {}
    return {"parts": {name: plain(value) for name, value in sorted(parts.items())}}


def _order(item: tuple[Any, Any]) -> str:
    return str(item[0])
