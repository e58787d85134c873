"""Cursor pagination across page boundaries, as the real API pages (limit 1–100, after)."""

from __future__ import annotations

import pytest

from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient
from reconciler.sandbox.client import api_error as error_of
from reconciler.sandbox.seed import demo_seed


def _sandbox_with_invites(count: int) -> Sandbox:
    invites = [
        {"email": f"u{i:03d}@example.com", "role": "reader", "projects": {}} for i in range(count)
    ]
    return Sandbox.from_seed(demo_seed() | {"invites": invites, "audit_logs": []})


def _walk(client: SandboxClient, limit: int) -> tuple[list[str], int]:
    emails: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params: dict[str, object] = {"limit": limit}
        if after:
            params["after"] = after
        body = client.get("/organization/invites", **params).json()
        pages += 1
        emails += [p["email"] for p in body["data"]]
        if body["data"]:
            assert (body["first_id"], body["last_id"]) == (
                body["data"][0]["id"],
                body["data"][-1]["id"],
            )
        else:
            assert (body["first_id"], body["last_id"]) == (None, None)
        if not body["has_more"]:
            return emails, pages
        after = body["last_id"]


@pytest.mark.parametrize(
    ("count", "limit", "pages"),
    [(0, 100, 1), (1, 100, 1), (100, 100, 1), (101, 100, 2), (250, 100, 3), (250, 20, 13)],
)
def test_pages_cover_every_item_once_in_creation_order(count: int, limit: int, pages: int) -> None:
    """Walking `after` cursors returns every invite exactly once, oldest first, in as few pages
    as `limit` allows."""
    with SandboxClient(_sandbox_with_invites(count)) as client:
        emails, walked = _walk(client, limit)
    assert emails == [f"u{i:03d}@example.com" for i in range(count)]
    assert walked == pages


def test_default_limit_is_twenty_and_bounds_are_enforced() -> None:
    """Without `limit` a page has 20 items; 0 and 101 are refused with 400."""
    with SandboxClient(_sandbox_with_invites(30)) as client:
        assert len(client.get("/organization/invites").json()["data"]) == 20
        assert client.get("/organization/invites", limit=0).status_code == 400
        too_many = client.get("/organization/invites", limit=101)
        assert error_of(too_many)["param"] == "limit"


def test_unknown_cursor_is_refused() -> None:
    """An `after` id that never came from this list is 400."""
    with SandboxClient(_sandbox_with_invites(3)) as client:
        assert client.get("/organization/invites", after="invite-nope").status_code == 400


def test_rate_limits_page_defaults_to_one_hundred(api: SandboxClient) -> None:
    """Project rate limits use the spec's default page of 100, so one page holds them all."""
    body = api.get(f"/organization/projects/{api.project('search-prod')}/rate_limits").json()
    assert body["has_more"] is False
    assert len(body["data"]) == len(api.sandbox.state.org_limits)
