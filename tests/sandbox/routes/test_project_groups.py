"""The sandbox's project groups and project roles: grant with a project role id, change the
role by adding again, read the role back, revoke; audited as role assignments on the project."""

from __future__ import annotations

from reconciler.sandbox.client import SandboxClient, api_error


def _ids(api: SandboxClient) -> tuple[str, str, dict[str, str]]:
    """(research's id, the ml-platform group's id, project role ids by name)."""
    pid = api.project("research")
    gid = next(g["id"] for g in api.sandbox.state.groups.values() if g["name"] == "ml-platform")
    roles = {r["name"]: r["id"] for r in api.get(f"/projects/{pid}/roles").json()["data"]}
    return pid, gid, roles


def _role_of(api: SandboxClient, pid: str, gid: str) -> list[str]:
    return [r["name"] for r in api.get(f"/projects/{pid}/groups/{gid}/roles").json()["data"]]


def test_project_roles_are_the_predefined_owner_and_member(api: SandboxClient) -> None:
    """The project role list has owner and member, predefined, for api.project."""
    pid, _, _ = _ids(api)
    roles = api.get(f"/projects/{pid}/roles").json()["data"]
    assert [(r["name"], r["resource_type"], r["predefined_role"]) for r in roles] == [
        ("owner", "api.project", True),
        ("member", "api.project", True),
    ]


def test_demo_project_groups_list_with_the_spec_shape(api: SandboxClient) -> None:
    """data-platform lists its two groups as `project.group` objects, oldest first."""
    pid = api.project("data-platform")
    listed = api.get(f"/organization/projects/{pid}/groups").json()
    assert [g["group_name"] for g in listed["data"]] == ["ml-platform", "finance"]
    assert set(listed["data"][0]) == {
        "object", "project_id", "group_id", "group_name", "group_type", "created_at",
    }  # fmt: skip
    page = api.get(f"/organization/projects/{pid}/groups", limit=1).json()
    assert page["next"] == page["data"][0]["group_id"]


def test_a_group_is_granted_changed_and_revoked(api: SandboxClient) -> None:
    """Adding grants the role; adding again with another role replaces it (same created_at);
    deleting answers `project.group.deleted` and the group has no project role left."""
    pid, gid, roles = _ids(api)
    base = f"/organization/projects/{pid}/groups"
    granted = api.post(base, {"group_id": gid, "role": roles["member"]}).json()
    assert (granted["object"], granted["group_name"]) == ("project.group", "ml-platform")
    assert _role_of(api, pid, gid) == ["member"]
    changed = api.post(base, {"group_id": gid, "role": roles["owner"]}).json()
    assert changed["created_at"] == granted["created_at"]
    assert _role_of(api, pid, gid) == ["owner"]
    assert api.get(f"{base}/{gid}").json() == changed
    assert api.delete(f"{base}/{gid}").json() == {
        "object": "project.group.deleted",
        "deleted": True,
    }
    assert _role_of(api, pid, gid) == []
    assert api.get(f"{base}/{gid}").status_code == 404
    assert api.delete(f"{base}/{gid}").status_code == 404


def test_grants_are_audited_as_role_assignments_on_the_project(api: SandboxClient) -> None:
    """A grant logs role.assignment.created for the group on the project, scoped to it."""
    pid, gid, roles = _ids(api)
    api.post(f"/organization/projects/{pid}/groups", {"group_id": gid, "role": roles["member"]})
    event = "role.assignment.created"
    entry = api.get("/organization/audit_logs", **{"event_types[]": event}).json()["data"][0]
    assert entry["project"]["id"] == pid
    assert {k: entry[event][k] for k in ("principal_id", "principal_type", "resource_type")} == {
        "principal_id": gid,
        "principal_type": "group",
        "resource_type": "api.project",
    }


def test_bad_grants_are_refused(api: SandboxClient) -> None:
    """An unknown group, an organization role, or an archived project is a 400."""
    pid, gid, roles = _ids(api)
    base = f"/organization/projects/{pid}/groups"
    org_role = api.get("/organization/roles").json()["data"][0]["id"]
    assert (
        api_error(api.post(base, {"group_id": "group_missing", "role": roles["member"]}))["param"]
        == "group_id"
    )
    assert api_error(api.post(base, {"group_id": gid, "role": org_role}))["param"] == "role"
    old = api.project("old-experiments")
    body = {"group_id": gid, "role": roles["member"]}
    assert api.post(f"/organization/projects/{old}/groups", body).status_code == 400


def test_tenant_groups_are_not_found(api: SandboxClient) -> None:
    """`group_type=tenant_group` finds nothing in the sandbox; an unknown type is a 400."""
    pid = api.project("data-platform")
    gid = api.get(f"/organization/projects/{pid}/groups").json()["data"][0]["group_id"]
    item = f"/organization/projects/{pid}/groups/{gid}"
    assert api.get(item, group_type="tenant_group").status_code == 404
    assert api.get(item, group_type="team").status_code == 400
