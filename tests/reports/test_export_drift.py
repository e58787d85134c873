"""Export round-trips (plan empty) and drift names who changed what, through the real CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from reconciler.sandbox.seed import demo_seed
from tests.support import plan_file, sandbox_client

ROOT = Path(__file__).resolve().parents[2]
PEM = (ROOT / "examples" / "certs" / "corp-mtls-2026.pem").read_text()


def _seed(n: int) -> dict[str, Any]:
    """A generated organization exercising every kind; `n` varies its size and shape."""
    emails = [f"user{i:03d}@example.com" for i in range(3 + 2 * n)]
    projects: list[dict[str, Any]] = [
        {
            "name": f"team-{p}",
            "members": {e: ("owner" if i == 0 else "member") for i, e in enumerate(emails[p:])},
            "service_accounts": [{"name": f"bot-{p}", "role": "member"}]
            + ([{"name": f"bare-{p}", "role": "none"}] if p == 0 else []),
            "rate_limits": {"gpt-4o": {"max_requests_per_1_minute": 100 + p}} if p % 2 else {},
        }
        for p in range(1 + n)
    ]
    projects.append({"name": "retired", "archived": True})
    return {
        "organization": f"org-generated-{n}",
        "admin_key": {"owner": "admin@example.com"},
        "org_rate_limits": {
            "gpt-4o": {"max_requests_per_1_minute": 10000, "max_tokens_per_1_minute": 30000},
            "o3": {"max_requests_per_1_minute": 500, "max_tokens_per_1_minute": 9000},
        },
        "users": [{"email": "admin@example.com", "role": "owner"}]
        + [{"email": e, "role": "reader" if i else "owner"} for i, e in enumerate(emails)],
        "invites": [
            {"email": "new@example.com", "role": "reader", "projects": {"team-0": "member"}},
        ],
        "projects": projects,
        "certificates": [{"name": "corp-mtls", "pem": PEM, "active": n % 2 == 0}],
    }


def _state(tmp_path: Path, seed: dict[str, Any]) -> Path:
    path = tmp_path / "sandbox.json"
    Sandbox.from_seed(seed).save(path)
    return path


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _sandbox_args(state: Path) -> list[str]:
    return ["--sandbox", "--sandbox-state", str(state)]


def _export(tmp_path: Path, state: Path) -> Path:
    out = tmp_path / "org.yaml"
    result = _cli("export", "--output", str(out), *_sandbox_args(state))
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("seed", [demo_seed(), _seed(0), _seed(1), _seed(4)], ids=str)
def test_export_plans_empty(tmp_path: Path, seed: dict[str, Any]) -> None:
    """The exported file is valid and planning it against the same organization changes nothing."""
    state = _state(tmp_path, seed)
    config = _export(tmp_path, state)
    plan = plan_file(state, config)
    assert plan.changes == ()
    assert not plan.findings
    result = _cli("drift", str(config), *_sandbox_args(state))
    assert result.exit_code == 0, result.output


def test_export_lists_projects_once() -> None:
    """Export reads the project list once: the listing that sets its scope is the one fetched."""
    from reconciler.reports.export import read_everything

    sandbox = Sandbox.demo()

    async def run() -> None:
        async with sandbox_client(sandbox) as client:
            await read_everything(client)

    asyncio.run(run())
    assert sandbox.requests.count("GET", "/organization/projects") == 1


def test_export_is_grouped_stable_and_commented(tmp_path: Path) -> None:
    """Two exports are identical apart from the timestamp, and carry the explanatory comments."""
    state = _state(tmp_path, _seed(1))
    first = _cli("export", *_sandbox_args(state)).output.splitlines()[1:]
    second = _cli("export", *_sandbox_args(state)).output.splitlines()[1:]
    assert first == second
    text = "\n".join(first)
    assert text.index("settings:") < text.index("users:") < text.index("projects:")
    assert "# invite pending" in text
    assert "archived: true" in text
    assert "-----BEGIN CERTIFICATE-----" in text


def test_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    """An existing output file is kept unless --force is given."""
    state = _state(tmp_path, _seed(0))
    out = tmp_path / "org.yaml"
    out.write_text("keep me\n")
    refused = _cli("export", "--output", str(out), *_sandbox_args(state))
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert out.read_text() == "keep me\n"
    forced = _cli("export", "--output", str(out), "--force", *_sandbox_args(state))
    assert forced.exit_code == 0
    assert out.read_text().startswith("# yaml-language-server")


def test_drift_names_the_dashboard_user_and_time(tmp_path: Path) -> None:
    """A role changed in the dashboard shows up as drift with its actor, channel and time."""
    state = _state(tmp_path, _seed(1))
    config = _export(tmp_path, state)
    sandbox = Sandbox.load(state)
    before = int(sandbox.clock.time())
    sandbox.act_as("user000@example.com").set_org_role("user001@example.com", "owner")
    sandbox.act_as("user000@example.com").set_rate_limit(
        "team-1", "gpt-4o", max_requests_per_1_minute=7
    )
    after = int(sandbox.clock.time())
    result = _cli("drift", str(config), "--format", "json", *_sandbox_args(state))
    assert result.exit_code == 2
    report = json.loads(result.output)
    items = {(i["kind"], tuple(i["key"])): i for i in report["items"] if i["counts"]}
    user = items[("user", ("user001@example.com",))]
    assert user["detail"] == "role: owner live, reader in the file"
    assert user["changed_by"]["actor"] == "user000@example.com"
    assert user["changed_by"]["via"].startswith("dashboard")
    assert before <= user["changed_by"]["at"] <= after
    limit = items[("rate_limit", ("team-1", "gpt-4o"))]
    assert limit["changed_by"]["event"] == "rate_limit.updated"


def test_drift_markdown_is_the_issue_body(tmp_path: Path) -> None:
    """The markdown report starts with the hidden marker and has a row per drifted object."""
    state = _state(tmp_path, _seed(0))
    config = _export(tmp_path, state)
    Sandbox.load(state).act_as("admin@example.com").set_org_role("user001@example.com", "owner")
    result = _cli("drift", str(config), "--format", "markdown", *_sandbox_args(state))
    assert result.exit_code == 2
    assert result.output.startswith("<!-- reconciler:drift -->\n")
    assert (
        "| ~ | user user001@example.com | role: owner live, reader in the file |" in result.output
    )
    assert "admin@example.com via dashboard" in result.output


def test_drift_says_when_audit_logging_is_off(tmp_path: Path) -> None:
    """With an empty audit log, the report says audit logging looks off instead of guessing."""
    seed = _seed(0)
    state = _state(tmp_path, seed)
    config = _export(tmp_path, state)
    data = json.loads(state.read_text())
    data["audit_logs"] = []
    user = next(u for u in data["users"].values() if u["email"] == "user001@example.com")
    user["role"] = "owner"
    state.write_text(json.dumps(data))
    result = _cli("drift", str(config), *_sandbox_args(state))
    assert result.exit_code == 2
    assert "audit logging looks turned off" in result.output
    assert "unknown: audit logs unavailable" in result.output


def test_drift_error_exits_1_in_one_line(tmp_path: Path) -> None:
    """A config that does not load exits 1 with a one-line message and no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n")
    result = CliRunner().invoke(main, ["drift", str(bad), "--sandbox", "--sandbox-state",
                                       str(tmp_path / "s.json")])  # fmt: skip
    assert result.exit_code == 1
    assert "Traceback" not in result.output
