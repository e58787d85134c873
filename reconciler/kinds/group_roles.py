"""Organization roles of groups: read the organization's roles (the names a group's roles are
resolved against), assign and unassign a role at `/organization/groups/{id}/roles[/{role_id}]`.

A role is named in the file and assigned by id: a role created by the same apply (the `roles`
part's ids), else the live roles read with the groups, else the organization's role list.
"""

from __future__ import annotations

from reconciler.api.parsing import text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.groups import GROUP_ROLE, PART, ROLES_PART
from reconciler.core.model import Desired
from reconciler.errors import ReconcilerError
from reconciler.kinds.groups import group_roles_path, read_group_roles, resolve_group
from reconciler.kinds.spec import KindSpec, PartRead
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, send_write, unsupported

ROLES_PATH = "/organization/roles"
# The part where the kind of custom roles records the ids of the roles it creates.
CUSTOM_ROLES_PART = "roles"


async def list_roles(client: Reader) -> dict[str, str]:
    """name → id of every organization role, predefined and custom."""
    items = await client.list_all(ROLES_PATH)
    return {text(item, "name", what="a role"): text(item, "id", what="a role") for item in items}


async def read_roles_part(client: Reader, desired: Desired) -> PartRead:
    """The names of the organization's roles, and their ids by name."""
    found = await list_roles(client)
    return frozenset(found), {(name,): ident for name, ident in found.items()}


async def _role_id(ctx: ApplyContext, name: str) -> str:
    found = ctx.ids.part(CUSTOM_ROLES_PART).get((name,)) or ctx.ids.part(ROLES_PART).get((name,))
    if found is None:
        found = (await list_roles(ctx.client)).get(name)
        if found is None:
            raise ReconcilerError(f"role {name} is not an organization role")
        ctx.ids.part(ROLES_PART)[(name,)] = found
    return found


async def apply_group_role(change: Change, ctx: ApplyContext) -> str | None:
    """Give a group an organization role, or take it away."""
    name, role = change.key
    group_id = await resolve_group(ctx, name)
    role_id = await _role_id(ctx, role)
    what = f"role {role} of group {name}"
    if change.action is Action.DELETE:
        await delete_at(ctx.client, f"{group_roles_path(group_id)}/{role_id}", what=what)
        return None
    if change.action is not Action.CREATE:
        raise unsupported(change)

    async def settled() -> JSON | None:
        held = role in await read_group_roles(ctx.client, group_id)
        return {"role_id": role_id} if held else None

    body = {"role_id": role_id}
    path = group_roles_path(group_id)
    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=what)
    return None


def _groups_declared(desired: Desired) -> bool:
    return desired.org.parts.get(PART) is not None


SPEC = KindSpec(
    GROUP_ROLE,
    write=apply_group_role,
    part=ROLES_PART,
    read_org=read_roles_part,
    wanted=_groups_declared,
    everything=frozenset(),
    exported=lambda value: None,
)
