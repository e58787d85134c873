"""Audit-log attribution and usage lookups: fewest requests, honest when the API cannot tell."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from reconciler.core.change import Kind
from reconciler.core.model import IdIndex, Live, Organization, Project
from reconciler.core.usage import ProjectUsage
from reconciler.core.usage import summarize as summarize_values
from reconciler.errors import BadRequestError
from reconciler.read.audit_log import parse_audit_event
from reconciler.read.recent_usage import last_30_days
from reconciler.read.usage_buckets import parse_cost, parse_requests
from reconciler.reports.attribution import (
    Attribution,
    Ref,
    Target,
    attribute,
    org_scope_id,
    queries,
    targets,
)
from reconciler.reports.attribution import match as match_events


def match(
    entries: list[dict[str, Any]], found: list[Target], *, org_scope: str | None = None
) -> dict[Ref, Attribution]:
    """`audit.match` over raw audit-log entries, parsed as kinds/audit_logs.py reads them."""
    events = [parse_audit_event(e) for e in entries]
    return match_events(events, found, org_scope=org_scope)


def summarize(
    costs: list[dict[str, Any]], usage: list[dict[str, Any]], ids: list[str]
) -> dict[str, ProjectUsage]:
    """`usage.summarize` over raw buckets, parsed as kinds/usage.py reads them."""
    cost = [parse_cost(r) for b in costs for r in b["results"]]
    used = [parse_requests(r) for b in usage for r in b["results"]]
    return summarize_values(cost, used, ids)


LIVE = Live(
    org=Organization(projects={"web": Project(name="web", members={"bob@x.io": "owner"})}),
    ids=IdIndex(
        projects={"web": "proj_web", "api": "proj_api"},
        users={"bob@x.io": "user_bob", "eve@x.io": "user_eve"},
        rate_limits={("web", "gpt-4o"): "rl-gpt-4o", ("api", "gpt-4o"): "rl-gpt-4o"},
    ),
)


class FakeClient:
    """Serves canned audit/usage pages, or refuses, and counts requests."""

    def __init__(self, pages: Mapping[str, Any] | None = None, *, refuse: bool = False) -> None:
        self.pages = dict(pages or {})
        self.refuse = refuse
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> list[Any]:
        """A whole list."""
        return list((await self.get(path, params=params))["data"])

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One page."""
        self.calls.append((path, dict(params or {})))
        if self.refuse:
            raise BadRequestError("Audit logging is not enabled for this organization.", status=400)
        page: dict[str, Any] = self.pages.get(path, {"data": []})
        return page


def _entry(event: str, details: dict[str, Any], *, project: str | None, at: int) -> dict[str, Any]:
    actor = {"type": "session", "session": {"user": {"id": "u", "email": "alice@x.io"}}}
    entry = {"id": f"a{at}", "type": event, "effective_at": at, "actor": actor, event: details}
    if project:
        entry["project"] = {"id": project, "name": project}
    return entry


ITEMS = [
    (Kind.USER, ("bob@x.io",)),
    (Kind.PROJECT_USER, ("web", "bob@x.io")),
    (Kind.RATE_LIMIT, ("web", "gpt-4o")),
    (Kind.RATE_LIMIT, ("api", "gpt-4o")),
]


def test_queries_batch_ids_into_one_org_and_one_project_request() -> None:
    """Four drifted objects need two requests: one organization-level, one project-level."""
    found = [Target(Kind.USER, ("bob@x.io",), "user_bob"),
             Target(Kind.PROJECT_USER, ("web", "bob@x.io"), "user_bob", "proj_web", "owner"),
             Target(Kind.RATE_LIMIT, ("api", "gpt-4o"), "rl-gpt-4o", "proj_api")]  # fmt: skip
    org, scoped = queries(found)
    assert org == {"resource_ids": ["user_bob"], "event_types": ["user.deleted", "user.updated"]}
    assert scoped["project_ids"] == ["proj_api", "proj_web"]
    assert set(scoped["resource_ids"]) == {"user_bob", "proj_web", "rl-gpt-4o"}


