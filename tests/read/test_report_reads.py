"""The report-side reads of kinds/ (audit logs, usage, certificate content) return typed values."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from reconciler.core.usage import ProjectCost, ProjectRequests
from reconciler.kinds.certificates import read_pem
from reconciler.read.audit_log import AuditEvent, audit_log_is_empty, parse_audit_event
from reconciler.read.usage_buckets import read_completions, read_costs


class PagedClient:
    """Serves canned GET bodies in order, per path, and records every request."""

    def __init__(self, bodies: Mapping[str, list[dict[str, Any]]]) -> None:
        self.bodies = {path: list(pages) for path, pages in bodies.items()}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def list_all(
        self, path: str, *, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The data of the first canned page."""
        return list((await self.get(path, params=params))["data"])

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The next canned page for `path`."""
        self.calls.append((path, dict(params or {})))
        return self.bodies[path].pop(0)


def test_a_session_event_reads_as_a_person_in_the_dashboard() -> None:
    """A dashboard session's entry names the person, their IP, the subject and the project."""
    entry = {
        "type": "user.updated",
        "effective_at": 17,
        "project": {"id": "proj_web"},
        "actor": {"type": "session", "session": {"user": {"email": "a@x.io"}, "ip_address": "ip"}},
        "user.updated": {"id": "proj_web", "changes_requested": {"role": "owner"}},
    }
    assert parse_audit_event(entry) == AuditEvent(
        type="user.updated",
        at=17,
        project_id="proj_web",
        resource_ids=frozenset({"proj_web"}),
        subject_id="proj_web",
        requested_role="owner",
        actor="a@x.io",
        via="dashboard (ip)",
    )


def test_an_api_key_event_names_the_key_and_its_service_account() -> None:
    """A service account's key is the actor; an activation's certificates are its resources."""
    entry = {
        "type": "certificates.activated",
        "actor": {"type": "api_key", "api_key": {"id": "key_1", "service_account": {"id": "sa"}}},
        "certificates.activated": {"certificates": [{"id": "cert_a"}, {"id": "cert_b"}, "junk"]},
    }
    event = parse_audit_event(entry)
    assert (event.actor, event.via) == ("service account sa", "API key key_1")
    assert event.resource_ids == frozenset({"cert_a", "cert_b"})
    assert (event.project_id, event.subject_id, event.at) == (None, None, 0)


def test_a_malformed_entry_reads_as_absent_parts_not_a_crash() -> None:
    """Wrong shapes in an entry (a list for an object) read as unknown, never raise."""
    event = parse_audit_event({"type": "user.deleted", "actor": [], "user.deleted": "x"})
    assert (event.actor, event.via, event.resource_ids) == ("unknown", "API key ?", frozenset())


def test_the_empty_log_probe_is_one_request_for_one_entry() -> None:
    """Telling an empty audit log costs one GET with `limit=1`."""
    client = PagedClient({"/organization/audit_logs": [{"data": []}, {"data": [{"id": "a"}]}]})
    assert asyncio.run(audit_log_is_empty(client)) is True
    assert asyncio.run(audit_log_is_empty(client)) is False
    assert client.calls[0] == ("/organization/audit_logs", {"limit": 1})


def test_costs_follow_next_page_and_become_typed_values() -> None:
    """Cost buckets over two pages become one ProjectCost per project result."""
    first = {
        "data": [{"results": [{"project_id": "p1", "amount": {"value": 1.5, "currency": "eur"}}]}],
        "has_more": True,
        "next_page": "page_2",
    }
    second = {"data": [{"results": [{"project_id": "p2", "amount": {}}, {"no": "project"}]}]}
    client = PagedClient({"/organization/costs": [first, second]})
    costs = asyncio.run(read_costs(client, ["p1", "p2"], start=10, end=20))
    assert costs == [ProjectCost("p1", 1.5, "eur"), ProjectCost("p2", 0.0, "usd")]
    assert client.calls[1][1]["page"] == "page_2"
    assert client.calls[0][1]["group_by"] == ["project_id"]


def test_completions_become_request_counts_per_project() -> None:
    """Completion usage results become ProjectRequests, a missing count reading as zero."""
    body = {"data": [{"results": [{"project_id": "p1", "num_model_requests": 7}]}, {}]}
    client = PagedClient({"/organization/usage/completions": [body]})
    used = asyncio.run(read_completions(client, ["p1"], start=0, end=1))
    assert used == [ProjectRequests("p1", 7)]


def test_read_pem_gives_the_content_or_none() -> None:
    """A certificate's PEM is read with `include[]=content`; a body without it gives None."""
    pem = "-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n"
    path = "/organization/certificates/cert_1"
    client = PagedClient({path: [{"certificate_details": {"content": pem}}, {"id": "cert_1"}]})
    assert asyncio.run(read_pem(client, "cert_1")) == pem
    assert asyncio.run(read_pem(client, "cert_1")) is None
    assert client.calls[0] == (path, {"include": ["content"]})
