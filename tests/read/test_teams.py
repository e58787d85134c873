"""Reading access held through teams and custom roles: what each group, project and user holds,
at a request cost that follows the organization's groups and custom roles."""

from __future__ import annotations

import asyncio

from reconciler.read.principals import read_principals
from reconciler.read.teams import Teams, read_teams
from reconciler.sandbox import Sandbox
from reconciler.sandbox.seed import demo_seed
from reconciler.sandbox.seed_access import ACCESS_KEYS
from tests.support import sandbox_client

ACTIVE_PROJECTS = 6  # the demo's five active projects and its default project
USERS = 12


def read(sandbox: Sandbox) -> Teams:
    """read_teams on `sandbox` after read_principals, counting only read_teams' requests."""

    async def go() -> Teams:
        async with sandbox_client(sandbox) as client:
            found = await read_principals(client, memberships=True)
            sandbox.requests.reset()
            projects = [(p.name, p.id) for p in found.projects]
            return await read_teams(client, projects=projects, user_ids=found.user_ids)

    return asyncio.run(go())


def test_the_demo_teams_are_read_with_their_members_roles_and_projects() -> None:
    """Each group with its members, organization roles and SCIM flag; each project's groups
    with their roles; the custom role held directly (not the one held through a group)."""
    teams = read(Sandbox.demo())
    assert {n: (sorted(g.members or ()), sorted(g.roles or ()), g.scim)
            for n, g in teams.groups.items()} == {
        "ml-platform": (
            ["alice@example.com", "bob@example.com", "grace@example.com"], ["billing-viewer"], False
        ),
        "finance": (["carol@example.com", "dan@example.com"], ["reader"], True),
    }  # fmt: skip
    assert teams.projects == {
        "search-prod": {"ml-platform": "member"},
        "data-platform": {"ml-platform": "owner", "finance": "member"},
    }
    assert teams.custom_roles == {"heidi@example.com": frozenset({"billing-viewer"})}


def test_requests_are_the_lists_then_per_group_project_and_user() -> None:
    """The group and role lists; members and roles per group; groups per active project and a
    role per group with access; one role list per user, as the demo has a custom role."""
    sandbox = Sandbox.demo()
    read(sandbox)
    requests = sandbox.requests
    assert requests.count("GET", "/organization/groups") == 1
    assert requests.count("GET", "/organization/roles") == 1
    assert requests.count("GET", "/organization/groups/{group_id}/users") == 2
    assert requests.count("GET", "/organization/groups/{group_id}/roles") == 2
    assert requests.count("GET", "/organization/projects/{project_id}/groups") == ACTIVE_PROJECTS
    assert requests.count("GET", "/projects/{project_id}/groups/{group_id}/roles") == 3
    assert requests.count("GET", "/organization/users/{user_id}/roles") == USERS
    assert requests.total == 2 + 2 * 2 + ACTIVE_PROJECTS + 3 + USERS == 27


def test_an_organization_without_groups_or_custom_roles_costs_two_lists() -> None:
    """No group: no project's groups are read; no custom role: no user's roles are."""
    seed = {k: v for k, v in demo_seed().items() if k not in ACCESS_KEYS}
    sandbox = Sandbox.from_seed(seed)
    assert read(sandbox) == Teams()
    assert sandbox.requests.total == 2


def test_groups_sharing_a_name_are_each_read_and_matched_by_id() -> None:
    """A second group named like another is read too, as `name#id`, and a project it has
    access to names it so: its members' access is not lost behind the first one's name."""
    sandbox = Sandbox.demo()

    async def go() -> Teams:
        async with sandbox_client(sandbox) as client:
            found = await read_principals(client, memberships=True)
            twin = (await client.post("/organization/groups", json={"name": "finance"}))["id"]
            erin = found.user_ids["erin@example.com"]
            await client.post(f"/organization/groups/{twin}/users", json={"user_id": erin})
            research = next(p.id for p in found.projects if p.name == "research")
            roles = await client.list_all(f"/projects/{research}/roles")
            member = next(r["id"] for r in roles if r["name"] == "member")
            path = f"/organization/projects/{research}/groups"
            await client.post(path, json={"group_id": twin, "role": member})
            projects = [(p.name, p.id) for p in found.projects]
            return await read_teams(client, projects=projects, user_ids=found.user_ids)

    teams = asyncio.run(go())
    (twin,) = [name for name in teams.groups if name.startswith("finance#")]
    assert teams.groups[twin].members == frozenset({"erin@example.com"})
    assert teams.projects["research"] == {twin: "member"}
    assert teams.projects["data-platform"]["finance"] == "member"
