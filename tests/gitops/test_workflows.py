"""The GitHub workflows are valid workflow files and wire the CLI as the README documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ["ci.yml", "org-plan.yml", "org-apply.yml", "org-drift.yml"]


def _load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return data


def _run_text(name: str) -> str:
    """Every `run:` script of the workflow, joined."""
    steps = [s for job in _load(name)["jobs"].values() for s in job["steps"]]
    return "\n".join(str(s.get("run", "")) for s in steps)


@pytest.mark.parametrize("name", [*NAMES, "release.yml"])
def test_workflow_validates_against_github_schema(name: str) -> None:
    """Each workflow validates against the vendored GitHub workflow schema, offline."""
    checker = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOWS / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_runs_make_test_on_push_and_pull_request() -> None:
    """ci.yml runs `make test` on pushes and pull requests."""
    on = _load("ci.yml")[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request"} <= set(on)
    assert "make test" in _run_text("ci.yml")


def test_apply_runs_one_at_a_time_with_auto_approve_and_a_secret_sink() -> None:
    """org-apply.yml never runs twice at once nor cancels a run, and hands keys to a sink."""
    workflow = _load("org-apply.yml")
    assert workflow["concurrency"] == {"group": "org-apply", "cancel-in-progress": False}
    assert workflow[True]["push"]["branches"] == ["main"]
    script = _run_text("org-apply.yml")
    assert "--auto-approve" in script
    assert "--secrets-command" in script


def test_plan_runs_against_the_base_config_and_upserts_one_comment() -> None:
    """org-plan.yml plans with --base and the markdown format, then upserts a sticky comment."""
    script = _run_text("org-plan.yml")
    assert "reconciler validate" in script
    assert "--format markdown --detailed-exitcode" in script
    assert "BASE_ARGS" in script
    assert "scripts/sticky_comment.py" in script


def test_drift_runs_on_schedule_and_manages_one_issue() -> None:
    """org-drift.yml runs on schedule and on demand, feeding its exit code to the issue script."""
    on = _load("org-drift.yml")[True]
    assert "schedule" in on
    assert "workflow_dispatch" in on
    assert "scripts/drift_issue.py --exit-code" in _run_text("org-drift.yml")


def test_drift_runs_hourly_from_a_cached_snapshot() -> None:
    """org-drift.yml runs every hour, restoring the last run's snapshot (a key per run, restored
    by prefix) into the directory `drift --snapshot` reads and rewrites."""
    workflow = _load("org-drift.yml")
    assert workflow[True]["schedule"] == [{"cron": "17 * * * *"}]
    steps = workflow["jobs"]["drift"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["key"].startswith("org-drift-snapshot-${{ github.run_id }}")
    assert cache["with"]["restore-keys"] == "org-drift-snapshot-"
    run = _run_text("org-drift.yml")
    assert f"--snapshot {cache['with']['path']}/snapshot.json" in run
    assert "--full-every 24h" in run


@pytest.mark.parametrize("name", NAMES[1:])
def test_admin_key_comes_only_from_the_repository_secret(name: str) -> None:
    """The org workflows read the admin key from secrets.OPENAI_ADMIN_KEY and nowhere else."""
    text = (WORKFLOWS / name).read_text()
    assert "OPENAI_ADMIN_KEY: ${{ secrets.OPENAI_ADMIN_KEY }}" in text
    assert "sk-" not in text


@pytest.mark.parametrize(
    ("name", "event"), [("org-plan.yml", "pull_request"), ("org-apply.yml", "push")]
)
def test_paths_cover_a_config_directory(name: str, event: str) -> None:
    """The plan and apply workflows run for a change to the file or to any file of a config
    directory, and the base config they check out may be either."""
    paths = _load(name)[True][event]["paths"]  # YAML 1.1 reads the key `on` as true
    assert {"org.yaml", "org/**", "certs/**"} <= set(paths)
    assert '[ -e "$RUNNER_TEMP/base/$CONFIG" ]' in _run_text(name)


def test_plan_reruns_when_a_label_is_added_or_removed() -> None:
    """org-plan.yml runs on label changes as well as on the usual pull-request events."""
    types = _load("org-plan.yml")[True]["pull_request"]["types"]
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= set(types)


@pytest.mark.parametrize(
    ("name", "command"), [("org-plan.yml", "plan"), ("org-apply.yml", "apply")]
)
def test_both_org_workflows_pass_label_overrides_to_the_cli(name: str, command: str) -> None:
    """Plan and apply both compute the overrides with the script and pass them to the CLI."""
    script = _run_text(name)
    assert "python scripts/override_flags.py" in script
    assert f'reconciler {command} "$CONFIG"' in script
    command_line = script[script.index(f"reconciler {command} ") :].split("\n")[0]
    assert "$OVERRIDE_FLAGS" in command_line


def test_apply_may_read_pull_requests_but_not_write_them() -> None:
    """org-apply.yml reads the merged pull request's labels with a read-only token."""
    assert _load("org-apply.yml")["permissions"] == {"contents": "read", "pull-requests": "read"}


