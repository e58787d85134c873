"""`reconciler plan CONFIG`: show what apply would change, safely, in text, markdown or json.

Exit codes (as `terraform plan -detailed-exitcode`): 0 nothing to do; 2 changes, with
`--detailed-exitcode` (0 without it); 1 any error — a config problem, an API failure, a plan
with errors, or a plan a safety gate refuses (the rendering shows the refusal and the flag
that overrides it). `--out PLAN.json` saves the plan (with the canonical config it came from)
for `reconciler apply --plan`: never a refused plan or one with errors, and never over a file
that is not a saved plan (output_file.py: symlinks followed, FIFOs and terminals written to).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from reconciler.cli.common import (
    check_plan_file,
    overrides_from,
    safety_options,
    sandbox_options,
    write_plan_file,
)
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import Pipeline, load_source, run_pipeline
from reconciler.cli.review import review_section
from reconciler.config import desired_to_config_dict
from reconciler.core.safety import refusal_message
from reconciler.errors import ExitCode
from reconciler.render import FORMATS, Format, render


@click.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Save the plan as JSON."
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="text for people, markdown for a pull-request comment, json for machines.",
)  # fmt: skip
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes.")
@click.option(
    "--base", type=click.Path(path_type=Path),
    help="The base branch's config: plan only what differs, apart from drift already present.",
)  # fmt: skip
@click.option(
    "--codeowners", type=click.Path(path_type=Path, dir_okay=False),
    help="With a config directory, markdown names the owners each file's changes need "
    "(default: .github/CODEOWNERS or CODEOWNERS when present).",
)  # fmt: skip
@sandbox_options
@safety_options
@handle_errors
def plan(
    *,
    config: Path,
    out: Path | None,
    fmt: Format,
    detailed_exitcode: bool,
    base: Path | None,
    codeowners: Path | None,
    sandbox: bool,
    sandbox_state: Path,
    **flags: Any,
) -> int:
    """Show the changes that would make the organization match CONFIG."""
    state = sandbox_state if sandbox else None
    color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    protect: dict[str, Path | None] = {"the config file": config, "the base config": base}
    if sandbox:
        protect["the sandbox state"] = sandbox_state
    if out is not None:
        check_plan_file(out, protect=protect)
    source = load_source(config, base=base)
    run = run_pipeline(
        source, sandbox_state=state, overrides=overrides_from(flags), with_stakes=True
    )
    if base is None:
        text = render(run.plan, fmt=fmt, color=color, refusals=run.refusals, stakes=run.stakes)
    else:
        from reconciler.cli.plan_base import render_against_base

        text = render_against_base(run, fmt=fmt, color=color)
    if fmt == "markdown":
        text += review_section(run.plan, config=config, codeowners=codeowners, used=len(text))
    click.echo(text, nl=False)
    if out is not None and not run.refusals and not run.plan.has_errors:
        config_dict = desired_to_config_dict(run.loaded.desired)
        write_plan_file(out, replace(run.plan, config=config_dict), protect=protect)
    return _exit_code(run, detailed_exitcode=detailed_exitcode)


def _exit_code(run: Pipeline, *, detailed_exitcode: bool) -> int:
    """1 on a refusal or a plan with errors (saying so on stderr), 2 on changes with
    --detailed-exitcode, else 0."""
    result = run.plan
    if run.refusals:
        click.echo(f"error: {refusal_message(run.refusals)}", err=True)
        return ExitCode.ERROR
    if result.has_errors:
        errors = sum(f.severity.value == "error" for f in result.findings)
        click.echo(
            f"error: the plan has {errors} error(s) (listed above); fix the config", err=True
        )
        return ExitCode.ERROR
    if detailed_exitcode and not result.is_empty:
        return ExitCode.CHANGES
    return ExitCode.OK
