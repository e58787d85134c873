"""What is at stake in a project: its last 30 days of cost and model requests.

    await last_30_days(client, project_ids, *, now) -> UsageReport

Two requests whatever the number of projects (more only when a page does not hold 30 daily
buckets): `GET /organization/costs` and `GET /organization/usage/completions`, both filtered by
`project_ids` and grouped by `project_id`, in daily buckets. Requests counted are completions
requests (`num_model_requests`), the bulk of API traffic. Usage is context for a reviewer, not
a reason to fail: an API error leaves the numbers out, with a note saying why. Reading and
parsing the endpoints is kinds/usage.py's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from reconciler.api.protocols import Reader
from reconciler.core.usage import UsageReport, summarize
from reconciler.errors import ApiError
from reconciler.read.usage_buckets import read_completions, read_costs

log = logging.getLogger(__name__)

T = TypeVar("T")

DAY = 86_400
WINDOW_DAYS = 30


async def last_30_days(client: Reader, project_ids: Sequence[str], *, now: float) -> UsageReport:
    """Cost and completion requests of each project over the last 30 days (both concurrently)."""
    ids = sorted(set(project_ids))
    if not ids:
        return UsageReport()
    end = int(now)
    start = end - WINDOW_DAYS * DAY
    costs, usage = await asyncio.gather(
        _or_error(read_costs(client, ids, start=start, end=end)),
        _or_error(read_completions(client, ids, start=start, end=end)),
    )
    if isinstance(costs, ApiError):
        return _unavailable(costs)
    if isinstance(usage, ApiError):
        return _unavailable(usage)
    return UsageReport(by_project=summarize(costs, usage, ids))


async def _or_error(read: Awaitable[T]) -> T | ApiError:
    """A read's result, or the API's refusal as a value (to become a note)."""
    try:
        return await read
    except ApiError as exc:
        return exc


def _unavailable(failure: ApiError) -> UsageReport:
    """An API refusal becomes a note in the rendering, never a failed plan."""
    log.info("usage unavailable: %s", failure)
    return UsageReport(note=f"usage and costs could not be read ({failure})")
