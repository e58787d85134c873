"""Project service accounts: read a project's accounts, find one by name; create, re-role, delete.

Names are the natural key; a second account with a name already taken is keyed `name#id`, so
a duplicate (say, from a create whose response was lost) shows up instead of hiding.

A created account's API key exists only in the create response. So that no crash can lose it
silently, a keyed account is created under a pending name (`NAME.reconciler-pending`), its key
is handed to the sink, and only then is it renamed to NAME. A process killed in between leaves
an account whose name says its key was never delivered: the next plan deletes it (or, with
`prune.service_accounts` off, warns about it) and creates NAME anew with a fresh key. The key
is wrapped in `Secret` the moment it arrives: never logged, returned, stored or put in an error.
Before the key is delivered, a twin made by an overlapping apply is settled (kinds/twins.py):
the run whose account lost deletes it, so its key is never delivered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from reconciler.api.parsing import choice, text, unique_key
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.service_accounts import SERVICE_ACCOUNT
from reconciler.core.model import ServiceAccount, ServiceAccountRole
from reconciler.core.pending import pending_name, rotating_of
from reconciler.errors import ReconcilerError, SecretSinkError
from reconciler.kinds.spec import KindSpec
from reconciler.kinds.twins import Twin, adopt_existing, created_at, keep_or_yield, oldest_first
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, send_write, unsupported, update_at
from reconciler.write.secrets import KeyMetadata, Secret

log = logging.getLogger(__name__)

ROLES: tuple[ServiceAccountRole, ...] = ("owner", "member", "none")
KEY_ROLES = ("owner", "member")
MAX_CREATES = 3


def service_accounts_path(project_id: str) -> str:
    """The URL path of a project's service accounts."""
    return f"/organization/projects/{project_id}/service_accounts"


def parse_service_account(item: dict[str, Any]) -> tuple[ServiceAccount, str]:
    """A listed service account and its id (an account renamed for a key rotation still in
    progress is read under its real name, with the rotation's nonce: core/pending.py)."""
    ident = text(item, "id", what="a service account")
    name, nonce = rotating_of(text(item, "name", what=f"service account {ident}"))
    role = choice(item, "role", ROLES, what=f"service account {name}")
    return ServiceAccount(name=name, role=role, rotating=nonce), ident


def key_service_accounts(
    pairs: list[tuple[ServiceAccount, str]],
) -> dict[str, tuple[ServiceAccount, str]]:
    """Accounts by name (`name#id` for a repeated name), with their ids."""
    keyed: dict[str, tuple[ServiceAccount, str]] = {}
    for account, ident in pairs:
        keyed[unique_key(account.name, ident, keyed)] = (account, ident)
    return keyed


async def read_service_accounts(
    client: Reader, project_id: str
) -> dict[str, tuple[ServiceAccount, str]]:
    """Every service account of one project, keyed by name, with its id."""
    items = await client.list_all(service_accounts_path(project_id))
    ordered = sorted(items, key=oldest_first)  # of two with one name, the older keeps it
    return key_service_accounts([parse_service_account(item) for item in ordered])


async def find_service_account(
    client: Reader, project_id: str, name: str
) -> tuple[ServiceAccount, str] | None:
    """The service account of this project with this name and its id, if any."""
    return (await read_service_accounts(client, project_id)).get(name)


async def apply_service_account(change: Change, ctx: ApplyContext) -> str | None:
    """Create (key to the sink), re-role, delete, or replace (delete then create) an account."""
    project, name = change.key
    if change.action not in (Action.CREATE, Action.UPDATE, Action.DELETE, Action.REPLACE):
        raise unsupported(change)
    if change.action in (Action.DELETE, Action.REPLACE):
        await _delete(ctx, project, _account_id(ctx, project, name), what=f"{project}/{name}")
        ctx.ids.service_accounts.pop((project, name), None)
    if change.action in (Action.CREATE, Action.REPLACE):
        return await _create_account(ctx, project, name, change.after or {})
    if change.action is Action.UPDATE:
        body = {"role": str((change.after or {})["role"])}
        path = _path(ctx, project, _account_id(ctx, project, name))
        await update_at(ctx.client, path, body, what=f"role of {project}/{name}")
    return None


def _path(ctx: ApplyContext, project: str, account_id: str = "") -> str:
    base = service_accounts_path(ctx.project_id(project))
    return f"{base}/{account_id}" if account_id else base


def _account_id(ctx: ApplyContext, project: str, name: str) -> str:
    found = ctx.ids.service_accounts.get((project, name))
    if found is None:
        raise ReconcilerError(f"service account {name} in project {project} has no known id")
    return found


async def _delete(ctx: ApplyContext, project: str, account_id: str, *, what: str) -> None:
    await delete_at(ctx.client, _path(ctx, project, account_id), what=f"delete {what}")


