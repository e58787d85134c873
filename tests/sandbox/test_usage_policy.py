"""The sandbox's usage keeps to each project's permissions: no completions of a model its
policy excludes, no calls of a hosted tool it disabled, and the costs follow."""

from __future__ import annotations

from typing import Any

from reconciler.clock import VirtualClock
from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient

DAY = 86_400
NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
WINDOW = {"start_time": NOW - 30 * DAY, "end_time": NOW, "limit": 31}


def _project(sandbox: Sandbox, name: str) -> str:
    return next(str(p["id"]) for p in sandbox.state.projects.values() if p["name"] == name)


def _results(api: SandboxClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = api.get(path, **WINDOW, **params)
    assert response.status_code == 200, response.text
    return [r for bucket in response.json()["data"] for r in bucket["results"]]


def test_a_project_uses_only_the_models_its_policy_allows() -> None:
    """search-prod (allow gpt-4o, gpt-4o-mini) reports completions and costs of those only;
    after its list loses gpt-4o-mini, only gpt-4o."""
    sandbox = Sandbox.demo(clock=VirtualClock(epoch=NOW))
    pid = _project(sandbox, "search-prod")
    with SandboxClient(sandbox) as api:

        def models() -> set[str]:
            found = _results(
                api, "/organization/usage/completions", group_by=["model"], project_ids=[pid]
            )
            return {r["model"] for r in found if r["num_model_requests"]}

        def priced() -> set[str]:
            found = _results(api, "/organization/costs", group_by=["line_item"], project_ids=[pid])
            return {
                r["line_item"].split(", ")[0] for r in found if "embedding" not in r["line_item"]
            }

        assert models() == {"gpt-4o", "gpt-4o-mini"}
        assert priced() <= {"gpt-4o", "gpt-4o-mini", "dall-e-3", "gpt-image-1"}
        path = f"/organization/projects/{pid}/model_permissions"
        body = {"mode": "allow_list", "model_ids": ["gpt-4o"]}
        assert api.post(path, body).status_code == 200
        assert models() == {"gpt-4o"}


def test_a_disabled_tool_has_no_calls() -> None:
    """data-platform's web search calls stop counting once web_search is disabled."""
    sandbox = Sandbox.demo(clock=VirtualClock(epoch=NOW))
    pid = _project(sandbox, "data-platform")
    with SandboxClient(sandbox) as api:

        def calls() -> int:
            found = _results(api, "/organization/usage/web_search_calls", project_ids=[pid])
            return sum(r["num_requests"] for r in found)

        assert calls() > 0
        path = f"/organization/projects/{pid}/hosted_tool_permissions"
        assert api.post(path, {"web_search": {"enabled": False}}).status_code == 200
        assert calls() == 0
