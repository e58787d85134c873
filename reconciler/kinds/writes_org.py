"""Write side of organization-level kinds: projects, users and invites.

Each handler performs one `Change` through `send_write`, which reads back after an ambiguous
failure instead of re-sending blindly. Invites always carry an explicit `projects` list (ids
resolved from the live index or from projects created earlier in this run), because an invite
without one lands in the default project.
"""

from __future__ import annotations

import logging

from reconciler.change import Action, Change
from reconciler.errors import BadRequestError, NotFoundError, ReconcilerError
from reconciler.kinds.write_context import JSON, ApplyContext, WriteClient, send_write
from reconciler.model import normalize_email

log = logging.getLogger(__name__)

PROJECTS = "/organization/projects"
USERS = "/organization/users"
INVITES = "/organization/invites"


def unsupported(change: Change) -> ReconcilerError:
    """The error for an action a kind does not support (a plan bug, reported cleanly)."""
    return ReconcilerError(f"cannot {change.action.value} a {change.kind.value}")


async def gone(client: WriteClient, path: str) -> JSON | None:
    """Read-back for a delete: {} when the object no longer exists, else None."""
    try:
        await client.get(path)
    except NotFoundError:
        return {}
    return None


async def matches(client: WriteClient, path: str, wanted: JSON) -> JSON | None:
    """Read-back for an update: the object when every field of `wanted` holds, else None."""
    current = await client.get(path)
    return current if all(current.get(k) == v for k, v in wanted.items()) else None


# --- projects -------------------------------------------------------------------------------


async def apply_project(change: Change, ctx: ApplyContext) -> str | None:
    """Create, rename or archive one project (projects are never deleted)."""
    name = change.key[0]
    client = ctx.client
    if change.action is Action.CREATE:

        async def find() -> JSON | None:
            items = await client.list_all(PROJECTS, params={"include_archived": True})
            return next(
                (i for i in items if i.get("name") == name and i.get("archived_at") is None), None
            )

        body = {"name": name}
        made = await send_write(lambda: client.post(PROJECTS, json=body), settled=find, what=name)
        ctx.ids.projects[name] = str(made["id"])
        return f"id {made['id']}"
    path = f"{PROJECTS}/{ctx.project_id(name)}"
    if change.action is Action.UPDATE:
        body = {"name": name}
        await send_write(
            lambda: client.post(path, json=body),
            settled=lambda: matches(client, path, body),
            what=f"rename project {name}",
        )
        return None
    if change.action is Action.ARCHIVE:
        return await _archive(ctx, path, name)
    raise unsupported(change)


async def _archive(ctx: ApplyContext, path: str, name: str) -> str | None:
    """Archive; a project that is already archived counts as done."""

    async def archived() -> JSON | None:
        current = await ctx.client.get(path)
        return current if current.get("archived_at") is not None else None

    try:
        await send_write(
            lambda: ctx.client.post(f"{path}/archive"), settled=archived, what=f"archive {name}"
        )
    except BadRequestError:
        if await archived() is None:
            raise
        return "already archived"
    return None


# --- users ----------------------------------------------------------------------------------


async def apply_user(change: Change, ctx: ApplyContext) -> str | None:
    """Change an organization member's role, or remove the member."""
    email = normalize_email(change.key[0])
    user_id = ctx.ids.users.get(email)
    if user_id is None:
        raise ReconcilerError(f"organization user {email} has no known id")
    path = f"{USERS}/{user_id}"
    client = ctx.client
    if change.action is Action.UPDATE:
        body = {"role": (change.after or {})["role"]}
        await send_write(
            lambda: client.post(path, json=body),
            settled=lambda: matches(client, path, body),
            what=f"role of {email}",
        )
        return None
    if change.action is Action.DELETE:
        await send_write(
            lambda: client.delete(path),
            settled=lambda: gone(client, path),
            what=f"remove {email}",
            delete=True,
        )
        return None
    raise unsupported(change)


# --- invites --------------------------------------------------------------------------------


async def apply_invite(change: Change, ctx: ApplyContext) -> str | None:
    """Send, revoke or replace (revoke then send) an invite."""
    email = normalize_email(change.key[0])
    if change.action in (Action.DELETE, Action.REPLACE):
        await _revoke(ctx, email)
    if change.action in (Action.CREATE, Action.REPLACE):
        return await _invite(ctx, email, change.after or {})
    if change.action is not Action.DELETE:
        raise unsupported(change)
    return None


async def _pending(client: WriteClient, email: str) -> JSON | None:
    """The pending invite for this email, if any."""
    items = await client.list_all(INVITES)
    return next(
        (
            i
            for i in items
            if normalize_email(str(i.get("email", ""))) == email and i.get("status") == "pending"
        ),
        None,
    )


async def _revoke(ctx: ApplyContext, email: str) -> None:
    invite_id = ctx.ids.invites.get(email)
    if invite_id is None:
        raise ReconcilerError(f"invite for {email} has no known id")
    path = f"{INVITES}/{invite_id}"
    await send_write(
        lambda: ctx.client.delete(path),
        settled=lambda: gone(ctx.client, path),
        what=f"revoke invite {email}",
        delete=True,
    )
    ctx.ids.invites.pop(email, None)


async def _invite(ctx: ApplyContext, email: str, after: JSON) -> str:
    projects = [
        {"id": ctx.project_id(str(entry["project"])), "role": entry["role"]}
        for entry in after.get("projects", [])
    ]
    body = {"email": email, "role": after["role"], "projects": projects}
    made = await send_write(
        lambda: ctx.client.post(INVITES, json=body),
        settled=lambda: _pending(ctx.client, email),
        what=f"invite {email}",
    )
    ctx.ids.invites[email] = str(made["id"])
    return f"invite {made['id']}"
