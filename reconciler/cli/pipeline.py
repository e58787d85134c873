"""The one pipeline: load → fetch → plan → safety, as a value.

    source = load_source(config, plan_file=None, base=None)      # load (ConfigError, typed)
    run = run_pipeline(source, sandbox_state=state, overrides=overrides, with_stakes=True)
    run.plan, run.refusals, run.stakes, run.live ...

`plan` and `plan --base` (run_pipeline), `apply` (in its own, writing client session) and
`drift` (whose attribution reads on after it) with `await pipeline(client, source, ...)`, and
`validate` (the load step only) go through here; `export` reads no config, so it runs only
the fetch step's session (`in_session`). Nothing here prints (apart from config warnings and
the progress bar on a terminal) or exits: errors are raised, typed (errors.py), and only the
command line's entry turns them into exit codes.

The stages:

- load: the config file (or the config a saved plan carries); with a base file, narrowed to
  the scope that differs from it (core/pr_scope.py), as a `Source`.
- fetch: the live organization in the source's scope (read/scoped.py grows it by invitees'
  projects when that is needed).
- plan: the plan of the source against it; for a saved plan, the saved one if the live state
  still gives the same changes (else StalePlanError); with a base file, the base's plan too.
- safety: the gates (core/safety.py) the plan fails, as refusals; callers decide (plan shows
  them, apply refuses). A plan that lowers a spend limit first reads this month's spend
  (read/spend_to_date.py), which the spend-stop gate weighs; one that takes a model or hosted
  tool from a project first reads its last 30 days of it (read/breaks.py), which max_deletes
  weighs (a model or tool in use counts as a delete).
- stakes (if asked): what the plan puts at stake: API keys that stop working, 30 days' usage.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.api import AdminClient
from reconciler.cli.runtime import open_client
from reconciler.config import LoadedConfig, config_from_dict, load_config
from reconciler.core.change import Change
from reconciler.core.model import Desired, Live
from reconciler.core.plan import Plan, make_plan
from reconciler.core.pr_scope import NotRead, PrScope, base_scope, changed_scope, not_read, restrict
from reconciler.core.safety import Overrides, Refusal, check
from reconciler.core.stakes import Stakes
from reconciler.errors import ConfigError, ReconcilerError, StalePlanError
from reconciler.read.at_stake import read_stakes
from reconciler.read.breaks import read_breaks
from reconciler.read.live import FetchProgress, fetch_live
from reconciler.read.scoped import fetch_scoped
from reconciler.read.spend_to_date import month_to_date

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Source:
    """What a run plans from: the loaded file, the part of it planned, a reviewed plan."""

    loaded: LoadedConfig  # the whole file (or the config a saved plan carries)
    desired: Desired  # what is planned: the whole file, or with a base, the scope that differs
    saved: Plan | None = None  # apply --plan: the reviewed plan
    scope: PrScope | None = None  # with a base: what is read and planned
    base: LoadedConfig | None = None  # with a base: the base file

    @property
    def digest(self) -> str:
        """The canonical config's digest (a saved plan records it)."""
        return self.loaded.digest

    @property
    def not_read(self) -> NotRead | None:
        """What a base left out of the file (None without a base)."""
        return None if self.scope is None else not_read(self.loaded.desired, self.desired)


@dataclass(frozen=True, slots=True)
class Pipeline:
    """The pipeline's result: the source (its scope as read), the live state, the plan, the
    safety refusals, what the plan puts at stake (if asked), and with a base, the base's plan."""

    source: Source
    live: Live
    plan: Plan
    refusals: tuple[Refusal, ...]
    stakes: Stakes | None = None
    base_plan: Plan | None = None

    @property
    def loaded(self) -> LoadedConfig:
        """The config file as loaded."""
        return self.source.loaded


# -- load ------------------------------------------------------------------------------------


def load_file(config: Path) -> LoadedConfig:
    """Load CONFIG; print its warnings on stderr. A ConfigError names CONFIG (`source`), so the
    entry prints every problem, then `error: N problems found in CONFIG`."""
    try:
        loaded = load_config(config)
    except ConfigError as exc:
        raise ConfigError(exc.problems, source=str(config)) from None
    for warning in loaded.warnings:
        click.echo(str(warning), err=True)
    return loaded


def load_source(
    config: Path | None,
    *,
    plan_file: Path | None = None,
    base: Path | None = None,
) -> Source:
    """The source from CONFIG (`load_file`), or from the config a saved plan carries; with
    BASE, narrowed to what differs from it (as `plan --base` and `apply --base` read)."""
    source = _load(config, plan_file)
    if base is None:
        return source
    if source.saved is not None:
        raise ReconcilerError("--base scopes `apply CONFIG`; a saved --plan is applied as it is")
    base_loaded = load_file(base)
    scope = changed_scope(base_loaded.desired, source.loaded.desired)
    return replace(
        source, desired=restrict(source.loaded.desired, scope), scope=scope, base=base_loaded
    )


def _load(config: Path | None, plan_file: Path | None) -> Source:
    if plan_file is None:
        if config is None:
            raise ReconcilerError("give a CONFIG file, or --plan PLAN.json")
        loaded = load_file(config)
        return Source(loaded, loaded.desired)
    saved = read_plan(plan_file)
    if config is not None:
        loaded = load_file(config)
    elif saved.config is not None:
        loaded = _from_plan(saved.config, plan_file)
    else:
        raise ReconcilerError(
            f"{plan_file} does not carry its config; "
            f"run `reconciler apply CONFIG --plan {plan_file}`"
        )
    if saved.config_digest and loaded.digest != saved.config_digest:
        raise StalePlanError(f"{plan_file} was made from a different version of the config")
    return Source(loaded, loaded.desired, saved)


