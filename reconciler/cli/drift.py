"""`reconciler drift CONFIG`: what in the live organization differs from CONFIG, and who did it.

Exit 0 in sync, 2 drifted, 1 on any error (as `terraform plan -detailed-exitcode`). The
markdown format is the body of the drift issue the `org-drift` workflow keeps open.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.common import sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import Source, in_session, load_source, pipeline
from reconciler.core.safety import Overrides
from reconciler.errors import ExitCode
from reconciler.render import FORMATS, Format

if TYPE_CHECKING:
    from reconciler.api import AdminClient
    from reconciler.read.live import FetchProgress
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

    async def detect(client: AdminClient, progress: FetchProgress | None) -> DriftReport:
        return await _detect(client, source, config=str(config), progress=progress)

    report = in_session(detect, sandbox_state=sandbox_state if sandbox else None)
    click.echo(render_drift(report, fmt=fmt), nl=False)
    return ExitCode.CHANGES if report.drifted else ExitCode.OK


async def _detect(
    client: AdminClient, source: Source, *, config: str, progress: FetchProgress | None
) -> DriftReport:
    """The pipeline (the file's scope read, then planned), then attribution of what differs."""
    from reconciler.reports.drift import drift_report

    run = await pipeline(client, source, overrides=Overrides(), progress=progress)
    return await drift_report(client, run.plan, run.live, config=config)
