"""`reconciler apply CONFIG` / `reconciler apply --plan PLAN.json`: make the organization match.

Plans, shows the plan, asks (or not, with --auto-approve; never without a terminal), runs the
safety gates again, then applies and prints what was applied, failed and skipped (exit 1 when
anything did not apply). API keys of created service accounts go only to the sink named with
--secrets-dir or --secrets-command; under GitHub Actions each is masked first.

Ctrl-C (or SIGTERM, once the writes have started) during apply starts nothing new, lets the
changes in flight finish, prints the report (marked interrupted, with counts) and exits 130; a
rerun finishes the job. A second Ctrl-C (or SIGTERM) abandons the changes in flight. A bug in
a change's handler stops the run the same way: the report (what was applied), then one
`error:` line, exit 1.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click

from reconciler.cli import apply_flow as flow
from reconciler.cli.common import overrides_from, safety_options, sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.cli.interrupts import sigterm_as_ctrl_c
from reconciler.cli.pipeline import Source, fetch_progress, load_source, pipeline
from reconciler.cli.runtime import open_client
from reconciler.core.safety import Overrides, refusal_message
from reconciler.errors import ExitCode, ReconcilerError, UnsafePlanError
from reconciler.render import render
from reconciler.render.not_read import not_read_text
from reconciler.write.apply import ApplyReport, ChangeResult, Outcome, apply_plan, describe
from reconciler.write.secrets import SecretSink, make_sink


@click.command()
@click.argument("config", required=False, type=click.Path(path_type=Path))
@click.option("--plan", "plan_file", type=click.Path(path_type=Path), help="Apply a saved plan.")
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--base", type=click.Path(path_type=Path),
    help="The config before the merge: apply only what differs from it, as `plan --base` shows.",
)  # fmt: skip
@click.option("--secrets-dir", type=click.Path(path_type=Path), help="Write API keys here.")
@click.option("--secrets-command", help="Run CMD per API key (key on stdin).")
@safety_options
@sandbox_options
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Independent changes sent at once (the client still paces each endpoint).",
)
@handle_errors
def apply(
    *,
    config: Path | None,
    plan_file: Path | None,
    auto_approve: bool,
    base: Path | None,
    secrets_dir: Path | None,
    secrets_command: str | None,
    sandbox: bool,
    sandbox_state: Path,
    concurrency: int,
    **flags: bool,
) -> int:
    """Apply CONFIG (or a saved --plan) to the organization."""
    sink = make_sink(
        secrets_dir=secrets_dir,
        secrets_command=secrets_command,
        env=os.environ,
        emit=click.echo,
    )
    source = load_source(config, plan_file=plan_file, base=base)
    if base is not None:
        click.echo(f"Scoped by --base {base}: only what differs from it is read and applied.")
    report = asyncio.run(
        _run(
            source,
            sink=sink,
            overrides=overrides_from(flags),
            auto_approve=auto_approve,
            state=sandbox_state if sandbox else None,
            concurrency=concurrency,
        )
    )
    if report is None:
        return ExitCode.OK
    _print_report(report)
    if report.interrupted:
        return ExitCode.CTRL_C
    if report.error:
        raise ReconcilerError(f"apply stopped by a bug in {report.error}; rerun with --debug")
    return ExitCode.OK if report.ok else ExitCode.ERROR


async def _run(
    source: Source,
    *,
    sink: SecretSink,
    overrides: Overrides,
    auto_approve: bool,
    state: Path | None,
    concurrency: int,
) -> ApplyReport | None:
    async with open_client(env=os.environ, sandbox_state=state) as client:
        with fetch_progress() as progress:
            run = await pipeline(client, source, overrides=overrides, progress=progress)
        if run.source.not_read is not None:
            lead = "Not read, and left alone (drift there is the drift job's to report):"
            click.echo("\n".join(not_read_text(run.source.not_read, lead=lead)) + "\n")
        plan = flow.for_apply(run.source, run.plan)
        if plan.has_errors:
            click.echo(render(plan, fmt="text"))
            raise ReconcilerError("the plan has errors (above); fix the config before applying")
        if plan.is_empty:
            click.echo(plan.summary())
            return None
        flow.refuse_keys_without_sink(plan, sink_configured=sink.configured)
        if run.refusals:
            raise UnsafePlanError(refusal_message(run.refusals))
        click.echo(render(plan, fmt="text", color=sys.stdout.isatty(), stakes=run.stakes))
        flow.confirm_or_refuse(
            auto_approve=auto_approve,
            interactive=sys.stdin.isatty() and sys.stdout.isatty(),
            ask=lambda q: click.confirm(q, default=False),
        )
        sink.preflight()
        with sigterm_as_ctrl_c():
            return await apply_plan(
                plan,
                client=client,
                live=run.live,
                sink=sink,
                on_event=_progress,
                concurrency=concurrency,
            )


_MARKS = {Outcome.APPLIED: "ok", Outcome.FAILED: "FAILED", Outcome.SKIPPED: "skipped"}


def _progress(result: ChangeResult) -> None:
    """One line on stderr per change as it finishes."""
    mark = _MARKS.get(result.outcome, result.outcome.value)
    note = f" ({result.message})" if result.message else ""
    click.echo(f"  {mark:<7} {describe(result.change)}{note}", err=True)


def _stopped_by(report: ApplyReport) -> str:
    """What stopped the run early, if anything."""
    if report.interrupted:
        return "interrupted"
    return "stopped by an internal error" if report.error else ""


def _print_report(report: ApplyReport) -> None:
    """The summary: counts, then every failure with the API's message, then the skipped."""
    counts = report.counts()
    stopped = _stopped_by(report)
    early = f", {counts['not started']} not started ({stopped})" if stopped else ""
    click.echo(
        f"Apply: {counts['applied']} applied, {counts['failed']} failed, "
        f"{counts['skipped']} skipped{early}."
    )
    for result in report.with_outcome(Outcome.FAILED):
        status = f"HTTP {result.status}: " if result.status else ""
        click.echo(f"  failed  {describe(result.change)}: {status}{result.message}")
    for result in report.with_outcome(Outcome.SKIPPED):
        click.echo(f"  skipped {describe(result.change)}: {result.message}")
    if report.interrupted:
        click.echo("Interrupted: changes in flight were finished; nothing new was started.")
    refused = [r for r in report.with_outcome(Outcome.FAILED) if _needs_a_fix(r)]
    if refused:
        click.echo("A rerun would be refused the same way; change the config or the organization:")
        for result in refused:
            click.echo(f"  {describe(result.change)}: HTTP {result.status}: {result.message}")
    if _rerun_helps(report, refused):
        click.echo("Re-run apply to finish: it re-plans from the live organization.")


def _needs_a_fix(result: ChangeResult) -> bool:
    """A failure the API will repeat: a 4xx (bad request, not found, forbidden...), except
    408 (timeout), 409 (conflict) and 429 (throttled), which a later try can pass."""
    status = result.status or 0
    return 400 <= status < 500 and status not in (408, 409, 429)


def _rerun_helps(report: ApplyReport, refused: list[ChangeResult]) -> bool:
    """Whether a rerun can finish the job: something was interrupted, stopped or failed in a
    way that can pass next time (changes skipped behind a refused one wait for its fix)."""
    if report.ok:
        return False
    if report.interrupted or report.error:
        return True
    if len(refused) < len(report.with_outcome(Outcome.FAILED)):
        return True
    return not refused  # only skipped changes (a dependency cycle): as before
