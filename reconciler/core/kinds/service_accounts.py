"""Project service accounts: create, re-role (or recreate, to or from role none) and prune.

An account left by an interrupted apply (its key never delivered) or a second account with a
declared account's name (a twin, keyed `name#id`) is never silently kept: it is deleted under
prune.service_accounts, else reported with a warning.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo, field_changes
from reconciler.core.model import Desired, ServiceAccount
from reconciler.core.pending import pending_of


def diff_service_accounts(ctx: DiffContext) -> None:
    """Plan the service accounts of every project in scope that declares them."""
    for name, want, have in ctx.projects():
        if want.service_accounts is not None:
            live_accounts = (have.service_accounts if have else None) or {}
            _service_accounts(name, want.service_accounts, live_accounts, ctx.desired, ctx.out)


INTERRUPTED = "created by an interrupted apply; its API key was never delivered"


def _service_accounts(
    project: str,
    wanted: Mapping[str, ServiceAccount],
    existing: Mapping[str, ServiceAccount],
    desired: Desired,
    out: Collector,
) -> None:
    """Create, re-role (or recreate, to or from role none) and prune service accounts."""
    for name, account in wanted.items():
        key = (project, name)
        after = {"name": name, "role": account.role, "api_key": account.api_key}
        current = existing.get(name)
        if current is None:
            out.change(Change(Kind.SERVICE_ACCOUNT, Action.CREATE, key, after=after))
        elif current.role != account.role:
            before = {"name": name, "role": current.role}
            fields = field_changes(before, {"role": account.role})
            if "none" in (current.role, account.role):
                reason = "the API cannot change a role to or from none; recreated"
                change = Change(
                    Kind.SERVICE_ACCOUNT, Action.REPLACE, key, before, after, fields, reason
                )
            else:
                after = {"name": name, "role": account.role}
                change = Change(Kind.SERVICE_ACCOUNT, Action.UPDATE, key, before, after, fields)
            out.change(change)
    for name, current in existing.items():
        if name not in wanted:
            _undeclared_account(project, name, current, desired, out, existing_names=existing)


def _undeclared_account(
    project: str,
    name: str,
    current: ServiceAccount,
    desired: Desired,
    out: Collector,
    *,
    existing_names: Collection[str],
) -> None:
    """Delete (prune on) or report (prune off) an account the config does not declare; one left
    by an interrupted apply (its key never delivered), or a second account with a declared
    account's name (a twin, keyed `name#id`), says so, and warns when left alone."""
    interrupted = pending_of(name) is not None
    prune = desired.settings.prune.service_accounts
    twin = name.split("#", 1)[0] if "#" in name else ""
    if interrupted:
        reason = INTERRUPTED
    elif twin and twin in existing_names:
        reason = f"a second account named {twin}; the older keeps the name"
    else:
        reason = f"not in the config; prune.service_accounts is {'on' if prune else 'off'}"
    key = (project, name)
    if prune:
        before = {"name": name, "role": current.role}
        out.change(Change(Kind.SERVICE_ACCOUNT, Action.DELETE, key, before, reason=reason))
        return
    out.unmanaged.append(Unmanaged(Kind.SERVICE_ACCOUNT, key, reason))
    if twin and twin in existing_names:
        out.finding(
            Severity.WARNING, Kind.SERVICE_ACCOUNT, key,
            f"service account {project}/{twin} exists twice; delete the newer one "
            f"({name.split('#', 1)[1]}), or turn prune.service_accounts on and apply",
        )  # fmt: skip
    if interrupted:
        out.finding(
            Severity.WARNING, Kind.SERVICE_ACCOUNT, key,
            f"service account {project}/{name} was created by an interrupted apply and its "
            "key was never delivered; delete it",
        )  # fmt: skip


def _account_detail(change: Change) -> str:
    """A new account's role, and where its API key goes."""
    if change.action is not Action.CREATE:
        return ""
    after = change.after or {}
    key = "API key goes to the secret sink" if after.get("api_key") else "no API key"
    return f"{after.get('role')} — {key}"


SERVICE_ACCOUNT = KindInfo(
    kind=Kind.SERVICE_ACCOUNT,
    noun="service account",
    key=("project", "name"),
    scope="project",
    diff=diff_service_accounts,
    audit_events=("service_account.created", "service_account.updated", "service_account.deleted"),
    audit_id=lambda key, ids: ids.service_accounts.get((key[0], key[1])),
    detail=_account_detail,
    live_count=lambda org: sum(len(p.service_accounts or {}) for p in org.projects.values()),
)
