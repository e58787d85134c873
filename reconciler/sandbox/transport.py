"""The sandbox as an httpx transport, sync and async, for any host (no port, no network).

Latency waits on the sandbox's clock (so a sped-up clock shortens it); a lost response is
raised as httpx would raise it: `RemoteProtocolError` for a dropped connection,
`ReadTimeout` / `ReadTimeout` for a read that never completes.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import httpx

from reconciler.clock import Clock
from reconciler.sandbox.faults import Fault
from reconciler.sandbox.wire import Request

if TYPE_CHECKING:
    from reconciler.sandbox.sandbox import Delivery, Sandbox


def to_request(request: httpx.Request, body: bytes) -> Request:
    """The simulator's view of an httpx request."""
    return Request(
        method=request.method,
        path=request.url.path,
        query=tuple(request.url.params.multi_items()),
        headers=dict(request.headers),
        body=body,
    )


def to_httpx(outcome: Delivery, request: httpx.Request) -> httpx.Response:
    """The httpx response for an outcome, or the transport error for a lost one."""
    if outcome.lost is Fault.DROP_AFTER_COMMIT:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    if outcome.lost is not None or outcome.response is None:
        raise httpx.ReadTimeout("The read operation timed out", request=request)
    response = outcome.response
    return httpx.Response(
        response.status, headers=dict(response.headers), content=response.body, request=request
    )


def sleep_sync(clock: Clock, seconds: float) -> None:
    """Wait `seconds` of clock time from synchronous code (scaled like the clock's own sleep)."""
    if seconds <= 0:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(clock.sleep(seconds))
        return
    time.sleep(seconds)  # called from inside an event loop: cannot nest one


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves `https://<any host>/v1/...` from a `Sandbox`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Synchronous httpx entry point."""
        body = request.read()
        ours = to_request(request, body)
        sleep_sync(self.sandbox.clock, self.sandbox.latency_for(ours))
        return to_httpx(self.sandbox.process(ours), request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Asynchronous httpx entry point."""
        body = await request.aread()
        ours = to_request(request, body)
        await self.sandbox.clock.sleep(self.sandbox.latency_for(ours))
        return to_httpx(self.sandbox.process(ours), request)
