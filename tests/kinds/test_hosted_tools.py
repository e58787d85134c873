"""Hosted tools against the sandbox through the CLI: plan → apply → plan is empty, a tool
switched out of band is drift, and export writes the tools turned off."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from tests.support import plan_file


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _setup(tmp_path: Path) -> tuple[Path, list[str]]:
    state = tmp_path / "state.json"
    Sandbox.demo().save(state)
    return state, ["--sandbox", "--sandbox-state", str(state)]


def test_a_tool_turned_off_applies_and_then_plans_empty(tmp_path: Path) -> None:
    """web_search: false is one update; after apply only that tool is off; the plan is empty."""
    state, box = _setup(tmp_path)
    config = tmp_path / "org.yaml"
    config.write_text(
        "version: 1\nprojects:\n  - name: research\n"
        "    hosted_tools: {web_search: false, code_interpreter: true}\n"
    )
    plan = _cli("plan", str(config), *box)
    assert "hosted tool web_search" in plan.output, plan.output
    assert "enabled: True → False" in plan.output, plan.output
    assert "1 to update" in plan.output
    assert _cli("apply", str(config), *box, "--auto-approve").exit_code == 0
    sandbox = Sandbox.load(state)
    pid = next(p["id"] for p in sandbox.state.projects.values() if p["name"] == "research")
    assert sandbox.state.hosted_tools[pid] == {"web_search": False}
    assert plan_file(state, config).changes == ()


def test_export_writes_tools_off_and_drift_reports_a_switch(tmp_path: Path) -> None:
    """A tool off is exported as `hosted_tools: {tool: false}` and plans empty; turning it back
    on outside the file is drift."""
    state, box = _setup(tmp_path)
    sandbox = Sandbox.load(state)
    pid = next(p["id"] for p in sandbox.state.projects.values() if p["name"] == "research")
    sandbox.state.hosted_tools[pid] = {"mcp": False}
    sandbox.save(state)
    out = tmp_path / "exported.yaml"
    assert _cli("export", "--output", str(out), *box).exit_code == 0
    assert "    hosted_tools: {mcp: false}\n" in out.read_text()
    assert plan_file(state, out).changes == ()
    sandbox = Sandbox.load(state)
    sandbox.state.hosted_tools[pid] = {"mcp": True}
    sandbox.save(state)
    result = _cli("drift", str(out), "--format", "json", *box)
    assert result.exit_code == 2, result.output
    items = {(i["kind"], tuple(i["key"])): i for i in json.loads(result.output)["items"]}
    assert items[("hosted_tool", ("research", "mcp"))]["counts"]
