"""`reconciler report keys` against the demo sandbox: every key once, redacted, judged by the
config's policy; exit 2 when a key violates it, 0 when none does, 1 on an error."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from tests.support import sandbox_client


def run(tmp_path: Path, *args: str) -> Result:
    """`reconciler report keys ARGS` on a demo sandbox kept in tmp_path."""
    sandbox = ["--sandbox", "--sandbox-state", str(tmp_path / "state.json")]
    return CliRunner().invoke(main, ["report", "keys", *args, *sandbox])


def as_json(result: Result) -> dict[str, Any]:
    """The JSON document a run printed."""
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_without_a_config_only_owners_who_left_violate(tmp_path: Path) -> None:
    """Every key of every active project is listed once, in redacted form; the two whose owner
    left the project (listed only with owner_project_access=any) violate: exit 2."""
    result = run(tmp_path, "--format", "json")
    assert result.exit_code == 2, result.output
    report = as_json(result)
    rows = report["rows"]
    assert len(rows) == 9 == len({r["key_id"] for r in rows})
    assert all("..." in r["redacted_value"] for r in rows)
    violating = {r["name"]: r["violations"] for r in rows if r["violations"] != "none"}
    assert violating == {
        "frank-old-etl": "owner_without_access: its owner left the project",
        "dan-load-test": "owner_without_access: its owner left the project",
    }
    assert report["violating"] == "2"
    assert report["notes"] == [
        "archived projects not read (their keys no longer work): old-experiments"
    ]


def test_the_config_policy_judges_age_and_use_with_exemptions(tmp_path: Path) -> None:
    """max_age_days and unused_days flag old and idle keys (never used: since created); an
    exemption in force hides a violation and says until when."""
    config = tmp_path / "org.yaml"
    config.write_text(
        "version: 1\nsettings:\n  api_keys:\n    max_age_days: 300\n    unused_days: 100\n"
        "    exempt:\n      - {name: heidi-dev, reason: quarterly job, until: 2999-01-01}\n"
    )
    rows = {r["name"]: r for r in as_json(run(tmp_path, str(config), "--format", "json"))["rows"]}
    assert rows["bob-laptop"]["violations"] == "max_age: 330 days old, max 300"
    assert rows["bob-laptop"]["remedy"] == "revoke"
    assert rows["ivan-test"]["violations"] == "unused: 150 days since created, never used, max 100"
    assert rows["etl-nightly"]["violations"] == "none"  # 300 days is not over 300
    assert rows["heidi-dev"]["exemption"] == "until 2999-01-01: quarterly job"
    assert rows["heidi-dev"]["remedy"] == "none"


def test_no_violation_exits_0_and_an_error_exits_1(tmp_path: Path) -> None:
    """Exempting both keys of owners who left leaves nothing: exit 0; a broken config: exit 1."""
    config = tmp_path / "org.yaml"
    config.write_text(
        "version: 1\nsettings:\n  api_keys:\n    exempt:\n"
        "      - {name: frank-old-etl, reason: r, until: 2999-01-01}\n"
        "      - {name: dan-load-test, reason: r, until: 2999-01-01}\n"
    )
    clean = run(tmp_path, str(config))
    assert clean.exit_code == 0, clean.output
    assert "violating: 0" in clean.stdout
    config.write_text("version: 1\nsettings: {api_keys: {max_age_days: -1}}\n")
    broken = run(tmp_path, str(config))
    assert broken.exit_code == 1
    assert "settings.api_keys.max_age_days" in broken.stderr


def test_a_service_account_key_appears_only_redacted(tmp_path: Path) -> None:
    """A key value the API returned once at creation is in no format of the report; its
    redacted form is, owned by the service account, with remedy `report` (the API deletes it
    only with its account)."""
    sandbox = Sandbox.demo()

    async def create() -> dict[str, Any]:
        async with sandbox_client(sandbox) as client:
            project = next(
                p
                for p in await client.list_all("/organization/projects")
                if p["name"] == "research"
            )
            return await client.post(
                f"/organization/projects/{project['id']}/service_accounts", json={"name": "ci"}
            )

    made = asyncio.run(create())
    value = made["api_key"]["value"]
    for keys in sandbox.state.api_keys.values():  # made ten days ago, never used since
        for key in keys.values():
            if key["id"] == made["api_key"]["id"]:
                key["created_at"] -= 10 * 86400
    sandbox.save(tmp_path / "state.json")
    config = tmp_path / "org.yaml"
    config.write_text("version: 1\nsettings: {api_keys: {unused_days: 1}}\n")
    for fmt in ("table", "csv", "json", "markdown"):
        result = run(tmp_path, str(config), "--format", fmt)
        assert result.exit_code == 2, result.output
        assert value not in result.output
        assert value[-4:] in result.output  # the redacted form ends as the key does
    rows = {r["name"]: r for r in as_json(run(tmp_path, str(config), "--format", "json"))["rows"]}
    ci = next(r for r in rows.values() if r["owner"] == "ci")
    assert (ci["owner_type"], ci["last_used"], ci["remedy"]) == (
        "service_account",
        "never",
        "report",
    )
