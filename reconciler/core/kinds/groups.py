"""Groups: organization groups by name, their members and their organization roles.

The root part `groups` (core/parts.py) maps a group's name to a `Group`. A declared group that
does not exist is created; its `members` and `roles`, when declared, are authoritative (the
missing added, the extra removed); left out, they are not managed. A live group the file does
not declare is deleted only under `settings.prune.groups`, otherwise listed as unmanaged.

A group provisioned by the identity provider (`scim`, live only) belongs to it: the file may
grant it roles (and project access), but declaring its members is an error finding that blocks
apply and says why, and it is never deleted. Role names are resolved against the
organization's roles (the live part `organization_roles`: predefined and custom) and the file's
`roles`; a name in neither is an error finding. A member who is not an organization user yet
(a pending invite) cannot be added: the plan says so and a later apply adds them.

Keys: (group,) for a group, (group, email) for a member, (group, role) for a role. Audit
events name a group by its id (`group.*`) and a role assignment by the group it was given to
(`role.assignment.*`, `principal_id`); membership changes have no event type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo
from reconciler.core.model import IdIndex, Organization
from reconciler.core.parts import ids_of, typed

PART = "groups"
# The live organization roles by name (predefined and custom), read with the groups.
ROLES_PART = "organization_roles"
# The predefined organization role that makes a group's members organization owners.
OWNER_ROLE = "owner"


@dataclass(frozen=True, slots=True)
class Group:
    """One group: its members' emails and its organization roles' names (None: not managed),
    and whether the identity provider manages it (live only)."""

    members: frozenset[str] | None = None
    roles: frozenset[str] | None = None
    scim: bool = False


def groups_of(org: Organization) -> Mapping[str, Group] | None:
    """The declared (desired) or read (live) groups by name, or None when not in scope."""
    return typed(org, PART, Mapping[str, Group])


def role_names(org: Organization) -> frozenset[str]:
    """The names of the organization's roles read with the groups (empty when not read)."""
    return typed(org, ROLES_PART, frozenset[str]) or frozenset()


def declared_role_names(org: Organization) -> frozenset[str]:
    """The names of the custom roles the file declares (the root part `roles`), if any."""
    declared = org.parts.get("roles")
    if isinstance(declared, Mapping):
        return frozenset(str(name) for name in declared)
    if isinstance(declared, Iterable):
        return frozenset(str(getattr(item, "name", item)) for item in declared)
    return frozenset()


def diff_groups(ctx: DiffContext) -> None:
    """Plan groups, their members and their roles (see the module docstring)."""
    want, have = groups_of(ctx.desired.org), groups_of(ctx.live.org)
    if want is None or have is None:
        return
    # A custom role this plan deletes (prune.roles) cannot be kept by a group: not known.
    doomed = {
        c.key[0] for c in ctx.out.changes if c.kind is Kind.ROLE and c.action is Action.DELETE
    }
    known = (role_names(ctx.live.org) | declared_role_names(ctx.desired.org)) - doomed
    users = ctx.live.org.users
    invited = frozenset(ctx.desired.org.users or {})
    namesakes = _namesakes(have, ids_of(ctx.live.ids, PART))
    for name, group in sorted(want.items()):
        if name in namesakes:
            message = (
                f"several organization groups are named {name!r}: rename all but one in the "
                "dashboard, then plan again"
            )
            ctx.out.finding(Severity.ERROR, Kind.GROUP, (name,), message)
            continue
        live = have.get(name)
        if live is None:
            ctx.out.change(Change(Kind.GROUP, Action.CREATE, (name,), after={"name": name}))
            live = Group(members=frozenset(), roles=frozenset())
        if group.members is not None:
            if live.scim:
                _scim_members(name, ctx.out)
            else:
                wanted = _addable(name, group.members, users, invited, ctx.out)
                _sync(Kind.GROUP_USER, name, wanted, live.members, leaving=ctx.leaving, out=ctx.out)
        if group.roles is not None:
            wanted = _resolvable(name, group.roles, known, ctx.out)
            _sync(Kind.GROUP_ROLE, name, wanted, live.roles, leaving=frozenset(), out=ctx.out)
    _undeclared(want, have, prune=ctx.desired.settings.prune.groups, out=ctx.out)


def _namesakes(have: Mapping[str, Group], ids: Mapping[tuple[str, ...], str]) -> set[str]:
    """Names several live groups share: the read keys all but the first as `name#id`."""
    found = set()
    for key in have:
        ident = ids.get((key,), "")
        if ident and key.endswith(f"#{ident}"):
            found.add(key.removesuffix(f"#{ident}"))
    return found


def _scim_members(name: str, out: Collector) -> None:
    message = (
        "managed by SCIM: its members belong to the identity provider; remove `members` "
        "from this group in the file (its roles and project access may be declared)"
    )
    out.finding(Severity.ERROR, Kind.GROUP, (name,), message)


