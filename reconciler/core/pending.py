"""The name a keyed service account carries until its API key has been delivered.

Creating a service account returns its key once. apply creates a keyed account as
`NAME.reconciler-pending`, hands the key to the sink, then renames it to NAME; a process killed
in between leaves an account whose name says its key was never delivered. The diff recognises
such leftovers (this module is pure: the core may import it) and deletes them or warns.

Rotating a key works the same way on an existing account: apply renames it
`NAME.reconciler-rotating-NONCE`, creates the new key named `...-NONCE`, hands it to the sink,
then renames the account back. An account still carrying the marker is read as NAME with the
nonce (the key named with it may never have reached the sink), and the next plan rotates again.
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


ROTATING_INFIX = ".reconciler-rotating-"


def rotating_name(name: str, nonce: str) -> str:
    """The name an account has while the key of rotation `nonce` is on its way to the sink."""
    return f"{name}{ROTATING_INFIX}{nonce}"


def rotating_of(name: str) -> tuple[str, str | None]:
    """(the real name, the rotation nonce) of an account's name; the nonce is None when the
    name carries no rotation marker."""
    base, marker, nonce = name.rpartition(ROTATING_INFIX)
    if not marker or not base or not nonce:
        return name, None
    return base, nonce