def _from_plan(config: Any, plan_file: Path) -> LoadedConfig:
    return config_from_dict(config, base_dir=plan_file.parent, source=f"{plan_file}#config")


def read_plan(plan_file: Path) -> Plan:
    """A saved plan file (one-line errors for a missing or damaged one)."""
    try:
        data = json.loads(plan_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReconcilerError(f"cannot read {plan_file}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ReconcilerError(f"{plan_file} is not JSON: {exc}") from None
    return Plan.from_json(data)


# -- fetch → plan → safety → stakes ----------------------------------------------------------


def run_pipeline(
    source: Source,
    *,
    sandbox_state: Path | None,
    overrides: Overrides,
    env: Mapping[str, str] | None = None,
    with_stakes: bool = False,
) -> Pipeline:
    """Fetch, plan, check (and read the stakes) in one read-only client session, with a
    progress bar on a terminal."""

    async def run(client: AdminClient, progress: FetchProgress | None) -> Pipeline:
        return await pipeline(
            client, source, overrides=overrides, with_stakes=with_stakes, progress=progress
        )

    return in_session(run, sandbox_state=sandbox_state, env=env)


async def pipeline(
    client: AdminClient,
    source: Source,
    *,
    overrides: Overrides,
    with_stakes: bool = False,
    now: float | None = None,
    progress: FetchProgress | None = None,
) -> Pipeline:
    """The pipeline on an open client: the stakes reads share its pacing with the fetch."""
    source, live = await fetch(client, source, progress=progress)
    plan = plan_of(source, live)
    base_plan = None
    if source.base is not None and source.scope is not None:
        base_desired = base_scope(source.base.desired, source.loaded.desired, source.scope)
        base_plan = make_plan(base_desired, live, config_digest=source.base.digest)
    at = client.clock.time() if now is None else now
    spent = await month_to_date(client, plan, live, now=at)
    live = replace(live, spend_to_date=spent)
    breaks = await read_breaks(client, plan, live, now=at)
    refusals = tuple(
        check(plan, desired=source.desired, live=live, overrides=overrides, breaks=breaks)
    )
    # Without the stakes read, what the plan takes away is still shown (apply's plan shows it).
    stakes = Stakes(breaks=breaks) if breaks.changes else None
    if with_stakes:
        stakes = await read_stakes(client, plan, live, now=at, progress=progress, breaks=breaks)
    return Pipeline(source, live, plan, refusals, stakes, base_plan)


async def fetch(
    client: AdminClient, source: Source, *, progress: FetchProgress | None
) -> tuple[Source, Live]:
    """The live state the source plans against; with a base, read as `plan --base` reads it
    (the scope may grow by invitees' projects, see read/scoped.py)."""
    if source.scope is None:
        return source, await fetch_live(client, source.desired, progress=progress)
    whole = source.loaded.desired
    scope, live = await fetch_scoped(client, whole, source.scope, progress=progress)
    return replace(source, desired=restrict(whole, scope), scope=scope), live


def plan_of(source: Source, live: Live) -> Plan:
    """The plan: fresh, or the saved one if the live state still gives the same changes."""
    fresh = make_plan(source.desired, live, config_digest=source.digest)
    if source.saved is None:
        return fresh
    stale = stale_changes(source.saved.changes, fresh.changes)
    if stale:
        raise StalePlanError(
            "the organization changed since the plan was made; re-run `reconciler plan`. "
            + "; ".join(stale[:10])
            + (f"; and {len(stale) - 10} more" if len(stale) > 10 else "")
        )
    # Same changes, but what the plan must say (errors included) is today's, not the saved one's.
    return replace(source.saved, findings=fresh.findings, unmanaged=fresh.unmanaged)


def stale_changes(saved: tuple[Change, ...], fresh: tuple[Change, ...]) -> list[str]:
    """What differs between the saved changes and a fresh plan's, one phrase each."""
    old = {(c.kind, c.key): c for c in saved}
    new = {(c.kind, c.key): c for c in fresh}
    out: list[str] = []
    for ident, change in old.items():
        if ident not in new:
            out.append(f"no longer needed: {_name(change)}")
        elif new[ident].to_json() != change.to_json():
            out.append(f"now different: {_name(change)}")
    out.extend(f"newly needed: {_name(c)}" for ident, c in new.items() if ident not in old)
    return out


def _name(change: Change) -> str:
    key = "/".join(part or "(organization)" for part in change.key)
    return f"{change.action.value} {change.kind.value} {key}"


# -- the session -----------------------------------------------------------------------------


def in_session(
    read: Callable[[AdminClient, FetchProgress | None], Awaitable[T]],
    *,
    sandbox_state: Path | None,
    env: Mapping[str, str] | None = None,
) -> T:
    """Run `read` on one read-only client (the sandbox's with a state file), with the fetch
    progress bar on a terminal."""

    async def session(progress: FetchProgress | None) -> T:
        environ = os.environ if env is None else env
        async with open_client(env=environ, sandbox_state=sandbox_state, read_only=True) as client:
            return await read(client, progress)

    with fetch_progress() as progress:
        return asyncio.run(session(progress))


@contextmanager
def fetch_progress() -> Iterator[FetchProgress | None]:
    """The fetch progress bar on stderr (render/progress.py): drawn only on a terminal."""
    from reconciler.render.progress import ProgressBar

    with ProgressBar.on_stderr() as bar:
        yield bar
