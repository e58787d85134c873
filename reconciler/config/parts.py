"""The config half of a kind added as a plug-in: the key it owns in the file (`ConfigPart`).

A part is one key of the file — at the top (`groups:`), under `organization:`
(`data_retention:`) or in a project (`groups:` of a project) — with its pydantic type (so the
schema, `validate` and editors know it), how a validated value becomes the model's value
(`Organization.parts` / `Project.parts`, see core/parts.py) and back to plain data (what
`export` writes and the round trip checks), and, optionally, the cross-reference checks that
need the whole file (a group's members are declared users). A part left out of the file is
None in the model: not managed.

The parts of the kinds in this package are listed in `config/kinds/registry.py`; the schema's
models are built with their fields when `config/schema.py` is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, create_model

from reconciler.config.source import Locations, Path
from reconciler.errors import Problem

Place = Literal["root", "organization", "project"]
# (the whole validated ConfigFile, the part's path in it, its validated value, locations)
M = TypeVar("M", bound=BaseModel)
PartCheck = Callable[[Any, Path, Any, Locations], Iterator[Problem]]


@dataclass(frozen=True, slots=True)
class Joined:
    """How a top-level list part joins across the fragments of a config directory: its items
    are named by `field` (each name declared once in the whole directory)."""

    field: str
    noun: str


@dataclass(frozen=True, slots=True)
class ConfigPart:
    """One key of the file owned by a plug-in kind.

    `annotation` is the value's pydantic type (None is always allowed: not managed);
    `to_model` turns a validated value into the model's; `to_data` turns a model value into
    plain data as the file writes it (export, and config → model → data → model is the
    identity); `check` yields cross-reference problems; `joined` lets a top-level list be
    split across fragments (otherwise the key is declared once); `collection` False for a
    single value (a mode), which changes what `validate` says of the key left empty.
    """

    name: str
    place: Place
    annotation: Any
    description: str
    to_model: Callable[[Any], object]
    to_data: Callable[[Any], Any]
    check: PartCheck | None = None
    joined: Joined | None = None
    collection: bool = True


def with_parts(base: type[M], parts: tuple[ConfigPart, ...]) -> type[M]:
    """`base` with one optional field per part (the same model when there are none), under
    the same name and docstring, so the JSON Schema reads as if they were declared in it."""
    if not parts:
        return base
    fields: dict[str, Any] = {
        part.name: (part.annotation | None, Field(default=None, description=part.description))
        for part in parts
    }
    return create_model(
        base.__name__, __base__=base, __doc__=base.__doc__, __module__=base.__module__, **fields
    )
