"""The live organization for a plan scoped to a pull request (`plan --base`, `apply --base`).

    scope, live = await fetch_scoped(client, head, changed_scope(base, head))
    desired = restrict(head, scope)

One fetch of what `scope` covers. When that shows a declared user who is not an organization
member and whose declared projects lie outside it (`scope.with_invitees`), one more fetch with
those projects added: an invite carries all of its email's memberships, so it is never planned
from part of the file. `plan --base` and `apply --base` both read through here, so they plan
the same scope.
"""

from __future__ import annotations

from reconciler.api import AdminClient
from reconciler.core.model import Desired, Live
from reconciler.core.pr_scope import PrScope, restrict, with_invitees
from reconciler.read.live import FetchProgress, fetch_live

__all__ = ["fetch_scoped"]


async def fetch_scoped(
    client: AdminClient,
    head: Desired,
    scope: PrScope,
    *,
    progress: FetchProgress | None = None,
) -> tuple[PrScope, Live]:
    """The scope actually planned (`scope`, plus invitees' projects) and its live state."""
    live = await fetch_live(client, restrict(head, scope), progress=progress)
    wider = with_invitees(scope, head, live)
    if wider == scope:
        return scope, live
    return wider, await fetch_live(client, restrict(head, wider), progress=progress)
