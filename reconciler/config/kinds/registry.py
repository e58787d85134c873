"""The one list of config parts (the keys plug-in kinds own in the file), and lookups.

A kind's config half is added by writing its module in this package and adding its `PART` to
`_PARTS`. The schema's models are built from this list when `config/schema.py` is imported, so
a part must be listed here (not registered later) to be in the file format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from reconciler.config.kinds import data_retention, groups, project_groups, roles
from reconciler.config.parts import ConfigPart, Place

_PARTS: tuple[ConfigPart, ...] = (
    data_retention.ORGANIZATION,
    data_retention.PROJECT,
    roles.PART_ROLES,
    groups.ROOT,
    project_groups.PROJECT,
)


def parts(place: Place | None = None) -> tuple[ConfigPart, ...]:
    """Every part, or those at `place`, in registry order."""
    return tuple(part for part in _PARTS if place is None or part.place == place)


def model_parts(config: BaseModel | None, place: Place) -> dict[str, object]:
    """The model values of the parts at `place` that `config` (the file, its `organization:`
    block or a project, validated) declares; a part left out is not there."""
    out: dict[str, object] = {}
    for part in parts(place):
        value = getattr(config, part.name, None) if config is not None else None
        if value is not None:
            out[part.name] = part.to_model(value)
    return out


def data_parts(values: Mapping[str, object], place: Place) -> dict[str, Any]:
    """The parts at `place` among model `values`, as plain data in the file's format."""
    return {
        part.name: part.to_data(values[part.name]) for part in parts(place) if part.name in values
    }
