"""Organization users (list with `emails`, retrieve, modify role, delete) and admin API keys.

Users join only through invites; their organization role is owner or reader. Deleting a user
also removes them from every project, which revokes the API keys they own there, and from
every group and role assignment.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_role
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON

ORG_ROLES = ("owner", "reader")
BASE = "/organization/users"
ITEM = BASE + "/{user_id}"


def render(user: JSON) -> JSON:
    """An organization user as the API returns it."""
    return {
        "object": "organization.user",
        "id": user["id"],
        "name": user["name"],
        "email": user["email"],
        "role": user["role"],
        "added_at": user["added_at"],
    }


def list_users(ctx: Context) -> JSON:
    """GET /organization/users, optionally filtered by `emails` (case-insensitive)."""
    wanted = {e.strip().lower() for e in ctx.query_list("emails")}
    users = [
        render(u) for u in ctx.state.users.values() if not wanted or u["email"].lower() in wanted
    ]
    return page(ctx, users)


def retrieve_user(ctx: Context) -> JSON:
    """GET /organization/users/{user_id}."""
    return render(ctx.state.user(ctx.params["user_id"]))


def modify_user(ctx: Context) -> JSON:
    """POST /organization/users/{user_id}: change the organization role."""
    user = ctx.state.user(ctx.params["user_id"])
    body = ctx.body()
    if body.get("role") is not None:
        role = require_role(body["role"], ORG_ROLES)
        if role != user["role"]:
            user["role"] = role
            details = {"id": user["id"], "changes_requested": {"role": role}}
            ctx.audit("user.updated", details)
    return render(user)


def delete_user(ctx: Context) -> JSON:
    """DELETE /organization/users/{user_id}: leaves the organization and all its projects."""
    user = ctx.state.user(ctx.params["user_id"])
    del ctx.state.users[user["id"]]
    ctx.state.forget_user(user["id"])
    for members in ctx.state.project_users.values():
        members.pop(user["id"], None)
    for keys in ctx.state.api_keys.values():
        for key_id in [k for k, v in keys.items() if v["owner_id"] == user["id"]]:
            del keys[key_id]
    ctx.audit("user.deleted", {"id": user["id"]})
    return {"object": "organization.user.deleted", "id": user["id"], "deleted": True}


def render_admin_key(key: JSON, owner: JSON | None) -> JSON:
    """An admin API key as the API lists it (never its value)."""
    owner_json: JSON = {"type": "user", "object": "organization.user", "role": "owner"}
    if owner is not None:
        owner_json |= {"id": owner["id"], "name": owner["name"], "created_at": owner["added_at"]}
    return {
        "object": "organization.admin_api_key",
        "id": key["id"],
        "name": key["name"],
        "redacted_value": key["redacted_value"],
        "created_at": key["created_at"],
        "expires_at": None,
        "last_used_at": key.get("last_used_at"),
        "owner": owner_json,
    }


def list_admin_keys(ctx: Context) -> JSON:
    """GET /organization/admin_api_keys (ascending by creation, or `order=desc`)."""
    keys = [render_admin_key(k, ctx.state.users.get(k["owner_id"])) for k in ctx.state.admin_keys]
    return page(ctx, keys, descending=ctx.query_order(default="asc") == "desc")


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_users),
    ("GET", ITEM, retrieve_user),
    ("POST", ITEM, modify_user),
    ("DELETE", ITEM, delete_user),
    ("GET", "/organization/admin_api_keys", list_admin_keys),
]
