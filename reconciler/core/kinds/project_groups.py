"""Project groups: which organization groups have access to a project, with which project role.

A project's part `groups` is {group name: project role}, authoritative when declared: a group
declared gets access (create) or its role changed (update, the API re-grants in place); a live
group the file leaves out loses access (delete, destructive, so it counts for `max_deletes`).
Key: (project, group name), labelled `group ml-platform of search-prod`.

What a removal costs is shown in the plan: the members of the group who lose access to the
project, which are the group's members less the project's direct members (a downgrade from
`owner` lists those who lose ownership: the members less the direct owners). Someone who also
reaches the project through another of its groups is still listed (reading every group's
members would cost a request per group). Those members, the organization's group names and ids,
and the direct members of projects whose own members were not read come from the live
organization's part `group_directory` (`GroupDirectory`), read after the rest of the live
state, since only comparing the file with the live groups tells which groups are at stake.

A group named in a project must exist live or be declared in the file's root `groups:` (created
earlier in the same apply); otherwise the plan has an error, as it has for a name two live groups
share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.core.change import Action, Change, FieldChange, Kind, Severity
from reconciler.core.kinds.base import DiffContext, KindInfo
from reconciler.core.model import Desired, IdIndex, Organization, Project
from reconciler.core.parts import ids_of, typed

PART = "groups"
# The live organization's groups as project groups need them (see `GroupDirectory`).
DIRECTORY = "group_directory"
# The project role that owns a project; a downgrade from it lists who loses ownership.
OWNER = "owner"
# The plan-file name of the root `groups:`'s kind, whose creates a grant follows.
GROUP_KIND = "group"
# How many names a plan line lists before "and N more" (json lists every one).
SHOWN = 10

ProjectGroups = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class GroupDirectory:
    """The live organization's groups as seen for project groups.

    `ids` maps each group name to its id (names two groups share are in `ambiguous` instead);
    `members` holds the member emails of the groups a plan may remove or downgrade (only
    those are read); `direct` the direct members' roles of projects whose `members:` the file
    does not declare (read only where a group is at stake).
    """

    ids: Mapping[str, str] = field(default_factory=dict)
    ambiguous: frozenset[str] = frozenset()
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    direct: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def groups_of(project: Project | None) -> ProjectGroups | None:
    """A project's declared (desired) or read (live) groups, or None when not in scope."""
    return None if project is None else typed(project, PART, ProjectGroups)


def directory_of(org: Organization) -> GroupDirectory | None:
    """The live group directory, or None when it was not read."""
    return typed(org, DIRECTORY, GroupDirectory)


def declared_group_names(desired: Desired) -> frozenset[str]:
    """The names of the groups the file's root `groups:` declares (another kind's part: a
    mapping by name, or a collection of values with a `name`)."""
    value = desired.org.parts.get(PART)
    if value is None:
        return frozenset()
    items: Iterable[object] = value.keys() if isinstance(value, Mapping) else _items(value)
    names = (item if isinstance(item, str) else getattr(item, "name", None) for item in items)
    return frozenset(name for name in names if isinstance(name, str))


def _items(value: object) -> Iterable[object]:
    return value if isinstance(value, tuple | list | frozenset | set) else ()


def at_stake(wanted: ProjectGroups, existing: ProjectGroups) -> set[str]:
    """The live groups a plan removes from a project or downgrades from owner there."""
    removed = set(existing) - set(wanted)
    downgraded = {
        g for g, role in existing.items() if role == OWNER and wanted.get(g, OWNER) != OWNER
    }
    return removed | downgraded


def diff_project_groups(ctx: DiffContext) -> None:
    """Grant, re-role and remove the groups of every project in scope that declares `groups`."""
    directory = directory_of(ctx.live.org)
    declared = declared_group_names(ctx.desired)
    doomed = {
        c.key[0] for c in ctx.out.changes if c.kind is Kind.GROUP and c.action is Action.DELETE
    }
    for name, want, have in ctx.projects():
        wanted = groups_of(want)
        if wanted is None:
            continue
        existing = groups_of(have) or {}
        for group, role in wanted.items():
            current = existing.get(group)
            if group in doomed:
                message = (
                    f"group {group!r} is deleted by this plan (not in groups:, and "
                    "settings.prune.groups is on): declare it in groups: to keep granting it"
                )
                ctx.out.finding(Severity.ERROR, Kind.PROJECT_GROUP, (name, group), message)
            elif current is None:
                if _known(name, group, directory, declared, ctx):
                    after = {"role": role}
                    ctx.out.change(
                        Change(Kind.PROJECT_GROUP, Action.CREATE, (name, group), after=after)
                    )
            elif current != role:
                _update(name, group, current, role, have=have, directory=directory, ctx=ctx)
        for group, current in existing.items():
            if group not in wanted:
                _remove(name, group, current, have=have, directory=directory, ctx=ctx)


