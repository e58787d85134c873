"""Hard spend limits: read one scope's limit, set (create or replace) it, remove it.

One limit per scope, at `/organization/spend_limit` and `/organization/projects/{id}/spend_limit`
(GET, POST to create or replace, DELETE), in cents, currency USD, interval month. A scope without
a limit answers GET with 404 ([inferred]: the spec lists only the 200), which reads as no limit.
"""

from __future__ import annotations

from reconciler.api.parsing import optional_int
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.spend_limits import SPEND_LIMIT
from reconciler.core.model import SpendLimit
from reconciler.errors import NotFoundError
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write, unsupported

ORG_PATH = "/organization/spend_limit"


def spend_limit_path(project_id: str | None) -> str:
    """The URL path of the organization's limit (None) or a project's."""
    if project_id is None:
        return ORG_PATH
    return f"/organization/projects/{project_id}/spend_limit"


def parse_spend_limit(item: JSON) -> SpendLimit:
    """A spend limit object as a model value (its amount in cents)."""
    return SpendLimit(cents=optional_int(item, "threshold_amount"))


async def read_spend_limit(client: Reader, project_id: str | None) -> SpendLimit:
    """The limit of the organization (None) or of a project; SpendLimit(None) when it has none."""
    try:
        return parse_spend_limit(await client.get(spend_limit_path(project_id)))
    except NotFoundError:
        return SpendLimit(None)


async def apply_spend_limit(change: Change, ctx: ApplyContext) -> str | None:
    """Set (create or replace) or remove one scope's limit."""
    scope = change.key[0]
    project_id = ctx.project_id(scope) if scope else None
    path = spend_limit_path(project_id)
    what = f"spend limit of {scope or 'the organization'}"
    if change.action is Action.DELETE:

        async def gone() -> JSON | None:
            found = await read_spend_limit(ctx.client, project_id)
            return {} if found.cents is None else None

        await send_write(lambda: ctx.client.delete(path), settled=gone, what=what, delete=True)
        return None
    if change.action not in (Action.CREATE, Action.UPDATE) or change.after is None:
        raise unsupported(change)
    cents = int(change.after["cents"])
    body = {"threshold_amount": cents, "currency": "USD", "interval": "month"}

    async def settled() -> JSON | None:
        found = await read_spend_limit(ctx.client, project_id)
        return {"threshold_amount": cents} if found.cents == cents else None

    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=what)
    return None


SPEC = KindSpec(SPEND_LIMIT, write=apply_spend_limit)
