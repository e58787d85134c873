"""Cursor pagination (the spec's style A): `limit`, `after`, `first_id`, `last_id`, `has_more`."""

from __future__ import annotations

from reconciler.sandbox.context import Context
from reconciler.sandbox.wire import JSON, bad_request


def page(
    ctx: Context,
    items: list[JSON],
    *,
    default_limit: int = 20,
    max_limit: int = 100,
    descending: bool = False,
) -> JSON:
    """One page of `items` (already in creation order) after the `after` cursor.

    An `after` id that is not in the list is refused with 400: a cursor must come from a page.
    """
    limit = ctx.query_int("limit", default=default_limit, low=1, high=max_limit)
    assert limit is not None  # a default is always given
    ordered = list(reversed(items)) if descending else list(items)
    start = _start_after(ordered, ctx.query_one("after"))
    before = ctx.query_one("before")
    if before is not None:
        ordered = ordered[: _index_of(ordered, before, param="before")]
    chunk = ordered[start : start + limit]
    return {
        "object": "list",
        "data": chunk,
        "first_id": chunk[0]["id"] if chunk else None,
        "last_id": chunk[-1]["id"] if chunk else None,
        "has_more": start + limit < len(ordered),
    }


def _start_after(items: list[JSON], after: str | None) -> int:
    if after is None or after == "":
        return 0
    return _index_of(items, after, param="after") + 1


def _index_of(items: list[JSON], ident: str, *, param: str) -> int:
    for index, item in enumerate(items):
        if item["id"] == ident:
            return index
    raise bad_request(f"Invalid cursor '{ident}': no such object in this list.", param=param)
