"""Reading roles: custom ones as the live value, every role's id, holders only when a declared
role names its users (one list of users, one request per user), direct assignments only."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.roles import Role
from reconciler.core.model import Desired, Live, Organization
from reconciler.errors import ServerError
from reconciler.kinds.roles import EVERY_ROLE, SPEC, apply_role, read_roles_part
from reconciler.write.context import ApplyContext, Ids

ROLES = [
    {"id": "role_o", "name": "owner", "permissions": ["x"], "predefined_role": True},
    {"id": "role_1", "name": "ops", "description": "Ops", "permissions": ["b", "a"]},
    {"id": "role_2", "name": "audit", "description": None, "permissions": []},
]
USERS = [
    {"id": "user_a", "email": "Ann@x.com", "role": "reader"},
    {"id": "user_b", "email": "bob@x.com", "role": "owner"},
]
HELD = {
    "user_a": [
        {"id": "role_1", "name": "ops"},
        {"id": "role_o", "name": "owner", "predefined_role": True},
    ],
    # bob holds audit through a group only: not his directly.
    "user_b": [
        {"id": "role_2", "name": "audit", "assignment_sources": [{"principal_id": "group_1"}]}
    ],
}


class Lists:
    """A reader that answers list calls from a table, counting them."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        raise AssertionError("roles are only listed")

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        self.paths.append(path)
        if path == "/organization/roles":
            return ROLES
        if path == "/organization/users":
            return USERS
        return HELD[path.split("/")[3]]


def _desired(roles: Mapping[str, Role]) -> Desired:
    return Desired(Organization(parts={"roles": roles}))


def test_custom_roles_are_read_and_every_role_is_indexed() -> None:
    """Predefined roles are left out of the value but keep their ids; one request in all when
    no declared role names its users."""
    reader = Lists()
    value, ids = asyncio.run(read_roles_part(reader, _desired({"ops": Role("ops")})))
    assert value == {
        "ops": Role("ops", "Ops", frozenset({"a", "b"})),
        "audit": Role("audit", None, frozenset()),
    }
    assert ids == {("owner",): "role_o", ("ops",): "role_1", ("audit",): "role_2"}
    assert reader.paths == ["/organization/roles"]


def test_holders_are_read_when_a_role_declares_users() -> None:
    """Each user's direct custom roles give the holders (emails lower-cased); a role held
    through a group is not held directly; user ids are indexed under ("", email)."""
    reader = Lists()
    wanted = {"ops": Role("ops", users=frozenset())}
    read, ids = asyncio.run(read_roles_part(reader, _desired(wanted)))
    value = cast("Mapping[str, Role]", read)
    assert value["ops"].users == frozenset({"ann@x.com"})
    assert value["audit"].users == frozenset()
    assert ids[("", "ann@x.com")] == "user_a"
    assert len(reader.paths) == 2 + len(USERS)


def test_export_reads_everything_and_leaves_no_roles_out() -> None:
    """What export declares makes the read include holders; no custom role at all is left out."""
    assert any(role.users is not None for role in EVERY_ROLE.values())
    assert SPEC.everything is EVERY_ROLE
    assert SPEC.exported({}) is None
    roles = {"ops": Role("ops")}
    assert SPEC.exported(roles) == roles


class LostResponse:
    """A write client whose first POST takes effect but answers 502 (the response was lost)."""

    def __init__(self, role: dict[str, Any]) -> None:
        self.role = role
        self.posts = 0

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        return self.role

    async def post(self, path: str, *, json: Mapping[str, Any] | None = None) -> Any:
        self.posts += 1
        self.role = {**self.role, **(json or {})}
        if self.posts == 1:
            raise ServerError("bad gateway", status=502)
        return self.role


def test_an_update_whose_response_is_lost_is_read_back_not_sent_again() -> None:
    """A permissions-only update that took effect despite a 502 is found done on read-back,
    even though the role has a description the update does not manage."""
    client = LostResponse({"id": "role_1", "name": "ops", "description": "Ops", "permissions": []})
    ids = Ids(parts={"roles": {("ops",): "role_1"}})
    ctx = ApplyContext(
        client=cast("Any", client), live=Live(Organization()), sink=cast("Any", None), ids=ids
    )
    change = Change(
        Kind.ROLE, Action.UPDATE, ("ops",), before={"permissions": []}, after={"permissions": ["a"]}
    )
    asyncio.run(apply_role(change, ctx))
    assert client.posts == 1
    assert client.role["permissions"] == ["a"]


def test_a_project_role_never_stands_in_for_the_organizations() -> None:
    """The list may hold project-level roles (`resource_type: api.project`): a project `owner`
    listed after the organization's does not take over the name `owner`, nor become a custom
    role."""

    class WithProjectRoles(Lists):
        async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
            project_owner = {
                "id": "role_p", "name": "owner", "predefined_role": True,
                "resource_type": "api.project",
            }  # fmt: skip
            project_custom = {"id": "role_q", "name": "deployer", "resource_type": "api.project"}
            return [*ROLES, project_owner, project_custom]

    value, ids = asyncio.run(read_roles_part(WithProjectRoles(), _desired({})))
    assert ids[("owner",)] == "role_o"
    assert ("deployer",) not in ids
    assert "deployer" not in cast(Mapping[str, Role], value)
