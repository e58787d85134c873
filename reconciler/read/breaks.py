"""The last 30 days of the models and hosted tools a plan takes away (core/breaks.py).

    breaks = await read_breaks(client, plan, live, now=...)

Read only when the plan may take a model or tool from a live project, for all such projects
together (`project_ids`, daily buckets): for models, `GET /organization/usage/completions`
grouped by project and model (requests) and `GET /organization/costs` grouped by project and
line item (the costs API cannot group by model: a line item `gpt-4o, input` is the cost of
model `gpt-4o`, the text before its first comma); for tools, one request per tool taken, to its
usage endpoint. A failed read leaves that use unknown (counted as traffic by the gate, said in
the plan), never a failed plan.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from typing import Any

from reconciler.api.protocols import Reader
from reconciler.core.breaks import (
    Breaks,
    RecentUse,
    Use,
    assess,
    takes_models,
    taking_away,
    tools_taken,
)
from reconciler.core.model import Live
from reconciler.core.plan import Plan
from reconciler.errors import ApiError
from reconciler.read.recent_usage import DAY, WINDOW_DAYS
from reconciler.read.usage_buckets import (
    COMPLETIONS_PATH,
    COSTS_PATH,
    MAX_FILTER_IDS,
    PAGE_BUCKETS,
    bucket_results,
)

log = logging.getLogger(__name__)

# Each counted tool: its usage endpoint, the counter summed, and extra filters.
TOOL_READS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "web_search": ("/organization/usage/web_search_calls", "num_requests", {}),
    "file_search": ("/organization/usage/file_search_calls", "num_requests", {}),
    "code_interpreter": ("/organization/usage/code_interpreter_sessions", "num_sessions", {}),
    "image_generation": (
        "/organization/usage/images",
        "num_model_requests",
        {"sources": ["image.generation"]},
    ),
}

Results = list[tuple[int, Mapping[str, Any]]]


async def read_breaks(client: Reader, plan: Plan, live: Live, *, now: float) -> Breaks:
    """What the plan takes away, with each project's last 30 days of it (no request when it
    takes nothing)."""
    projects = taking_away(plan, live)
    if not projects:
        return Breaks()
    ids = sorted(set(projects.values()))
    end = int(now)
    query = _query(ids, start=end - WINDOW_DAYS * DAY, end=end)
    tools = tools_taken(plan, live)
    reads: dict[str, Coroutine[Any, Any, Results | ApiError]] = {
        tool: _or_error(client, TOOL_READS[tool][0], query | TOOL_READS[tool][2], ["project_id"])
        for tool in tools
    }
    if takes_models(plan, live):
        reads["completions"] = _or_error(client, COMPLETIONS_PATH, query, ["project_id", "model"])
        reads["costs"] = _or_error(client, COSTS_PATH, query, ["project_id", "line_item"])
    done = dict(zip(reads, await asyncio.gather(*reads.values()), strict=True))
    usage = _recent_use(done, tools, ids)
    return assess(plan, live, usage=usage)


def _query(ids: list[str], *, start: int, end: int) -> dict[str, Any]:
    query: dict[str, Any] = {
        "start_time": start,
        "end_time": end,
        "bucket_width": "1d",
        "limit": PAGE_BUCKETS,
    }
    if len(ids) <= MAX_FILTER_IDS:
        query["project_ids"] = ids
    return query


async def _or_error(
    client: Reader, path: str, query: Mapping[str, Any], group_by: list[str]
) -> Results | ApiError:
    """A read's results, or the API's refusal as a value (to become a note)."""
    try:
        return await bucket_results(client, path, {**query, "group_by": group_by})
    except ApiError as exc:
        log.info("usage of %s unavailable: %s", path, exc)
        return exc


def _recent_use(
    done: Mapping[str, Results | ApiError], tools: list[str], ids: list[str]
) -> RecentUse:
    wanted = set(ids)
    counts: dict[str, Mapping[str, int] | None] = {}
    for tool in tools:
        found = done[tool]
        counts[tool] = (
            None
            if isinstance(found, ApiError)
            else _tool_counts(found, TOOL_READS[tool][1], wanted)
        )
    if "completions" not in done:
        return RecentUse(tools=counts)
    completions, costs = done["completions"], done["costs"]
    if isinstance(completions, ApiError) or isinstance(costs, ApiError):
        failed = completions if isinstance(completions, ApiError) else costs
        return RecentUse(tools=counts, note=f"usage by model could not be read ({failed})")
    models, currency = _model_use(completions, costs, wanted)
    return RecentUse(models=models, tools=counts, currency=currency)


def _tool_counts(results: Results, counter: str, wanted: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, result in results:
        pid = result.get("project_id")
        if isinstance(pid, str) and pid in wanted:
            counts[pid] = counts.get(pid, 0) + int(result.get(counter) or 0)
    return counts


def _model_use(
    completions: Results, costs: Results, wanted: set[str]
) -> tuple[dict[tuple[str, str], Use], str]:
    """(project id, model) → requests and cost; the cost's currency."""
    requests: dict[tuple[str, str], int] = {}
    for _, result in completions:
        pid, model = result.get("project_id"), result.get("model")
        if isinstance(pid, str) and pid in wanted and isinstance(model, str):
            key = (pid, model)
            requests[key] = requests.get(key, 0) + int(result.get("num_model_requests") or 0)
    spent: dict[tuple[str, str], float] = {}
    currency = "usd"
    for _, result in costs:
        pid, item = result.get("project_id"), result.get("line_item")
        amount = result.get("amount")
        if not (isinstance(pid, str) and pid in wanted and isinstance(item, str)):
            continue
        if ", " not in item or not isinstance(amount, dict):
            continue  # not a model's line item
        key = (pid, item.split(", ", 1)[0])
        spent[key] = spent.get(key, 0.0) + float(amount.get("value") or 0)
        currency = str(amount.get("currency") or currency)
    keys = set(requests) | set(spent)
    use = {k: Use(requests.get(k, 0), round(spent.get(k, 0.0), 2)) for k in keys}
    return use, currency
