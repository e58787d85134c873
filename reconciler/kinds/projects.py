"""Projects: read every project (archived included), find one by name; create, rename, archive.

Projects are listed with `include_archived=true`: archived projects matter for un-archive
findings and for name clashes. A project without a name is known by its id. Projects are never
deleted: the API archives them, irreversibly. A create settles twins made by an overlapping
apply (kinds/twins.py): the run whose project lost archives it.
"""

from __future__ import annotations

from typing import Any

from reconciler.api.parsing import optional_int, optional_text, text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.projects import PROJECT
from reconciler.core.model import Project
from reconciler.errors import BadRequestError
from reconciler.kinds.spec import KindSpec
from reconciler.kinds.twins import Twin, adopt_existing, created_at, keep_or_yield, oldest_first
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write, unsupported, update_at

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


async def read_projects(client: Reader) -> list[Project]:
    """Every project, archived included, oldest first (so of two projects with one name the
    older is met first: the one apply keeps when overlapping runs made both; kinds/twins.py)."""
    items = await client.list_all(PATH, params={"include_archived": True})
    return [parse_project(item) for item in sorted(items, key=oldest_first)]


async def find_project_by_name(client: Reader, name: str) -> tuple[Project, str] | None:
    """The project called `name` and its id (an active one before an archived one), if any."""
    matches = [p for p in await read_projects(client) if p.name == name]
    matches.sort(key=lambda project: project.archived)
    if not matches or matches[0].id is None:
        return None
    return matches[0], matches[0].id


async def apply_project(change: Change, ctx: ApplyContext) -> str | None:
    """Create, rename or archive one project (projects are never deleted)."""
    name = change.key[0]
    if change.action is Action.CREATE:
        return await _create(ctx, name)
    path = project_path(ctx.project_id(name))
    if change.action is Action.UPDATE:
        await update_at(ctx.client, path, {"name": name}, what=f"rename project {name}")
        return None
    if change.action is Action.ARCHIVE:
        return await _archive(ctx, path, name)
    raise unsupported(change)


async def _create(ctx: ApplyContext, name: str) -> str:
    """Create, unless an overlapping apply just did; the read-back looks for an active project
    of that name; a twin made at the same time is settled (see kinds/twins.py)."""
    existing = await adopt_existing(ctx, lambda: _twins(ctx, name))
    if existing is not None:
        ctx.ids.projects[name] = existing.id
        return f"id {existing.id}, created by an overlapping apply"

    async def find() -> JSON | None:
        found = await find_project_by_name(ctx.client, name)
        return {"id": found[1]} if found is not None and not found[0].archived else None

    body = {"name": name}
    made = await send_write(lambda: ctx.client.post(PATH, json=body), settled=find, what=name)
    ours = Twin(str(made["id"]), created_at(made))
    keep = await keep_or_yield(
        ctx, ours, lambda: _twins(ctx, name), remove=lambda i: _archive_twin(ctx, i, name),
        what=f"project {name}",
    )  # fmt: skip
    ctx.ids.projects[name] = keep.id
    if keep is ours:
        return f"id {ours.id}"
    return f"id {keep.id}, created by an overlapping apply (ours, {ours.id}, archived)"


async def _twins(ctx: ApplyContext, name: str) -> list[Twin]:
    """Active projects called `name` that the plan did not know of."""
    known = {p.id for p in ctx.live.org.projects.values()} | set(ctx.live.ids.projects.values())
    items = await ctx.client.list_all(PATH, params={"include_archived": True})
    projects = [(parse_project(item), item) for item in items]
    return [
        Twin(str(p.id), created_at(item))
        for p, item in projects
        if p.name == name and not p.archived and p.id not in known
    ]


async def _archive_twin(ctx: ApplyContext, project_id: str, name: str) -> None:
    """Archive the twin this run made (projects cannot be deleted)."""
    await _archive(ctx, project_path(project_id), f"{name} ({project_id}, a twin)")


async def _archive(ctx: ApplyContext, path: str, name: str) -> str | None:
    """Archive; a project that is already archived counts as done."""

    async def archived() -> JSON | None:
        current = await ctx.client.get(path)
        return current if current.get("archived_at") is not None else None

    try:
        await send_write(
            lambda: ctx.client.post(f"{path}/archive"), settled=archived, what=f"archive {name}"
        )
    except BadRequestError:
        if await archived() is None:
            raise
        return "already archived"
    return None


SPEC = KindSpec(
    PROJECT,
    write=apply_project,
)
