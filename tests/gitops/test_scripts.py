"""The workflow scripts, run for real against a fake `gh` that records its calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"


@dataclass
class FakeGitHub:
    """A fake `gh` with its state and call log, and a way to run a workflow script under it."""

    state_file: Path
    log_file: Path
    env: dict[str, str]

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run scripts/<script> with the fake gh first on PATH."""
        command = [sys.executable, str(SCRIPTS / script), *args]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, check=False)

    def state(self) -> dict[str, Any]:
        """The fake repository's issues and comments now."""
        data: dict[str, Any] = json.loads(self.state_file.read_text())
        return data

    def calls(self) -> list[dict[str, Any]]:
        """Every gh invocation so far: argv and stdin."""
        if not self.log_file.exists():
            return []
        return [json.loads(line) for line in self.log_file.read_text().splitlines()]

    def methods(self) -> list[str]:
        """The HTTP method of each recorded call, in order."""
        return [c["argv"][c["argv"].index("--method") + 1] for c in self.calls()]


@pytest.fixture
def fake_gh(tmp_path: Path) -> FakeGitHub:
    """A fake `gh` executable that serves a stateful fake repository `acme/org-config`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    fake = Path(__file__).resolve().parents[1] / "support" / "fake_gh.py"
    gh.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{fake}" "$@"\n')
    gh.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_REPOSITORY": "acme/org-config",
        "FAKE_GH_STATE": str(tmp_path / "gh-state.json"),
        "FAKE_GH_LOG": str(tmp_path / "gh-calls.jsonl"),
    }
    return FakeGitHub(tmp_path / "gh-state.json", tmp_path / "gh-calls.jsonl", env)


PLAN_MARKER = "<!-- reconciler:plan -->"
DRIFT_MARKER = "<!-- reconciler:drift -->"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_sticky_comment_is_created_once_then_updated(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """The first run creates the marked comment; the second edits it instead of adding one."""
    first = _write(tmp_path, "one.md", "Plan: 1 to add.")
    args = ["--pr", "7", "--marker", PLAN_MARKER]
    done = fake_gh.run("sticky_comment.py", *args, "--body-file", first)
    assert done.returncode == 0, done.stderr
    assert "created" in done.stdout
    second = _write(tmp_path, "two.md", "Plan: 2 to add.")
    done = fake_gh.run("sticky_comment.py", *args, "--body-file", second)
    assert done.returncode == 0, done.stderr
    assert "updated" in done.stdout
    comments = fake_gh.state()["comments"]
    assert len(comments) == 1
    assert comments[0]["body"] == f"{PLAN_MARKER}\nPlan: 2 to add."
    assert fake_gh.methods() == ["GET", "POST", "GET", "PATCH"]


def test_sticky_comment_ignores_other_peoples_comments(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """A comment without the marker is never edited, even when it mentions reconciler."""
    body = _write(tmp_path, "plan.md", "Plan: no changes.")
    human = _write(tmp_path, "human.md", "LGTM, reconciler plan looks right")
    fake_gh.run(
        "sticky_comment.py", "--pr", "3", "--marker", "<!-- other -->", "--body-file", human
    )
    fake_gh.run("sticky_comment.py", "--pr", "3", "--marker", PLAN_MARKER, "--body-file", body)
    bodies = [c["body"] for c in fake_gh.state()["comments"]]
    assert len(bodies) == 2
    assert bodies[0].endswith("LGTM, reconciler plan looks right")


def test_sticky_comment_truncates_a_huge_plan(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """A body over GitHub's limit is cut with a note pointing at the step summary."""
    body = _write(tmp_path, "big.md", "x" * 100_000)
    done = fake_gh.run(
        "sticky_comment.py", "--pr", "1", "--marker", PLAN_MARKER, "--body-file", body
    )
    assert done.returncode == 0, done.stderr
    posted = fake_gh.state()["comments"][0]["body"]
    assert len(posted) <= 65_536
    assert "truncated" in posted


