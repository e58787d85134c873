"""Pagination: limit=100, after=last_id (or, for the newer lists, after=next) while has_more,
and failing closed on a bad page."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import pytest
import respx

from reconciler.api import AdminClient
from reconciler.errors import ProtocolError

BASE = "https://api.openai.com/v1"


@pytest.mark.parametrize("count", [0, 1, 100, 101, 250])
def test_list_all_reads_every_item_in_the_fewest_pages(
    count: int, make_client: Callable[..., AdminClient], pages: Callable[..., Any]
) -> None:
    """Every item comes back, in order, with one request per 100 items (one for an empty list)."""
    items = [{"id": f"user_{n:04d}"} for n in range(count)]

    async def scenario() -> list[dict[str, Any]]:
        async with make_client() as client:
            return await client.list_all("/organization/users")

    with respx.mock(base_url=BASE) as router:
        route = router.get("/organization/users").mock(side_effect=pages(items))
        result = asyncio.run(scenario())
    assert result == items
    assert route.call_count == max(1, math.ceil(count / 100))
    sent = [call.request.url.params for call in route.calls]
    assert all(params["limit"] == "100" for params in sent)
    assert [params.get("after") for params in sent[1:]] == [
        items[i * 100 - 1]["id"] for i in range(1, len(sent))
    ]


BAD_PAGES: dict[str, dict[str, Any]] = {
    "missing has_more": {"object": "list", "data": [{"id": "a"}], "last_id": "a"},
    "missing data": {"object": "list", "has_more": False},
    "data not a list": {"object": "list", "data": {"id": "a"}, "has_more": False},
    "has_more without last_id": {"object": "list", "data": [{"id": "a"}], "has_more": True},
    "has_more on an empty page": {"object": "list", "data": [], "has_more": True, "last_id": "a"},
    "has_more as a string": {"object": "list", "data": [], "has_more": "false"},
    "has_more with a null next": {
        "object": "list",
        "data": [{"id": "a"}],
        "has_more": True,
        "next": None,
    },
}


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_malformed_page_is_a_protocol_error(
    name: str, make_client: Callable[..., AdminClient]
) -> None:
    """A page missing what paging needs raises ProtocolError instead of a short list."""

    async def scenario() -> None:
        async with make_client() as client:
            await client.list_all("/organization/users")

    with respx.mock(base_url=BASE) as router:
        router.get("/organization/users").respond(200, json=BAD_PAGES[name])
        with pytest.raises(ProtocolError, match="GET /organization/users"):
            asyncio.run(scenario())


def test_cursor_that_does_not_advance_is_a_protocol_error(
    make_client: Callable[..., AdminClient],
) -> None:
    """A server that keeps answering the same last_id is caught, not followed forever."""
    page = {"object": "list", "data": [{"id": "a"}], "has_more": True, "last_id": "a"}

    async def scenario() -> None:
        async with make_client() as client:
            await client.list_all("/organization/users")

    with respx.mock(base_url=BASE) as router:
        route = router.get("/organization/users").respond(200, json=page)
        with pytest.raises(ProtocolError, match="did not advance"):
            asyncio.run(scenario())
    assert route.call_count == 2


def test_list_params_use_brackets_and_lowercase_booleans(
    make_client: Callable[..., AdminClient], pages: Callable[..., Any]
) -> None:
    """List values go out as name[]=v and booleans as true/false, like the SDK."""

    async def scenario() -> None:
        async with make_client() as client:
            await client.list_all(
                "/organization/users", params={"emails": ["a@x.io", "b@x.io"], "flag": True}
            )

    with respx.mock(base_url=BASE) as router:
        route = router.get("/organization/users").mock(side_effect=pages([]))
        asyncio.run(scenario())
    params = route.calls[0].request.url.params
    assert params.get_list("emails[]") == ["a@x.io", "b@x.io"]
    assert params["flag"] == "true"


def test_non_json_success_is_a_protocol_error(make_client: Callable[..., AdminClient]) -> None:
    """A 200 whose body is not a JSON object cannot be trusted."""

    async def scenario() -> None:
        async with make_client() as client:
            await client.get("/organization/users/u1")

    with respx.mock(base_url=BASE) as router:
        router.get("/organization/users/u1").respond(200, content=b"<html>oops</html>")
        with pytest.raises(ProtocolError, match="not JSON"):
            asyncio.run(scenario())


def test_redirect_is_not_followed(make_client: Callable[..., AdminClient]) -> None:
    """A redirect (possibly off the origin, with the key) is refused, never followed."""

    async def scenario() -> None:
        async with make_client() as client:
            await client.get("/organization/users")

    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get("/organization/users").respond(302, headers={"location": "https://evil.test/"})
        elsewhere = router.route(host="evil.test").respond(200, json={})
        with pytest.raises(ProtocolError, match="redirect"):
            asyncio.run(scenario())
    assert elsewhere.call_count == 0


def test_a_next_cursor_list_is_followed_by_its_next(
    make_client: Callable[..., AdminClient],
) -> None:
    """The RBAC lists (groups, roles, project groups) page with `next`, not `last_id`: every
    page is read, the second asked for with `after=next`, 100 a page."""
    first = {"object": "list", "data": [{"id": "g1"}], "has_more": True, "next": "cur_1"}
    last = {"object": "list", "data": [{"id": "g2"}], "has_more": False, "next": None}

    async def scenario() -> list[dict[str, Any]]:
        async with make_client() as client:
            return await client.list_all("/organization/groups")

    with respx.mock(base_url=BASE) as router:
        route = router.get("/organization/groups").mock(
            side_effect=lambda request: respx.MockResponse(
                200, json=last if request.url.params.get("after") == "cur_1" else first
            )
        )
        result = asyncio.run(scenario())
    assert result == [{"id": "g1"}, {"id": "g2"}]
    sent = [call.request.url.params for call in route.calls]
    assert [(p["limit"], p.get("after")) for p in sent] == [("100", None), ("100", "cur_1")]


def test_a_next_cursor_that_does_not_advance_is_a_protocol_error(
    make_client: Callable[..., AdminClient],
) -> None:
    """A `next` cursor answered again is caught, as a `last_id` one is."""
    page = {"object": "list", "data": [{"id": "a"}], "has_more": True, "next": "cur"}

    async def scenario() -> None:
        async with make_client() as client:
            await client.list_all("/organization/groups")

    with respx.mock(base_url=BASE) as router:
        router.get("/organization/groups").respond(200, json=page)
        with pytest.raises(ProtocolError, match="did not advance"):
            asyncio.run(scenario())
