"""Drift on the demo after apply: events are attributed in their own scope, and declaring the
default project by name adopts it (through the real CLI, on the sandbox)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import main
from tests.support import copy_examples


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"OPENAI_ADMIN_KEY": ""})


@pytest.fixture
def applied(tmp_path: Path) -> tuple[Path, Path]:
    """The demo: examples/org.yaml applied to a fresh sandbox, which then plans empty;
    (config, state)."""
    config, state = copy_examples(tmp_path), tmp_path / "state.json"
    keys = str(tmp_path / "keys")
    sandbox = ["--sandbox", "--sandbox-state", str(state)]
    result = _cli("apply", str(config), *sandbox,
                  "--auto-approve", "--allow-archive", "--secrets-dir", keys)  # fmt: skip
    assert result.exit_code == 0, result.output
    replan = _cli("plan", str(config), "--detailed-exitcode", *sandbox)
    assert replan.exit_code == 0, replan.output
    return config, state


def _drift(config: Path, state: Path) -> tuple[int, dict[tuple[str, str], dict[str, Any]]]:
    result = _cli(
        "drift", str(config), "--format", "json", "--sandbox", "--sandbox-state", str(state)
    )
    items = json.loads(result.stdout)["items"]
    return result.exit_code, {(i["kind"], "/".join(i["key"])): i for i in items}


def test_a_project_removal_is_not_the_org_users_event(applied: tuple[Path, Path]) -> None:
    """Eve's removal from search-prod is not reported as who changed the org-level user eve."""
    code, items = _drift(*applied)
    assert code == 2
    eve = items[("user", "eve@example.com")]
    assert eve["changed_by"] is None


def test_an_org_level_change_is_attributed(applied: tuple[Path, Path]) -> None:
    """An owner's dashboard change of trent's org role is attributed to that owner."""
    config, state = applied
    changed = _cli("sandbox", "set-role", "trent@example.com", "owner",
                   "--as", "alice@example.com", "--state", str(state))  # fmt: skip
    assert changed.exit_code == 0, changed.output
    _, items = _drift(config, state)
    trent = items[("user", "trent@example.com")]["changed_by"]
    assert (trent["actor"], trent["event"]) == ("alice@example.com", "user.updated")


def test_declaring_the_default_project_by_name_adopts_it(applied: tuple[Path, Path]) -> None:
    """`- name: Default project` (no members key) makes it managed but unscoped: in sync, exit 0."""
    config, state = applied
    text = config.read_text().replace(
        "  - {email: ops-admin@example.com, role: owner}\n",
        "  - {email: ops-admin@example.com, role: owner}\n"
        "  - {email: eve@example.com, role: reader}\n"
        "  - {email: trent@example.com, role: reader}\n",
    )
    config.write_text(text + "  - name: Default project\n")
    code, items = _drift(config, state)
    assert [key for key, item in items.items() if item["counts"]] == []
    assert code == 0
    assert not any(project == "Default project" for _, project in items)
