"""The second, small read after planning: what the plan puts at stake.

    stakes = await read_stakes(client, plan, live, now=time.time())

For each project the plan archives, or removes members or service accounts from (see
`stakes.projects_at_stake`): one list of its API keys (`owner_project_access=any`, paginated),
and, for all of them together, the last 30 days of cost and completion requests (two
requests, see reconciler/usage.py). When the plan deletes API keys (the key policy), one more
request: the last 30 days of cost grouped by `api_key_id`, for each key's own cost. All
concurrently; nothing at all when nothing is at stake.
A read that fails is a note in the rendering, never a failed plan: stakes are context for a
reviewer.
"""

from __future__ import annotations

import logging
import time

from reconciler.api import AdminClient
from reconciler.core.breaks import Breaks
from reconciler.core.change import Kind
from reconciler.core.model import ApiKeyInfo, Live
from reconciler.core.plan import Plan
from reconciler.core.stakes import Stakes, assemble, projects_at_stake
from reconciler.errors import ApiError
from reconciler.kinds import api_keys
from reconciler.read.progress import FetchProgress, Tracker
from reconciler.read.recent_usage import DAY, WINDOW_DAYS, last_30_days
from reconciler.read.tasks import read_group
from reconciler.read.usage_buckets import COSTS_PATH, bucket_results

__all__ = ["read_stakes"]

log = logging.getLogger(__name__)


async def read_stakes(
    client: AdminClient,
    plan: Plan,
    live: Live,
    *,
    now: float | None = None,
    progress: FetchProgress | None = None,
    breaks: Breaks | None = None,
) -> Stakes:
    """The API keys and 30-day usage of the projects `plan` puts at stake (see module doc).

    `now` ends the usage window (default: the wall clock); `breaks`, what the plan takes away
    (read before the safety gates, read/breaks.py), is carried along.
    """
    at_stake = projects_at_stake(plan, live)
    if not at_stake:
        return Stakes(breaks=breaks or Breaks())
    tracker = Tracker(progress)
    end = time.time() if now is None else now
    ids = list(at_stake.values())
    # Keys fetch already listed (the key policy reads them) are not listed again.
    read = {
        name: tuple(project.api_keys.values())
        for name in at_stake
        if (project := live.org.projects.get(name)) is not None and project.api_keys is not None
    }
    async with read_group() as group:
        usage_task = group.create_task(
            tracker.run("usage and costs", last_30_days(client, ids, now=end))
        )
        key_tasks = {
            name: group.create_task(_keys_or_note(client, tracker, name, pid))
            for name, pid in at_stake.items()
            if name not in read
        }
        deletes_keys = any(c.kind is Kind.API_KEY for c in plan.changes)
        cost_task = (
            group.create_task(tracker.run("cost by API key", _key_costs(client, ids, now=end)))
            if deletes_keys
            else None
        )
    found: dict[str, tuple[ApiKeyInfo, ...] | str] = dict(read)
    found |= {name: task.result() for name, task in key_tasks.items()}
    costs, currency = cost_task.result() if cost_task is not None else (None, "usd")
    return assemble(
        plan, live, keys=found, usage=usage_task.result(), key_costs=costs, key_currency=currency,
        breaks=breaks,
    )  # fmt: skip


async def _key_costs(
    client: AdminClient, project_ids: list[str], *, now: float
) -> tuple[dict[str, float] | None, str]:
    """Each key's last 30 days of cost in these projects, and its currency (None: unknown)."""
    end = int(now)
    query = {
        "start_time": end - WINDOW_DAYS * DAY,
        "end_time": end,
        "bucket_width": "1d",
        "group_by": ["api_key_id"],
        "project_ids": sorted(project_ids),
        "limit": WINDOW_DAYS + 1,
    }
    try:
        results = await bucket_results(client, COSTS_PATH, query)
    except ApiError as exc:
        log.info("cost by API key unavailable: %s", exc)
        return None, "usd"
    costs: dict[str, float] = {}
    currency = "usd"
    for _, result in results:
        key_id = result.get("api_key_id")
        amount = result.get("amount")
        if isinstance(key_id, str) and isinstance(amount, dict):
            costs[key_id] = round(costs.get(key_id, 0.0) + float(amount.get("value") or 0), 2)
            currency = str(amount.get("currency") or currency)
    return costs, currency


async def _keys_or_note(
    client: AdminClient, tracker: Tracker, name: str, project_id: str
) -> tuple[ApiKeyInfo, ...] | str:
    """A project's API keys, or why they could not be read."""
    try:
        return await tracker.run(f"{name}: API keys", api_keys.read_api_keys(client, project_id))
    except ApiError as exc:
        log.info("API keys of project %s unavailable: %s", name, exc)
        return f"API keys could not be read ({exc})"
