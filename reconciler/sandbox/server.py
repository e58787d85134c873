"""The sandbox on loopback: a stdlib threading HTTP server around `Sandbox.process`.

It binds 127.0.0.1 only, saves the state file after every change (the sandbox does that when a
state file is attached), and stops cleanly on SIGINT or SIGTERM. A lost response (an injected
drop or timeout) closes the connection without answering, as a real network failure would.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from reconciler.sandbox.sandbox import Sandbox
from reconciler.sandbox.transport import sleep_sync
from reconciler.sandbox.wire import Request

logger = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"


def make_handler(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one sandbox."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
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
            self.send_response(outcome.response.status)
            for name, value in outcome.response.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(outcome.response.body)))
            self.end_headers()
            self.wfile.write(outcome.response.body)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("sandbox server: " + format, *args)

    return Handler


def make_server(sandbox: Sandbox, *, port: int) -> ThreadingHTTPServer:
    """A server for the sandbox on 127.0.0.1:port (port 0 picks a free one)."""
    server = ThreadingHTTPServer((LOOPBACK, port), make_handler(sandbox))
    server.daemon_threads = True
    return server


def serve(sandbox: Sandbox, *, port: int, ready: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM; `ready` gets the base URL once listening."""
    server = make_server(sandbox, port=port)

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
        if sandbox.state_file is not None:
            sandbox.save(sandbox.state_file)
