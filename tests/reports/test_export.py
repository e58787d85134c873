"""Export's reading of plug-in kinds: each part is written by the kind that sits at its place,
so a part name used at the top and in projects (`groups:`) is not written twice."""

from __future__ import annotations

from reconciler.core.kinds.groups import Group
from reconciler.core.model import Live, Organization, Project
from reconciler.reports.export import exported_desired


def test_a_part_name_at_two_places_is_exported_by_each_places_kind() -> None:
    """A project's `groups` part is exported by the project-groups kind, the organization's
    `groups` part by the groups kind: neither kind writes the other's value."""
    web = Project("web", id="proj_1", parts={"groups": {"ml-platform": "member"}})
    team = Group(members=frozenset({"a@x.io"}), roles=frozenset(), scim=False)
    live = Live(Organization(projects={"web": web}, parts={"groups": {"ml-platform": team}}))
    desired = exported_desired(live).desired
    assert desired.org.projects["web"].parts == {"groups": {"ml-platform": "member"}}
    assert desired.org.parts["groups"] == {"ml-platform": team}
