"""Error mapping and retries: statuses become typed errors; reads retry, writes never do."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
import respx

from reconciler.api import AdminClient
from reconciler.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    NotFoundError,
    ServerError,
    ThrottledError,
    TransportError,
)

BASE = "https://api.openai.com/v1"
PATH = "/organization/users"


def _error(status: int, message: str) -> httpx.Response:
    body = {
        "error": {"message": message, "type": "invalid_request_error", "param": None, "code": "x"}
    }
    return httpx.Response(status, json=body)


def _get(client_factory: Callable[..., AdminClient], **pacing: object) -> None:
    async def scenario() -> None:
        async with client_factory(**pacing) as client:
            await client.get(PATH)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("status", "error", "calls"),
    [
        (400, BadRequestError, 1),
        (401, AuthError, 1),
        (403, AuthError, 1),
        (404, NotFoundError, 1),
        (409, BadRequestError, 1),
        (422, BadRequestError, 1),
        (429, ThrottledError, 3),
        (500, ServerError, 3),
        (503, ServerError, 3),
        (501, BadRequestError, 1),
    ],
)
def test_status_maps_to_typed_error_after_the_retry_budget(
    status: int, error: type[ApiError], calls: int, make_client: Callable[..., AdminClient]
) -> None:
    """Each status raises its error type, carrying the API's message, operation and status;
    only 429 and 5xx are retried, up to max_attempts (not 501: permanent)."""
    with respx.mock(base_url=BASE) as router:
        route = router.get(PATH).mock(return_value=_error(status, "the API's own words"))
        with pytest.raises(error) as caught:
            _get(make_client, max_attempts=3)
    assert route.call_count == calls
    assert caught.value.status == status
    assert str(caught.value) == f"GET {PATH} HTTP {status}: the API's own words"


def test_server_error_then_success_is_retried_transparently(
    make_client: Callable[..., AdminClient],
) -> None:
    """A read that fails with 500 once and then succeeds returns the success."""
    with respx.mock(base_url=BASE) as router:
        route = router.get(PATH).mock(
            side_effect=[_error(500, "boom"), httpx.Response(200, json={"id": "u"})]
        )
        _get(make_client)
    assert route.call_count == 2


@pytest.mark.parametrize("status", [429, 500, 502])
def test_writes_are_never_retried(status: int, make_client: Callable[..., AdminClient]) -> None:
    """A POST or DELETE that fails is sent exactly once: apply decides what to do next."""

    async def scenario() -> None:
        async with make_client() as client:
            with pytest.raises(ApiError):
                await client.post("/organization/invites", json={"email": "a@x.io"})
            with pytest.raises(ApiError):
                await client.delete("/organization/invites/inv_1")

    with respx.mock(base_url=BASE) as router:
        post = router.post("/organization/invites").mock(return_value=_error(status, "no"))
        delete = router.delete("/organization/invites/inv_1").mock(
            return_value=_error(status, "no")
        )
        asyncio.run(scenario())
    assert (post.call_count, delete.call_count) == (1, 1)


def test_transport_errors_are_retried_for_reads_then_mapped(
    make_client: Callable[..., AdminClient],
) -> None:
    """Connection failures retry a read up to the budget, then raise TransportError."""
    with respx.mock(base_url=BASE) as router:
        route = router.get(PATH).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(TransportError, match=f"GET {PATH}: ConnectError"):
            _get(make_client, max_attempts=4)
    assert route.call_count == 4


def test_write_transport_error_is_not_retried(make_client: Callable[..., AdminClient]) -> None:
    """A write whose connection dropped is sent once and reported as TransportError."""

    async def scenario() -> None:
        async with make_client() as client:
            await client.post("/organization/projects", json={"name": "p"})

    with respx.mock(base_url=BASE) as router:
        route = router.post("/organization/projects").mock(
            side_effect=httpx.RemoteProtocolError("dropped")
        )
        with pytest.raises(TransportError):
            asyncio.run(scenario())
    assert route.call_count == 1


def test_error_body_without_json_still_maps(make_client: Callable[..., AdminClient]) -> None:
    """A 502 with an HTML body still becomes ServerError with the reason phrase."""
    with respx.mock(base_url=BASE) as router:
        router.get(PATH).respond(502, content=b"<html>bad gateway</html>")
        with pytest.raises(ServerError, match="HTTP 502: Bad Gateway"):
            _get(make_client, max_attempts=1)


def test_stats_count_requests_retries_and_throttles(
    make_client: Callable[..., AdminClient],
) -> None:
    """The client's stats count every request sent, the retries and the 429s."""
    client_box: list[AdminClient] = []

    async def scenario() -> None:
        async with make_client() as client:
            client_box.append(client)
            await client.get(PATH)

    with respx.mock(base_url=BASE) as router:
        router.get(PATH).mock(
            side_effect=[_error(429, "slow"), _error(500, "x"), httpx.Response(200, json={})]
        )
        asyncio.run(scenario())
    stats = client_box[0].stats
    assert (stats.total, stats.retries, stats.throttled) == (3, 2, 1)
    assert stats.by_family["users"] == 3
    assert stats.by_endpoint[("GET", "/organization/users")] == 3
