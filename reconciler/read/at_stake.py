"""The second, small read after planning: what the plan puts at stake.

    stakes = await read_stakes(client, plan, live, now=time.time())

For each project the plan archives, or removes members or service accounts from (see
`stakes.projects_at_stake`): one list of its API keys (`owner_project_access=any`, paginated),
and, for all of them together, the last 30 days of cost and completion requests (two
requests, see reconciler/usage.py). All concurrently; nothing at all when nothing is at stake.
A read that fails is a note in the rendering, never a failed plan: stakes are context for a
reviewer.
"""

from __future__ import annotations

import logging
import time

from reconciler.api import AdminClient
from reconciler.core.model import ApiKeyInfo, Live
from reconciler.core.plan import Plan
from reconciler.core.stakes import Stakes, assemble, projects_at_stake
from reconciler.errors import ApiError
from reconciler.kinds import api_keys
from reconciler.read.progress import FetchProgress, Tracker
from reconciler.read.recent_usage import last_30_days
from reconciler.read.tasks import read_group

__all__ = ["read_stakes"]

log = logging.getLogger(__name__)


async def read_stakes(
    client: AdminClient,
    plan: Plan,
    live: Live,
    *,
    now: float | None = None,
    progress: FetchProgress | None = None,
) -> Stakes:
    """The API keys and 30-day usage of the projects `plan` puts at stake (see module doc).

    `now` ends the usage window (default: the wall clock).
    """
    at_stake = projects_at_stake(plan, live)
    if not at_stake:
        return Stakes()
    tracker = Tracker(progress)
    end = time.time() if now is None else now
    ids = list(at_stake.values())
    async with read_group() as group:
        usage_task = group.create_task(
            tracker.run("usage and costs", last_30_days(client, ids, now=end))
        )
        key_tasks = {
            name: group.create_task(_keys_or_note(client, tracker, name, pid))
            for name, pid in at_stake.items()
        }
    keys = {name: task.result() for name, task in key_tasks.items()}
    return assemble(plan, live, keys=keys, usage=usage_task.result())


async def _keys_or_note(
    client: AdminClient, tracker: Tracker, name: str, project_id: str
) -> tuple[ApiKeyInfo, ...] | str:
    """A project's API keys, or why they could not be read."""
    try:
        return await tracker.run(f"{name}: API keys", api_keys.read_api_keys(client, project_id))
    except ApiError as exc:
        log.info("API keys of project %s unavailable: %s", name, exc)
        return f"API keys could not be read ({exc})"
