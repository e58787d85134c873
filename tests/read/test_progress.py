"""Fetch reports progress through the FetchProgress protocol; the bar is silent off a terminal."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

from rich.console import Console

from reconciler.api import AdminClient
from reconciler.core.model import Desired, Organization, Project
from reconciler.read.live import fetch_live
from reconciler.render.progress import ProgressBar
from reconciler.sandbox import Sandbox


def _fetch_with(bar: ProgressBar, make: Callable[..., AdminClient], seed: dict[str, Any]) -> None:
    sandbox = Sandbox.from_seed(seed)
    desired = Desired(
        org=Organization(projects={"project-000": Project(name="project-000", members={})})
    )

    async def scenario() -> None:
        async with make(sandbox) as client:
            await fetch_live(client, desired, progress=bar)

    with bar:
        asyncio.run(scenario())


def test_every_planned_read_is_finished_and_nothing_is_drawn_off_a_terminal(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """Off a terminal the bar writes nothing, yet counts each read start and end (projects,
    users, invites, admin keys, one project's members)."""
    stream = io.StringIO()
    bar = ProgressBar(console=Console(file=stream), enabled=False)
    seed = org_seed(projects=2, users=2, invites=0, members=1, service_accounts=0)
    _fetch_with(bar, sandbox_client, seed)
    assert bar.planned_reads == bar.finished_reads == 5
    assert stream.getvalue() == ""


def test_bar_draws_on_a_terminal(
    sandbox_client: Callable[..., AdminClient], org_seed: Callable[..., dict[str, Any]]
) -> None:
    """On a terminal the bar shows what it is reading."""
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    bar = ProgressBar(console=console, enabled=True)
    seed = org_seed(projects=1, users=1, invites=0, members=1, service_accounts=0)
    _fetch_with(bar, sandbox_client, seed)
    assert "Reading organization" in stream.getvalue()
