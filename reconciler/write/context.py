"""What a write handler receives: `ApplyContext` carries the client, the secret sink and a
mutable id index (the live ids plus the ids of what this run created, so an invite can name a
project created a moment earlier); `Handler` and `BatchHandler` are the shapes of the
per-kind write functions apply dispatches to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from reconciler.api.protocols import WriteClient
from reconciler.clock import Clock
from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import IdIndex, Live
from reconciler.errors import ReconcilerError
from reconciler.write.secrets import SecretSink


@dataclass(slots=True)
class Ids:
    """Server ids by natural key: live ids, plus those created during this run."""

    projects: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    invites: dict[str, str] = field(default_factory=dict)
    service_accounts: dict[tuple[str, str], str] = field(default_factory=dict)
    rate_limits: dict[tuple[str, str], str] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)
    # Plug-in kinds (core/parts.py): part name → natural key → id.
    parts: dict[str, dict[tuple[str, ...], str]] = field(default_factory=dict)

    def part(self, name: str) -> dict[tuple[str, ...], str]:
        """The ids of part `name`, live and created in this run (a handler adds its own)."""
        return self.parts.setdefault(name, {})


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
            parts={name: dict(found) for name, found in src.parts.items()},
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
