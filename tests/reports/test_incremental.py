"""Incremental drift on the sandbox: what a run reads (by the request log), that it reads
the same live state a full read would, and every safety net that forces a full read."""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import replace

import pytest

from reconciler.core.model import Desired, Live, Project
from reconciler.core.plan import make_plan
from reconciler.core.snapshot import Snapshot
from reconciler.read.live import fetch_live
from reconciler.reports.incremental import Incremental, Options, live_from_snapshot
from reconciler.sandbox import Sandbox
from tests.support import sandbox_client
from tests.support.drift_org import ADMIN, CHANGES, StepClock, declared, org_seed

PROJECTS = 8


class Org:
    """A generated organization in a sandbox on a hand-moved clock, and its config."""

    def __init__(self, projects: int = PROJECTS, *, seed: int = 0, certs: bool = False) -> None:
        self.clock = StepClock()
        self.seed = org_seed(projects, seed=seed, certificates=certs)
        self.box = Sandbox.from_seed(self.seed, clock=self.clock)
        self.desired = declared(self.seed)

    def run(
        self, snapshot: Snapshot | None, *, desired: Desired | None = None, **options: int
    ) -> tuple[Incremental, int]:
        """One run from `snapshot` (through its json form), and the requests it made."""
        if snapshot is not None:
            snapshot = Snapshot.from_json(json.loads(json.dumps(snapshot.to_json())))
        before = self.box.requests.total

        async def go() -> Incremental:
            async with sandbox_client(self.box, clock=self.clock) as client:
                return await live_from_snapshot(
                    client,
                    desired or self.desired,
                    snapshot,
                    options=Options(**options),
                    config_digest="d",
                    now=int(self.clock.time()),
                )

        result = asyncio.run(go())
        return result, self.box.requests.total - before

    def full(self, desired: Desired | None = None) -> Live:
        """The live state a full read gives now."""

        async def go() -> Live:
            async with sandbox_client(self.box, clock=self.clock) as client:
                return await fetch_live(client, desired or self.desired)

        return asyncio.run(go())

    def first(self) -> Snapshot:
        """The snapshot of a first (full) run, an hour ago."""
        result, _ = self.run(None)
        self.clock.advance(3600)
        return result.snapshot


@pytest.fixture
def org() -> Org:
    """A generated 8-project organization, declared as it is."""
    return Org()


def test_a_first_run_reads_in_full_and_says_why(org: Org) -> None:
    """Without a snapshot the run is a full read, says so, and keeps the audit position."""
    result, requests = org.run(None)
    assert result.full_reason == "no snapshot yet"
    assert "verified in full just now" in result.freshness(now=0)
    assert result.snapshot.position_id is not None
    assert requests > 3 * PROJECTS


def test_an_unchanged_org_costs_one_request_without_verification(org: Org) -> None:
    """No event since the snapshot: only the audit log is read, and the live state is the same."""
    snapshot = org.first()
    result, requests = org.run(snapshot, verify=0)
    assert (result.full_reason, requests) == ("", 1)
    assert result.live == org.full()
    assert result.freshness(now=int(org.clock.time())) == (
        "verified in full 1 h ago; incremental since, 0 events"
    )


def test_the_default_verification_reads_one_project_more(org: Org) -> None:
    """`--verify 1` re-reads one untouched project: members, accounts, rate limits."""
    snapshot = org.first()
    result, requests = org.run(snapshot, seed=7)
    assert result.full_reason == ""
    assert len(result.verified) == 1
    assert requests == 1 + 3


def test_one_change_reads_the_log_and_that_project(org: Org) -> None:
    """A member's role change in one project re-reads that project's details only."""
    snapshot = org.first()
    org.box.act_as(ADMIN).set_project_role("p003", "user0@example.com", "owner")
    result, requests = org.run(snapshot, verify=0)
    assert (result.full_reason, result.new_events, requests) == ("", 1, 1 + 3)
    assert result.live == org.full()
    assert result.snapshot.events == 1


def test_an_org_role_change_reads_the_users(org: Org) -> None:
    """An organization role change re-reads users, invites and admin keys, no project."""
    snapshot = org.first()
    org.box.act_as(ADMIN).set_org_role("user1@example.com", "owner")
    result, requests = org.run(snapshot, verify=0)
    assert (result.full_reason, requests) == ("", 1 + 3)
    assert result.live == org.full()


def test_events_are_counted_once_across_the_overlap(org: Org) -> None:
    """An event already applied (inside the overlap window) is not applied again."""
    snapshot = org.first()
    org.box.act_as(ADMIN).set_rate_limit("p001", "gpt-4o", max_requests_per_1_minute=5)
    first, _ = org.run(snapshot, verify=0)
    org.clock.advance(60)
    second, requests = org.run(first.snapshot, verify=0)
    assert (second.new_events, requests, second.snapshot.events) == (0, 1, 1)


