"""Audit logs (read only): organization events as typed values, for drift attribution.

    await read_audit_events(client, params) -> list[AuditEvent]   one filtered list (paginated)
    await audit_log_is_empty(client) -> bool                      one GET with `limit=1`
    parse_audit_event(entry) -> AuditEvent                        pure

An entry names its subject in a field called after its event type (`"user.updated": {"id":
…}`); certificate (de)activations list their certificates there instead. The actor is a
dashboard session (a person, from an IP address) or an API key (a user's or a service
account's). A project member's role change names the *project* as its subject, with the new
role in `changes_requested` (the spec says so). A malformed part reads as absent: attribution
is context for a reviewer, never a reason to fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.api.parsing import nested, optional_text
from reconciler.api.protocols import Reader

PATH = "/organization/audit_logs"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One audit-log entry: what happened to which ids, where, when, and by whom.

    `resource_ids` are the ids the event is about (a role assignment's and its principal's);
    `subject_id` the id its details name
    (a project's, for a member's role change) and `requested_role` the role it asked for;
    `id` is the entry's own id (incremental drift deduplicates by it).
    """

    type: str
    at: int
    project_id: str | None
    resource_ids: frozenset[str]
    subject_id: str | None
    requested_role: str | None
    actor: str
    via: str
    id: str = ""


def parse_audit_event(entry: Mapping[str, Any]) -> AuditEvent:
    """An audit-log entry as a value (see the module docstring)."""
    event = str(entry.get("type", ""))
    details = nested(entry, event)
    subject = optional_text(details, "id")
    certificates = details.get("certificates")
    listed = certificates if isinstance(certificates, list) else []
    principal = optional_text(details, "principal_id")  # who a role assignment is about
    ids = [subject, principal, *(optional_text(c, "id") for c in listed if isinstance(c, dict))]
    actor, via = _actor(nested(entry, "actor"))
    return AuditEvent(
        type=event,
        at=int(entry.get("effective_at") or 0),
        project_id=optional_text(nested(entry, "project"), "id"),
        resource_ids=frozenset(i for i in ids if i is not None),
        subject_id=subject,
        requested_role=optional_text(nested(details, "changes_requested"), "role"),
        actor=actor,
        via=via,
        id=str(entry.get("id") or ""),
    )


def _actor(actor: Mapping[str, Any]) -> tuple[str, str]:
    """Who acted, and how: a dashboard session (with its IP) or an API key."""
    if actor.get("type") == "session":
        session = nested(actor, "session")
        who = nested(session, "user").get("email") or "unknown user"
        where = session.get("ip_address")
        return str(who), f"dashboard ({where})" if where else "dashboard"
    key = nested(actor, "api_key")
    email = nested(key, "user").get("email")
    account = nested(key, "service_account")
    if email is None and account:
        email = f"service account {account.get('id')}"
    return str(email or "unknown"), f"API key {key.get('id') or '?'}"


async def read_audit_events(client: Reader, params: Mapping[str, Any]) -> list[AuditEvent]:
    """Every audit-log entry matching `params` (one paginated list), newest first."""
    return [parse_audit_event(entry) for entry in await client.list_all(PATH, params=params)]


async def audit_log_is_empty(client: Reader) -> bool:
    """Whether the organization's audit log has no entry at all (one GET, `limit=1`)."""
    page = await client.get(PATH, params={"limit": 1})
    return not page.get("data")
