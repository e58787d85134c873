"""Project groups' I/O on the sandbox: a project's groups and their roles, the group directory
(members read only for the groups at stake), and the write handler's name resolution."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.project_groups import DIRECTORY, GroupDirectory
from reconciler.core.model import Desired, Live, Organization, Project
from reconciler.errors import ReconcilerError
from reconciler.kinds.project_groups import SPEC, apply_project_group, read_project_part
from reconciler.kinds.spec import PartRead
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox
from reconciler.write.context import ApplyContext
from reconciler.write.secret_dir import DirSink
from tests.support import sandbox_client

GROUP_USERS = "/organization/groups/{group_id}/users"
GROUP_ROLES = "/projects/{project_id}/groups/{group_id}/roles"


def _desired(projects: dict[str, dict[str, str] | None]) -> Desired:
    return Desired(
        Organization(
            projects={
                name: Project(name, parts={} if groups is None else {"groups": groups})
                for name, groups in projects.items()
            }
        )
    )


def _live(box: Sandbox, desired: Desired) -> Live:
    async def run() -> Live:
        async with sandbox_client(box) as client:
            return await fetch_live(client, desired)

    return asyncio.run(run())


def test_a_projects_groups_are_read_with_their_roles() -> None:
    """The demo's data-platform has ml-platform as owner and finance as member: one list, then
    one role read per group; ids are keyed by group name."""
    box = Sandbox.demo()
    pid = next(p["id"] for p in box.state.projects.values() if p["name"] == "data-platform")

    async def run() -> PartRead:
        async with sandbox_client(box) as client:
            return await read_project_part(client, pid)

    value, ids = asyncio.run(run())
    assert value == {"ml-platform": "owner", "finance": "member"}
    assert set(ids) == {("ml-platform",), ("finance",)}
    assert box.requests.count("GET", GROUP_ROLES) == 2


def test_members_are_read_only_for_groups_the_plan_removes_or_downgrades() -> None:
    """Removing both of data-platform's groups reads both groups' members; search-prod, whose
    group stays, costs no member read; group ids are indexed by name."""
    box = Sandbox.demo()
    desired = _desired({"data-platform": {}, "search-prod": {"ml-platform": "member"}})
    live = _live(box, desired)
    directory = live.org.parts[DIRECTORY]
    assert isinstance(directory, GroupDirectory)
    assert set(directory.members) == {"ml-platform", "finance"}
    assert directory.members["finance"] == frozenset({"carol@example.com", "dan@example.com"})
    assert box.requests.count("GET", GROUP_USERS) == 2
    assert ("ml-platform",) in live.ids.parts["groups"]
    assert ("data-platform", "finance") in live.ids.parts["groups"]


def test_no_member_read_when_nothing_is_at_stake() -> None:
    """A file whose groups match the live ones reads no group's members."""
    box = Sandbox.demo()
    live = _live(box, _desired({"search-prod": {"ml-platform": "member"}}))
    directory = live.org.parts[DIRECTORY]
    assert isinstance(directory, GroupDirectory)
    assert directory.members == {}
    assert box.requests.count("GET", GROUP_USERS) == 0


def test_no_directory_without_a_project_declaring_groups() -> None:
    """The groups are not listed when no project declares `groups:`."""
    box = Sandbox.demo()
    live = _live(box, _desired({"search-prod": None}))
    assert DIRECTORY not in live.org.parts
    assert box.requests.count("GET", "/organization/groups") == 0


def _apply(box: Sandbox, change: Change, *, created: dict[str, str] | None = None) -> None:
    async def run() -> None:
        async with sandbox_client(box) as client:
            live = await fetch_live(client, _desired({"search-prod": {}}))
            ctx = ApplyContext.start(client=client, live=live, sink=DirSink(Path()), changes=[])
            for name, ident in (created or {}).items():
                ctx.ids.part("groups")[(name,)] = ident
            await apply_project_group(change, ctx)

    asyncio.run(run())


def _role_of(box: Sandbox, project: str, group: str) -> str | None:
    pid = next(p["id"] for p in box.state.projects.values() if p["name"] == project)
    gid = next(g["id"] for g in box.state.groups.values() if g["name"] == group)
    found = box.state.project_groups.get(pid, {}).get(gid)
    if found is None:
        return None
    roles = box.act_as("alice@example.com").request("GET", f"/projects/{pid}/roles")["data"]
    return str(next(r["name"] for r in roles if r["id"] == found["role_id"]))


def test_a_group_created_earlier_in_the_apply_is_granted_through_its_recorded_id() -> None:
    """The root groups' handler records a new group's id under part `groups`; the grant uses
    it (the group was not live when the plan was made)."""
    box = Sandbox.demo()
    made = box.act_as("alice@example.com").request("POST", "/organization/groups", {"name": "new"})
    change = Change(
        Kind.PROJECT_GROUP, Action.CREATE, ("search-prod", "new"), after={"role": "owner"}
    )
    _apply(box, change, created={"new": str(made["id"])})
    assert _role_of(box, "search-prod", "new") == "owner"


def test_a_scim_managed_group_may_be_granted_and_re_roled_and_removed() -> None:
    """finance belongs to the identity provider, but its project access is the file's."""
    box = Sandbox.demo()
    key = ("search-prod", "finance")
    _apply(box, Change(Kind.PROJECT_GROUP, Action.CREATE, key, after={"role": "member"}))
    assert _role_of(box, *key) == "member"
    update = Change(Kind.PROJECT_GROUP, Action.UPDATE, key, after={"role": "owner"})
    _apply(box, update)
    assert _role_of(box, *key) == "owner"
    _apply(box, Change(Kind.PROJECT_GROUP, Action.DELETE, key, before={"role": "owner"}))
    assert _role_of(box, *key) is None


def test_a_group_that_does_not_exist_is_a_clear_error() -> None:
    """A name no group has (and no earlier change created) fails with the name and project."""
    box = Sandbox.demo()
    change = Change(
        Kind.PROJECT_GROUP, Action.CREATE, ("search-prod", "ghost"), after={"role": "member"}
    )
    with pytest.raises(ReconcilerError, match="no organization group named 'ghost'"):
        _apply(box, change)


def test_a_role_the_project_does_not_have_is_a_clear_error() -> None:
    """A role name that is no project role fails naming the role and the project."""
    box = Sandbox.demo()
    change = Change(
        Kind.PROJECT_GROUP, Action.CREATE, ("search-prod", "finance"), after={"role": "boss"}
    )
    with pytest.raises(ReconcilerError, match="'boss' is not a project role of search-prod"):
        _apply(box, change)


def test_export_writes_a_projects_groups_and_leaves_none_out() -> None:
    """A project with groups exports them; one without exports no `groups:`."""
    assert SPEC.exported({"ml-platform": "member"}) == {"ml-platform": "member"}
    assert SPEC.exported({}) is None
