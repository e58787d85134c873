"""Project service accounts: read a project's accounts and find one by name.

Names are the natural key; a second account with a name already taken is keyed `name#id`, so
a duplicate (say, from a create whose response was lost) shows up instead of hiding.
"""

from __future__ import annotations

from typing import Any

from reconciler.api import AdminClient
from reconciler.kinds.parsing import choice, text, unique_key
from reconciler.model import ServiceAccount, ServiceAccountRole

ROLES: tuple[ServiceAccountRole, ...] = ("owner", "member", "none")


def service_accounts_path(project_id: str) -> str:
    """The URL path of a project's service accounts."""
    return f"/organization/projects/{project_id}/service_accounts"


def service_account_path(project_id: str, account_id: str) -> str:
    """The URL path of one service account."""
    return f"{service_accounts_path(project_id)}/{account_id}"


def parse_service_account(item: dict[str, Any]) -> tuple[ServiceAccount, str]:
    """A listed service account and its id."""
    ident = text(item, "id", what="a service account")
    name = text(item, "name", what=f"service account {ident}")
    role = choice(item, "role", ROLES, what=f"service account {name}")
    return ServiceAccount(name=name, role=role), ident


def key_service_accounts(
    pairs: list[tuple[ServiceAccount, str]],
) -> dict[str, tuple[ServiceAccount, str]]:
    """Accounts by name (`name#id` for a repeated name), with their ids."""
    keyed: dict[str, tuple[ServiceAccount, str]] = {}
    for account, ident in pairs:
        keyed[unique_key(account.name, ident, keyed)] = (account, ident)
    return keyed


async def read_service_accounts(
    client: AdminClient, project_id: str
) -> dict[str, tuple[ServiceAccount, str]]:
    """Every service account of one project, keyed by name, with its id."""
    items = await client.list_all(service_accounts_path(project_id))
    return key_service_accounts([parse_service_account(item) for item in items])


async def find_service_account(
    client: AdminClient, project_id: str, name: str
) -> tuple[ServiceAccount, str] | None:
    """The service account of this project with this name and its id, if any."""
    return (await read_service_accounts(client, project_id)).get(name)
