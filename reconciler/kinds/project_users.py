"""Project users (members): read a project's members, find one by email; add, re-role, remove.

A project user's id is the organization user's id; the model keys members by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.api.parsing import choice, optional_text, text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.project_users import PROJECT_USER
from reconciler.core.model import ProjectRole, normalize_email
from reconciler.errors import ProtocolError, ReconcilerError
from reconciler.kinds.invites import PROJECT_ROLES
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import role_or_remove, send_write


@dataclass(frozen=True, slots=True)
class Member:
    """One project member: email, role, and the user id."""

    email: str
    role: ProjectRole
    user_id: str


def members_path(project_id: str) -> str:
    """The URL path of a project's users."""
    return f"/organization/projects/{project_id}/users"


def member_path(project_id: str, user_id: str) -> str:
    """The URL path of one project user."""
    return f"{members_path(project_id)}/{user_id}"


def parse_member(item: dict[str, Any]) -> Member:
    """A listed project user as a Member."""
    ident = text(item, "id", what="a project user")
    email = optional_text(item, "email")
    if email is None:
        raise ProtocolError(f"project user {ident} has no email")
    email = normalize_email(email)
    role = choice(item, "role", PROJECT_ROLES, what=f"project user {email}")
    return Member(email=email, role=role, user_id=ident)


async def read_members(client: Reader, project_id: str) -> list[Member]:
    """Every member of one project."""
    return [parse_member(item) for item in await client.list_all(members_path(project_id))]


async def find_project_user(client: Reader, project_id: str, email: str) -> Member | None:
    """The member of this project with this email, if any."""
    wanted = normalize_email(email)
    members = await read_members(client, project_id)
    return next((member for member in members if member.email == wanted), None)


async def apply_project_user(change: Change, ctx: ApplyContext) -> str | None:
    """Add a member to a project, change their project role, or remove them."""
    project, email = change.key[0], normalize_email(change.key[1])
    project_id = ctx.project_id(project)

    async def find(role: str | None = None) -> JSON | None:
        found = await find_project_user(ctx.client, project_id, email)
        wanted = found is not None and role in (None, found.role)
        return {"id": found.user_id} if found is not None and wanted else None

    if change.action is Action.CREATE:
        role = (change.after or {})["role"]
        user_id = ctx.ids.users.get(email)
        body = {"role": role, "user_id": user_id} if user_id else {"role": role, "email": email}
        base = members_path(project_id)
        await send_write(
            lambda: ctx.client.post(base, json=body), settled=lambda: find(role), what=email
        )
        return None
    user_id = ctx.ids.users.get(email)
    if user_id is None:
        found = await find()
        if found is None:
            raise ReconcilerError(f"{email} is not a member of project {project}")
        user_id = str(found["id"])
    path = member_path(project_id, user_id)
    await role_or_remove(change, ctx.client, path, what=f"{email} in {project}")
    return None


SPEC = KindSpec(
    PROJECT_USER,
    write=apply_project_user,
)
