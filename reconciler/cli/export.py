"""`reconciler export [--output FILE | --split DIR]`: the live organization as a config file
(or a config directory, see export_split.py).

Without --output the file goes to stdout. With it, the file is written atomically (keeping the
mode of a file it replaces) and an existing file is only replaced with --force; a symlink is
followed, a FIFO or terminal written to (output_file.py). Planning the exported file against
the same organization shows no changes. It reads no config, so of the pipeline (pipeline.py)
it runs only the read session.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import click

from reconciler.cli.common import sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import in_session, load_file
from reconciler.core.model import ReportSettings
from reconciler.errors import ExportError
from reconciler.files.output import Output, output_target, write_output
from reconciler.reports.export import Exported

log = logging.getLogger(__name__)


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the config here (default: stdout).",
)
@click.option(
    "--split", type=click.Path(file_okay=False, path_type=Path),
    help="Write a config directory instead: organization.yaml and one file per project.",
)  # fmt: skip
@click.option(
    "--split-by", metavar="LABEL",
    help="With --split: one file per value of this project label (from --labels-from).",
)  # fmt: skip
@click.option(
    "--labels-from", type=click.Path(path_type=Path), metavar="CONFIG",
    help="Keep the labels and budgets this config declares (they live only in the file).",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite --output (or --split's files) if it exists.")
@sandbox_options
@handle_errors
def export(
    *,
    output: Path | None,
    split: Path | None,
    split_by: str | None,
    labels_from: Path | None,
    force: bool,
    sandbox: bool,
    sandbox_state: Path,
) -> None:
    """Write the live organization as a config file that plans with no changes."""
    from reconciler.reports.export import read_everything
    from reconciler.reports.export_yaml import render_config

    if output is not None and split is not None:
        raise click.UsageError("give --output FILE or --split DIR, not both")
    if split_by is not None and (split is None or labels_from is None):
        raise click.UsageError("--split-by needs --split DIR and --labels-from CONFIG")
    reports = None if labels_from is None else load_file(labels_from).desired.reports
    protect = {"the sandbox state": sandbox_state if sandbox else None}
    if output is not None:
        _check_output(output, force=force, protect=protect)
    if split is not None:
        state = sandbox_state if sandbox else None
        _export_split(split, force=force, state=state, reports=reports, by=split_by)
        return
    exported = with_reports(
        in_session(
            lambda client, progress: read_everything(client, progress=progress),
            sandbox_state=sandbox_state if sandbox else None,
        ),
        reports,
    )
    text = render_config(exported, now=time.time())
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(_check_output(output, force=force, protect=protect), text, make_parents=True)
    log.info("exported the organization to %s", output)
    count = len(exported.desired.org.projects)
    click.echo(f"exported {count} projects to {output}", err=True)


def _export_split(
    root: Path, *, force: bool, state: Path | None, reports: ReportSettings | None, by: str | None
) -> None:
    """Write the live organization as a config directory (see cli/export_split.py)."""
    from reconciler.cli.export_split import check_split, write_split
    from reconciler.reports.export import read_everything
    from reconciler.reports.export_yaml import render_split

    check_split(root, force=force)
    exported = with_reports(
        in_session(
            lambda client, progress: read_everything(client, progress=progress), sandbox_state=state
        ),
        reports,
    )
    files = render_split(exported, now=time.time(), by=by)
    write_split(root, files, force=force)
    count = len(exported.desired.org.projects)
    click.echo(f"exported {count} projects to {root}/ ({len(files)} files)", err=True)


def _check_output(output: Path, *, force: bool, protect: dict[str, Path | None]) -> Output:
    """Refuse before reading the organization (and again before writing): an existing file
    without --force, a file the command reads, or no way to write there."""
    out = output_target(output, what="the config file", protect=protect)
    if out.kind == "file" and not force:
        raise ExportError(f"{output} exists; pass --force to overwrite it")
    return out


def with_reports(exported: Exported, reports: ReportSettings | None) -> Exported:
    """The export carrying a config's labels and budgets (for its projects that exist live)."""
    if reports is None:
        return exported
    names = set(exported.desired.org.projects)
    kept = ReportSettings(
        labels={name: labels for name, labels in reports.labels.items() if name in names},
        budgets={name: usd for name, usd in reports.budgets.items() if name in names},
        org_budget=reports.org_budget,
    )
    return replace(exported, desired=replace(exported.desired, reports=kept))
