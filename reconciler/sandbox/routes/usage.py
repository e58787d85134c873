"""Usage and costs (read only): deterministic synthetic numbers per project and time bucket.

Each value is derived from a hash of (endpoint, project id, bucket start), so the same
organization always reports the same usage; pagination is the spec's style C (`page` /
`next_page` over time buckets).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from reconciler.sandbox.context import Context
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.wire import JSON, bad_request

# Per usage endpoint: the result's `object` and the counters it carries.
USAGE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "completions": ("completions", ("input_tokens", "output_tokens", "num_model_requests")),
    "embeddings": ("embeddings", ("input_tokens", "num_model_requests")),
    "moderations": ("moderations", ("input_tokens", "num_model_requests")),
    "images": ("images", ("images", "num_model_requests")),
    "audio_speeches": ("audio_speeches", ("characters", "num_model_requests")),
    "audio_transcriptions": ("audio_transcriptions", ("seconds", "num_model_requests")),
    "vector_stores": ("vector_stores", ("usage_bytes",)),
    "code_interpreter_sessions": ("code_interpreter_sessions", ("num_sessions",)),
    "file_search_calls": ("file_searches", ("num_requests",)),
    "web_search_calls": ("web_searches", ("num_model_requests", "num_requests")),
}
WIDTHS = {"1m": (60, 60, 1440), "1h": (3600, 24, 168), "1d": (86400, 7, 31)}


def synthetic(*parts: object) -> int:
    """A deterministic pseudo-random count in [0, 10000) for these parts."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10_000


def _buckets(
    ctx: Context, *, widths: Mapping[str, tuple[int, int, int]]
) -> tuple[list[int], int, str | None]:
    width_name = ctx.query_one("bucket_width") or "1d"
    if width_name not in widths:
        raise bad_request(
            f"'bucket_width' must be one of {', '.join(widths)}.", param="bucket_width"
        )
    width, default_limit, max_limit = widths[width_name]
    start = ctx.query_int("start_time", default=None, low=0, high=2**40)
    if start is None:
        raise bad_request("Missing required parameter: 'start_time'.", param="start_time")
    end = ctx.query_int("end_time", default=ctx.now, low=start, high=2**40)
    assert end is not None
    limit = ctx.query_int("limit", default=default_limit, low=1, high=max_limit)
    assert limit is not None
    first = ctx.query_int("page", default=0, low=0, high=2**40) or 0
    starts = range(start - start % width, end, width)  # a range: never materialised whole
    chunk = list(starts[first : first + limit])
    following = first + limit
    return chunk, width, str(following) if following < len(starts) else None


def _projects(ctx: Context) -> list[str]:
    wanted = set(ctx.query_list("project_ids"))
    return [pid for pid in ctx.state.projects if not wanted or pid in wanted]


def _result(
    kind: str, counters: tuple[str, ...], projects: list[str], start: int, grouped: str | None
) -> JSON:
    result: JSON = {
        name: sum(synthetic(kind, name, pid, start) for pid in projects) for name in counters
    }
    result["project_id"] = grouped
    return result


# One result of a bucket: (projects it sums, the project id it is grouped under, bucket start).
ResultOf = Callable[[list[str], str | None, int], JSON]


def _page(ctx: Context, *, widths: Mapping[str, tuple[int, int, int]], result: ResultOf) -> JSON:
    """A style-C page of time buckets, each with one result per group (or one for all)."""
    chunk, width, next_page = _buckets(ctx, widths=widths)
    projects = _projects(ctx)
    by_project = "project_id" in ctx.query_list("group_by")
    groups = [([p], p) for p in projects] if by_project else [(projects, None)]
    data = [
        {
            "object": "bucket",
            "start_time": start,
            "end_time": start + width,
            "results": [result(members, grouped, start) for members, grouped in groups],
        }
        for start in chunk
    ]
    return {"object": "page", "data": data, "has_more": next_page is not None,
            "next_page": next_page}  # fmt: skip


def usage(kind: str) -> RouteSpec:
    """The route for one usage endpoint."""
    object_name, counters = USAGE_KINDS[kind]

    def result(members: list[str], grouped: str | None, start: int) -> JSON:
        return {"object": f"organization.usage.{object_name}.result"} | _result(
            kind, counters, members, start, grouped
        )

    def handler(ctx: Context) -> JSON:
        return _page(ctx, widths=WIDTHS, result=result)

    return ("GET", f"/organization/usage/{kind}", handler)


def _cost(members: list[str], grouped: str | None, start: int) -> JSON:
    return {
        "object": "organization.costs.result",
        "amount": {
            "value": sum(synthetic("cost", p, start) for p in members) / 100,
            "currency": "usd",
        },
        "line_item": None,
        "project_id": grouped,
        "api_key_id": None,
        "quantity": None,
    }


def costs(ctx: Context) -> JSON:
    """GET /organization/costs: daily buckets of synthetic cost per project (in USD)."""
    return _page(ctx, widths={"1d": (86400, 7, 180)}, result=_cost)


ROUTES: list[RouteSpec] = [usage(kind) for kind in USAGE_KINDS] + [
    ("GET", "/organization/costs", costs)
]
