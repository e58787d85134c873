"""Fault injection: seeded and reproducible, restricted where asked, never corrupting state."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from reconciler.sandbox import WRITES, Fault, FaultConfig, Sandbox
from reconciler.sandbox.client import SandboxClient

P = "/organization/projects"


def _statuses(seed: int) -> list[int]:
    sandbox = Sandbox.demo()
    sandbox.faults = FaultConfig(
        seed=seed, rate_limited=0.2, server_error=0.1, bad_gateway=0.1, unavailable=0.1
    )
    with SandboxClient(sandbox) as client:
        return [client.get(P).status_code for _ in range(40)]


def test_same_seed_same_faults() -> None:
    """Two runs with one seed inject the same faults in the same places; another seed differs."""
    first, second, other = _statuses(7), _statuses(7), _statuses(8)
    assert first == second
    assert first != other
    assert {429, 500, 502, 503, 200} <= set(first)


def test_429_with_and_without_retry_after(api: SandboxClient) -> None:
    """`rate_limited` answers 429 with Retry-After, `rate_limited_bare` without it."""
    api.sandbox.faults = FaultConfig(rate_limited=1.0, retry_after=3)
    with_header = api.get(P)
    api.sandbox.faults = FaultConfig(rate_limited_bare=1.0)
    bare = api.get(P)
    assert (with_header.status_code, with_header.headers["retry-after"]) == (429, "3")
    assert bare.status_code == 429
    assert "retry-after" not in bare.headers


def test_drop_after_commit_performs_the_change(api: SandboxClient) -> None:
    """A dropped response raises like a lost connection, yet the project was created (once)."""
    api.sandbox.faults = FaultConfig(drop_after_commit=1.0, methods=WRITES)
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(P, {"name": "support-bot"})
    api.sandbox.faults = FaultConfig()
    names = [p["name"] for p in api.get(P, limit=100).json()["data"]]
    assert names.count("support-bot") == 1
    assert api.sandbox.requests.entries[-2] == ("POST", "/v1" + P, 200)


def test_timeouts_before_and_after_commit(api: SandboxClient) -> None:
    """A timeout before commit changes nothing; one after commit has made the change."""
    api.sandbox.faults = FaultConfig(timeout_before=1.0)
    with pytest.raises(httpx.ReadTimeout):
        api.post(P, {"name": "never"})
    api.sandbox.faults = FaultConfig(timeout_after=1.0)
    with pytest.raises(httpx.ReadTimeout):
        api.post(P, {"name": "made"})
    names = {p["name"] for p in api.sandbox.state.projects.values()}
    assert "made" in names
    assert "never" not in names


def test_faults_restricted_to_writes_or_paths(api: SandboxClient) -> None:
    """With `methods=WRITES` reads pass; with `paths` only that endpoint fails."""
    api.sandbox.faults = FaultConfig(server_error=1.0, methods=WRITES)
    assert api.get(P).status_code == 200
    assert api.post(P, {"name": "x"}).status_code == 500
    api.sandbox.faults = FaultConfig(server_error=1.0, paths=frozenset({"/organization/users"}))
    assert api.get(P).status_code == 200
    assert api.get("/organization/users").status_code == 500


class ManualClock:
    """A virtual clock: time stands still until someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        """Virtual Unix time."""
        return 1_767_225_600.0 + self.now

    def monotonic(self) -> float:
        """Virtual seconds elapsed."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance virtual time without waiting."""
        self.now += max(0.0, seconds)


