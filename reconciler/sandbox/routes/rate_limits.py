"""Project rate limits: list and update, never create or delete.

Every project has one rate limit per model the organization offers. A value must be at least 1
and at most the organization's own limit for that model; a field the model does not have is
refused.
"""

from __future__ import annotations

from reconciler.core.model import RATE_LIMIT_FIELDS
from reconciler.sandbox.context import Context
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request, not_found

BASE = "/organization/projects/{project_id}/rate_limits"


def render(limit: JSON) -> JSON:
    """A project rate limit as the API returns it."""
    return {"object": "project.rate_limit", **limit}


def list_limits(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/rate_limits (default page size 100)."""
    project = ctx.state.project(ctx.params["project_id"])
    limits = [render(rl) for rl in ctx.state.rate_limits[project["id"]].values()]
    return page(ctx, limits, default_limit=100)


def update_limit(ctx: Context) -> JSON:
    """POST .../rate_limits/{rate_limit_id}."""
    project = ctx.state.active_project(ctx.params["project_id"])
    limit = ctx.state.rate_limits[project["id"]].get(ctx.params["rate_limit_id"])
    if limit is None:
        raise not_found("rate limit", ctx.params["rate_limit_id"])
    changes = _changes(ctx, limit)
    limit.update(changes)
    if changes:
        details = {"id": limit["id"], "changes_requested": changes}
        ctx.audit("rate_limit.updated", details, project_id=project["id"])
    return render(limit)


def _changes(ctx: Context, limit: JSON) -> dict[str, int]:
    body = ctx.body()
    maximums = ctx.state.org_limits.get(limit["model"], {})
    changes: dict[str, int] = {}
    for name in RATE_LIMIT_FIELDS:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad_request(f"'{name}' must be an integer.", param=name)
        if name not in maximums:
            raise bad_request(f"'{name}' does not apply to model {limit['model']}.", param=name)
        if value < 1:
            raise bad_request(f"'{name}' must be at least 1, got {value}.", param=name)
        if value > maximums[name]:
            raise bad_request(
                f"'{name}' cannot exceed the organization's limit of {maximums[name]} for "
                f"{limit['model']} (got {value}).",
                param=name,
            )
        changes[name] = value
    return changes


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_limits),
    ("POST", BASE + "/{rate_limit_id}", update_limit),
]