@pytest.mark.parametrize("name", NAMES[1:])
def test_run_scripts_never_interpolate_expressions(name: str) -> None:
    """Event data reaches a script only through `env:`, never pasted into its text."""
    assert "${{" not in _run_text(name)


def _step(name: str, step_id: str) -> dict[str, Any]:
    """The step of the workflow's only job with this id."""
    [job] = _load(name)["jobs"].values()
    step: dict[str, Any] = next(s for s in job["steps"] if s.get("id") == step_id)
    return step


@dataclass
class Runner:
    """A scratch workspace that runs workflow steps' scripts with fake `gh` and `reconciler`."""

    workspace: Path
    env: dict[str, str]

    def run(self, name: str, step_id: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run the step's script as GitHub does (`bash -e`), with the workflow env and `env`."""
        workflow_env = {k: str(v) for k, v in _load(name).get("env", {}).items()}
        return subprocess.run(
            ["bash", "-e", "-c", _step(name, step_id)["run"]],
            cwd=self.workspace,
            env={**self.env, **workflow_env, **env},
            capture_output=True,
            text=True,
            check=False,
        )

    def outputs(self) -> dict[str, str]:
        """The step outputs written to $GITHUB_OUTPUT so far (last one wins)."""
        lines = Path(self.env["GITHUB_OUTPUT"]).read_text().splitlines()
        return dict(line.split("=", 1) for line in lines)

    def read(self, name: str) -> str:
        """A file the steps wrote into the workspace."""
        return (self.workspace / name).read_text()


FAKE_RECONCILER = """#!/bin/sh
echo "<!-- reconciler:plan -->"
for arg in "$@"; do echo "arg: $arg"; done
exit "${FAKE_RECONCILER_EXIT:-0}"
"""


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    """A workspace holding scripts/, with `python`, a fake `gh` and a fake `reconciler` on PATH."""
    workspace, bin_dir = tmp_path / "workspace", tmp_path / "bin"
    workspace.mkdir()
    bin_dir.mkdir()
    (workspace / "scripts").symlink_to(ROOT / "scripts")
    (bin_dir / "python").symlink_to(sys.executable)
    fake_gh = Path(__file__).resolve().parents[1] / "support" / "fake_gh.py"
    (bin_dir / "gh").write_text(f'#!/bin/sh\nexec "{sys.executable}" "{fake_gh}" "$@"\n')
    (bin_dir / "reconciler").write_text(FAKE_RECONCILER)
    for tool in ("gh", "reconciler"):
        (bin_dir / tool).chmod(0o755)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "GITHUB_REPOSITORY": "acme/org-config",
        "FAKE_GH_STATE": str(tmp_path / "gh-state.json"),
        "FAKE_GH_LOG": str(tmp_path / "gh-calls.jsonl"),
    }
    for name in ("output", "summary"):
        (tmp_path / name).touch()
    return Runner(workspace, env)


