"""`reconciler plan CONFIG --base BASE_CONFIG`: a plan scoped to what a pull request changes.

Reads only the projects whose declaration differs between the two files (and organization-level
kinds when they differ), plans the head file and the base file against that one reading, and
splits the head plan into what the pull request introduces and drift already present. For the
projects the plan archives or removes members from, it adds the last 30 days of cost and
requests (two more requests). Returns a `Planned` so `plan` handles --out and exit codes alike.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from pathlib import Path

from reconciler.api import AdminClient
from reconciler.commands.common import Planned, fetch_progress, load_or_exit
from reconciler.fetch import FetchProgress, fetch_live
from reconciler.model import Desired, Live
from reconciler.plan import make_plan
from reconciler.render.pr_plan import Fmt, PrPlan, projects_at_stake, render_pr
from reconciler.runtime import open_client
from reconciler.safety import Overrides, check
from reconciler.scope import base_scope, scope_to_changes, split_changes
from reconciler.usage import Stakes, last_30_days


def plan_against_base(
    config: Path,
    base: Path,
    *,
    sandbox_state: Path | None,
    overrides: Overrides,
    fmt: Fmt,
    color: bool = False,
    env: Mapping[str, str] | None = None,
) -> tuple[Planned, str]:
    """The scoped head plan (as `Planned`) and its pull-request rendering."""
    head_loaded = load_or_exit(config)
    base_loaded = load_or_exit(base)
    head = scope_to_changes(base_loaded.desired, head_loaded.desired)
    with fetch_progress() as progress:
        live, stakes_of = asyncio.run(
            _read(head, sandbox_state=sandbox_state, env=env or os.environ, progress=progress)
        )
    plan = make_plan(head, live, config_digest=head_loaded.digest)
    base_plan = make_plan(base_scope(base_loaded.desired, head_loaded.desired), live,
                          config_digest=base_loaded.digest)  # fmt: skip
    refusals = tuple(check(plan, desired=head, live=live, overrides=overrides))
    names = {pid: name for name, pid in live.ids.projects.items()}
    pr = PrPlan(
        plan=plan,
        split=split_changes(head=plan.changes, base=base_plan.changes),
        refusals=refusals,
        at_stake={names.get(pid, pid): u for pid, u in stakes_of.by_project.items()},
        stakes_note=stakes_of.note,
    )
    planned = Planned(head_loaded, live, plan, refusals)
    return planned, render_pr(pr, fmt=fmt, color=color)


async def _read(
    desired: Desired,
    *,
    sandbox_state: Path | None,
    env: Mapping[str, str],
    progress: FetchProgress | None,
) -> tuple[Live, Stakes]:
    """One client session: the scoped live state, then usage of the projects at stake."""
    async with open_client(env=env, sandbox_state=sandbox_state) as client:
        return await read_scoped(client, desired, progress=progress, now=time.time())


async def read_scoped(
    client: AdminClient, desired: Desired, *, now: float, progress: FetchProgress | None = None
) -> tuple[Live, Stakes]:
    """The live state in `desired`'s scope, and the usage of the projects the plan puts at stake."""
    live = await fetch_live(client, desired, progress=progress)
    at_stake = projects_at_stake(make_plan(desired, live, config_digest=""))
    ids = [live.ids.projects[n] for n in at_stake if n in live.ids.projects]
    return live, await last_30_days(client, ids, now=now)
