"""The steps of `reconciler apply`, between the click front end and the core.

load (config file, or the config a saved plan carries; with --base, narrowed to what differs
from the base file) → fetch live → plan → (saved plan:
refuse if stale) → refuse keyed service accounts without a sink → safety → show → confirm →
preflight the sink → apply → report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reconciler.api import AdminClient
from reconciler.config import LoadedConfig, config_from_dict, desired_to_config_dict, load_config
from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import Desired, Live
from reconciler.core.plan import Plan, make_plan
from reconciler.core.pr_scope import NotRead, PrScope, changed_scope, not_read, restrict
from reconciler.errors import ReconcilerError, SecretSinkError, StalePlanError
from reconciler.read.live import FetchProgress, fetch_live
from reconciler.read.scoped import fetch_scoped


@dataclass(frozen=True, slots=True)
class Target:
    """What apply works from: the desired state and, for `--plan`, the reviewed plan."""

    desired: Desired
    digest: str
    saved: Plan | None = None
    # With --base: the whole file, and the scope `plan --base` reads (see scope.py); `desired`
    # is then the file narrowed to it, and the declared projects left out are not "unmanaged".
    whole: Desired | None = None
    scope: PrScope | None = None

    @property
    def not_read(self) -> NotRead | None:
        """What --base left out of the file (None without --base)."""
        return None if self.whole is None else not_read(self.whole, self.desired)


def load_target(
    config: Path | None,
    plan_file: Path | None,
    *,
    load: Callable[[Path], LoadedConfig] = load_config,
) -> Target:
    """The desired state from CONFIG (read with `load`), or from the config a saved plan carries."""
    if plan_file is None:
        if config is None:
            raise ReconcilerError("give a CONFIG file, or --plan PLAN.json")
        loaded = load(config)
        return Target(loaded.desired, loaded.digest)
    saved = read_plan(plan_file)
    if config is not None:
        loaded = load(config)
    elif saved.config is not None:
        loaded = _from_plan(saved.config, plan_file)
    else:
        raise ReconcilerError(
            f"{plan_file} does not carry its config; "
            f"run `reconciler apply CONFIG --plan {plan_file}`"
        )
    if saved.config_digest and loaded.digest != saved.config_digest:
        raise StalePlanError(f"{plan_file} was made from a different version of the config")
    return Target(loaded.desired, loaded.digest, saved)


def scope_to_base(
    target: Target, base: Path, *, load: Callable[[Path], LoadedConfig] = load_config
) -> Target:
    """The target narrowed to what differs from BASE, as `plan --base` narrows it: a merge
    applies what its pull request's plan showed, nothing else."""
    if target.saved is not None:
        raise ReconcilerError("--base scopes `apply CONFIG`; a saved --plan is applied as it is")
    whole = target.desired
    scope = changed_scope(load(base).desired, whole)
    return replace(target, desired=restrict(whole, scope), whole=whole, scope=scope)


async def read_live(
    client: AdminClient, target: Target, *, progress: FetchProgress | None
) -> tuple[Target, Live]:
    """The live state the target plans against; with --base, read as `plan --base` reads it
    (the scope may grow by invitees' projects, see fetching/scoped.py)."""
    if target.whole is None or target.scope is None:
        return target, await fetch_live(client, target.desired, progress=progress)
    scope, live = await fetch_scoped(client, target.whole, target.scope, progress=progress)
    return replace(target, desired=restrict(target.whole, scope), scope=scope), live


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


def plan_for(target: Target, live: Live) -> Plan:
    """The plan to apply: fresh, or the saved one if live state still gives the same changes."""
    fresh = make_plan(target.desired, live, config_digest=target.digest)
    fresh = replace(fresh, config=desired_to_config_dict(target.desired))
    if target.whole is not None:
        kept = tuple(u for u in fresh.unmanaged if u.kind is not Kind.PROJECT)
        fresh = replace(fresh, unmanaged=kept)
    if target.saved is None:
        return fresh
    stale = stale_changes(target.saved.changes, fresh.changes)
    if stale:
        raise StalePlanError(
            "the organization changed since the plan was made; re-run `reconciler plan`. "
            + "; ".join(stale[:10])
            + (f"; and {len(stale) - 10} more" if len(stale) > 10 else "")
        )
    # Same changes, but what the plan must say (errors included) is today's, not the saved one's.
    return replace(target.saved, findings=fresh.findings, unmanaged=fresh.unmanaged)


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


def keyed_accounts(plan: Plan) -> list[str]:
    """`project/name` of every service account the plan creates with an API key."""
    return [
        "/".join(c.key)
        for c in plan.changes
        if c.kind is Kind.SERVICE_ACCOUNT
        and c.action in (Action.CREATE, Action.REPLACE)
        and (c.after or {}).get("api_key", True)
        and (c.after or {}).get("role") != "none"
    ]


def refuse_keys_without_sink(plan: Plan, *, sink_configured: bool) -> None:
    """Creating a keyed service account needs somewhere to put the key, named up front."""
    names = keyed_accounts(plan)
    if names and not sink_configured:
        raise SecretSinkError(
            f"the plan creates service accounts with API keys ({', '.join(names)}) but no sink "
            "was named: add --secrets-dir DIR or --secrets-command CMD, or set `api_key: false`"
        )


def confirm_or_refuse(*, auto_approve: bool, interactive: bool, ask: Callable[[str], bool]) -> None:
    """Ask on a terminal; without one, only --auto-approve may proceed."""
    if auto_approve:
        return
    if not interactive:
        raise ReconcilerError(
            "refusing to apply without confirmation: no terminal to ask on; "
            "pass --auto-approve (or save a reviewed plan and use --plan with --auto-approve)"
        )
    if not ask("Apply these changes?"):
        raise ReconcilerError("apply cancelled; nothing was changed")
