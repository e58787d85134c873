"""What a write handler receives, and the one way a handler sends a write.

`ApplyContext` carries the client, the secret sink and a mutable id index: the live ids plus
the ids of what this run created (so an invite can name a project created a moment earlier).

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
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.change import Action, Change, Kind
from reconciler.clock import Clock
from reconciler.errors import (
    ApiError,
    BadRequestError,
    NotFoundError,
    ReconcilerError,
    ServerError,
    ThrottledError,
    TransportError,
)
from reconciler.model import IdIndex, Live
from reconciler.secrets import SecretSink

log = logging.getLogger(__name__)

JSON = dict[str, Any]
MAX_SENDS = 3
MAX_THROTTLED = 8


class Reader(Protocol):
    """The read part of the Admin API client (reconciler.api's AdminClient) that kinds use."""

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> list[JSON]:
        """Every item of a paginated list."""
        ...

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> JSON:
        """One object."""
        ...


class WriteClient(Reader, Protocol):
    """The part of the Admin API client that apply uses: reads for read-back, and writes."""

    async def post(self, path: str, *, json: Mapping[str, Any] | None = None) -> JSON:
        """A create or update (never retried by the client)."""
        ...

    async def delete(self, path: str) -> JSON:
        """A delete (never retried by the client)."""
        ...

    @property
    def clock(self) -> Clock:
        """The clock the client paces with (apply waits on it, e.g. for twins to settle)."""
        ...


@dataclass(slots=True)
class Ids:
    """Server ids by natural key: live ids, plus those created during this run."""

    projects: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    invites: dict[str, str] = field(default_factory=dict)
    service_accounts: dict[tuple[str, str], str] = field(default_factory=dict)
    rate_limits: dict[tuple[str, str], str] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ApplyContext:
    """Collaborators and mutable state shared by the handlers of one apply."""

    client: WriteClient
    live: Live
    sink: SecretSink
    ids: Ids

    @property
    def clock(self) -> Clock:
        """The client's clock: waits in apply run at the same (maybe sped-up) pace."""
        return self.client.clock

    @classmethod
    def start(
        cls, *, client: WriteClient, live: Live, sink: SecretSink, changes: Iterable[Change]
    ) -> ApplyContext:
        """A context whose id index starts from live ids (renamed projects and certificates
        are indexed under their new names too, so their children resolve)."""
        src = live.ids
        ids = Ids(
            projects=dict(src.projects),
            users=dict(src.users),
            invites=dict(src.invites),
            service_accounts=dict(src.service_accounts),
            rate_limits=dict(src.rate_limits),
            certificates=dict(src.certificates),
        )
        for project in live.org.projects.values():
            if project.id:
                ids.projects.setdefault(project.name, project.id)
        for change in changes:
            _index_rename(ids, change, src)
        return cls(client=client, live=live, sink=sink, ids=ids)

    def project_id(self, name: str) -> str:
        """The id of a project (live, renamed or created in this run)."""
        found = self.ids.projects.get(name)
        if found is None:
            raise ReconcilerError(f"project {name!r} has no id (was its creation skipped?)")
        return found


def _index_rename(ids: Ids, change: Change, live: IdIndex) -> None:
    """A rename's new name resolves to the old name's id in the live index (not in `ids`,
    where an earlier rename may already have taken the old name: a swap of two names); so does
    the declared name of a project archived by its `id` pin (say, a twin declared under
    another name to archive it)."""
    if change.action not in (Action.UPDATE, Action.ARCHIVE) or change.before is None:
        return
    if change.kind is Kind.PROJECT:
        pid = change.before.get("id") or live.projects.get(str(change.before.get("name")))
        if pid:
            ids.projects[change.key[0]] = str(pid)
    elif change.kind is Kind.CERTIFICATE and change.action is Action.UPDATE:
        cid = live.certificates.get(str(change.before.get("name")))
        if cid:
            ids.certificates[change.key[0]] = cid


class Handler(Protocol):
    """Performs one change of one kind; returns a short note for the report (never a secret)."""

    async def __call__(self, change: Change, ctx: ApplyContext) -> str | None:
        """Perform `change`; raise a ReconcilerError if it cannot be done."""
        ...


@dataclass(frozen=True, slots=True)
class BatchHandler:
    """Performs several changes of one kind in one request: changes with the same `group`
    are batched, at most `max_size` at a time; the batch succeeds or fails as a whole."""

    perform: Callable[[Sequence[Change], ApplyContext], Awaitable[str | None]]
    group: Callable[[Change], tuple[str, ...]]
    max_size: int


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
