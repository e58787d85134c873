"""Data retention: read and set the organization's mode and a project's, at
`/organization/data_retention` and `/organization/projects/{id}/data_retention`.

The API answers `{object, type}` and takes `{retention_type}`; a mode the organization has no
agreement for is refused by the API, and that refusal is reported as the API words it.
"""

from __future__ import annotations

from reconciler.api.parsing import text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.data_retention import DATA_RETENTION, NO_MODE, PART, PROJECT_DEFAULT
from reconciler.core.model import Desired
from reconciler.errors import ApiError
from reconciler.kinds.spec import KindSpec, PartRead
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write, unsupported


def data_retention_path(project_id: str | None) -> str:
    """The URL path of the organization's setting (None) or a project's."""
    if project_id is None:
        return "/organization/data_retention"
    return f"/organization/projects/{project_id}/data_retention"


async def read_mode(client: Reader, project_id: str | None) -> str:
    """The current mode of a scope."""
    return text(await client.get(data_retention_path(project_id)), "type", what="data retention")


async def read_org_part(client: Reader, desired: Desired) -> PartRead:
    """The organization's mode (no ids: the setting is the scope's own); an organization that
    never chose one answers 404, which reads as `none` (no special retention)."""
    try:
        return await read_mode(client, None), {}
    except ApiError as error:
        if error.status != 404:
            raise
        return NO_MODE, {}


async def read_project_part(client: Reader, project_id: str) -> PartRead:
    """A project's mode."""
    return await read_mode(client, project_id), {}


async def apply_data_retention(change: Change, ctx: ApplyContext) -> str | None:
    """Set one scope's mode, then read it back."""
    if change.action is not Action.UPDATE:
        raise unsupported(change)
    scope = change.key[0]
    project_id = ctx.project_id(scope) if scope else None
    mode = str((change.after or {})["mode"])
    path = data_retention_path(project_id)

    async def settled() -> JSON | None:
        return {"type": mode} if await read_mode(ctx.client, project_id) == mode else None

    body = {"retention_type": mode}
    what = f"data retention of {scope or 'the organization'}"
    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=what)
    return None


def _exported(mode: object) -> object | None:
    """A default is left out of an exported file (not managed), as defaults are: a project's
    `organization_default`, and `none` (an organization without a mode, or a project's)."""
    return None if mode in (PROJECT_DEFAULT, NO_MODE) else mode


SPEC = KindSpec(
    DATA_RETENTION,
    write=apply_data_retention,
    part=PART,
    read_org=read_org_part,
    read_project=read_project_part,
    everything=PROJECT_DEFAULT,
    exported=_exported,
)
