"""Costs and completions usage (read only): per-project daily figures as typed values.

    await read_costs(client, project_ids, *, start, end) -> list[ProjectCost]
    await read_completions(client, project_ids, *, start, end) -> list[ProjectRequests]

Both endpoints list time buckets (`bucket_width=1d`), each with results grouped by
`project_id`, and page with `next_page` (style C, not `after`). A malformed result reads as
zero: usage is context for a reviewer, never a reason to fail.

No request URL grows with the organization: up to `MAX_FILTER_IDS` projects are named in the
`project_ids` filter; for more, the request is left unfiltered (still grouped by project) and
only the wanted projects are kept, which costs the same two requests instead of a URL the
client refuses to build (about 1,500 ids) or one request per batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.api.parsing import nested, optional_text
from reconciler.api.protocols import Reader
from reconciler.core.usage import ProjectCost, ProjectRequests
from reconciler.errors import ProtocolError

COSTS_PATH = "/organization/costs"
COMPLETIONS_PATH = "/organization/usage/completions"
# 30 days span 31 daily buckets unless aligned to midnight; 31 is also the usage maximum.
PAGE_BUCKETS = 31
# At most this many ids in one query string (about 2 KB of URL); more read unfiltered.
MAX_FILTER_IDS = 50


async def read_costs(
    client: Reader, project_ids: Sequence[str], *, start: int, end: int
) -> list[ProjectCost]:
    """Daily costs of these projects between `start` and `end` (epoch seconds)."""
    results = await _results(client, COSTS_PATH, _query(project_ids, start=start, end=end))
    return [parse_cost(r) for r in _wanted(results, project_ids)]


async def read_completions(
    client: Reader, project_ids: Sequence[str], *, start: int, end: int
) -> list[ProjectRequests]:
    """Daily completion requests of these projects between `start` and `end` (epoch seconds)."""
    results = await _results(client, COMPLETIONS_PATH, _query(project_ids, start=start, end=end))
    return [parse_requests(r) for r in _wanted(results, project_ids)]


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
    query: dict[str, Any] = {
        "start_time": start,
        "end_time": end,
        "bucket_width": "1d",
        "group_by": ["project_id"],
        "limit": PAGE_BUCKETS,
    }
    if len(project_ids) <= MAX_FILTER_IDS:
        query["project_ids"] = list(project_ids)
    return query


def _wanted(
    results: Sequence[Mapping[str, Any]], project_ids: Sequence[str]
) -> list[Mapping[str, Any]]:
    """The results of the wanted projects (an unfiltered read returns every project's)."""
    wanted = set(project_ids)
    return [
        r for r in results if isinstance(r.get("project_id"), str) and r["project_id"] in wanted
    ]


async def _results(client: Reader, path: str, query: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every result of every bucket of a style-C (time bucket) list, following `next_page`."""
    return [result for _, result in await bucket_results(client, path, query)]


async def bucket_results(
    client: Reader, path: str, query: Mapping[str, Any]
) -> list[tuple[int, Mapping[str, Any]]]:
    """(bucket start, result) of every result of a style-C list, following `next_page`.

    Fails closed, as the other lists do (api/pagination.py): a page without a `data` list, or
    one that says `has_more` without a new `next_page`, is an error, never a short read (a
    short read would be a wrong total in a cost report, or a model's use undercounted)."""
    operation = f"GET {path}"
    results: list[tuple[int, Mapping[str, Any]]] = []
    seen: set[str] = set()
    page: str | None = None
    while True:
        params = dict(query) if page is None else {**query, "page": page}
        body = await client.get(path, params=params)
        data = body.get("data")
        if not isinstance(data, list):
            raise ProtocolError("usage page without a `data` array", operation=operation)
        for bucket in data:
            if not isinstance(bucket, dict):
                continue
            start = bucket.get("start_time")
            start = start if isinstance(start, int) else 0
            results.extend((start, r) for r in bucket.get("results") or [] if isinstance(r, dict))
        if body.get("has_more") is not True:
            return results
        page = body.get("next_page")
        if not isinstance(page, str) or not page:
            raise ProtocolError("`has_more` is true but no `next_page`", operation=operation)
        if page in seen:
            raise ProtocolError(f"the page cursor did not advance ({page})", operation=operation)
        seen.add(page)
