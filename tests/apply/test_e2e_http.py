"""End to end over real HTTP: `sandbox serve` with write faults, `apply` until done, then `plan`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apply.support import EXAMPLE

MAX_RUNS = 6
FAULTS = ["--fault", "server_error=0.1", "--fault", "drop_after_commit=0.1"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert server.poll() is None, "the sandbox server exited early"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError("the sandbox server did not start listening")


def _reconciler(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """`reconciler sandbox serve` with seeded write faults on a free port; SIGTERM at the end."""
    port, state = _free_port(), tmp_path / "state.json"
    args = ["sandbox", "serve", "--port", str(port), "--state", str(state), *FAULTS]
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args, "--fault-seed", "7", "--writes-only"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, proc)
        yield port, state
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def test_cli_apply_over_http_with_write_faults_converges(
    server: tuple[int, Path], tmp_path: Path
) -> None:
    """With 20% of writes failing (5xx or dropped after commit), apply reruns reach exit 0 within
    six runs, `plan --detailed-exitcode` then exits 0, and exactly one key was delivered."""
    port, state = server
    key = _reconciler("sandbox", "key", "--state", str(state)).stdout.strip()
    env = {
        **os.environ,
        "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
        "OPENAI_ADMIN_KEY": key,
        "RECONCILER_REQUESTS_PER_MINUTE": "100000",
    }
    keys = tmp_path / "keys"
    flags = ["--auto-approve", "--allow-archive", "--secrets-dir", str(keys)]
    codes = []
    for _ in range(MAX_RUNS):
        run = _reconciler("apply", str(EXAMPLE), *flags, env=env)
        assert key not in run.stdout + run.stderr
        codes.append(run.returncode)
        if run.returncode == 0:
            break
    assert codes[-1] == 0, codes
    plan = _reconciler("plan", str(EXAMPLE), "--detailed-exitcode", env=env)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert [p.name for p in keys.glob("*.key")] == ["search-prod__ci-deployer.key"]
