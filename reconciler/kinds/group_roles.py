"""Organization roles of groups: read the organization's roles (the names a group's roles are
resolved against), assign and unassign a role at `/organization/groups/{id}/roles[/{role_id}]`.

A role is named in the file and assigned by id: a role created by the same apply (the `roles`
part's ids), else the live roles read with the groups, else the organization's role list.
"""

from __future__ import annotations

from reconciler.api.protocols import Reader
from reconciler.core.change import Change
from reconciler.core.kinds.groups import GROUP_ROLE, PART, ROLES_PART
from reconciler.core.model import Desired
from reconciler.errors import ReconcilerError
from reconciler.kinds.groups import (
    group_roles_path,
    read_group_roles,
    resolve_group,
    write_membership,
)
from reconciler.kinds.roles import list_organization_roles
from reconciler.kinds.spec import KindSpec, PartRead
from reconciler.write.context import ApplyContext

# The part where the kind of custom roles records the ids of the roles it creates.
CUSTOM_ROLES_PART = "roles"


async def list_roles(client: Reader) -> dict[str, str]:
    """name → id of every organization role, predefined and custom."""
    return {role.name: ident for role, ident, _ in await list_organization_roles(client)}


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

    async def held() -> bool:
        return role in await read_group_roles(ctx.client, group_id)

    path, what = group_roles_path(group_id), f"role {role} of group {name}"
    await write_membership(
        change, ctx, path=path, key="role_id", ident=role_id, held=held, what=what
    )
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
