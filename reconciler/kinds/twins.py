"""Twins: objects that share one natural key because overlapping applies each created it, and
how a create makes sure that none is left behind.

The Admin API has no locks and no conditional writes, so two applies planned from the same
live state both create the project, certificate or service account that state lacks. A fresh
read just before the create (`adopt_existing`) finds a twin that another apply made since the
plan, and adopts it instead of creating. No read can close the window between itself and the
create, so after every create a second read settles the matter (`keep_or_yield`):

1. wait SETTLE_SECONDS after the create's response: `created_at` counts whole seconds, so once
   the next second has begun every twin stamped in our second or before it is visible;
2. list the twins (objects with the key that the run's plan did not know);
3. the winner is the twin with the smallest `(created_at, id)`: one total order, so every run
   that looks picks the same one;
4. a run whose object lost removes it itself (archives the project, deletes the certificate,
   deletes the service account before its API key is delivered) and adopts the winner's id, so
   the changes that depend on the create go to the winner.

Why no twin survives: a run keeps its object only if it sees no smaller twin at a moment when
every smaller twin (made earlier, or in the same second) is already visible; so of all twins
only the smallest is kept, and each of the others is removed by the run that made it. A run
killed between its create and that removal can leave one behind; the next plan then names it
and the config can settle it (README, "Overlapping applies").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from reconciler.write.context import ApplyContext

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.5  # one second of `created_at` resolution, plus margin for the list to see it


@dataclass(frozen=True, slots=True)
class Twin:
    """One object carrying a natural key: its id and when the API says it was created."""

    id: str
    created_at: int | None = None


ListTwins = Callable[[], Awaitable[list[Twin]]]
Remove = Callable[[str], Awaitable[None]]


def winner(twins: Iterable[Twin]) -> Twin | None:
    """The twin every run keeps: the oldest, the smallest id among equally old ones (one
    without `created_at` counts as newest)."""
    return min(twins, key=lambda t: _order(t.created_at, t.id), default=None)


def oldest_first(item: object) -> tuple[bool, int, str]:
    """Sort key of listed objects (JSON) in `winner`'s order: oldest first, then by id."""
    ident = item.get("id") if isinstance(item, dict) else None
    return _order(created_at(item), ident if isinstance(ident, str) else "")


def _order(stamp: int | None, ident: str) -> tuple[bool, int, str]:
    return (stamp is None, stamp or 0, ident)


def created_at(item: object) -> int | None:
    """The integer `created_at` of a listed object or create response, if it has one."""
    value = item.get("created_at") if isinstance(item, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def adopt_existing(ctx: ApplyContext, twins: ListTwins) -> Twin | None:
    """Before a create: the twin an overlapping apply made since the plan, if any (once settled,
    so that a twin it loses to in the same second is seen too)."""
    if not await twins():
        return None
    await ctx.clock.sleep(SETTLE_SECONDS)
    return winner(await twins())


async def keep_or_yield(
    ctx: ApplyContext, ours: Twin, twins: ListTwins, *, remove: Remove, what: str
) -> Twin:
    """After a create: `ours` if it wins, else the winner, once `ours` has been removed."""
    await ctx.clock.sleep(SETTLE_SECONDS)
    keep = winner([ours, *await twins()])
    if keep is None or keep.id == ours.id:
        return ours
    log.warning(
        "%s: an overlapping apply created it too; keeping %s, removing ours (%s)",
        what, keep.id, ours.id,
    )  # fmt: skip
    await remove(ours.id)
    return keep
