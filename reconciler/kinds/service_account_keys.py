"""Rotating a service account's key: a new key, created and handed to the secret sink.

`POST .../service_accounts/{id}/api_keys` returns the new key's value once. So that no crash
can leave a key nobody holds looking like the one consumers use, a rotation marks the account
first, as creating a keyed account does (core/pending.py):

1. rename the account `NAME.reconciler-rotating-NONCE`;
2. create the key, named `NAME YYYY-MM-DD r-NONCE` (the day on the API's clock);
3. hand the key to the sink (wrapped in `Secret`: never logged, returned or put in an error);
4. rename the account back to NAME.

Killed between 1 and 4, or refused by the sink, the account keeps its marker: the next plan
reads the rotation as interrupted, lists the key named with the nonce as never delivered (to
revoke), never lists the older, working keys for retirement, and rotates again. A create whose
response was lost is read back (a key with our name), never re-sent; its value is gone, so
the rotation stops there, marked, for the next apply. Older keys are never deleted here (the
API refuses to delete a service account's key): the plan lists them for a person to revoke.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from reconciler.api.protocols import JSON
from reconciler.core.change import Action, Change
from reconciler.core.kinds.service_account_keys import SERVICE_ACCOUNT_KEY
from reconciler.core.pending import rotating_name
from reconciler.core.rotation import key_name
from reconciler.errors import ReconcilerError, SecretSinkError
from reconciler.kinds.api_keys import api_key_path, api_keys_path
from reconciler.kinds.service_accounts import service_accounts_path
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write, unsupported, update_at
from reconciler.write.secrets import KeyMetadata, Secret

log = logging.getLogger(__name__)


async def rotate_key(change: Change, ctx: ApplyContext) -> str | None:
    """Create a new key for the account and deliver it (see the module docstring)."""
    if change.action is not Action.CREATE:
        raise unsupported(change)
    project, name = change.key
    if not ctx.sink.configured:
        raise SecretSinkError(f"the key rotation of {project}/{name} needs a key sink")
    account_id = ctx.ids.service_accounts.get((project, name))
    if account_id is None:
        raise ReconcilerError(f"service account {name} in project {project} has no known id")
    path = f"{service_accounts_path(ctx.project_id(project))}/{account_id}"
    nonce = secrets.token_hex(4)
    what = f"key rotation of {project}/{name}"
    await update_at(ctx.client, path, {"name": rotating_name(name, nonce)}, what=f"mark {what}")
    label = key_name(name, nonce, now=int(ctx.clock.time()))
    made = await send_write(
        lambda: ctx.client.post(f"{path}/api_keys", json={"name": label}),
        settled=lambda: _find_key(ctx, project, label),
        what=what,
    )
    if "value" not in made:
        raise ReconcilerError(
            f"{what}: key {made.get('id')} was created but its value was lost in transit; "
            "the next apply rotates again (revoke that key)"
        )
    where = await _deliver(ctx, project, name, account_id, made)
    await update_at(ctx.client, path, {"name": name}, what=f"finish {what}")
    return f"key {made['id']} delivered to {where}"


async def _find_key(ctx: ApplyContext, project: str, label: str) -> JSON | None:
    """Read-back of the create: the key named `label`, if it exists (without its value)."""
    pid = ctx.project_id(project)
    items = await ctx.client.list_all(api_keys_path(pid), params={"owner_project_access": "any"})
    found = next((item for item in items if item.get("name") == label), None)
    if found is None:
        return None
    return {"id": found["id"], "path": api_key_path(pid, str(found["id"]))}


async def _deliver(ctx: ApplyContext, project: str, name: str, account_id: str, made: JSON) -> str:
    """Hand the key to the sink; on failure the account keeps its marker (see the docstring)."""
    secret = Secret(str(made.pop("value")))
    meta = KeyMetadata(
        project=project,
        project_id=ctx.project_id(project),
        service_account=name,
        service_account_id=account_id,
        key_id=str(made.get("id", "")),
        key_name=str(made.get("name", "")),
    )
    try:
        return await asyncio.to_thread(ctx.sink.deliver, secret, meta)
    except SecretSinkError:
        log.warning("%s/%s: rotated key %s not delivered", project, name, meta.key_id)
        raise


SPEC = KindSpec(SERVICE_ACCOUNT_KEY, write=rotate_key)
