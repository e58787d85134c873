"""`reconciler plan CONFIG --base BASE_CONFIG`: a plan scoped to what a pull request changes.

Reads only the projects whose declaration differs between the two files (and organization-level
kinds when they differ), plans the head file and the base file against that one reading, and
splits the head plan into what the pull request introduces and drift already present; the
rendering names what was not read (`apply --base` leaves that alone, so the merge applies what
the comment shows). For the
projects the plan puts at stake it adds the API keys that stop working and the last 30 days of
cost and requests (fetching/stakes.py). Returns a `Planned` so `plan` handles --out and exit codes
alike.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path

from reconciler.api import AdminClient
from reconciler.cli.common import Planned, fetch_progress, load_or_exit
from reconciler.cli.runtime import open_client
from reconciler.core.model import Desired, Live
from reconciler.core.plan import Plan, make_plan
from reconciler.core.pr_scope import (
    PrScope,
    base_scope,
    changed_scope,
    not_read,
    restrict,
    split_changes,
)
from reconciler.core.safety import Overrides, check
from reconciler.core.stakes import Stakes
from reconciler.read.at_stake import read_stakes
from reconciler.read.live import FetchProgress, fetch_live
from reconciler.read.scoped import fetch_scoped
from reconciler.render import Format
from reconciler.render.pr_plan import PrPlan, render_pr


def plan_against_base(
    config: Path,
    base: Path,
    *,
    sandbox_state: Path | None,
    overrides: Overrides,
    fmt: Format,
    color: bool = False,
    env: Mapping[str, str] | None = None,
) -> tuple[Planned, str]:
    """The scoped head plan (as `Planned`) and its pull-request rendering."""
    head_loaded = load_or_exit(config)
    base_loaded = load_or_exit(base)
    changed = changed_scope(base_loaded.desired, head_loaded.desired)
    with fetch_progress() as progress:
        scope, live, plan, stakes = asyncio.run(
            _read(
                head_loaded.desired,
                changed,
                digest=head_loaded.digest,
                sandbox_state=sandbox_state,
                env=env or os.environ,
                progress=progress,
            )
        )
    head = restrict(head_loaded.desired, scope)
    base_plan = make_plan(base_scope(base_loaded.desired, head_loaded.desired, scope), live,
                          config_digest=base_loaded.digest)  # fmt: skip
    refusals = tuple(check(plan, desired=head, live=live, overrides=overrides))
    pr = PrPlan(
        plan=plan,
        split=split_changes(head=plan.changes, base=base_plan.changes),
        refusals=refusals,
        stakes=stakes,
        not_read=not_read(head_loaded.desired, head),
    )
    planned = Planned(head_loaded, live, plan, refusals, stakes)
    return planned, render_pr(pr, fmt=fmt, color=color)


async def _read(
    head: Desired,
    scope: PrScope,
    *,
    digest: str,
    sandbox_state: Path | None,
    env: Mapping[str, str],
    progress: FetchProgress | None,
) -> tuple[PrScope, Live, Plan, Stakes]:
    """One client session: the scope planned (with invitees' projects), its live state, its
    plan, and what that plan puts at stake."""
    async with open_client(env=env, sandbox_state=sandbox_state, read_only=True) as client:
        scope, live = await fetch_scoped(client, head, scope, progress=progress)
        plan, stakes = await _planned(client, restrict(head, scope), live, digest=digest,
                                      now=None, progress=progress)  # fmt: skip
        return scope, live, plan, stakes


async def read_scoped(
    client: AdminClient,
    desired: Desired,
    *,
    digest: str = "",
    now: float | None = None,
    progress: FetchProgress | None = None,
) -> tuple[Live, Plan, Stakes]:
    """The live state in `desired`'s scope, the plan, and the stakes of the projects it touches."""
    live = await fetch_live(client, desired, progress=progress)
    plan, stakes = await _planned(client, desired, live, digest=digest, now=now, progress=progress)
    return live, plan, stakes


async def _planned(
    client: AdminClient,
    desired: Desired,
    live: Live,
    *,
    digest: str,
    now: float | None,
    progress: FetchProgress | None,
) -> tuple[Plan, Stakes]:
    plan = make_plan(desired, live, config_digest=digest)
    return plan, await read_stakes(client, plan, live, now=now, progress=progress)
