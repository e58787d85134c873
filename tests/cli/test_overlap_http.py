"""Two `apply` processes at once against one `sandbox serve`: no twins, one key, an empty plan."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.apply import EXAMPLE
from tests.support.serving import start_serve


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "reconciler", *args]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`reconciler sandbox serve` whose writes each take half a second; SIGTERM at the end."""
    state = tmp_path / "state.json"
    proc, base = start_serve(state, "--latency", "0.5", "--writes-only")
    try:
        yield base, state
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)


def _twins(state: dict[str, Any]) -> list[str]:
    """Every natural key that more than one live object carries (archived projects aside)."""
    keys = [f"project {p['name']}" for p in state["projects"].values() if not p["archived_at"]]
    keys += [f"certificate {c['name']}" for c in state["certificates"].values()]
    keys += [
        f"service account {pid}/{a['name']}"
        for pid, accounts in state["service_accounts"].items()
        for a in accounts.values()
    ]
    return sorted(key for key, count in Counter(keys).items() if count > 1)


def test_two_overlapping_applies_leave_no_twins(server: tuple[str, Path], tmp_path: Path) -> None:
    """Two `apply --auto-approve` processes of examples/org.yaml started together both exit 0,
    leave no project, certificate or service account twice, deliver one API key in all, and
    the next `plan --detailed-exitcode` exits 0."""
    base, state = server
    key = subprocess.run(
        _command("sandbox", "key", "--state", str(state)),
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout.strip()  # fmt: skip
    env = {**os.environ, "OPENAI_BASE_URL": base, "OPENAI_ADMIN_KEY": key,
           "RECONCILER_REQUESTS_PER_MINUTE": "100000"}  # fmt: skip
    runs = [
        subprocess.Popen(
            _command(
                "apply",
                str(EXAMPLE),
                "--auto-approve",
                "--allow-archive",
                "--secrets-dir",
                str(tmp_path / f"keys{n}"),
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for n in (1, 2)
    ]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all(key not in output for output in outputs)
    assert _twins(json.loads(state.read_text(encoding="utf-8"))) == []
    delivered = sorted(p.name for p in tmp_path.glob("keys*/*.key"))
    assert delivered == ["search-prod__ci-deployer.key"]
    plan = subprocess.run(
        _command("plan", str(EXAMPLE), "--detailed-exitcode"),
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert plan.returncode == 0, plan.stdout + plan.stderr
