"""Organization roles: list, create (custom), retrieve, update, delete.

Predefined roles are OpenAI's: `owner` and `reader` for the organization (`api.organization`),
`owner` and `member` for projects (`api.project`, listed under `/projects/{id}/roles`, see
`project_groups.py`). They are not stored: their ids derive from the organization id, so every
state (and an older state file) has them. They are listed first, cannot be changed or deleted
([inferred] 400 `role_predefined`: the spec only says a delete "deletes a custom role"), and
their names are taken. Role names are unique (the spec: "Unique name for the role"),
compared case-insensitively ([inferred]). Permissions are a list of strings, kept in the order
given without duplicates; the sandbox does not know OpenAI's permission catalogue, so any
non-empty string is accepted ([inferred]). Deleting a custom role removes its assignments
([inferred]: the spec does not say whether an assigned role can be deleted). Changes are
audited as `role.created`, `role.updated` (with `permissions_added`/`permissions_removed`) and
`role.deleted`.
"""

from __future__ import annotations

import hashlib

from reconciler.sandbox.context import Context, optional_string, require_string
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page_next
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import JSON, ApiFailure, bad_request, not_found

BASE = "/organization/roles"
ITEM = BASE + "/{role_id}"
ORG_RESOURCE = "api.organization"
PROJECT_RESOURCE = "api.project"
_READ = ["api.organization.read", "api.projects.read", "api.usage.read", "api.audit_logs.read"]
_WRITE = ["api.organization.write", "api.projects.write", "api.groups.write", "api.roles.write"]
# (resource type, name, description, permissions) of OpenAI's predefined roles.
PREDEFINED: tuple[tuple[str, str, str, list[str]], ...] = (
    (ORG_RESOURCE, "owner", "Full access to the organization", _READ + _WRITE),
    (ORG_RESOURCE, "reader", "Read access to the organization", _READ),
    (PROJECT_RESOURCE, "owner", "Full access to the project", ["api.project.admin"]),
    (PROJECT_RESOURCE, "member", "Use of the project", ["api.project.use"]),
)


def predefined_roles(state: State, resource_type: str) -> list[JSON]:
    """OpenAI's predefined roles for `resource_type`, as records like the custom ones."""
    roles = []
    for resource, name, description, permissions in PREDEFINED:
        if resource != resource_type:
            continue
        seed = f"{state.org_id}:predefined-role:{resource}:{name}".encode()
        roles.append(
            {
                "id": "role_" + hashlib.sha256(seed).hexdigest()[:20],
                "name": name,
                "description": description,
                "permissions": list(permissions),
                "resource_type": resource,
                "predefined_role": True,
                "created_at": None,
                "updated_at": None,
                "created_by": None,
            }
        )
    return roles


def organization_roles(state: State) -> list[JSON]:
    """Every organization role, predefined first, then custom ones in creation order."""
    return predefined_roles(state, ORG_RESOURCE) + list(state.roles.values())


def find_role(state: State, role_id: str, resource_type: str = ORG_RESOURCE) -> JSON | None:
    """The role of `resource_type` with this id, if any."""
    if resource_type == ORG_RESOURCE:
        roles = organization_roles(state)
    else:
        roles = predefined_roles(state, resource_type)
    return next((r for r in roles if r["id"] == role_id), None)


def render(role: JSON) -> JSON:
    """A role as the API returns it (`Role`)."""
    return {
        "object": "role",
        "id": role["id"],
        "name": role["name"],
        "description": role["description"],
        "permissions": list(role["permissions"]),
        "resource_type": role["resource_type"],
        "predefined_role": role["predefined_role"],
    }


def render_assigned(state: State, role: JSON, *, principal_id: str, principal_type: str) -> JSON:
    """A role as an assignment lists it (`AssignedRoleDetails`), with who holds it directly."""
    creator = state.users.get(role["created_by"] or "")
    creator_obj = (
        {"id": creator["id"], "name": creator["name"], "email": creator["email"]}
        if creator
        else None
    )
    return {
        "id": role["id"],
        "name": role["name"],
        "permissions": list(role["permissions"]),
        "resource_type": role["resource_type"],
        "predefined_role": role["predefined_role"],
        "description": role["description"],
        "created_at": role["created_at"],
        "updated_at": role["updated_at"],
        "created_by": role["created_by"],
        "created_by_user_obj": creator_obj,
        "metadata": {},
        "assignment_sources": [{"principal_id": principal_id, "principal_type": principal_type}],
    }


