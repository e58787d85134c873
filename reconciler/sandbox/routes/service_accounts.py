"""Project service accounts: list, create (with a one-time API key), retrieve, modify, delete,
and create a further API key for an account (returned once, like the first).

The key value exists only in the create response: the state keeps its redacted form, so it
never reaches the state file or a log.
"""

from __future__ import annotations

import secrets

from reconciler.sandbox.context import Context, require_role, require_string
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request, not_found

BASE = "/organization/projects/{project_id}/service_accounts"
ITEM = BASE + "/{service_account_id}"


def render(account: JSON) -> JSON:
    """A service account as the API returns it."""
    return {
        "object": "organization.project.service_account",
        "id": account["id"],
        "name": account["name"],
        "role": account["role"],
        "created_at": account["created_at"],
    }


def redacted_value(value: str) -> str:
    """The redacted form of a key value, as the API shows it ("sk-svcacct...wxyz")."""
    prefix = value.split("-", 2)
    head = "-".join(prefix[:2]) if len(prefix) > 2 else value[:3]
    return f"{head}...{value[-4:]}"


def list_accounts(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/service_accounts."""
    project = ctx.state.active_project(ctx.params["project_id"])
    return page(ctx, [render(a) for a in ctx.state.service_accounts[project["id"]].values()])


def create_account(ctx: Context) -> JSON:
    """POST .../projects/{project_id}/service_accounts."""
    project = ctx.state.active_project(ctx.params["project_id"])
    body = ctx.body()
    name = require_string(body, "name")
    only = body.get("create_service_account_only")
    if only is not None and not isinstance(only, bool):
        raise bad_request(
            "'create_service_account_only' must be a boolean.", param="create_service_account_only"
        )
    account: JSON = {
        "id": ctx.state.new_id("svc_acct_"),
        "name": name,
        "role": "none" if only else "member",
        "created_at": ctx.now,
    }
    ctx.state.service_accounts[project["id"]][account["id"]] = account
    details = {"id": account["id"], "data": {"role": account["role"]}}
    ctx.audit("service_account.created", details, project_id=project["id"])
    return render(account) | {"api_key": None if only else _issue_key(ctx, project, account)}


def _issue_key(ctx: Context, project: JSON, account: JSON, *, name: str = "Secret Key") -> JSON:
    value = f"sk-svcacct-{secrets.token_urlsafe(32)}"
    key: JSON = {
        "id": ctx.state.new_id("key_"),
        "name": name,
        "redacted_value": ctx.issue(redacted_value(value)),
        "created_at": ctx.now,
        "last_used_at": None,
        "owner_kind": "service_account",
        "owner_id": account["id"],
    }
    ctx.state.api_keys[project["id"]][key["id"]] = key
    return {
        "object": "organization.project.service_account.api_key",
        "value": value,
        "name": key["name"],
        "created_at": key["created_at"],
        "id": key["id"],
    }


def _account(ctx: Context, project_id: str) -> JSON:
    account = ctx.state.service_accounts[project_id].get(ctx.params["service_account_id"])
    if account is None:
        raise not_found("service account", ctx.params["service_account_id"])
    return account


def retrieve_account(ctx: Context) -> JSON:
    """GET .../service_accounts/{service_account_id}."""
    project = ctx.state.project(ctx.params["project_id"])
    return render(_account(ctx, project["id"]))


def modify_account(ctx: Context) -> JSON:
    """POST .../service_accounts/{service_account_id}: rename or change role."""
    project = ctx.state.active_project(ctx.params["project_id"])
    account = _account(ctx, project["id"])
    body = ctx.body()
    name = require_string(body, "name", required=False)
    role = require_role(body["role"], ("owner", "member")) if body.get("role") else None
    changes = {k: v for k, v in (("name", name), ("role", role)) if v is not None}
    account.update(changes)
    if changes:
        details = {"id": account["id"], "changes_requested": changes}
        ctx.audit("service_account.updated", details, project_id=project["id"])
    return render(account)


def create_key(ctx: Context) -> JSON:
    """POST .../service_accounts/{service_account_id}/api_keys: a further key, its value returned
    once (the body, `name` and `scopes`, is optional; scopes are accepted and not enforced)."""
    project = ctx.state.active_project(ctx.params["project_id"])
    account = _account(ctx, project["id"])
    body = ctx.body()
    name = require_string(body, "name", required=False) or "Secret Key"
    scopes = body.get("scopes")
    if scopes is not None and not (
        isinstance(scopes, list) and all(isinstance(s, str) for s in scopes)
    ):
        raise bad_request("'scopes' must be a list of strings.", param="scopes")
    issued = _issue_key(ctx, project, account, name=name)
    details = {"id": issued["id"], "data": {"scopes": scopes or []}}
    ctx.audit("api_key.created", details, project_id=project["id"])
    return issued


def delete_account(ctx: Context) -> JSON:
    """DELETE .../service_accounts/{service_account_id}; its API keys go with it."""
    project = ctx.state.active_project(ctx.params["project_id"])
    account = _account(ctx, project["id"])
    del ctx.state.service_accounts[project["id"]][account["id"]]
    keys = ctx.state.api_keys[project["id"]]
    for key_id in [k for k, v in keys.items() if v["owner_id"] == account["id"]]:
        del keys[key_id]
    ctx.audit("service_account.deleted", {"id": account["id"]}, project_id=project["id"])
    return {
        "object": "organization.project.service_account.deleted",
        "id": account["id"],
        "deleted": True,
    }


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_accounts),
    ("POST", BASE, create_account),
    ("GET", ITEM, retrieve_account),
    ("POST", ITEM, modify_account),
    ("DELETE", ITEM, delete_account),
    ("POST", ITEM + "/api_keys", create_key),
]
