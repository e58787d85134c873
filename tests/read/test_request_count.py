"""The fetch makes exactly the minimum number of requests: one list call per 100 objects."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

from reconciler.api import AdminClient
from reconciler.core.model import Desired, Live, Organization, Project, ServiceAccount, User
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox

PROJECTS, USERS, INVITES, MEMBERS, ACCOUNTS = 50, 300, 40, 20, 3


def pages(count: int) -> int:
    """List calls to read `count` objects at 100 per page (an empty list still takes one)."""
    return max(1, math.ceil(count / 100))


def minimum_requests(
    *, projects: int, users: int, invites: int, admin_keys: int, members: int, accounts: int
) -> int:
    """From first principles: each collection in scope is listed once, 100 per request.
    Organization: projects (+1 default project), users (+1 admin), invites, admin keys.
    Per declared project: its members and its service accounts."""
    org = pages(projects + 1) + pages(users + 1) + pages(invites) + pages(admin_keys)
    return org + projects * (pages(members) + pages(accounts))


def _desired() -> Desired:
    emails = [f"user{n:04d}@example.com" for n in range(USERS)]
    declared = {
        f"project-{p:03d}": Project(
            name=f"project-{p:03d}",
            members=dict.fromkeys(emails[:MEMBERS], "member"),
            service_accounts={f"bot-{s}": ServiceAccount(name=f"bot-{s}") for s in range(ACCOUNTS)},
        )
        for p in range(PROJECTS)
    }
    users = {e: User(email=e, role="reader") for e in emails}
    return Desired(org=Organization(users=users, projects=declared))


def test_fetch_of_a_generated_org_makes_exactly_the_minimum_requests(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """50 projects, 300 users, 40 invites, 20 members and 3 service accounts per project: the
    requests the sandbox receives equal the minimum formula, and everything was read."""
    seed = org_seed(
        projects=PROJECTS, users=USERS, invites=INVITES, members=MEMBERS, service_accounts=ACCOUNTS
    )
    sandbox = Sandbox.from_seed(seed)

    async def scenario() -> Live:
        async with sandbox_client(sandbox) as client:
            return await fetch_live(client, _desired())

    live = asyncio.run(scenario())
    expected = minimum_requests(
        projects=PROJECTS,
        users=USERS,
        invites=INVITES,
        admin_keys=1,
        members=MEMBERS,
        accounts=ACCOUNTS,
    )
    assert sandbox.requests.total == expected == 107
    assert all(method == "GET" for method, _ in sandbox.requests.counts)
    assert live.org.users is not None
    assert len(live.org.users) == USERS + 1
    assert live.org.invites is not None
    assert len(live.org.invites) == INVITES
    project = live.org.projects["project-049"]
    assert project.members is not None
    assert len(project.members) == MEMBERS
    assert project.service_accounts is not None
    assert len(project.service_accounts) == ACCOUNTS
    assert project.rate_limits is None  # not declared, not read
    assert live.admin_key_owner == "admin@example.com"
