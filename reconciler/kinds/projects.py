"""Projects: read every project (archived included) and find one by name.

Projects are listed with `include_archived=true`: archived projects matter for un-archive
findings and for name clashes. A project without a name is known by its id.
"""

from __future__ import annotations

from typing import Any

from reconciler.api import AdminClient
from reconciler.kinds.parsing import optional_int, optional_text, text
from reconciler.model import Project

PATH = "/organization/projects"


def project_path(project_id: str) -> str:
    """The URL path of one project."""
    return f"{PATH}/{project_id}"


def parse_project(item: dict[str, Any]) -> Project:
    """A listed project as a model value (collections unread: None)."""
    ident = text(item, "id", what="a project")
    name = optional_text(item, "name") or ident
    archived = optional_int(item, "archived_at") is not None or item.get("status") == "archived"
    return Project(name=name, id=ident, archived=archived)


async def read_projects(client: AdminClient) -> list[Project]:
    """Every project, archived included, in the API's order."""
    items = await client.list_all(PATH, params={"include_archived": True})
    return [parse_project(item) for item in items]


async def find_project_by_name(client: AdminClient, name: str) -> tuple[Project, str] | None:
    """The project called `name` and its id (an active one before an archived one), if any."""
    matches = [p for p in await read_projects(client) if p.name == name]
    matches.sort(key=lambda project: project.archived)
    if not matches or matches[0].id is None:
        return None
    return matches[0], matches[0].id
