"""What is at stake in a project: its last 30 days of cost and model requests.

    await last_30_days(client, project_ids, *, now) -> UsageReport

Two requests whatever the number of projects (more only when a page does not hold 30 daily
buckets): `GET /organization/costs` and `GET /organization/usage/completions`, both filtered by
`project_ids` and grouped by `project_id`, in daily buckets. Requests counted are completions
requests (`num_model_requests`), the bulk of API traffic. Usage is context for a reviewer, not
a reason to fail: an API error leaves the numbers out, with a note saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.errors import ApiError

log = logging.getLogger(__name__)

DAY = 86_400
WINDOW_DAYS = 30
# 30 days span 31 daily buckets unless aligned to midnight; 31 is also the usage maximum.
PAGE_BUCKETS = 31
COSTS_PATH = "/organization/costs"
COMPLETIONS_PATH = "/organization/usage/completions"


class UsageClient(Protocol):
    """The part of the API client usage needs (AdminClient has it)."""

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One GET."""
        ...


@dataclass(frozen=True, slots=True)
class ProjectUsage:
    """One project's last 30 days."""

    cost: float = 0.0
    currency: str = "usd"
    requests: int = 0


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Usage by project id; `note` says why there is none when the API refused."""

    by_project: Mapping[str, ProjectUsage] = field(default_factory=dict)
    note: str = ""


async def last_30_days(
    client: UsageClient, project_ids: Sequence[str], *, now: float
) -> UsageReport:
    """Cost and completion requests of each project over the last 30 days (both concurrently)."""
    ids = sorted(set(project_ids))
    if not ids:
        return UsageReport()
    query = {
        "start_time": int(now) - WINDOW_DAYS * DAY,
        "end_time": int(now),
        "bucket_width": "1d",
        "project_ids": ids,
        "group_by": ["project_id"],
        "limit": PAGE_BUCKETS,
    }
    costs, usage = await asyncio.gather(
        _read(client, COSTS_PATH, query), _read(client, COMPLETIONS_PATH, query)
    )
    if isinstance(costs, ApiError):
        return _unavailable(costs)
    if isinstance(usage, ApiError):
        return _unavailable(usage)
    return UsageReport(by_project=summarize(costs, usage, ids))


async def _read(client: UsageClient, path: str, query: Mapping[str, Any]) -> list[Any] | ApiError:
    """Every bucket of one endpoint, or the API's refusal as a value (to become a note)."""
    try:
        return await _buckets(client, path, query)
    except ApiError as exc:
        return exc


def _unavailable(failure: ApiError) -> UsageReport:
    """An API refusal becomes a note in the rendering, never a failed plan."""
    log.info("usage unavailable: %s", failure)
    return UsageReport(note=f"usage and costs could not be read ({failure})")


async def _buckets(client: UsageClient, path: str, query: Mapping[str, Any]) -> list[Any]:
    """Every bucket of a style-C (time bucket) list, following `next_page`."""
    buckets: list[Any] = []
    page: str | None = None
    while True:
        params = dict(query) if page is None else {**query, "page": page}
        body = await client.get(path, params=params)
        buckets.extend(body.get("data") or [])
        page = body.get("next_page") if body.get("has_more") else None
        if page is None:
            return buckets


def summarize(
    costs: Sequence[Any], usage: Sequence[Any], ids: Sequence[str]
) -> dict[str, ProjectUsage]:
    """Per-project totals from cost and usage buckets (pure)."""
    cost: dict[str, float] = dict.fromkeys(ids, 0.0)
    currency: dict[str, str] = {}
    requests: dict[str, int] = dict.fromkeys(ids, 0)
    for result in _results(costs):
        pid = result.get("project_id")
        if pid in cost:
            amount = result.get("amount") or {}
            cost[pid] += float(amount.get("value") or 0)
            currency[pid] = str(amount.get("currency") or "usd")
    for result in _results(usage):
        pid = result.get("project_id")
        if pid in requests:
            requests[pid] += int(result.get("num_model_requests") or 0)
    return {
        pid: ProjectUsage(round(cost[pid], 2), currency.get(pid, "usd"), requests[pid])
        for pid in ids
    }


def _results(buckets: Sequence[Any]) -> list[dict[str, Any]]:
    return [r for b in buckets for r in (b.get("results") or []) if isinstance(r, dict)]
