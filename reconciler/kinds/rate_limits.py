"""Project rate limits: read a project's per-model limits, find one by model, update one.

The API has no create, delete or get-by-id for rate limits: they exist per model and are listed
(default page size 100) and updated; an update sends only the fields that change.
"""

from __future__ import annotations

from typing import Any

from reconciler.api.parsing import optional_int, text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.rate_limits import RATE_LIMIT
from reconciler.core.model import RATE_LIMIT_FIELDS, RateLimit
from reconciler.errors import ReconcilerError
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write, unsupported


def rate_limits_path(project_id: str) -> str:
    """The URL path of a project's rate limits."""
    return f"/organization/projects/{project_id}/rate_limits"


def rate_limit_path(project_id: str, rate_limit_id: str) -> str:
    """The URL path of one rate limit."""
    return f"{rate_limits_path(project_id)}/{rate_limit_id}"


def parse_rate_limit(item: dict[str, Any]) -> tuple[RateLimit, str]:
    """A listed rate limit and its id (fields the model does not offer stay None)."""
    ident = text(item, "id", what="a rate limit")
    model = text(item, "model", what=f"rate limit {ident}")
    limits = {name: optional_int(item, name) for name in RATE_LIMIT_FIELDS}
    return RateLimit(model=model, **limits), ident


async def read_rate_limits(client: Reader, project_id: str) -> dict[str, tuple[RateLimit, str]]:
    """Every rate limit of one project, keyed by model, with its id."""
    items = await client.list_all(rate_limits_path(project_id))
    pairs = (parse_rate_limit(item) for item in items)
    return {limit.model: (limit, ident) for limit, ident in pairs}


async def find_rate_limit(
    client: Reader, project_id: str, model: str
) -> tuple[RateLimit, str] | None:
    """The rate limit of this project for this model and its id, if any."""
    return (await read_rate_limits(client, project_id)).get(model)


async def apply_rate_limit(change: Change, ctx: ApplyContext) -> str | None:
    """Update only the changed fields of one project's rate limit for one model."""
    if change.action is not Action.UPDATE:
        raise unsupported(change)
    project, model = change.key
    project_id = ctx.project_id(project)
    wanted = dict(change.after or {})
    limit_id = ctx.ids.rate_limits.get((project, model))
    if limit_id is None:
        found = await find_rate_limit(ctx.client, project_id, model)
        if found is None:
            raise ReconcilerError(f"project {project} has no rate limit for {model}")
        limit_id = found[1]

    async def settled() -> JSON | None:
        found = await find_rate_limit(ctx.client, project_id, model)
        if found is None or any(found[0].limits().get(k) != v for k, v in wanted.items()):
            return None
        return {"id": found[1]}

    path = rate_limit_path(project_id, limit_id)
    await send_write(lambda: ctx.client.post(path, json=wanted), settled=settled, what=model)
    return None


SPEC = KindSpec(
    RATE_LIMIT,
    write=apply_rate_limit,
)
