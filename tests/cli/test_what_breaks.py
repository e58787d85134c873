"""What breaks, end to end on the demo sandbox: a model or hosted tool taken from a project
shows its last 30 days in every rendering, counts for max_deletes when in use, and converges."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from tests.support.sandbox_cli import run_on

TAKING = """\
version: 1
settings:
  safety: {max_deletes: %d}
projects:
  - name: search-prod
    models: {allow: [gpt-4o]}
  - name: data-platform
    hosted_tools: {web_search: false}
"""


def _config(tmp_path: Path, max_deletes: int = 10) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(TAKING % max_deletes)
    return path


def test_text_shows_each_taken_model_and_tool_with_its_use(tmp_path: Path) -> None:
    """Under each change: the model or tool it takes, its requests (and cost) in 30 days, and
    that it is destructive."""
    out = run_on(tmp_path, "plan", str(_config(tmp_path))).stdout
    assert re.search(
        r"takes away gpt-4o-mini \([\d,]+ requests, \$[\d,]+\.\d\d in 30 days\) — destructive: "
        r"counts for max_deletes",
        out,
    ), out
    assert re.search(r"takes away web_search \([\d,]+ calls in 30 days; the costs API", out), out


def test_markdown_lists_them_as_destructive_and_tabulates_their_use(tmp_path: Path) -> None:
    """The comment lists both updates under destructive changes, with the table of use."""
    out = run_on(tmp_path, "plan", str(_config(tmp_path)), "--format", "markdown").stdout
    destructive = out.split("#### Destructive changes")[1].split("\n#### ")[0]
    assert "update model permissions of search-prod" in destructive
    assert "update hosted tool web_search of data-platform" in destructive
    assert re.search(
        r"\| search-prod \| `gpt-4o-mini` \| [\d,]+ requests \| \$[\d,.]+ \| \*\*yes", out
    )
    assert re.search(r"\| data-platform \| `web_search` \| [\d,]+ calls \| not split by tool", out)


def test_json_carries_what_is_taken_away(tmp_path: Path) -> None:
    """`stakes.takes_away` has one destructive entry per change, with requests and cost."""
    out = run_on(tmp_path, "plan", str(_config(tmp_path)), "--format", "json").stdout
    entries = {e["kind"]: e for e in json.loads(out)["stakes"]["takes_away"]}
    model = entries["model_permission"]
    assert model["key"] == ["search-prod", "permissions"]
    assert model["destructive"] is True
    ((used,),) = [model["last_30_days"]]
    assert used["name"] == "gpt-4o-mini"
    assert used["requests"] > 0
    assert used["cost"] > 0
    assert entries["hosted_tool"]["last_30_days"][0]["requests"] > 0


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_taking_in_use_counts_for_max_deletes_until_force(tmp_path: Path, fmt: str) -> None:
    """With max_deletes 1 the two takings are refused in every rendering, apply changes
    nothing; with --force apply shows what it takes, converges, and the next plan is empty."""
    org = _config(tmp_path, max_deletes=1)
    refused = run_on(tmp_path, "plan", str(org), "--format", fmt)
    assert refused.exit_code == 1
    assert "max_deletes=1" in refused.stdout
    assert "take away a model or hosted tool used in the last 30 days" in refused.stdout
    if fmt != "text":
        return
    assert run_on(tmp_path, "apply", str(org), "--auto-approve").exit_code == 1
    state = Sandbox.load(tmp_path / "state.json").state
    assert all(p["mode"] != "allow_list" or "gpt-4o-mini" in p["model_ids"]
               for p in state.model_permissions.values())  # fmt: skip
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    assert "takes away gpt-4o-mini (" in applied.output  # the plan apply shows says it too
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0
