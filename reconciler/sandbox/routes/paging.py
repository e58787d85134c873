"""Cursor pagination: the spec's style A (`limit`, `after`, `first_id`, `last_id`, `has_more`)
and style B (`limit`, `after`, `order`; `has_more` and a `next` cursor), used by groups, roles,
role assignments and project groups."""

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


def page_next(
    ctx: Context,
    items: list[JSON],
    *,
    default_limit: int,
    max_limit: int = 1000,
    default_order: str = "asc",
    key: str = "id",
) -> JSON:
    """One style-B page of `items` (in creation order): `order` asc or desc, `limit` from 0, and
    `next` the cursor to pass as `after` for the following page (null on the last page).

    Each item's cursor is its `key` field; an `after` that is no item's cursor is a 400.
    """
    limit = ctx.query_int("limit", default=default_limit, low=0, high=max_limit)
    assert limit is not None  # a default is always given
    descending = ctx.query_order(default=default_order) == "desc"
    ordered = list(reversed(items)) if descending else list(items)
    after = ctx.query_one("after")
    start = 0
    if after:
        cursors = [item[key] for item in ordered]
        if after not in cursors:
            message = f"Invalid cursor '{after}': no such object in this list."
            raise bad_request(message, param="after")
        start = cursors.index(after) + 1
    chunk = ordered[start : start + limit]
    has_more = start + limit < len(ordered)
    cursor = chunk[-1][key] if chunk else after
    return {
        "object": "list",
        "data": chunk,
        "has_more": has_more,
        "next": cursor if has_more else None,
    }
