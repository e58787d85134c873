"""Project users: list, add, retrieve, modify, delete.

A project user must already be an organization member; project roles are owner or member; an
archived project has no users to list or change. Removing a user from a project also revokes
the API keys they own in it.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_role
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request, not_found

PROJECT_ROLES = ("owner", "member")
BASE = "/organization/projects/{project_id}/users"
ITEM = BASE + "/{user_id}"


def render(ctx: Context, user_id: str, membership: JSON) -> JSON:
    """A project user as the API returns it (with the user's email and name)."""
    user = ctx.state.users[user_id]
    return {
        "object": "organization.project.user",
        "id": user_id,
        "name": user["name"],
        "email": user["email"],
        "role": membership["role"],
        "added_at": membership["added_at"],
    }


def list_members(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/users."""
    project = ctx.state.active_project(ctx.params["project_id"])
    members = ctx.state.project_users[project["id"]]
    return page(ctx, [render(ctx, uid, m) for uid, m in members.items()])


def add_member(ctx: Context) -> JSON:
    """POST .../projects/{project_id}/users, by `user_id` or `email`."""
    project = ctx.state.active_project(ctx.params["project_id"])
    body = ctx.body()
    role = require_role(body.get("role"), PROJECT_ROLES)
    user = _org_member(ctx, body)
    members = ctx.state.project_users[project["id"]]
    if user["id"] in members:
        raise bad_request(f"{user['email']} is already a member of this project.", param="user_id")
    members[user["id"]] = {"role": role, "added_at": ctx.now}
    ctx.audit("user.added", {"id": user["id"], "data": {"role": role}}, project_id=project["id"])
    return render(ctx, user["id"], members[user["id"]])


def _org_member(ctx: Context, body: JSON) -> JSON:
    user_id, email = body.get("user_id"), body.get("email")
    user = None
    if isinstance(user_id, str):
        user = ctx.state.users.get(user_id)
    elif isinstance(email, str):
        user = ctx.state.user_by_email(email)
    else:
        raise bad_request("Either 'user_id' or 'email' is required.", param="user_id")
    if user is None:
        who = user_id if isinstance(user_id, str) else email
        raise bad_request(
            f"User {who} is not a member of the organization; users must join the organization "
            "before they can be added to a project.",
            param="user_id" if isinstance(user_id, str) else "email",
        )
    return user


def _membership(ctx: Context, project_id: str) -> JSON:
    membership = ctx.state.project_users[project_id].get(ctx.params["user_id"])
    if membership is None:
        raise not_found("project user", ctx.params["user_id"])
    return membership


def retrieve_member(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/users/{user_id}."""
    project = ctx.state.project(ctx.params["project_id"])
    return render(ctx, ctx.params["user_id"], _membership(ctx, project["id"]))


def modify_member(ctx: Context) -> JSON:
    """POST .../projects/{project_id}/users/{user_id}: change the project role."""
    project = ctx.state.active_project(ctx.params["project_id"])
    membership = _membership(ctx, project["id"])
    role = require_role(ctx.body().get("role"), PROJECT_ROLES)
    if role != membership["role"]:
        membership["role"] = role
        details = {"id": project["id"], "changes_requested": {"role": role}}
        ctx.audit("user.updated", details, project_id=project["id"])
    return render(ctx, ctx.params["user_id"], membership)


def delete_member(ctx: Context) -> JSON:
    """DELETE .../projects/{project_id}/users/{user_id}; their keys in the project go too."""
    project = ctx.state.active_project(ctx.params["project_id"])
    _membership(ctx, project["id"])
    user_id = ctx.params["user_id"]
    del ctx.state.project_users[project["id"]][user_id]
    keys = ctx.state.api_keys[project["id"]]
    for key_id in [k for k, v in keys.items() if v["owner_id"] == user_id]:
        del keys[key_id]
    ctx.audit("user.deleted", {"id": user_id}, project_id=project["id"])
    return {"object": "organization.project.user.deleted", "id": user_id, "deleted": True}


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_members),
    ("POST", BASE, add_member),
    ("GET", ITEM, retrieve_member),
    ("POST", ITEM, modify_member),
    ("DELETE", ITEM, delete_member),
]
