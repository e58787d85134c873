"""`reconciler drift CONFIG`: what in the live organization differs from CONFIG, and who did it.

Exit 0 in sync, 2 drifted, 1 on any error (as `terraform plan -detailed-exitcode`). The
markdown format is the body of the drift issue the `org-drift` workflow keeps open.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.common import sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import Source, fetch_progress, load_source, pipeline
from reconciler.cli.runtime import open_client
from reconciler.core.safety import Overrides
from reconciler.errors import ExitCode
from reconciler.render import FORMATS, Format

if TYPE_CHECKING:
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
def drift(config: Path, fmt: Format, sandbox: bool, sandbox_state: Path) -> int:
    """Report how the live organization differs from CONFIG (exit 0 in sync, 2 drifted, 1 error)."""
    from reconciler.render.drift import render_drift

    source = load_source(config)
    state = sandbox_state if sandbox else None
    report = asyncio.run(_detect(source, config=str(config), state=state))
    click.echo(render_drift(report, fmt=fmt), nl=False)
    return ExitCode.CHANGES if report.drifted else ExitCode.OK


async def _detect(source: Source, *, config: str, state: Path | None) -> DriftReport:
    """The pipeline (the file's scope read, with the progress bar, then planned), then the
    attribution of what differs, on one read-only client."""
    from reconciler.reports.drift import drift_report

    async with open_client(env=os.environ, sandbox_state=state, read_only=True) as client:
        with fetch_progress() as progress:
            run = await pipeline(client, source, overrides=Overrides(), progress=progress)
        return await drift_report(client, run.plan, run.live, config=config)
