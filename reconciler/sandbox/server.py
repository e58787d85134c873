"""The sandbox on loopback: a stdlib threading HTTP server around `Sandbox.process`.

It binds 127.0.0.1 only, journals every change to the state file and sees the changes other
processes make to it (the sandbox does both when a state file is attached), and stops cleanly
on SIGINT or SIGTERM. A lost response (an injected drop or timeout) closes the connection
without answering, as a real network failure would.
Malformed HTTP (a bad Content-Length, a method the API lacks) gets the API's JSON error body,
and a broken connection is one log line: `sandbox serve` never prints a traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from reconciler.errors import SandboxError
from reconciler.sandbox.sandbox import Sandbox
from reconciler.sandbox.transport import sleep_sync
from reconciler.sandbox.wire import Request, Response, error_response

logger = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"


def make_handler(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one sandbox."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = _content_length(self.headers.get("content-length"))
            if length is None:
                self.close_connection = True  # the body cannot be framed: drop what follows
                bad = error_response(400, "Content-Length must be a non-negative integer.")
                self._send(bad)
                return
            request = Request(
                method=self.command,
                path=split.path,
                query=tuple(parse_qsl(split.query, keep_blank_values=True)),
                headers=dict(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
            )
            sleep_sync(sandbox.clock, sandbox.latency_for(request))
            outcome = sandbox.process(request)
            if outcome.response is None:
                self.close_connection = True
                return
            self._send(outcome.response)

        def _send(self, response: Response) -> None:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_DELETE = _serve
        do_PUT = do_PATCH = do_HEAD = do_OPTIONS = _serve  # the app answers 405 in JSON

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("sandbox server: " + format, *args)

    return Handler


def _content_length(raw: str | None) -> int | None:
    """The body length a request announces (0 if none), or None when it is malformed."""
    if raw is None or not raw.strip():
        return 0
    value = raw.strip()
    return int(value) if value.isdigit() else None


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that logs a broken connection in one line, not a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A failure while serving one connection (e.g. the client went away)."""
        error = sys.exc_info()[1]
        logger.warning("sandbox server: connection from %s failed: %r", client_address, error)


def make_server(sandbox: Sandbox, *, port: int) -> ThreadingHTTPServer:
    """A server for the sandbox on 127.0.0.1:port (port 0 picks a free one)."""
    server = _Server((LOOPBACK, port), make_handler(sandbox))
    server.daemon_threads = True
    return server


def serve(sandbox: Sandbox, *, port: int, ready: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM; `ready` gets the base URL once listening."""
    try:
        server = make_server(sandbox, port=port)
    except OSError as exc:
        raise SandboxError(f"cannot listen on {LOOPBACK}:{port}: {exc.strerror or exc}") from exc

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.info("sandbox server: signal %s, stopping", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        ready(f"http://{LOOPBACK}:{server.server_address[1]}/v1")
        server.serve_forever(poll_interval=0.1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.server_close()
        sandbox.close()
