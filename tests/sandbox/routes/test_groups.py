"""The sandbox's groups and group users: the spec's shapes, style-B paging, SCIM refusals,
cascades and audit events."""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.client import SandboxClient, api_error

G = "/organization/groups"


def _group(api: SandboxClient, name: str) -> str:
    """The id of the demo group with this name."""
    return next(str(g["id"]) for g in api.sandbox.state.groups.values() if g["name"] == name)


def _events(api: SandboxClient, event_type: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = api.get(
        "/organization/audit_logs", **{"event_types[]": event_type}
    ).json()["data"]
    return data


def test_demo_groups_list_with_the_spec_shape(api: SandboxClient) -> None:
    """The demo's two teams list oldest first, one SCIM-managed, with a null `next`."""
    listed = api.get(G).json()
    assert [(g["name"], g["is_scim_managed"]) for g in listed["data"]] == [
        ("ml-platform", False),
        ("finance", True),
    ]
    assert listed["data"][0]["group_type"] == "group"
    assert (listed["object"], listed["has_more"], listed["next"]) == ("list", False, None)


def test_groups_page_with_a_next_cursor(api: SandboxClient) -> None:
    """`limit` cuts a page, `next` is the cursor for `after`, and `order=desc` reverses."""
    first = api.get(G, limit=1).json()
    assert first["has_more"] is True
    assert first["next"] == first["data"][0]["id"]
    second = api.get(G, limit=1, after=first["next"]).json()
    assert [g["name"] for g in second["data"]] == ["finance"]
    assert (second["has_more"], second["next"]) == (False, None)
    assert next(g["name"] for g in api.get(G, order="desc").json()["data"]) == "finance"
    assert api.get(G, after="group_missing").status_code == 400


def test_a_group_is_created_renamed_and_deleted_with_audit_events(api: SandboxClient) -> None:
    """Create, rename and delete answer the spec's objects and log group.* events."""
    made = api.post(G, {"name": "support"}).json()
    assert made["is_scim_managed"] is False
    assert api.get(f"{G}/{made['id']}").json()["name"] == "support"
    renamed = api.post(f"{G}/{made['id']}", {"name": "escalations"}).json()
    assert renamed["name"] == "escalations"
    assert "group_type" not in renamed
    deleted = api.delete(f"{G}/{made['id']}").json()
    assert deleted == {"object": "group.deleted", "id": made["id"], "deleted": True}
    assert api.get(f"{G}/{made['id']}").status_code == 404
    assert _events(api, "group.created")[0]["group.created"] == {
        "id": made["id"],
        "data": {"group_name": "support"},
    }
    updated = _events(api, "group.updated")[0]["group.updated"]
    assert updated["changes_requested"] == {"group_name": "escalations"}
    assert _events(api, "group.deleted")[0]["group.deleted"] == {"id": made["id"]}


def test_a_group_name_is_required(api: SandboxClient) -> None:
    """A missing or blank name is a 400 naming `name`."""
    assert api_error(api.post(G, {}))["param"] == "name"
    assert api.post(G, {"name": "  "}).status_code == 400


def test_users_are_added_listed_newest_first_and_removed(api: SandboxClient) -> None:
    """Adding answers `group.user`; the list is newest first; removing answers the spec's
    confirmation; a user outside the group is a 404; adding twice is a 400."""
    gid = _group(api, "ml-platform")
    erin = api.user("erin@example.com")
    added = api.post(f"{G}/{gid}/users", {"user_id": erin}).json()
    assert added == {"object": "group.user", "user_id": erin, "group_id": gid}
    assert api.post(f"{G}/{gid}/users", {"user_id": erin}).status_code == 400
    listed = api.get(f"{G}/{gid}/users").json()["data"]
    assert listed[0] == {"id": erin, "name": "Erin", "email": "erin@example.com"}
    member = api.get(f"{G}/{gid}/users/{erin}").json()
    assert (member["user_type"], member["is_service_account"]) == ("user", False)
    removed = api.delete(f"{G}/{gid}/users/{erin}").json()
    assert removed == {"object": "group.user.deleted", "deleted": True}
    assert api.get(f"{G}/{gid}/users/{erin}").status_code == 404
    assert api.post(f"{G}/{gid}/users", {"user_id": "user-missing"}).status_code == 400


def test_a_scim_group_refuses_member_changes_rename_and_delete(api: SandboxClient) -> None:
    """The identity provider owns a SCIM group: member changes, renaming and deleting are
    400 `group_scim_managed`, and the group is unchanged."""
    gid = _group(api, "finance")
    before = api.get(f"{G}/{gid}/users").json()
    refusals = [
        api.post(f"{G}/{gid}/users", {"user_id": api.user("erin@example.com")}),
        api.delete(f"{G}/{gid}/users/{api.user('dan@example.com')}"),
        api.post(f"{G}/{gid}", {"name": "money"}),
        api.delete(f"{G}/{gid}"),
    ]
    assert [r.status_code for r in refusals] == [400] * 4
    assert {api_error(r)["code"] for r in refusals} == {"group_scim_managed"}
    assert "identity provider" in api_error(refusals[0])["message"]
    assert api.get(f"{G}/{gid}/users").json() == before
    assert api.post(f"{G}/{gid}", {"name": "finance"}).status_code == 200  # no change


def test_deleting_a_group_removes_its_roles_and_project_access(api: SandboxClient) -> None:
    """A deleted group leaves no role assignment or project group behind."""
    gid = _group(api, "ml-platform")
    api.delete(f"{G}/{gid}")
    state = api.sandbox.state
    assert gid not in state.group_roles
    assert gid not in state.group_users
    assert all(gid not in groups for groups in state.project_groups.values())
