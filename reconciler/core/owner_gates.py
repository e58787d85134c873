"""The safety gates about organization owners: min_owners and admin_key_owner (see
core/safety.py for the table of gates). Owners are counted directly and through groups holding
the role owner (core/owners.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from reconciler.core import owners
from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import Desired, Live
from reconciler.core.refusal import Refusal, names


def _user_losses(changes: Iterable[Change]) -> Iterator[tuple[str, bool]]:
    """(email, removed) for each user the plan removes (True) or whose role changes (False)."""
    for change in changes:
        if change.kind is Kind.USER and change.action is Action.DELETE:
            yield change.key[0], True
        elif change.kind is Kind.USER and change.action is Action.UPDATE:
            yield change.key[0], False


def min_owners(changes: Sequence[Change], desired: Desired, live: Live) -> list[Refusal]:
    """Owners counted directly and through groups holding the role owner (core/owners.py)."""
    now = owners.live_access(live)
    if now is None:
        return []
    before, later = now.owners(), owners.after(now, changes).owners()
    minimum = desired.settings.safety.min_owners
    if len(later) >= minimum or len(later) >= len(before):
        return []
    lost = sorted(before - later)
    message = (
        f"{len(later)} organization owner(s) would remain, fewer than min_owners={minimum}; "
        f"losing owner: {names(lost)}"
    )
    return [Refusal("min_owners", tuple(lost), "--allow-fewer-owners", message)]


def admin_key_owner(changes: Sequence[Change], live: Live) -> list[Refusal]:
    owner = live.admin_key_owner
    if owner is None:
        return _unknown_key_owner(changes, live)
    hit = [
        c for c in changes
        if c.kind is Kind.USER and c.key[0] == owner
        and (c.action is Action.DELETE or (c.after or {}).get("role") != "owner")
    ]  # fmt: skip
    if not hit:
        return _key_owner_groups(changes, owner, live)
    what = "removes" if hit[0].action is Action.DELETE else "demotes"
    message = f"the plan {what} {owner}, who owns the admin key in use (it would lock itself out)"
    return [Refusal("admin_key_owner", (owner,), "--allow-key-owner-change", message)]


def _key_owner_groups(changes: Sequence[Change], owner: str, live: Live) -> list[Refusal]:
    """The key's owner losing the owner access it holds only through groups (the group, its
    role owner, or the owner's membership in it removed) is a demotion too."""
    now = owners.live_access(live)
    if now is None or owner not in now.owners() or owner in owners.after(now, changes).owners():
        return []
    message = (
        f"the plan takes away the owner access {owner}, who owns the admin key in use, holds "
        f"through group(s) {names(now.owner_groups(owner))} (it would lock itself out)"
    )
    return [Refusal("admin_key_owner", (owner,), "--allow-key-owner-change", message)]


def _unknown_key_owner(changes: Sequence[Change], live: Live) -> list[Refusal]:
    """Fail closed: only owners hold admin keys, so with the key's owner unknown, removing any
    organization owner may delete the key in use. (A demotion stays a warning finding: with a
    service account's admin key, the common unknown case, no person is at risk.)"""
    users = live.org.users
    if users is None:
        return []
    hit = sorted(
        email
        for email, removed in _user_losses(changes)
        if removed and email in users and users[email].role == "owner"
    )
    if not hit:
        return []
    message = (
        "the owner of the admin key in use could not be identified, and the plan removes "
        f"organization owner(s) {names(hit)}: the key may be theirs (it would lock itself out)"
    )
    return [Refusal("admin_key_owner", tuple(hit), "--allow-key-owner-change", message)]
