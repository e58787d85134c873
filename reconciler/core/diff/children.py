"""What lives inside a declared project: members, service accounts, rate limits, certificates.

`have` is None for a project created by the same plan: every child is then a create (rate
limits, which the server seeds with defaults, become updates of the declared fields with no
known `before`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.diff.out import Collector, field_changes
from reconciler.core.model import Desired, Live, Project, ProjectRole, RateLimit, ServiceAccount
from reconciler.core.pending import pending_of


def diff_project_children(
    name: str,
    want: Project,
    have: Project | None,
    *,
    desired: Desired,
    live: Live,
    leaving: frozenset[str],
    renamed_certs: Mapping[str, str],
    out: Collector,
) -> None:
    """Plan every declared collection of one active (or new) project."""
    if want.members is not None:
        live_members = (have.members if have else None) or {}
        _members(
            name, want.members, live_members, desired=desired, live=live, leaving=leaving, out=out
        )
    if want.service_accounts is not None:
        live_accounts = (have.service_accounts if have else None) or {}
        _service_accounts(name, want.service_accounts, live_accounts, desired, out)
    if want.rate_limits is not None:
        live_limits = have.rate_limits if have else None
        _rate_limits(name, want.rate_limits, live_limits, have is None, out)
    if want.certificates is not None:
        live_certs = (have.certificates if have else None) or frozenset()
        current = {renamed_certs.get(c, c) for c in live_certs}
        _activations(name, want.certificates, current, out)


def _members(
    project: str,
    wanted: Mapping[str, ProjectRole],
    existing: Mapping[str, ProjectRole],
    *,
    desired: Desired,
    live: Live,
    leaving: frozenset[str],
    out: Collector,
) -> None:
    """Add, re-role and prune project members (invitees are carried by their invite)."""
    for email, role in wanted.items():
        current = existing.get(email)
        if current is None:
            if _is_member(email, desired, live, project, out):
                after = {"role": role}
                out.change(Change(Kind.PROJECT_USER, Action.CREATE, (project, email), after=after))
        elif current != role:
            before, after = {"role": current}, {"role": role}
            out.change(
                Change(
                    Kind.PROJECT_USER, Action.UPDATE, (project, email), before=before,
                    after=after, fields=field_changes(before, after),
                )
            )  # fmt: skip
    for email, current in existing.items():
        if email in wanted or email in leaving:
            continue  # a user leaving the organization leaves its projects with it
        if desired.settings.prune.project_users:
            out.change(
                Change(
                    Kind.PROJECT_USER, Action.DELETE, (project, email), before={"role": current},
                    reason="not in the config; prune.project_users is on",
                )
            )  # fmt: skip
        else:
            reason = "not in the config; prune.project_users is off"
            out.unmanaged.append(Unmanaged(Kind.PROJECT_USER, (project, email), reason))


def _is_member(email: str, desired: Desired, live: Live, project: str, out: Collector) -> bool:
    """Whether a project_user can be added now; an invitee joins through the invite instead."""
    users = live.org.users
    if users is None or email in users:
        return True  # users out of scope: the API will say if they are not a member
    invites = live.org.invites or {}
    invited = email in invites and invites[email].status == "pending"
    if email not in (desired.org.users or {}) and not invited:
        out.finding(
            Severity.ERROR, Kind.PROJECT_USER, (project, email),
            f"{email} is not an organization member or invitee, so cannot join {project}",
        )  # fmt: skip
    return False


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


def _rate_limits(
    project: str,
    wanted: Mapping[str, RateLimit],
    existing: Mapping[str, RateLimit] | None,
    new_project: bool,
    out: Collector,
) -> None:
    """Update the declared fields that differ; the API can neither create nor reset a limit."""
    current_limits = existing or {}
    for model, limit in wanted.items():
        after = limit.limits()
        current = current_limits.get(model)
        if current is None and not new_project:
            out.finding(
                Severity.ERROR, Kind.RATE_LIMIT, (project, model),
                f"project {project} has no rate limit for {model}; the API cannot create one",
            )  # fmt: skip
            continue
        if current is not None:
            after = _offered(project, model, after, current, out)
        before = {f: getattr(current, f) for f in after} if current is not None else {}
        fields = field_changes(before, after)
        if fields:
            changed = {f.field: f.after for f in fields}
            was = {f.field: f.before for f in fields} if current is not None else None
            key = (project, model)
            out.change(
                Change(
                    Kind.RATE_LIMIT, Action.UPDATE, key, before=was, after=changed, fields=fields
                )
            )
    for model in current_limits:
        if model not in wanted:
            reason = "the API cannot reset a rate limit; left as is"
            out.unmanaged.append(Unmanaged(Kind.RATE_LIMIT, (project, model), reason))


def _offered(
    project: str, model: str, after: dict[str, int], current: RateLimit, out: Collector
) -> dict[str, int]:
    """The declared fields the live limit has; each one it lacks (the model does not offer it,
    and the API refuses to set it) is an error instead of an update that can never land."""
    lacking = [name for name in after if getattr(current, name) is None]
    for name in lacking:
        out.finding(
            Severity.ERROR, Kind.RATE_LIMIT, (project, model),
            f"project {project}: the {model} rate limit has no {name} (the model does not "
            "offer it), so it cannot be set; remove it from the config",
        )  # fmt: skip
    return {name: value for name, value in after.items() if name not in lacking}


def _activations(project: str, wanted: frozenset[str], current: set[str], out: Collector) -> None:
    """Activate and deactivate certificates for one project (its list is authoritative)."""
    for name in sorted(wanted - current):
        out.change(Change(Kind.CERTIFICATE_ACTIVATION, Action.CREATE, (project, name)))
    for name in sorted(current - wanted):
        out.change(Change(Kind.CERTIFICATE_ACTIVATION, Action.DELETE, (project, name)))
