"""action.yml: a valid composite action whose steps, run locally against the sandbox with a
fake `gh`, plan and comment, watch drift and keep its issue, and set the outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.action import ACTION, ROOT, ActionRunner, action_runner, load_action

PLAN_MARKER = "<!-- reconciler:plan -->"
DRIFT_MARKER = "<!-- reconciler:drift -->"


@pytest.fixture
def runner(tmp_path: Path) -> ActionRunner:
    """A workspace holding the example org.yaml (and its certs), a fake `gh` on PATH."""
    made = action_runner(tmp_path)
    shutil.copy(ROOT / "examples" / "org.yaml", made.workspace / "org.yaml")
    shutil.copytree(ROOT / "examples" / "certs", made.workspace / "certs")
    return made


def _pull_request(number: int, *labels: str) -> dict[str, object]:
    """The `github` context of a pull_request event carrying `labels`."""
    pull = {"number": number, "labels": [{"name": label} for label in labels]}
    return {"event_name": "pull_request", "base_ref": "", "event": {"pull_request": pull}}


def _sandbox(runner: ActionRunner, **inputs: str) -> dict[str, str]:
    """Inputs that run the command against the sandbox in the runner's workspace."""
    return {"sandbox-state": str(runner.workspace / "sandbox.json"), "base": "none", **inputs}


def test_action_validates_against_the_github_action_schema() -> None:
    """action.yml validates against the vendored GitHub action schema, offline."""
    checker = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_is_composite_and_its_scripts_never_interpolate_expressions() -> None:
    """Every step is a bash `run:`; inputs and event data reach it only through `env:`."""
    action = load_action()
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], step["name"]


def test_plan_comment_is_created_then_updated(runner: ActionRunner) -> None:
    """A labelled pull request plans with the override (exit 2, changes), posts the comment and
    sets the outputs; without the label the plan is refused, the step fails, and the same
    comment is updated to say so."""
    first = runner.run(_sandbox(runner), _pull_request(7, "reconciler:allow-archive"))
    assert first.returncode == 0, first.log
    assert first.outputs["exitcode"] == "2"
    assert first.outputs["has-changes"] == "true"
    report = Path(first.outputs["report-file"]).read_text()
    assert report.startswith(f"{PLAN_MARKER}\nSafety overrides granted by pull-request labels")
    assert Path(first.outputs["plan-file"]).read_text().startswith(PLAN_MARKER)
    assert "archive project legacy-chatbot" in first.summary
    [comment] = runner.github.state()["comments"]
    assert comment["issue"] == 7
    assert comment["body"] == report
    second = runner.run(_sandbox(runner), _pull_request(7))
    assert second.returncode == 1
    assert second.outputs["exitcode"] == "1"
    assert second.outputs["has-changes"] == "false"
    [comment] = runner.github.state()["comments"]
    assert "Refused by safety (archive)" in comment["body"]
    assert "No safety overrides granted" in comment["body"]
    assert runner.github.methods() == ["GET", "POST", "GET", "PATCH"]


def test_drift_issue_is_opened_then_closed(runner: ActionRunner) -> None:
    """Drift (exit 2) opens the issue and does not fail the run; once the config matches the
    live organization (exit 0), the issue is closed."""
    event = {"event_name": "schedule"}
    drifted = runner.run(_sandbox(runner, command="drift"), event)
    assert drifted.returncode == 0, drifted.log
    assert drifted.outputs["exitcode"] == "2"
    assert drifted.outputs["has-changes"] == "true"
    [issue] = runner.github.state()["issues"]
    assert issue["state"] == "open"
    assert issue["body"].startswith(DRIFT_MARKER)
    assert issue["labels"] == ["reconciler-drift"]
    subprocess.run(
        ["reconciler", "export", "--sandbox", "--sandbox-state", "sandbox.json", "-o", "live.yaml"],
        cwd=runner.workspace,
        env=runner.env,
        check=True,
        capture_output=True,
    )
    in_sync = runner.run(_sandbox(runner, command="drift", config="live.yaml"), event)
    assert in_sync.returncode == 0, in_sync.log
    assert in_sync.outputs["exitcode"] == "0"
    assert in_sync.outputs["has-changes"] == "false"
    [issue] = runner.github.state()["issues"]
    assert issue["state"] == "closed"


def test_failed_drift_fails_the_run_and_touches_no_issue(runner: ActionRunner) -> None:
    """A drift that errors (exit 1) fails the action and makes no GitHub call."""
    (runner.workspace / "broken.yaml").write_text("version: [\n")
    done = runner.run(_sandbox(runner, command="drift", config="broken.yaml"), {})
    assert done.returncode == 1
    assert done.outputs["exitcode"] == "1"
    assert runner.github.calls() == []


def test_install_is_skipped_when_this_version_is_on_path(runner: ActionRunner) -> None:
    """The install step does nothing when reconciler at the action's version is on PATH."""
    done = runner.run({}, {}, only="install")
    assert done.returncode == 0, done.log
    assert "is already installed" in done.log


