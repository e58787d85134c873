"""`Sandbox`: the simulated organization with its clock, faults, request log and persistence.

Every way in (the httpx transport, the loopback server, a dashboard session) goes through
`Sandbox.process`, which applies throttling and faults around the one app function and saves
the state after each change when a state file is attached.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.clock import Clock, SystemClock
from reconciler.sandbox import app
from reconciler.sandbox.context import Actor, Context
from reconciler.sandbox.errors import SandboxError
from reconciler.sandbox.faults import Fault, FaultConfig, Throttle, retry_after_header
from reconciler.sandbox.requestlog import RequestLog
from reconciler.sandbox.routes import invites
from reconciler.sandbox.seed import build_state, demo_seed, display_name
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import Request, Response, error_response
from reconciler.secure_io import atomic_write

if TYPE_CHECKING:
    from reconciler.sandbox.dashboard import DashboardSession
    from reconciler.sandbox.transport import SandboxTransport

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
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
        self.state_file: Path | None = None
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
    def load(cls, state_file: Path, *, clock: Clock | None = None) -> Sandbox:
        """The sandbox saved in `state_file` (the demo if it does not exist yet), saving back to it
        after every change."""
        if state_file.exists():
            try:
                data = json.loads(state_file.read_text())
                sandbox = cls(State.from_json(data), clock=clock)
            except (OSError, ValueError, TypeError) as exc:
                raise SandboxError(f"cannot read sandbox state {state_file}: {exc}") from exc
        else:
            sandbox = cls.demo(clock=clock)
        sandbox.state_file = state_file
        return sandbox

    def save(self, state_file: Path) -> None:
        """Write the state atomically (temporary file, then rename), mode 0600."""
        with self._lock:
            text = json.dumps(self.state.to_json(), indent=1, sort_keys=True)
        try:
            atomic_write(state_file, text, mode=0o600, make_parents=True)
        except OSError as exc:
            raise SandboxError(f"cannot write sandbox state {state_file}: {exc}") from exc

    @property
    def admin_key(self) -> str:
        """The bearer key the sandbox accepts (a sandbox-only value, never a real key)."""
        return str(self.state.admin_keys[0]["value"])

    def transport(self) -> SandboxTransport:
        """An httpx transport (sync and async) serving this sandbox for any host."""
        from reconciler.sandbox.transport import SandboxTransport

        return SandboxTransport(self)

    def latency_for(self, request: Request) -> float:
        """Clock seconds to wait before answering this request."""
        template = app.template_of(request.method, request.path)
        return self.faults.latency if self.faults.applies_to(request.method, template) else 0.0

    def process(self, request: Request, *, actor: Actor | None = None) -> Outcome:
        """Serve one request with throttling and faults applied; saves after a change."""
        template = app.template_of(request.method, request.path)
        with self._lock:
            outcome = self._process(request, template, actor)
            status = outcome.response.status if outcome.response else 0
            self.requests.record(request.method, template, request.path, status)
        return Outcome(None, outcome.lost) if outcome.lost else outcome

    def _process(self, request: Request, template: str, actor: Actor | None) -> Outcome:
        wait = self._throttle.admit(template, self.faults.limit_for(template), self.clock)
        if wait is not None:
            headers = retry_after_header(wait) if self.faults.throttle_retry_after else {}
            return Outcome(_throttled(headers))
        fault = self.faults.roll(request.method, template) if actor is None else None
        if fault is Fault.TIMEOUT_BEFORE:
            return Outcome(None, fault)
        if fault is not None and fault.status is not None:
            return Outcome(_fault_response(fault, self.faults.retry_after))
        response = app.handle(self.state, request, now=int(self.clock.time()), actor=actor)
        if request.method != "GET" and response.status == 200 and self.state_file is not None:
            self.save(self.state_file)
        return Outcome(response, fault)

    def accept_invite(self, email: str) -> None:
        """Accept the pending invite for `email`, as the invitee would in their browser."""
        with self._lock:
            ctx = self._person_context(Actor(kind="session", user_id="", email=email))
            invite = invites.pending_invite(ctx, email)
            if invite is None:
                raise SandboxError(f"no pending invite for {email}")
            invites.accept(ctx, invite, name=display_name(email))
            if self.state_file is not None:
                self.save(self.state_file)

    def act_as(self, email: str) -> DashboardSession:
        """A dashboard session of an organization owner, for out-of-band changes (drift)."""
        from reconciler.sandbox.dashboard import DashboardSession

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

    def _person_context(self, actor: Actor) -> Context:
        now = int(self.clock.time())
        return Context(state=self.state, actor=actor, now=now, request=Request("POST", "/"))


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
