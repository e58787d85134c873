"""The GitHub workflows are valid workflow files and wire the CLI as the README documents."""

from __future__ import annotations

import os
import subprocess
import sys
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


def _action_text() -> str:
    """Every `run:` script of the repository's action (action.yml), joined."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    return "\n".join(str(s["run"]) for s in action["runs"]["steps"])


def _uses(name: str) -> list[dict[str, Any]]:
    """The `with:` inputs of each step of the workflow that uses this repository's action."""
    steps = [s for job in _load(name)["jobs"].values() for s in job["steps"]]
    return [dict(s.get("with", {})) for s in steps if s.get("uses") == "./"]


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


def test_ci_dogfoods_the_action_against_the_sandbox() -> None:
    """ci.yml runs this checkout's action (plan, then drift) against the sandbox, posting
    nothing to GitHub."""
    plan, drift = _uses("ci.yml")
    assert (plan["command"], drift["command"]) == ("plan", "drift")
    assert plan["sandbox-state"] == drift["sandbox-state"]
    assert plan["comment"] == drift["drift-issue"] == plan["overrides-from-labels"] == "false"


def test_apply_runs_one_at_a_time_with_auto_approve_and_a_secret_sink() -> None:
    """org-apply.yml never runs twice at once nor cancels a run, and hands keys to a sink."""
    workflow = _load("org-apply.yml")
    assert workflow["concurrency"] == {"group": "org-apply", "cancel-in-progress": False}
    assert workflow[True]["push"]["branches"] == ["main"]
    [apply] = _uses("org-apply.yml")
    assert apply["command"] == "apply"
    assert apply["secrets-command"]
    script = _action_text()
    assert "apply) cli+=(--auto-approve)" in script
    assert '--secrets-command "$SECRETS_COMMAND"' in script


def test_plan_runs_against_the_base_config_and_upserts_one_comment() -> None:
    """org-plan.yml validates, then plans through the action, which plans with --base and the
    markdown format and upserts a sticky comment."""
    assert [step["command"] for step in _uses("org-plan.yml")] == ["validate", "plan"]
    script = _action_text()
    assert "validate) ;;" in script
    assert 'plan) cli+=(--format "$FORMAT" --detailed-exitcode)' in script
    assert 'cli+=(--base "$BASE_CONFIG")' in script
    assert "reconciler github comment --pr" in script


def test_drift_runs_on_schedule_and_manages_one_issue() -> None:
    """org-drift.yml runs on schedule and on demand; the action feeds drift's exit code to the
    issue command."""
    on = _load("org-drift.yml")[True]
    assert "schedule" in on
    assert "workflow_dispatch" in on
    assert [step["command"] for step in _uses("org-drift.yml")] == ["drift"]
    assert "reconciler github drift-issue --exit-code" in _action_text()


def test_drift_runs_hourly_from_a_cached_snapshot() -> None:
    """org-drift.yml runs every hour, restoring the last run's snapshot (a key per run, restored
    by prefix) into the directory the action's `drift --snapshot` reads and rewrites."""
    workflow = _load("org-drift.yml")
    assert workflow[True]["schedule"] == [{"cron": "17 * * * *"}]
    steps = workflow["jobs"]["drift"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["key"].startswith("org-drift-snapshot-${{ github.run_id }}")
    assert cache["with"]["restore-keys"] == "org-drift-snapshot-"
    action = next(s for s in steps if s.get("uses", "").startswith("./"))
    assert action["with"]["command"] == "drift"
    args = action["with"]["args"]
    assert f"--snapshot {cache['with']['path']}/snapshot.json" in args
    assert "--full-every 24h" in args


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
    assert '[ -e "$TEMP/reconciler-base/$CONFIG" ]' in _action_text()


def test_plan_reruns_when_a_label_is_added_or_removed() -> None:
    """org-plan.yml runs on label changes as well as on the usual pull-request events."""
    types = _load("org-plan.yml")[True]["pull_request"]["types"]
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= set(types)


@pytest.mark.parametrize(
    ("name", "command"), [("org-plan.yml", "plan"), ("org-apply.yml", "apply")]
)
def test_both_org_workflows_pass_label_overrides_to_the_cli(name: str, command: str) -> None:
    """Plan and apply both run the action, which computes the overrides with `reconciler github
    overrides` and passes them to the CLI."""
    [step] = [s for s in _uses(name) if s["command"] == command]
    assert step.get("overrides-from-labels", "true") == "true"
    script = _action_text()
    assert "reconciler github overrides" in script
    assert 'cli=(reconciler "${words[@]}" "$CONFIG")' in script
    assert "cli+=($OVERRIDE_FLAGS $ARGS)" in script


def test_apply_may_read_pull_requests_but_not_write_them() -> None:
    """org-apply.yml reads the merged pull request's labels with a read-only token."""
    assert _load("org-apply.yml")["permissions"] == {"contents": "read", "pull-requests": "read"}


@pytest.mark.parametrize("name", NAMES[1:])
def test_run_scripts_never_interpolate_expressions(name: str) -> None:
    """Event data reaches a script only through `env:`, never pasted into its text."""
    assert "${{" not in _run_text(name)


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
