"""The file format of groups: the root key `groups:`, a list of groups by name.

    groups:
      - name: ml-platform
        members: [alice@example.com, bob@example.com]   # optional; authoritative when declared
        roles: [billing-viewer, owner]                  # optional; organization roles by name

Left out, `members` or `roles` is not managed. Checks: a group name declared twice, a padded
name (a warning, as for other names), a member declared twice or, when `users:` is declared,
not declared there. A role name is checked at plan time against the organization's roles
(predefined and custom) and the file's `roles:`; whether a group is managed by SCIM is live
state, so declaring a SCIM group's members is refused by the plan, not here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from reconciler.config.names import (
    EMAIL_PATTERN,
    NAME_PATTERN,
    check_email,
    check_name,
    padded,
    short,
)
from reconciler.config.parts import ConfigPart, Joined
from reconciler.config.source import Locations, Path
from reconciler.core.kinds.groups import PART, Group
from reconciler.core.model import normalize_email
from reconciler.errors import Problem

_Name = Annotated[
    str, Field(max_length=255, json_schema_extra={"pattern": NAME_PATTERN}),
    AfterValidator(check_name),
]  # fmt: skip
_Email = Annotated[
    str, Field(json_schema_extra={"pattern": EMAIL_PATTERN, "minLength": 3}),
    AfterValidator(check_email),
]  # fmt: skip


class GroupConfig(BaseModel):
    """An organization group: its members and organization roles (each authoritative when
    declared, not managed when left out)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: _Name = Field(description="The group's name (groups are referred to by name).")
    members: list[_Email] | None = Field(
        default=None,
        description="Emails of the group's users (organization users); not allowed for a "
        "group managed by SCIM, whose members belong to the identity provider.",
    )
    roles: list[_Name] | None = Field(
        default=None,
        description="The group's organization roles by name: predefined (owner, reader) or custom.",
    )


def to_model(groups: list[GroupConfig]) -> Mapping[str, Group]:
    """The groups by name, members as normalized emails."""
    return {
        g.name: Group(
            members=None if g.members is None else frozenset(map(normalize_email, g.members)),
            roles=None if g.roles is None else frozenset(g.roles),
        )
        for g in groups
    }


def to_data(groups: Mapping[str, Group]) -> list[dict[str, Any]]:
    """The groups as the file writes them, by name, members and roles sorted."""
    out: list[dict[str, Any]] = []
    for name, group in sorted(groups.items()):
        item: dict[str, Any] = {"name": name}
        if group.members is not None:
            item["members"] = sorted(group.members)
        if group.roles is not None:
            item["roles"] = sorted(group.roles)
        out.append(item)
    return out


def check(config: Any, path: Path, groups: list[GroupConfig], loc: Locations) -> Iterator[Problem]:
    """Duplicate and padded group names; members declared twice or not declared as users."""
    users = getattr(config, "users", None)
    declared = None if users is None else {normalize_email(u.email) for u in users}
    first: dict[str, int] = {}
    for index, group in enumerate(groups):
        here = (*path, index)
        if group.name in first:
            line = loc.find((*path, first[group.name], "name"))
            where = f" (first on line {line[0]})" if line else ""
            yield loc.problem((*here, "name"), f"duplicate group name {group.name!r}{where}")
        first.setdefault(group.name, index)
        if padded(group.name):
            message = f"{short(group.name)} starts or ends with whitespace, part of the name"
            yield loc.problem((*here, "name"), message, severity="warning")
        yield from _members(here, group, declared, loc)


def _members(
    here: Path, group: GroupConfig, declared: set[str] | None, loc: Locations
) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, email in enumerate(group.members or []):
        member = normalize_email(email)
        if member in seen:
            yield loc.problem((*here, "members", index), f"{email!r} is listed twice")
        seen.add(member)
        if declared is not None and member not in declared:
            message = f"{email!r} is not declared in users (a group's members are users)"
            yield loc.problem((*here, "members", index), message)


ROOT = ConfigPart(
    name=PART,
    place="root",
    annotation=list[GroupConfig],
    description="Organization groups by name: their members and organization roles.",
    to_model=to_model,
    to_data=to_data,
    check=check,
    joined=Joined(field="name", noun="group"),
)
