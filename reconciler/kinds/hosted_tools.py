"""Project hosted-tool permissions: read all five tools, update the ones that change.

`GET /organization/projects/{id}/hosted_tool_permissions` answers every tool as
`{tool: {enabled}}`; the POST takes only the tools to change (those left out are unchanged).
"""

from __future__ import annotations

from typing import Any

from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.hosted_tools import HOSTED_TOOL
from reconciler.core.model import HOSTED_TOOLS
from reconciler.errors import ProtocolError
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write, unsupported


def hosted_tools_path(project_id: str) -> str:
    """The URL path of a project's hosted-tool permissions."""
    return f"/organization/projects/{project_id}/hosted_tool_permissions"


def parse_hosted_tools(item: dict[str, Any]) -> dict[str, bool]:
    """The API's permissions object as {tool: enabled}, for the tools the spec names."""
    tools: dict[str, bool] = {}
    for tool in HOSTED_TOOLS:
        entry = item.get(tool)
        if not isinstance(entry, dict) or not isinstance(entry.get("enabled"), bool):
            raise ProtocolError(f"hosted tool permissions: `{tool}` has no boolean `enabled`")
        tools[tool] = entry["enabled"]
    return tools


async def read_hosted_tools(client: Reader, project_id: str) -> dict[str, bool]:
    """Whether each hosted tool is enabled in one project."""
    return parse_hosted_tools(await client.get(hosted_tools_path(project_id)))


async def apply_hosted_tool(change: Change, ctx: ApplyContext) -> str | None:
    """Enable or disable one hosted tool in one project."""
    if change.action is not Action.UPDATE:
        raise unsupported(change)
    project, tool = change.key
    project_id = ctx.project_id(project)
    enabled = bool((change.after or {})["enabled"])
    path = hosted_tools_path(project_id)

    async def settled() -> JSON | None:
        found = await read_hosted_tools(ctx.client, project_id)
        return {"enabled": enabled} if found.get(tool) is enabled else None

    body = {tool: {"enabled": enabled}}
    what = f"hosted tool {tool} of {project}"
    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=what)
    return None


SPEC = KindSpec(
    HOSTED_TOOL,
    write=apply_hosted_tool,
)