def test_rate_limit_ids_shared_across_projects_are_told_apart_by_project() -> None:
    """`rl-gpt-4o` exists in every project: only the event filed under the project matches."""
    found = [Target(Kind.RATE_LIMIT, ("api", "gpt-4o"), "rl-gpt-4o", "proj_api")]
    entries = [_entry("rate_limit.updated", {"id": "rl-gpt-4o"}, project="proj_web", at=5)]
    assert match(entries, found) == {}


def test_member_role_change_is_matched_by_project_and_role_as_likely() -> None:
    """A member's `user.updated` names the project, so it is attributed as likely, not certain."""
    found = [Target(Kind.PROJECT_USER, ("web", "bob@x.io"), "user_bob", "proj_web", "owner")]
    event = {"id": "proj_web", "changes_requested": {"role": "owner"}}
    got = match([_entry("user.updated", event, project="proj_web", at=9)], found)
    attribution = got[(Kind.PROJECT_USER, ("web", "bob@x.io"))]
    assert attribution.actor == "alice@x.io"
    assert not attribution.certain


def test_newest_event_wins() -> None:
    """Of several events about one object, the newest is reported."""
    found = [Target(Kind.USER, ("bob@x.io",), "user_bob")]
    entries = [_entry("user.updated", {"id": "user_bob"}, project=None, at=at) for at in (3, 9, 5)]
    assert match(entries, found)[(Kind.USER, ("bob@x.io",))].at == 9


def test_a_finding_about_no_one_object_has_nothing_to_attribute() -> None:
    """A drift item with an empty key (the admin key's owner is unknown) is skipped, not a crash."""
    assert targets([(Kind.USER, ())], LIVE) == []


def test_same_second_tie_goes_to_the_entry_listed_first() -> None:
    """Two events in one second: the API lists newest first, so the first one listed wins."""
    found = [Target(Kind.USER, ("bob@x.io",), "user_bob")]
    newer = _entry("user.updated", {"id": "user_bob"}, project=None, at=7)
    older = _entry("user.updated", {"id": "user_bob"}, project=None, at=7)
    newer["id"], older["id"] = "newer", "older"
    newer["actor"] = {"type": "session", "session": {"user": {"id": "m", "email": "mia@x.io"}}}
    assert match([newer, older], found)[(Kind.USER, ("bob@x.io",))].actor == "mia@x.io"


def test_refused_audit_log_reads_as_unavailable() -> None:
    """An API refusal makes the result say audit logs are unavailable, without failing."""
    client = FakeClient(refuse=True)
    result = asyncio.run(attribute(client, ITEMS, LIVE))
    assert not result.available
    assert "audit logging" in result.note
    assert result.found == {}


def test_empty_log_is_probed_once_and_reported_off() -> None:
    """When nothing matches and the log is empty, one probe tells that logging looks off."""
    client = FakeClient()
    result = asyncio.run(attribute(client, ITEMS, LIVE))
    assert not result.available
    assert "turned off" in result.note
    assert len(client.calls) == 3


def test_no_lookups_without_ids() -> None:
    """Objects the organization does not have (no id) cost no request."""
    client = FakeClient()
    result = asyncio.run(attribute(client, [(Kind.INVITE, ("new@x.io",))], LIVE))
    assert client.calls == []
    assert result.available


def _bucket(*results: dict[str, Any]) -> dict[str, Any]:
    return {"object": "bucket", "start_time": 0, "end_time": 86400, "results": list(results)}


def test_usage_totals_cost_and_requests_per_project() -> None:
    """Costs and completion requests are summed per project over every bucket."""
    cost = {"amount": {"value": 1.25, "currency": "usd"}, "project_id": "p1"}
    used = {"num_model_requests": 40, "project_id": "p1"}
    totals = summarize([_bucket(cost), _bucket(cost)], [_bucket(used)], ["p1", "p2"])
    assert totals["p1"].cost == 2.5
    assert totals["p1"].requests == 40
    assert totals["p2"].requests == 0


