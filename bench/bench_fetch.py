"""Fetch under realistic throttling: requests made vs the minimum, time vs the throttle's bound.

The sandbox throttles every endpoint to THROTTLE requests per rolling minute and answers 429
without Retry-After beyond that, on a sped-up clock shared with the client. For organizations of
10, 100 and 500 projects (each declaring members, service accounts and rate limits, with users
declared), it prints the requests the sandbox received against the minimum (one list call per
100 objects per collection) and the simulated time against the lower bound the throttle allows:
an endpoint that must serve k requests at N per minute needs at least (ceil(k/N) - 1) minutes.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from reconciler.api import AdminClient, Pacing
from reconciler.clock import ScaledClock
from reconciler.core.model import Desired, Organization, Project, RateLimit, ServiceAccount, User
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox

SIZES = (10, 100, 500)
THROTTLE = 10  # requests per minute per endpoint: the real API was measured at 7-10
USERS, INVITES, MEMBERS, ACCOUNTS = 200, 20, 5, 1
MODELS = ("gpt-4o", "gpt-4o-mini")
SPEED = float(os.environ.get("BENCH_SPEED", "400"))
PER_PROJECT = (
    "/organization/projects/{project_id}/users",
    "/organization/projects/{project_id}/service_accounts",
    "/organization/projects/{project_id}/rate_limits",
)


@dataclass(frozen=True, slots=True)
class Result:
    """One benchmark run."""

    projects: int
    requests: int
    minimum: int
    throttled: int
    simulated: float
    bound: float
    real: float


def pages(count: int) -> int:
    """List calls for `count` objects at 100 per page."""
    return max(1, math.ceil(count / 100))


def minimum_by_endpoint(projects: int) -> Counter[str]:
    """The fewest requests per endpoint: each collection in scope listed once."""
    counts: Counter[str] = Counter(
        {
            "/organization/projects": pages(projects + 1),  # + the default project
            "/organization/users": pages(USERS + 1),  # + the admin
            "/organization/invites": pages(INVITES),
            "/organization/admin_api_keys": 1,
        }
    )
    for template, size in zip(PER_PROJECT, (MEMBERS, ACCOUNTS, len(MODELS)), strict=True):
        counts[template] = projects * pages(size)
    return counts


def lower_bound(counts: Counter[str]) -> float:
    """Seconds the throttle forces: the busiest endpoint's full windows."""
    return max((math.ceil(k / THROTTLE) - 1) * 60.0 for k in counts.values())


def _seed(projects: int) -> dict[str, Any]:
    emails = [f"user{n:04d}@example.com" for n in range(USERS)]
    return {
        "organization": f"org-bench-{projects}",
        "admin_key": {"owner": "admin@example.com"},
        "org_rate_limits": {m: {"max_requests_per_1_minute": 1000} for m in MODELS},
        "users": [{"email": "admin@example.com", "role": "owner"}]
        + [{"email": e, "role": "reader"} for e in emails],
        "invites": [{"email": f"inv{n}@example.com", "role": "reader"} for n in range(INVITES)],
        "projects": [
            {
                "name": f"p{p:04d}",
                "members": dict.fromkeys(emails[:MEMBERS], "member"),
                "service_accounts": [{"name": f"bot{s}"} for s in range(ACCOUNTS)],
            }
            for p in range(projects)
        ],
    }


def _desired(projects: int) -> Desired:
    emails = [f"user{n:04d}@example.com" for n in range(USERS)]
    declared = {
        f"p{p:04d}": Project(
            name=f"p{p:04d}",
            members=dict.fromkeys(emails[:MEMBERS], "member"),
            service_accounts={f"bot{s}": ServiceAccount(f"bot{s}") for s in range(ACCOUNTS)},
            rate_limits={m: RateLimit(model=m) for m in MODELS},
        )
        for p in range(projects)
    }
    users = {e: User(email=e, role="reader") for e in emails}
    return Desired(org=Organization(users=users, projects=declared))


def run(projects: int) -> Result:
    """Fetch one generated organization through the throttled sandbox."""
    clock = ScaledClock(speed=SPEED)
    sandbox = Sandbox.from_seed(_seed(projects), clock=clock)
    sandbox.faults.throttle_per_minute = THROTTLE
    pacing = Pacing(requests_per_minute=THROTTLE, window_margin=1.0, max_in_flight=4, seed=1)
    desired = _desired(projects)

    async def fetch() -> int:
        client = AdminClient(
            api_key=sandbox.admin_key, transport=sandbox.transport(), pacing=pacing, clock=clock
        )
        async with client:
            await fetch_live(client, desired)
            return client.stats.throttled

    started, real_started = clock.monotonic(), time.perf_counter()
    throttled = asyncio.run(fetch())
    minimum = minimum_by_endpoint(projects)
    return Result(
        projects=projects,
        requests=sandbox.requests.total,
        minimum=sum(minimum.values()),
        throttled=throttled,
        simulated=clock.monotonic() - started,
        bound=lower_bound(minimum),
        real=time.perf_counter() - real_started,
    )


def main() -> None:
    """Print one row per organization size."""
    print(f"throttle {THROTTLE}/min per endpoint, 429 without Retry-After, clock x{SPEED:g}")
    print("projects  requests  minimum  429s  simulated s  bound s  time/bound  real s")
    for size in SIZES:
        r = run(size)
        ratio = f"{r.simulated / r.bound:10.3f}" if r.bound else f"{'-':>10}"
        print(
            f"{r.projects:8d}  {r.requests:8d}  {r.minimum:7d}  {r.throttled:4d}  "
            f"{r.simulated:11.0f}  {r.bound:7.0f}  {ratio}  {r.real:6.1f}"
        )


if __name__ == "__main__":
    main()
