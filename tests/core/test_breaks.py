"""core/breaks: which models and hosted tools a plan takes away, and when that is destructive."""

from __future__ import annotations

from typing import Any

from reconciler.core.breaks import RecentUse, Use, allows, assess, taking_away, tools_taken
from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import IdIndex, Live, Organization
from reconciler.core.plan import Plan

LIVE = Live(Organization(), IdIndex(projects={"web": "proj_web", "api": "proj_api"}))
ALL = {"mode": "all", "models": []}


def _policy(before: dict[str, Any] | None, after: dict[str, Any], project: str = "web") -> Change:
    action = Action.CREATE if before is None else Action.UPDATE
    return Change(Kind.MODEL_PERMISSION, action, (project, "permissions"), before, after)


def _tool(tool: str, before: bool | None, after: bool, project: str = "web") -> Change:
    was = None if before is None else {"enabled": before}
    return Change(Kind.HOSTED_TOOL, Action.UPDATE, (project, tool), was, {"enabled": after})


def _allow(*models: str) -> dict[str, Any]:
    return {"mode": "allow", "models": list(models)}


def _deny(*models: str) -> dict[str, Any]:
    return {"mode": "deny", "models": list(models)}


USED = RecentUse(
    models={
        ("proj_web", "gpt-4o"): Use(100, 2.5),
        ("proj_web", "o3"): Use(7, 0.7),
        ("proj_web", "text-embedding-3-small"): Use(0, 0.12),
        ("proj_api", "o3"): Use(5, 0.5),
    },
    tools={"web_search": {"proj_web": 40}, "file_search": {}},
)


def test_a_policy_allows_listed_models_and_their_dated_snapshots() -> None:
    """`gpt-4o` in a list covers `gpt-4o-2024-08-06` but not `gpt-4o-mini`; no policy allows all."""
    assert allows(_allow("gpt-4o"), "gpt-4o-2024-08-06")
    assert not allows(_allow("gpt-4o"), "gpt-4o-mini")
    assert not allows(_deny("gpt-4o"), "gpt-4o-2024-08-06")
    assert allows(_deny("gpt-4o"), "gpt-4o-mini")
    assert allows(None, "o3")
    assert allows(ALL, "o3")


def test_an_allow_list_losing_a_used_model_is_destructive_with_its_use() -> None:
    """allow gpt-4o, o3 → allow gpt-4o takes o3, with its requests and cost."""
    plan = Plan(changes=(_policy(_allow("gpt-4o", "o3"), _allow("gpt-4o")),))
    loss = assess(plan, LIVE, usage=USED).changes[(Kind.MODEL_PERMISSION, ("web", "permissions"))]
    assert loss.taken == (("o3", Use(7, 0.7)),)
    assert loss.destructive
    assert not loss.open_ended


def test_a_deny_list_gaining_an_unused_model_takes_it_without_harm() -> None:
    """deny o3 → deny o3, gpt-4.1 takes gpt-4.1, unused: shown, not destructive."""
    plan = Plan(changes=(_policy(_deny("o3"), _deny("o3", "gpt-4.1")),))
    breaks = assess(plan, LIVE, usage=USED)
    (loss,) = breaks.changes.values()
    assert loss.taken == (("gpt-4.1", Use(0, 0.0)),)
    assert not breaks.destructive(plan.changes[0])


def test_a_new_allow_list_takes_every_used_model_outside_it() -> None:
    """No policy → allow gpt-4o is open-ended: it takes the project's other used models (cost
    alone counts as use), not another project's."""
    plan = Plan(changes=(_policy(None, _allow("gpt-4o")),))
    (loss,) = assess(plan, LIVE, usage=USED).changes.values()
    assert loss.open_ended
    assert [name for name, _ in loss.taken] == ["o3", "text-embedding-3-small"]
    assert loss.destructive


def test_lifting_or_widening_a_policy_takes_nothing_and_reads_nothing() -> None:
    """`models: all` (a delete) and an allow list that grows take nothing: no project to read."""
    lift = Change(Kind.MODEL_PERMISSION, Action.DELETE, ("web", "permissions"), _allow("o3"))
    grow = _policy(_allow("o3"), _allow("o3", "gpt-4o"), project="api")
    plan = Plan(changes=(lift, grow))
    assert taking_away(plan, LIVE) == {}
    assert assess(plan, LIVE, usage=USED).changes == {}


def test_a_project_created_by_the_plan_loses_nothing() -> None:
    """A policy on a project not yet live has no traffic to lose and is not read."""
    plan = Plan(changes=(_policy(None, _allow("gpt-4o"), project="new"),))
    assert taking_away(plan, LIVE) == {}


def test_unknown_model_use_counts_as_traffic() -> None:
    """When usage by model could not be read, a change that takes a model is destructive and
    says why (fail closed)."""
    plan = Plan(changes=(_policy(_allow("gpt-4o", "o3"), _allow("gpt-4o")),))
    failed = RecentUse(note="usage by model could not be read (403)")
    (loss,) = assess(plan, LIVE, usage=failed).changes.values()
    assert loss.taken == (("o3", Use(None, None)),)
    assert loss.destructive
    assert "could not be read" in loss.note


def test_a_tool_switched_off_is_destructive_only_with_calls_or_unknown_use() -> None:
    """web_search with calls: destructive; file_search without: not; code_interpreter whose read
    failed: destructive; mcp (no usage endpoint): said, never counted; enabling takes nothing."""
    plan = Plan(
        changes=(
            _tool("web_search", True, False),
            _tool("file_search", True, False),
            _tool("code_interpreter", True, False),
            _tool("mcp", True, False),
            _tool("image_generation", False, True),
        )
    )
    usage = RecentUse(tools={**USED.tools, "code_interpreter": None})
    breaks = assess(plan, LIVE, usage=usage)
    assert [breaks.destructive(c) for c in plan.changes] == [True, False, True, False, False]
    assert tools_taken(plan, LIVE) == ["code_interpreter", "file_search", "web_search"]
    mcp = breaks.loss_of(plan.changes[3])
    assert mcp is not None
    assert "does not count mcp" in mcp.note


def test_json_names_each_change_and_its_use() -> None:
    """Each entry carries the change's kind and key, whether it is destructive, and each model's
    requests and cost (a tool's with its unit, cost null)."""
    plan = Plan(
        changes=(
            _policy(_allow("gpt-4o", "o3"), _allow("gpt-4o")),
            _tool("web_search", True, False),
        )
    )
    entries = assess(plan, LIVE, usage=USED).to_json()
    assert [e["kind"] for e in entries] == ["hosted_tool", "model_permission"]
    tool, model = entries
    assert tool["last_30_days"] == [
        {"name": "web_search", "requests": 40, "cost": None, "currency": "usd", "unit": "calls"}
    ]
    assert model["destructive"] is True
    assert model["reason"] == "takes away o3, used in the last 30 days; counts for max_deletes"
    assert model["last_30_days"] == [{"name": "o3", "requests": 7, "cost": 0.7, "currency": "usd"}]
