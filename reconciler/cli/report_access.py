"""`reconciler report access [CONFIG]`: who has access to what, and the config entry behind it.

One row per principal and scope (see reports/access.py); with CONFIG each row names the
`file:line` that declares it, or `undeclared`. Exit 0 on success, 1 on any error: the report
is evidence, not a verdict (`drift` is the verdict).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from reconciler.cli.common import sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import load_file
from reconciler.cli.report_principals import format_option, read_for_report


@click.command()
@click.argument("config", required=False, type=click.Path(path_type=Path))
@format_option
@sandbox_options
@handle_errors
def access(config: Path | None, fmt: str, sandbox: bool, sandbox_state: Path) -> None:
    """List every principal's access per scope, with where CONFIG declares it."""
    from reconciler.core.rotation import rotations
    from reconciler.render.report import ReportFormat, render_report
    from reconciler.reports.access import access_report

    loaded = None if config is None else load_file(config)
    found, source = read_for_report(
        config=config,
        sandbox_state=sandbox_state if sandbox else None,
        memberships=True,
        teams=True,
    )
    declared = None if loaded is None else loaded.declared
    rotating = {} if loaded is None else rotations(loaded.desired)
    report = access_report(found, declared, source=source, rotations=rotating)
    click.echo(render_report(report, fmt=cast(ReportFormat, fmt)), nl=False)
