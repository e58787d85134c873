"""Time-bucket lists (usage and costs): every page followed by `next_page`, and a page that
breaks paging an error, never a short read."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from reconciler.errors import ProtocolError
from reconciler.read.usage_buckets import bucket_results


class Pages:
    """A reader answering each `page` with a canned body."""

    def __init__(self, pages: Mapping[str | None, dict[str, Any]]) -> None:
        self.pages = pages
        self.asked: list[str | None] = []

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        page = (params or {}).get("page")
        self.asked.append(page)
        return self.pages[page]

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        raise AssertionError("a bucket list is not an id-cursor list")


def _bucket(start: int, amount: float) -> dict[str, Any]:
    return {"start_time": start, "results": [{"amount": {"value": amount}}]}


def test_every_page_is_read_in_order() -> None:
    """Two pages: both buckets come back, the second asked for with `page=next_page`."""
    reader = Pages(
        {
            None: {"data": [_bucket(1, 1.5)], "has_more": True, "next_page": "p2"},
            "p2": {"data": [_bucket(2, 2.5)], "has_more": False, "next_page": None},
        }
    )
    found = asyncio.run(bucket_results(reader, "/organization/costs", {"limit": 31}))
    assert [start for start, _ in found] == [1, 2]
    assert reader.asked == [None, "p2"]


@pytest.mark.parametrize(
    "pages",
    [
        {None: {"data": [_bucket(1, 1.0)], "has_more": True, "next_page": None}},
        {None: {"data": [_bucket(1, 1.0)], "has_more": True}},
        {None: {"data": [_bucket(1, 1.0)], "has_more": True, "next_page": "p"},
         "p": {"data": [_bucket(2, 1.0)], "has_more": True, "next_page": "p"}},
        {None: {"has_more": False}},
    ],
)  # fmt: skip
def test_a_page_that_breaks_paging_is_an_error(pages: dict[str | None, dict[str, Any]]) -> None:
    """More pages without a cursor, a cursor that does not advance, or no `data`: a protocol
    error naming the request, not the buckets read so far."""
    with pytest.raises(ProtocolError, match="GET /organization/costs"):
        asyncio.run(bucket_results(Pages(pages), "/organization/costs", {}))
