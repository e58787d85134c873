"""Which parts of the organization an audit event sends an incremental run back to read."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reconciler.core.event_scope import rereads
from reconciler.core.model import IdIndex, Live
from tests.support.scenario import scenario_live

DEFAULT = "proj_default"


@dataclass(frozen=True)
class Ev:
    """A minimal audit event."""

    type: str
    project_id: str | None = None


def _live() -> Live:
    live = scenario_live()
    ids = IdIndex(projects={key: str(p.id) for key, p in live.org.projects.items()})
    return replace(live, ids=ids)


def test_a_project_event_reads_that_project() -> None:
    """A member or service-account event filed under a project re-reads only that project."""
    got = rereads([Ev("user.updated", "proj_search")], _live(), default_project_id=DEFAULT)
    assert (got.full, got.org, got.projects) == (None, set(), {"search-prod"})


def test_an_org_event_reads_its_collection() -> None:
    """An organization role change (filed under the default project) re-reads the users."""
    got = rereads([Ev("user.updated", DEFAULT)], _live(), default_project_id=DEFAULT)
    assert (got.full, got.org) == (None, {"users"})


def test_an_unknown_event_marks_its_whole_scope() -> None:
    """An event type no kind names re-reads its project, or at organization level everything."""
    live = _live()
    in_project = rereads([Ev("api_key.deleted", "proj_search")], live, default_project_id=DEFAULT)
    assert (in_project.full, in_project.projects) == (None, {"search-prod"})
    at_org = rereads([Ev("mystery.event", DEFAULT)], live, default_project_id=DEFAULT)
    assert at_org.full == "audit event 'mystery.event' at organization level cannot be mapped"


def test_rekeying_events_force_a_full_read() -> None:
    """A project renamed, a user removed from the organization: read everything."""
    live = _live()
    renamed = rereads([Ev("project.updated", "proj_search")], live, default_project_id=DEFAULT)
    assert renamed.full == "project.updated re-keys the organization"
    removed = rereads([Ev("user.deleted", DEFAULT)], live, default_project_id=DEFAULT)
    assert removed.full == "user.deleted re-keys the organization"


def test_an_event_in_a_project_the_snapshot_does_not_know_forces_a_full_read() -> None:
    """A project id the snapshot never saw means the organization changed shape."""
    got = rereads([Ev("user.added", "proj_new")], _live(), default_project_id=DEFAULT)
    assert got.full is not None
    assert "proj_new" in got.full


def test_an_undeclared_project_needs_nothing() -> None:
    """A change in a project whose details were never read changes nothing in scope."""
    got = rereads([Ev("user.added", "proj_research")], _live(), default_project_id=DEFAULT)
    assert got.nothing
