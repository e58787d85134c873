"""The name a keyed service account carries until its API key has been delivered.

Creating a service account returns its key once. apply creates a keyed account as
`NAME.reconciler-pending`, hands the key to the sink, then renames it to NAME; a process killed
in between leaves an account whose name says its key was never delivered. The diff recognises
such leftovers (this module is pure: the core may import it) and deletes them or warns.
"""

from __future__ import annotations

PENDING_SUFFIX = ".reconciler-pending"


def pending_name(name: str) -> str:
    """The name a keyed account has until its key has been delivered."""
    return name + PENDING_SUFFIX


def pending_of(key: str) -> str | None:
    """The real name behind a pending account's key (`name#id` too), or None if not pending."""
    name = key.split("#", 1)[0]
    return name.removesuffix(PENDING_SUFFIX) or None if name.endswith(PENDING_SUFFIX) else None
