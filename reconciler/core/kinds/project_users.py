"""Project members: add, re-role and prune the members of each declared project.

`have` is None for a project created by the same plan: every declared member is then an add.
A member who is not yet in the organization joins through their invite (users.py), and one
leaving the organization leaves its projects with it.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo, field_changes
from reconciler.core.model import Desired, Live, ProjectRole


def diff_project_users(ctx: DiffContext) -> None:
    """Plan the members of every project in scope that declares `members`."""
    for name, want, have in ctx.projects():
        if want.members is not None:
            live_members = (have.members if have else None) or {}
            _members(
                name, want.members, live_members, desired=ctx.desired, live=ctx.live,
                leaving=ctx.leaving, out=ctx.out,
            )  # fmt: skip


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


def _member_detail(change: Change) -> str:
    """A new member's role."""
    return str((change.after or {}).get("role", "")) if change.action is Action.CREATE else ""


PROJECT_USER = KindInfo(
    kind=Kind.PROJECT_USER,
    noun="member",
    key=("project", "email"),
    scope="project",
    diff=diff_project_users,
    audit_events=("user.added", "user.updated", "user.deleted"),
    audit_id=lambda key, ids: ids.users.get(key[1]),
    detail=_member_detail,
    live_count=lambda org: sum(len(p.members or {}) for p in org.projects.values()),
)