async def _create_account(ctx: ApplyContext, project: str, name: str, after: JSON) -> str:
    """Create the account (keyed: pending name, key to the sink, rename); set its role. An
    account an overlapping apply made is adopted, or settled with ours (see kinds/twins.py)."""
    role = str(after.get("role", "member"))
    keyed = bool(after.get("api_key", True)) and role != "none"
    if keyed and not ctx.sink.configured:
        raise SecretSinkError(f"service account {project}/{name} needs a key sink")
    existing = await adopt_existing(ctx, lambda: _twins(ctx, project, name))
    if existing is not None:
        ctx.ids.service_accounts[(project, name)] = existing.id
        return f"id {existing.id}, created by an overlapping apply" + _THEIR_KEY * keyed
    if not keyed:
        body: JSON = {"name": name, "create_service_account_only": True}
        made = await send_write(
            lambda: ctx.client.post(_path(ctx, project), json=body),
            settled=lambda: _find_new(ctx, project, name),
            what=f"{project}/{name}",
        )
    else:
        made = await _create_keyed(ctx, project, name)
    ours = Twin(str(made["id"]), created_at(made))
    keep = await keep_or_yield(
        ctx, ours, lambda: _twins(ctx, project, name),
        remove=lambda i: _delete(ctx, project, i, what=f"{project}/{name} ({i}, a twin)"),
        what=f"service account {project}/{name}",
    )  # fmt: skip
    ctx.ids.service_accounts[(project, name)] = keep.id
    if keep is not ours:
        made.pop("api_key", None)  # deleted with its account: never delivered
        return f"id {keep.id}, created by an overlapping apply (ours deleted)" + _THEIR_KEY * keyed
    note = f"id {ours.id}"
    if keyed:
        note += f"; API key delivered to {await _deliver(ctx, project, name, made)}"
        finish = {"name": name} | ({"role": role} if made.get("role") != role else {})
    else:
        finish = {"role": role} if role in KEY_ROLES and made.get("role") != role else {}
    if finish:
        path = _path(ctx, project, ours.id)
        await update_at(ctx.client, path, finish, what=f"finish {project}/{name}")
    return note


_THEIR_KEY = "; its API key went to that apply's sink"


async def _twins(ctx: ApplyContext, project: str, name: str) -> list[Twin]:
    """Accounts of the project called `name` (or its pending name) that the plan did not know."""
    known = set(ctx.live.ids.service_accounts.values())
    names = {name, pending_name(name)}
    items = await ctx.client.list_all(_path(ctx, project))
    pairs = [(parse_service_account(item), item) for item in items]
    return [
        Twin(ident, created_at(item))
        for (account, ident), item in pairs
        if account.name in names and ident not in known
    ]


async def _find_new(ctx: ApplyContext, project: str, name: str) -> JSON | None:
    """Read-back of a create: an account called `name` that live state did not already hold."""
    known = set(ctx.live.ids.service_accounts.values())
    accounts = await read_service_accounts(ctx.client, ctx.project_id(project))
    found = next((i for a, i in accounts.values() if a.name == name and i not in known), None)
    return {"id": found, "name": name} if found is not None else None


async def _create_keyed(ctx: ApplyContext, project: str, name: str) -> JSON:
    """POST the create under the pending name; if its response (and so its key) was lost,
    delete that account and create again (at most MAX_CREATES times)."""
    temporary = pending_name(name)
    body: JSON = {"name": temporary}
    for _ in range(MAX_CREATES):
        made = await send_write(
            lambda: ctx.client.post(_path(ctx, project), json=body),
            settled=lambda: _find_new(ctx, project, temporary),
            what=f"{project}/{name}",
        )
        if isinstance(made.get("api_key"), dict):
            return made
        log.warning("%s/%s: created but its key was lost in transit; recreating", project, name)
        await _delete(ctx, project, str(made["id"]), what=f"{project}/{temporary}")
    raise ReconcilerError(f"service account {project}/{name}: could not obtain its API key")


async def _deliver(ctx: ApplyContext, project: str, name: str, made: JSON) -> str:
    """Hand the key to the sink; if that fails, delete the account (its key would be lost)."""
    raw = made.pop("api_key")
    secret = Secret(str(raw.pop("value")))
    meta = KeyMetadata(
        project=project,
        project_id=ctx.project_id(project),
        service_account=name,
        service_account_id=str(made["id"]),
        key_id=str(raw.get("id", "")),
        key_name=str(raw.get("name", "")),
    )
    try:
        return await asyncio.to_thread(ctx.sink.deliver, secret, meta)
    except SecretSinkError:
        log.warning("%s/%s: key not delivered; deleting the account", project, name)
        await _delete(ctx, project, str(made["id"]), what=f"{project}/{pending_name(name)}")
        raise


SPEC = KindSpec(
    SERVICE_ACCOUNT,
    write=apply_service_account,
)
