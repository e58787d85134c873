"""Invites: read pending (and past) invitations, find the one for an email; send and revoke.

An invite names projects by id; the model names them, so parsing takes the id → name map of the
live projects (an id not in it, which should not happen, is kept as the id). When one email has
several invites, the pending one wins, then the most recent (lists are in creation order).

Invites cannot be updated: another role or project list is a revoke then a new invite. A sent
invite always carries an explicit `projects` list (ids from the live index or from projects
created earlier in this run), because an invite without one lands in the default project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.api.parsing import choice, optional_int, text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.users import INVITE
from reconciler.core.model import Invite, InviteStatus, ProjectRole, normalize_email
from reconciler.errors import ReconcilerError
from reconciler.kinds.spec import KindSpec
from reconciler.kinds.users import ORG_ROLES
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, send_write, unsupported

PATH = "/organization/invites"
PROJECT_ROLES: tuple[ProjectRole, ...] = ("owner", "member")
STATUSES: tuple[InviteStatus, ...] = ("pending", "accepted", "expired")


def invite_path(invite_id: str) -> str:
    """The URL path of one invite."""
    return f"{PATH}/{invite_id}"


def _projects(
    item: dict[str, Any], names: Mapping[str, str], *, what: str
) -> tuple[tuple[str, ProjectRole], ...]:
    entries = item.get("projects") or []
    pairs = []
    for entry in entries if isinstance(entries, list) else []:
        ident = text(entry, "id", what=f"a project of {what}")
        pairs.append((names.get(ident, ident), choice(entry, "role", PROJECT_ROLES, what=what)))
    return tuple(sorted(pairs))


def parse_invite(item: dict[str, Any], project_names: Mapping[str, str]) -> tuple[Invite, str]:
    """A listed invite and its id; `project_names` maps project ids to names."""
    ident = text(item, "id", what="an invite")
    email = normalize_email(text(item, "email", what=f"invite {ident}"))
    what = f"the invite of {email}"
    invite = Invite(
        email=email,
        role=choice(item, "role", ORG_ROLES, what=what),
        projects=_projects(item, project_names, what=what),
        status=choice(item, "status", STATUSES, what=what),
        expires_at=optional_int(item, "expires_at"),
    )
    return invite, ident


def select_invites(pairs: list[tuple[Invite, str]]) -> dict[str, tuple[Invite, str]]:
    """One invite per email: a pending one before any other, then the most recent."""
    chosen: dict[str, tuple[Invite, str]] = {}
    for invite, ident in pairs:
        current = chosen.get(invite.email)
        if current is None or invite.status == "pending" or current[0].status != "pending":
            chosen[invite.email] = (invite, ident)
    return chosen


async def read_invites(
    client: Reader, project_names: Mapping[str, str]
) -> dict[str, tuple[Invite, str]]:
    """Every invite, one per email (see select_invites), with its id."""
    items = await client.list_all(PATH)
    return select_invites([parse_invite(item, project_names) for item in items])


async def find_invite(
    client: Reader, email: str, project_names: Mapping[str, str] | None = None
) -> tuple[Invite, str] | None:
    """The invite for this email and its id, if any (one list; there is no filter by email)."""
    invites = await read_invites(client, project_names or {})
    return invites.get(normalize_email(email))


async def apply_invite(change: Change, ctx: ApplyContext) -> str | None:
    """Send, revoke or replace (revoke then send) an invite."""
    email = normalize_email(change.key[0])
    if change.action not in (Action.CREATE, Action.DELETE, Action.REPLACE):
        raise unsupported(change)
    if change.action in (Action.DELETE, Action.REPLACE):
        await _revoke(ctx, email)
    if change.action in (Action.CREATE, Action.REPLACE):
        return await _invite(ctx, email, change.after or {})
    return None


async def _revoke(ctx: ApplyContext, email: str) -> None:
    invite_id = ctx.ids.invites.get(email)
    if invite_id is None:
        raise ReconcilerError(f"invite for {email} has no known id")
    await delete_at(ctx.client, invite_path(invite_id), what=f"revoke invite {email}")
    ctx.ids.invites.pop(email, None)


async def _invite(ctx: ApplyContext, email: str, after: JSON) -> str:
    projects = [
        {"id": ctx.project_id(str(entry["project"])), "role": entry["role"]}
        for entry in after.get("projects", [])
    ]
    body = {"email": email, "role": after["role"], "projects": projects}

    async def pending() -> JSON | None:
        found = await find_invite(ctx.client, email)
        return {"id": found[1]} if found is not None and found[0].status == "pending" else None

    made = await send_write(
        lambda: ctx.client.post(PATH, json=body), settled=pending, what=f"invite {email}"
    )
    ctx.ids.invites[email] = str(made["id"])
    return f"invite {made['id']}"


SPEC = KindSpec(
    INVITE,
    write=apply_invite,
)
