"""Fixtures for API client tests: a fake key, a sped-up clock, and paginating respx routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.api import AdminClient, Pacing
from reconciler.clock import VirtualClock

FAKE_KEY = "sk-admin-TEST-not-a-real-key-0123456789"
BASE = "https://api.openai.com/v1"

Responder = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def fake_key() -> str:
    """An admin key that is obviously fake and easy to grep for."""
    return FAKE_KEY


@pytest.fixture
def clock() -> VirtualClock:
    """Virtual time: a 5 s Retry-After takes no real time, and measured gaps are exact."""
    return VirtualClock()


@pytest.fixture
def make_client(clock: VirtualClock) -> Callable[..., AdminClient]:
    """Builds a client on the fake key and the fast clock; pacing is fast unless given."""

    def make(**pacing: Any) -> AdminClient:
        options: dict[str, Any] = {"requests_per_minute": 10_000, "backoff_base": 0.5, "seed": 7}
        options.update(pacing)
        return AdminClient(api_key=FAKE_KEY, pacing=Pacing(**options), clock=clock)

    return make


@pytest.fixture
def pages() -> Callable[[list[dict[str, Any]]], Responder]:
    """A responder that serves `items` as id-cursor pages honouring `limit` and `after`."""

    def serve(items: list[dict[str, Any]]) -> Responder:
        def respond(request: httpx.Request) -> httpx.Response:
            limit = int(request.url.params.get("limit", "20"))
            after = request.url.params.get("after")
            start = 0 if after is None else [i["id"] for i in items].index(after) + 1
            chunk = items[start : start + limit]
            body = {
                "object": "list",
                "data": chunk,
                "first_id": chunk[0]["id"] if chunk else None,
                "last_id": chunk[-1]["id"] if chunk else None,
                "has_more": start + limit < len(items),
            }
            return httpx.Response(200, json=body)

        return respond

    return serve
