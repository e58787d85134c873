"""The loopback server with malformed HTTP: every answer is JSON, nothing is a traceback.

The server runs in a thread on an ephemeral port; raw sockets send what httpx never would.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator

import pytest

from reconciler.clock import ScaledClock
from reconciler.sandbox import Sandbox, SandboxError
from reconciler.sandbox.server import make_server, serve

EPOCH = 1_767_225_600.0


@pytest.fixture
def server() -> Iterator[tuple[str, int, str]]:
    """A demo sandbox served on 127.0.0.1 (host, port, admin key), stopped afterwards."""
    sandbox = Sandbox.demo(clock=ScaledClock(speed=1000.0, epoch=EPOCH))
    httpd = make_server(sandbox, port=0)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_address[1], sandbox.admin_key
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _exchange(
    address: tuple[str, int], head: str, body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """Send one raw request (the connection closes after it) and read status, headers, body."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    header_block, _, payload = raw.partition(b"\r\n\r\n")
    lines = header_block.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, payload


def _head(method: str, key: str, *extra: str) -> str:
    lines = [
        f"{method} /v1/organization/projects HTTP/1.1",
        "Host: x",
        f"Authorization: Bearer {key}",
    ]
    return "\n".join([*lines, "Connection: close", *extra]) + "\n"


@pytest.mark.parametrize("length", ["abc", "-5"])
def test_a_malformed_content_length_is_a_400_error_body(
    server: tuple[str, int, str], length: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A Content-Length that is not a non-negative integer is 400 in the API's shape."""
    host, port, key = server
    with caplog.at_level(logging.DEBUG):
        status, _, body = _exchange((host, port), _head("POST", key, f"Content-Length: {length}"))
    assert status == 400
    assert set(json.loads(body)["error"]) == {"message", "type", "param", "code"}
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("method", ["PUT", "PATCH", "OPTIONS"])
def test_methods_the_api_lacks_get_a_json_405(server: tuple[str, int, str], method: str) -> None:
    """PUT, PATCH and OPTIONS are answered in the API's error shape, not the stdlib's HTML 501."""
    host, port, key = server
    status, headers, body = _exchange((host, port), _head(method, key, "Content-Length: 0"))
    assert status == 405
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["type"] == "invalid_request_error"


def test_head_gets_headers_and_no_body(server: tuple[str, int, str]) -> None:
    """HEAD is answered like GET's refusal, without a body (so the connection stays framed)."""
    host, port, key = server
    status, headers, body = _exchange((host, port), _head("HEAD", key))
    assert status == 405
    assert int(headers["content-length"]) > 0
    assert body == b""


def test_a_list_body_is_a_400_over_http(server: tuple[str, int, str]) -> None:
    """A JSON list as a create body is 400, over the real socket path too."""
    host, port, key = server
    payload = b"[1, 2]"
    status, _, body = _exchange(
        (host, port), _head("POST", key, f"Content-Length: {len(payload)}"), payload
    )
    assert status == 400
    assert "JSON object" in json.loads(body)["error"]["message"]


def test_a_port_in_use_is_a_one_line_sandbox_error() -> None:
    """Serving on a port another process holds says which address, not "internal error"."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        sandbox = Sandbox.demo(clock=ScaledClock(speed=1000.0, epoch=EPOCH))
        with pytest.raises(SandboxError, match=f"cannot listen on 127.0.0.1:{port}"):
            serve(sandbox, port=port, ready=lambda url: None)
