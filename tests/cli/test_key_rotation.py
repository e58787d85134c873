"""Key rotation through the real CLI on the sandbox, months passing between commands: plan
shows the rotation in text, markdown and json; apply delivers the new key to --secrets-dir;
the overlap, then the keys to retire, are said; the reports show where each account stands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.rotation import ROTATING, SandboxCli, sandbox_cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxCli]:
    """The CLI on a sandbox whose clock the test moves; the rotating config in tmp_path."""
    (tmp_path / "org.yaml").write_text(ROTATING, encoding="utf-8")
    with sandbox_cli(tmp_path, monkeypatch) as runner:
        yield runner


def _config(cli: SandboxCli) -> str:
    return str(cli.state.parent / "org.yaml")


def _rows(result_stdout: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(result_stdout)["rows"]
    return rows


def test_a_due_rotation_is_planned_in_every_format_then_applied(cli: SandboxCli) -> None:
    """91 days after the account's key was made, plan (exit 2 with --detailed-exitcode) shows
    `+ key rotation` with the newest key's id and age in text and markdown, and a
    service_account_key create in json; apply delivers one new key; the plan is then empty."""
    config = _config(cli)
    assert cli("apply", config).exit_code == 0
    (first,) = cli.account_keys()
    cli.days_pass(91)
    text = cli("plan", config, "--detailed-exitcode")
    assert text.exit_code == 2, text.output
    line = f"key rotation ci-deployer           rotate: newest key {first['id']} is 91 days old"
    assert f"+   {line}" in text.stdout
    markdown = cli("plan", config, "--format", "markdown").stdout
    assert f"+   {line}" in markdown
    (change,) = json.loads(cli("plan", config, "--format", "json").stdout)["changes"]
    assert (change["kind"], change["action"]) == ("service_account_key", "create")
    assert change["before"]["newest"]["key_id"] == first["id"]
    applied = cli("apply", config)
    assert applied.exit_code == 0, applied.output
    assert "create service_account_key search-prod/ci-deployer (key key_" in applied.output
    assert len(cli.delivered()) == 2
    assert cli("plan", config, "--detailed-exitcode").exit_code == 0


def test_the_overlap_then_the_keys_to_retire_are_said_never_deleted(cli: SandboxCli) -> None:
    """After a rotation the plan notes the overlap until its day; past overlap_days it warns to
    retire the older key (id, redacted value, age) in text, markdown and json, and drift exits
    2 on it; the key is not deleted (the API cannot), and the plan stays empty of changes."""
    config = _config(cli)
    cli("apply", config)
    cli.days_pass(91)
    cli("apply", config)
    old, new = cli.account_keys()
    cli.days_pass(3)
    overlap = cli("plan", config, "--detailed-exitcode")
    assert overlap.exit_code == 0
    assert f"the new key {new['id']} (3 days old) overlaps {old['id']}" in overlap.stdout
    cli.days_pass(5)
    retire = cli("plan", config, "--detailed-exitcode")
    assert retire.exit_code == 0
    shown = f"retire {old['id']} ({old['redacted_value']}, 99 days old)"
    assert shown in retire.stdout
    assert "revoke them in the dashboard" in retire.stdout
    markdown = cli("plan", config, "--format", "markdown").stdout
    assert f"#### Warnings\n\n- key rotation ci-deployer in search-prod: {shown}" in markdown
    findings = json.loads(cli("plan", config, "--format", "json").stdout)["findings"]
    assert [(f["kind"], f["severity"], f["key"]) for f in findings] == [
        ("service_account_key", "warning", ["search-prod", "ci-deployer"])
    ]
    drift = cli("drift", config)
    assert drift.exit_code == 2
    assert shown in drift.stdout
    assert [k["id"] for k in cli.account_keys()] == [old["id"], new["id"]]


def test_the_reports_show_rotation_state_and_the_next_rotation_day(cli: SandboxCli) -> None:
    """report keys marks the newest key current and the older one overlapping, with the
    account's next rotation day; report access shows the account's state and that day; both
    read key ages on the sandbox's clock."""
    config = _config(cli)
    cli("apply", config)
    cli.days_pass(91)
    cli("apply", config)
    cli.days_pass(2)
    old, new = cli.account_keys()
    next_day = json.loads(cli("plan", config, "--format", "json").stdout)
    assert next_day["changes"] == []
    keys = {r["key_id"]: r for r in _rows(cli("report", "keys", config, "--format", "json").stdout)}
    assert (keys[new["id"]]["rotation"], keys[old["id"]]["rotation"]) == ("current", "overlapping")
    assert keys[old["id"]]["age_days"] == 93
    expected = keys[new["id"]]["next_rotation"]
    assert keys[old["id"]]["next_rotation"] == expected
    assert expected == _day(new["created_at"] + 90 * 86400)
    others = [r for r in keys.values() if r["owner_type"] == "user"]
    assert {(r["rotation"], r["next_rotation"]) for r in others} == {("none", "none")}
    access = _rows(cli("report", "access", config, "--format", "json").stdout)
    (row,) = [r for r in access if r["principal"] == "ci-deployer"]
    assert (row["key_rotation"], row["next_rotation"], row["api_keys"]) == (
        "overlapping", expected, 2
    )  # fmt: skip


def test_apply_refuses_a_rotation_without_a_sink(cli: SandboxCli) -> None:
    """A due rotation with no --secrets-dir or --secrets-command is refused before any write,
    naming the account."""
    from click.testing import CliRunner

    from reconciler.cli import main

    config = _config(cli)
    cli("apply", config)
    cli.days_pass(100)
    sandbox = ["--sandbox", "--sandbox-state", str(cli.state)]
    result = CliRunner().invoke(main, ["apply", config, "--auto-approve", *sandbox])
    assert result.exit_code == 1
    assert "search-prod/ci-deployer" in result.stderr
    assert "--secrets-dir" in result.stderr
    assert len(cli.account_keys()) == 1


def _day(stamp: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(stamp, UTC).date().isoformat()


def test_a_secrets_command_gets_the_rotated_key_with_its_metadata(
    cli: SandboxCli, tmp_path: Path
) -> None:
    """With --secrets-command the rotated key arrives on stdin once, with the account's and the
    new key's ids in RECONCILER_* variables, as a created account's key does."""
    from click.testing import CliRunner

    from reconciler.cli import main

    config = _config(cli)
    cli("apply", config)
    cli.days_pass(91)
    out = tmp_path / "got"
    out.mkdir()
    command = "sh -c 'cat > \"$OUT/$RECONCILER_SERVICE_ACCOUNT.$RECONCILER_KEY_ID\"'"
    args = ["apply", config, "--auto-approve", "--secrets-command", command,
            "--sandbox", "--sandbox-state", str(cli.state)]  # fmt: skip
    result = CliRunner().invoke(main, args, env={"OUT": str(out)})
    assert result.exit_code == 0, result.output
    _, new = cli.account_keys()
    (got,) = out.iterdir()
    assert got.name == f"ci-deployer.{new['id']}"
    value = got.read_text()
    assert value.startswith("sk-svcacct-")
    assert value[-4:] == new["redacted_value"][-4:]
    assert value not in result.output
