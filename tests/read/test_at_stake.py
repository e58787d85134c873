"""The stakes read against the sandbox: one API-key list per project at stake, two usage
requests, nothing when nothing is at stake, and a refusal is a note, never a failure."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from reconciler.core.change import Kind
from reconciler.core.model import (
    ApiKeyPolicy,
    Desired,
    Live,
    Organization,
    Project,
    Settings,
    User,
)
from reconciler.core.plan import Plan, make_plan
from reconciler.core.stakes import Stakes
from reconciler.read.at_stake import read_stakes
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox
from tests.support import sandbox_client

LEGACY_KEYS = 150  # two pages of 100


def _seed() -> dict[str, Any]:
    people = ["admin", "alice", "eve", "bob"]
    return {
        "organization": "org-stakes",
        "admin_key": {"owner": "admin@example.com"},
        "users": [
            {"email": f"{p}@example.com", "role": "owner" if p == "admin" else "reader"}
            for p in people
        ],
        "projects": [
            {
                "name": "web",
                "members": {"alice@example.com": "owner", "eve@example.com": "member"},
                "api_keys": [
                    {"name": "eve-laptop", "owner": "eve@example.com"},
                    {"name": "alice-ci", "owner": "alice@example.com"},
                ],
            },
            {
                "name": "legacy",
                "members": {"bob@example.com": "member"},
                "api_keys": [
                    {"name": f"k{n}", "owner": "bob@example.com"} for n in range(LEGACY_KEYS)
                ],
            },
            {"name": "calm", "members": {"bob@example.com": "member"}},
        ],
    }


def _desired(*, removals: bool) -> Desired:
    users = {
        f"{p}@example.com": User(f"{p}@example.com", "owner" if p == "admin" else "reader")
        for p in ("admin", "alice", "eve", "bob")
    }
    web = {"alice@example.com": "owner"} | ({} if removals else {"eve@example.com": "member"})
    projects = {
        "web": Project("web", members=web),  # type: ignore[arg-type]
        "legacy": Project("legacy", archived=removals, members={"bob@example.com": "member"}),
        "calm": Project("calm", members={"bob@example.com": "member"}),
    }
    return Desired(org=Organization(users=users, projects=projects))


def _plan_then_stakes(
    sandbox: Sandbox, desired: Desired, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[Plan, Stakes]:
    """Fetch and plan, forget those requests, then read the stakes."""

    async def run() -> tuple[Plan, Stakes]:
        async with sandbox_client(sandbox, transport=transport) as client:
            live: Live = await fetch_live(client, desired)
            plan = make_plan(desired, live, config_digest="c")
            sandbox.requests.reset()
            return plan, await read_stakes(client, plan, live, now=sandbox.clock.time())

    return asyncio.run(run())


def _requests(sandbox: Sandbox, fragment: str) -> int:
    return sum(fragment in path for _, path, _ in sandbox.requests.entries)


def test_stakes_cost_one_key_list_per_project_page_and_two_usage_requests() -> None:
    """web (a member removed) and legacy (archived, 150 keys): 1 + 2 key pages, costs, usage."""
    sandbox = Sandbox.from_seed(_seed())
    spy = _Spy(sandbox)
    _, stakes = _plan_then_stakes(sandbox, _desired(removals=True), spy)
    assert _requests(sandbox, "/api_keys") == 3
    assert _requests(sandbox, "/organization/costs") == 1
    assert _requests(sandbox, "/organization/usage/completions") == 1
    assert sandbox.requests.total == 5
    key_lists = [url for url in spy.seen if url.path.endswith("/api_keys")]
    assert [url.params.get("owner_project_access") for url in key_lists] == ["any"] * 3
    assert sorted(stakes.projects) == ["legacy", "web"]
    eve = stakes.changes[(Kind.PROJECT_USER, ("web", "eve@example.com"))]
    assert [k.key.name for k in eve.keys] == ["eve-laptop"]
    assert len(stakes.changes[(Kind.PROJECT, ("legacy",))].keys) == LEGACY_KEYS
    usage = stakes.projects["web"].usage
    assert usage is not None
    assert usage.requests > 0


def test_nothing_at_stake_makes_no_request() -> None:
    """A plan that removes nothing reads no key and no usage."""
    sandbox = Sandbox.from_seed(_seed())
    plan, stakes = _plan_then_stakes(sandbox, _desired(removals=False))
    assert plan.is_empty
    assert stakes == Stakes()
    assert sandbox.requests.total == 0


class _Spy(httpx.AsyncBaseTransport):
    """The sandbox, remembering every URL, and answering 403 where `refuse` says so."""

    def __init__(self, sandbox: Sandbox, refuse: Callable[[str], bool] = lambda _: False) -> None:
        self._inner = sandbox.transport()
        self._refuse = refuse
        self.seen: list[httpx.URL] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse the matching paths as the API does without the permission."""
        self.seen.append(request.url)
        if self._refuse(request.url.path):
            body = {"error": {"message": "You have insufficient permissions.", "type": "x"}}
            return httpx.Response(403, json=body, request=request)
        return await self._inner.handle_async_request(request)


def test_refused_usage_and_keys_are_notes_not_failures() -> None:
    """Usage and one project's keys refused with 403: the stakes say so, the others are read."""
    sandbox = Sandbox.from_seed(_seed())
    legacy_id = next(p["id"] for p in sandbox.state.projects.values() if p["name"] == "legacy")

    def refuse(path: str) -> bool:
        return "/organization/costs" in path or f"/projects/{legacy_id}/api_keys" in path

    _, stakes = _plan_then_stakes(sandbox, _desired(removals=True), _Spy(sandbox, refuse))
    assert "usage and costs could not be read" in stakes.note
    assert "insufficient permissions" in stakes.note
    assert stakes.projects["legacy"].keys_note.startswith("API keys could not be read")
    assert stakes.changes[(Kind.PROJECT, ("legacy",))].unknown == ("legacy",)
    eve = stakes.changes[(Kind.PROJECT_USER, ("web", "eve@example.com"))]
    assert [k.key.name for k in eve.keys] == ["eve-laptop"]


def test_a_key_policy_plan_reads_keys_once_and_costs_by_key_once() -> None:
    """Deleting keys under the key policy: the keys fetch listed are not listed again, and one
    more costs request (grouped by api_key_id) gives each deleted key's 30-day cost."""
    box = Sandbox.demo()
    policy = ApiKeyPolicy(max_age_days=30, enforce=True, declared=True)
    names = ("data-platform", "search-prod")
    desired = Desired(
        Organization(projects={n: Project(n) for n in names}), Settings(api_keys=policy)
    )

    async def run() -> tuple[Plan, Stakes]:
        async with sandbox_client(box) as client:
            live = await fetch_live(client, desired)
            plan = make_plan(desired, live, config_digest="sha256:test")
            assert box.requests.count("GET", "/organization/projects/{project_id}/api_keys") == 2
            box.requests.reset()
            return plan, await read_stakes(client, plan, live, now=live.read_at)

    plan, stakes = asyncio.run(run())
    assert {c.kind for c in plan.changes} == {Kind.API_KEY}
    assert box.requests.count("GET", "/organization/projects/{project_id}/api_keys") == 0
    assert box.requests.count("GET", "/organization/costs") == 2
    assert stakes.key_costs is not None
    deleted = {c.key[1] for c in plan.changes}
    assert any(stakes.key_costs.get(key, 0) > 0 for key in deleted)
