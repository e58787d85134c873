"""Safety gates: checked on every plan before anything is written.

Each gate has a rule name, names the objects it refuses, and has exactly one override flag:

    rule               refuses                                             override
    min_owners         fewer than settings.safety.min_owners org owners    --allow-fewer-owners
                       remain (role downgrades count, not only removals;
                       members of a group holding the role owner count)
    admin_key_owner    removing or demoting the owner of the admin key     --allow-key-owner-change
                       (when that owner is unknown: removing any org owner;
                       taking away a group that is its only owner access)
    protected_users    removing a protected user from the organization     --allow-protected-removal
                       or a project, or demoting one from org owner
    max_deletes        more deletes than settings.safety.max_deletes       --force
                       (a replace counts: it deletes the object, and a
                       service account's keys with it; an invite's does not;
                       so does taking from a project a model or hosted tool
                       it used in the last 30 days, or whose use is unknown)
    max_delete_share   deleting more than max_delete_share of a kind's     --force
                       existing objects (kinds with at least 10 objects)
    archive            archiving a project (irreversible)                  --allow-archive
    spend_stop         a spend limit set below its scope's spend this      --allow-spend-stop
                       month (or with that spend unknown): it stops the
                       scope's API traffic at once

The gates read values only (the plan, desired settings and live state) and return refusals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.core import owner_gates
from reconciler.core.breaks import Breaks
from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.registry import kinds
from reconciler.core.kinds.spend_limits import spend_stops, usd
from reconciler.core.model import Desired, Live
from reconciler.core.plan import Plan, label, noun
from reconciler.core.refusal import Refusal as Refusal  # noqa: PLC0414 (re-export)
from reconciler.core.refusal import names as listed
from reconciler.errors import UnsafePlanError

# Below this many existing objects of a kind, a share of deletions says little (1 of 2 is 50%).
MIN_EXISTING_FOR_SHARE = 10
# Deletions counted by max_deletes: objects, not activations (which are undone by one request).
_COUNTED = frozenset(Kind) - {Kind.CERTIFICATE_ACTIVATION}


@dataclass(frozen=True, slots=True)
class Overrides:
    """The named flags that let a person accept what a gate refuses."""

    force: bool = False
    allow_archive: bool = False
    allow_fewer_owners: bool = False
    allow_key_owner_change: bool = False
    allow_protected_removal: bool = False
    allow_spend_stop: bool = False


def check(
    plan: Plan,
    *,
    desired: Desired,
    live: Live,
    overrides: Overrides,
    breaks: Breaks | None = None,
) -> list[Refusal]:
    """Every gate the plan fails and whose override was not given, in the table's order;
    `breaks` (what the plan takes away, with its use) adds to max_deletes."""
    refusals: list[Refusal] = []
    if not overrides.allow_fewer_owners:
        refusals.extend(owner_gates.min_owners(plan.changes, desired, live))
    if not overrides.allow_key_owner_change:
        refusals.extend(owner_gates.admin_key_owner(plan.changes, live))
    if not overrides.allow_protected_removal:
        refusals.extend(_protected(plan.changes, desired))
    if not overrides.force:
        refusals.extend(_max_deletes(plan.changes, desired, breaks or Breaks()))
        refusals.extend(_max_delete_share(plan.changes, desired, live))
    if not overrides.allow_archive:
        refusals.extend(_archive(plan.changes))
    if not overrides.allow_spend_stop:
        refusals.extend(_spend_stop(plan.changes, live))
    return refusals


def raise_if_unsafe(
    plan: Plan,
    *,
    desired: Desired,
    live: Live,
    overrides: Overrides,
    breaks: Breaks | None = None,
) -> None:
    """Raise UnsafePlanError naming every refused rule, its objects and its override flag."""
    refusals = check(plan, desired=desired, live=live, overrides=overrides, breaks=breaks)
    if refusals:
        raise UnsafePlanError(refusal_message(refusals))


def refusal_message(refusals: Sequence[Refusal]) -> str:
    """One line per refusal, prefixed so the first line alone says what happened."""
    lines = [f"safety refused the plan ({len(refusals)} rule(s)):"]
    lines += [f"  {r}" for r in refusals]
    return "\n".join(lines)


def _protected(changes: Sequence[Change], desired: Desired) -> list[Refusal]:
    protected = desired.settings.safety.protected_users
    hit = [
        label(c.kind, c.key)
        for c in changes
        if c.key and c.key[-1] in protected and (_removes(c) or _demotes(c))
    ]
    if not hit:
        return []
    message = f"the plan removes or demotes protected user(s): {listed(hit)}"
    return [Refusal("protected_users", tuple(hit), "--allow-protected-removal", message)]


def _removes(change: Change) -> bool:
    return change.action is Action.DELETE and change.kind in (Kind.USER, Kind.PROJECT_USER)


def _demotes(change: Change) -> bool:
    """An organization owner made a reader."""
    if change.kind is not Kind.USER or change.action is not Action.UPDATE:
        return False
    return (change.before or {}).get("role") == "owner" and (change.after or {}).get(
        "role"
    ) != "owner"


def _deletes(changes: Sequence[Change]) -> list[Change]:
    """The changes max_deletes counts: deletes of objects, and replaces (delete then create)
    except an invite's (re-sending an invite loses nothing)."""
    return [
        c
        for c in changes
        if c.kind in _COUNTED
        and (
            c.action is Action.DELETE or (c.action is Action.REPLACE and c.kind is not Kind.INVITE)
        )
    ]


