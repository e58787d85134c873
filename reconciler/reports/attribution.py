"""Who changed a drifted object, and when: attribution from the organization's audit logs.

    targets(items, live) -> list[Target]          what to look for (pure)
    queries(targets) -> list[params]              the fewest audit-log requests (pure)
    match(events, targets, *, org_scope) -> {ref: Attribution}   newest event per object (pure)
    await attribute(client, items, live) -> AuditResult

Requests: one per group of up to `CHUNK` resource ids, organization-level objects in one group
and project-level ones in another (filtered by `project_ids[]`, since the API files project
events under their project); every request also filters by `event_types[]`. A project member's
role change is logged with the *project* id as its resource (the spec says so), so such an
event is matched by project and role and reported as likely rather than certain. A role
assignment's event names the assignment, and its user or group only as the principal: it is
matched by the principal (a holder's `audit_id` is the user's) and reported as likely too, since
it does not say which role.

Scope: a project-level object matches only events filed under its project; an organization-level
one only events with no project or filed under the organization scope, the default project (the
API files every action made with an admin key there; it cannot be renamed, so it is found by its
name). So a member's removal from one project is never read as the user's removal.

Audit logging can be off, and the log only goes back so far. When the API refuses the request,
or every lookup comes back empty and the log itself is empty, the result says audit logging
looks off; an object with no event is reported as "no event in the audit log". Reading and
parsing the log is kinds/audit_logs.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.api.protocols import Reader
from reconciler.core.change import Kind
from reconciler.core.kinds.registry import info, project_of
from reconciler.core.model import Live
from reconciler.errors import ApiError
from reconciler.read.audit_log import AuditEvent, audit_log_is_empty, read_audit_events

log = logging.getLogger(__name__)

CHUNK = 50
DEFAULT_PROJECT_NAME = "Default project"

Ref = tuple[Kind, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Target:
    """One drifted object to look up: its server id, and its project's id when project-level.

    `role` is the object's live role, to recognise a member's role change (logged by project).
    """

    kind: Kind
    key: tuple[str, ...]
    resource_id: str
    project_id: str | None = None
    role: str | None = None

    @property
    def ref(self) -> Ref:
        """The (kind, key) this target answers for."""
        return (self.kind, self.key)


@dataclass(frozen=True, slots=True)
class Attribution:
    """The newest audit event about an object: who, how, when, what."""

    actor: str
    via: str
    at: int
    event: str
    certain: bool = True

    def to_json(self) -> dict[str, Any]:
        """Plain data for the json report."""
        return {
            "actor": self.actor,
            "via": self.via,
            "at": self.at,
            "event": self.event,
            "certain": self.certain,
        }


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Attributions by (kind, key); `available` False with a `note` when logs could not help."""

    found: Mapping[Ref, Attribution] = field(default_factory=dict)
    available: bool = True
    note: str = ""
    requests: int = 0


def targets(items: Iterable[Ref], live: Live) -> list[Target]:
    """The drifted objects that have a server id to look up (others cannot be attributed)."""
    found: list[Target] = []
    for kind, key in dict.fromkeys(items):
        target = _target(kind, key, live)
        if target is not None:
            found.append(target)
    return found


def _target(kind: Kind, key: tuple[str, ...], live: Live) -> Target | None:
    if not key:  # a finding about no one object (e.g. "the admin key's owner is unknown")
        return None
    resource = info(kind).audit_id(key, live.ids)
    project = project_of(kind, key)
    project_id = live.ids.projects.get(project) if project is not None else None
    if resource is None or (project_id is None and project is not None):
        return None
    role = _member_role(live, key) if kind is Kind.PROJECT_USER else None
    return Target(kind, key, resource, project_id, role)


def _member_role(live: Live, key: tuple[str, ...]) -> str | None:
    project = live.org.projects.get(key[0])
    if project is None or project.members is None:
        return None
    return project.members.get(key[1])


def queries(found: Sequence[Target]) -> list[dict[str, Any]]:
    """Query parameters for the fewest audit-log requests that cover every target."""
    by_id = [t for t in found if not info(t.kind).audit_by_principal]
    org = [t for t in by_id if t.project_id is None]
    scoped = [t for t in by_id if t.project_id is not None]
    by_principal = [t for t in found if info(t.kind).audit_by_principal]
    return (
        _group_queries(org, with_projects=False)
        + _group_queries(scoped, with_projects=True)
        + _principal_queries(by_principal)
    )


