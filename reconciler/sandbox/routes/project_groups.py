"""Project groups: list, add (with a project role), retrieve, remove; and reading project roles.

`POST .../projects/{project_id}/groups` takes `{group_id, role}` where `role` is a project role
id (the spec: "Identifier of the project role to grant"); the project roles and their ids are
listed by `GET /projects/{project_id}/roles` (the RBAC path without `/organization`, outside the
admin spec file; `PublicRoleListResource`), and a group's project role is read back with
`GET /projects/{project_id}/groups/{group_id}/roles` (`RoleListResource`), since the
`ProjectGroup` object has no role. Only those two reads of the RBAC paths are served.

The spec has no update for a project group: adding a group that already has access replaces its
role ([inferred]; the other way is remove then add), keeping `created_at`. An unknown group or a
role id that is not a project role is a 400. Lists page as style B, 20 by default and at most
100, oldest first; the cursor is the `group_id`. An archived project can be read but not
changed (400). A SCIM-managed group may be given access. Granting, changing and revoking are
audited as `role.assignment.created`/`role.assignment.deleted` of the group on the project
(`resource_type: api.project`), the spec's event types for a role granted on a resource.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_choice, require_string
from reconciler.sandbox.routes import RouteSpec, roles
from reconciler.sandbox.routes.paging import page_next
from reconciler.sandbox.wire import JSON, bad_request, not_found

BASE = "/organization/projects/{project_id}/groups"
ITEM = BASE + "/{group_id}"
PROJECT_ROLES = "/projects/{project_id}/roles"
GROUP_PROJECT_ROLES = "/projects/{project_id}/groups/{group_id}/roles"


def _groups(ctx: Context, *, write: bool = False) -> tuple[JSON, dict[str, JSON]]:
    """(the project, its groups' access by group id)."""
    project_id = ctx.params["project_id"]
    project = ctx.state.active_project(project_id) if write else ctx.state.project(project_id)
    return project, ctx.state.project_groups.setdefault(project["id"], {})


def render(ctx: Context, project_id: str, group_id: str, access: JSON) -> JSON:
    """A project group as the API returns it (`ProjectGroup`)."""
    return {
        "object": "project.group",
        "project_id": project_id,
        "group_id": group_id,
        "group_name": ctx.state.groups[group_id]["name"],
        "group_type": "group",
        "created_at": access["created_at"],
    }


def _audit(ctx: Context, event: str, project_id: str, group_id: str, access: JSON) -> None:
    details = {
        "id": access["assignment_id"],
        "principal_id": group_id,
        "principal_type": "group",
        "resource_id": project_id,
        "resource_type": roles.PROJECT_RESOURCE,
    }
    ctx.audit(event, details, project_id=project_id)


def list_project_groups(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/groups."""
    project, access = _groups(ctx)
    rendered = [render(ctx, project["id"], gid, a) for gid, a in access.items()]
    return page_next(ctx, rendered, default_limit=20, max_limit=100, key="group_id")


def add_project_group(ctx: Context) -> JSON:
    """POST .../projects/{project_id}/groups: grant access, or change the role of a group that
    has it."""
    project, access = _groups(ctx, write=True)
    body = ctx.body()
    group_id = require_string(body, "group_id") or ""
    role_id = require_string(body, "role") or ""
    if group_id not in ctx.state.groups:
        raise bad_request(f"No group found with id '{group_id}'.", param="group_id")
    if roles.find_role(ctx.state, role_id, roles.PROJECT_RESOURCE) is None:
        message = f"Role {role_id} is not a project role; see GET /v1/projects/{{id}}/roles."
        raise bad_request(message, param="role")
    current = access.get(group_id)
    if current is not None and current["role_id"] == role_id:
        return render(ctx, project["id"], group_id, current)
    if current is not None:
        _audit(ctx, "role.assignment.deleted", project["id"], group_id, current)
    created_at = current["created_at"] if current else ctx.now
    granted: JSON = {
        "role_id": role_id,
        "created_at": created_at,
        "assignment_id": ctx.state.new_id("role_assignment_"),
    }
    access[group_id] = granted
    _audit(ctx, "role.assignment.created", project["id"], group_id, granted)
    return render(ctx, project["id"], group_id, granted)


def _access(ctx: Context, access: dict[str, JSON]) -> JSON:
    found = access.get(ctx.params["group_id"])
    if found is None:
        raise not_found("project group", ctx.params["group_id"])
    return found


def retrieve_project_group(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/groups/{group_id} (`group_type` group or tenant_group)."""
    project, access = _groups(ctx)
    group_type = ctx.query_one("group_type") or "group"
    require_choice(group_type, ("group", "tenant_group"), param="group_type")
    if group_type == "tenant_group":  # the sandbox has no tenant groups
        raise not_found("tenant group", ctx.params["group_id"])
    return render(ctx, project["id"], ctx.params["group_id"], _access(ctx, access))


def remove_project_group(ctx: Context) -> JSON:
    """DELETE .../projects/{project_id}/groups/{group_id}."""
    project, access = _groups(ctx, write=True)
    removed = _access(ctx, access)
    del access[ctx.params["group_id"]]
    _audit(ctx, "role.assignment.deleted", project["id"], ctx.params["group_id"], removed)
    return {"object": "project.group.deleted", "deleted": True}


def list_project_roles(ctx: Context) -> JSON:
    """GET /projects/{project_id}/roles: the project roles (`PublicRoleListResource`)."""
    ctx.state.project(ctx.params["project_id"])
    rendered = [roles.render(r) for r in roles.predefined_roles(ctx.state, roles.PROJECT_RESOURCE)]
    return page_next(ctx, rendered, default_limit=1000)


def list_group_project_roles(ctx: Context) -> JSON:
    """GET /projects/{project_id}/groups/{group_id}/roles: the group's role in the project
    (none when it has no access)."""
    _, access = _groups(ctx)
    group = ctx.state.group(ctx.params["group_id"])
    granted = access.get(group["id"])
    role = (
        roles.find_role(ctx.state, granted["role_id"], roles.PROJECT_RESOURCE) if granted else None
    )
    rendered = (
        [roles.render_assigned(ctx.state, role, principal_id=group["id"], principal_type="group")]
        if role
        else []
    )
    return page_next(ctx, rendered, default_limit=100)


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_project_groups),
    ("POST", BASE, add_project_group),
    ("GET", ITEM, retrieve_project_group),
    ("DELETE", ITEM, remove_project_group),
    ("GET", PROJECT_ROLES, list_project_roles),
    ("GET", GROUP_PROJECT_ROLES, list_group_project_roles),
]
