"""Project groups: read a project's groups and their project roles; grant, re-role, remove.

`GET /organization/projects/{id}/groups` lists the groups with access, but a `ProjectGroup` has
no role. How a group's role is read is a decision: `GET /projects/{id}/groups/{group_id}/roles`
(the RBAC path outside the admin spec file; `RoleListResource`) answers the group's project
roles, one request per group with access. It is the only read that names the role of a group
in a project (the alternative, `GET /projects/{id}/roles`, lists the roles, not who holds them),
so reading a project's groups costs one list plus one request per group; apply reads the role
back the same way. Granting takes a project role *id*: the handler lists `GET /projects/{id}/roles`
once per project and role name (cached in the apply's ids as part `project_roles`). Re-granting a
group that has access replaces its role (the API has no update); removing is a DELETE.

Group names resolve to ids through `GET /organization/groups` (read after the rest of the live
state, with the members of the groups at stake: `read_directory`); a group created earlier in
the same apply is found under `ctx.ids.part("groups")[(name,)]`, where its handler records it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from reconciler.api.parsing import optional_text, text, unique_key
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.project_groups import (
    DIRECTORY,
    PART,
    PROJECT_GROUP,
    GroupDirectory,
    ProjectGroups,
    at_stake,
    groups_of,
)
from reconciler.core.model import Desired, Live, normalize_email
from reconciler.core.parts import ids_of, with_part
from reconciler.errors import ProtocolError, ReconcilerError
from reconciler.kinds.project_users import read_members
from reconciler.kinds.spec import KindSpec, PartRead
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, send_write, unsupported

GROUPS = "/organization/groups"
PROJECT_RESOURCE = "api.project"
# The apply's cache of project role ids: (project, role name) → id.
ROLE_IDS = "project_roles"
# What export declares to read every project's groups (compared by identity: reading for an
# export reads no group's members, as nothing is at stake).
EVERYTHING: ProjectGroups = MappingProxyType({})


def project_groups_path(project_id: str) -> str:
    """The URL path of a project's groups."""
    return f"/organization/projects/{project_id}/groups"


def project_group_path(project_id: str, group_id: str) -> str:
    """The URL path of one group's access to a project."""
    return f"{project_groups_path(project_id)}/{group_id}"


def group_roles_path(project_id: str, group_id: str) -> str:
    """The URL path of a group's roles in a project (RBAC path, outside the admin spec file)."""
    return f"/projects/{project_id}/groups/{group_id}/roles"


def project_roles_path(project_id: str) -> str:
    """The URL path of a project's roles (RBAC path, outside the admin spec file)."""
    return f"/projects/{project_id}/roles"


def group_users_path(group_id: str) -> str:
    """The URL path of a group's users."""
    return f"{GROUPS}/{group_id}/users"


async def read_group_role(client: Reader, project_id: str, group_id: str) -> str | None:
    """The group's project role in the project, or None when it has no access."""
    roles = await client.list_all(group_roles_path(project_id, group_id))
    names = [
        text(role, "name", what=f"a role of group {group_id}")
        for role in roles
        if role.get("resource_type", PROJECT_RESOURCE) == PROJECT_RESOURCE
    ]
    return names[0] if names else None


async def read_project_part(client: Reader, project_id: str) -> PartRead:
    """A project's groups, {group name: project role}, and their ids by (group name,)."""
    listed = await client.list_all(project_groups_path(project_id))
    pairs = [
        (text(item, "group_name", what="a project group"),
         text(item, "group_id", what="a project group"))
        for item in listed
    ]  # fmt: skip
    roles = await asyncio.gather(*(read_group_role(client, project_id, gid) for _, gid in pairs))
    value: dict[str, str] = {}
    ids: dict[tuple[str, ...], str] = {}
    for (name, gid), role in zip(pairs, roles, strict=True):
        if role is None:
            raise ProtocolError(f"group {name} has access to project {project_id} but no role")
        key = unique_key(name, gid, value)
        value[key] = role
        ids[(key,)] = gid
    return value, ids


async def read_group_emails(client: Reader, group_id: str) -> frozenset[str]:
    """The emails of a group's members."""
    users = await client.list_all(group_users_path(group_id))
    return frozenset(normalize_email(e) for u in users if (e := optional_text(u, "email")))


