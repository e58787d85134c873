"""The demo organization and the behaviour of each resource beyond its rules."""

from __future__ import annotations

import pytest

from reconciler.sandbox import Sandbox, SandboxError
from reconciler.sandbox.client import SandboxClient

P = "/organization/projects"


def test_demo_has_the_documented_drift(api: SandboxClient) -> None:
    """bob is an owner, trent and eve are unmanaged members, kim and mallory are invited."""
    users = {
        u["email"]: u["role"] for u in api.get("/organization/users", limit=100).json()["data"]
    }
    assert users["bob@example.com"] == "owner"
    assert {"trent@example.com", "eve@example.com"} <= set(users)
    assert "judy@example.com" not in users
    invites = {i["email"]: i for i in api.get("/organization/invites").json()["data"]}
    assert invites["kim@example.com"]["projects"] == [
        {"id": api.project("research"), "role": "owner"}
    ]
    assert invites["mallory@example.com"]["projects"] == []
    assert invites["alice@example.com"]["status"] == "accepted"
    listed = [p["name"] for p in api.get(P).json()["data"]]
    assert "old-experiments" not in listed
    archived = api.get(P, include_archived="true").json()["data"]
    assert "old-experiments" in [p["name"] for p in archived]


def test_admin_key_names_its_owner(api: SandboxClient) -> None:
    """The admin key list shows ops-admin as the owner and a redaction of the sandbox key."""
    key = api.get("/organization/admin_api_keys").json()["data"][0]
    assert key["owner"]["id"] == api.user("ops-admin@example.com")
    assert key["owner"]["type"] == "user"
    assert key["redacted_value"] == f"sk-admin...{api.sandbox.admin_key[-4:]}"


def test_emails_filter_accepts_both_forms(api: SandboxClient) -> None:
    """`emails=` and `emails[]=` both filter users, case-insensitively."""
    plain = api.http.get(
        "/organization/users", params={"emails": ["BOB@example.com", "eve@example.com"]}
    )
    brackets = api.http.get("/organization/users", params={"emails[]": "bob@example.com"})
    assert {u["email"] for u in plain.json()["data"]} == {"bob@example.com", "eve@example.com"}
    assert [u["email"] for u in brackets.json()["data"]] == ["bob@example.com"]


def test_invite_then_accept_joins_projects(api: SandboxClient) -> None:
    """An accepted invite makes a member with the invited role, in the invited projects."""
    research = api.project("research")
    body = {
        "email": "judy@example.com",
        "role": "reader",
        "projects": [{"id": research, "role": "member"}],
    }
    assert api.post("/organization/invites", body).json()["status"] == "pending"
    api.sandbox.accept_invite("judy@example.com")
    judy = api.user("judy@example.com")
    member = api.get(f"{P}/{research}/users/{judy}").json()
    assert (member["role"], member["email"]) == ("member", "judy@example.com")
    assert api.sandbox.state.audit_logs[-1]["actor"]["type"] == "session"


def test_invite_without_projects_goes_to_default_project(api: SandboxClient) -> None:
    """Omitting `projects` invites to the default project; an empty list to none."""
    legacy = api.post("/organization/invites", {"email": "x@example.com", "role": "reader"}).json()
    none = api.post(
        "/organization/invites", {"email": "y@example.com", "role": "reader", "projects": []}
    ).json()
    assert legacy["projects"] == [{"id": api.sandbox.state.default_project_id, "role": "member"}]
    assert none["projects"] == []


def test_accept_without_invite_is_an_error(sandbox: Sandbox) -> None:
    """Accepting when there is no pending invite raises SandboxError."""
    with pytest.raises(SandboxError, match="no pending invite"):
        sandbox.accept_invite("nobody@example.com")


