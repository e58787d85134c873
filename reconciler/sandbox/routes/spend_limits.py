"""Hard spend limits of the organization and of each project: get, create or replace, delete.

One limit per scope, in cents (`threshold_amount` an integer of at least 1), currency `USD`,
interval `month`, all three required. A scope without a limit answers GET and DELETE with 404
([inferred]: the spec lists only the 200). The audit log has no event type for spend limits,
so changes to them are not logged. Enforcement reads `enforcing` while a limit is set.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.wire import JSON, ApiFailure, bad_request

ORG = "/organization/spend_limit"
PROJECT = "/organization/projects/{project_id}/spend_limit"


def _scope(ctx: Context, *, write: bool = False) -> tuple[str, str]:
    """(state key, object prefix): "" and `organization`, or the project id and `project`."""
    project_id = ctx.params.get("project_id")
    if project_id is None:
        return "", "organization"
    project = ctx.state.active_project(project_id) if write else ctx.state.project(project_id)
    return str(project["id"]), "project"


def _missing(prefix: str) -> ApiFailure:
    return ApiFailure(404, f"No spend limit is set for this {prefix}.", code="not_found")


def render(prefix: str, cents: int) -> JSON:
    """A spend limit as the API returns it."""
    return {
        "object": f"{prefix}.spend_limit",
        "threshold_amount": cents,
        "currency": "USD",
        "interval": "month",
        "enforcement": {"status": "enforcing"},
    }


def get_limit(ctx: Context) -> JSON:
    """GET .../spend_limit."""
    key, prefix = _scope(ctx)
    if key not in ctx.state.spend_limits:
        raise _missing(prefix)
    return render(prefix, ctx.state.spend_limits[key])


def set_limit(ctx: Context) -> JSON:
    """POST .../spend_limit: create or replace."""
    key, prefix = _scope(ctx, write=True)
    body = ctx.body()
    amount = body.get("threshold_amount")
    if not isinstance(amount, int) or isinstance(amount, bool):
        message = "'threshold_amount' must be an integer (cents)."
        raise bad_request(message, param="threshold_amount")
    if amount < 1:
        raise bad_request(
            f"'threshold_amount' must be at least 1, got {amount}.", param="threshold_amount"
        )
    for name, allowed in (("currency", "USD"), ("interval", "month")):
        if body.get(name) != allowed:
            raise bad_request(f"'{name}' must be '{allowed}'.", param=name)
    ctx.state.spend_limits[key] = amount
    return render(prefix, amount)


def delete_limit(ctx: Context) -> JSON:
    """DELETE .../spend_limit."""
    key, prefix = _scope(ctx, write=True)
    if ctx.state.spend_limits.pop(key, None) is None:
        raise _missing(prefix)
    return {"object": f"{prefix}.spend_limit.deleted", "deleted": True}


ROUTES: list[RouteSpec] = [
    ("GET", ORG, get_limit),
    ("POST", ORG, set_limit),
    ("DELETE", ORG, delete_limit),
    ("GET", PROJECT, get_limit),
    ("POST", PROJECT, set_limit),
    ("DELETE", PROJECT, delete_limit),
]