def _max_deletes(changes: Sequence[Change], desired: Desired, breaks: Breaks) -> list[Refusal]:
    taken = [c for c in changes if breaks.destructive(c)]
    deletes = _deletes(changes) + taken
    limit = desired.settings.safety.max_deletes
    if len(deletes) <= limit:
        return []
    names = tuple(label(c.kind, c.key) for c in deletes)
    message = (
        f"the plan deletes (or replaces) {len(deletes)} objects, more than "
        f"max_deletes={limit}: {listed(names)}"
    )
    if taken:
        message += (
            f" ({len(taken)} of them take away a model or hosted tool used in the last 30 days,"
            " or whose use could not be read)"
        )
    return [Refusal("max_deletes", names, "--force", message)]


def _existing(live: Live) -> Counter[Kind]:
    """How many objects of each kind live state holds (the base of a deletion share)."""
    return Counter(
        {info.kind: info.live_count(live.org) for info in kinds() if info.live_count is not None}
    )


def _max_delete_share(changes: Sequence[Change], desired: Desired, live: Live) -> list[Refusal]:
    share = desired.settings.safety.max_delete_share
    existing = _existing(live)
    by_kind: dict[Kind, list[Change]] = {}
    for change in _deletes(changes):
        by_kind.setdefault(change.kind, []).append(change)
    refusals = []
    for kind, deletes in sorted(by_kind.items()):
        base = existing[kind]
        if base < MIN_EXISTING_FOR_SHARE or len(deletes) / base <= share:
            continue
        names = tuple(label(c.kind, c.key) for c in deletes)
        message = (
            f"the plan deletes {len(deletes)} of {base} {noun(kind)}s ({len(deletes) / base:.0%}),"
            f" more than max_delete_share={share:.0%}: {listed(names)}"
        )
        refusals.append(Refusal("max_delete_share", names, "--force", message))
    return refusals


def _archive(changes: Sequence[Change]) -> list[Refusal]:
    names = tuple(c.key[0] for c in changes if c.action is Action.ARCHIVE)
    if not names:
        return []
    message = f"archiving is irreversible; the plan archives project(s): {listed(names)}"
    return [Refusal("archive", tuple(f"project {n}" for n in names), "--allow-archive", message)]


def _spend_stop(changes: Sequence[Change], live: Live) -> list[Refusal]:
    stops = spend_stops(changes, live.spend_to_date)
    if not stops:
        return []
    names = tuple(label(Kind.SPEND_LIMIT, key) for key, _, _ in stops)
    said = [
        f"{name} {usd(new)} with month-to-date spend "
        + ("unknown (costs could not be read)" if spent is None else usd(spent))
        for name, (_, new, spent) in zip(names, stops, strict=True)
    ]
    message = f"a spend limit below this month's spend stops its traffic at once: {listed(said)}"
    return [Refusal("spend_stop", names, "--allow-spend-stop", message)]
