"""Custom organization roles at `/organization/roles`, and who holds them directly at
`/organization/users/{user_id}/roles`.

The list holds OpenAI's predefined roles too (`predefined_role: true`): their ids are indexed
(groups refer to them by name) but they are no part of the live value. A role's holders are
read only when the file declares `users` for a role (or export reads everything): the API lists
roles by user, not users by role, so that is one list of the organization's users and one
request per user. A role a user holds through a group is not theirs directly: an entry whose
`assignment_sources` do not name the user is left out. Writes read back through
`write/recovery.py`: a role is found by name, an assignment by its role under the user.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from reconciler.api.parsing import text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.roles import PART, ROLE, ROLE_USER, Role, roles_of, user_key
from reconciler.core.model import Desired
from reconciler.errors import NotFoundError, ReconcilerError
from reconciler.kinds.spec import KindSpec, PartRead
from reconciler.kinds.users import read_users
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, send_write, unsupported

ROLES_PATH = "/organization/roles"
ORGANIZATION_RESOURCE = "api.organization"
# What export declares to read every role with its holders: one role declaring users.
EVERY_ROLE = {"*": Role("*", users=frozenset())}


def role_path(role_id: str) -> str:
    """The URL path of one organization role."""
    return f"{ROLES_PATH}/{role_id}"


def user_roles_path(user_id: str, role_id: str | None = None) -> str:
    """The URL path of a user's roles, or of one of them."""
    base = f"/organization/users/{user_id}/roles"
    return base if role_id is None else f"{base}/{role_id}"


def parse_role(item: JSON) -> tuple[Role, str, bool]:
    """A listed role, its id, and whether it is predefined."""
    ident = text(item, "id", what="an organization role")
    name = text(item, "name", what=f"organization role {ident}")
    listed = item.get("permissions")
    items = listed if isinstance(listed, list) else []
    permissions = frozenset(p for p in items if isinstance(p, str))
    description = item.get("description")
    role = Role(name, description if isinstance(description, str) else None, permissions)
    return role, ident, item.get("predefined_role") is True


async def list_organization_roles(client: Reader) -> list[tuple[Role, str, bool]]:
    """Every organization role (name, id, predefined), parsed. A role listed for projects
    (`resource_type: api.project`, a project `owner` say) is left out: keyed by name, it would
    otherwise stand in for the organization's role of the same name."""
    return [
        parse_role(item)
        for item in await client.list_all(ROLES_PATH)
        if item.get("resource_type", ORGANIZATION_RESOURCE) == ORGANIZATION_RESOURCE
    ]


async def read_roles_part(client: Reader, desired: Desired) -> PartRead:
    """Custom roles by name (with holders when a declared role names its users) and ids."""
    roles: dict[str, Role] = {}
    ids: dict[tuple[str, ...], str] = {}
    for role, ident, predefined in await list_organization_roles(client):
        ids[(role.name,)] = ident
        if not predefined:
            roles[role.name] = role
    declared = roles_of(desired.org) or {}
    if any(role.users is not None for role in declared.values()):
        users = await read_users(client)
        ids |= {user_key(user.email): ident for user, ident in users}
        held = await asyncio.gather(*(read_held_roles(client, ident) for _, ident in users))
        holders: dict[str, set[str]] = {name: set() for name in roles}
        for (user, _), names in zip(users, held, strict=True):
            for name in names & holders.keys():
                holders[name].add(user.email)
        roles = {n: replace(r, users=frozenset(holders[n])) for n, r in roles.items()}
    return roles, ids


async def read_held_roles(client: Reader, user_id: str) -> set[str]:
    """The names of the custom roles a user holds directly (not through a group)."""
    return {
        text(item, "name", what=f"a role of user {user_id}")
        for item in await client.list_all(user_roles_path(user_id))
        if item.get("predefined_role") is not True and _direct(item, user_id)
    }


def _direct(item: JSON, user_id: str) -> bool:
    sources = item.get("assignment_sources")
    if not isinstance(sources, list):
        return True
    return any(isinstance(s, dict) and s.get("principal_id") == user_id for s in sources)


async def apply_role(change: Change, ctx: ApplyContext) -> str | None:
    """Create a custom role, change its description or permissions, or delete it."""
    name = change.key[0]
    ids = ctx.ids.part(PART)
    if change.action is Action.CREATE:
        body = _body(change.after) | {"role_name": name}
        created = await send_write(
            lambda: ctx.client.post(ROLES_PATH, json=body),
            settled=lambda: _named(ctx.client, name),
            what=f"create role {name}",
        )
        ids[(name,)] = text(created, "id", what=f"created role {name}")
        return None
    ident = ids.get((name,))
    if ident is None:
        raise ReconcilerError(f"role {name!r} has no known id")
    if change.action is Action.DELETE:
        await delete_at(ctx.client, role_path(ident), what=f"delete role {name}")
        return None
    if change.action is not Action.UPDATE:
        raise unsupported(change)
    body = _body(change.after)

    async def settled() -> JSON | None:
        current = await ctx.client.get(role_path(ident))
        now = _body(_definition(current))
        return current if all(now.get(k) == v for k, v in body.items()) else None

    post = ctx.client.post
    await send_write(
        lambda: post(role_path(ident), json=body), settled=settled, what=f"update role {name}"
    )
    return None


def _body(after: dict[str, Any] | None) -> JSON:
    """The request fields of a role's declared definition (permissions sorted)."""
    after = after or {}
    body: JSON = {}
    if after.get("description") is not None:
        body["description"] = after["description"]
    if after.get("permissions") is not None:
        body["permissions"] = sorted(after["permissions"])
    return body


def _definition(item: JSON) -> JSON:
    role, _, _ = parse_role(item)
    return {"description": role.description, "permissions": sorted(role.permissions or ())}


async def _named(client: Reader, name: str) -> JSON | None:
    """Read-back of a create: the role of that name, if it exists."""
    listed = await client.list_all(ROLES_PATH)
    return next((item for item in listed if item.get("name") == name), None)


async def apply_role_user(change: Change, ctx: ApplyContext) -> str | None:
    """Give a user a custom role directly, or take it back."""
    role, email = change.key
    ids = ctx.ids.part(PART)
    role_id = ids.get((role,))
    user_id = ids.get(user_key(email)) or ctx.ids.users.get(email)
    if role_id is None or user_id is None:
        missing = f"role {role!r}" if role_id is None else f"user {email}"
        raise ReconcilerError(f"{missing} has no known id")
    one = user_roles_path(user_id, role_id)
    if change.action is Action.DELETE:
        await delete_at(ctx.client, one, what=f"take role {role} from {email}")
        return None
    if change.action is not Action.CREATE:
        raise unsupported(change)

    async def settled() -> JSON | None:
        try:
            return await ctx.client.get(one)
        except NotFoundError:
            return None

    body = {"role_id": role_id}
    await send_write(
        lambda: ctx.client.post(user_roles_path(user_id), json=body),
        settled=settled,
        what=f"give role {role} to {email}",
    )
    return None


def _exported(value: object) -> object | None:
    """Custom roles as read, holders included; none at all is left out (not managed)."""
    return value or None


SPEC = KindSpec(
    ROLE,
    write=apply_role,
    part=PART,
    read_org=read_roles_part,
    everything=EVERY_ROLE,
    exported=_exported,
)
USERS_SPEC = KindSpec(ROLE_USER, write=apply_role_user)
