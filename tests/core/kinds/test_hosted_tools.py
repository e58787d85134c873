"""The hosted-tools diff step: only declared tools are planned, each as an update of one tool."""

from __future__ import annotations

from reconciler.core.change import Action, Kind
from reconciler.core.kinds.hosted_tools import HOSTED_TOOL
from reconciler.core.model import Desired, Live, Organization, Project
from reconciler.core.plan import Plan, make_plan

ALL_ON = dict.fromkeys(
    ("file_search", "web_search", "image_generation", "mcp", "code_interpreter"), True
)


def _plan(want: dict[str, bool] | None, have: dict[str, bool] | None) -> Plan:
    desired = Desired(org=Organization(projects={"web": Project(name="web", hosted_tools=want)}))
    live = {"web": Project(name="web", id="proj_1", hosted_tools=have)}
    return make_plan(desired, Live(org=Organization(projects=live)), config_digest="")


def test_left_out_tools_and_projects_are_not_managed() -> None:
    """No `hosted_tools`, or a tool not listed, plans nothing whatever its live state."""
    assert _plan(None, {**ALL_ON, "mcp": False}).changes == ()
    assert _plan({"web_search": True}, {**ALL_ON, "mcp": False}).changes == ()


def test_a_tool_turned_off_is_one_update_labelled_by_tool() -> None:
    """web_search: false on a project where it is on is an update from true to false."""
    (change,) = _plan({"web_search": False, "mcp": True}, ALL_ON).changes
    assert (change.kind, change.action, change.key) == (
        Kind.HOSTED_TOOL, Action.UPDATE, ("web", "web_search"),
    )  # fmt: skip
    assert (change.before, change.after) == ({"enabled": True}, {"enabled": False})
    assert HOSTED_TOOL.label(change.key) == "hosted tool web_search of web"
