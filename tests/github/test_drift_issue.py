"""`reconciler github drift-issue`: one drift issue in step with drift's exit code."""

from __future__ import annotations

from pathlib import Path

from tests.support.github import FakeGitHub

DRIFT_MARKER = "<!-- reconciler:drift -->"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_drift_issue_opens_updates_and_closes(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """Exit 2 opens one issue, a second exit 2 updates it, exit 0 closes it with a comment."""
    first = _write(tmp_path, "d1.md", f"{DRIFT_MARKER}\n# Drift\nbob changed role")
    done = fake_gh.run("drift-issue", "--exit-code", "2", "--report-file", first)
    assert done.exit_code == 0, done.stderr
    assert "opened #1" in done.stdout
    second = _write(tmp_path, "d2.md", f"{DRIFT_MARKER}\n# Drift\ncarol too")
    done = fake_gh.run("drift-issue", "--exit-code", "2", "--report-file", second)
    assert "updated #1" in done.stdout
    issues = fake_gh.state()["issues"]
    assert len(issues) == 1
    assert issues[0]["body"].endswith("carol too")
    assert issues[0]["labels"] == ["reconciler-drift"]
    done = fake_gh.run("drift-issue", "--exit-code", "0", "--report-file", second)
    assert "closed #1" in done.stdout
    state = fake_gh.state()
    assert state["issues"][0]["state"] == "closed"
    assert len(state["comments"]) == 1


def test_drift_issue_in_sync_without_an_issue_does_nothing(
    fake_gh: FakeGitHub, tmp_path: Path
) -> None:
    """Exit 0 with no open drift issue makes only the lookup call."""
    report = _write(tmp_path, "d.md", "")
    done = fake_gh.run("drift-issue", "--exit-code", "0", "--report-file", report)
    assert done.exit_code == 0, done.stderr
    assert "in sync" in done.stdout
    assert fake_gh.methods() == ["GET"]


def test_drift_issue_reopens_a_new_one_after_closing(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """Drift after a closed issue opens a fresh issue rather than editing the closed one."""
    report = _write(tmp_path, "d.md", "drift")
    fake_gh.run("drift-issue", "--exit-code", "2", "--report-file", report)
    fake_gh.run("drift-issue", "--exit-code", "0", "--report-file", report)
    done = fake_gh.run("drift-issue", "--exit-code", "2", "--report-file", report)
    assert "opened #2" in done.stdout
    assert fake_gh.state()["issues"][1]["body"] == f"{DRIFT_MARKER}\ndrift"


def test_drift_issue_failed_run_touches_nothing(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """Exit 1 from drift fails the script without any gh call."""
    report = _write(tmp_path, "d.md", "")
    done = fake_gh.run("drift-issue", "--exit-code", "1", "--report-file", report)
    assert done.exit_code == 1
    assert "drift failed" in done.stderr
    assert fake_gh.calls() == []
