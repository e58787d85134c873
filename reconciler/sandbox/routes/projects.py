"""Projects: list (with `include_archived`), create, retrieve, modify, archive.

Projects are never deleted and never un-archived; the default project cannot be archived or
renamed; an archived project refuses every change.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, optional_string, require_choice, require_string
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request

RESIDENCIES = (
    "GLOBAL",
    "US_STORAGE_PROCESSING",
    "EU_STORAGE_PROCESSING",
    "JP_STORAGE",
    "KR_STORAGE",
    "CA_STORAGE",
    "SG_STORAGE",
    "IN_STORAGE",
    "AU_STORAGE",
    "GB_STORAGE",
    "AE_STORAGE",
    "AE_STORAGE_PROCESSING",
)  # the spec's PublicProjectResidency
BASE = "/organization/projects"
ITEM = BASE + "/{project_id}"


def render(project: JSON) -> JSON:
    """A project as the API returns it (`residency` only when one was requested)."""
    rendered: JSON = {
        "id": project["id"],
        "object": "organization.project",
        "name": project["name"],
        "created_at": project["created_at"],
        "archived_at": project["archived_at"],
        "status": project["status"],
        "external_key_id": project.get("external_key_id"),
    }
    if project.get("residency") is not None:
        rendered["residency"] = project["residency"]
    return rendered


def list_projects(ctx: Context) -> JSON:
    """GET /organization/projects."""
    include_archived = ctx.query_bool("include_archived", default=False)
    projects = [
        render(p)
        for p in ctx.state.projects.values()
        if include_archived or p["archived_at"] is None
    ]
    return page(ctx, projects)


def create_project(ctx: Context) -> JSON:
    """POST /organization/projects."""
    body = ctx.body()
    name = require_string(body, "name")
    assert name is not None
    external_key_id = optional_string(body, "external_key_id")
    residency = body.get("residency")
    if residency is not None:
        require_choice(residency, RESIDENCIES, param="residency")
    project = ctx.state.add_project(name, created_at=ctx.now)
    project["external_key_id"] = external_key_id
    project["residency"] = residency
    details = {"id": project["id"], "data": {"name": name, "title": name}}
    ctx.audit("project.created", details, project_id=project["id"])
    return render(project)


def retrieve_project(ctx: Context) -> JSON:
    """GET /organization/projects/{project_id}."""
    return render(ctx.state.project(ctx.params["project_id"]))


def modify_project(ctx: Context) -> JSON:
    """POST /organization/projects/{project_id}: rename (not the default project)."""
    project = ctx.state.active_project(ctx.params["project_id"])
    body = ctx.body()
    name = require_string(body, "name", required=False)
    external_key_id = optional_string(body, "external_key_id")
    if name is not None and name != project["name"]:
        if project["id"] == ctx.state.default_project_id:
            raise bad_request("The default project cannot be renamed.", param="name")
        project["name"] = name
        details = {"id": project["id"], "changes_requested": {"title": name}}
        ctx.audit("project.updated", details, project_id=project["id"])
    if "external_key_id" in body:
        project["external_key_id"] = external_key_id
    return render(project)


def archive_project(ctx: Context) -> JSON:
    """POST /organization/projects/{project_id}/archive (idempotent on an archived project)."""
    project = ctx.state.project(ctx.params["project_id"])
    if project["id"] == ctx.state.default_project_id:
        raise bad_request("The default project cannot be archived.", code="default_project")
    if project["archived_at"] is None:
        project["archived_at"] = ctx.now
        project["status"] = "archived"
        ctx.audit("project.archived", {"id": project["id"]}, project_id=project["id"])
    return render(project)


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_projects),
    ("POST", BASE, create_project),
    ("GET", ITEM, retrieve_project),
    ("POST", ITEM, modify_project),
    ("POST", ITEM + "/archive", archive_project),
]
