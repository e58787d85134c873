"""Stakes over a large organization: the plan of a change that puts 2,000 projects at stake is
printed with their usage, and no request URL grows with the number of projects."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.core.usage import UsageReport
from reconciler.read.recent_usage import last_30_days
from reconciler.sandbox import Sandbox
from tests.support import sandbox_client

PROJECTS = 2_000


def _seed() -> dict[str, Any]:
    return {
        "organization": "org-large",
        "admin_key": {"owner": "admin@example.com"},
        "users": [
            {"email": "admin@example.com", "role": "owner"},
            {"email": "bob@example.com", "role": "reader"},
        ],
        "projects": [
            {"name": f"p{n:04d}", "members": {"bob@example.com": "member"}} for n in range(PROJECTS)
        ],
    }


def _config(path: Path) -> Path:
    """Every project declared without members: bob is removed from each (2,000 at stake)."""
    lines = [
        "version: 1",
        "settings:",
        "  safety: {max_deletes: 100000, max_delete_share: 1}",
        "users:",
        "  - {email: admin@example.com, role: owner}",
        "  - {email: bob@example.com, role: reader}",
        "projects:",
        *(f"  - {{name: p{n:04d}, members: {{}}}}" for n in range(PROJECTS)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_plan_with_2000_projects_at_stake_reads_their_usage(tmp_path: Path) -> None:
    """`plan` of 2,000 member removals succeeds with every project's usage read (costs and
    completions read unfiltered, two requests), where one request naming every project id
    made the client refuse the URL and the plan fail."""
    state = tmp_path / "state.json"
    Sandbox.from_seed(_seed()).save(state)
    config = _config(tmp_path / "org.yaml")
    args = ["plan", str(config), "--format", "json", "--sandbox", "--sandbox-state", str(state)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert len(plan["changes"]) == PROJECTS
    stakes = plan["stakes"]
    assert "note" not in stakes or not stakes["note"], stakes.get("note")
    assert len(stakes["projects"]) == PROJECTS
    assert all("usage" in p for p in stakes["projects"].values())


def test_usage_of_many_projects_is_two_requests_with_short_urls() -> None:
    """The 30-day usage of 2,000 projects is one costs and one completions request, each URL
    short whatever the number of projects, and every project's figures are kept."""
    sandbox = Sandbox.from_seed(_seed())
    ids = sorted(sandbox.state.projects)
    urls: list[str] = []

    async def spy(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return await sandbox.transport().handle_async_request(request)

    async def run() -> UsageReport:
        transport = httpx.MockTransport(spy)
        async with sandbox_client(sandbox, transport=transport) as client:
            return await last_30_days(client, ids, now=sandbox.clock.time())

    report = asyncio.run(run())
    assert report.note == ""
    assert set(report.by_project) == set(ids)
    assert sum(u.requests for u in report.by_project.values()) > 0
    assert len(urls) == 2
    assert max(len(url) for url in urls) < 1_000
