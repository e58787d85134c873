"""The sandbox's service-account key endpoint: a further key, returned once, listed redacted."""

from __future__ import annotations

from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient, api_error

P = "/organization/projects"


def test_a_further_key_is_returned_once_and_listed_redacted(
    api: SandboxClient, sandbox: Sandbox
) -> None:
    """POST .../api_keys returns the spec's key object with its value; the project's key list
    then shows it by id, name and the sandbox clock's time, redacted, owned by the account;
    the audit log records api_key.created with the scopes asked for."""
    project = api.project("search-prod")
    account = api.post(f"{P}/{project}/service_accounts", {"name": "ci"}).json()
    path = f"{P}/{project}/service_accounts/{account['id']}/api_keys"
    made = api.post(path, {"name": "rotated", "scopes": ["api.responses.write"]}).json()
    assert set(made) == {"object", "value", "name", "created_at", "id"}
    assert made["object"] == "organization.project.service_account.api_key"
    assert made["name"] == "rotated"
    assert made["value"].startswith("sk-svcacct-")
    assert abs(made["created_at"] - sandbox.clock.time()) < 5
    listed = api.get(f"{P}/{project}/api_keys", owner_project_access="any").json()["data"]
    mine = [k for k in listed if k["owner"].get("service_account", {}).get("id") == account["id"]]
    assert {k["id"] for k in mine} == {account["api_key"]["id"], made["id"]}
    assert all(made["value"] != k["redacted_value"] for k in mine)
    assert made["value"] not in str(sandbox.state.api_keys)
    event = sandbox.state.audit_logs[-1]
    assert event["type"] == "api_key.created"
    assert event["api_key.created"] == {
        "id": made["id"],
        "data": {"scopes": ["api.responses.write"]},
    }


def test_the_body_is_optional_and_an_unknown_account_is_404(api: SandboxClient) -> None:
    """Without a body the key is named like a creation key; an unknown account is a 404, and
    scopes that are not a list of strings a 400."""
    project = api.project("search-prod")
    account = api.post(f"{P}/{project}/service_accounts", {"name": "ci"}).json()
    path = f"{P}/{project}/service_accounts/{account['id']}/api_keys"
    assert api.post(path).json()["name"] == "Secret Key"
    bad = api.post(path, {"scopes": "all"})
    assert bad.status_code == 400
    assert api_error(bad)["param"] == "scopes"
    missing = api.post(f"{P}/{project}/service_accounts/svc_acct_nope/api_keys", {})
    assert missing.status_code == 404
