"""What `report keys` and `report access` share: the --format option, and one read of the
organization's principals (with a progress bar on a terminal) stamped with its `Source`."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.cli.pipeline import fetch_progress
from reconciler.read.principals import Principals
from reconciler.render.report import FORMATS
from reconciler.reports.source import Source

F = TypeVar("F", bound=Callable[..., Any])
UNNAMED = "unknown (no listed admin key matches the key in use)"


def format_option(func: F) -> F:
    """Add `--format table|csv|json|markdown`."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="csv and json for machines, markdown for an issue or a comment.",
    )(func)


def read_for_report(
    *, config: Path | None, sandbox_state: Path | None, memberships: bool, teams: bool = False
) -> tuple[Principals, Source]:
    """The organization's principals (see read/principals.py), with `teams` the access held
    through groups and custom roles too (read/teams.py), and where and when they were read."""
    found, now = asyncio.run(_read(sandbox_state, memberships=memberships, teams=teams))
    organization = (
        f"the organization of admin key {found.admin_key}" if found.admin_key else UNNAMED
    )
    if sandbox_state is not None:
        organization += f"; sandbox {sandbox_state}"
    source = Source(
        now=now,
        organization=organization,
        config=None if config is None else str(config),
    )
    return found, source


async def _read(
    sandbox_state: Path | None, *, memberships: bool, teams: bool
) -> tuple[Principals, int]:
    """The principals, and when they were read on the client's clock (the sandbox's own on
    --sandbox, so key ages there follow its clock)."""
    from reconciler.cli.runtime import open_client
    from reconciler.read.principals import read_principals
    from reconciler.read.teams import read_teams

    async with open_client(env=os.environ, sandbox_state=sandbox_state, read_only=True) as client:
        with fetch_progress() as progress:
            found = await read_principals(client, memberships=memberships, progress=progress)
            if teams:
                projects = [(p.name, p.id) for p in found.projects]
                read = read_teams(client, projects=projects, user_ids=found.user_ids)
                found = replace(found, teams=await read)
        return found, int(client.clock.time())
