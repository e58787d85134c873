"""Lists paged by a `next` cursor: every page followed, and a page that breaks paging is an
error, never a short list."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from reconciler.api.next_cursor import list_next
from reconciler.errors import ProtocolError


class Pages:
    """A reader that answers each `after` cursor with a canned page, and records the queries."""

    def __init__(self, pages: Mapping[str | None, dict[str, Any]]) -> None:
        self.pages = pages
        self.queries: list[dict[str, Any]] = []

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        query = dict(params or {})
        self.queries.append(query)
        return self.pages[query.get("after")]

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        raise AssertionError("a next-cursor list is not read with list_all")


def test_every_page_is_followed_by_its_next_cursor() -> None:
    """Two pages joined in order, the second asked for with `after=next`, 100 a page."""
    reader = Pages(
        {
            None: {"data": [{"id": "a"}], "has_more": True, "next": "a"},
            "a": {"data": [{"id": "b"}], "has_more": False, "next": None},
        }
    )
    assert asyncio.run(list_next(reader, "/x", params={"order": "asc"})) == [
        {"id": "a"},
        {"id": "b"},
    ]
    assert reader.queries == [
        {"order": "asc", "limit": 100},
        {"order": "asc", "limit": 100, "after": "a"},
    ]


@pytest.mark.parametrize(
    "pages",
    [
        {None: {"data": [{"id": "a"}], "has_more": True}},  # more, but no cursor
        {None: {"data": [{"id": "a"}], "has_more": True, "next": "a"},
         "a": {"data": [{"id": "a"}], "has_more": True, "next": "a"}},  # stuck
        {None: {"has_more": False}},  # no data
    ],
)  # fmt: skip
def test_a_page_that_breaks_paging_is_an_error(pages: dict[str | None, dict[str, Any]]) -> None:
    """No cursor while there is more, a cursor that does not advance, or no `data` fails."""
    with pytest.raises(ProtocolError):
        asyncio.run(list_next(Pages(pages), "/x"))