def _addable(
    name: str,
    members: frozenset[str],
    users: Mapping[str, object] | None,
    invited: frozenset[str],
    out: Collector,
) -> frozenset[str]:
    """The members that can be in the group: an invitee who is not a user yet cannot (a
    warning: a later apply adds them), nor anyone else who is not a user (an error: the apply
    would stop half-way through the group)."""
    if users is None:
        return members
    pending = sorted(e for e in members if e not in users and e in invited)
    for email in pending:
        message = f"{email} is not an organization user yet (invited); a later apply adds them"
        out.finding(Severity.WARNING, Kind.GROUP_USER, (name, email), message)
    strangers = sorted(e for e in members if e not in users and e not in invited)
    for email in strangers:
        message = f"{email} is not an organization user (declare and invite them in users:)"
        out.finding(Severity.ERROR, Kind.GROUP_USER, (name, email), message)
    return members - frozenset(pending) - frozenset(strangers)


def _resolvable(
    name: str, roles: frozenset[str], known: frozenset[str], out: Collector
) -> frozenset[str]:
    """The roles that exist (live or declared); an unknown name is an error finding."""
    unknown = sorted(roles - known)
    for role in unknown:
        message = (
            f"{role!r} is not an organization role (neither predefined, nor custom and live, "
            "nor declared in `roles`)"
        )
        out.finding(Severity.ERROR, Kind.GROUP_ROLE, (name, role), message)
    return roles - frozenset(unknown)


def _sync(
    kind: Kind,
    group: str,
    want: frozenset[str],
    have: frozenset[str] | None,
    *,
    leaving: frozenset[str],
    out: Collector,
) -> None:
    """Add what `want` has and `have` lacks; remove the rest (authoritative when declared).
    A member leaving the organization leaves its groups with it (no change of its own)."""
    field = "email" if kind is Kind.GROUP_USER else "role"
    present = have or frozenset()
    for item in sorted(want - present):
        out.change(Change(kind, Action.CREATE, (group, item), after={"group": group, field: item}))
    for item in sorted(present - want - leaving):
        before = {"group": group, field: item}
        out.change(Change(kind, Action.DELETE, (group, item), before=before, reason="not declared"))


def group_json(group: Group) -> dict[str, list[str]]:
    """What a plan says of a group it deletes: its members and roles."""
    return {"members": sorted(group.members or ()), "roles": sorted(group.roles or ())}


def _undeclared(
    want: Mapping[str, Group], have: Mapping[str, Group], *, prune: bool, out: Collector
) -> None:
    for name, live in sorted(have.items()):
        if name in want:
            continue
        if live.scim:
            reason = "not in the config; managed by SCIM (the identity provider owns it)"
            out.unmanaged.append(Unmanaged(Kind.GROUP, (name,), reason))
        elif prune:
            reason = "not in the config; prune.groups is on"
            change = Change(Kind.GROUP, Action.DELETE, (name,), group_json(live), reason=reason)
            out.change(change)
        else:
            out.unmanaged.append(
                Unmanaged(Kind.GROUP, (name,), "not in the config; prune.groups is off")
            )


def group_id(key: tuple[str, ...], ids: IdIndex) -> str | None:
    """The server id of the group a key names (its first part)."""
    return ids_of(ids, PART).get((key[0],))


def _group_detail(change: Change) -> str:
    """`members: alice@x, bob@x; roles: owner` for a group the plan deletes."""
    if change.action is not Action.DELETE:
        return ""
    before = change.before or {}
    members = ", ".join(before.get("members", [])) or "none"
    return f"members: {members}; roles: {', '.join(before.get('roles', [])) or 'none'}"


def _live_groups(org: Organization) -> int:
    return len(groups_of(org) or {})


GROUP = KindInfo(
    kind=Kind.GROUP,
    noun="group",
    key=("group",),
    scope="organization",
    diff=diff_groups,
    audit_events=("group.created", "group.updated", "group.deleted"),
    audit_id=group_id,
    detail=_group_detail,
    live_count=_live_groups,
)
GROUP_USER = KindInfo(
    kind=Kind.GROUP_USER,
    noun="group member",
    key=("group", "email"),
    scope="organization",
    diff=None,
    diffed_by=Kind.GROUP,
    audit_events=(),  # the audit log has no event type for group membership
    audit_id=lambda key, ids: None,
    follows=lambda change: [(Kind.GROUP.value, (change.key[0],))],
)
GROUP_ROLE = KindInfo(
    kind=Kind.GROUP_ROLE,
    noun="group role",
    key=("group", "role"),
    scope="organization",
    diff=None,
    diffed_by=Kind.GROUP,
    audit_events=("role.assignment.created", "role.assignment.deleted"),
    audit_id=group_id,
    follows=lambda change: [
        (Kind.GROUP.value, (change.key[0],)),
        (Kind.ROLE.value, (change.key[1],)),
    ],
)
