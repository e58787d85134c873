"""Project groups end to end on the demo sandbox: plan, apply, plan empty; members who lose
access in text, markdown and json; drift with who; export's round trip; unknown groups."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.sandbox import Sandbox
from tests.support.sandbox_cli import run_on, write_config

# The demo: search-prod has ml-platform (member); data-platform has ml-platform (owner) and
# finance (SCIM, member). ml-platform is alice, bob and grace; grace is a data-platform member.
CONFIG = """\
version: 1
projects:
  - name: search-prod
    groups: {ml-platform: owner, finance: member}
  - name: data-platform
    groups: {finance: member}
"""
LOSING = "2 members lose access: alice@example.com, bob@example.com"


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    return write_config(tmp_path, text)


def test_plan_shows_members_losing_access_in_every_rendering(tmp_path: Path) -> None:
    """Removing ml-platform from data-platform names alice and bob (grace stays a direct
    member) in text, in markdown's destructive changes, and in json's change."""
    org = _config(tmp_path)
    text = run_on(tmp_path, "plan", str(org))
    assert text.exit_code == 0, text.output
    assert f"group ml-platform                  owner (not in the config; {LOSING})" in text.stdout
    assert "group ml-platform                  role: member → owner" in text.stdout
    assert "group finance                      member" in text.stdout
    markdown = run_on(tmp_path, "plan", str(org), "--format", "markdown")
    assert f"- `-` delete group ml-platform of data-platform — not in the config; {LOSING}" in (
        markdown.stdout
    )
    plan = json.loads(run_on(tmp_path, "plan", str(org), "--format", "json").stdout)
    (removal,) = [c for c in plan["changes"] if c["action"] == "delete"]
    assert removal["key"] == ["data-platform", "ml-platform"]
    assert removal["before"]["members_losing_access"] == ["alice@example.com", "bob@example.com"]


def test_plan_apply_plan_is_empty_then_drift_names_who_and_export_round_trips(
    tmp_path: Path,
) -> None:
    """After apply the plan is empty; a group granted in the dashboard is drift attributed to
    who did it; export writes every project's groups and plans empty."""
    org = _config(tmp_path)
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "3 applied, 0 failed" in applied.output
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0
    box = Sandbox.load(tmp_path / "state.json")
    box.act_as("alice@example.com").grant_project_group("data-platform", "ml-platform", "member")
    drift = run_on(tmp_path, "drift", str(org), "--format", "json")
    assert drift.exit_code == 2, drift.output
    items = {(i["kind"], tuple(i["key"])): i for i in json.loads(drift.stdout)["items"]}
    found = items[("project_group", ("data-platform", "ml-platform"))]
    assert found["changed_by"]["actor"] == "alice@example.com"
    assert found["changed_by"]["event"] == "role.assignment.created"
    exported = tmp_path / "exported.yaml"
    assert run_on(tmp_path, "export", "-o", str(exported)).exit_code == 0
    text = exported.read_text()
    assert "    groups: {finance: member, ml-platform: member}\n" in text
    assert "    groups: {finance: member, ml-platform: owner}\n" in text
    replan = run_on(tmp_path, "plan", str(exported), "--detailed-exitcode")
    assert replan.exit_code == 0, replan.output


def test_an_unknown_group_is_a_plan_error(tmp_path: Path) -> None:
    """A group that exists neither live nor in the file's `groups:` makes the plan fail with a
    line that names it."""
    org = _config(
        tmp_path, "version: 1\nprojects:\n  - name: search-prod\n    groups: {ghost: member}\n"
    )
    planned = run_on(tmp_path, "plan", str(org))
    assert "group 'ghost' is neither an organization group nor declared in groups:" in (
        planned.output
    )
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 1
    assert "Traceback" not in applied.output
    state = json.loads((tmp_path / "state.json").read_text())
    assert "ml-platform" in {group["name"] for group in state["groups"].values()}


def test_removals_count_for_max_deletes(tmp_path: Path) -> None:
    """Taking every group from data-platform is two deletes: over `max_deletes: 1` the plan is
    refused without --force."""
    text = (
        "version: 1\nsettings:\n  safety: {max_deletes: 1}\n"
        "projects:\n  - name: data-platform\n    groups: {}\n"
    )
    planned = run_on(tmp_path, "plan", str(_config(tmp_path, text)))
    assert planned.exit_code == 1
    assert "max_deletes" in planned.output


def test_granting_a_group_the_plan_deletes_is_a_plan_error(tmp_path: Path) -> None:
    """A group the file deletes (left out of `groups:` with prune.groups on) cannot also be
    granted to a project: the plan names the group and the fix, and nothing is applied."""
    text = """\
version: 1
settings: {prune: {groups: true}}
groups: []
projects:
  - name: search-prod
    groups: {ml-platform: member}
"""
    org = _config(tmp_path, text)
    planned = run_on(tmp_path, "plan", str(org))
    assert planned.exit_code == 1, planned.output
    assert "group 'ml-platform' is deleted by this plan" in planned.output
    assert "declare it in groups: to keep granting it" in planned.output
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 1
    assert "Traceback" not in applied.output
    state = json.loads((tmp_path / "state.json").read_text())
    assert "ml-platform" in {group["name"] for group in state["groups"].values()}
