"""Project model permissions: one policy per project (an allow list or a deny list), or none.

GET answers 404 when a project has no policy ([inferred]: the spec documents only the 200); POST
creates or replaces the policy, both fields required; DELETE removes it (404 when there is
none). The spec's audit log has no event type for these, so none is recorded.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_choice
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.wire import JSON, ApiFailure, bad_request

PATH = "/organization/projects/{project_id}/model_permissions"
MODES = ("allow_list", "deny_list")


def render(policy: JSON) -> JSON:
    """A policy as the API returns it."""
    return {"object": "project.model_permissions", **policy}


def _missing(project_id: str) -> ApiFailure:
    return ApiFailure(
        404, f"No model permissions found for project '{project_id}'.", code="not_found"
    )


def get_policy(ctx: Context) -> JSON:
    """GET .../model_permissions."""
    project = ctx.state.project(ctx.params["project_id"])
    policy = ctx.state.model_permissions.get(project["id"])
    if policy is None:
        raise _missing(project["id"])
    return render(policy)


def set_policy(ctx: Context) -> JSON:
    """POST .../model_permissions: create or replace the policy."""
    project = ctx.state.active_project(ctx.params["project_id"])
    body = ctx.body()
    mode = require_choice(body.get("mode"), MODES, param="mode")
    ids = body.get("model_ids")
    if not isinstance(ids, list) or not all(isinstance(m, str) and m for m in ids):
        raise bad_request("'model_ids' must be an array of model ids.", param="model_ids")
    policy: JSON = {"mode": mode, "model_ids": list(dict.fromkeys(ids))}
    ctx.state.model_permissions[project["id"]] = policy
    return render(policy)


def delete_policy(ctx: Context) -> JSON:
    """DELETE .../model_permissions."""
    project = ctx.state.active_project(ctx.params["project_id"])
    if ctx.state.model_permissions.pop(project["id"], None) is None:
        raise _missing(project["id"])
    return {"object": "project.model_permissions.deleted", "deleted": True}


ROUTES: list[RouteSpec] = [
    ("GET", PATH, get_policy),
    ("POST", PATH, set_policy),
    ("DELETE", PATH, delete_policy),
]
