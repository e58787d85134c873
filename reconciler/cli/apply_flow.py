"""The steps of `reconciler apply` after the pipeline (pipeline.py: load → fetch → plan, a
saved plan refused if stale → safety), between the click front end and the core.

pipeline → apply's plan (`for_apply`) → refuse keyed service accounts without a sink → refuse
what safety refused → show → confirm → preflight the sink → apply → report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from reconciler.cli.pipeline import Source
from reconciler.config import desired_to_config_dict
from reconciler.core.change import Action, Kind
from reconciler.core.plan import Plan
from reconciler.errors import ReconcilerError, SecretSinkError


def for_apply(source: Source, plan: Plan) -> Plan:
    """The pipeline's plan as apply runs it: a fresh plan carries its config (a saved one has
    its own); with a base, declared projects left out of the scope are not "unmanaged"."""
    if source.saved is not None:
        return plan
    plan = replace(plan, config=desired_to_config_dict(source.desired))
    if source.scope is not None:
        kept = tuple(u for u in plan.unmanaged if u.kind is not Kind.PROJECT)
        plan = replace(plan, unmanaged=kept)
    return plan


def keyed_accounts(plan: Plan) -> list[str]:
    """`project/name` of every service account the plan creates with an API key or rotates."""
    return [
        "/".join(c.key)
        for c in plan.changes
        if c.kind is Kind.SERVICE_ACCOUNT
        and c.action in (Action.CREATE, Action.REPLACE)
        and (c.after or {}).get("api_key", True)
        and (c.after or {}).get("role") != "none"
    ] + ["/".join(c.key) for c in plan.changes if c.kind is Kind.SERVICE_ACCOUNT_KEY]


def refuse_keys_without_sink(plan: Plan, *, sink_configured: bool) -> None:
    """Creating a keyed service account needs somewhere to put the key, named up front."""
    names = keyed_accounts(plan)
    if names and not sink_configured:
        raise SecretSinkError(
            f"the plan creates API keys of service accounts ({', '.join(names)}) but no sink "
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