def test_plan_step_gets_the_labels_flags_and_the_comment_names_them(runner: Runner) -> None:
    """Labels from the payload become separate CLI flags; a hostile label name runs nothing."""
    hostile = '$(touch pwned)"; touch pwned; "`touch pwned`'
    labels = [{"name": n} for n in (hostile, "reconciler:allow-archive", "reconciler:force")]
    done = runner.run("org-plan.yml", "overrides", PR_LABELS=json.dumps(labels))
    assert done.returncode == 0, done.stderr
    flags = runner.outputs()["flags"]
    assert flags == "--force --allow-archive"
    done = runner.run("org-plan.yml", "plan", OVERRIDE_FLAGS=flags, BASE_ARGS="")
    assert done.returncode == 0, done.stderr
    assert runner.outputs()["exit_code"] == "0"
    comment = runner.read("plan.md").splitlines()
    assert comment[0] == "<!-- reconciler:plan -->"
    assert "`reconciler:allow-archive` → `--allow-archive`" in comment[1]
    assert comment.count("<!-- reconciler:plan -->") == 1
    assert {"arg: --force", "arg: --allow-archive", "arg: --detailed-exitcode"} <= set(comment)
    assert not (runner.workspace / "pwned").exists()


def test_plan_without_override_labels_plans_with_every_gate(runner: Runner) -> None:
    """No override label: no flags reach `reconciler plan`, and the comment says how to grant."""
    runner.run("org-plan.yml", "overrides", PR_LABELS="[]")
    assert runner.outputs()["flags"] == ""
    runner.run("org-plan.yml", "plan", OVERRIDE_FLAGS="", BASE_ARGS="")
    comment = runner.read("plan.md")
    assert "No safety overrides granted" in comment
    assert "arg: --force" not in comment
    assert "arg: --allow-archive" not in comment


def _seed_merged_pull(runner: Runner, sha: str, *labels: str) -> None:
    """The fake repository: `sha` is the merge commit of pull request 12 with `labels`."""
    pull = {
        "number": 12,
        "merged_at": "2024-05-01T12:00:00Z",
        "merge_commit_sha": sha,
        "labels": [{"name": label} for label in labels],
    }
    state = {"next_id": 1, "issues": [], "comments": [], "commit_pulls": {sha: [pull]}}
    Path(runner.env["FAKE_GH_STATE"]).write_text(json.dumps(state))


def test_apply_on_a_merge_gets_the_merged_pull_requests_overrides(runner: Runner) -> None:
    """A push that merged a labelled pull request applies with that label's flag."""
    sha = "a" * 40
    _seed_merged_pull(runner, sha, "reconciler:allow-archive")
    done = runner.run("org-apply.yml", "overrides", EVENT_NAME="push", SHA=sha)
    assert done.returncode == 0, done.stderr
    flags = runner.outputs()["flags"]
    assert flags == "--allow-archive"
    key = "sk-admin-TEST-not-a-real-key"
    done = runner.run("org-apply.yml", "apply", OVERRIDE_FLAGS=flags, OPENAI_ADMIN_KEY=key)
    assert done.returncode == 0, done.stderr
    assert "arg: --allow-archive" in runner.read("apply.txt").splitlines()
    assert "arg: --auto-approve" in runner.read("apply.txt").splitlines()


def test_manual_apply_gets_no_overrides_and_asks_github_nothing(runner: Runner) -> None:
    """workflow_dispatch applies with every gate, even on a labelled merge commit."""
    sha = "b" * 40
    _seed_merged_pull(runner, sha, "reconciler:force")
    done = runner.run("org-apply.yml", "overrides", EVENT_NAME="workflow_dispatch", SHA=sha)
    assert done.returncode == 0, done.stderr
    assert runner.outputs()["flags"] == ""
    assert not Path(runner.env["FAKE_GH_LOG"]).exists()


def test_apply_fails_the_run_when_reconciler_fails(runner: Runner) -> None:
    """A refused apply fails the step even though its output is piped through tee."""
    done = runner.run(
        "org-apply.yml",
        "apply",
        OVERRIDE_FLAGS="",
        OPENAI_ADMIN_KEY="sk-admin-TEST-not-a-real-key",
        FAKE_RECONCILER_EXIT="1",
    )
    assert done.returncode != 0


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