def test_an_unlogged_change_is_caught_by_verification(org: Org) -> None:
    """A change the audit log never recorded is found by the sample, and read in full."""
    snapshot = org.first()
    org.box.act_as(ADMIN).set_project_role("p002", "user0@example.com", "owner")
    org.box.state.audit_logs.pop()
    missed, _ = org.run(snapshot, verify=0)
    assert missed.full_reason == ""
    assert missed.live != org.full()
    caught, _ = org.run(snapshot, verify=PROJECTS)
    assert caught.full_reason.startswith("verification: project p002 differs")
    assert caught.live == org.full()


def test_an_unlogged_change_is_caught_by_the_periodic_full_read(org: Org) -> None:
    """Without verification, the full read every `full_every` seconds catches it."""
    snapshot = org.first()
    org.box.act_as(ADMIN).set_project_role("p002", "user0@example.com", "owner")
    org.box.state.audit_logs.pop()
    org.clock.advance(24 * 3600)
    result, _ = org.run(snapshot, verify=0)
    assert result.full_reason.startswith("the last full read is older than 24 h")
    assert result.live == org.full()


def test_full_every_zero_forces_a_full_read(org: Org) -> None:
    """`--full-every 0` reads in full whatever the snapshot."""
    result, _ = org.run(org.first(), full_every=0, verify=0)
    assert result.full_reason == "a full read was asked for (--full-every 0)"


def test_a_log_that_no_longer_reaches_back_forces_a_full_read(org: Org) -> None:
    """When the snapshot's newest event has left the log, the run reads in full."""
    snapshot = org.first()
    org.box.act_as(ADMIN).set_org_role("user1@example.com", "owner")
    org.box.state.audit_logs[:] = org.box.state.audit_logs[-1:]
    result, _ = org.run(snapshot, verify=0)
    assert result.full_reason == "the audit log no longer reaches back to the snapshot's position"
    assert result.live == org.full()


def test_audit_logging_off_forces_a_full_read(org: Org) -> None:
    """An empty log (logging switched off) reads in full, now and on the next run."""
    org.box.state.audit_logs.clear()
    first, _ = org.run(None)
    assert first.snapshot.position_id is None
    again, _ = org.run(first.snapshot, verify=0)
    assert again.full_reason.endswith("logging looks off")


def test_an_unreadable_audit_log_forces_a_full_read(org: Org) -> None:
    """When the audit log cannot be read (the API fails), the run reads in full, and the new
    snapshot has no position, so the next run reads in full too."""
    snapshot = org.first()
    org.box.faults.server_error = 1.0
    org.box.faults.paths = frozenset({"/organization/audit_logs"})
    result, _ = org.run(snapshot, verify=0)
    assert result.full_reason.startswith("the audit log could not be read")
    assert result.snapshot.position_id is None
    org.box.faults.server_error = 0.0
    assert result.live == org.full()


def test_a_newly_declared_project_forces_a_full_read(org: Org) -> None:
    """A config that declares more than the snapshot read (a new project) reads in full."""
    snapshot = org.first()
    projects = {**org.desired.org.projects, "new": Project(name="new", members={})}
    wider = replace(org.desired, org=replace(org.desired.org, projects=projects))
    result, _ = org.run(snapshot, desired=wider, verify=0)
    assert result.full_reason == "the config's scope changed since the snapshot"


def test_a_rekeying_event_forces_a_full_read(org: Org) -> None:
    """A project renamed out of band re-keys the organization: a full read."""
    snapshot = org.first()
    pid = org.box.act_as(ADMIN).project_id("p001")
    org.box.act_as(ADMIN).request("POST", f"/organization/projects/{pid}", {"name": "renamed"})
    result, _ = org.run(snapshot, verify=0)
    assert result.full_reason == "project.updated re-keys the organization"
    assert result.live == org.full()


@pytest.mark.parametrize("seed", range(6))
def test_incremental_equals_full_over_generated_changes(seed: int) -> None:
    """For generated organizations and out-of-band changes of every kind, the incremental
    live state (without verification) and its drift plan equal a full read's."""
    rng = random.Random(seed)
    org = Org(projects=rng.randint(3, 6), seed=seed, certs=seed % 2 == 0)
    snapshot = org.first()
    for _ in range(6):
        for _ in range(rng.randint(1, 2)):
            rng.choice(CHANGES)(org.box, rng)
            org.clock.advance(rng.randint(1, 400))
        result, _ = org.run(snapshot, verify=0)
        full = org.full()
        assert result.live == full
        assert (
            make_plan(org.desired, result.live, config_digest="").to_json()
            == make_plan(org.desired, full, config_digest="").to_json()
        )
        snapshot = result.snapshot


def test_the_request_budget_on_500_projects() -> None:
    """500 projects: a full read makes ≥ 1,500 requests; unchanged, an incremental run makes
    one (verify 0) or one project's reads more (verify 1); one change, the log plus one project."""
    org = Org(projects=500)
    first, full = org.run(None)
    assert full >= 1500
    _, quiet = org.run(first.snapshot, verify=0)
    _, verified = org.run(first.snapshot, verify=1, seed=3)
    org.box.act_as(ADMIN).set_rate_limit("p250", "gpt-4o", max_requests_per_1_minute=7)
    changed, one = org.run(first.snapshot, verify=0)
    assert (quiet, verified, one) == (1, 1 + 3, 1 + 3)
    assert changed.live == org.full()
