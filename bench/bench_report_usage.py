"""`report usage` over a large organization: requests made and time taken.

An organization of 500 projects (three members and three user keys each, as in bench_usage),
labelled with five teams, is reported over 90 days by project, by model, by team and by API
key. Each row prints the requests the report sent (from the sandbox's request log), the wall
seconds of the run through the in-process sandbox (unpaced: the cost of computing and
aggregating), and the seconds it would take at the real API's pace: the same run on a virtual
clock with the client's default pacing (DEFAULT_REQUESTS_PER_MINUTE per endpoint family).
"""

from __future__ import annotations

import asyncio
import time

from bench.bench_usage import NOW, PROJECTS, _seed
from reconciler.api import AdminClient, Pacing
from reconciler.clock import VirtualClock
from reconciler.core.model import ReportSettings
from reconciler.core.period import last_days
from reconciler.read.usage_report import read_usage_data
from reconciler.reports.budgets import history_start
from reconciler.reports.usage import build_report, plan_reads
from reconciler.sandbox import Sandbox

DAYS = 90
TEAMS = ("search", "data", "support", "research", "platform")
SETTINGS = ReportSettings(
    labels={f"p{n:03d}": {"team": TEAMS[n % len(TEAMS)]} for n in range(PROJECTS)},
    budgets={f"p{n:03d}": 100.0 for n in range(0, PROJECTS, 10)},
    org_budget=50_000.0,
)
CASES = (("project",), ("model",), ("team",), ("api_key",))
UNPACED = Pacing(requests_per_minute=1_000_000, max_in_flight=8)


def run(by: tuple[str, ...], *, pacing: Pacing) -> tuple[int, float, float]:
    """One report: (requests, wall seconds, virtual seconds)."""
    clock = VirtualClock(epoch=NOW)
    box = Sandbox.from_seed(_seed(), clock=clock)

    async def report() -> None:
        period = last_days(DAYS, now=int(clock.time()))
        reads = plan_reads(by)
        client = AdminClient(
            api_key=box.admin_key, transport=box.transport(), pacing=pacing, clock=clock
        )
        async with client:
            data = await read_usage_data(
                client,
                period=period,
                cost_fields=reads.cost_fields,
                usage_fields=reads.usage_fields,
                history_start=history_start(period),
            )
        build_report(data, by=by, settings=SETTINGS, spike_factor=5.0)

    box.requests.reset()
    began = time.perf_counter()
    asyncio.run(report())
    return box.requests.total, time.perf_counter() - began, clock.monotonic()


def main() -> None:
    """Print one row per grouping: requests, wall seconds, seconds at the real API's pace."""
    print(f"{PROJECTS} projects, {DAYS} days")
    print(f"{'--by':10} {'requests':>8} {'wall s':>8} {'paced s':>8}")
    for by in CASES:
        requests, wall, _ = run(by, pacing=UNPACED)
        _, _, paced = run(by, pacing=Pacing())
        print(f"{','.join(by):10} {requests:>8} {wall:>8.2f} {paced:>8.0f}")


if __name__ == "__main__":
    main()
