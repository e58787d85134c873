"""Write side of project-level kinds: project users, service accounts and rate limits.

A created service account's API key is wrapped in `Secret` the moment the response arrives
and handed straight to the sink: it is never logged, returned, stored or put in an exception.
If the key cannot be had — the create's response was lost, or the sink refused it — the
account is deleted again, so that the next apply creates it anew with a key nobody lost.
"""

from __future__ import annotations

import asyncio
import logging

from reconciler.change import Action, Change
from reconciler.errors import ReconcilerError, SecretSinkError
from reconciler.kinds.write_context import JSON, ApplyContext, Settled, send_write
from reconciler.kinds.writes_org import PROJECTS, gone, matches, unsupported
from reconciler.model import normalize_email
from reconciler.secrets import KeyMetadata, Secret

log = logging.getLogger(__name__)

KEY_ROLES = ("owner", "member")


# --- project users --------------------------------------------------------------------------


async def apply_project_user(change: Change, ctx: ApplyContext) -> str | None:
    """Add a member to a project, change their project role, or remove them."""
    project, email = change.key[0], normalize_email(change.key[1])
    base = f"{PROJECTS}/{ctx.project_id(project)}/users"
    client = ctx.client

    async def find() -> JSON | None:
        items = await client.list_all(base)
        return next((i for i in items if normalize_email(str(i.get("email", ""))) == email), None)

    if change.action is Action.CREATE:
        role = (change.after or {})["role"]
        user_id = ctx.ids.users.get(email)
        body = {"role": role, "user_id": user_id} if user_id else {"role": role, "email": email}
        await send_write(lambda: client.post(base, json=body), settled=find, what=f"add {email}")
        return None
    user_id = ctx.ids.users.get(email) or await _member_id(find, email, project)
    path = f"{base}/{user_id}"
    if change.action is Action.UPDATE:
        body = {"role": (change.after or {})["role"]}
        await send_write(
            lambda: client.post(path, json=body),
            settled=lambda: matches(client, path, body),
            what=f"project role of {email}",
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


async def _member_id(find: Settled, email: str, project: str) -> str:
    found = await find()
    if found is None or not found.get("id"):
        raise ReconcilerError(f"{email} is not a member of project {project}")
    return str(found["id"])


# --- service accounts -----------------------------------------------------------------------


async def apply_service_account(change: Change, ctx: ApplyContext) -> str | None:
    """Create (key to the sink), re-role, delete, or replace (delete then create) an account."""
    project, name = change.key
    if change.action in (Action.DELETE, Action.REPLACE):
        await _delete_account(ctx, project, name)
    if change.action in (Action.CREATE, Action.REPLACE):
        return await _create_account(ctx, project, name, change.after or {})
    if change.action is Action.UPDATE:
        account_id = _account_id(ctx, project, name)
        await _set_role(ctx, project, account_id, str((change.after or {})["role"]))
        return None
    if change.action is not Action.DELETE:
        raise unsupported(change)
    return None


def _base(ctx: ApplyContext, project: str) -> str:
    return f"{PROJECTS}/{ctx.project_id(project)}/service_accounts"


def _account_id(ctx: ApplyContext, project: str, name: str) -> str:
    found = ctx.ids.service_accounts.get((project, name))
    if found is None:
        raise ReconcilerError(f"service account {name} in project {project} has no known id")
    return found


async def _delete_account(ctx: ApplyContext, project: str, name: str) -> None:
    path = f"{_base(ctx, project)}/{_account_id(ctx, project, name)}"
    await send_write(
        lambda: ctx.client.delete(path),
        settled=lambda: gone(ctx.client, path),
        what=f"delete service account {project}/{name}",
        delete=True,
    )
    ctx.ids.service_accounts.pop((project, name), None)


async def _set_role(ctx: ApplyContext, project: str, account_id: str, role: str) -> None:
    path = f"{_base(ctx, project)}/{account_id}"
    body = {"role": role}
    await send_write(
        lambda: ctx.client.post(path, json=body),
        settled=lambda: matches(ctx.client, path, body),
        what=f"role of service account {account_id}",
    )


async def _create_account(ctx: ApplyContext, project: str, name: str, after: JSON) -> str:
    """Create the account; deliver its key; set its role if create did not give the wanted one."""
    role = str(after.get("role", "member"))
    keyed = bool(after.get("api_key", True)) and role != "none"
    if keyed and not ctx.sink.configured:
        raise SecretSinkError(f"service account {project}/{name} needs a key sink")
    made = await _create_keyed(ctx, project, name, keyed=keyed)
    note = f"id {made['id']}"
    if keyed:
        note += f"; API key delivered to {await _deliver(ctx, project, name, made)}"
    if role in KEY_ROLES and made.get("role") != role:
        await _set_role(ctx, project, str(made["id"]), role)
    return note


async def _create_keyed(ctx: ApplyContext, project: str, name: str, *, keyed: bool) -> JSON:
    """POST the create; if a keyed create's response was lost, delete the keyless account and
    create it again (at most twice) so that no account exists whose key nobody has."""
    base = _base(ctx, project)
    body: JSON = {"name": name} if keyed else {"name": name, "create_service_account_only": True}

    async def find() -> JSON | None:
        items = await ctx.client.list_all(base)
        return next((i for i in items if i.get("name") == name), None)

    for _ in range(3):
        made = await send_write(
            lambda: ctx.client.post(base, json=body), settled=find, what=f"{project}/{name}"
        )
        ctx.ids.service_accounts[(project, name)] = str(made["id"])
        if not keyed or isinstance(made.get("api_key"), dict):
            return made
        log.warning("%s/%s: created but its key was lost in transit; recreating", project, name)
        await _delete_account(ctx, project, name)
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
        await _delete_account(ctx, project, name)
        raise


# --- rate limits ----------------------------------------------------------------------------


async def apply_rate_limit(change: Change, ctx: ApplyContext) -> str | None:
    """Update only the changed fields of one project's rate limit for one model."""
    if change.action is not Action.UPDATE:
        raise unsupported(change)
    project, model = change.key
    base = f"{PROJECTS}/{ctx.project_id(project)}/rate_limits"
    wanted = dict(change.after or {})

    async def current() -> JSON | None:
        items = await ctx.client.list_all(base)
        return next((i for i in items if i.get("model") == model), None)

    limit_id = ctx.ids.rate_limits.get((project, model))
    if limit_id is None:
        found = await current()
        if found is None:
            raise ReconcilerError(f"project {project} has no rate limit for {model}")
        limit_id = str(found["id"])

    async def settled() -> JSON | None:
        found = await current()
        ok = found is not None and all(found.get(k) == v for k, v in wanted.items())
        return found if ok else None

    path = f"{base}/{limit_id}"
    await send_write(lambda: ctx.client.post(path, json=wanted), settled=settled, what=model)
    return None