# A `reconciler` that echoes its arguments (and exits $FAKE_RECONCILER_EXIT) for the commands
# the action runs, and is the real one for `reconciler github …` and `--version`.
FAKE_RECONCILER = """#!/bin/sh
case "$1" in github|--version) exec "{real}" "$@" ;; esac
echo "<!-- reconciler:plan -->"
if [ -n "${{FAKE_RECONCILER_MASK:-}}" ]; then echo "::add-mask::$FAKE_RECONCILER_MASK"; fi
for arg in "$@"; do echo "arg: $arg"; done
exit "${{FAKE_RECONCILER_EXIT:-0}}"
"""


@pytest.fixture
def faked(runner: ActionRunner, tmp_path: Path) -> ActionRunner:
    """The runner with the fake `reconciler` first on PATH."""
    real = Path(sys.executable).with_name("reconciler")
    fake = tmp_path / "bin" / "reconciler"
    fake.write_text(FAKE_RECONCILER.format(real=real))
    fake.chmod(0o755)
    return runner


def _lines(path: str) -> list[str]:
    """The lines of a file the action wrote."""
    return Path(path).read_text().splitlines()


def test_plan_step_gets_the_labels_flags_and_the_comment_names_them(faked: ActionRunner) -> None:
    """Labels from the payload become separate CLI flags; a hostile label name runs nothing."""
    hostile = '$(touch pwned)"; touch pwned; "`touch pwned`'
    event = _pull_request(3, hostile, "reconciler:allow-archive", "reconciler:force")
    done = faked.run({"base": "none"}, event)
    assert done.returncode == 0, done.log
    assert done.steps["overrides"]["flags"] == "--force --allow-archive"
    assert done.outputs["exitcode"] == "0"
    comment = _lines(done.outputs["report-file"])
    assert comment[0] == "<!-- reconciler:plan -->"
    assert "`reconciler:allow-archive` → `--allow-archive`" in comment[1]
    assert comment.count("<!-- reconciler:plan -->") == 1
    assert {"arg: --force", "arg: --allow-archive", "arg: --detailed-exitcode"} <= set(comment)
    assert not (faked.workspace / "pwned").exists()
    assert faked.github.state()["comments"][0]["body"] == "\n".join(comment) + "\n"


def test_plan_without_override_labels_plans_with_every_gate(faked: ActionRunner) -> None:
    """No override label: no flags reach `reconciler plan`, and the comment says how to grant."""
    done = faked.run({"base": "none"}, _pull_request(4))
    assert done.steps["overrides"]["flags"] == ""
    comment = Path(done.outputs["report-file"]).read_text()
    assert "No safety overrides granted" in comment
    assert "arg: --force" not in comment
    assert "arg: --allow-archive" not in comment


def _seed_merged_pull(runner: ActionRunner, sha: str, *labels: str) -> None:
    """The fake repository: `sha` is the merge commit of pull request 12 with `labels`."""
    pull = {
        "number": 12,
        "merged_at": "2024-05-01T12:00:00Z",
        "merge_commit_sha": sha,
        "labels": [{"name": label} for label in labels],
    }
    state = {"next_id": 1, "issues": [], "comments": [], "commit_pulls": {sha: [pull]}}
    runner.github.state_file.write_text(json.dumps(state))


APPLY = {"command": "apply", "secrets-command": "cat > /dev/null"}


def test_apply_on_a_merge_gets_the_merged_pull_requests_overrides(faked: ActionRunner) -> None:
    """A push that merged a labelled pull request applies with that label's flag."""
    sha = "a" * 40
    _seed_merged_pull(faked, sha, "reconciler:allow-archive")
    done = faked.run(APPLY, {"event_name": "push", "sha": sha})
    assert done.returncode == 0, done.log
    assert done.steps["overrides"]["flags"] == "--allow-archive"
    lines = _lines(done.outputs["plan-file"])
    assert "arg: --allow-archive" in lines
    assert "arg: --auto-approve" in lines
    assert "arg: --secrets-command" in lines
    assert "Safety overrides: --allow-archive" in done.summary


def test_manual_apply_gets_no_overrides_and_asks_github_nothing(faked: ActionRunner) -> None:
    """workflow_dispatch applies with every gate, even on a labelled merge commit."""
    sha = "b" * 40
    _seed_merged_pull(faked, sha, "reconciler:force")
    done = faked.run(APPLY, {"event_name": "workflow_dispatch", "sha": sha})
    assert done.returncode == 0, done.log
    assert done.steps["overrides"]["flags"] == ""
    assert not faked.github.log_file.exists()


def test_a_new_keys_mask_line_reaches_the_log_only(faked: ActionRunner) -> None:
    """An apply that creates an API key prints `::add-mask::KEY` so the runner hides the key in
    the log: that line is in the log, never in the plan file, the report or the step summary."""
    key = "sk-" + "x" * 12 + "-test-only"
    done = faked.run(APPLY, {"event_name": "workflow_dispatch"}, FAKE_RECONCILER_MASK=key)
    assert done.returncode == 0, done.log
    assert f"::add-mask::{key}" in done.log
    assert "arg: --auto-approve" in _lines(done.outputs["plan-file"])
    for written in (done.outputs["plan-file"], done.outputs["report-file"]):
        assert key not in Path(written).read_text()
    assert key not in done.summary


