"""What `plan`, `apply` and `drift` share: their options and the saved plan file (the pipeline
they share is pipeline.py).

    @click.command()
    @click.argument("config", type=click.Path(path_type=Path))
    @sandbox_options
    @safety_options
    def cmd(config: Path, sandbox: bool, sandbox_state: Path, **flags: bool) -> int:
        run = run_pipeline(load_source(config),
                           sandbox_state=sandbox_state if sandbox else None,
                           overrides=overrides_from(flags))

The sandbox state defaults to `.reconciler-sandbox.json` in the working directory, so `apply`
then `plan` in the same directory see the same simulated organization.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.core.plan import Plan
from reconciler.core.safety import Overrides
from reconciler.errors import ReconcilerError
from reconciler.files.output import Output, output_target, write_output

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
    ("--allow-spend-stop", "allow_spend_stop",
     "Allow a spend limit below this month's spend (stops traffic)."),
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
