"""`reconciler drift CONFIG`: what in the live organization differs from CONFIG, and who did it.

Exit 0 in sync, 2 drifted, 1 on any error (as `terraform plan -detailed-exitcode`). The
markdown format is the body of the drift issue the `org-drift` workflow keeps open.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.common import fetch_progress, load_or_exit, sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.errors import ExitCode
from reconciler.render import FORMATS, Format

if TYPE_CHECKING:
    from reconciler.core.model import Desired
    from reconciler.reports.drift import DriftReport


@click.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="markdown is the body of the drift issue.",
)
@sandbox_options
@handle_errors
def drift(config: Path, fmt: Format, sandbox: bool, sandbox_state: Path) -> None:
    """Report how the live organization differs from CONFIG (exit 0 in sync, 2 drifted, 1 error)."""
    from reconciler.render.drift import render_drift

    loaded = load_or_exit(config)
    state = sandbox_state if sandbox else None
    report = asyncio.run(
        _detect(loaded.desired, config=str(config), digest=loaded.digest, state=state)
    )
    click.echo(render_drift(report, fmt=fmt), nl=False)
    sys.exit(ExitCode.CHANGES if report.drifted else ExitCode.OK)


async def _detect(desired: Desired, *, config: str, digest: str, state: Path | None) -> DriftReport:
    """Fetch the live organization in the file's scope, then plan and attribute."""
    from reconciler.cli.runtime import open_client
    from reconciler.read.live import fetch_live
    from reconciler.reports.drift import detect_drift

    async with open_client(env=os.environ, sandbox_state=state, read_only=True) as client:
        with fetch_progress() as progress:
            live = await fetch_live(client, desired, progress=progress)
        return await detect_drift(client, desired, live, config=config, config_digest=digest)
