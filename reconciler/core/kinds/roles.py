"""Custom organization roles, and the users who hold them directly, by name.

Values: the root part `roles`, a mapping role name → `Role`. Declared, a role's `description`
and `permissions` are managed when given (left out: not managed, and a role that does not
exist must declare its permissions to be created); its `users`, who hold it directly (not
through a group), are authoritative when given. Live: every custom role, with its holders when
they were read (None otherwise). OpenAI's predefined roles (`owner`, `reader`) are never
created, changed or deleted: the file may only name one (config/kinds/roles.py refuses more),
and the live value leaves them out.

Ids (`IdIndex.parts["roles"]`): (role name,) → role id, predefined roles included (groups
refer to them); ("", email) → user id for every organization user, when holders were read (a
role name is never empty, so the two never collide).

Kinds: ROLE, key (name,): create, update (description, permissions), delete only under
`settings.prune.roles` (else unmanaged). ROLE_USER, key (role, email): create and delete,
only for declared roles that declare `users`; a user who is not in the organization is an
error. Audit: `role.created/updated/deleted` carry the role's id; `role.assignment.created/
deleted` carry the assignment's own id and the user's as principal, so a holder's change is
matched by the user's id and reported as likely (the event does not name the role).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo, field_changes
from reconciler.core.model import IdIndex, Organization
from reconciler.core.parts import ids_of, typed

PART = "roles"
PREDEFINED = ("owner", "reader")


@dataclass(frozen=True, slots=True)
class Role:
    """A custom organization role; a field that is None is not managed (desired) or not read
    (live holders)."""

    name: str
    description: str | None = None
    permissions: frozenset[str] | None = None
    users: frozenset[str] | None = None


def roles_of(org: Organization) -> Mapping[str, Role] | None:
    """The declared (desired) or read (live) roles by name, or None when not in scope."""
    return typed(org, PART, Mapping[str, Role])


def is_predefined(name: str) -> bool:
    """Whether `name` is one of OpenAI's organization roles (names compare ignoring case)."""
    return name.lower() in PREDEFINED


def user_key(email: str) -> tuple[str, str]:
    """The id-index key of an organization user's id (see the module docstring)."""
    return ("", email)


def diff_roles(ctx: DiffContext) -> None:
    """Creates and updates of declared custom roles; undeclared live ones are deleted under
    prune.roles, else left alone."""
    wanted, have = roles_of(ctx.desired.org), roles_of(ctx.live.org)
    if wanted is None or have is None:
        return
    folded = {name.lower(): name for name in have}
    for name, role in sorted(wanted.items()):
        if is_predefined(name):
            continue
        current = have.get(name)
        if current is None and name.lower() in folded:
            message = (
                f"role {name}: the organization has a role named {folded[name.lower()]} "
                "(the API compares role names ignoring case); write its name as it is"
            )
            ctx.out.finding(Severity.ERROR, Kind.ROLE, (name,), message)
        elif current is None:
            _create(role, ctx.out)
        else:
            _update(role, current, ctx.out)
    prune = ctx.desired.settings.prune.roles
    for name, current in sorted(have.items()):
        if name in wanted:
            continue
        if prune:
            before = _definition(current.description, current.permissions)
            reason = "not in the config; prune.roles is on"
            ctx.out.change(Change(Kind.ROLE, Action.DELETE, (name,), before=before, reason=reason))
        else:
            reason = "not in the config; prune.roles is off"
            ctx.out.unmanaged.append(Unmanaged(Kind.ROLE, (name,), reason))


def _definition(description: str | None, permissions: Iterable[str] | None) -> dict[str, object]:
    shown: dict[str, object] = {} if description is None else {"description": description}
    return shown | ({} if permissions is None else {"permissions": sorted(permissions)})


def _create(role: Role, out: Collector) -> None:
    if role.permissions is None:
        message = f"role {role.name} does not exist: declare its permissions to create it"
        out.finding(Severity.ERROR, Kind.ROLE, (role.name,), message)
        return
    after = _definition(role.description, role.permissions)
    out.change(Change(Kind.ROLE, Action.CREATE, (role.name,), after=after))


def _update(role: Role, current: Role, out: Collector) -> None:
    after = _definition(role.description, role.permissions)
    before = {
        name: value
        for name, value in _definition(current.description, current.permissions).items()
        if name in after
    }
    fields = field_changes(before, after)
    if fields:
        key = (role.name,)
        out.change(Change(Kind.ROLE, Action.UPDATE, key, before=before, after=after, fields=fields))


def diff_role_users(ctx: DiffContext) -> None:
    """Who holds each declared role that declares `users`: missing holders are added, others
    removed (a user leaving the organization leaves their roles with it)."""
    wanted, have = roles_of(ctx.desired.org), roles_of(ctx.live.org)
    if wanted is None or have is None:
        return
    known = ids_of(ctx.live.ids, PART)
    for name, role in sorted(wanted.items()):
        current = have.get(name)
        if role.users is None or is_predefined(name):
            continue
        if current is None and role.permissions is None:
            continue  # the role cannot be created: its own finding says so
        held = frozenset() if current is None else current.users or frozenset()
        for email in sorted(role.users - held):
            if user_key(email) not in known:
                message = f"role {name}: {email} is not a user of the organization"
                ctx.out.finding(Severity.ERROR, Kind.ROLE_USER, (name, email), message)
            else:
                ctx.out.change(Change(Kind.ROLE_USER, Action.CREATE, (name, email)))
        for email in sorted(held - role.users - ctx.leaving):
            reason = "not in the role's users"
            ctx.out.change(Change(Kind.ROLE_USER, Action.DELETE, (name, email), reason=reason))


def _role_id(key: tuple[str, ...], ids: IdIndex) -> str | None:
    return ids_of(ids, PART).get((key[0],))


def _holder_id(key: tuple[str, ...], ids: IdIndex) -> str | None:
    return ids_of(ids, PART).get(user_key(key[1])) or ids.users.get(key[1])


def _permissions(change: Change) -> str:
    permissions = (change.after or {}).get("permissions")
    if change.action is not Action.CREATE or permissions is None:
        return ""
    return f"permissions: {', '.join(permissions) or 'none'}"


def _count_roles(org: Organization) -> int:
    return len(roles_of(org) or {})


def _count_holders(org: Organization) -> int:
    return sum(len(role.users or ()) for role in (roles_of(org) or {}).values())


ROLE = KindInfo(
    kind=Kind.ROLE,
    noun="role",
    key=("name",),
    scope="organization",
    diff=diff_roles,
    audit_events=("role.created", "role.updated", "role.deleted"),
    audit_id=_role_id,
    detail=_permissions,
    live_count=_count_roles,
    set_fields=("permissions",),
)
ROLE_USER = KindInfo(
    kind=Kind.ROLE_USER,
    noun="role holder",
    key=("role", "email"),
    scope="organization",
    diff=diff_role_users,
    audit_events=("role.assignment.created", "role.assignment.deleted"),
    audit_id=_holder_id,
    live_count=_count_holders,
    follows=lambda change: [(Kind.ROLE.value, (change.key[0],))],
)
