"""A fetch under the sandbox's per-endpoint throttling still completes, with the same result."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from reconciler.api import AdminClient, Pacing
from reconciler.clock import Clock, VirtualClock
from reconciler.core.model import Desired, Live, Organization, Project, RateLimit
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox

PROJECTS = 12


def _desired() -> Desired:
    projects = {
        f"project-{p:03d}": Project(
            name=f"project-{p:03d}", members={}, rate_limits={"gpt-4o": RateLimit(model="gpt-4o")}
        )
        for p in range(PROJECTS)
    }
    return Desired(org=Organization(projects=projects))


def _fetch(sandbox: Sandbox, make: Callable[..., AdminClient], pacing: Pacing) -> tuple[Live, Any]:
    async def scenario() -> tuple[Live, Any]:
        async with make(sandbox, pacing=pacing) as client:
            return await fetch_live(client, _desired()), client.stats

    return asyncio.run(scenario())


def _sandbox(seed: Callable[..., dict[str, Any]], *, clock: Clock | None = None) -> Sandbox:
    spec = seed(projects=PROJECTS, users=3, invites=0, members=2, service_accounts=0)
    spec["org_rate_limits"] = {"gpt-4o": {"max_requests_per_1_minute": 100}}
    return Sandbox.from_seed(spec, clock=clock)


def test_throttled_fetch_completes_with_the_same_result(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """With the sandbox at 5 requests/minute per endpoint, bare 429s and a client configured
    three times too fast, the fetch still completes and reads what an unthrottled one reads."""
    unthrottled, _ = _fetch(
        _sandbox(org_seed), sandbox_client, Pacing(requests_per_minute=1_000_000)
    )
    sandbox = _sandbox(org_seed, clock=VirtualClock())
    sandbox.faults.throttle_per_minute = 5
    throttled, stats = _fetch(
        sandbox, sandbox_client, Pacing(requests_per_minute=15, backoff_base=1.0, seed=1)
    )
    assert stats.throttled > 0
    assert throttled.org == unthrottled.org
    assert sandbox.requests.total == stats.total


def test_paced_to_the_server_rate_no_request_is_wasted(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """Paced at the sandbox's own rate, the fetch sees no 429 and sends exactly the minimum:
    projects once, then members and rate limits once per declared project."""
    sandbox = _sandbox(org_seed, clock=VirtualClock())
    sandbox.faults.throttle_per_minute = 5
    _, stats = _fetch(sandbox, sandbox_client, Pacing(requests_per_minute=5, window_margin=1.0))
    assert stats.throttled == 0
    # members in scope bring users, invites and admin keys: one list each
    assert sandbox.requests.total == 1 + 2 * PROJECTS + 3
