"""The one way a write handler sends a write, and reads back when the outcome is unknown.

`send_write` is the recovery discipline every handler follows — a write is never blindly
re-sent:

- 429 means the request was not performed: wait out the client's cooldown, send again;
- an ambiguous failure (timeout, dropped connection, 5xx) may or may not have taken effect:
  read back first (`settled`); if the change is there, it is done; only if it is not is the
  write sent again (a bounded number of times);
- a 404 on a delete means the object is already gone, which is what was wanted;
- a refusal (400/409/422) of a create or update reads back too: when what the write asked for
  already holds (an overlapping apply made the same change: "already a member"), it is done.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from reconciler.api.protocols import JSON, Reader, WriteClient
from reconciler.core.change import Action, Change
from reconciler.errors import (
    ApiError,
    BadRequestError,
    NotFoundError,
    ReconcilerError,
    ServerError,
    ThrottledError,
    TransportError,
)

log = logging.getLogger(__name__)

MAX_SENDS = 3
MAX_THROTTLED = 8


Send = Callable[[], Awaitable[JSON]]
Settled = Callable[[], Awaitable[JSON | None]]


async def send_write(send: Send, *, settled: Settled, what: str, delete: bool = False) -> JSON:
    """Send one write so that it takes effect at most once, recovering from ambiguous failures.

    `settled` reads back and returns the object if the write has already taken effect (for a
    delete: any value when the object is gone), else None. Returns the write's response, or
    what `settled` found.
    """
    sends = throttled = 0
    while True:
        try:
            sends += 1
            return await send()
        except ThrottledError:
            throttled += 1
            sends -= 1
            if throttled >= MAX_THROTTLED:
                raise
            log.info("%s: throttled, sending again after the cooldown", what)
        except NotFoundError:
            if delete:
                return {}  # already gone: what a delete wants
            raise
        except BadRequestError as exc:
            found = None if delete else await _read_back(settled, what=what, cause=exc)
            if found is None:
                raise
            log.info("%s: refused (%s), but it already holds", what, exc.message)
            return found
        except (TransportError, ServerError) as exc:
            found = await _read_back(settled, what=what, cause=exc)
            if found is not None:
                log.info("%s: the write took effect despite %s", what, type(exc).__name__)
                return found
            if sends >= MAX_SENDS:
                raise
            log.info("%s: not done after %s; sending once more", what, type(exc).__name__)


async def _read_back(settled: Settled, *, what: str, cause: ApiError) -> JSON | None:
    """Read back after an ambiguous failure; if even that fails, report the original error."""
    for _ in range(MAX_THROTTLED):
        try:
            return await settled()
        except ThrottledError:
            continue
        except ApiError as exc:
            log.info("%s: read-back failed (%s)", what, exc)
            raise cause from None
    raise cause


def unsupported(change: Change) -> ReconcilerError:
    """The error for an action a kind does not support (a plan bug, reported cleanly)."""
    return ReconcilerError(f"cannot {change.action.value} a {change.kind.value}")


async def gone(client: Reader, path: str) -> JSON | None:
    """Read-back for a delete: {} when the object no longer exists, else None."""
    try:
        await client.get(path)
    except NotFoundError:
        return {}
    return None


async def matches(client: Reader, path: str, wanted: JSON) -> JSON | None:
    """Read-back for an update: the object when every field of `wanted` holds, else None."""
    current = await client.get(path)
    return current if all(current.get(k) == v for k, v in wanted.items()) else None


async def update_at(client: WriteClient, path: str, body: JSON, *, what: str) -> JSON:
    """POST an update of the object at `path`; read-back checks that `body`'s fields hold."""
    return await send_write(
        lambda: client.post(path, json=body),
        settled=lambda: matches(client, path, body),
        what=what,
    )


async def delete_at(client: WriteClient, path: str, *, what: str) -> None:
    """DELETE the object at `path`; gone already (404, or found gone on read-back) is done."""
    await send_write(
        lambda: client.delete(path), settled=lambda: gone(client, path), what=what, delete=True
    )


async def role_or_remove(change: Change, client: WriteClient, path: str, *, what: str) -> None:
    """Change the role of a member (organization or project) at `path`, or remove it."""
    if change.action is Action.UPDATE:
        await update_at(
            client, path, {"role": (change.after or {})["role"]}, what=f"role of {what}"
        )
    elif change.action is Action.DELETE:
        await delete_at(client, path, what=f"remove {what}")
    else:
        raise unsupported(change)
