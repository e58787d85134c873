"""Export's reading of plug-in kinds: each part is written by the kind that sits at its place,
so a part name used at the top and in projects (`groups:`) is not written twice."""

from __future__ import annotations

from reconciler.core.model import Live, Organization, Project
from reconciler.reports.export import exported_desired


def test_a_projects_groups_are_exported_by_the_project_kind_only() -> None:
    """A project's `groups` part is exported; an organization part of the same name is not
    written by the project kind (only a kind that reads the organization's part may)."""
    web = Project("web", id="proj_1", parts={"groups": {"ml-platform": "member"}})
    live = Live(Organization(projects={"web": web}, parts={"groups": {"ml-platform": "x"}}))
    desired = exported_desired(live).desired
    assert desired.org.projects["web"].parts == {"groups": {"ml-platform": "member"}}
    assert "groups" not in desired.org.parts
