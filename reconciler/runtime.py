"""Opening an Admin API client from the environment, or on the sandbox.

    async with open_client(env=os.environ) as client: ...
    async with open_client(env=os.environ, sandbox_state=Path(".sandbox.json")) as client: ...

On the sandbox, the state is loaded from its file and always saved back on exit, also after an
error: writes that happened must persist, so that `apply` then `plan` shows convergence.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from reconciler.api import DEFAULT_BASE_URL, AdminClient, Pacing
from reconciler.clock import Clock
from reconciler.errors import AuthError

KEY_VARIABLE = "OPENAI_ADMIN_KEY"
URL_VARIABLE = "OPENAI_BASE_URL"
SANDBOX_UNTHROTTLED_RATE = 1_000_000


def api_key_from(env: Mapping[str, str]) -> str:
    """The admin key from the environment, or a one-line AuthError naming the variable."""
    key = env.get(KEY_VARIABLE, "").strip()
    if not key:
        raise AuthError(f"{KEY_VARIABLE} is not set: export an OpenAI admin key (or use --sandbox)")
    return key


@asynccontextmanager
async def open_client(
    *,
    env: Mapping[str, str],
    sandbox_state: Path | None = None,
    clock: Clock | None = None,
    pacing: Pacing | None = None,
) -> AsyncIterator[AdminClient]:
    """A client on the real API (from `env`) or on the sandbox saved in `sandbox_state`."""
    if sandbox_state is not None:
        async with _sandbox_client(sandbox_state, clock=clock, pacing=pacing) as client:
            yield client
        return
    base_url = env.get(URL_VARIABLE, "").strip() or DEFAULT_BASE_URL
    client = AdminClient(api_key=api_key_from(env), base_url=base_url, pacing=pacing, clock=clock)
    async with client:
        yield client


@asynccontextmanager
async def _sandbox_client(
    state_file: Path, *, clock: Clock | None, pacing: Pacing | None
) -> AsyncIterator[AdminClient]:
    """A client wired to the sandbox in `state_file`; the state is saved on every exit."""
    from reconciler.sandbox import Sandbox

    sandbox = Sandbox.load(state_file, clock=clock)
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
        sandbox.save(state_file)
