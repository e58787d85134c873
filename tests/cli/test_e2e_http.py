"""End to end over real HTTP: `sandbox serve` with write faults, `apply` until done, then `plan`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.apply import EXAMPLE
from tests.support.serving import start_serve

MAX_RUNS = 6
FAULTS = ["--fault", "server_error=0.1", "--fault", "drop_after_commit=0.1"]


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
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`reconciler sandbox serve` with seeded write faults on a port the OS picks; SIGTERM at
    the end."""
    state = tmp_path / "state.json"
    proc, base = start_serve(state, *FAULTS, "--fault-seed", "7", "--writes-only")
    try:
        yield base, state
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)


def test_cli_apply_over_http_with_write_faults_converges(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    """With 20% of writes failing (5xx or dropped after commit), apply reruns reach exit 0 within
    six runs, `plan --detailed-exitcode` then exits 0, and exactly one key was delivered."""
    base, state = server
    key = _reconciler("sandbox", "key", "--state", str(state)).stdout.strip()
    env = {
        **os.environ,
        "OPENAI_BASE_URL": base,
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
