"""Plans scoped to a pull request: few requests, pull-request changes apart from drift."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.cli.pipeline import Source, pipeline
from reconciler.config import LoadedConfig, load_config
from reconciler.core.model import Desired, Live
from reconciler.core.plan import Plan
from reconciler.core.pr_scope import scope_to_changes
from reconciler.core.safety import Overrides
from reconciler.core.stakes import Stakes
from reconciler.sandbox import Sandbox
from tests.support import sandbox_client

PROJECTS = 150


def _seed() -> dict[str, Any]:
    """A 150-project organization, one owner and one member in each."""
    emails = [f"user{i:03d}@example.com" for i in range(6)]
    return {
        "organization": "org-many-projects",
        "admin_key": {"owner": "admin@example.com"},
        "users": [{"email": "admin@example.com", "role": "owner"}]
        + [{"email": e, "role": "reader"} for e in emails],
        "projects": [
            {
                "name": f"p{n:03d}",
                "members": {emails[n % 6]: "owner", emails[(n + 1) % 6]: "member"},
            }
            for n in range(PROJECTS)
        ],
    }


def _export(tmp_path: Path) -> tuple[Path, Path]:
    state = tmp_path / "sandbox.json"
    Sandbox.from_seed(_seed()).save(state)
    base = tmp_path / "base.yaml"
    args = ["export", "-o", str(base), "--sandbox", "--sandbox-state", str(state)]
    assert CliRunner().invoke(main, args).exit_code == 0
    return state, base


def _edit(base: Path, head: Path) -> None:
    """Head: a member added to p001, p002's member removed."""
    text = base.read_text()
    p001 = "  - name: p001\n"
    at = text.index(p001)
    members = text.index("    members:\n", at) + len("    members:\n")
    text = text[:members] + "      user005@example.com: member\n" + text[members:]
    p002 = text.index("  - name: p002\n")
    cut = text.index("      user003@example.com: member\n", p002)
    text = text[:cut] + text[cut + len("      user003@example.com: member\n") :]
    head.write_text(text)


def _read(sandbox: Sandbox, desired: Desired) -> tuple[Live, Plan, Stakes]:
    """The pipeline over `desired` (already scoped), with the stakes, on the sandbox's clock."""
    source = Source(LoadedConfig(desired, (), "", Path("head.yaml")), desired)

    async def run() -> tuple[Live, Plan, Stakes]:
        async with sandbox_client(sandbox) as client:
            now = sandbox.clock.time()
            ran = await pipeline(client, source, overrides=Overrides(), with_stakes=True, now=now)
            assert ran.stakes is not None
            return ran.live, ran.plan, ran.stakes

    return asyncio.run(run())


def test_scoped_plan_reads_only_the_changed_projects(tmp_path: Path) -> None:
    """Of 150 projects, only the two the pull request touches are read in detail."""
    state, base = _export(tmp_path)
    head = tmp_path / "head.yaml"
    _edit(base, head)
    scoped = scope_to_changes(load_config(base).desired, load_config(head).desired)
    assert set(scoped.org.projects) == {"p001", "p002"}
    sandbox = Sandbox.load(state)
    live, _, stakes = _read(sandbox, scoped)
    wanted = {live.ids.projects["p001"], live.ids.projects["p002"]}
    touched = {
        path.split("/")[4]
        for _, path, _ in sandbox.requests.entries
        if path.startswith("/v1/organization/projects/")
    }
    assert touched == wanted
    counts = {template: n for (_, template), n in sandbox.requests.counts.items()}
    assert counts["/organization/projects/{project_id}/users"] == 2
    assert counts["/organization/projects/{project_id}/api_keys"] == 1
    assert counts["/organization/costs"] == 1
    assert counts["/organization/usage/completions"] == 1
    assert sandbox.requests.total <= 17, counts
    assert set(stakes.projects) == {"p002"}


def test_unscoped_plan_would_read_every_project(tmp_path: Path) -> None:
    """The same head file planned whole reads every project's members (the cost avoided)."""
    state, base = _export(tmp_path)
    sandbox = Sandbox.load(state)
    _read(sandbox, load_config(base).desired)
    assert sandbox.requests.total > PROJECTS


def test_markdown_shows_pull_request_changes_apart_from_drift(tmp_path: Path) -> None:
    """The comment lists the pull request's changes with what they put at stake, then drift
    already present."""
    state, base = _export(tmp_path)
    head = tmp_path / "head.yaml"
    _edit(base, head)
    Sandbox.load(state).act_as("admin@example.com").set_project_role(
        "p001", "user002@example.com", "owner"
    )
    args = ["plan", str(head), "--base", str(base), "--format", "markdown",
            "--detailed-exitcode", "--sandbox", "--sandbox-state", str(state)]  # fmt: skip
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    text = result.output
    assert text.startswith("<!-- reconciler:plan -->\n## Changes from this pull request")
    mine, rest = text.split("## Drift already present", 1)
    assert "user005@example.com" in mine
    assert "user003@example.com" in mine
    drift, rest = rest.split("## Drift this pull request adopts", 1)
    assert "user002@example.com" in drift
    assert "user002@example.com" not in mine
    assert "At stake (last 30 days)" in mine
    assert "| p002 |" in mine


def test_identical_files_plan_nothing_in_two_requests(tmp_path: Path) -> None:
    """A pull request that does not change the config reads only the project list."""
    state, base = _export(tmp_path)
    desired = load_config(base).desired
    sandbox = Sandbox.load(state)
    live, _, _ = _read(sandbox, scope_to_changes(desired, replace(desired)))
    assert live.org.users is None
    assert sandbox.requests.total <= 2
