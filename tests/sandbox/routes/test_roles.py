"""The sandbox's organization roles: predefined ones listed and protected, custom ones
created, updated and deleted with the spec's shapes and role.* audit events."""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.client import SandboxClient, api_error

R = "/organization/roles"


def _event(api: SandboxClient, event_type: str) -> dict[str, Any]:
    entries = api.get("/organization/audit_logs", **{"event_types[]": event_type}).json()["data"]
    details: dict[str, Any] = entries[0][event_type]
    return details


def test_predefined_roles_list_first_then_custom_ones(api: SandboxClient) -> None:
    """owner and reader (predefined, api.organization) come before the demo's custom role."""
    roles = api.get(R).json()["data"]
    assert [(r["name"], r["predefined_role"]) for r in roles] == [
        ("owner", True),
        ("reader", True),
        ("billing-viewer", False),
    ]
    assert {r["resource_type"] for r in roles} == {"api.organization"}
    assert set(roles[2]) == {
        "object", "id", "name", "description", "permissions", "resource_type", "predefined_role",
    }  # fmt: skip


def test_predefined_role_ids_are_stable_per_organization(api: SandboxClient) -> None:
    """The same organization lists the same predefined ids on every read."""
    assert api.get(R).json()["data"][0]["id"] == api.get(R).json()["data"][0]["id"]


def test_a_custom_role_is_created_updated_and_deleted(api: SandboxClient) -> None:
    """Create answers a `role`; update reports permissions added and removed in the audit
    log; delete answers `role.deleted` and the role is gone."""
    body = {"role_name": "auditor", "permissions": ["api.audit_logs.read"], "description": "Logs"}
    made = api.post(R, body).json()
    assert (made["object"], made["predefined_role"], made["description"]) == (
        "role",
        False,
        "Logs",
    )
    created = _event(api, "role.created")
    assert (created["id"], created["role_name"]) == (made["id"], "auditor")
    changed = api.post(f"{R}/{made['id']}", {"permissions": ["api.usage.read"]}).json()
    assert changed["permissions"] == ["api.usage.read"]
    assert _event(api, "role.updated")["changes_requested"] == {
        "permissions_added": ["api.usage.read"],
        "permissions_removed": ["api.audit_logs.read"],
    }
    deleted = api.delete(f"{R}/{made['id']}").json()
    assert deleted == {"object": "role.deleted", "id": made["id"], "deleted": True}
    assert api.get(f"{R}/{made['id']}").status_code == 404
    assert _event(api, "role.deleted") == {"id": made["id"]}


def test_predefined_roles_cannot_be_changed_or_deleted(api: SandboxClient) -> None:
    """Updating or deleting owner is a 400 `role_predefined`; the role stays as it was."""
    owner = api.get(R).json()["data"][0]
    for response in (
        api.post(f"{R}/{owner['id']}", {"role_name": "boss"}),
        api.delete(f"{R}/{owner['id']}"),
    ):
        assert response.status_code == 400
        assert api_error(response)["code"] == "role_predefined"
    assert api.get(f"{R}/{owner['id']}").json() == owner


def test_role_names_are_unique_case_insensitively(api: SandboxClient) -> None:
    """A new or renamed role may not take an existing name, predefined or custom."""
    taken = api.post(R, {"role_name": "Owner", "permissions": []})
    assert api_error(taken)["code"] == "role_name_taken"
    made = api.post(R, {"role_name": "auditor", "permissions": []}).json()
    rename = api.post(f"{R}/{made['id']}", {"role_name": "BILLING-viewer"})
    assert api_error(rename)["param"] == "role_name"


def test_a_role_needs_a_name_and_a_list_of_permissions(api: SandboxClient) -> None:
    """Missing or malformed fields are 400s naming the field."""
    assert api_error(api.post(R, {"permissions": []}))["param"] == "role_name"
    assert api_error(api.post(R, {"role_name": "x"}))["param"] == "permissions"
    bad = api.post(R, {"role_name": "x", "permissions": "api.usage.read"})
    assert api_error(bad)["param"] == "permissions"


def test_deleting_a_role_removes_its_assignments(api: SandboxClient) -> None:
    """The demo's billing-viewer, held by a group and a user, leaves no assignment behind."""
    role = api.get(R).json()["data"][2]
    api.delete(f"{R}/{role['id']}")
    state = api.sandbox.state
    held = [*state.user_roles.values(), *state.group_roles.values()]
    assert all(role["id"] not in roles for roles in held)
