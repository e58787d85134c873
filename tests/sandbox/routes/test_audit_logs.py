"""The audit log's `resource_ids` filter: an entry's own id, and the principal a role
assignment's entry names (the assignment's id is never returned, so a client asks by user)."""

from __future__ import annotations

from reconciler.sandbox.client import SandboxClient


def test_resource_ids_match_the_principal_of_a_role_assignment(api: SandboxClient) -> None:
    """Asking by a user's id finds the assignments made to them, and no one else's."""
    erin = api.user("erin@example.com")
    roles = api.get("/organization/roles").json()["data"]
    reader = next(r["id"] for r in roles if r["name"] == "reader")
    api.post(f"/organization/users/{erin}/roles", {"role_id": reader})
    logs = "/organization/audit_logs"
    event = "role.assignment.created"
    found = api.get(logs, **{"resource_ids[]": erin, "event_types[]": event}).json()["data"]
    assert [e[event]["principal_id"] for e in found] == [erin]
    other = api.user("bob@example.com")
    assert api.get(logs, **{"resource_ids[]": other, "event_types[]": event}).json()["data"] == []
