"""Groups and their users: list, create, retrieve, rename, delete; list, add, get, remove users.

Lists page as the spec's style B (`next` cursor): groups oldest first by default, group users
newest first (the spec's defaults), both up to 1000 a page, 100 by default. Group objects carry
`object: "group"` as the spec's list and create examples do (its retrieve example omits it).

A group created through the API is never SCIM-managed; one provisioned by the identity provider
(`is_scim_managed: true`, only from the seed) belongs to it: adding or removing its users,
renaming or deleting it is refused with 400 `group_scim_managed` ([inferred]: the spec is silent;
a refusal rather than a change the next sync would undo, and 400 because the request, not the
caller's permissions, is at fault). Its organization roles and project access may still be
granted. A user added to a group must be an organization user (400 otherwise, as for project
users); adding one twice is a 400. Group names need not be unique (the spec does not say they
are). Deleting a group removes its memberships, roles and project access. The audit log has
`group.created`, `group.updated` and `group.deleted`; membership changes have no
organization event type, so they are not logged.
"""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_string
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page_next
from reconciler.sandbox.wire import JSON, ApiFailure, bad_request, not_found

BASE = "/organization/groups"
ITEM = BASE + "/{group_id}"
USERS = ITEM + "/users"
USER = USERS + "/{user_id}"


def render(group: JSON) -> JSON:
    """A group as list, create and retrieve return it (`GroupResponse`)."""
    return {
        "object": "group",
        "id": group["id"],
        "name": group["name"],
        "created_at": group["created_at"],
        "is_scim_managed": group["is_scim_managed"],
        "group_type": "group",
    }


def render_short(group: JSON) -> JSON:
    """A group as a role assignment embeds it (`Group`, with `scim_managed`)."""
    return {
        "object": "group",
        "id": group["id"],
        "name": group["name"],
        "created_at": group["created_at"],
        "scim_managed": group["is_scim_managed"],
    }


def refuse_if_scim(group: JSON, what: str) -> None:
    """Refuse a change the identity provider owns (see the module docstring)."""
    if group["is_scim_managed"]:
        raise ApiFailure(
            400,
            f"Group '{group['name']}' is managed by SCIM: {what} through your identity provider.",
            code="group_scim_managed",
        )


def _name(body: JSON) -> str:
    name = require_string(body, "name") or ""
    if len(name) > 255:
        raise bad_request("'name' must be at most 255 characters.", param="name")
    return name


def list_groups(ctx: Context) -> JSON:
    """GET /organization/groups."""
    return page_next(ctx, [render(g) for g in ctx.state.groups.values()], default_limit=100)


def create_group(ctx: Context) -> JSON:
    """POST /organization/groups."""
    name = _name(ctx.body())
    group: JSON = {
        "id": ctx.state.new_id("group_"),
        "name": name,
        "created_at": ctx.now,
        "is_scim_managed": False,
    }
    ctx.state.groups[group["id"]] = group
    ctx.state.group_users[group["id"]] = {}
    ctx.audit("group.created", {"id": group["id"], "data": {"group_name": name}})
    return render(group)


def retrieve_group(ctx: Context) -> JSON:
    """GET /organization/groups/{group_id}."""
    return render(ctx.state.group(ctx.params["group_id"]))


def update_group(ctx: Context) -> JSON:
    """POST /organization/groups/{group_id}: rename (`GroupResourceWithSuccess`)."""
    group = ctx.state.group(ctx.params["group_id"])
    name = _name(ctx.body())
    if name != group["name"]:
        refuse_if_scim(group, "rename it")
        group["name"] = name
        details = {"id": group["id"], "changes_requested": {"group_name": name}}
        ctx.audit("group.updated", details)
    return {k: v for k, v in render(group).items() if k != "group_type"}


def delete_group(ctx: Context) -> JSON:
    """DELETE /organization/groups/{group_id}."""
    group = ctx.state.group(ctx.params["group_id"])
    refuse_if_scim(group, "delete it")
    ctx.state.forget_group(group["id"])
    ctx.audit("group.deleted", {"id": group["id"]})
    return {"object": "group.deleted", "id": group["id"], "deleted": True}


def _members(ctx: Context) -> tuple[JSON, dict[str, int]]:
    group = ctx.state.group(ctx.params["group_id"])
    return group, ctx.state.group_users.setdefault(group["id"], {})


def list_group_users(ctx: Context) -> JSON:
    """GET /organization/groups/{group_id}/users (`GroupUser` items)."""
    _, members = _members(ctx)
    users = [ctx.state.users[uid] for uid in members]
    rendered = [{"id": u["id"], "name": u["name"], "email": u["email"]} for u in users]
    return page_next(ctx, rendered, default_limit=100, default_order="desc")


def add_group_user(ctx: Context) -> JSON:
    """POST /organization/groups/{group_id}/users."""
    group, members = _members(ctx)
    user_id = require_string(ctx.body(), "user_id") or ""
    refuse_if_scim(group, "manage its users")
    user = ctx.state.users.get(user_id)
    if user is None:
        message = f"User {user_id} is not a member of the organization."
        raise bad_request(message, param="user_id")
    if user_id in members:
        message = f"{user['email']} is already in group '{group['name']}'."
        raise bad_request(message, param="user_id")
    members[user_id] = ctx.now
    return {"object": "group.user", "user_id": user_id, "group_id": group["id"]}


def _member(ctx: Context, members: dict[str, int]) -> JSON:
    user_id = ctx.params["user_id"]
    if user_id not in members:
        raise not_found("group user", user_id)
    return ctx.state.users[user_id]


def retrieve_group_user(ctx: Context) -> JSON:
    """GET /organization/groups/{group_id}/users/{user_id} (`GroupMemberUser`, no `object`)."""
    _, members = _members(ctx)
    user = _member(ctx, members)
    return {
        "id": user["id"],
        "name": user["name"],
        "email": user["email"],
        "picture": None,
        "is_service_account": False,
        "user_type": "user",
    }


def remove_group_user(ctx: Context) -> JSON:
    """DELETE /organization/groups/{group_id}/users/{user_id}."""
    group, members = _members(ctx)
    user = _member(ctx, members)
    refuse_if_scim(group, "manage its users")
    del members[user["id"]]
    return {"object": "group.user.deleted", "deleted": True}


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_groups),
    ("POST", BASE, create_group),
    ("GET", ITEM, retrieve_group),
    ("POST", ITEM, update_group),
    ("DELETE", ITEM, delete_group),
    ("GET", USERS, list_group_users),
    ("POST", USERS, add_group_user),
    ("GET", USER, retrieve_group_user),
    ("DELETE", USER, remove_group_user),
]
