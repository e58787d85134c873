"""A read that fails inside the concurrent fetch surfaces as its own one-line error."""

from __future__ import annotations

import asyncio

import pytest
import respx

from reconciler.api import AdminClient, Pacing
from reconciler.core.model import Desired, Organization, Project, ServiceAccount
from reconciler.errors import ProtocolError
from reconciler.read.live import fetch_live

BASE = "https://api.openai.com/v1"
FAKE_KEY = "sk-admin-TEST-not-a-real-key"


def test_malformed_page_in_a_concurrent_read_is_a_protocol_error_not_a_group() -> None:
    """A members page with has_more but no last_id stops the fetch with ProtocolError naming the
    request (the other reads are cancelled), never an ExceptionGroup or a partial Live."""
    projects = {
        "object": "list",
        "data": [
            {
                "id": "proj_1",
                "object": "organization.project",
                "name": "web",
                "created_at": 1,
                "archived_at": None,
                "status": "active",
            }
        ],
        "has_more": False,
    }
    desired = Desired(
        org=Organization(
            projects={
                "web": Project(
                    name="web", members={}, service_accounts={"ci": ServiceAccount("ci")}
                )
            }
        )
    )

    async def scenario() -> None:
        pacing = Pacing(requests_per_minute=1000)
        async with AdminClient(api_key=FAKE_KEY, pacing=pacing) as client:
            await fetch_live(client, desired)

    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get("/organization/projects").respond(200, json=projects)
        router.get("/organization/projects/proj_1/users").respond(
            200, json={"object": "list", "data": [], "has_more": True}
        )
        router.get("/organization/projects/proj_1/service_accounts").respond(
            200, json={"object": "list", "data": [], "has_more": False}
        )
        router.get("/organization/users").respond(
            200, json={"object": "list", "data": [], "has_more": False}
        )
        router.get("/organization/invites").respond(
            200, json={"object": "list", "data": [], "has_more": False}
        )
        router.get("/organization/admin_api_keys").respond(
            200, json={"object": "list", "data": [], "has_more": False}
        )
        with pytest.raises(ProtocolError, match="GET /organization/projects/proj_1/users"):
            asyncio.run(scenario())
