"""What each scope has spent this month, read only when a plan sets a lower spend limit.

    spent = await month_to_date(client, plan, live, now=...)   # cents by scope, or None

One costs read (`GET /organization/costs`, daily buckets from the first of the month, UTC,
grouped by project) covers every scope: a project's spend is its own, the organization's is
the sum over its projects. The spend-stop gate (core/safety.py) compares it with the new
limits; a failed read is None, which the gate treats as unknown (it refuses: fail closed).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from reconciler.api.protocols import Reader
from reconciler.core.kinds.spend_limits import lowered
from reconciler.core.model import Live
from reconciler.core.plan import Plan
from reconciler.errors import ApiError
from reconciler.read.usage_buckets import read_costs

log = logging.getLogger(__name__)


def month_start(now: float) -> int:
    """The first instant of the UTC month that holds `now` (epoch seconds)."""
    at = datetime.fromtimestamp(now, tz=UTC)
    return int(at.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp())


async def month_to_date(
    client: Reader, plan: Plan, live: Live, *, now: float
) -> Mapping[str, int] | None:
    """This month's spend in cents of each scope whose limit the plan lowers ("" the
    organization); {} when none is lowered, None when costs could not be read."""
    scopes = {scope for scope, _ in lowered(plan.changes)}
    if not scopes:
        return {}
    by_id = dict(live.ids.projects)
    # A project this plan creates is not listed yet: it has spent nothing.
    ids = sorted(by_id.values()) if "" in scopes else sorted(by_id[s] for s in scopes if s in by_id)
    try:
        costs = await read_costs(client, ids, start=month_start(now), end=int(now))
    except ApiError as exc:
        log.info("month-to-date spend unavailable: %s", exc)
        return None
    cents: dict[str, float] = dict.fromkeys(by_id.values(), 0.0)
    for cost in costs:
        cents[cost.project_id] = cents.get(cost.project_id, 0.0) + cost.amount * 100
    spent = {scope: round(cents.get(by_id.get(scope, ""), 0.0)) for scope in scopes if scope}
    if "" in scopes:
        spent[""] = round(sum(cents.values()))
    return spent
