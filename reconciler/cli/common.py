"""What `plan`, `apply` and `drift` share: their options and the load → fetch → plan → safety
pipeline.

    @click.command()
    @click.argument("config", type=click.Path(path_type=Path))
    @sandbox_options
    @safety_options
    def cmd(config: Path, sandbox: bool, sandbox_state: Path, **flags: bool) -> None:
        planned = run_pipeline(config, sandbox_state=sandbox_state if sandbox else None,
                               overrides=overrides_from(flags))

The sandbox state defaults to `.reconciler-sandbox.json` in the working directory, so `apply`
then `plan` in the same directory see the same simulated organization.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.cli.runtime import open_client
from reconciler.config import LoadedConfig, load_config
from reconciler.core.model import Live
from reconciler.core.plan import Plan, make_plan
from reconciler.core.safety import Overrides, Refusal, check
from reconciler.core.stakes import Stakes
from reconciler.errors import ConfigError, ExitCode, ReconcilerError
from reconciler.files.output import Output, output_target, write_output
from reconciler.read.at_stake import read_stakes
from reconciler.read.live import FetchProgress, fetch_live

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_SANDBOX_STATE = Path(".reconciler-sandbox.json")
MAX_PLAN_BYTES = 256 * 2**20  # a bigger file at --out is not taken for a saved plan

# (flag, Overrides field, help): one named flag per safety gate (see safety.py).
SAFETY_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("--force", "force", "Allow more deletes than max_deletes / max_delete_share."),
    ("--allow-archive", "allow_archive", "Allow archiving projects (irreversible)."),
    ("--allow-fewer-owners", "allow_fewer_owners", "Allow fewer than min_owners org owners."),
    ("--allow-key-owner-change", "allow_key_owner_change",
     "Allow removing or demoting the admin key's owner."),
    ("--allow-protected-removal", "allow_protected_removal", "Allow removing protected_users."),
)  # fmt: skip


def sandbox_options(func: F) -> F:
    """Add `--sandbox` and `--sandbox-state FILE`."""
    func = click.option(
        "--sandbox-state",
        type=click.Path(path_type=Path, dir_okay=False),
        default=DEFAULT_SANDBOX_STATE,
        show_default=True,
        help="The simulated organization's state file (with --sandbox).",
    )(func)
    return click.option("--sandbox", is_flag=True, help="Run against the sandbox simulator.")(func)


def safety_options(func: F) -> F:
    """Add one flag per safety gate; `overrides_from` turns them into `Overrides`."""
    for flag, name, text in reversed(SAFETY_FLAGS):
        func = click.option(flag, name, is_flag=True, help=text)(func)
    return func


def overrides_from(flags: Mapping[str, Any]) -> Overrides:
    """The Overrides the safety flags among `flags` (click's keyword arguments) ask for."""
    return Overrides(**{name: bool(flags.get(name)) for _, name, _ in SAFETY_FLAGS})


def load_or_exit(config: Path) -> LoadedConfig:
    """Load CONFIG; on problems print each one (file:line: message), then one `error:` line
    counting them, on stderr, and exit 1."""
    try:
        loaded = load_config(config)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"error: {problems_found(exc, config)}", err=True)
        sys.exit(ExitCode.ERROR)
    for warning in loaded.warnings:
        click.echo(str(warning), err=True)
    return loaded


def problems_found(exc: ConfigError, config: Path) -> str:
    """`2 problems found in org.yaml`."""
    count = len(exc.problems)
    return f"{count} problem{'s' if count != 1 else ''} found in {config}"


@dataclass(frozen=True, slots=True)
class Planned:
    """The pipeline's result: what was loaded and read, the plan, and the safety refusals."""

    loaded: LoadedConfig
    live: Live
    plan: Plan
    refusals: tuple[Refusal, ...]
    stakes: Stakes | None = None


def run_pipeline(
    config: Path,
    *,
    sandbox_state: Path | None,
    overrides: Overrides,
    env: Mapping[str, str] | None = None,
    with_stakes: bool = False,
) -> Planned:
    """Load CONFIG, read the live organization (a progress bar on a terminal), plan, check;
    `with_stakes` also reads what the plan puts at stake (API keys, last 30 days' usage)."""
    loaded = load_or_exit(config)
    with fetch_progress() as progress:
        live, plan, stakes = asyncio.run(
            _read_and_plan(
                loaded,
                sandbox_state=sandbox_state,
                env=env or os.environ,
                progress=progress,
                with_stakes=with_stakes,
            )
        )
    refusals = check(plan, desired=loaded.desired, live=live, overrides=overrides)
    return Planned(loaded, live, plan, tuple(refusals), stakes)


async def _read_and_plan(
    loaded: LoadedConfig,
    *,
    sandbox_state: Path | None,
    env: Mapping[str, str],
    progress: FetchProgress | None,
    with_stakes: bool,
) -> tuple[Live, Plan, Stakes | None]:
    """One client session: the live organization, the plan, then (if asked) what it puts at
    stake, so the stakes reads share the client's pacing with the fetch."""
    async with open_client(env=env, sandbox_state=sandbox_state, read_only=True) as client:
        live = await fetch_live(client, loaded.desired, progress=progress)
        plan = make_plan(loaded.desired, live, config_digest=loaded.digest)
        if not with_stakes:
            return live, plan, None
        return live, plan, await read_stakes(client, plan, live, progress=progress)


@contextmanager
def fetch_progress() -> Iterator[FetchProgress | None]:
    """The fetch progress bar on stderr (render/progress.py): drawn only on a terminal."""
    from reconciler.render.progress import ProgressBar

    with ProgressBar.on_stderr() as bar:
        yield bar


def check_plan_file(path: Path, *, protect: Mapping[str, Path | None]) -> Output:
    """Fail before reading the organization when --out cannot or may not be written: a file is
    replaced only if it is a saved plan (a previous --out), never if the command reads it."""
    out = output_target(path, what="the plan file", protect=protect)
    if out.kind == "file" and not _is_saved_plan(out.target):
        raise ReconcilerError(
            f"{path} exists and is not a saved plan; remove it or choose another --out"
        )
    return out


def write_plan_file(path: Path, plan: Plan, *, protect: Mapping[str, Path | None]) -> None:
    """Save the plan's canonical JSON: atomically over a file (keeping its mode), or written
    through to a FIFO or terminal; checked again, as the file may have changed meanwhile."""
    out = check_plan_file(path, protect=protect)
    text = json.dumps(plan.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_output(out, text)


def _is_saved_plan(path: Path) -> bool:
    """Whether `path` holds a plan document (`"format": "reconciler-plan"`)."""
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == "reconciler-plan"
