"""Which parts of the organization an audit-log event can have changed (pure).

    rereads(events, live, *, default_project_id) -> Rereads

Each event type is looked up in the kind registry (a kind names its event types). An event
filed under a project (other than the default project, where the API files every
organization-level action) is about that project: its details are re-read. An
organization-level event re-reads the collection its kind lives in (users and invites
together, or certificates). Some events re-key the organization, and force a full read: a
project created, renamed or archived (project names key everything), a user removed from the
organization (they leave every project), an invite accepted (a new member of several
projects), a certificate created, renamed or deleted (certificate names key project
activations). An event type no kind names, or a kind this module does not map, marks its whole
scope for a re-read: the project, or (at organization level) the organization, in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from reconciler.core.change import Kind
from reconciler.core.kinds.registry import kinds
from reconciler.core.model import Live

# Organization-level events that re-key what other reads key on.
REKEYING = frozenset(
    {
        "project.created",
        "project.updated",
        "project.archived",
        "user.deleted",
        "invite.accepted",
        "certificate.created",
        "certificate.updated",
        "certificate.deleted",
    }
)
_ORG_READS = {Kind.USER: "users", Kind.INVITE: "users", Kind.CERTIFICATE_ACTIVATION: "certificates"}
_PROJECT_KINDS = frozenset(
    {Kind.PROJECT_USER, Kind.SERVICE_ACCOUNT, Kind.RATE_LIMIT, Kind.CERTIFICATE_ACTIVATION}
)


class Event(Protocol):
    """What this module reads of an audit event."""

    @property
    def type(self) -> str:
        """The event type (`user.updated`)."""
        ...

    @property
    def project_id(self) -> str | None:
        """The project the event is filed under, if any."""
        ...


@dataclass(slots=True)
class Rereads:
    """What to read again: `full` names why the whole organization must be read (None: only
    the parts listed); `org` holds "users" and/or "certificates"; `projects` project keys."""

    full: str | None = None
    org: set[str] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)

    @property
    def nothing(self) -> bool:
        """Whether nothing at all is to be re-read."""
        return self.full is None and not self.org and not self.projects


def rereads(events: Iterable[Event], live: Live, *, default_project_id: str | None) -> Rereads:
    """What `events` can have changed in `live` (see the module docstring)."""
    by_id = {ident: key for key, ident in live.ids.projects.items()}
    out = Rereads()
    for event in events:
        _one(event, live, by_id, default_project_id, out)
        if out.full is not None:
            break
    return out


def _one(
    event: Event,
    live: Live,
    by_id: dict[str, str],
    default_id: str | None,
    out: Rereads,
) -> None:
    at_org = event.project_id is None or event.project_id == default_id
    named = [known.kind for known in kinds() if event.type in known.audit_events]
    if event.type in REKEYING and (at_org or Kind.PROJECT in named):
        out.full = f"{event.type} re-keys the organization"
        return
    if event.project_id is not None and event.project_id not in by_id:
        out.full = f"{event.type} in a project the snapshot does not know ({event.project_id})"
        return
    project = by_id.get(event.project_id or "")
    unmapped = not named or any(k not in _ORG_READS and k not in _PROJECT_KINDS for k in named)
    if unmapped and at_org:
        out.full = f"audit event {event.type!r} at organization level cannot be mapped"
        return
    if project is not None and _has_details(live, project):
        out.projects.add(project)
    if at_org:
        for kind in named:
            part = _ORG_READS.get(kind)
            if part is not None and _read_at_org(live, part):
                out.org.add(part)


def _has_details(live: Live, key: str) -> bool:
    p = live.org.projects.get(key)
    if p is None or p.archived:
        return False
    parts = (p.members, p.service_accounts, p.rate_limits, p.certificates)
    return any(part is not None for part in parts)


def _read_at_org(live: Live, part: str) -> bool:
    org = live.org
    return (org.users if part == "users" else org.certificates) is not None
