"""Access held through teams and custom roles, for the access review (`report access`).

    teams = await read_teams(client, projects=[(key, id), …], user_ids={email: id})

Read through the kinds' own readers (kinds/groups.py, kinds/project_groups.py,
kinds/roles.py), nothing parsed twice. Requests: the group list and the role list once each;
when the organization has groups, each group's members and organization roles (two a group)
and each active project's groups (one list a project, plus one request per group with access
to it, for its role); when it has custom roles, each user's roles (one a user), to find who
holds one directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.api.parsing import unique_key
from reconciler.api.protocols import Reader
from reconciler.core.kinds.groups import Group
from reconciler.kinds import groups as group_kind
from reconciler.kinds import project_groups, roles


@dataclass(frozen=True, slots=True)
class Teams:
    """What `read_teams` found: every group (members, organization roles, SCIM) by name; each
    project's groups with their project role, by project key; the custom roles each user holds
    directly (users holding none left out)."""

    groups: Mapping[str, Group] = field(default_factory=dict)
    projects: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    custom_roles: Mapping[str, frozenset[str]] = field(default_factory=dict)


async def read_teams(
    client: Reader, *, projects: Sequence[tuple[str, str]], user_ids: Mapping[str, str]
) -> Teams:
    """Groups, project access by group, and custom roles held directly (module docstring).
    Groups sharing a name are each read, the later listed as `name#id`; a project's groups
    are matched to them by id."""
    items, custom = await asyncio.gather(client.list_all(group_kind.PATH), _custom_roles(client))
    listed: dict[str, tuple[str, bool]] = {}
    for item in items:
        name, ident, scim = group_kind.parse_group(item)
        listed[unique_key(name, ident, listed)] = (ident, scim)
    read_groups = asyncio.gather(*(_group(client, ident, scim) for ident, scim in listed.values()))
    read_projects = asyncio.gather(
        *(project_groups.read_project_part(client, pid) for _, pid in projects if listed)
    )
    emails = sorted(user_ids) if custom else []
    read_held = asyncio.gather(*(roles.read_held_roles(client, user_ids[e]) for e in emails))
    found, access, held = await asyncio.gather(read_groups, read_projects, read_held)
    named = {ident: name for name, (ident, _) in listed.items()}
    by_project: dict[str, dict[str, str]] = {}
    for (key, _), (value, ids) in zip(projects if listed else (), access, strict=True):
        if isinstance(value, Mapping) and value:
            by_project[key] = {
                named.get(ids[(group,)], str(group)): str(role) for group, role in value.items()
            }
    return Teams(
        groups=dict(zip(listed, found, strict=True)),
        projects=by_project,
        custom_roles={e: frozenset(names) for e, names in zip(emails, held, strict=True) if names},
    )


async def _group(client: Reader, group_id: str, scim: bool) -> Group:
    members, held = await asyncio.gather(
        group_kind.read_group_members(client, group_id),
        group_kind.read_group_roles(client, group_id),
    )
    return Group(members=members, roles=held, scim=scim)


async def _custom_roles(client: Reader) -> frozenset[str]:
    """The names of the organization's custom roles (the predefined ones left out)."""
    listed = await roles.list_organization_roles(client)
    return frozenset(role.name for role, _, predefined in listed if not predefined)