def _principal_queries(group: Sequence[Target]) -> list[dict[str, Any]]:
    """Queries by project and event type for objects named only as a principal (the
    `resource_ids` filter does not match a principal); `match` picks their events."""
    if not group:
        return []
    types = sorted({e for t in group for e in info(t.kind).audit_events})
    projects = sorted({t.project_id for t in group if t.project_id})
    queries = [
        {"event_types": types, "project_ids": projects[start : start + CHUNK]}
        for start in range(0, len(projects), CHUNK)
    ]
    if any(t.project_id is None for t in group):
        queries.append({"event_types": types})
    return queries


def _group_queries(group: Sequence[Target], *, with_projects: bool) -> list[dict[str, Any]]:
    resources: dict[str, None] = {}
    for t in group:
        resources[t.resource_id] = None
        if t.kind is Kind.PROJECT_USER and t.project_id:
            resources[t.project_id] = None  # a member's role change names only the project
    ids = list(resources)
    params: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        wanted = [t for t in group if t.resource_id in chunk or t.project_id in chunk]
        query: dict[str, Any] = {
            "resource_ids": chunk,
            "event_types": sorted({e for t in wanted for e in info(t.kind).audit_events}),
        }
        if with_projects:
            query["project_ids"] = sorted({t.project_id for t in wanted if t.project_id})
        params.append(query)
    return params


def org_scope_id(live: Live) -> str | None:
    """The id of the default project, where the API files organization-level events."""
    return live.ids.projects.get(live.default_project or DEFAULT_PROJECT_NAME)


def match(
    events: Iterable[AuditEvent], found: Sequence[Target], *, org_scope: str | None = None
) -> dict[Ref, Attribution]:
    """The newest event for each target, each in its own scope.

    The API lists newest first, so on a tie (two events in the same second) the one listed
    first is the newer and wins.
    """
    best: dict[Ref, Attribution] = {}
    for event in events:
        for target, certain in _hits(event, found, org_scope=org_scope):
            attribution = Attribution(event.actor, event.via, event.at, event.type, certain)
            current = best.get(target.ref)
            if current is None or attribution.at > current.at:
                best[target.ref] = attribution
    return best


def _hits(
    event: AuditEvent, found: Sequence[Target], *, org_scope: str | None
) -> Iterable[tuple[Target, bool]]:
    org_level = event.project_id is None or event.project_id == org_scope
    for target in found:
        if event.type not in info(target.kind).audit_events:
            continue
        if target.project_id is None and not org_level:
            continue
        if target.project_id is not None and target.project_id != event.project_id:
            continue
        if target.resource_id in event.resource_ids:
            yield target, True
        elif target.resource_id == event.principal_id:
            # Certain for a kind known by its principal in a project (a group's one grant
            # there); likely otherwise (a user's role assignment does not say which role).
            yield target, info(target.kind).audit_by_principal
        elif _role_change_of(target, event):
            yield target, False


def _role_change_of(target: Target, event: AuditEvent) -> bool:
    """A project `user.updated` names the project, not the user: match it by the new role."""
    if target.kind is not Kind.PROJECT_USER or event.type != "user.updated":
        return False
    return event.subject_id == target.project_id and event.requested_role == target.role


async def attribute(client: Reader, items: Iterable[Ref], live: Live) -> AuditResult:
    """Attribute drifted objects to audit events, in the fewest requests (see module docstring)."""
    found = targets(items, live)
    params = queries(found)
    events: list[AuditEvent] = []
    try:
        for query in params:
            events.extend(await read_audit_events(client, query))
    except ApiError as exc:
        log.info("audit logs unavailable: %s", exc)
        note = f"audit logs could not be read ({exc}); is audit logging turned on?"
        return AuditResult(available=False, note=note, requests=len(params))
    attributions = match(events, found, org_scope=org_scope_id(live))
    if found and not attributions:
        return await _probe(client, requests=len(params))
    return AuditResult(found=attributions, requests=len(params))


async def _probe(client: Reader, *, requests: int) -> AuditResult:
    """Nothing matched: one request to tell "logging is off" from "events are too old"."""
    try:
        empty = await audit_log_is_empty(client)
    except ApiError as exc:
        return AuditResult(available=False, note=f"audit logs could not be read ({exc})",
                           requests=requests + 1)  # fmt: skip
    if empty:
        note = "the audit log is empty: audit logging looks turned off in the organization settings"
        return AuditResult(available=False, note=note, requests=requests + 1)
    return AuditResult(requests=requests + 1)
