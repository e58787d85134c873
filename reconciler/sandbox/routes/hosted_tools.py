"""Project hosted-tool permissions: every project has all five tools, enabled unless turned off.

GET answers every tool; POST changes the tools it names (each `{enabled: bool}`, or null for
unchanged) and leaves the others; there is no DELETE. A tool the spec does not name is refused.
The spec's audit log has no event type for these, so none is recorded.
"""

from __future__ import annotations

from reconciler.core.model import HOSTED_TOOLS
from reconciler.sandbox.context import Context
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import JSON, bad_request

PATH = "/organization/projects/{project_id}/hosted_tool_permissions"


def _render(state: State, project_id: str) -> JSON:
    tools = state.hosted_tools.get(project_id, {})
    return {tool: {"enabled": tools.get(tool, True)} for tool in HOSTED_TOOLS}


def get_tools(ctx: Context) -> JSON:
    """GET .../hosted_tool_permissions."""
    project = ctx.state.project(ctx.params["project_id"])
    return _render(ctx.state, project["id"])


def set_tools(ctx: Context) -> JSON:
    """POST .../hosted_tool_permissions: change the named tools only."""
    project = ctx.state.active_project(ctx.params["project_id"])
    changes: dict[str, bool] = {}
    for tool, value in ctx.body().items():
        if tool not in HOSTED_TOOLS:
            known = ", ".join(HOSTED_TOOLS)
            raise bad_request(f"Unknown hosted tool '{tool}'; expected one of {known}.", param=tool)
        if value is None:
            continue
        if not isinstance(value, dict) or not isinstance(value.get("enabled"), bool):
            raise bad_request(f"'{tool}.enabled' must be a boolean.", param=tool)
        changes[tool] = value["enabled"]
    ctx.state.hosted_tools.setdefault(project["id"], {}).update(changes)
    return _render(ctx.state, project["id"])


ROUTES: list[RouteSpec] = [
    ("GET", PATH, get_tools),
    ("POST", PATH, set_tools),
]
