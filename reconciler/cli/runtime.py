"""Opening an Admin API client from the environment, or on the sandbox.

    async with open_client(env=os.environ) as client: ...
    async with open_client(env=os.environ, sandbox_state=Path(".sandbox.json")) as client: ...

On the sandbox, every change is written to the state file as it happens (so `apply` then `plan`
shows convergence, also after an error) and folded into the snapshot on exit; a `read_only`
client (a plan) never writes an existing state file.

On the real API, a server that cannot be connected to at all (refused, no such host) is given
`CONNECT_BUDGET` seconds of the client's retries, then the run stops with one line naming the
URL: retrying a dead address for the whole read budget looks like a hang.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from reconciler.api import DEFAULT_BASE_URL, AdminClient, Pacing
from reconciler.api.client import key_is_well_formed
from reconciler.api.redact import redact
from reconciler.clock import Clock, SystemClock
from reconciler.errors import AuthError, ReconcilerError, TransportError
from reconciler.files.atomic import check_writable

if TYPE_CHECKING:
    from reconciler.sandbox import Sandbox

KEY_VARIABLE = "OPENAI_ADMIN_KEY"
URL_VARIABLE = "OPENAI_BASE_URL"
RATE_VARIABLE = "RECONCILER_REQUESTS_PER_MINUTE"
SANDBOX_UNTHROTTLED_RATE = 1_000_000
CONNECT_BUDGET = 10.0


def api_key_from(env: Mapping[str, str]) -> str:
    """The admin key from the environment, or a one-line AuthError naming the variable."""
    if KEY_VARIABLE not in env:
        raise AuthError(f"{KEY_VARIABLE} is not set: export an OpenAI admin key (or use --sandbox)")
    key = env[KEY_VARIABLE].strip()
    if not key:
        raise AuthError(f"{KEY_VARIABLE} is empty: export an OpenAI admin key (or use --sandbox)")
    if not key_is_well_formed(key):
        raise AuthError(
            f"{KEY_VARIABLE} contains spaces, line breaks, control or non-ASCII characters, "
            "which no admin key has: was it pasted with extra text?"
        )
    return key


def default_clock() -> Clock:
    """The clock of a real run (tests replace this function to run on a sped-up clock)."""
    return SystemClock()


def http_transport() -> httpx.AsyncBaseTransport:
    """The network transport of a real run (tests replace this function with a fake)."""
    return httpx.AsyncHTTPTransport()


class ConnectBudget(httpx.AsyncBaseTransport):
    """A transport that stops retrying a server nobody answers at after `budget` seconds.

    Connection failures (refused, unknown host) go back to the client, which retries them with
    backoff; once they have lasted `budget` seconds with no answer in between, the next one is
    a TransportError naming the URL, which the client does not retry. Any answer resets it.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        url: str,
        clock: Clock,
        budget: float,
        secret: str = "",
    ) -> None:
        self._inner = inner
        self._secret = secret
        self._url = url
        self._clock = clock
        self._budget = budget
        self._failing_since: float | None = None
        self._failures = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through the inner transport, counting connection failures."""
        try:
            response = await self._inner.handle_async_request(request)
        except httpx.ConnectError as exc:
            self._give_up_or_retry(exc, operation=f"{request.method} {request.url.path}")
            raise
        self._failing_since, self._failures = None, 0
        return response

    def _give_up_or_retry(self, exc: httpx.ConnectError, *, operation: str) -> None:
        now = self._clock.monotonic()
        self._failures += 1
        if self._failing_since is None:
            self._failing_since = now
        elapsed = now - self._failing_since
        if elapsed >= self._budget:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            reason = redact(reason, self._secret)
            raise TransportError(
                f"cannot connect to {self._url} ({reason}); gave up after "
                f"{self._failures} attempts in {elapsed:.0f}s: is OPENAI_BASE_URL right?",
                operation=operation,
            ) from None

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


@asynccontextmanager
async def open_client(
    *,
    env: Mapping[str, str],
    sandbox_state: Path | None = None,
    clock: Clock | None = None,
    pacing: Pacing | None = None,
    read_only: bool = False,
) -> AsyncIterator[AdminClient]:
    """A client on the real API (from `env`) or on the sandbox saved in `sandbox_state`
    (`read_only`: for commands that only read, which must not need to write it).

    Pacing: `pacing` if given, else RECONCILER_REQUESTS_PER_MINUTE from `env` if set, else the
    client's default (tuned to the real API's measured limit).
    """
    pacing = pacing or pacing_from(env)
    if sandbox_state is not None:
        async with _sandbox_client(
            sandbox_state, clock=clock, pacing=pacing, read_only=read_only
        ) as client:
            yield client
        return
    base_url = env.get(URL_VARIABLE, "").strip() or DEFAULT_BASE_URL
    key = api_key_from(env)
    clock = clock or default_clock()
    transport = ConnectBudget(
        http_transport(), url=base_url, clock=clock, budget=CONNECT_BUDGET, secret=key
    )
    client = AdminClient(
        api_key=key, base_url=base_url, transport=transport, pacing=pacing, clock=clock
    )
    async with client:
        yield client


def pacing_from(env: Mapping[str, str]) -> Pacing | None:
    """Client pacing from RECONCILER_REQUESTS_PER_MINUTE (per endpoint family), if set: for an
    organization with higher limits, or a sandbox served on loopback."""
    text = env.get(RATE_VARIABLE, "").strip()
    if not text:
        return None
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not rate > 0:
        raise ReconcilerError(f"{RATE_VARIABLE} must be a positive number, not {text!r}")
    return Pacing(requests_per_minute=rate)


def load_sandbox(
    state_file: Path, *, clock: Clock | None = None, read_only: bool = False
) -> Sandbox:
    """The sandbox saved in `state_file`, or one line saying the file is not a sandbox state.
    `read_only` opens an existing file without needing to write it (one is created if missing)."""
    from reconciler.sandbox import Sandbox, SandboxError

    if not (read_only and state_file.is_file()):
        check_writable(state_file, what="sandbox state")
    try:
        sandbox = Sandbox.load(state_file, clock=clock, read_only=read_only)
        _ = sandbox.admin_key  # a state without its admin key is not one the sandbox wrote
    except (AttributeError, KeyError, IndexError, TypeError) as exc:
        raise SandboxError(
            f"{state_file} is not a sandbox state file ({type(exc).__name__}: {exc}); "
            f"move it away or run `reconciler sandbox reset --state {state_file}`"
        ) from None
    return sandbox


@asynccontextmanager
async def _sandbox_client(
    state_file: Path, *, clock: Clock | None, pacing: Pacing | None, read_only: bool
) -> AsyncIterator[AdminClient]:
    """A client wired to the sandbox in `state_file`; its journal is compacted on every exit."""
    sandbox = load_sandbox(state_file, clock=clock, read_only=read_only)
    # The sandbox throttles only when asked to: pace to its limit, or not at all.
    rate = sandbox.faults.throttle_per_minute or SANDBOX_UNTHROTTLED_RATE
    client = AdminClient(
        api_key=sandbox.admin_key,
        transport=sandbox.transport(),
        pacing=pacing or Pacing(requests_per_minute=rate),
        clock=sandbox.clock,
    )
    try:
        async with client:
            yield client
    finally:
        sandbox.close()
