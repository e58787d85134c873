"""Out-of-band access changes in the dashboard: group members and project groups by name,
attributed to the owner who made them, with the API's refusals."""

from __future__ import annotations

import pytest

from reconciler.errors import SandboxError
from reconciler.sandbox.client import SandboxClient


def test_group_members_change_by_name(api: SandboxClient) -> None:
    """Adding and removing someone by group name and email changes the membership."""
    session = api.sandbox.act_as("alice@example.com")
    gid, erin = session.group_id("ml-platform"), api.user("erin@example.com")
    session.add_to_group("ml-platform", "erin@example.com")
    assert erin in api.sandbox.state.group_users[gid]
    session.remove_from_group("ml-platform", "erin@example.com")
    assert erin not in api.sandbox.state.group_users[gid]


def test_a_scim_group_refuses_the_dashboard_too(api: SandboxClient) -> None:
    """The dashboard goes through the API's rules: a SCIM group's members cannot change."""
    with pytest.raises(SandboxError, match="managed by SCIM"):
        api.sandbox.act_as("alice@example.com").add_to_group("finance", "erin@example.com")


def test_a_project_group_is_granted_by_role_name_and_audited(api: SandboxClient) -> None:
    """Granting by role name sets the group's project role, logged with a session actor."""
    session = api.sandbox.act_as("alice@example.com")
    session.grant_project_group("research", "finance", "owner")
    pid, gid = api.project("research"), session.group_id("finance")
    roles = api.get(f"/projects/{pid}/groups/{gid}/roles").json()["data"]
    assert [r["name"] for r in roles] == ["owner"]
    entry = api.sandbox.state.audit_logs[-1]
    assert entry["type"] == "role.assignment.created"
    assert entry["actor"]["session"]["user"]["email"] == "alice@example.com"
    with pytest.raises(SandboxError, match="no project role named 'admin'"):
        session.grant_project_group("research", "finance", "admin")
    with pytest.raises(SandboxError, match="no group named"):
        session.grant_project_group("research", "ghosts", "member")