def test_usage_is_two_requests_and_never_fails_the_plan() -> None:
    """Usage costs two requests; an API refusal becomes a note, not an error."""
    client = FakeClient()
    stakes = asyncio.run(last_30_days(client, ["p1", "p2"], now=90 * 86400))
    assert set(stakes.by_project) == {"p1", "p2"}
    assert [path for path, _ in client.calls] == [
        "/organization/costs",
        "/organization/usage/completions",
    ]
    assert client.calls[0][1]["group_by"] == ["project_id"]
    refused = asyncio.run(last_30_days(FakeClient(refuse=True), ["p1"], now=90 * 86400))
    assert refused.by_project == {}
    assert "could not be read" in refused.note


def test_project_event_is_not_attributed_to_the_org_level_user() -> None:
    """Eve's removal from project web (`user.deleted` filed there) is not her org-level event."""
    found = [Target(Kind.USER, ("eve@x.io",), "user_eve")]
    entries = [_entry("user.deleted", {"id": "user_eve"}, project="proj_web", at=7)]
    assert match(entries, found, org_scope="proj_default") == {}


def test_org_level_object_matches_events_without_a_project_or_in_the_org_scope() -> None:
    """An org-level event has no project, or is filed under the default project (admin keys)."""
    found = [Target(Kind.USER, ("bob@x.io",), "user_bob")]
    unfiled = [_entry("user.updated", {"id": "user_bob"}, project=None, at=3)]
    filed = [*unfiled, _entry("user.updated", {"id": "user_bob"}, project="proj_default", at=8)]
    assert match(unfiled, found, org_scope="proj_default")[found[0].ref].at == 3
    assert match(filed, found, org_scope="proj_default")[found[0].ref].at == 8


def test_org_scope_is_the_default_project_by_its_name() -> None:
    """The default project cannot be renamed: its live id is the scope of org-level events."""
    live = Live(org=Organization(), ids=IdIndex(projects={"Default project": "proj_d", "x": "p"}))
    assert org_scope_id(live) == "proj_d"
    assert org_scope_id(LIVE) is None


def test_a_project_group_is_asked_for_by_project_and_matched_by_its_principal() -> None:
    """A group's project access is logged as a role assignment naming the group only as its
    principal: the query filters by project and event type (not resource ids), and the event
    whose `principal_id` is the group, in that project, is the certain match."""
    found = [Target(Kind.PROJECT_GROUP, ("web", "ml"), "group_ml", "proj_web")]
    assert queries(found) == [
        {
            "event_types": ["role.assignment.created", "role.assignment.deleted"],
            "project_ids": ["proj_web"],
        }
    ]
    details = {"id": "role_assignment_1", "principal_id": "group_ml", "principal_type": "group"}
    elsewhere = _entry("role.assignment.created", details, project="proj_api", at=7)
    here = _entry("role.assignment.created", details, project="proj_web", at=5)
    got = match([elsewhere, here], found)
    attribution = got[(Kind.PROJECT_GROUP, ("web", "ml"))]
    assert (attribution.at, attribution.certain) == (5, True)


def test_a_role_assignment_is_matched_by_its_principal_as_likely() -> None:
    """A role assignment's event names the assignment and, as principal, the user: a holder
    (looked up by the user's id) gets it as likely, since the event does not name the role."""
    found = [Target(Kind.ROLE_USER, ("ops", "bob@x.io"), "user_bob")]
    details = {"id": "role_assignment_1", "principal_id": "user_bob", "principal_type": "user"}
    got = match([_entry("role.assignment.deleted", details, project=None, at=4)], found)
    attribution = got[(Kind.ROLE_USER, ("ops", "bob@x.io"))]
    assert (attribution.event, attribution.certain) == ("role.assignment.deleted", False)
    other = {**details, "principal_id": "user_eve"}
    assert match([_entry("role.assignment.deleted", other, project=None, at=4)], found) == {}
