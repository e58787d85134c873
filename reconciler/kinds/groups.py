"""Groups and their members: read every group with its users and roles; create and delete
groups; add and remove members, at `/organization/groups[/{id}[/users[/{user_id}]]]`.

Groups are named in the file and keyed by name; the API does not make names unique, so of
groups sharing a name the first listed (the oldest: the list's default order) is the one
managed. A group created by an apply records its id (`ctx.ids.part("groups")`), so its members,
roles and project access in the same apply find it. A member is added by user id: the live
index's, else the organization's user list filtered by email.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from reconciler.api.parsing import optional_text, text, unique_key
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.groups import GROUP, GROUP_USER, PART, Group
from reconciler.core.model import Desired, normalize_email
from reconciler.errors import ExportError, ReconcilerError
from reconciler.kinds.spec import KindSpec, PartRead
from reconciler.kinds.users import find_user
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, send_write, unsupported

PATH = "/organization/groups"


def group_path(group_id: str) -> str:
    """The URL path of one group."""
    return f"{PATH}/{group_id}"


def group_users_path(group_id: str) -> str:
    """The URL path of a group's users."""
    return f"{group_path(group_id)}/users"


def group_roles_path(group_id: str) -> str:
    """The URL path of a group's organization roles."""
    return f"{group_path(group_id)}/roles"


def parse_group(item: dict[str, Any]) -> tuple[str, str, bool]:
    """(name, id, managed by SCIM) of a listed group."""
    ident = text(item, "id", what="a group")
    return text(item, "name", what=f"group {ident}"), ident, item.get("is_scim_managed") is True


async def read_group_members(client: Reader, group_id: str) -> frozenset[str]:
    """The emails of a group's users."""
    items = await client.list_all(group_users_path(group_id))
    return frozenset(
        normalize_email(email) for item in items if (email := optional_text(item, "email"))
    )


async def read_group_roles(client: Reader, group_id: str) -> frozenset[str]:
    """The names of a group's organization roles."""
    items = await client.list_all(group_roles_path(group_id))
    return frozenset(text(item, "name", what=f"a role of group {group_id}") for item in items)


async def _read_one(client: Reader, group_id: str, scim: bool) -> Group:
    members, roles = await asyncio.gather(
        read_group_members(client, group_id), read_group_roles(client, group_id)
    )
    return Group(members=members, roles=roles, scim=scim)


async def list_groups(client: Reader) -> dict[str, tuple[str, bool]]:
    """name → (id, managed by SCIM) of every group; a group whose name an earlier one holds is
    keyed `name#id` (group names are not unique), so that none is hidden and the diff can refuse
    to manage a name that stands for several groups."""
    found: dict[str, tuple[str, bool]] = {}
    for item in await client.list_all(PATH):
        name, ident, scim = parse_group(item)
        found[unique_key(name, ident, found)] = (ident, scim)
    return found


async def read_groups_part(client: Reader, desired: Desired) -> PartRead:
    """Every group with its members and roles (two lists a group), and their ids by name."""
    listed = await list_groups(client)
    read = await asyncio.gather(*(_read_one(client, i, scim) for i, scim in listed.values()))
    groups = dict(zip(listed, read, strict=True))
    return groups, {(name,): ident for name, (ident, _) in listed.items()}


async def resolve_group(ctx: ApplyContext, name: str) -> str:
    """The id of the group named `name`: the index's (live, or created in this apply), else
    the list's (a group created by an overlapping apply)."""
    ids = ctx.ids.part(PART)
    found = ids.get((name,))
    if found is None:
        listed = (await list_groups(ctx.client)).get(name)
        if listed is None:
            raise ReconcilerError(f"group {name} does not exist")
        found = ids[(name,)] = listed[0]
    return found


async def apply_group(change: Change, ctx: ApplyContext) -> str | None:
    """Create a group (recording its id for the changes after it), or delete one."""
    name = change.key[0]
    if change.action is Action.DELETE:
        await delete_at(ctx.client, group_path(await resolve_group(ctx, name)), what=name)
        return None
    if change.action is not Action.CREATE:
        raise unsupported(change)

    async def settled() -> JSON | None:
        listed = (await list_groups(ctx.client)).get(name)
        return None if listed is None else {"id": listed[0]}

    body = {"name": name}
    made = await send_write(lambda: ctx.client.post(PATH, json=body), settled=settled, what=name)
    ctx.ids.part(PART)[(name,)] = text(made, "id", what=f"the new group {name}")
    return None


async def _user_id(ctx: ApplyContext, email: str) -> str:
    found = ctx.ids.users.get(email)
    if found is None:
        user = await find_user(ctx.client, email)
        if user is None:
            raise ReconcilerError(f"{email} is not an organization user")
        found = ctx.ids.users[email] = user[1]
    return found


async def apply_group_user(change: Change, ctx: ApplyContext) -> str | None:
    """Add a user to a group, or remove one."""
    name, email = change.key[0], normalize_email(change.key[1])
    group_id = await resolve_group(ctx, name)
    user_id = await _user_id(ctx, email)

    async def held() -> bool:
        return email in await read_group_members(ctx.client, group_id)

    path, what = group_users_path(group_id), f"{email} in group {name}"
    await write_membership(
        change, ctx, path=path, key="user_id", ident=user_id, held=held, what=what
    )
    return None


async def write_membership(
    change: Change,
    ctx: ApplyContext,
    *,
    path: str,
    key: str,
    ident: str,
    held: Callable[[], Awaitable[bool]],
    what: str,
) -> None:
    """Add one member to a group's collection at `path` (a user, or a role: POST `{key:
    ident}`, read back by `held`) or remove it (DELETE `path/ident`)."""
    if change.action is Action.DELETE:
        await delete_at(ctx.client, f"{path}/{ident}", what=what)
        return
    if change.action is not Action.CREATE:
        raise unsupported(change)

    async def settled() -> JSON | None:
        return {key: ident} if await held() else None

    body = {key: ident}
    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=what)


def _exported(value: object) -> object | None:
    """Every live group, declared with its members (a SCIM group without: they are the
    identity provider's) and its roles."""
    if not isinstance(value, dict):
        return None
    shared = sorted(
        {key.rsplit("#", 1)[0] for key in value if "#" in key and key.rsplit("#", 1)[0] in value}
    )
    if shared:  # a file names a group once: which of them would it mean?
        raise ExportError(
            f"cannot export: several groups are named {', '.join(map(repr, shared))}; rename "
            "all but one in the dashboard, then export again"
        )
    return {
        name: Group(members=None if group.scim else group.members, roles=group.roles)
        for name, group in value.items()
    }


SPEC = KindSpec(
    GROUP,
    write=apply_group,
    part=PART,
    read_org=read_groups_part,
    everything={},
    exported=_exported,
    reads_users=True,
)
USER_SPEC = KindSpec(GROUP_USER, write=apply_group_user)
