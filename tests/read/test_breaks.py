"""read/breaks against the demo sandbox: one request per endpoint for all projects losing
something, none when nothing is taken, and a refused read is unknown use, never a failure."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from reconciler.core.breaks import Breaks, Use
from reconciler.core.change import Kind
from reconciler.core.model import Desired, ModelPolicy, Organization, Project
from reconciler.core.plan import make_plan
from reconciler.read.breaks import read_breaks
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox
from tests.support import sandbox_client

MODELS = (Kind.MODEL_PERMISSION, ("search-prod", "permissions"))
SEARCH = (Kind.HOSTED_TOOL, ("data-platform", "web_search"))


def _desired(*, taking: bool) -> Desired:
    allowed = {"gpt-4o"} if taking else {"gpt-4o", "gpt-4o-mini"}
    tools = {"web_search": not taking, "mcp": not taking}
    projects = {
        "search-prod": Project("search-prod", models=ModelPolicy("allow", frozenset(allowed))),
        "data-platform": Project("data-platform", hosted_tools=tools),
    }
    return Desired(Organization(projects=projects))


class _Refusing(httpx.AsyncBaseTransport):
    """The sandbox, answering 403 on the paths `refuse` names."""

    def __init__(self, sandbox: Sandbox, refuse: Callable[[str], bool]) -> None:
        self._inner = sandbox.transport()
        self._refuse = refuse

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse as the API does without the permission."""
        if self._refuse(request.url.path):
            body = {"error": {"message": "You have insufficient permissions.", "type": "x"}}
            return httpx.Response(403, json=body, request=request)
        return await self._inner.handle_async_request(request)


def _breaks(
    sandbox: Sandbox, desired: Desired, refuse: Callable[[str], bool] = lambda _: False
) -> Breaks:
    """Fetch and plan, forget those requests, then read what the plan takes away."""

    async def run() -> Breaks:
        transport = _Refusing(sandbox, refuse)
        async with sandbox_client(sandbox, transport=transport) as client:
            live = await fetch_live(client, desired)
            plan = make_plan(desired, live, config_digest="c")
            sandbox.requests.reset()
            return await read_breaks(client, plan, live, now=sandbox.clock.time())

    return asyncio.run(run())


def test_one_request_per_endpoint_gives_each_taken_model_and_tool_its_use(
    sandbox: Sandbox,
) -> None:
    """Taking gpt-4o-mini and web_search (and mcp) reads completions, costs and web search
    calls once each: gpt-4o-mini has requests and cost, web_search calls; both destructive."""
    breaks = _breaks(sandbox, _desired(taking=True))
    assert sandbox.requests.count("GET", "/organization/usage/completions") == 1
    assert sandbox.requests.count("GET", "/organization/costs") == 1
    assert sandbox.requests.count("GET", "/organization/usage/web_search_calls") == 1
    assert sandbox.requests.total == 3
    ((model, use),) = breaks.changes[MODELS].taken
    assert model == "gpt-4o-mini"
    assert (use.requests or 0) > 0
    assert (use.cost or 0) > 0
    ((tool, calls),) = breaks.changes[SEARCH].taken
    assert tool == "web_search"
    assert (calls.requests or 0) > 0
    assert all(breaks.changes[ref].destructive for ref in (MODELS, SEARCH))


def test_taking_nothing_reads_nothing(sandbox: Sandbox) -> None:
    """A plan that takes no model or tool away makes no request."""
    assert _breaks(sandbox, _desired(taking=False)) == Breaks()
    assert sandbox.requests.total == 0


def test_a_refused_read_is_unknown_use_and_counts_as_traffic(sandbox: Sandbox) -> None:
    """Costs and web search usage refused (403): the model and the tool are unknown, said so,
    and destructive (fail closed)."""
    breaks = _breaks(sandbox, _desired(taking=True), lambda p: "costs" in p or "web_search" in p)
    models, search = breaks.changes[MODELS], breaks.changes[SEARCH]
    assert models.taken == (("gpt-4o-mini", Use(None, None)),)
    assert "usage by model could not be read" in models.note
    assert "insufficient permissions" in models.note
    assert search.taken == (("web_search", Use(None, None)),)
    assert models.destructive
    assert search.destructive
