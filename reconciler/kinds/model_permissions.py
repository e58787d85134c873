"""Project model permissions: read a project's policy, set it (POST replaces it), delete it.

`GET /organization/projects/{id}/model_permissions` answers `{mode: allow_list|deny_list,
model_ids}`; a project without a policy answers 404 ([inferred]: the spec documents only the
200, and its DELETE leaves nothing to return), which reads as "every model" (`mode: all`).
"""

from __future__ import annotations

from typing import Any

from reconciler.api.parsing import choice
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.model_permissions import MODEL_PERMISSION
from reconciler.core.model import ModelMode, ModelPolicy
from reconciler.errors import NotFoundError, ProtocolError
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write

API_MODES: dict[str, ModelMode] = {"allow_list": "allow", "deny_list": "deny"}
CONFIG_MODES = {mode: api for api, mode in API_MODES.items()}


def model_permissions_path(project_id: str) -> str:
    """The URL path of a project's model permissions."""
    return f"/organization/projects/{project_id}/model_permissions"


def parse_model_permissions(item: dict[str, Any]) -> ModelPolicy:
    """The API's policy object as a ModelPolicy."""
    mode = choice(item, "mode", tuple(API_MODES), what="model permissions")
    ids = item.get("model_ids")
    if not isinstance(ids, list) or not all(isinstance(m, str) for m in ids):
        raise ProtocolError("model permissions: `model_ids` is not a list of model ids")
    return ModelPolicy(mode=API_MODES[mode], models=frozenset(ids))


async def read_model_permissions(client: Reader, project_id: str) -> ModelPolicy:
    """A project's model policy (`mode: all` when it has none)."""
    try:
        return parse_model_permissions(await client.get(model_permissions_path(project_id)))
    except NotFoundError:
        return ModelPolicy()


async def apply_model_permission(change: Change, ctx: ApplyContext) -> str | None:
    """Set a project's model policy (create or update), or delete it."""
    project = change.key[0]
    project_id = ctx.project_id(project)
    path = model_permissions_path(project_id)
    what = f"model permissions of {project}"
    if change.action is Action.DELETE:

        async def removed() -> JSON | None:
            found = await read_model_permissions(ctx.client, project_id)
            return {} if found.mode == "all" else None

        await send_write(lambda: ctx.client.delete(path), settled=removed, what=what, delete=True)
        return None
    after = change.after or {}
    wanted = ModelPolicy(mode=after["mode"], models=frozenset(after["models"]))
    body = {"mode": CONFIG_MODES[wanted.mode], "model_ids": sorted(wanted.models)}

    async def settled() -> JSON | None:
        found = await read_model_permissions(ctx.client, project_id)
        return body if found == wanted else None

    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=what)
    return None


SPEC = KindSpec(
    MODEL_PERMISSION,
    write=apply_model_permission,
)