def test_apply_fails_the_run_when_reconciler_fails(faked: ActionRunner) -> None:
    """A refused apply fails the action (exit code output 1)."""
    done = faked.run(APPLY, {"event_name": "workflow_dispatch"}, FAKE_RECONCILER_EXIT="1")
    assert done.returncode != 0
    assert done.outputs["exitcode"] == "1"


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _two_commits(workspace: Path) -> tuple[str, str]:
    """A repository in the workspace whose org.yaml changes between two commits."""
    _git(workspace, "init", "-q")
    _git(workspace, "config", "user.email", "ci@example.com")
    _git(workspace, "config", "user.name", "ci")
    shas = []
    for text in ("version: 1  # before\n", "version: 1  # after\n"):
        (workspace / "org.yaml").write_text(text)
        _git(workspace, "add", "org.yaml")
        _git(workspace, "commit", "-q", "-m", text)
        shas.append(_git(workspace, "rev-parse", "HEAD"))
    return shas[0], shas[1]


def test_apply_on_a_push_is_scoped_by_the_config_before_it(faked: ActionRunner) -> None:
    """A push applies with --base and the config as it was before the push (the scope its pull
    request's plan had), so drift elsewhere is left alone."""
    before, _ = _two_commits(faked.workspace)
    done = faked.run(APPLY, {"event_name": "push", "event": {"before": before}})
    assert done.returncode == 0, done.log
    base = f"{faked.temp}/reconciler-base/org.yaml"
    assert done.steps["base"]["config"] == base
    assert Path(base).read_text() == "version: 1  # before\n"
    lines = _lines(done.outputs["plan-file"])
    assert lines[lines.index("arg: --base") + 1] == f"arg: {base}"


def test_apply_step_for_a_scope_only_runs_on_a_push(faked: ActionRunner) -> None:
    """A manual run has no commit before it: it applies the whole file (no --base)."""
    _two_commits(faked.workspace)
    done = faked.run(APPLY, {"event_name": "workflow_dispatch"})
    assert done.returncode == 0, done.log
    assert "config" not in done.steps["base"]
    assert "arg: --base" not in _lines(done.outputs["plan-file"])


def test_apply_on_a_new_branch_push_applies_the_whole_file(faked: ActionRunner) -> None:
    """A push with no commit before it (all zeros) has nothing to scope by: no --base."""
    _two_commits(faked.workspace)
    done = faked.run(APPLY, {"event_name": "push", "event": {"before": "0" * 40}}, only="base")
    assert done.returncode == 0, done.log
    assert "config" not in done.steps["base"]


def test_apply_refuses_when_the_commit_before_the_push_is_missing(faked: ActionRunner) -> None:
    """A force push whose previous commit is gone fails the run rather than apply unscoped."""
    _two_commits(faked.workspace)
    done = faked.run(APPLY, {"event_name": "push", "event": {"before": "c" * 40}})
    assert done.returncode == 1
    assert "run org-apply by hand" in done.log
    assert "run" not in done.steps


def test_plan_on_a_pull_request_is_scoped_by_the_base_branch(faked: ActionRunner) -> None:
    """`base: auto` on a pull request plans with --base and the base branch's config."""
    base, _ = _two_commits(faked.workspace)
    _git(faked.workspace, "update-ref", "refs/remotes/origin/main", base)
    event = {**_pull_request(5), "base_ref": "main"}
    done = faked.run({}, event)
    assert done.returncode == 0, done.log
    config = f"{faked.temp}/reconciler-base/org.yaml"
    assert Path(config).read_text() == "version: 1  # before\n"
    lines = _lines(done.outputs["plan-file"])
    assert lines[lines.index("arg: --base") + 1] == f"arg: {config}"


def test_validate_runs_offline_even_with_a_sandbox(runner: ActionRunner) -> None:
    """`command: validate` checks the file without --sandbox, posts nothing, and reports in
    the step summary."""
    done = runner.run(_sandbox(runner, command="validate"), _pull_request(9))
    assert done.returncode == 0, done.log
    assert done.outputs["exitcode"] == "0"
    assert done.summary.startswith("### reconciler validate")
    assert runner.github.calls() == []


def test_the_base_step_runs_twice_in_one_job(faked: ActionRunner) -> None:
    """A second use of the action in the same job checks the base out again, not fails."""
    before, _ = _two_commits(faked.workspace)
    event = {"event_name": "push", "event": {"before": before}}
    for _ in range(2):
        done = faked.run(APPLY, event, only="base")
        assert done.returncode == 0, done.log
        assert done.steps["base"]["config"] == f"{faked.temp}/reconciler-base/org.yaml"