def _known(
    project: str,
    group: str,
    directory: GroupDirectory | None,
    declared: frozenset[str],
    ctx: DiffContext,
) -> bool:
    """Whether a group can be granted: it exists live (under one id) or the file creates it."""
    if directory is None or group in declared:
        return True  # groups not read: the apply finds out
    if group in directory.ambiguous:
        message = f"several organization groups are named {group!r}; rename all but one"
    elif group not in directory.ids:
        message = f"group {group!r} is neither an organization group nor declared in groups:"
    else:
        return True
    ctx.out.finding(Severity.ERROR, Kind.PROJECT_GROUP, (project, group), message)
    return False


def losing(
    project: str,
    group: str,
    have: Project | None,
    directory: GroupDirectory | None,
    *,
    owners_only: bool,
) -> list[str] | None:
    """The group's members who lose access to the project (or, `owners_only`, its ownership)
    when the group does: its members less the direct members (owners); None when unknown."""
    members = directory.members.get(group) if directory is not None else None
    if members is None or directory is None:
        return None
    direct: Mapping[str, str] = directory.direct.get(project, {})
    if have is not None and have.members is not None:
        direct = have.members
    keep = {email for email, role in direct.items() if not owners_only or role == OWNER}
    return sorted(members - keep)


def _phrase(emails: list[str] | None, what: str) -> str:
    """`2 members lose access: a, b` (at most SHOWN names on a plan line)."""
    if emails is None:
        return ""
    if not emails:
        return f"no member loses {what}"
    shown = ", ".join(emails[:SHOWN])
    more = f" and {len(emails) - SHOWN} more" if len(emails) > SHOWN else ""
    noun = "member loses" if len(emails) == 1 else "members lose"
    return f"{len(emails)} {noun} {what}: {shown}{more}"


def _update(
    project: str,
    group: str,
    current: str,
    role: str,
    *,
    have: Project | None,
    directory: GroupDirectory | None,
    ctx: DiffContext,
) -> None:
    before: dict[str, object] = {"role": current}
    reason = ""
    if current == OWNER:
        lost = losing(project, group, have, directory, owners_only=True)
        if lost is not None:
            before["members_losing_ownership"] = lost
        reason = _phrase(lost, "ownership")
    ctx.out.change(
        Change(
            Kind.PROJECT_GROUP, Action.UPDATE, (project, group), before=before,
            after={"role": role}, fields=(FieldChange("role", current, role),), reason=reason,
        )
    )  # fmt: skip


def _remove(
    project: str,
    group: str,
    current: str,
    *,
    have: Project | None,
    directory: GroupDirectory | None,
    ctx: DiffContext,
) -> None:
    lost = losing(project, group, have, directory, owners_only=False)
    before: dict[str, object] = {"role": current}
    if lost is not None:
        before["members_losing_access"] = lost
    reason = "; ".join(x for x in ("not in the config", _phrase(lost, "access")) if x)
    ctx.out.change(
        Change(Kind.PROJECT_GROUP, Action.DELETE, (project, group), before=before, reason=reason)
    )


def _detail(change: Change) -> str:
    """A granted or removed group's project role."""
    values = change.after if change.action is Action.CREATE else change.before
    return str((values or {}).get("role", ""))


def _follows(change: Change) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A grant or role change follows the create of its group (the root `groups:`'s kind)."""
    if change.action is Action.DELETE:
        return ()
    return ((GROUP_KIND, (change.key[1],)),)


def _audit_id(key: tuple[str, ...], ids: IdIndex) -> str | None:
    """Grants and removals are logged as role assignments naming the group as principal."""
    return ids_of(ids, PART).get(key)


PROJECT_GROUP = KindInfo(
    kind=Kind.PROJECT_GROUP,
    noun="group",
    key=("project", "group"),
    scope="project",
    diff=diff_project_groups,
    audit_events=("role.assignment.created", "role.assignment.deleted"),
    audit_id=_audit_id,
    detail=_detail,
    live_count=lambda org: sum(len(groups_of(p) or {}) for p in org.projects.values()),
    audit_by_principal=True,
    follows=_follows,
)
