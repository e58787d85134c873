"""Incremental drift: requests an hourly check makes on a 500-project organization.

The organization of bench_fetch (500 projects, each declaring members, service accounts and
rate limits; 200 users) in the sandbox, unthrottled. It prints the requests (the sandbox's
request log) of a full read, then of incremental runs from its snapshot: unchanged with
`--verify 0` and with the default `--verify 1`, and after one out-of-band change (a member's
role in one project). Goals: full ≥ 1,500; unchanged ≤ 3 (verify 0) and at most one project's
reads more with verify 1; one change = the audit read plus that project's reads.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.bench_fetch import _desired, _seed
from reconciler.api import AdminClient, Pacing
from reconciler.clock import VirtualClock
from reconciler.core.snapshot import Snapshot
from reconciler.reports.incremental import Incremental, Options, live_from_snapshot
from reconciler.sandbox import Sandbox

PROJECTS = 500
UNPACED = Pacing(requests_per_minute=1_000_000, max_in_flight=8)


def _org() -> tuple[Sandbox, VirtualClock]:
    seed: dict[str, Any] = _seed(PROJECTS)
    seed["audit_logs"] = [
        {"type": "user.updated", "actor": "admin@example.com", "user": "admin@example.com"}
    ]
    clock = VirtualClock()
    return Sandbox.from_seed(seed, clock=clock), clock


def _run(
    box: Sandbox, clock: VirtualClock, snapshot: Snapshot | None, *, verify: int
) -> tuple[Incremental, int]:
    desired = _desired(PROJECTS)
    before = box.requests.total

    async def go() -> Incremental:
        client = AdminClient(
            api_key=box.admin_key, transport=box.transport(), pacing=UNPACED, clock=clock
        )
        async with client:
            return await live_from_snapshot(
                client,
                desired,
                snapshot,
                options=Options(verify=verify, seed=1),
                config_digest="",
                now=int(clock.time()),
            )

    result = asyncio.run(go())
    return result, box.requests.total - before


def main() -> None:
    """Print the request counts of each run."""
    box, clock = _org()
    started = time.perf_counter()
    full, full_requests = _run(box, clock, None, verify=1)
    rows = [("full read (no snapshot)", full_requests, full.full_reason)]
    _, quiet0 = _run(box, clock, full.snapshot, verify=0)
    rows.append(("incremental, unchanged, --verify 0", quiet0, ""))
    _, quiet1 = _run(box, clock, full.snapshot, verify=1)
    rows.append(("incremental, unchanged, --verify 1", quiet1, ""))
    box.act_as("admin@example.com").set_project_role("p0042", "user0000@example.com", "owner")
    changed, one = _run(box, clock, full.snapshot, verify=0)
    rows.append(("incremental, one change, --verify 0", one, f"{changed.new_events} event"))
    print(f"{'run':<40}{'requests':>10}  note")
    for name, count, note in rows:
        print(f"{name:<40}{count:>10}  {note}")
    print(f"({time.perf_counter() - started:.1f} s real)")


if __name__ == "__main__":
    main()
