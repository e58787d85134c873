"""Organization users: read the members (service-account entries excluded), find one, and
change a member's role or remove the member.

Emails are lower-cased (model.normalize_email). A user without an email at the top level falls
back to the nested `user.email`; a user with neither is a response we cannot trust.
"""

from __future__ import annotations

from typing import Any

from reconciler.api.parsing import choice, optional_text, text
from reconciler.api.protocols import Reader
from reconciler.core.change import Change
from reconciler.core.kinds.users import USER
from reconciler.core.model import OrgRole, User, normalize_email
from reconciler.errors import ProtocolError, ReconcilerError
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import role_or_remove

PATH = "/organization/users"
ORG_ROLES: tuple[OrgRole, ...] = ("owner", "reader")


def user_path(user_id: str) -> str:
    """The URL path of one organization user."""
    return f"{PATH}/{user_id}"


def parse_user(item: dict[str, Any]) -> tuple[User, str] | None:
    """A listed user and its id, or None for a service account's entry."""
    if item.get("is_service_account") is True:
        return None
    ident = text(item, "id", what="an organization user")
    nested = item.get("user")
    email = optional_text(item, "email")
    if email is None and isinstance(nested, dict):
        email = optional_text(nested, "email")
    if email is None:
        raise ProtocolError(f"organization user {ident} has no email")
    role = choice(item, "role", ORG_ROLES, what=f"organization user {email}")
    return User(email=normalize_email(email), role=role), ident


def parse_users(items: list[dict[str, Any]]) -> list[tuple[User, str]]:
    """Listed users as model values with their ids, service accounts left out."""
    return [pair for pair in (parse_user(item) for item in items) if pair is not None]


async def read_users(client: Reader) -> list[tuple[User, str]]:
    """Every organization member (not service accounts) with its id."""
    return parse_users(await client.list_all(PATH))


async def find_user(client: Reader, email: str) -> tuple[User, str] | None:
    """The organization member with this email and its id, if any (one filtered list call)."""
    wanted = normalize_email(email)
    users = parse_users(await client.list_all(PATH, params={"emails": [wanted]}))
    return next(((user, ident) for user, ident in users if user.email == wanted), None)


async def apply_user(change: Change, ctx: ApplyContext) -> str | None:
    """Change an organization member's role, or remove the member."""
    email = normalize_email(change.key[0])
    user_id = ctx.ids.users.get(email)
    if user_id is None:
        raise ReconcilerError(f"organization user {email} has no known id")
    await role_or_remove(change, ctx.client, user_path(user_id), what=email)
    return None


SPEC = KindSpec(
    USER,
    write=apply_user,
)
