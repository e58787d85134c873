"""The API client as a user meets it through the CLI: random 429s cost seconds, not minutes; a
501 is reported at once; a base URL without /v1 gets a hint (CliRunner, fake or sandbox
transport in place of the network, on virtual time)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli import main, runtime
from reconciler.clock import Clock, VirtualClock
from reconciler.sandbox import Sandbox
from reconciler.sandbox.faults import FaultConfig

KEY = "sk-admin-TEST-not-a-real-key"
HINT = "(OPENAI_BASE_URL does not end in /v1: the API's base is https://api.openai.com/v1)"

Handler = Callable[[httpx.Request], httpx.Response]


class Wrapped(httpx.AsyncBaseTransport):
    """Answers through `answer` when it returns a response, else through `inner`; logs every
    request as (method, path)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        answer: Callable[[httpx.Request], httpx.Response | None],
    ) -> None:
        self.inner = inner
        self.answer = answer
        self.seen: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        return self.answer(request) or await self.inner.handle_async_request(request)


def _install(
    monkeypatch: pytest.MonkeyPatch,
    transport: httpx.AsyncBaseTransport,
    *,
    clock: Clock | None = None,
) -> None:
    """The real-API path of the CLI goes to `transport`, on `clock` (else a virtual one)."""
    monkeypatch.setattr(runtime, "http_transport", lambda: transport)
    monkeypatch.setattr(runtime, "default_clock", lambda: clock or VirtualClock())


def _run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, prog_name="reconciler")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def _fake(handler: Handler) -> httpx.AsyncBaseTransport:
    return httpx.MockTransport(handler)


def _error_body(message: str) -> dict[str, object]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None}}


def test_plan_with_random_429s_takes_seconds_not_minutes(
    org: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan` against a sandbox answering 20 % of requests 429 (Retry-After: 1), with the
    client at 1000 requests per minute, finishes within 10 s of virtual time: each 429 costs
    its pause, and the family goes on at its rate afterwards."""
    box = Sandbox.demo(clock=VirtualClock())
    box.faults = FaultConfig(seed=3, rate_limited=0.2)
    _install(monkeypatch, box.transport(), clock=box.clock)
    env = {
        "OPENAI_ADMIN_KEY": box.admin_key,
        "OPENAI_BASE_URL": "https://api.example.test/v1",
        "RECONCILER_REQUESTS_PER_MINUTE": "1000",
    }
    code, out, err = _run("plan", str(org), "--allow-archive", env=env)
    assert code == 0, err
    assert "Plan:" in out
    statuses = Counter(status for _, _, status in box.requests.entries)
    assert statuses[429] >= 2
    assert box.clock.monotonic() < 10.0


def test_501_on_a_read_is_reported_at_once(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 501 Not Implemented is permanent: one request, then one error line with the API's
    message (not six attempts)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(501, json=_error_body("listing projects is not implemented here"))

    _install(monkeypatch, _fake(handler))
    env = {"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": "https://api.example.test/v1"}
    code, _, err = _run("plan", str(org), env=env)
    assert code == 1
    assert err.rstrip("\n").splitlines()[-1] == (
        "error: GET /organization/projects HTTP 501: listing projects is not implemented here"
    )
    assert len(seen) == 1


def test_501_on_a_write_is_sent_once(
    org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`apply` against a server that answers every write 501 sends each write once (no
    read-back and re-send, as for an outage), and reports the API's status and message."""
    box = Sandbox.demo(clock=VirtualClock())

    def refuse_writes(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET":
            return None
        return httpx.Response(501, json=_error_body("this write is not implemented"))

    transport = Wrapped(box.transport(), refuse_writes)
    _install(monkeypatch, transport, clock=box.clock)
    env = {"OPENAI_ADMIN_KEY": box.admin_key, "OPENAI_BASE_URL": "https://api.example.test/v1"}
    args = ["apply", str(org), "--auto-approve", "--allow-archive"]
    code, out, err = _run(*args, "--secrets-dir", str(tmp_path / "keys"), env=env)
    assert code == 1
    writes = Counter(seen for seen in transport.seen if seen[0] != "GET")
    assert writes
    assert max(writes.values()) == 1
    assert "HTTP 501: this write is not implemented" in out + err


def test_404_with_a_base_url_without_v1_hints_at_it(
    org: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OPENAI_BASE_URL without /v1 makes every path 404 (here with a web server's HTML body):
    the error line says the base URL should end in /v1."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="<html><body>Not Found</body></html>")

    _install(monkeypatch, _fake(handler))
    env = {"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": "https://api.example.test"}
    code, _, err = _run("plan", str(org), env=env)
    assert code == 1
    assert err.rstrip("\n").splitlines()[-1] == (
        f"error: GET /organization/projects HTTP 404: Not Found {HINT}"
    )


def test_404_with_a_v1_base_url_has_no_such_hint(
    org: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a base URL ending in /v1 a 404 is only the API's own message."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json=_error_body("No such organization"))

    _install(monkeypatch, _fake(handler))
    env = {"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": "https://gateway.example.test/openai/v1/"}
    code, _, err = _run("plan", str(org), env=env)
    assert code == 1
    assert err.rstrip("\n").splitlines()[-1] == (
        "error: GET /organization/projects HTTP 404: No such organization"
    )
