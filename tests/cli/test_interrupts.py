"""Ctrl-C or SIGTERM during apply: changes in flight finish, nothing new starts, a rerun
converges."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import apply as apply_command
from reconciler.cli import main
from reconciler.config import load_config
from reconciler.sandbox import Sandbox
from reconciler.write.apply import ChangeResult, Outcome
from reconciler.write.secrets import DirSink
from tests.support.apply import EXAMPLE, WRITES, apply_on, fast_box, live_on, plan_on
from tests.support.writes import Ids, allowed_writes


class CtrlC:
    """An on_event hook that cancels the running apply (as asyncio.run does on SIGINT) once,
    when the first change finishes."""

    def __init__(self) -> None:
        self.fired = False

    def __call__(self, result: ChangeResult) -> None:
        """Cancel the current task the first time a change finishes."""
        if not self.fired:
            self.fired = True
            task = asyncio.current_task()
            assert task is not None
            task.cancel()


def test_interrupted_apply_finishes_in_flight_and_starts_nothing_new(tmp_path: Path) -> None:
    """After Ctrl-C the report is interrupted, every started change finished (none failed),
    the rest were not started, only started changes wrote, and a rerun converges."""
    desired = load_config(EXAMPLE).desired
    box, sink = fast_box(), DirSink(tmp_path / "keys")
    sink.preflight()
    run = asyncio.run(apply_on(box, desired, sink, on_event=CtrlC()))
    report = run.report
    counts = report.counts()
    assert report.interrupted
    assert not report.ok
    assert counts["failed"] == counts["skipped"] == 0
    assert 1 <= counts["applied"] <= 4  # at most the concurrency was in flight
    assert counts["not started"] == len(run.plan.changes) - counts["applied"] > 0
    ids = Ids(run.live.ids, asyncio.run(live_on(box, desired)).ids)
    written = {(m, p.removeprefix("/v1")) for m, p, _ in box.requests.entries if m in WRITES}
    wrote = {r.index for r in report.results if allowed_writes(r.change, ids) & written}
    assert wrote == {r.index for r in report.with_outcome(Outcome.APPLIED)}
    assert asyncio.run(apply_on(box, desired, sink)).report.ok
    assert asyncio.run(plan_on(box, desired)).is_empty


def test_cli_ctrl_c_prints_counts_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the CLI, Ctrl-C mid-apply prints the interrupted report and exits 130; the rerun
    exits 0 and the plan after it is empty."""
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    flags = ["--sandbox", "--sandbox-state", str(state), "--auto-approve", "--allow-archive",
             "--secrets-dir", str(keys)]  # fmt: skip
    monkeypatch.setattr(apply_command, "_progress", CtrlC())
    result = CliRunner().invoke(main, ["apply", str(EXAMPLE), *flags])
    assert result.exit_code == 130, result.output
    assert "not started (interrupted)" in result.output
    assert "Interrupted: changes in flight were finished" in result.output
    monkeypatch.undo()
    rerun = CliRunner().invoke(main, ["apply", str(EXAMPLE), *flags])
    assert rerun.exit_code == 0, rerun.output
    plan = CliRunner().invoke(
        main, ["plan", str(EXAMPLE), "--sandbox", "--sandbox-state", str(state),
               "--detailed-exitcode"],
    )  # fmt: skip
    assert plan.exit_code == 0, plan.output


def test_sigterm_mid_apply_prints_the_summary_and_exits_as_ctrl_c(tmp_path: Path) -> None:
    """SIGTERM (a CI runner cancelling the job, `kill`) to a running `reconciler apply` once its
    first change is applied stops it as Ctrl-C does: changes in flight finish, the interrupted
    summary is printed, the exit code is 130, and a rerun converges."""
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    flags = ["--sandbox", "--sandbox-state", str(state), "--auto-approve", "--allow-archive",
             "--secrets-dir", str(keys)]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "apply", str(EXAMPLE), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stderr is not None
    signalled = False
    for line in proc.stderr:
        if line.startswith("  ok "):
            proc.send_signal(signal.SIGTERM)
            signalled = True
            break
    out, err = proc.communicate(timeout=120)
    assert signalled, "apply finished before a change was applied"
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert re.search(r"Apply: [1-9]\d* applied, 0 failed, 0 skipped, [1-9]\d* not started "
                     r"\(interrupted\)\.", out), out  # fmt: skip
    assert "Interrupted: changes in flight were finished" in out
    assert "Traceback" not in err
    rerun = CliRunner().invoke(main, ["apply", str(EXAMPLE), *flags])
    assert rerun.exit_code == 0, rerun.output
    assert asyncio.run(plan_on(Sandbox.load(state), load_config(EXAMPLE).desired)).is_empty
