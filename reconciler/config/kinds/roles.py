"""The file format of custom organization roles: the top-level `roles:` list.

    roles:
      - name: billing-viewer
        description: Reads costs and usage          # optional: not managed when left out
        permissions: [api.usage.read, api.costs.read]  # optional: not managed (the role must exist)
        users: [alice@example.com]                  # optional: who holds it directly; authoritative

Checks, each at its line: a name declared twice (ignoring case, as the API compares them), a
name that starts or ends with whitespace (the API trims it, so it would never match), a
predefined role (`owner`, `reader`) with anything but its name (OpenAI defines them; a user's
organization role is their `role:` under `users`), and a role's user not declared in `users`
when the file declares them. A config directory may split the list across fragments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from reconciler.config.names import EMAIL_PATTERN, NAME_PATTERN, check_email, check_name, padded
from reconciler.config.parts import ConfigPart, Joined
from reconciler.config.source import Locations, Path
from reconciler.core.kinds.roles import PART, PREDEFINED, Role, is_predefined
from reconciler.core.model import normalize_email
from reconciler.errors import Problem

Name = Annotated[
    str,
    Field(max_length=255, json_schema_extra={"pattern": NAME_PATTERN}),
    AfterValidator(check_name),
]
Email = Annotated[
    str,
    Field(json_schema_extra={"pattern": EMAIL_PATTERN, "minLength": 3}),
    AfterValidator(check_email),
]


class RoleConfig(BaseModel):
    """A custom organization role (or OpenAI's `owner` / `reader`, named only)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: Name = Field(description="Unique, compared ignoring case; owner and reader are OpenAI's.")
    description: str | None = Field(default=None, description="Left out: not managed.")
    permissions: list[Name] | None = Field(
        default=None,
        description="Left out: not managed (the role must exist); a list replaces the role's.",
    )
    users: list[Email] | None = Field(
        default=None,
        description="Users holding the role directly; authoritative when declared.",
    )


def to_model(roles: list[RoleConfig]) -> dict[str, Role]:
    """Validated roles as the model's part value, by name."""
    return {
        role.name: Role(
            name=role.name,
            description=role.description,
            permissions=None if role.permissions is None else frozenset(role.permissions),
            users=None if role.users is None else frozenset(map(normalize_email, role.users)),
        )
        for role in roles
    }


def to_data(roles: dict[str, Role]) -> list[dict[str, Any]]:
    """The model's roles as the file writes them, by name, lists sorted."""
    data = []
    for name, role in sorted(roles.items()):
        item: dict[str, Any] = {"name": name}
        if role.description is not None:
            item["description"] = role.description
        if role.permissions is not None:
            item["permissions"] = sorted(role.permissions)
        if role.users is not None:
            item["users"] = sorted(role.users)
        data.append(item)
    return data


def check(config: Any, path: Path, roles: list[RoleConfig], loc: Locations) -> Iterator[Problem]:
    """Located problems of the `roles` list (see the module docstring)."""
    seen: dict[str, int] = {}
    declared = None
    if config.users is not None:
        declared = {normalize_email(user.email) for user in config.users}
    for i, role in enumerate(roles):
        at = (*path, i)
        folded = role.name.lower()
        if folded in seen:
            message = (
                f"role {role.name!r} is declared twice (also roles[{seen[folded]}]; "
                "names compare ignoring case)"
            )
            yield loc.problem((*at, "name"), message)
        seen.setdefault(folded, i)
        if padded(role.name):
            yield loc.problem(
                (*at, "name"), f"{role.name!r} starts or ends with whitespace, which the API trims"
            )
        if is_predefined(role.name):
            yield from _predefined(role, at, loc)
        for j, email in enumerate(role.users or []):
            if declared is not None and normalize_email(email) not in declared:
                message = f"{email!r} holds role {role.name} but is not declared in users"
                yield loc.problem((*at, "users", j), message)


def _predefined(role: RoleConfig, at: Path, loc: Locations) -> Iterator[Problem]:
    why = {
        "description": "its description",
        "permissions": "its permissions",
        "users": "who holds it (a user's organization role is their `role:` under users)",
    }
    for field, what in why.items():
        if getattr(role, field) is not None:
            message = (
                f"{role.name} is predefined by OpenAI ({', '.join(PREDEFINED)}): "
                f"the file cannot set {what}"
            )
            yield loc.problem((*at, field), message)


PART_ROLES = ConfigPart(
    name=PART,
    place="root",
    annotation=list[RoleConfig],
    description="Custom organization roles: definitions and who holds each directly.",
    to_model=to_model,
    to_data=to_data,
    check=check,
    joined=Joined(field="name", noun="role"),
)
