"""Project API keys: list, retrieve, delete (a service account's key goes with its account)."""

from __future__ import annotations

from reconciler.sandbox.context import Context, require_choice
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request, not_found

BASE = "/organization/projects/{project_id}/api_keys"
ITEM = BASE + "/{api_key_id}"


def render(ctx: Context, project_id: str, key: JSON) -> JSON:
    """A project API key as the API returns it, with its owner."""
    return {
        "object": "organization.project.api_key",
        "redacted_value": key["redacted_value"],
        "name": key["name"],
        "created_at": key["created_at"],
        "last_used_at": key["last_used_at"],
        "id": key["id"],
        "owner_project_access": "active" if owner_has_access(ctx, project_id, key) else "inactive",
        "owner": _owner(ctx, project_id, key),
    }


def owner_has_access(ctx: Context, project_id: str, key: JSON) -> bool:
    """Whether the key's owner is still in its project (a service account always is)."""
    return (
        key["owner_kind"] == "service_account"
        or key["owner_id"] in ctx.state.project_users[project_id]
    )


def _owner(ctx: Context, project_id: str, key: JSON) -> JSON:
    if key["owner_kind"] == "service_account":
        account = ctx.state.service_accounts[project_id][key["owner_id"]]
        details = {k: account[k] for k in ("id", "name", "created_at", "role")}
        return {"type": "service_account", "service_account": details}
    user = ctx.state.users[key["owner_id"]]
    membership = ctx.state.project_users[project_id].get(user["id"], {"role": "member"})
    return {
        "type": "user",
        "user": {
            "id": user["id"],
            "email": user["email"],
            "name": user["name"],
            "created_at": user["added_at"],
            "role": membership["role"],
        },
    }


def list_keys(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/api_keys: by `owner_project_access` (active, inactive or
    any); without it, the membership-based visibility hides keys whose owner left the project."""
    project = ctx.state.project(ctx.params["project_id"])
    access = ctx.query_one("owner_project_access") or "active"
    require_choice(access, ("active", "inactive", "any"), param="owner_project_access")
    rendered = [render(ctx, project["id"], k) for k in ctx.state.api_keys[project["id"]].values()]
    return page(ctx, [k for k in rendered if access in ("any", k["owner_project_access"])])


def _key(ctx: Context, project_id: str) -> JSON:
    key = ctx.state.api_keys[project_id].get(ctx.params["api_key_id"])
    if key is None:
        raise not_found("API key", ctx.params["api_key_id"])
    return key


def retrieve_key(ctx: Context) -> JSON:
    """GET .../api_keys/{api_key_id}."""
    project = ctx.state.project(ctx.params["project_id"])
    return render(ctx, project["id"], _key(ctx, project["id"]))


def delete_key(ctx: Context) -> JSON:
    """DELETE .../api_keys/{api_key_id} (refused for a service account's key)."""
    project = ctx.state.active_project(ctx.params["project_id"])
    key = _key(ctx, project["id"])
    if key["owner_kind"] == "service_account":
        raise bad_request(
            "This key belongs to a service account; delete the service account instead."
        )
    del ctx.state.api_keys[project["id"]][key["id"]]
    ctx.audit("api_key.deleted", {"id": key["id"]}, project_id=project["id"])
    return {"object": "organization.project.api_key.deleted", "id": key["id"], "deleted": True}


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_keys),
    ("GET", ITEM, retrieve_key),
    ("DELETE", ITEM, delete_key),
]
