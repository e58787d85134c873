"""Helpers the apply tests share: a fast sandbox, a client on it, plan and apply in process
(the client, `plan_on` and `live_on` are tests.support's, re-exported here)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from reconciler.api import AdminClient
from reconciler.clock import ScaledClock
from reconciler.core.model import Desired, Live
from reconciler.core.plan import Plan, make_plan
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox
from reconciler.write.apply import ApplyReport, OnEvent, apply_plan
from reconciler.write.secrets import SecretSink
from tests.support import live_on, plan_on, sandbox_client

__all__ = ["client_for", "live_on", "plan_on"]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"
WRITES = frozenset({"POST", "DELETE"})


def fast_box() -> Sandbox:
    """The demo organization on a clock 100,000 times faster than real time."""
    return Sandbox.demo(clock=ScaledClock(speed=100_000, epoch=1_700_000_000))


def client_for(box: Sandbox) -> AdminClient:
    """An Admin API client wired to the sandbox in process, with pacing out of the way."""
    return sandbox_client(box)


class Run(NamedTuple):
    """One apply: the live state it planned from, the plan, and the report."""

    live: Live
    plan: Plan
    report: ApplyReport


async def apply_on(
    box: Sandbox, desired: Desired, sink: SecretSink, *, on_event: OnEvent | None = None
) -> Run:
    """Plan `desired` against the sandbox and apply it."""
    async with client_for(box) as client:
        live = await fetch_live(client, desired)
        plan = make_plan(desired, live, config_digest="")
        report = await apply_plan(plan, client=client, live=live, sink=sink, on_event=on_event)
        return Run(live, plan, report)


def accounts_named(box: Sandbox, name: str) -> list[dict[str, object]]:
    """Every service account (any project) whose name is `name`."""
    return [
        account
        for accounts in box.state.service_accounts.values()
        for account in accounts.values()
        if account["name"] == name
    ]
