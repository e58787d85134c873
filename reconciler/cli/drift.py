"""`reconciler drift CONFIG`: what in the live organization differs from CONFIG, and who did it.

Exit 0 in sync, 2 drifted, 1 on any error (as `terraform plan -detailed-exitcode`). The
markdown format is the body of the drift issue the `org-drift` workflow keeps open. With
`--snapshot FILE` the run is incremental (reports/incremental.py): it reads the audit log
since the snapshot and re-reads only what changed, falling back to a full read when in doubt,
and the report says how fresh it is; FILE is rewritten after each successful run.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.common import sandbox_options
from reconciler.cli.drift_snapshot import parse_duration, read_snapshot, write_snapshot
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import Source, fetch_progress, load_source, pipeline, plan_of
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
@click.option(
    "--snapshot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Incremental: start from this snapshot (read in full if missing) and rewrite it.",
)
@click.option(
    "--full-every",
    default="24h",
    show_default=True,
    help="With --snapshot: read in full when the last full read is this old (0: now).",
)
@click.option(
    "--verify",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="With --snapshot: re-read this many random untouched projects to check the snapshot.",
)
@click.option("--seed", type=int, help="Seed of the --verify sample (default: the run's time).")
@sandbox_options
@handle_errors
def drift(
    *,
    config: Path,
    fmt: Format,
    snapshot: Path | None,
    full_every: str,
    verify: int,
    seed: int | None,
    sandbox: bool,
    sandbox_state: Path,
) -> int:
    """Report how the live organization differs from CONFIG (exit 0 in sync, 2 drifted, 1 error)."""
    from reconciler.render.drift import render_drift

    every = parse_duration(full_every)
    source = load_source(config)
    state = sandbox_state if sandbox else None
    if snapshot is None:
        report = asyncio.run(_detect(source, config=str(config), state=state))
    else:
        incremental = _Incremental(snapshot, every, verify, seed)
        report = asyncio.run(_detect_from(source, incremental, config=str(config), state=state))
    click.echo(render_drift(report, fmt=fmt), nl=False)
    return ExitCode.CHANGES if report.drifted else ExitCode.OK


@dataclass(frozen=True, slots=True)
class _Incremental:
    path: Path
    full_every: int
    verify: int
    seed: int | None


async def _detect_from(
    source: Source, options: _Incremental, *, config: str, state: Path | None
) -> DriftReport:
    """Drift from the snapshot (or in full, with the reason), the snapshot rewritten after."""
    from reconciler.reports.drift import drift_report
    from reconciler.reports.incremental import Options, live_from_snapshot

    previous, why = read_snapshot(options.path)
    async with open_client(env=os.environ, sandbox_state=state, read_only=True) as client:
        now = int(client.clock.time())
        with fetch_progress() as progress:
            result = await live_from_snapshot(
                client,
                source.desired,
                previous,
                options=Options(options.full_every, options.verify, options.seed),
                config_digest=source.digest,
                now=now,
                why_none=why,
                progress=progress,
            )
        plan = plan_of(source, result.live)
        report = await drift_report(client, plan, result.live, config=config)
    write_snapshot(options.path, result.snapshot)
    return replace(report, freshness=result.freshness(now=now))


async def _detect(source: Source, *, config: str, state: Path | None) -> DriftReport:
    """The pipeline (the file's scope read, with the progress bar, then planned), then the
    attribution of what differs, on one read-only client."""
    from reconciler.reports.drift import drift_report

    async with open_client(env=os.environ, sandbox_state=state, read_only=True) as client:
        with fetch_progress() as progress:
            run = await pipeline(client, source, overrides=Overrides(), progress=progress)
        return await drift_report(client, run.plan, run.live, config=config)