def _role(ctx: Context) -> JSON:
    found = find_role(ctx.state, ctx.params["role_id"])
    if found is None:
        raise not_found("role", ctx.params["role_id"])
    return found


def _custom(ctx: Context, *, action: str) -> JSON:
    role = _role(ctx)
    if role["predefined_role"]:
        raise ApiFailure(
            400,
            f"Role '{role['name']}' is predefined by OpenAI and cannot be {action}.",
            code="role_predefined",
        )
    return role


def _name(ctx: Context, value: str, *, current: str | None = None) -> str:
    """A role name that no other role has (400 otherwise)."""
    name = value.strip()
    if len(name) > 255:
        raise bad_request("'role_name' must be at most 255 characters.", param="role_name")
    for role in organization_roles(ctx.state):
        if role["id"] != current and role["name"].lower() == name.lower():
            message = f"A role named '{role['name']}' already exists."
            raise bad_request(message, param="role_name", code="role_name_taken")
    return name


def _permissions(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        message = "'permissions' must be a list of non-empty strings."
        raise bad_request(message, param="permissions")
    return list(dict.fromkeys(p.strip() for p in value))


def list_roles(ctx: Context) -> JSON:
    """GET /organization/roles: predefined and custom organization roles."""
    roles = [render(r) for r in organization_roles(ctx.state)]
    return page_next(ctx, roles, default_limit=1000)


def create_role(ctx: Context) -> JSON:
    """POST /organization/roles: a custom organization role."""
    body = ctx.body()
    name = _name(ctx, require_string(body, "role_name") or "")
    if "permissions" not in body:
        raise bad_request("Missing required parameter: 'permissions'.", param="permissions")
    role: JSON = {
        "id": ctx.state.new_id("role_"),
        "name": name,
        "description": optional_string(body, "description"),
        "permissions": _permissions(body["permissions"]),
        "resource_type": ORG_RESOURCE,
        "predefined_role": False,
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "created_by": ctx.actor.user_id or None,
    }
    ctx.state.roles[role["id"]] = role
    details = {"id": role["id"], "role_name": name, "permissions": role["permissions"]}
    details |= {"resource_type": ORG_RESOURCE, "resource_id": ctx.state.org_id}
    ctx.audit("role.created", details)
    return render(role)


def retrieve_role(ctx: Context) -> JSON:
    """GET /organization/roles/{role_id}."""
    return render(_role(ctx))


def update_role(ctx: Context) -> JSON:
    """POST /organization/roles/{role_id}: rename, describe, or replace the permissions."""
    role = _custom(ctx, action="changed")
    body = ctx.body()
    changes: JSON = {}
    raw_name = body.get("role_name")
    if raw_name is not None:
        name = _name(ctx, require_string(body, "role_name") or "", current=role["id"])
        if name != role["name"]:
            changes["role_name"] = name
    description = optional_string(body, "description")
    if description is not None and description != role["description"]:
        changes["description"] = description
    if body.get("permissions") is not None:
        wanted = _permissions(body["permissions"])
        added = [p for p in wanted if p not in role["permissions"]]
        removed = [p for p in role["permissions"] if p not in wanted]
        changes |= {"permissions_added": added} if added else {}
        changes |= {"permissions_removed": removed} if removed else {}
        role["permissions"] = wanted
    if changes:
        role["name"] = changes.get("role_name", role["name"])
        role["description"] = changes.get("description", role["description"])
        role["updated_at"] = ctx.now
        ctx.audit("role.updated", {"id": role["id"], "changes_requested": changes})
    return render(role)


def delete_role(ctx: Context) -> JSON:
    """DELETE /organization/roles/{role_id}: a custom role, with its assignments."""
    role = _custom(ctx, action="deleted")
    del ctx.state.roles[role["id"]]
    for held in (*ctx.state.user_roles.values(), *ctx.state.group_roles.values()):
        held.pop(role["id"], None)
    ctx.audit("role.deleted", {"id": role["id"]})
    return {"object": "role.deleted", "id": role["id"], "deleted": True}


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_roles),
    ("POST", BASE, create_role),
    ("GET", ITEM, retrieve_role),
    ("POST", ITEM, update_role),
    ("DELETE", ITEM, delete_role),
]
