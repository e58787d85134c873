"""A fetch on the sandbox, with faults and debug logging, never shows the admin key."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.api import AdminClient
from reconciler.clock import ScaledClock
from reconciler.core.model import Desired, Organization, Project, User
from reconciler.errors import ApiError
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox


def test_fetch_with_faults_and_debug_logs_never_shows_the_key(
    sandbox_client: Callable[..., AdminClient],
    org_seed: Callable[..., dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every request logged at DEBUG, 5xx and bare 429s injected, and a final failure: the
    sandbox's key is in none of the logs, output or error text."""
    caplog.set_level(logging.DEBUG)
    seed = org_seed(projects=4, users=3, invites=1, members=2, service_accounts=1)
    sandbox = Sandbox.from_seed(seed, clock=ScaledClock(speed=1000))
    sandbox.faults.server_error = 0.2
    sandbox.faults.rate_limited_bare = 0.1
    desired = Desired(
        org=Organization(
            users={"admin@example.com": User("admin@example.com", "owner")},
            projects={
                f"project-{p:03d}": Project(name=f"project-{p:03d}", members={}) for p in range(4)
            },
        )
    )
    texts: list[str] = []

    async def scenario() -> None:
        async with sandbox_client(sandbox) as client:
            texts.append(repr(client))
            live = await fetch_live(client, desired)
            texts.append(repr(live))
            sandbox.faults.server_error = 1.0
            try:
                await client.get("/organization/users")
            except ApiError as exc:
                texts.extend([str(exc), repr(exc)])

    asyncio.run(scenario())
    out = capsys.readouterr()
    everything = "\n".join([*texts, caplog.text, out.out, out.err])
    assert "HTTP 500" in everything
    assert "GET /organization/users" in caplog.text
    assert sandbox.admin_key not in everything
