"""Who holds organization owner access, now and after a plan: a user whose role is `owner`,
and every member of a group that holds the predefined organization role `owner`.

Safety's owner gates (core/safety.py) count both. Groups count only when they were read (the
file declares `groups:`); a user who leaves the organization leaves its groups with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.groups import OWNER_ROLE, groups_of
from reconciler.core.model import Live


@dataclass(frozen=True, slots=True)
class Access:
    """Users' organization roles by email, and groups' members and roles by name."""

    roles: Mapping[str, str]
    members: Mapping[str, frozenset[str]]
    group_roles: Mapping[str, frozenset[str]]

    def owners(self) -> frozenset[str]:
        """Everyone with owner access, directly or through a group."""
        direct = {email for email, role in self.roles.items() if role == "owner"}
        return frozenset(direct | self.through_groups())

    def through_groups(self, email: str | None = None) -> frozenset[str]:
        """The users owners through a group (all, or `email` if so), of those still users."""
        found: set[str] = set()
        for name, roles in self.group_roles.items():
            if OWNER_ROLE in roles:
                found |= {m for m in self.members.get(name, ()) if m in self.roles}
        return frozenset(found if email is None else found & {email})

    def owner_groups(self, email: str) -> list[str]:
        """The groups through which `email` holds owner access."""
        return sorted(
            name
            for name, roles in self.group_roles.items()
            if OWNER_ROLE in roles and email in self.members.get(name, ())
        )


def live_access(live: Live) -> Access | None:
    """Owner access as read (None when the users were not read)."""
    users = live.org.users
    if users is None:
        return None
    groups = groups_of(live.org) or {}
    return Access(
        roles={email: user.role for email, user in users.items()},
        members={name: g.members or frozenset() for name, g in groups.items()},
        group_roles={name: g.roles or frozenset() for name, g in groups.items()},
    )


def after(access: Access, changes: Iterable[Change]) -> Access:
    """Owner access once `changes` are applied."""
    roles = dict(access.roles)
    members = {name: set(found) for name, found in access.members.items()}
    group_roles = {name: set(found) for name, found in access.group_roles.items()}
    for change in changes:
        key, deleted = change.key, change.action is Action.DELETE
        if change.kind is Kind.USER and deleted:
            roles.pop(key[0], None)
        elif change.kind is Kind.USER and change.after is not None:
            roles[key[0]] = change.after["role"]
        elif change.kind is Kind.GROUP and deleted:
            members.pop(key[0], None)
            group_roles.pop(key[0], None)
        elif change.kind in (Kind.GROUP_USER, Kind.GROUP_ROLE):
            table = members if change.kind is Kind.GROUP_USER else group_roles
            held = table.setdefault(key[0], set())
            (held.discard if deleted else held.add)(key[1])
    return Access(
        roles=roles,
        members={name: frozenset(found) for name, found in members.items()},
        group_roles={name: frozenset(found) for name, found in group_roles.items()},
    )
