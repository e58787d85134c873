"""Where the config declares each principal: `file:line` of the entry that grants access.

Reports name, for every live grant, the config entry behind it (`declared_in`) or say it is
`undeclared`. Keys are the model's natural keys: a user's email (organization users and
invites, both declared under `users`), (project, email) for a project member, (project, name)
for a service account; for access through teams (read/teams.py), (project, group) for a
project's `groups` entry, (group, role) for a group's `roles` item, (role, email) for a custom
role's `users` item, and, for each group declaring its `members`, email → its item.
Projects are named as the config names them; `project_ids` maps the id
of a pinned project (`id: proj_…`) to that name, so a live project being renamed still matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Declarations:
    """`file:line` of each declared user, member and service account (see module docstring)."""

    users: Mapping[str, str] = field(default_factory=dict)
    members: Mapping[tuple[str, str], str] = field(default_factory=dict)
    service_accounts: Mapping[tuple[str, str], str] = field(default_factory=dict)
    project_ids: Mapping[str, str] = field(default_factory=dict)
    project_groups: Mapping[tuple[str, str], str] = field(default_factory=dict)
    group_roles: Mapping[tuple[str, str], str] = field(default_factory=dict)
    group_members: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    role_users: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def project(self, name: str, project_id: str) -> str:
        """The config's name for a live project (by its pinned id, else its own name)."""
        return self.project_ids.get(project_id, name)
