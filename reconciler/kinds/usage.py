"""Costs and completions usage (read only): per-project daily figures as typed values.

    await read_costs(client, project_ids, *, start, end) -> list[ProjectCost]
    await read_completions(client, project_ids, *, start, end) -> list[ProjectRequests]

Both endpoints list time buckets (`bucket_width=1d`), each with results grouped by
`project_id`, and page with `next_page` (style C, not `after`). A malformed result reads as
zero: usage is context for a reviewer, never a reason to fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.kinds.parsing import nested, optional_text
from reconciler.kinds.write_context import Reader

COSTS_PATH = "/organization/costs"
COMPLETIONS_PATH = "/organization/usage/completions"
# 30 days span 31 daily buckets unless aligned to midnight; 31 is also the usage maximum.
PAGE_BUCKETS = 31


@dataclass(frozen=True, slots=True)
class ProjectCost:
    """One project's cost in one bucket."""

    project_id: str
    amount: float
    currency: str


@dataclass(frozen=True, slots=True)
class ProjectRequests:
    """One project's completion requests in one bucket."""

    project_id: str
    requests: int


async def read_costs(
    client: Reader, project_ids: Sequence[str], *, start: int, end: int
) -> list[ProjectCost]:
    """Daily costs of these projects between `start` and `end` (epoch seconds)."""
    results = await _results(client, COSTS_PATH, _query(project_ids, start=start, end=end))
    return [parse_cost(r) for r in results if isinstance(r.get("project_id"), str)]


async def read_completions(
    client: Reader, project_ids: Sequence[str], *, start: int, end: int
) -> list[ProjectRequests]:
    """Daily completion requests of these projects between `start` and `end` (epoch seconds)."""
    results = await _results(client, COMPLETIONS_PATH, _query(project_ids, start=start, end=end))
    return [parse_requests(r) for r in results if isinstance(r.get("project_id"), str)]


def parse_cost(result: Mapping[str, Any]) -> ProjectCost:
    """A costs result (`amount.value`, `amount.currency`) as a value."""
    amount = nested(result, "amount")
    return ProjectCost(
        project_id=str(result.get("project_id")),
        amount=float(amount.get("value") or 0),
        currency=optional_text(amount, "currency") or "usd",
    )


def parse_requests(result: Mapping[str, Any]) -> ProjectRequests:
    """A completions usage result (`num_model_requests`) as a value."""
    return ProjectRequests(
        project_id=str(result.get("project_id")),
        requests=int(result.get("num_model_requests") or 0),
    )


def _query(project_ids: Sequence[str], *, start: int, end: int) -> dict[str, Any]:
    return {
        "start_time": start,
        "end_time": end,
        "bucket_width": "1d",
        "project_ids": list(project_ids),
        "group_by": ["project_id"],
        "limit": PAGE_BUCKETS,
    }


async def _results(client: Reader, path: str, query: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every result of every bucket of a style-C (time bucket) list, following `next_page`."""
    results: list[Mapping[str, Any]] = []
    page: str | None = None
    while True:
        params = dict(query) if page is None else {**query, "page": page}
        body = await client.get(path, params=params)
        for bucket in body.get("data") or []:
            found = bucket.get("results") if isinstance(bucket, dict) else None
            results.extend(r for r in found or [] if isinstance(r, dict))
        page = body.get("next_page") if body.get("has_more") else None
        if page is None:
            return results
