"""Project users (members): read a project's members and find one by email.

A project user's id is the organization user's id; the model keys members by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.api import AdminClient
from reconciler.errors import ProtocolError
from reconciler.kinds.invites import PROJECT_ROLES
from reconciler.kinds.parsing import choice, optional_text, text
from reconciler.model import ProjectRole, normalize_email


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


async def read_members(client: AdminClient, project_id: str) -> list[Member]:
    """Every member of one project."""
    return [parse_member(item) for item in await client.list_all(members_path(project_id))]


async def find_project_user(client: AdminClient, project_id: str, email: str) -> Member | None:
    """The member of this project with this email, if any."""
    wanted = normalize_email(email)
    members = await read_members(client, project_id)
    return next((member for member in members if member.email == wanted), None)
