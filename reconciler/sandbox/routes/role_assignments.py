"""Organization roles of users and of groups: list, assign, retrieve, unassign.

The two families are the same but for the principal: `/organization/users/{user_id}/roles` and
`/organization/groups/{group_id}/roles`. The role (body `role_id`) must be an organization role,
predefined or custom; a project role, an unknown id or a role the principal already holds is a
400 ([inferred], as for other references in a body). A SCIM-managed group may be given roles.
Lists page as the spec's style B with no stated default: 100 ([inferred]), oldest assignment
first. They list the roles assigned to the principal itself, each with `assignment_sources`
naming that principal ([inferred]: roles a user has through a group are not listed under the
user). A user's `role` field (owner or reader) is separate from these assignments. Changes are
audited as `role.assignment.created` and `role.assignment.deleted`, scoped to the organization.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_string
from reconciler.sandbox.routes import RouteSpec, groups, roles, users
from reconciler.sandbox.routes.paging import page_next
from reconciler.sandbox.wire import JSON, bad_request, not_found

USER_ROLES = "/organization/users/{user_id}/roles"
GROUP_ROLES = "/organization/groups/{group_id}/roles"


def _principal(ctx: Context) -> tuple[str, JSON, dict[str, JSON]]:
    """(`user` or `group`, the principal, its assignments by role id)."""
    if "user_id" in ctx.params:
        user = ctx.state.user(ctx.params["user_id"])
        return "user", user, ctx.state.user_roles.setdefault(user["id"], {})
    group = ctx.state.group(ctx.params["group_id"])
    return "group", group, ctx.state.group_roles.setdefault(group["id"], {})


def _audit(ctx: Context, event: str, assignment: JSON, kind: str, principal: JSON) -> None:
    details = {
        "id": assignment["id"],
        "principal_id": principal["id"],
        "principal_type": kind,
        "resource_id": ctx.state.org_id,
        "resource_type": roles.ORG_RESOURCE,
    }
    ctx.audit(event, details)


def list_assigned(ctx: Context) -> JSON:
    """GET .../roles: the principal's organization roles (`RoleListResource`)."""
    kind, principal, held = _principal(ctx)
    found = [roles.find_role(ctx.state, role_id) for role_id in held]
    rendered = [
        roles.render_assigned(ctx.state, r, principal_id=principal["id"], principal_type=kind)
        for r in found
        if r is not None
    ]
    return page_next(ctx, rendered, default_limit=100)


def assign(ctx: Context) -> JSON:
    """POST .../roles: assign an organization role (`UserRoleAssignment`/`GroupRoleAssignment`)."""
    kind, principal, held = _principal(ctx)
    role_id = require_string(ctx.body(), "role_id") or ""
    role = roles.find_role(ctx.state, role_id)
    if role is None:
        project_role = roles.find_role(ctx.state, role_id, roles.PROJECT_RESOURCE)
        why = "is a project role" if project_role else "is not a role of this organization"
        raise bad_request(f"Role {role_id} {why}.", param="role_id")
    if role_id in held:
        message = f"The {kind} {principal['id']} already has role '{role['name']}'."
        raise bad_request(message, param="role_id")
    assignment: JSON = {"id": ctx.state.new_id("role_assignment_"), "created_at": ctx.now}
    held[role_id] = assignment
    _audit(ctx, "role.assignment.created", assignment, kind, principal)
    if kind == "user":
        return {"object": "user.role", "user": users.render(principal), "role": roles.render(role)}
    return {
        "object": "group.role",
        "group": groups.render_short(principal),
        "role": roles.render(role),
    }


def _held(ctx: Context, held: dict[str, JSON]) -> JSON:
    role = roles.find_role(ctx.state, ctx.params["role_id"])
    if role is None or role["id"] not in held:
        raise not_found("role assignment", ctx.params["role_id"])
    return role


def retrieve_assigned(ctx: Context) -> JSON:
    """GET .../roles/{role_id} (`AssignedRoleDetails`)."""
    kind, principal, held = _principal(ctx)
    role = _held(ctx, held)
    return roles.render_assigned(ctx.state, role, principal_id=principal["id"], principal_type=kind)


def unassign(ctx: Context) -> JSON:
    """DELETE .../roles/{role_id}."""
    kind, principal, held = _principal(ctx)
    role = _held(ctx, held)
    assignment = held.pop(role["id"])
    _audit(ctx, "role.assignment.deleted", assignment, kind, principal)
    return {"object": f"{kind}.role.deleted", "deleted": True}


ROUTES: list[RouteSpec] = [
    (method, base + suffix, handler)
    for base in (USER_ROLES, GROUP_ROLES)
    for method, suffix, handler in (
        ("GET", "", list_assigned),
        ("POST", "", assign),
        ("GET", "/{role_id}", retrieve_assigned),
        ("DELETE", "/{role_id}", unassign),
    )
]
