"""Incremental drift: the live organization from a snapshot and the audit log since it.

    await live_from_snapshot(client, desired, snapshot, *, options, now) -> Incremental

A usable snapshot is brought up to date by reading the audit log since its position (back by
an OVERLAP window, deduplicated by event id), re-reading only what the new events can have
changed (core/event_scope.py), and re-reading `verify` randomly chosen untouched projects to
catch a change the log never recorded. Any doubt is a full read, and the result says why:

- no snapshot, or one that is unusable (another format, malformed);
- the snapshot's full read is older than `full_every` seconds (0 forces a full read);
- the config's scope changed (a project or a collection newly declared);
- the audit log cannot be read, is empty (audit logging looks off), or no longer reaches
  back to the snapshot's position (its newest known event is gone);
- an event that re-keys the organization, or that cannot be mapped at organization level;
- a verified project that differs from the snapshot.

The new snapshot is returned, never written here (the command writes it after the report).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from reconciler.api import AdminClient
from reconciler.core.event_scope import rereads
from reconciler.core.model import Desired, Live
from reconciler.core.snapshot import Snapshot, not_carried, scope_digest
from reconciler.errors import ApiError
from reconciler.read.audit_log import PATH, AuditEvent, parse_audit_event, read_audit_events
from reconciler.read.live import FetchProgress, fetch_live
from reconciler.read.partial import reread
from reconciler.reports.attribution import DEFAULT_PROJECT_NAME

OVERLAP = 600  # seconds: an event may be logged a little after its effective_at


@dataclass(frozen=True, slots=True)
class Options:
    """`--full-every` (seconds), `--verify` (projects) and the sampling seed."""

    full_every: int = 24 * 3600
    verify: int = 1
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class Incremental:
    """The live state, the snapshot to keep, and how it was read: `full_reason` says why it
    was read in full ("" when incremental); `new_events` the events this run applied;
    `verified` the projects re-read as a sample."""

    live: Live
    snapshot: Snapshot
    full_reason: str = ""
    new_events: int = 0
    verified: tuple[str, ...] = ()

    def freshness(self, *, now: int) -> str:
        """How fresh the report is, for a person."""
        if self.full_reason:
            return f"verified in full just now ({self.full_reason})"
        ago = _ago(now - self.snapshot.full_read_at)
        count = self.snapshot.events
        return f"verified in full {ago} ago; incremental since, {count} event{'s' * (count != 1)}"


def _ago(seconds: int) -> str:
    if seconds < 60:
        return f"{max(seconds, 0)} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


async def live_from_snapshot(
    client: AdminClient,
    desired: Desired,
    snapshot: Snapshot | None,
    *,
    options: Options,
    config_digest: str,
    now: int,
    why_none: str = "no snapshot yet",
    progress: FetchProgress | None = None,
) -> Incremental:
    """The live organization, incrementally from `snapshot` when it is safe (see the module
    docstring), else in full; with the snapshot to keep."""
    outcome: Incremental | str = why_none
    if snapshot is not None:
        outcome = await _incremental(
            client, desired, snapshot, options=options, config_digest=config_digest, now=now
        )
    if isinstance(outcome, Incremental):
        return outcome
    return await _full(
        client, desired, config_digest=config_digest, now=now, reason=outcome, progress=progress
    )


def _stale(snapshot: Snapshot, desired: Desired, *, options: Options, now: int) -> str | None:
    """Why the snapshot cannot be brought up to date from the log, or None."""
    if options.full_every <= 0:
        return "a full read was asked for (--full-every 0)"
    if now - snapshot.full_read_at >= options.full_every:
        return f"the last full read is older than {_ago(options.full_every)}"
    if snapshot.scope_digest != scope_digest(desired):
        return "the config's scope changed since the snapshot"
    carried = not_carried(desired)
    if carried:
        return f"the snapshot does not hold {', '.join(carried)}, which the config manages"
    if snapshot.position_id is None:
        return "the audit log was empty at the last full read: logging looks off"
    return None


def _gap(events: list[AuditEvent], snapshot: Snapshot) -> str | None:
    """Why the events read cannot be trusted to be every event since the snapshot, or None."""
    if not events:
        return "the audit log is empty: audit logging looks off"
    if snapshot.position_id not in {e.id for e in events} or events[-1].at > snapshot.position_at:
        return "the audit log no longer reaches back to the snapshot's position"
    return None


async def _incremental(
    client: AdminClient,
    desired: Desired,
    snapshot: Snapshot,
    *,
    options: Options,
    config_digest: str,
    now: int,
) -> Incremental | str:
    """The snapshot brought up to date, or why it cannot be."""
    reason = _stale(snapshot, desired, options=options, now=now)
    if reason is not None:
        return reason
    try:
        since = snapshot.position_at - OVERLAP
        events = await read_audit_events(client, {"effective_at[gte]": since})
    except ApiError as exc:
        return f"the audit log could not be read ({exc})"
    reason = _gap(events, snapshot)
    if reason is not None:
        return reason
    new = [e for e in events if e.id not in snapshot.seen]
    live = snapshot.live
    default = live.ids.projects.get(DEFAULT_PROJECT_NAME)
    wanted = rereads(new, live, default_project_id=default)
    if wanted.full is not None:
        return wanted.full
    sample = _sample(live, exclude=wanted.projects, options=options, now=now)
    if not wanted.nothing or sample:
        live = await reread(
            client, desired, live, org=wanted.org, projects=wanted.projects | set(sample)
        )
    differs = [key for key in sample if not _same_project(snapshot.live, live, key)]
    if differs:
        return (
            f"verification: project {differs[0]} differs from the snapshot "
            "(a change the audit log did not record)"
        )
    newest = events[0]
    updated = replace(
        snapshot,
        live=live,
        config_digest=config_digest,
        position_id=newest.id,
        position_at=newest.at,
        seen=frozenset(e.id for e in events if e.at >= newest.at - OVERLAP),
        events=snapshot.events + len(new),
    )
    return Incremental(live, updated, new_events=len(new), verified=tuple(sample))


def _sample(live: Live, *, exclude: set[str], options: Options, now: int) -> list[str]:
    """`options.verify` projects with details read, not re-read anyway, chosen at random."""
    candidates = sorted(
        key
        for key, p in live.org.projects.items()
        if key not in exclude
        and not p.archived
        and any(
            x is not None for x in (p.members, p.service_accounts, p.rate_limits, p.certificates)
        )
    )
    rng = random.Random(now if options.seed is None else options.seed)
    return rng.sample(candidates, min(max(options.verify, 0), len(candidates)))


def _same_project(old: Live, new: Live, key: str) -> bool:
    """Whether project `key` and the ids under it read the same in both."""
    if old.org.projects.get(key) != new.org.projects.get(key):
        return False
    for old_ids, new_ids in (
        (old.ids.service_accounts, new.ids.service_accounts),
        (old.ids.rate_limits, new.ids.rate_limits),
    ):
        if {k: v for k, v in old_ids.items() if k[0] == key} != {
            k: v for k, v in new_ids.items() if k[0] == key
        }:
            return False
    return True


async def _full(
    client: AdminClient,
    desired: Desired,
    *,
    config_digest: str,
    now: int,
    reason: str,
    progress: FetchProgress | None,
) -> Incremental:
    """A full read, with the audit position taken first (events during the read are re-read
    next time, never missed)."""
    position_id, position_at, seen = await _newest(client)
    live = await fetch_live(client, desired, progress=progress)
    snapshot = Snapshot(
        live=live,
        full_read_at=now,
        config_digest=config_digest,
        scope_digest=scope_digest(desired),
        position_id=position_id,
        position_at=position_at,
        seen=seen,
    )
    return Incremental(live, snapshot, full_reason=reason)


async def _newest(client: AdminClient) -> tuple[str | None, int, frozenset[str]]:
    """The newest audit event (id, time) and the ids of the events in the OVERLAP seconds up
    to it (what the next run's read covers); (None, 0, {}) when the log is empty or cannot be
    read."""
    try:
        page = await client.get(PATH, params={"limit": 1})
        found = [parse_audit_event(e) for e in page.get("data") or []]
        if not found:
            return None, 0, frozenset()
        newest = found[0]
        window = await read_audit_events(client, {"effective_at[gte]": newest.at - OVERLAP})
    except ApiError:
        return None, 0, frozenset()
    return newest.id, newest.at, frozenset(e.id for e in [newest, *window])
