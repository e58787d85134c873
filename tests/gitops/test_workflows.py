"""The GitHub workflows are valid workflow files and wire the CLI as the README documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
NAMES = ["ci.yml", "org-plan.yml", "org-apply.yml", "org-drift.yml"]


def _load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return data


def _run_text(name: str) -> str:
    """Every `run:` script of the workflow, joined."""
    steps = [s for job in _load(name)["jobs"].values() for s in job["steps"]]
    return "\n".join(str(s.get("run", "")) for s in steps)


@pytest.mark.parametrize("name", NAMES)
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


@pytest.mark.parametrize("name", NAMES[1:])
def test_admin_key_comes_only_from_the_repository_secret(name: str) -> None:
    """The org workflows read the admin key from secrets.OPENAI_ADMIN_KEY and nowhere else."""
    text = (WORKFLOWS / name).read_text()
    assert "OPENAI_ADMIN_KEY: ${{ secrets.OPENAI_ADMIN_KEY }}" in text
    assert "sk-" not in text
