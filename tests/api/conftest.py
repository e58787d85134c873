"""Fixtures for API client tests: a client on a fake key, a sped-up clock, and paginating
respx routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.api import AdminClient, Pacing
from reconciler.clock import VirtualClock
from tests.support.fake_api import FAKE_KEY, Responder, serve_pages


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
    return serve_pages
