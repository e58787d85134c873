"""The sandbox's role assignments of users and groups: assign, list, retrieve, unassign, with
the spec's shapes, refusals and role.assignment.* audit events."""

from __future__ import annotations

import pytest

from reconciler.sandbox.client import SandboxClient, api_error


def _role(api: SandboxClient, name: str) -> str:
    roles = api.get("/organization/roles").json()["data"]
    return next(str(r["id"]) for r in roles if r["name"] == name)


def _base(api: SandboxClient, kind: str) -> str:
    if kind == "user":
        return f"/organization/users/{api.user('erin@example.com')}/roles"
    group = next(g for g in api.sandbox.state.groups.values() if g["name"] == "finance")
    return f"/organization/groups/{group['id']}/roles"


@pytest.mark.parametrize("kind", ["user", "group"])
def test_a_role_is_assigned_listed_and_unassigned(api: SandboxClient, kind: str) -> None:
    """Assign answers `user.role`/`group.role`; the list shows the role with its source; the
    unassign answers `<kind>.role.deleted` and a second one is a 404."""
    base, role_id = _base(api, kind), _role(api, "billing-viewer")
    made = api.post(base, {"role_id": role_id}).json()
    assert made["object"] == f"{kind}.role"
    assert made["role"]["id"] == role_id
    listed = api.get(base).json()
    assert set(listed) == {"object", "data", "has_more", "next"}
    held = next(r for r in listed["data"] if r["id"] == role_id)
    principal = made[kind]["id"]
    assert held["assignment_sources"] == [{"principal_id": principal, "principal_type": kind}]
    assert api.get(f"{base}/{role_id}").json()["name"] == "billing-viewer"
    gone = api.delete(f"{base}/{role_id}").json()
    assert gone == {"object": f"{kind}.role.deleted", "deleted": True}
    assert api.delete(f"{base}/{role_id}").status_code == 404


def test_a_group_assignment_embeds_the_group_with_scim_managed(api: SandboxClient) -> None:
    """`group.role` carries the spec's `Group` (with `scim_managed`), even for a SCIM group."""
    made = api.post(_base(api, "group"), {"role_id": _role(api, "billing-viewer")}).json()
    assert made["group"]["scim_managed"] is True
    assert made["group"]["object"] == "group"


def test_assignments_are_audited(api: SandboxClient) -> None:
    """Assign and unassign log role.assignment.created/deleted naming the principal."""
    base, role_id = _base(api, "user"), _role(api, "reader")
    api.post(base, {"role_id": role_id})
    api.delete(f"{base}/{role_id}")
    logs = "/organization/audit_logs"
    for event in ("role.assignment.created", "role.assignment.deleted"):
        entry = api.get(logs, **{"event_types[]": event}).json()["data"][0][event]
        assert entry["principal_id"] == api.user("erin@example.com")
        assert (entry["principal_type"], entry["resource_type"]) == ("user", "api.organization")


def test_bad_assignments_are_refused(api: SandboxClient) -> None:
    """An unknown role, a project role or a role already held is a 400 naming `role_id`."""
    base = _base(api, "user")
    project_role = api.get(f"/projects/{api.project('research')}/roles").json()["data"][0]["id"]
    api.post(base, {"role_id": _role(api, "reader")})
    for role_id in ("role_missing", project_role, _role(api, "reader")):
        assert api_error(api.post(base, {"role_id": role_id}))["param"] == "role_id"
    assert "project role" in api_error(api.post(base, {"role_id": project_role}))["message"]


def test_an_unknown_principal_is_a_404(api: SandboxClient) -> None:
    """A user or group that does not exist has no roles to list."""
    assert api.get("/organization/users/user-missing/roles").status_code == 404
    assert api.get("/organization/groups/group_missing/roles").status_code == 404


def test_a_departed_user_loses_groups_and_roles(api: SandboxClient) -> None:
    """Deleting a user removes them from every group and role assignment."""
    heidi = api.user("heidi@example.com")
    api.delete(f"/organization/users/{heidi}")
    state = api.sandbox.state
    assert heidi not in state.user_roles
    assert all(heidi not in members for members in state.group_users.values())
