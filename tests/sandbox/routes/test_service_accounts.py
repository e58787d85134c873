"""The sandbox's further keys for an existing service account: the value once, then listed
redacted among the project's keys, created at the sandbox clock's now, and audited."""

from __future__ import annotations

from pathlib import Path

from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient


def test_a_further_key_is_returned_once_and_listed_redacted(api: SandboxClient) -> None:
    """The response has the spec's fields and the value; the key list then shows the key with
    its redacted value only, created now, owned by the account."""
    pid = api.project("search-prod")
    accounts = f"/organization/projects/{pid}/service_accounts"
    account = api.post(accounts, {"name": "deployer"}).json()
    now = int(api.sandbox.clock.time())
    made = api.post(f"{accounts}/{account['id']}/api_keys", {"name": "rotation-2"}).json()
    assert set(made) == {"object", "value", "name", "created_at", "id"}
    assert made["object"] == "organization.project.service_account.api_key"
    assert made["name"] == "rotation-2"
    assert made["created_at"] >= now
    listed = api.get(f"/organization/projects/{pid}/api_keys", limit=100).json()["data"]
    mine = [k for k in listed if k["owner"].get("service_account", {}).get("id") == account["id"]]
    assert [k["name"] for k in mine] == ["Secret Key", "rotation-2"]
    shown = next(k for k in mine if k["id"] == made["id"])
    assert shown["redacted_value"] == f"sk-svcacct...{made['value'][-4:]}"
    assert made["value"] not in str(api.sandbox.state.to_json())


def test_a_further_key_needs_no_body_and_is_audited(api: SandboxClient) -> None:
    """Without a body the key is named "Secret Key"; api_key.created records its scopes."""
    pid = api.project("search-prod")
    accounts = f"/organization/projects/{pid}/service_accounts"
    account = api.post(accounts, {"name": "bare", "create_service_account_only": True}).json()
    made = api.post(f"{accounts}/{account['id']}/api_keys").json()
    assert made["name"] == "Secret Key"
    scoped = {"scopes": ["api.responses.write"]}
    second = api.post(f"{accounts}/{account['id']}/api_keys", scoped).json()
    entry = api.get("/organization/audit_logs", **{"event_types[]": "api_key.created"}).json()
    assert entry["data"][0]["api_key.created"] == {
        "id": second["id"],
        "data": {"scopes": ["api.responses.write"]},
    }


def test_a_key_for_a_missing_account_or_archived_project_is_refused(api: SandboxClient) -> None:
    """An unknown account is a 404; an archived project a 400; bad scopes a 400."""
    pid = api.project("search-prod")
    base = f"/organization/projects/{pid}/service_accounts"
    assert api.post(f"{base}/svc_acct_missing/api_keys").status_code == 404
    account = api.post(base, {"name": "x"}).json()["id"]
    assert api.post(f"{base}/{account}/api_keys", {"scopes": "all"}).status_code == 400
    old = api.project("old-experiments")
    archived = f"/organization/projects/{old}/service_accounts/{account}/api_keys"
    assert api.post(archived).status_code == 400


def test_a_further_key_replays_in_another_process(tmp_path: Path) -> None:
    """A second process on the same state file sees the new key with the same redacted value
    (the journal records the redacted form, never the value)."""
    path = tmp_path / "state.json"
    first, second = Sandbox.load(path), Sandbox.load(path)
    with SandboxClient(first) as api:
        pid = api.project("search-prod")
        base = f"/organization/projects/{pid}/service_accounts"
        account = api.post(base, {"name": "deployer"}).json()["id"]
        made = api.post(f"{base}/{account}/api_keys").json()
    assert made["value"] not in path.with_name("state.json.journal").read_text()
    with SandboxClient(second) as other:
        key = other.get(f"/organization/projects/{pid}/api_keys/{made['id']}").json()
    assert key["redacted_value"].endswith(made["value"][-4:])
