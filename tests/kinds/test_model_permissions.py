"""Model permissions against the sandbox through the CLI: plan → apply → plan is empty, a policy
changed out of band is drift, and export writes the policy so the exported file plans empty."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from tests.support import plan_file


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _setup(tmp_path: Path, models: str) -> tuple[Path, Path, list[str]]:
    """The demo organization saved to a state file, and a config declaring search-prod's models."""
    state = tmp_path / "state.json"
    Sandbox.demo().save(state)
    config = tmp_path / "org.yaml"
    config.write_text(f"version: 1\nprojects:\n  - name: search-prod\n    models: {models}\n")
    return state, config, ["--sandbox", "--sandbox-state", str(state)]


def _policy(state: Path) -> object:
    box = Sandbox.load(state)
    pid = next(p["id"] for p in box.state.projects.values() if p["name"] == "search-prod")
    return box.state.model_permissions.get(pid)


def test_a_new_policy_applies_and_then_plans_empty(tmp_path: Path) -> None:
    """allow → deny is one update that lands as the API's deny_list; the next plan is empty."""
    state, config, box = _setup(tmp_path, "{deny: [o3]}")
    plan = _cli("plan", str(config), *box)
    assert "model permissions" in plan.output, plan.output
    assert "models: gpt-4o, gpt-4o-mini → o3" in plan.output, plan.output
    applied = _cli("apply", str(config), *box, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert _policy(state) == {"mode": "deny_list", "model_ids": ["o3"]}
    assert plan_file(state, config).changes == ()


def test_all_removes_the_policy_and_then_plans_empty(tmp_path: Path) -> None:
    """`models: all` deletes the policy (a delete the plan shows with the old list)."""
    state, config, box = _setup(tmp_path, "all")
    plan = _cli("plan", str(config), *box)
    assert "model permissions                  allow gpt-4o, gpt-4o-mini" in plan.output
    assert "1 to delete" in plan.output
    applied = _cli("apply", str(config), *box, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert _policy(state) is None
    assert plan_file(state, config).changes == ()


def test_a_policy_changed_out_of_band_is_drift(tmp_path: Path) -> None:
    """A policy edited behind the file's back is reported by drift with both lists."""
    state, _, box = _setup(tmp_path, "all")
    config = tmp_path / "exported.yaml"
    assert _cli("export", "--output", str(config), *box).exit_code == 0
    assert _cli("drift", str(config), *box).exit_code == 0
    sandbox = Sandbox.load(state)
    pid = next(p["id"] for p in sandbox.state.projects.values() if p["name"] == "search-prod")
    sandbox.state.model_permissions[pid] = {"mode": "allow_list", "model_ids": ["o3"]}
    # (the export declared the demo's gpt-4o, gpt-4o-mini; the live policy now allows o3)
    sandbox.save(state)
    result = _cli("drift", str(config), "--format", "json", *box)
    assert result.exit_code == 2, result.output
    items = {(i["kind"], tuple(i["key"])): i for i in json.loads(result.output)["items"]}
    item = items[("model_permission", ("search-prod", "permissions"))]
    assert item["counts"]
    assert item["detail"] == "models: ['o3'] live, ['gpt-4o', 'gpt-4o-mini'] in the file"


def test_export_writes_the_policy_and_plans_empty(tmp_path: Path) -> None:
    """The demo's allow list is exported as `models: {allow: [...]}` and plans empty."""
    state, _, box = _setup(tmp_path, "all")
    out = tmp_path / "exported.yaml"
    assert _cli("export", "--output", str(out), *box).exit_code == 0
    assert "    models: {allow: [gpt-4o, gpt-4o-mini]}\n" in out.read_text()
    assert plan_file(state, out).changes == ()
