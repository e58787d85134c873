"""The rows of `report access` for access held through teams and custom roles (pure).

One row per grant, never merged: a user who is a project member and also reaches the project
through a group has one row for each (each is revoked on its own, in its own config entry);
the last column, `granted_through`, tells them apart (`direct` on every other row). Rows are
of type `user`:

- each member of a group with access to a project: scope `project:<name>`, the group's project
  role, `granted_through` `group <name>`, declared by the project's `groups` entry;
- each member of a group with an organization role: scope `organization`, that role,
  `group <name>`, declared by the group's `roles` item;
- each user holding a custom role directly: scope `organization`, the role, `custom role`,
  declared by the role's `users` item.

A grant through a group whose `members` the config declares is `undeclared` for a member it
does not list (the config does not grant them that access). Keys are counted once per user and
scope: an organization row through a team counts none (the user's own organization row counts
them all); a project row through a group counts the user's keys in the project only when they
are no direct member there, on the first such group row (groups by name).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from reconciler.core.declared import Declarations
from reconciler.read.principals import Principals
from reconciler.read.teams import Teams

ORGANIZATION = "organization"
NO_CONFIG = "no config"
UNDECLARED = "undeclared"
DIRECT = "direct"  # `granted_through` of a grant held by the principal itself
CUSTOM_ROLE = "custom role"


class Grant(NamedTuple):
    """One principal's access in one scope, before its keys are counted (`keys`: whether the
    row counts the principal's keys in its scope; `through`: `direct`, `group <name>` or
    `custom role`)."""

    principal: str
    type: str
    scope: str
    role: str
    declared_in: str
    keys: bool = True
    through: str = DIRECT


def reached(teams: Teams | None) -> dict[str, frozenset[str]]:
    """Project key → the emails reaching it through a group."""
    if teams is None:
        return {}
    return {
        project: frozenset(
            email
            for group in access
            for email in (teams.groups[group].members or () if group in teams.groups else ())
        )
        for project, access in teams.projects.items()
    }


def team_grants(found: Principals, declared: Declarations | None) -> Iterator[Grant]:
    """The grants through teams and custom roles of what was read (the module docstring)."""
    teams = found.teams
    if teams is None:
        return
    for project in found.projects:
        scope = f"project:{project.name}"
        config_name = declared.project(project.name, project.id) if declared else project.name
        direct = {m.email for m in project.members}
        counted: set[str] = set()
        for group, role in sorted(teams.projects.get(project.name, {}).items()):
            line = _line(declared, "project_groups", (config_name, group))
            for email in _members(teams, group):
                where = _where(declared, line, group, email)
                keys = email not in direct and email not in counted
                counted.add(email)
                yield Grant(email, "user", scope, role, where, keys, f"group {group}")
    for group, held in sorted(teams.groups.items()):
        for role in sorted(held.roles or ()):
            line = _line(declared, "group_roles", (group, role))
            for email in _members(teams, group):
                where = _where(declared, line, group, email)
                yield Grant(email, "user", ORGANIZATION, role, where, False, f"group {group}")
    for email, names in sorted(teams.custom_roles.items()):
        for name in sorted(names):
            held_at = NO_CONFIG if declared is None else declared.role_users.get((name, email))
            where = held_at or UNDECLARED
            yield Grant(email, "user", ORGANIZATION, name, where, False, CUSTOM_ROLE)


def _members(teams: Teams, group: str) -> list[str]:
    held = teams.groups.get(group)
    return sorted(held.members or ()) if held else []


def _line(declared: Declarations | None, field: str, key: tuple[str, str]) -> str | None:
    """The `file:line` of a team entry (`field` of the declarations), if declared."""
    entries: Mapping[tuple[str, str], str] = getattr(declared, field, {})
    return entries.get(key)


def _where(declared: Declarations | None, line: str | None, group: str, email: str) -> str:
    """`declared_in` of a grant to `email` through `group` declared at `line`."""
    if declared is None:
        return NO_CONFIG
    listed = declared.group_members.get(group)
    if line is None or (listed is not None and email not in listed):
        return UNDECLARED
    return line
