"""Pacing under random 429s: a transient 429 costs its pause, not a minute of the family's pace.

The demo organization (`examples/org.yaml` against `Sandbox.demo()`), on a virtual clock, with
the client unpaced as `--sandbox` runs it. For each scenario it runs SEEDS seeds and prints the
mean requests and 429s, and the mean and worst virtual seconds (plus the real seconds of all
seeds): `plan` reads with 10 % of requests answered 429 (with `Retry-After: 1`, then without),
and `apply` of the demo plan with 60 % 429s (`Retry-After: 1`), rerun until it converges (at most
MAX_RUNS runs). The last row is the other side of the trade: a per-minute limit the client does
not know (the sandbox allows 5 requests per minute, the client is configured for 15, bare 429s),
fetching 12 projects (12 requests per family: at least 120 s).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.api import AdminClient, Pacing
from reconciler.clock import VirtualClock
from reconciler.config import load_config
from reconciler.core.model import Desired, Organization, Project, RateLimit
from reconciler.core.plan import make_plan
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox
from reconciler.sandbox.faults import FaultConfig
from reconciler.write.apply import apply_plan
from reconciler.write.secrets import DirSink

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "org.yaml"
SEEDS = range(1, 11)
MAX_RUNS = 6
UNPACED = 1_000_000  # what `--sandbox` paces to when the sandbox does not throttle


@dataclass(frozen=True, slots=True)
class Sample:
    """One seeded run: requests sent, 429s among them, virtual seconds, runs to converge."""

    requests: int
    throttled: int
    virtual: float
    runs: int = 1


def _client(box: Sandbox, clock: VirtualClock, pacing: Pacing) -> AdminClient:
    return AdminClient(api_key=box.admin_key, transport=box.transport(), pacing=pacing, clock=clock)


def plan_once(seed: int, *, rate: float, bare: bool) -> Sample:
    """Plan the demo with `rate` of the requests answered 429."""
    clock = VirtualClock()
    box = Sandbox.demo(clock=clock)
    faults = {"rate_limited_bare" if bare else "rate_limited": rate}
    box.faults = FaultConfig(seed=seed, **faults)  # type: ignore[arg-type]
    desired = load_config(EXAMPLE).desired

    async def run() -> None:
        async with _client(box, clock, Pacing(requests_per_minute=UNPACED, seed=seed)) as client:
            make_plan(desired, await fetch_live(client, desired), config_digest="")

    asyncio.run(run())
    return Sample(box.requests.total, _throttled(box), clock.monotonic())


def apply_until_converged(seed: int, *, rate: float) -> Sample:
    """Apply the demo plan with `rate` of the requests answered 429, rerunning until clean."""
    clock = VirtualClock()
    box = Sandbox.demo(clock=clock)
    box.faults = FaultConfig(seed=seed, rate_limited=rate)
    desired = load_config(EXAMPLE).desired

    async def run(sink: DirSink) -> bool:
        async with _client(box, clock, Pacing(requests_per_minute=UNPACED, seed=seed)) as client:
            live = await fetch_live(client, desired)
            plan = make_plan(desired, live, config_digest="")
            if not plan.changes:
                return True
            report = await apply_plan(plan, client=client, live=live, sink=sink)
            return report.ok

    runs = 0
    with tempfile.TemporaryDirectory() as scratch:
        while runs < MAX_RUNS:
            runs += 1
            sink = DirSink(Path(scratch) / f"keys-{runs}")
            sink.preflight()
            try:
                if asyncio.run(run(sink)):
                    break
            except Exception:  # a read that ran out of retries: the next run starts over
                continue
    return Sample(box.requests.total, _throttled(box), clock.monotonic(), runs)


def limit_discovery(seed: int) -> Sample:
    """Fetch 12 projects from a sandbox allowing 5 requests/minute with a client set to 15."""
    clock = VirtualClock()
    box = Sandbox.from_seed(_seed(12), clock=clock)
    box.faults = FaultConfig(seed=seed, throttle_per_minute=5)
    declared = {
        f"p{p:02d}": Project(
            name=f"p{p:02d}", members={}, rate_limits={"gpt-4o": RateLimit("gpt-4o")}
        )
        for p in range(12)
    }
    desired = Desired(org=Organization(projects=declared))
    pacing = Pacing(requests_per_minute=15, backoff_base=1.0, seed=seed)

    async def run() -> None:
        async with _client(box, clock, pacing) as client:
            await fetch_live(client, desired)

    asyncio.run(run())
    return Sample(box.requests.total, _throttled(box), clock.monotonic())


def _throttled(box: Sandbox) -> int:
    return sum(1 for _, _, status in box.requests.entries if status == 429)


def _seed(projects: int) -> dict[str, Any]:
    return {
        "organization": "org-bench-pacing",
        "admin_key": {"owner": "admin@example.com"},
        "org_rate_limits": {"gpt-4o": {"max_requests_per_1_minute": 100}},
        "users": [{"email": "admin@example.com", "role": "owner"}],
        "projects": [{"name": f"p{p:02d}", "members": {}} for p in range(projects)],
    }


def _row(title: str, sample: Callable[[int], Sample]) -> None:
    started = time.perf_counter()
    samples = [sample(seed) for seed in SEEDS]
    real = time.perf_counter() - started
    virtual = [s.virtual for s in samples]
    print(
        f"{title:<34}{statistics.mean(s.requests for s in samples):9.1f}"
        f"{statistics.mean(s.throttled for s in samples):7.1f}"
        f"{statistics.mean(s.runs for s in samples):6.1f}"
        f"{statistics.mean(virtual):10.1f}{max(virtual):9.1f}{real:8.1f}"
    )


def main() -> None:
    """Print one row per scenario (means over the seeds; worst virtual time)."""
    print(f"demo organization, client unpaced, virtual clock; {len(SEEDS)} seeds per row")
    print(f"{'scenario':<34}{'requests':>9}{'429s':>7}{'runs':>6}{'mean s':>10}{'worst s':>9}"
          f"{'real s':>8}")  # fmt: skip
    _row("plan, 10% 429 Retry-After: 1", lambda s: plan_once(s, rate=0.1, bare=False))
    _row("plan, 10% 429 no Retry-After", lambda s: plan_once(s, rate=0.1, bare=True))
    _row("apply, 60% 429 Retry-After: 1", lambda s: apply_until_converged(s, rate=0.6))
    _row("fetch 12 projects, limit 5/min", limit_discovery)
    print("limit row: 12 requests per family at 5 per minute need at least 120 s (the bound)")


if __name__ == "__main__":
    main()
