"""The `Declarations` of a validated config: the `file:line` of every user, member and
service-account entry, and of the entries granting access through teams (a project's
`groups`, a group's `roles` and `members`, a custom role's `users`), from the marks the YAML
reader kept (config/source.py)."""

from __future__ import annotations

from typing import Any

from reconciler.config.schema import ConfigFile
from reconciler.config.source import Locations, Path
from reconciler.core.declared import Declarations
from reconciler.core.model import normalize_email


def declarations(config: ConfigFile, loc: Locations) -> Declarations:
    """Where each principal of `config` is declared (emails lower-cased, as in the model)."""
    users = {
        normalize_email(user.email): _at(loc, ("users", index))
        for index, user in enumerate(config.users or [])
    }
    members: dict[tuple[str, str], str] = {}
    accounts: dict[tuple[str, str], str] = {}
    by_group: dict[tuple[str, str], str] = {}
    for p, project in enumerate(config.projects):
        for email in project.members or {}:
            where = _at(loc, ("projects", p, "members", email))
            members[(project.name, normalize_email(email))] = where
        for index, account in enumerate(project.service_accounts or []):
            where = _at(loc, ("projects", p, "service_accounts", index))
            accounts[(project.name, account.name)] = where
        for group in _part(project, "groups") or {}:
            by_group[(project.name, group)] = _at(loc, ("projects", p, "groups", group))
    pinned = {p.id: p.name for p in config.projects if p.id is not None}
    return Declarations(
        users=users,
        members=members,
        service_accounts=accounts,
        project_ids=pinned,
        project_groups=by_group,
        **_teams(config, loc),
    )


def _teams(config: ConfigFile, loc: Locations) -> dict[str, Any]:
    """Where the root `groups` and `roles` grant: group roles, group members, role holders."""
    group_roles: dict[tuple[str, str], str] = {}
    group_members: dict[str, dict[str, str]] = {}
    for g, group in enumerate(_part(config, "groups") or []):
        for r, role in enumerate(group.roles or []):
            group_roles[(group.name, role)] = _at(loc, ("groups", g, "roles", r))
        if group.members is not None:
            group_members[group.name] = {
                normalize_email(email): _at(loc, ("groups", g, "members", m))
                for m, email in enumerate(group.members)
            }
    role_users = {
        (role.name, normalize_email(email)): _at(loc, ("roles", r, "users", u))
        for r, role in enumerate(_part(config, "roles") or [])
        for u, email in enumerate(role.users or [])
    }
    return {"group_roles": group_roles, "group_members": group_members, "role_users": role_users}


def _part(model: object, name: str) -> Any:
    """The value of a plug-in part (a field the schema adds when the kind is registered)."""
    return getattr(model, name, None)


def _at(loc: Locations, path: Path) -> str:
    """`file:line` of the entry at `path` (the file alone when it has no marks); in a config
    directory, the fragment that declares it."""
    mark = loc.find(path)
    file = loc.file_of(path)
    return f"{file}:{mark[0]}" if mark else file
