"""The fetch reads exactly the kinds and projects the desired state puts in scope."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.api import AdminClient
from reconciler.core.kinds.groups import Group
from reconciler.core.model import Desired, Live, Organization, Project, RateLimit, User
from reconciler.errors import DuplicateProjectError
from reconciler.read.live import Scope, fetch_live
from reconciler.sandbox import Sandbox

ProjectsDecl = dict[str, Project]


def _fetch(
    sandbox: Sandbox, desired: Desired, make: Callable[..., AdminClient]
) -> tuple[Live, dict[str, int]]:
    async def scenario() -> Live:
        async with make(sandbox) as client:
            return await fetch_live(client, desired)

    live = asyncio.run(scenario())
    return live, {template: n for (_, template), n in sandbox.requests.counts.items()}


def _sandbox(seed: Callable[..., dict[str, Any]]) -> Sandbox:
    return Sandbox.from_seed(seed(projects=3, users=5, invites=2, members=2, service_accounts=1))


def test_projects_only_is_one_request(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """A file that declares projects and nothing in them costs one list of projects."""
    desired = Desired(org=Organization(projects={"project-000": Project(name="project-000")}))
    live, counts = _fetch(_sandbox(org_seed), desired, sandbox_client)
    assert counts == {"/organization/projects": 1}
    assert live.org.users is None
    assert live.org.invites is None
    assert live.org.certificates is None
    assert set(live.org.projects) == {
        "Default project",
        "project-000",
        "project-001",
        "project-002",
    }
    assert live.ids.projects["project-000"] == live.org.projects["project-000"].id


def test_declared_collections_of_declared_projects_only(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """Rate limits are read for the one project declaring them; other projects, and projects
    that do not exist live, cost nothing."""
    desired = Desired(
        org=Organization(
            projects={
                "project-001": Project(
                    name="project-001", rate_limits={"gpt-4o": RateLimit(model="gpt-4o")}
                ),
                "brand-new": Project(name="brand-new", members={}),
            }
        )
    )
    live, counts = _fetch(_sandbox(org_seed), desired, sandbox_client)
    assert counts["/organization/projects/{project_id}/rate_limits"] == 1
    assert "/organization/projects/{project_id}/users" not in counts
    assert live.org.projects["project-001"].rate_limits is not None
    assert live.org.projects["project-000"].rate_limits is None
    # members declared (on a project that does not exist yet) put org users in scope
    assert counts["/organization/users"] == 1
    assert live.org.users is not None


def test_users_in_scope_read_users_invites_and_admin_keys(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """Declared users bring in users, invites and the admin keys (for the key's owner)."""
    desired = Desired(
        org=Organization(users={"admin@example.com": User("admin@example.com", "owner")})
    )
    live, counts = _fetch(_sandbox(org_seed), desired, sandbox_client)
    assert counts == {
        "/organization/projects": 1,
        "/organization/users": 1,
        "/organization/invites": 1,
        "/organization/admin_api_keys": 1,
    }
    assert live.admin_key_owner == "admin@example.com"
    assert live.org.invites is not None
    assert len(live.org.invites) == 2
    assert live.ids.users["admin@example.com"].startswith("user-")
    assert live.default_project is None


def test_archived_declared_project_reads_no_details(
    sandbox_client: Callable[..., AdminClient],
) -> None:
    """An archived project is listed but its members are not read (it has none to read)."""
    seed = {
        "organization": "org-archived",
        "admin_key": {"owner": "admin@example.com"},
        "users": [{"email": "admin@example.com", "role": "owner"}],
        "projects": [{"name": "old", "archived": True}],
    }
    sandbox = Sandbox.from_seed(seed)
    desired = Desired(org=Organization(projects={"old": Project(name="old", members={})}))
    live, counts = _fetch(sandbox, desired, sandbox_client)
    assert "/organization/projects/{project_id}/users" not in counts
    assert live.org.projects["old"].archived
    assert live.org.projects["old"].members is None


def _duplicate_sandbox() -> Sandbox:
    seed = {
        "organization": "org-dup",
        "admin_key": {"owner": "admin@example.com"},
        "users": [{"email": "admin@example.com", "role": "owner"}],
        "projects": [
            {"name": "twin"},
            {"name": "twin"},
            {"name": "gone", "archived": True},
            {"name": "gone"},
        ],
    }
    return Sandbox.from_seed(seed)


def test_duplicate_active_names_without_pin_are_refused(
    sandbox_client: Callable[..., AdminClient],
) -> None:
    """Two active projects named like an unpinned declared project: a clear error with both ids."""
    desired = Desired(org=Organization(projects={"twin": Project(name="twin")}))
    with pytest.raises(DuplicateProjectError, match=r"project 'twin'.*proj_.* and proj_.*pin"):
        _fetch(_duplicate_sandbox(), desired, sandbox_client)


def test_duplicates_are_keyed_apart_and_a_pin_resolves_them(
    sandbox_client: Callable[..., AdminClient],
) -> None:
    """With an id pin the fetch goes on; the other twin is `twin#id`, and an archived project
    gives its name to the active one."""
    sandbox = _duplicate_sandbox()
    second = [p["id"] for p in sandbox.state.projects.values() if p["name"] == "twin"][1]
    desired = Desired(
        org=Organization(projects={"twin": Project(name="twin", id=second, members={})})
    )
    live, counts = _fetch(sandbox, desired, sandbox_client)
    keys = set(live.org.projects)
    assert {"twin", "gone"} <= keys
    assert any(k.startswith("twin#") for k in keys)
    assert any(k.startswith("gone#") for k in keys)
    assert not live.org.projects["gone"].archived
    pinned_key = next(k for k, p in live.org.projects.items() if p.id == second)
    assert live.org.projects[pinned_key].members == {}
    assert counts["/organization/projects/{project_id}/users"] == 1


def test_declaring_groups_reads_the_users_the_lockout_guards_need() -> None:
    """`groups:` without `users:`: the users are read anyway (the lockout guards count owners
    through groups, and a member must be a user), so live users are in scope."""
    desired = Desired(org=Organization(parts={"groups": {"ml": Group()}}))
    assert Scope.of(desired).users
    assert not Scope.of(Desired(org=Organization())).users