async def read_directory(client: Reader, desired: Desired, live: Live) -> Live:
    """`live` with the organization's groups (names → ids, also under the ids of part
    `groups` by (name,)) and the members of the groups the plan may remove or downgrade, when a
    declared project declares `groups`."""
    declaring = {n: g for n, p in desired.org.projects.items() if (g := groups_of(p)) is not None}
    if not declaring:
        return live
    listed = await client.list_all(GROUPS)
    found: dict[str, list[str]] = {}
    for item in listed:
        name = text(item, "name", what="a group")
        found.setdefault(name, []).append(text(item, "id", what=f"group {name}"))
    ids = {name: idents[0] for name, idents in found.items() if len(idents) == 1}
    stake = _at_stake(declaring, live)
    groups = sorted({g for names in stake.values() for g in names if g in ids})
    emails = await asyncio.gather(*(read_group_emails(client, ids[g]) for g in groups))
    directory = GroupDirectory(
        ids=ids,
        ambiguous=frozenset(name for name, idents in found.items() if len(idents) > 1),
        members=dict(zip(groups, emails, strict=True)),
        direct=await _direct_members(client, live, sorted(stake)),
    )
    org = replace(live.org, parts=with_part(live.org.parts, DIRECTORY, directory))
    known = {(name,): ident for name, ident in ids.items()}
    parts = {**live.ids.parts, PART: {**known, **ids_of(live.ids, PART)}}
    return replace(live, org=org, ids=replace(live.ids, parts=parts))


def _at_stake(declaring: Mapping[str, ProjectGroups], live: Live) -> dict[str, set[str]]:
    """Project → the live groups a plan removes from it or downgrades there."""
    stake: dict[str, set[str]] = {}
    for name, wanted in declaring.items():
        existing = groups_of(live.org.projects.get(name))
        if wanted is not EVERYTHING and existing and (groups := at_stake(wanted, existing)):
            stake[name] = groups
    return stake


async def _direct_members(
    client: Reader, live: Live, projects: list[str]
) -> dict[str, Mapping[str, str]]:
    """The direct members' roles of the projects at stake whose members were not read."""
    unread = [
        (name, pid)
        for name in projects
        if (pid := live.ids.projects.get(name)) is not None
        and live.org.projects[name].members is None
    ]
    read = await asyncio.gather(*(read_members(client, pid) for _, pid in unread))
    return {
        name: {m.email: m.role for m in members}
        for (name, _), members in zip(unread, read, strict=True)
    }


async def _group_id(ctx: ApplyContext, project: str, group: str) -> str:
    """The id of a group by name: live, created earlier in this apply, or listed now."""
    ids = ctx.ids.part(PART)
    found = ids.get((project, group)) or ids.get((group,))
    if found is not None:
        return found
    matching = [text(g, "id", what="a group") for g in await ctx.client.list_all(GROUPS)
                if g.get("name") == group]  # fmt: skip
    if len(matching) != 1:
        why = "no organization group" if not matching else "several organization groups"
        raise ReconcilerError(f"{why} named {group!r} (for project {project})")
    ids[(group,)] = matching[0]
    return matching[0]


async def _role_id(ctx: ApplyContext, project: str, project_id: str, role: str) -> str:
    """The id of a project role by name (one list of the project's roles, then cached)."""
    cache = ctx.ids.part(ROLE_IDS)
    if (project, role) not in cache:
        for item in await ctx.client.list_all(project_roles_path(project_id)):
            name = text(item, "name", what=f"a role of project {project}")
            cache.setdefault((project, name), text(item, "id", what=f"project role {name}"))
    found = cache.get((project, role))
    if found is None:
        raise ReconcilerError(f"{role!r} is not a project role of {project}")
    return found


async def apply_project_group(change: Change, ctx: ApplyContext) -> str | None:
    """Grant a group access to a project with a role, change that role, or remove the access."""
    project, group = change.key
    project_id = ctx.project_id(project)
    group_id = await _group_id(ctx, project, group)
    what = f"group {group} in {project}"
    if change.action is Action.DELETE:
        await delete_at(ctx.client, project_group_path(project_id, group_id), what=f"remove {what}")
        return None
    if change.action not in (Action.CREATE, Action.UPDATE):
        raise unsupported(change)
    role = str((change.after or {})["role"])
    body = {"group_id": group_id, "role": await _role_id(ctx, project, project_id, role)}

    async def settled() -> JSON | None:
        current = await read_group_role(ctx.client, project_id, group_id)
        return {"role": current} if current == role else None

    path = project_groups_path(project_id)
    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=what)
    ctx.ids.part(PART)[(project, group)] = group_id
    return None


def _exported(value: object) -> object | None:
    """A project's groups as the file declares them (left out when it has none)."""
    return dict(value) if isinstance(value, Mapping) and value else None


SPEC = KindSpec(
    PROJECT_GROUP,
    write=apply_project_group,
    part=PART,
    read_project=read_project_part,
    read_after=read_directory,
    everything=EVERYTHING,
    exported=_exported,
)
