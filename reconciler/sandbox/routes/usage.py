"""Usage and costs (read only): the records of `usage_facts`, filtered and grouped per request.

Each endpoint takes the spec's filters and `group_by` fields (unknown values are a 400 naming
the allowed ones); every result carries every grouping field of its endpoint, null unless grouped
by it. Pagination is the spec's style C (`page` / `next_page` over time buckets); only the
page's buckets and the filtered projects are ever computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from reconciler.sandbox.context import Context
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.usage_facts import ENDPOINTS, Endpoint, Record, cost_records, records
from reconciler.sandbox.wire import JSON, bad_request

WIDTHS = {"1m": (60, 60, 1440), "1h": (3600, 24, 168), "1d": (86400, 7, 31)}
COST_WIDTHS = {"1d": (86400, 7, 180)}
COST_DIMS = ("project_id", "line_item", "api_key_id")
COST_FILTERS = {"project_ids": "project_id", "api_key_ids": "api_key_id"}
# Filters whose values the spec enumerates.
ENUMS = {
    "sources": ("image.generation", "image.edit", "image.variation"),
    "sizes": ("256x256", "512x512", "1024x1024", "1792x1792", "1024x1792"),
    "context_levels": ("low", "medium", "high"),
}


def _buckets(
    ctx: Context, *, widths: Mapping[str, tuple[int, int, int]]
) -> tuple[list[int], int, str | None]:
    width_name = ctx.query_one("bucket_width") or "1d"
    if width_name not in widths:
        raise bad_request(
            f"'bucket_width' must be one of {', '.join(widths)}; got '{width_name}'.",
            param="bucket_width",
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


def _group_by(ctx: Context, dims: tuple[str, ...]) -> set[str]:
    wanted = ctx.query_list("group_by")
    for name in wanted:
        if name not in dims:
            raise bad_request(
                f"'group_by' must be among {', '.join(dims)}; got '{name}'.", param="group_by"
            )
    return set(wanted)


def _filters(ctx: Context, filters: Mapping[str, str]) -> dict[str, set[Any]]:
    """Each filter sent, as the dimension it restricts and the values it keeps."""
    found: dict[str, set[Any]] = {}
    for param, dim in filters.items():
        if param == "batch":
            if ctx.query_one("batch") is not None:
                found[dim] = {ctx.query_bool("batch", default=False)}
            continue
        values = ctx.query_list(param)
        for value in values:
            if param in ENUMS and value not in ENUMS[param]:
                raise bad_request(
                    f"'{param}' values must be among {', '.join(ENUMS[param])}; got '{value}'.",
                    param=param,
                )
        if values:
            found[dim] = set(values)
    return found


def _projects(ctx: Context, filters: Mapping[str, set[Any]]) -> list[str]:
    wanted = filters.get("project_id")
    return [pid for pid in ctx.state.projects if wanted is None or pid in wanted]


def _grouped(
    found: list[Record],
    *,
    dims: tuple[str, ...],
    group_by: set[str],
    sums: Callable[[list[Record]], JSON],
) -> list[JSON]:
    """One result per group (in order of first appearance), each naming its group."""
    groups: dict[tuple[Any, ...], list[Record]] = {}
    for record in found:
        key = tuple(record[d] if d in group_by else None for d in dims)
        groups.setdefault(key, []).append(record)
    return [sums(members) | dict(zip(dims, key, strict=True)) for key, members in groups.items()]


def _page(
    ctx: Context,
    *,
    widths: Mapping[str, tuple[int, int, int]],
    dims: tuple[str, ...],
    filter_params: Mapping[str, str],
    read: Callable[[list[str], int, int], list[Record]],
    sums: Callable[[list[Record], set[str]], JSON],
) -> JSON:
    """A style-C page of time buckets, each with one result per group (or one for all)."""
    group_by = _group_by(ctx, dims)
    filters = _filters(ctx, filter_params)
    chunk, width, next_page = _buckets(ctx, widths=widths)
    projects = _projects(ctx, filters)
    data = []
    for start in chunk:
        kept = read(projects, start, width)
        if filters:
            kept = [r for r in kept if all(r[d] in v for d, v in filters.items())]
        results = _grouped(kept, dims=dims, group_by=group_by, sums=lambda m: sums(m, group_by))
        data.append(
            {"object": "bucket", "start_time": start, "end_time": start + width, "results": results}
        )
    return {"object": "page", "data": data, "has_more": next_page is not None,
            "next_page": next_page}  # fmt: skip


def _usage_sums(endpoint: Endpoint) -> Callable[[list[Record], set[str]], JSON]:
    def sums(members: list[Record], group_by: set[str]) -> JSON:
        totals: JSON = {"object": f"organization.usage.{endpoint.object}.result"}
        counters = [name for name in members[0] if name not in endpoint.dims]
        return totals | {name: sum(r[name] for r in members) for name in counters}

    return sums


def usage(kind: str) -> RouteSpec:
    """The route for one usage endpoint."""
    endpoint = ENDPOINTS[kind]

    def handler(ctx: Context) -> JSON:
        def read(projects: list[str], start: int, width: int) -> list[Record]:
            return records(ctx.state, kind, projects, start=start, width=width, now=ctx.now)

        return _page(ctx, widths=WIDTHS, dims=endpoint.dims, filter_params=endpoint.filters,
                     read=read, sums=_usage_sums(endpoint))  # fmt: skip

    return ("GET", f"/organization/usage/{kind}", handler)


def _cost_sums(members: list[Record], group_by: set[str]) -> JSON:
    by_item = "line_item" in group_by
    return {
        "object": "organization.costs.result",
        "amount": {"value": sum(r["amount"] for r in members), "currency": "usd"},
        "quantity": sum(r["quantity"] for r in members) if by_item else None,
        "quantity_unit": members[0]["quantity_unit"] if by_item else None,
    }


def costs(ctx: Context) -> JSON:
    """GET /organization/costs: daily buckets of cost (in USD), priced from the usage records."""

    def read(projects: list[str], start: int, width: int) -> list[Record]:
        return cost_records(ctx.state, projects, start=start, width=width, now=ctx.now)

    return _page(ctx, widths=COST_WIDTHS, dims=COST_DIMS, filter_params=COST_FILTERS,
                 read=read, sums=_cost_sums)  # fmt: skip


ROUTES: list[RouteSpec] = [usage(kind) for kind in ENDPOINTS] + [
    ("GET", "/organization/costs", costs)
]