def test_sticky_comment_reports_a_gh_failure_in_one_line(
    fake_gh: FakeGitHub, tmp_path: Path
) -> None:
    """When gh fails, the script exits 1 with one `error:` line and no traceback."""
    body = _write(tmp_path, "plan.md", "Plan")
    fake_gh.env["PATH"] = str(tmp_path / "nowhere")  # no gh at all
    done = fake_gh.run(
        "sticky_comment.py", "--pr", "1", "--marker", PLAN_MARKER, "--body-file", body
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error:")
    assert len(done.stderr.strip().splitlines()) == 1


def test_drift_issue_opens_updates_and_closes(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """Exit 2 opens one issue, a second exit 2 updates it, exit 0 closes it with a comment."""
    first = _write(tmp_path, "d1.md", f"{DRIFT_MARKER}\n# Drift\nbob changed role")
    done = fake_gh.run("drift_issue.py", "--exit-code", "2", "--report-file", first)
    assert done.returncode == 0, done.stderr
    assert "opened #1" in done.stdout
    second = _write(tmp_path, "d2.md", f"{DRIFT_MARKER}\n# Drift\ncarol too")
    done = fake_gh.run("drift_issue.py", "--exit-code", "2", "--report-file", second)
    assert "updated #1" in done.stdout
    issues = fake_gh.state()["issues"]
    assert len(issues) == 1
    assert issues[0]["body"].endswith("carol too")
    assert issues[0]["labels"] == ["reconciler-drift"]
    done = fake_gh.run("drift_issue.py", "--exit-code", "0", "--report-file", second)
    assert "closed #1" in done.stdout
    state = fake_gh.state()
    assert state["issues"][0]["state"] == "closed"
    assert len(state["comments"]) == 1


def test_drift_issue_in_sync_without_an_issue_does_nothing(
    fake_gh: FakeGitHub, tmp_path: Path
) -> None:
    """Exit 0 with no open drift issue makes only the lookup call."""
    report = _write(tmp_path, "d.md", "")
    done = fake_gh.run("drift_issue.py", "--exit-code", "0", "--report-file", report)
    assert done.returncode == 0, done.stderr
    assert "in sync" in done.stdout
    assert fake_gh.methods() == ["GET"]


def test_drift_issue_reopens_a_new_one_after_closing(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """Drift after a closed issue opens a fresh issue rather than editing the closed one."""
    report = _write(tmp_path, "d.md", "drift")
    fake_gh.run("drift_issue.py", "--exit-code", "2", "--report-file", report)
    fake_gh.run("drift_issue.py", "--exit-code", "0", "--report-file", report)
    done = fake_gh.run("drift_issue.py", "--exit-code", "2", "--report-file", report)
    assert "opened #2" in done.stdout
    assert fake_gh.state()["issues"][1]["body"] == f"{DRIFT_MARKER}\ndrift"


def test_drift_issue_failed_run_touches_nothing(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """Exit 1 from drift fails the script without any gh call."""
    report = _write(tmp_path, "d.md", "")
    done = fake_gh.run("drift_issue.py", "--exit-code", "1", "--report-file", report)
    assert done.returncode == 1
    assert "drift failed" in done.stderr
    assert fake_gh.calls() == []


MERGE_SHA = "0123456789abcdef0123456789abcdef01234567"


def _seed_commit_pulls(fake_gh: FakeGitHub, pulls: list[dict[str, Any]]) -> None:
    """Make the fake repository answer commits/MERGE_SHA/pulls with `pulls`."""
    state = {"next_id": 1000, "issues": [], "comments": [], "commit_pulls": {MERGE_SHA: pulls}}
    fake_gh.state_file.write_text(json.dumps(state))


def _pull(number: int, *labels: str, merge_sha: str | None = MERGE_SHA) -> dict[str, Any]:
    """A pull request as the commits/{sha}/pulls call returns it (merged unless no sha)."""
    return {
        "number": number,
        "merged_at": "2024-05-01T12:00:00Z" if merge_sha else None,
        "merge_commit_sha": merge_sha,
        "labels": [{"id": i, "name": name} for i, name in enumerate(labels)],
    }


def test_override_flags_reads_the_labels_of_the_merged_pull_request(fake_gh: FakeGitHub) -> None:
    """The apply side grants the flags of the labels on the pull request the commit merged."""
    _seed_commit_pulls(fake_gh, [_pull(12, "reconciler:allow-archive", "reconciler:force", "ok")])
    done = fake_gh.run("override_flags.py", "--merged-commit", MERGE_SHA)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "--force --allow-archive\n"
    [call] = fake_gh.calls()
    assert f"repos/acme/org-config/commits/{MERGE_SHA}/pulls?per_page=100" in call["argv"]


def test_override_flags_ignores_pull_requests_that_only_contain_the_commit(
    fake_gh: FakeGitHub,
) -> None:
    """An open pull request, or one merged as another commit, grants nothing to this push."""
    _seed_commit_pulls(
        fake_gh,
        [
            _pull(13, "reconciler:force", merge_sha=None),
            _pull(14, "reconciler:allow-archive", merge_sha="f" * 40),
        ],
    )
    done = fake_gh.run("override_flags.py", "--merged-commit", MERGE_SHA, "--format", "lines")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "\n"


def test_override_flags_direct_push_gets_no_overrides(fake_gh: FakeGitHub) -> None:
    """A commit pushed straight to main (no pull request) grants no flags."""
    _seed_commit_pulls(fake_gh, [])
    done = fake_gh.run("override_flags.py", "--merged-commit", "9" * 40, "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No safety overrides granted")


def test_override_flags_reports_a_gh_failure_in_one_line(
    fake_gh: FakeGitHub, tmp_path: Path
) -> None:
    """When the lookup fails, the script exits 1 with one `error:` line and prints no flags."""
    fake_gh.env["PATH"] = str(tmp_path / "nowhere")
    done = fake_gh.run("override_flags.py", "--merged-commit", MERGE_SHA)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error:")
    assert len(done.stderr.strip().splitlines()) == 1
