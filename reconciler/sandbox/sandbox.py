"""`Sandbox`: the simulated organization with its clock, faults, request log and persistence.

Every way in (the httpx transport, the loopback server, a dashboard session) goes through
`Sandbox.process`, which applies throttling and faults around the one app function. With a
state file attached (`Sandbox.load`), each request first catches up with what other processes
wrote to it, under its lock, and each change is journaled at once (`store.py`, `journal.py`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.clock import Clock, SystemClock
from reconciler.errors import SandboxError
from reconciler.sandbox import app, journal
from reconciler.sandbox.context import Actor
from reconciler.sandbox.faults import Fault, FaultConfig, Throttle, retry_after_header
from reconciler.sandbox.requestlog import RequestLog
from reconciler.sandbox.seed import build_state, demo_seed
from reconciler.sandbox.state import State
from reconciler.sandbox.store import StateStore
from reconciler.sandbox.wire import JSON, Request, Response, error_response

if TYPE_CHECKING:
    from reconciler.sandbox.dashboard import DashboardSession
    from reconciler.sandbox.transport import SandboxTransport

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the client gets: a response, or a lost one (`lost` says how it was lost)."""

    response: Response | None
    lost: Fault | None = None


class Sandbox:
    """A faithful, stateful simulator of the OpenAI Admin API."""

    def __init__(self, state: State, *, clock: Clock | None = None) -> None:
        self.state = state
        self.clock: Clock = clock or SystemClock()
        self.faults = FaultConfig()
        self.requests = RequestLog()
        self.store: StateStore | None = None
        self.read_only = False
        self._throttle = Throttle()
        self._lock = threading.RLock()

    @classmethod
    def demo(cls, *, clock: Clock | None = None) -> Sandbox:
        """The default demo organization (`data/demo.yaml`)."""
        return cls.from_seed(demo_seed(), clock=clock)

    @classmethod
    def from_seed(cls, seed: Mapping[str, Any], *, clock: Clock | None = None) -> Sandbox:
        """The organization a seed describes (same format as `data/demo.yaml`)."""
        real_clock = clock or SystemClock()
        return cls(build_state(seed, now=int(real_clock.time())), clock=real_clock)

    @classmethod
    def load(
        cls, state_file: Path, *, clock: Clock | None = None, read_only: bool = False
    ) -> Sandbox:
        """The sandbox saved in `state_file` (created with the demo if it does not exist yet),
        in step with every other process using the file: each request first catches up with
        their changes, and each change is journaled at once (`store.py`). `read_only` never
        writes an existing file (a plan only reads) and refuses changes."""
        sandbox = cls.demo(clock=clock)
        store = sandbox.store = StateStore(state_file)
        with sandbox._lock, store.locked(exclusive=not store.exists()):
            if store.exists():
                sandbox._catch_up()
            else:
                store.write_snapshot(sandbox.state.to_json())
        sandbox.read_only = read_only
        return sandbox

    @property
    def state_file(self) -> Path | None:
        """The state file this sandbox keeps, if any."""
        return self.store.path if self.store else None

    def save(self, state_file: Path) -> None:
        """Write the whole state to `state_file` as its snapshot (atomically, mode 0600), after
        catching up with other processes' changes when it is this sandbox's own file. A journal
        beside it is dropped: its changes are in the snapshot now, or are overwritten (`reset`)."""
        own = self.store is not None and self.store.path.resolve() == state_file.resolve()
        store = self.store if own and self.store else StateStore(state_file)
        with self._lock, store.locked(exclusive=True):
            if own and store.exists():
                self._catch_up()
            store.write_snapshot(self.state.to_json())

    def close(self) -> None:
        """Fold the journal into the snapshot as a command ends, so the state file alone is
        complete; writes nothing when nothing is pending or when opened read-only."""
        if self.store is None or self.read_only:
            return
        with self._lock, self._synced(write=True):
            if self.store.journal.exists():
                self.store.write_snapshot(self.state.to_json())

    @contextmanager
    def _synced(self, *, write: bool) -> Iterator[None]:
        """Hold the state file's lock (exclusive to write), caught up with other processes."""
        if self.store is None:
            yield
            return
        if write and self.read_only:
            raise SandboxError(f"sandbox state {self.store.path} is open read-only")
        with self.store.locked(exclusive=write):
            if self.store.exists():
                self._catch_up()
            elif write:
                self.store.write_snapshot(self.state.to_json())
            yield

    def _catch_up(self) -> None:
        assert self.store is not None
        found = self.store.catch_up()
        if found is None:
            return
        state = self.state
        if found.document is not None:
            try:
                state = State.from_json(found.document)
            except (TypeError, ValueError) as exc:
                raise SandboxError(f"cannot read sandbox state {self.store.path}: {exc}") from exc
        try:
            for entry in found.entries:
                journal.replay(state, entry)
        except SandboxError as exc:
            raise SandboxError(
                f"cannot replay sandbox journal {self.store.journal}: {exc}; run `reconciler "
                f"sandbox reset --state {self.store.path}` to start over"
            ) from None
        self.state = state

    def _journal(self, entry: JSON) -> None:
        """Persist one change (the lock is held and the state caught up)."""
        if self.store is not None and self.store.append(entry):
            self.store.write_snapshot(self.state.to_json())

    @property
    def admin_key(self) -> str:
        """The bearer key the sandbox accepts (a sandbox-only value, never a real key)."""
        with self._lock, self._synced(write=False):
            return str(self.state.admin_keys[0]["value"])

    def transport(self) -> SandboxTransport:
        """An httpx transport (sync and async) serving this sandbox for any host."""
        from reconciler.sandbox.transport import SandboxTransport

        return SandboxTransport(self)

    def latency_for(self, request: Request) -> float:
        """Clock seconds to wait before answering this request."""
        template = app.template_of(request.method, request.path)
        return self.faults.latency if self.faults.applies_to(request.method, template) else 0.0

    def process(self, request: Request, *, actor: Actor | None = None) -> Delivery:
        """Serve one request with throttling and faults applied; journals a change."""
        template = app.template_of(request.method, request.path)
        with self._lock, self._synced(write=request.method != "GET"):
            outcome = self._process(request, template, actor)
            status = outcome.response.status if outcome.response else 0
            self.requests.record(request.method, template, request.path, status)
        return Delivery(None, outcome.lost) if outcome.lost else outcome

    def _process(self, request: Request, template: str, actor: Actor | None) -> Delivery:
        wait = self._throttle.admit(template, self.faults.limit_for(template), self.clock)
        if wait is not None:
            headers = retry_after_header(wait) if self.faults.throttle_retry_after else {}
            return Delivery(_throttled(headers))
        fault = self.faults.roll(request.method, template) if actor is None else None
        if fault is Fault.TIMEOUT_BEFORE:
            return Delivery(None, fault)
        if fault is not None and fault.status is not None:
            return Delivery(_fault_response(fault, self.faults.retry_after))
        now, issued = int(self.clock.time()), list[str]()
        who = actor or app.actor_of(self.state, request)
        response = app.handle(self.state, request, now=now, actor=who, issued=issued)
        if request.method != "GET" and response.status == 200 and who is not None:
            self._journal(journal.request_entry(request, actor=who, now=now, issued=issued))
        return Delivery(response, fault)

    def accept_invite(self, email: str) -> None:
        """Accept the pending invite for `email`, as the invitee would in their browser."""
        with self._lock, self._synced(write=True):
            now = int(self.clock.time())
            journal.accept_invite(self.state, email, now=now)
            self._journal(journal.accept_entry(email, now=now))

    def act_as(self, email: str) -> DashboardSession:
        """A dashboard session of an organization owner, for out-of-band changes (drift)."""
        from reconciler.sandbox.dashboard import DashboardSession

        with self._lock, self._synced(write=False):
            user = self.state.user_by_email(email)
        if user is None:
            raise SandboxError(f"{email} is not a member of the sandbox organization")
        if user["role"] != "owner":
            raise SandboxError(
                f"{email} is a {user['role']}; only owners can change the organization"
            )
        return DashboardSession(
            self, Actor(kind="session", user_id=user["id"], email=user["email"])
        )


def _throttled(headers: Mapping[str, str]) -> Response:
    return error_response(
        429,
        "Rate limit reached for requests to this endpoint. Please try again later.",
        error_type="requests",
        code="rate_limit_exceeded",
        headers=headers,
    )


def _fault_response(fault: Fault, retry_after: int) -> Response:
    status = fault.status or 500
    if status == 429:
        headers = retry_after_header(retry_after) if fault is Fault.RATE_LIMITED else {}
        return _throttled(headers)
    message = {
        500: "The server had an error while processing your request.",
        502: "Bad gateway.",
        503: "The engine is currently overloaded, please try again later.",
    }[status]
    return error_response(status, message, error_type="server_error")
