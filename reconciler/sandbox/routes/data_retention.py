"""Data-retention controls of the organization and of each project: read and update.

Body `{retention_type}`, one of the spec's enums: the organization's four modes, each of which
needs an agreement with OpenAI (zero data retention, modified abuse monitoring, and their
enhanced variants), and for a project also `organization_default` (the default) and `none`.
A mode the organization's agreement does not cover (the seed's `data_retention.eligible`) is
refused with 400 `data_retention_not_eligible` and a message that says so ([inferred]: the spec
declares only the 200; 400 is its status for a refused request). An organization that never
chose a mode answers GET with 404 ([inferred]: the spec's organization enum has no value for
"no special retention"). The audit log has no event type for data retention, so changes are not
logged.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_choice
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.wire import JSON, ApiFailure

ORG = "/organization/data_retention"
PROJECT = "/organization/projects/{project_id}/data_retention"
AGREEMENT_MODES = (
    "zero_data_retention",
    "modified_abuse_monitoring",
    "enhanced_zero_data_retention",
    "enhanced_modified_abuse_monitoring",
)
PROJECT_MODES = ("organization_default", "none", *AGREEMENT_MODES)


def _scope(ctx: Context, *, write: bool = False) -> tuple[str, str]:
    """(state key, object prefix): "" and `organization`, or the project id and `project`."""
    project_id = ctx.params.get("project_id")
    if project_id is None:
        return "", "organization"
    project = ctx.state.active_project(project_id) if write else ctx.state.project(project_id)
    return str(project["id"]), "project"


def render(prefix: str, mode: str) -> JSON:
    """A data-retention setting as the API returns it."""
    return {"object": f"{prefix}.data_retention", "type": mode}


def get_retention(ctx: Context) -> JSON:
    """GET .../data_retention."""
    key, prefix = _scope(ctx)
    mode = ctx.state.data_retention.get(key)
    if mode is None and not key:
        message = "This organization has no data retention controls; it keeps the default."
        raise ApiFailure(404, message, code="not_found")
    return render(prefix, mode or "organization_default")


def set_retention(ctx: Context) -> JSON:
    """POST .../data_retention."""
    key, prefix = _scope(ctx, write=True)
    allowed = PROJECT_MODES if key else AGREEMENT_MODES
    mode = require_choice(ctx.body().get("retention_type"), allowed, param="retention_type")
    if mode in AGREEMENT_MODES and mode not in ctx.state.retention_eligible:
        raise ApiFailure(
            400,
            f"Data retention '{mode}' requires an agreement with OpenAI that this organization "
            "does not have; contact OpenAI to apply.",
            param="retention_type",
            code="data_retention_not_eligible",
        )
    ctx.state.data_retention[key] = mode
    return render(prefix, mode)


ROUTES: list[RouteSpec] = [
    ("GET", ORG, get_retention),
    ("POST", ORG, set_retention),
    ("GET", PROJECT, get_retention),
    ("POST", PROJECT, set_retention),
]
