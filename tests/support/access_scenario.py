"""A contract scenario for access by team and data retention: every route of groups, group
users, roles, role assignments, project groups, service-account keys and data retention, in
success and refusal, with request bodies the spec accepts (refusals come from state, not from
malformed bodies)."""

from __future__ import annotations

import httpx

from reconciler.sandbox import Sandbox

GROUPS = "/organization/groups"
ROLES = "/organization/roles"
# The audit event types the scenario's changes make; it reads them back last, so the contract
# checks them against the spec's `AuditLog`.
AUDITED = [
    *(f"group.{change}" for change in ("created", "updated", "deleted")),
    *(f"role.{change}" for change in ("created", "updated", "deleted")),
    *(f"role.assignment.{change}" for change in ("created", "deleted")),
    "api_key.created",
]


def _ids(sandbox: Sandbox) -> dict[str, str]:
    """Ids of the demo objects the scenario uses."""
    state = sandbox.state
    users = {u["email"].split("@")[0]: u["id"] for u in state.users.values()}
    projects = {p["name"]: p["id"] for p in state.projects.values()}
    groups = {g["name"]: g["id"] for g in state.groups.values()}
    return {
        "carol": users["carol"],
        "dan": users["dan"],
        "prod": projects["search-prod"],
        "finance": groups["finance"],
    }


def access_scenario(c: httpx.Client, sandbox: Sandbox) -> None:
    """Touch every access and retention route: reads, writes, and their refusals."""
    ids = _ids(sandbox)
    gid = _group_scenario(c, ids)
    role_id = _role_scenario(c, ids, gid)
    _project_group_scenario(c, ids, gid, role_id)
    c.delete(f"{GROUPS}/{gid}/users/{ids['carol']}")
    c.delete(f"{GROUPS}/{gid}")
    c.delete(f"{ROLES}/{role_id}")
    _key_and_retention_scenario(c, ids)
    c.get("/organization/audit_logs", params={"limit": 100, "event_types[]": AUDITED})


def _group_scenario(c: httpx.Client, ids: dict[str, str]) -> str:
    c.get(GROUPS, params={"limit": 1, "order": "asc"})
    gid: str = c.post(GROUPS, json={"name": "support"}).json()["id"]
    c.get(f"{GROUPS}/{gid}")
    c.get(f"{GROUPS}/group_missing")
    c.post(f"{GROUPS}/{gid}", json={"name": "escalations"})
    c.post(f"{GROUPS}/{ids['finance']}", json={"name": "money"})
    c.delete(f"{GROUPS}/{ids['finance']}")
    c.post(f"{GROUPS}/{gid}/users", json={"user_id": ids["carol"]})
    c.post(f"{GROUPS}/{gid}/users", json={"user_id": ids["carol"]})
    c.get(f"{GROUPS}/{gid}/users", params={"limit": 10, "order": "desc"})
    c.get(f"{GROUPS}/{gid}/users/{ids['carol']}")
    c.get(f"{GROUPS}/{gid}/users/{ids['dan']}")
    c.post(f"{GROUPS}/{ids['finance']}/users", json={"user_id": ids["carol"]})
    c.delete(f"{GROUPS}/{ids['finance']}/users/{ids['dan']}")
    return gid


def _role_scenario(c: httpx.Client, ids: dict[str, str], gid: str) -> str:
    listed = c.get(ROLES, params={"limit": 2, "order": "asc"}).json()["data"]
    body = {"role_name": "auditor", "permissions": ["api.audit_logs.read"], "description": "Logs"}
    role_id: str = c.post(ROLES, json=body).json()["id"]
    c.post(ROLES, json={"role_name": "owner", "permissions": []})
    c.get(f"{ROLES}/{role_id}")
    c.post(f"{ROLES}/{role_id}", json={"permissions": ["api.usage.read"], "role_name": "audit"})
    c.post(f"{ROLES}/{listed[0]['id']}", json={"role_name": "boss"})
    c.delete(f"{ROLES}/{listed[0]['id']}")
    for base in (f"/organization/users/{ids['carol']}/roles", f"{GROUPS}/{gid}/roles"):
        c.post(base, json={"role_id": role_id})
        c.post(base, json={"role_id": "role_missing"})
        c.get(base, params={"limit": 10, "order": "asc"})
        c.get(f"{base}/{role_id}")
        c.delete(f"{base}/{role_id}")
        c.get(f"{base}/{role_id}")
    c.post(f"{GROUPS}/{gid}/roles", json={"role_id": role_id})
    return role_id


def _project_group_scenario(c: httpx.Client, ids: dict[str, str], gid: str, role: str) -> None:
    prod = ids["prod"]
    project_roles = c.get(f"/projects/{prod}/roles", params={"limit": 10}).json()["data"]
    member = next(r["id"] for r in project_roles if r["name"] == "member")
    groups = f"/organization/projects/{prod}/groups"
    c.post(groups, json={"group_id": gid, "role": member})
    c.post(groups, json={"group_id": gid, "role": role})
    c.get(groups, params={"limit": 10, "order": "asc"})
    c.get(f"{groups}/{gid}", params={"group_type": "group"})
    c.get(f"/projects/{prod}/groups/{gid}/roles")
    c.delete(f"{groups}/{gid}")
    c.get(f"{groups}/{gid}")


def _key_and_retention_scenario(c: httpx.Client, ids: dict[str, str]) -> None:
    accounts = f"/organization/projects/{ids['prod']}/service_accounts"
    account = c.post(accounts, json={"name": "rotor"}).json()["id"]
    body = {"name": "rotation-2", "scopes": ["api.responses.write"]}
    c.post(f"{accounts}/{account}/api_keys", json=body)
    c.post(f"{accounts}/svc_acct_missing/api_keys")
    org = "/organization/data_retention"
    c.get(org)
    c.post(org, json={"retention_type": "zero_data_retention"})
    c.post(org, json={"retention_type": "modified_abuse_monitoring"})
    project = f"/organization/projects/{ids['prod']}/data_retention"
    c.get(project)
    c.post(project, json={"retention_type": "none"})
    c.post(project, json={"retention_type": "enhanced_zero_data_retention"})
