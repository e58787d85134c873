"""`reconciler export [--output FILE | --split DIR]`: the live organization as a config file
(or a config directory, see export_split.py).

Without --output the file goes to stdout. With it, the file is written atomically (keeping the
mode of a file it replaces) and an existing file is only replaced with --force; a symlink is
followed, a FIFO or terminal written to (output_file.py). Planning the exported file against
the same organization shows no changes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.common import fetch_progress, sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.files.output import Output, output_target, write_output

if TYPE_CHECKING:
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
@click.option("--force", is_flag=True, help="Overwrite --output (or --split's files) if it exists.")
@sandbox_options
@handle_errors
def export(
    output: Path | None, split: Path | None, force: bool, sandbox: bool, sandbox_state: Path
) -> None:
    """Write the live organization as a config file that plans with no changes."""
    from reconciler.reports.export_yaml import render_config

    if output is not None and split is not None:
        raise click.UsageError("give --output FILE or --split DIR, not both")
    protect = {"the sandbox state": sandbox_state if sandbox else None}
    if output is not None:
        _check_output(output, force=force, protect=protect)
    if split is not None:
        _export_split(split, force=force, state=sandbox_state if sandbox else None)
        return
    exported = asyncio.run(_read(sandbox_state if sandbox else None))
    text = render_config(exported, now=time.time())
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(_check_output(output, force=force, protect=protect), text, make_parents=True)
    log.info("exported the organization to %s", output)
    count = len(exported.desired.org.projects)
    click.echo(f"exported {count} projects to {output}", err=True)


def _export_split(root: Path, *, force: bool, state: Path | None) -> None:
    from reconciler.cli.export_split import check_split, write_split
    from reconciler.reports.export_yaml import render_split

    check_split(root, force=force)
    exported = asyncio.run(_read(state))
    files = render_split(exported, now=time.time())
    write_split(root, files, force=force)
    count = len(exported.desired.org.projects)
    click.echo(f"exported {count} projects to {root}/ ({len(files)} files)", err=True)


def _check_output(output: Path, *, force: bool, protect: dict[str, Path | None]) -> Output:
    """Refuse before reading the organization (and again before writing): an existing file
    without --force, a file the command reads, or no way to write there."""
    from reconciler.reports.export import ExportError

    out = output_target(output, what="the config file", protect=protect)
    if out.kind == "file" and not force:
        raise ExportError(f"{output} exists; pass --force to overwrite it")
    return out


async def _read(state: Path | None) -> Exported:
    """Open the client and read everything (a progress bar on a terminal)."""
    from reconciler.cli.runtime import open_client
    from reconciler.reports.export import read_everything

    async with open_client(env=os.environ, sandbox_state=state, read_only=True) as client:
        with fetch_progress() as progress:
            return await read_everything(client, progress=progress)
