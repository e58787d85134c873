"""`reconciler report keys [CONFIG]`: every project API key, and the key policy it violates.

The policy is `settings.api_keys` of CONFIG (without one, only a key whose owner left its
project is a violation). Exit 0 when no key violates it, 2 when some do (as `drift`), 1 on any
error. Keys appear only in the API's redacted form.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from reconciler.cli.common import sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import load_file
from reconciler.cli.report_principals import format_option, read_for_report
from reconciler.errors import ExitCode


@click.command()
@click.argument("config", required=False, type=click.Path(path_type=Path))
@format_option
@sandbox_options
@handle_errors
def keys(config: Path | None, fmt: str, sandbox: bool, sandbox_state: Path) -> int:
    """List project API keys and what they violate (exit 0 none, 2 some, 1 error)."""
    from reconciler.core.model import ApiKeyPolicy
    from reconciler.core.rotation import rotations
    from reconciler.render.report import ReportFormat, render_report
    from reconciler.reports.keys import keys_report, violation_count

    desired = None if config is None else load_file(config).desired
    policy = ApiKeyPolicy() if desired is None else desired.settings.api_keys
    found, source = read_for_report(
        config=config, sandbox_state=sandbox_state if sandbox else None, memberships=False
    )
    rotating = {} if desired is None else rotations(desired)
    report = keys_report(found, policy, source=source, rotations=rotating)
    click.echo(render_report(report, fmt=cast(ReportFormat, fmt)), nl=False)
    return ExitCode.CHANGES if violation_count(report) else ExitCode.OK