def test_project_users_carry_email_and_can_change(api: SandboxClient) -> None:
    """Project users are listed with email and name; role changes and removal work."""
    pid = api.project("search-staging")
    carol = api.user("carol@example.com")
    listed = api.get(f"{P}/{pid}/users").json()["data"]
    assert {u["email"] for u in listed} == {
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
    }
    assert api.post(f"{P}/{pid}/users/{carol}", {"role": "owner"}).json()["role"] == "owner"
    deleted = api.delete(f"{P}/{pid}/users/{carol}").json()
    assert deleted == {"object": "organization.project.user.deleted", "id": carol, "deleted": True}
    assert api.get(f"{P}/{pid}/users/{carol}").status_code == 404


def test_removing_a_member_revokes_their_keys(api: SandboxClient) -> None:
    """eve's key in search-prod goes when she leaves the project; a service account's key cannot
    be deleted on its own."""
    pid = api.project("search-prod")
    keys = api.get(f"{P}/{pid}/api_keys").json()["data"]
    assert {k["owner"]["user"]["email"] for k in keys} == {"eve@example.com", "bob@example.com"}
    api.delete(f"{P}/{pid}/users/{api.user('eve@example.com')}")
    remaining = api.get(f"{P}/{pid}/api_keys").json()["data"]
    assert [k["owner"]["user"]["email"] for k in remaining] == ["bob@example.com"]
    account = api.post(f"{P}/{pid}/service_accounts", {"name": "ci"}).json()
    assert api.delete(f"{P}/{pid}/api_keys/{account['api_key']['id']}").status_code == 400
    assert api.delete(f"{P}/{pid}/service_accounts/{account['id']}").json()["deleted"] is True


def test_audit_log_filters(api: SandboxClient) -> None:
    """Audit logs filter by event type, actor, resource, project and time."""
    bob = api.user("bob@example.com")
    alice = api.user("alice@example.com")
    by_type = api.get("/organization/audit_logs", **{"event_types[]": "user.updated"}).json()[
        "data"
    ]
    assert [e["user.updated"]["id"] for e in by_type] == [bob]
    by_actor = api.get("/organization/audit_logs", **{"actor_ids[]": alice}).json()["data"]
    assert {e["type"] for e in by_actor} == {"user.updated", "user.added"}
    by_resource = api.get("/organization/audit_logs", **{"resource_ids[]": bob}).json()["data"]
    assert len(by_resource) == 1
    in_project = api.get(
        "/organization/audit_logs", **{"project_ids[]": api.project("search-prod")}
    )
    assert [e["type"] for e in in_project.json()["data"]] == ["user.added"]
    recent = by_type[0]["effective_at"]
    later = api.get("/organization/audit_logs", **{"effective_at[gt]": recent}).json()["data"]
    assert all(e["effective_at"] > recent for e in later)


def test_act_as_makes_session_attributed_drift(api: SandboxClient) -> None:
    """A dashboard change by alice shows in the audit log with a session actor; readers cannot."""
    api.sandbox.act_as("alice@example.com").set_org_role("carol@example.com", "owner")
    entry = api.sandbox.state.audit_logs[-1]
    assert entry["actor"]["session"]["user"]["email"] == "alice@example.com"
    assert api.sandbox.state.user_by_email("carol@example.com")["role"] == "owner"  # type: ignore[index]
    with pytest.raises(SandboxError, match="only owners"):
        api.sandbox.act_as("dan@example.com")


def test_usage_and_costs_are_deterministic(api: SandboxClient) -> None:
    """The same query returns the same synthetic numbers, per project when grouped, paged by day."""
    params = {
        "start_time": 1_767_225_600,
        "end_time": 1_767_225_600 + 10 * 86400,
        "group_by": "project_id",
    }
    first = api.get("/organization/usage/completions", **params).json()
    assert first == api.get("/organization/usage/completions", **params).json()
    assert (len(first["data"]), first["has_more"], first["next_page"]) == (7, True, "7")
    rest = api.get("/organization/usage/completions", **params, page="7").json()
    assert (len(rest["data"]), rest["has_more"]) == (3, False)
    costs = api.get("/organization/costs", **params, limit=1).json()
    assert {r["project_id"] for r in costs["data"][0]["results"]} == set(api.sandbox.state.projects)
    assert api.get("/organization/costs").status_code == 400