def test_apply_on_a_push_is_scoped_by_the_config_before_it(runner: Runner, tmp_path: Path) -> None:
    """A push applies with --base and the config as it was before the push (the scope its pull
    request's plan had), so drift elsewhere is left alone."""
    before, _ = _two_commits(runner.workspace)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    done = runner.run("org-apply.yml", "base", BEFORE=before, RUNNER_TEMP=str(temp))
    assert done.returncode == 0, done.stderr
    args = runner.outputs()["args"]
    assert args == f"--base {temp}/base/org.yaml"
    assert (temp / "base" / "org.yaml").read_text() == "version: 1  # before\n"
    key = "sk-admin-TEST-not-a-real-key"
    done = runner.run("org-apply.yml", "apply", OVERRIDE_FLAGS="", BASE_ARGS=args,
                      OPENAI_ADMIN_KEY=key)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = runner.read("apply.txt").splitlines()
    assert lines[lines.index("arg: --base") + 1] == f"arg: {temp}/base/org.yaml"


def test_apply_step_for_a_scope_only_runs_on_a_push() -> None:
    """A manual run has no commit before it: it applies the whole file (no --base)."""
    assert _step("org-apply.yml", "base")["if"] == "github.event_name == 'push'"


def test_apply_on_a_new_branch_push_applies_the_whole_file(runner: Runner) -> None:
    """A push with no commit before it (all zeros) has nothing to scope by: no --base."""
    _two_commits(runner.workspace)
    done = runner.run("org-apply.yml", "base", BEFORE="0" * 40, RUNNER_TEMP=str(runner.workspace))
    assert done.returncode == 0, done.stderr
    assert "args" not in runner.outputs()


def test_apply_refuses_when_the_commit_before_the_push_is_missing(runner: Runner) -> None:
    """A force push whose previous commit is gone fails the run rather than apply unscoped."""
    _two_commits(runner.workspace)
    done = runner.run("org-apply.yml", "base", BEFORE="c" * 40, RUNNER_TEMP=str(runner.workspace))
    assert done.returncode == 1
    assert "run org-apply by hand" in done.stdout


def test_release_runs_on_version_tags_and_checks_before_publishing() -> None:
    """release.yml runs on `v*` tags; the build job tests, builds and `twine check`s the sdist
    and wheel, and only then does the publish job run."""
    workflow = _load("release.yml")
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    script = "\n".join(str(s.get("run", "")) for s in build["steps"])
    for command in ("make test", "python -m build", "twine check --strict dist/*"):
        assert command in script
    assert publish["needs"] == "build"


def test_release_publishes_with_trusted_publishing_and_no_token() -> None:
    """Only the publish job may mint an OIDC token; PyPI is reached with the official action
    and no stored password or token."""
    workflow = _load("release.yml")
    assert workflow["permissions"] == {"contents": "read"}
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [s.get("uses", "") for s in publish["steps"]]
    assert "pypa/gh-action-pypi-publish@release/v1" in uses
    assert "permissions" not in workflow["jobs"]["build"]
    text = (WORKFLOWS / "release.yml").read_text()
    assert "secrets." not in text
    assert "password" not in text


@pytest.mark.parametrize(("tag", "code"), [("v{}", 0), ("v{}.post9", 1), ("{}", 1)])
def test_release_refuses_a_tag_that_is_not_the_package_version(tag: str, code: int) -> None:
    """The release's first step fails unless the tag is `v` + reconciler.__version__ (and the
    changelog has that version's section)."""
    from reconciler import __version__

    [step] = [s for s in _load("release.yml")["jobs"]["build"]["steps"] if s.get("id") == "version"]
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=ROOT,
        env={"PATH": path, "TAG": tag.format(__version__)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == code, done.stdout + done.stderr
    assert ("does not match" in done.stdout) == bool(code)
