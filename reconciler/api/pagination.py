"""Reading one page of a list, failing closed.

The Admin API's lists answer `{object: "list", data, first_id, last_id, has_more}`; the next
page is asked for with `after=last_id` while `has_more`. The newer RBAC lists (groups, group
users, roles, role assignments, project groups) answer `{object: "list", data, has_more, next}`
instead, and take `after=next`: a page that has a `next` field is followed by it. A page that
lacks what paging needs, or a cursor that does not advance, is an error and never a silently
short list: a short list of project members would later drive deletions.
"""

from __future__ import annotations

from typing import Any

from reconciler.api.errormap import protocol_error


def read_page(
    page: dict[str, Any], *, operation: str, seen: set[str]
) -> tuple[list[dict[str, Any]], str | None]:
    """The items of one page and the cursor of the next one (None on the last page).

    `seen` holds the cursors already followed; a cursor seen before means the server is looping.
    """
    data = page.get("data")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise protocol_error("list page without a `data` array of objects", operation=operation)
    has_more = page.get("has_more")
    if not isinstance(has_more, bool):
        raise protocol_error("list page without a boolean `has_more`", operation=operation)
    if not has_more:
        return data, None
    field = "next" if "next" in page else "last_id"
    cursor = page.get(field)
    if not isinstance(cursor, str) or not cursor:
        raise protocol_error(f"`has_more` is true but no `{field}`", operation=operation)
    if not data:
        raise protocol_error("`has_more` is true on an empty page", operation=operation)
    if cursor in seen:
        message = f"the list cursor did not advance (after={cursor})"
        raise protocol_error(message, operation=operation)
    seen.add(cursor)
    return data, cursor
