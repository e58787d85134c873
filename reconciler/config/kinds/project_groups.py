"""The file format of project groups: `groups: {GROUP NAME: ROLE}` in a project.

Left out, a project's groups are not managed; declared (even `{}`), the mapping is
authoritative: a live group it leaves out loses access. The role is a predefined project role
(`owner` or `member`); custom project roles are not offered yet, since the admin spec file has
no way to create them and the sandbox has none. A group named twice is the YAML loader's
located error (a duplicate key); a group name that is neither declared in the root `groups:`
nor a live group is a plan error (the file alone cannot tell)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import StringConstraints

from reconciler.config.parts import ConfigPart
from reconciler.core.kinds.project_groups import PART

GroupName = Annotated[str, StringConstraints(min_length=1, max_length=255)]
ProjectGroupRole = Literal["owner", "member"]


def _to_model(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _to_data(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


PROJECT = ConfigPart(
    name=PART,
    place="project",
    annotation=dict[GroupName, ProjectGroupRole],
    description="Organization groups with access to the project, by name, with their project "
    "role (owner or member); authoritative when declared: a group left out loses access.",
    to_model=_to_model,
    to_data=_to_data,
)
