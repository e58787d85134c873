"""Reading the organization's principals lists each collection once, and nothing it need not."""

from __future__ import annotations

import asyncio

from reconciler.read.principals import Principals, read_principals
from reconciler.sandbox import Sandbox
from tests.support import sandbox_client

ACTIVE_PROJECTS = 6  # the demo's five active projects and its default project


def read(sandbox: Sandbox, *, memberships: bool) -> Principals:
    """read_principals on `sandbox`, in process."""

    async def go() -> Principals:
        async with sandbox_client(sandbox) as client:
            return await read_principals(client, memberships=memberships)

    return asyncio.run(go())


def test_keys_alone_take_one_list_per_active_project() -> None:
    """Projects, admin keys, and each active project's keys: nothing else."""
    sandbox = Sandbox.demo()
    found = read(sandbox, memberships=False)
    assert sandbox.requests.total == 2 + ACTIVE_PROJECTS
    assert sandbox.requests.count("GET", "/organization/projects/{project_id}/api_keys") == 6
    assert found.archived == ("old-experiments",)
    assert found.users == ()
    assert found.invites == ()
    assert found.admin_key is not None
    assert found.admin_key.startswith("key_")


def test_memberships_add_users_invites_members_and_accounts() -> None:
    """With memberships: users and invites once, members and service accounts per project."""
    sandbox = Sandbox.demo()
    found = read(sandbox, memberships=True)
    assert sandbox.requests.total == 4 + 3 * ACTIVE_PROJECTS
    assert len(found.users) == 12
    assert [i.email for i in found.invites] == ["kim@example.com", "mallory@example.com"]
    data = next(p for p in found.projects if p.name == "data-platform")
    assert sorted(m.email for m in data.members) == [
        "grace@example.com",
        "heidi@example.com",
        "ivan@example.com",
    ]
