"""A fake Admin API for client tests: an obviously fake admin key, and id-cursor pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

FAKE_KEY = "sk-admin-TEST-not-a-real-key-0123456789"

Responder = Callable[[httpx.Request], httpx.Response]


def serve_pages(items: list[dict[str, Any]]) -> Responder:
    """A responder that serves `items` as id-cursor pages honouring `limit` and `after`."""

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