def test_throttle_per_endpoint_on_a_virtual_minute() -> None:
    """N requests per clock-minute per endpoint, then 429 with Retry-After until the window
    rolls; other endpoints are unaffected."""
    clock = ManualClock()
    sandbox = Sandbox.demo(clock=clock)
    sandbox.faults = FaultConfig(throttle_per_minute=3, throttle_retry_after=True)
    with SandboxClient(sandbox) as client:
        assert [client.get(P).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert client.get("/organization/users").status_code == 200
        clock.now = 45.0
        throttled = client.get(P)
        assert (throttled.status_code, throttled.headers["retry-after"]) == (429, "15")
        clock.now = 60.5
        assert client.get(P).status_code == 200
    assert sandbox.requests.count("GET", P) == 6


def test_throttle_without_retry_after_and_per_endpoint_override() -> None:
    """An override applies to one endpoint family; the 429 then carries no Retry-After."""
    clock = ManualClock()
    sandbox = Sandbox.demo(clock=clock)
    sandbox.faults = FaultConfig(throttle_overrides={"/organization/users": 1})
    with SandboxClient(sandbox) as client:
        assert client.get("/organization/users").status_code == 200
        refused = client.get("/organization/users")
        assert [client.get(P).status_code for _ in range(5)] == [200] * 5
    assert refused.status_code == 429
    assert "retry-after" not in refused.headers


def test_latency_waits_on_the_clock() -> None:
    """Latency is clock time: 30 clock seconds pass on the sandbox's clock, not the wall's."""
    clock = ManualClock()
    sandbox = Sandbox.demo(clock=clock)
    sandbox.faults = FaultConfig(latency=30.0)
    with SandboxClient(sandbox) as client:
        assert client.get(P).status_code == 200
        assert client.get(P).status_code == 200
    assert clock.now == 60.0


def test_async_transport_serves_and_faults() -> None:
    """The same transport works with httpx.AsyncClient, faults included."""
    sandbox = Sandbox.demo()
    sandbox.faults = FaultConfig(drop_after_commit=1.0, methods=WRITES)

    async def scenario() -> tuple[int, type[Exception] | None]:
        headers = {"Authorization": f"Bearer {sandbox.admin_key}"}
        async with httpx.AsyncClient(
            transport=sandbox.transport(), base_url="https://api.openai.com/v1", headers=headers
        ) as client:
            listed = await client.get(P)
            try:
                await client.post(P, json={"name": "async"})
            except httpx.RemoteProtocolError as exc:
                return listed.status_code, type(exc)
            return listed.status_code, None

    assert asyncio.run(scenario()) == (200, httpx.RemoteProtocolError)
    assert Fault.DROP_AFTER_COMMIT.after_commit


def test_request_log_counts_per_template(api: SandboxClient) -> None:
    """The log counts requests per (method, path template) and resets."""
    pid = api.project("search-prod")
    api.get(f"{P}/{pid}/users")
    api.get(f"{P}/{api.project('research')}/users")
    log = api.sandbox.requests
    assert log.count("GET", "/organization/projects/{project_id}/users") == 2
    assert log.total == 2
    log.reset()
    assert log.total == 0


def test_fault_storm_never_corrupts_state() -> None:
    """Under a seeded storm of every fault, a create is performed exactly when the server
    committed it (logged 200), never partially and never twice."""
    sandbox = Sandbox.demo()
    sandbox.faults = FaultConfig(
        seed=3,
        rate_limited=0.1,
        rate_limited_bare=0.1,
        server_error=0.1,
        unavailable=0.1,
        timeout_before=0.1,
        drop_after_commit=0.1,
        timeout_after=0.1,
    )
    lost = 0
    with SandboxClient(sandbox) as client:
        for index in range(60):
            try:
                client.post(P, {"name": f"storm-{index}"})
            except httpx.TransportError:
                lost += 1
    committed = {path for method, path, status in sandbox.requests.entries if status == 200}
    created = [p["name"] for p in sandbox.state.projects.values() if p["name"].startswith("storm-")]
    posts_ok = sum(
        1 for method, _, status in sandbox.requests.entries if method == "POST" and status == 200
    )
    assert committed == {"/v1" + P}
    assert len(created) == len(set(created)) == posts_ok
    assert 0 < lost < 60
    assert 0 < posts_ok < 60
