"""Reading every item of a list that pages with a `next` cursor (the newer RBAC lists: groups,
group users, roles, project groups), failing closed.

These lists answer `{object: "list", data, has_more, next}` and take `after=next` for the
following page (no `last_id`, so `AdminClient.list_all` cannot follow them). A page without
what paging needs, or a cursor that does not advance, is an error, never a short list: a short
list of a project's groups would later drive removals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.api.protocols import JSON, Reader
from reconciler.errors import ProtocolError

PAGE_LIMIT = 100


async def list_next(
    client: Reader, path: str, *, params: Mapping[str, Any] | None = None
) -> list[JSON]:
    """Every item of a `next`-cursor list at `path`, `limit=100` a page."""
    items: list[JSON] = []
    seen: set[str] = set()
    after: str | None = None
    while True:
        query = {**(params or {}), "limit": PAGE_LIMIT}
        if after is not None:
            query["after"] = after
        page = await client.get(path, params=query)
        data, after = _page(page, operation=f"GET {path}", seen=seen)
        items.extend(data)
        if after is None:
            return items


def _page(page: JSON, *, operation: str, seen: set[str]) -> tuple[list[JSON], str | None]:
    data = page.get("data")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ProtocolError("list page without a `data` array of objects", operation=operation)
    if page.get("has_more") is not True:
        return data, None
    cursor = page.get("next")
    if not isinstance(cursor, str) or not cursor or not data:
        raise ProtocolError("`has_more` is true but no `next` cursor", operation=operation)
    if cursor in seen:
        raise ProtocolError(
            f"the list cursor did not advance (after={cursor})", operation=operation
        )
    seen.add(cursor)
    return data, cursor
