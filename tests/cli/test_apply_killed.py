"""A process killed mid-apply (SIGKILL) leaves a state that the next apply finishes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.sandbox import Sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def _audit_count(state: Path) -> int:
    """Audit entries in the state so far: the snapshot and its journal (a change is journaled
    at once; the snapshot itself is rewritten only when the journal is folded in)."""
    if not state.exists():
        return 0
    return len(Sandbox.load(state, read_only=True).state.audit_logs)


def test_sigkill_mid_apply_then_rerun_converges(tmp_path: Path) -> None:
    """After SIGKILL during apply, a rerun applies the rest and the next plan is empty."""
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    seeded = len(Sandbox.demo().state.audit_logs)  # the state file appears at the first write
    flags = ["--sandbox", "--sandbox-state", str(state), "--auto-approve", "--allow-archive",
             "--secrets-dir", str(keys)]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "apply", str(EXAMPLE), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 30
    while proc.poll() is None and _audit_count(state) <= seeded and time.monotonic() < deadline:
        time.sleep(0.005)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "apply finished before it could be killed"
    assert _audit_count(state) > seeded
    rerun = CliRunner().invoke(main, ["apply", str(EXAMPLE), *flags])
    assert rerun.exit_code == 0, rerun.output
    assert re.search(r"Apply: [1-9]\d* applied, 0 failed", rerun.output), rerun.output
    again = CliRunner().invoke(main, ["apply", str(EXAMPLE), *flags])
    assert "No changes" in again.output
    assert len(list(keys.glob("*.key"))) <= 1
