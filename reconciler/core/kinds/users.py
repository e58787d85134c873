"""Organization users and invites: role updates, invites carrying project memberships, pruning.

A declared user who is a member gets a role update when it differs. One who is not gets an
invite that always carries an explicit `projects` list (the memberships declared for that email
in projects that exist or are created in the same plan; never the default project). A pending
invite that already says the same is never re-sent; one that differs or has expired is replaced,
because the API cannot update an invite. Accepted invites are history and ignored; an expired
one the file does not declare grants nothing and is only noted (not revoked, not counted as
drift); a pending invite for someone already a member is stale, and follows prune.invites.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo, ProjectScope, field_changes
from reconciler.core.model import Desired, Invite, Live, OrgRole, ProjectRole, User

Memberships = Sequence[tuple[str, ProjectRole]]


def diff_users(ctx: DiffContext) -> None:
    """Plan users and invites; leave the emails of members the plan removes from the
    organization in `ctx.leaving` (they leave their projects with it)."""
    ctx.leaving = _diff(ctx.desired, ctx.live, ctx.scope, ctx.out)


def _diff(desired: Desired, live: Live, scope: ProjectScope, out: Collector) -> frozenset[str]:
    """Plan users and invites; return the emails of members the plan removes from the org."""
    wanted, users = desired.org.users, live.org.users
    if wanted is None or users is None:
        return frozenset()
    if live.admin_key_owner is None:
        out.finding(
            Severity.WARNING, Kind.USER, (),
            "the owner of the admin key in use could not be identified from the admin API keys"
            " list; safety cannot keep that user from being removed or demoted",
        )  # fmt: skip
    invites = live.org.invites or {}
    memberships = _invite_projects(desired, live, scope)
    for email, user in wanted.items():
        have = users.get(email)
        if have is None:
            _plan_invite(email, user.role, memberships.get(email, ()), invites.get(email), out)
        elif have.role != user.role:
            before, after = {"role": have.role}, {"role": user.role}
            out.change(
                Change(
                    Kind.USER, Action.UPDATE, (email,), before=before, after=after,
                    fields=field_changes(before, after),
                )
            )  # fmt: skip
    _undeclared_invites(desired, invites, users, out)
    return _undeclared_users(desired, users, out)


def invite_json(email: str, role: OrgRole, projects: Memberships) -> dict[str, Any]:
    """The canonical JSON of an invite: email, role, and the explicit list of projects."""
    return {
        "email": email,
        "role": role,
        "projects": [{"project": name, "role": r} for name, r in projects],
    }


def _invite_projects(
    desired: Desired, live: Live, scope: ProjectScope
) -> Mapping[str, Memberships]:
    """email → (project, role) memberships an invite for that email would carry, by project."""
    result: dict[str, list[tuple[str, ProjectRole]]] = {}
    for name in scope.present:
        have = scope.matched.get(name)
        if live.default_project is not None and live.default_project in (name, have and have.name):
            continue
        members = desired.org.projects[name].members
        for email, role in (members or {}).items():
            result.setdefault(email, []).append((name, role))
    return result


def _plan_invite(
    email: str, role: OrgRole, projects: Memberships, have: Invite | None, out: Collector
) -> None:
    """Invite a declared user who is not a member, unless a matching invite is pending."""
    after = invite_json(email, role, projects)
    if have is None or have.status == "accepted":
        out.change(
            Change(Kind.INVITE, Action.CREATE, (email,), after=after, reason="not a member yet")
        )
        return
    before = invite_json(email, have.role, have.projects)
    if have.status == "expired":
        reason = "the invite expired; deleted and re-sent"
    elif before != after:
        reason = "an invite cannot be updated; deleted and re-sent"
    else:
        return
    out.change(
        Change(
            Kind.INVITE, Action.REPLACE, (email,), before=before, after=after,
            fields=field_changes(before, after), reason=reason,
        )
    )  # fmt: skip


def _undeclared_invites(
    desired: Desired, invites: Mapping[str, Invite], users: Mapping[str, User], out: Collector
) -> None:
    """Revoke pending invites the file does not declare, or that are stale (their email is
    already a member), under prune.invites; or list them as unmanaged. An expired one grants
    nothing and is only noted (an exported file plans empty; re-sending needs a declaration)."""
    wanted = desired.org.users or {}
    for email, have in invites.items():
        stale = email in users
        if (email in wanted and not stale) or have.status == "accepted":
            continue
        if have.status == "expired":
            note = "expired invite; it grants nothing and is left alone"
            out.finding(Severity.INFO, Kind.INVITE, (email,), note)
            continue
        why = "already an organization member" if stale else "not in the config"
        if desired.settings.prune.invites:
            before = invite_json(email, have.role, have.projects)
            out.change(
                Change(
                    Kind.INVITE, Action.DELETE, (email,), before=before,
                    reason=f"{why}; prune.invites is on",
                )
            )  # fmt: skip
        else:
            reason = f"{why}; prune.invites is off"
            out.unmanaged.append(Unmanaged(Kind.INVITE, (email,), reason))


def _undeclared_users(
    desired: Desired, users: Mapping[str, User], out: Collector
) -> frozenset[str]:
    """Remove members the file does not declare (prune.users), or list them as unmanaged."""
    wanted = desired.org.users or {}
    leaving: set[str] = set()
    for email, have in users.items():
        if email in wanted:
            continue
        if desired.settings.prune.users:
            leaving.add(email)
            out.change(
                Change(
                    Kind.USER, Action.DELETE, (email,), before={"role": have.role},
                    reason="not in the config; prune.users is on",
                )
            )  # fmt: skip
        else:
            reason = "not in the config; prune.users is off"
            out.unmanaged.append(Unmanaged(Kind.USER, (email,), reason))
    return frozenset(leaving)


USER = KindInfo(
    kind=Kind.USER,
    noun="user",
    key=("email",),
    scope="organization",
    diff=diff_users,
    audit_events=("user.updated", "user.deleted"),
    audit_id=lambda key, ids: ids.users.get(key[0]),
    live_count=lambda org: len(org.users or {}),
)


def _invite_detail(change: Change) -> str:
    """`role reader; projects: web (member)` for a new invite."""
    if change.action is not Action.CREATE:
        return ""
    after = change.after or {}
    projects = after.get("projects", [])
    listed = ", ".join(f"{p['project']} ({p['role']})" for p in projects) if projects else "none"
    return f"role {after.get('role')}; projects: {listed}"


INVITE = KindInfo(
    kind=Kind.INVITE,
    noun="invite",
    key=("email",),
    scope="organization",
    diff=None,
    diffed_by=Kind.USER,
    audit_events=("invite.sent", "invite.accepted", "invite.deleted"),
    audit_id=lambda key, ids: ids.invites.get(key[0]),
    detail=_invite_detail,
    live_count=lambda org: len(org.invites or {}),
)
