"""`reconciler drift --snapshot` through the real CLI on the sandbox: the incremental report
equals the full one, the report says how fresh it is, and a bad snapshot never gives a wrong
report (it is read in full, and says why)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from tests.support import copy_examples


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"OPENAI_ADMIN_KEY": ""})


@pytest.fixture(scope="module")
def applied_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo with examples/org.yaml applied, once for the module; (config, state)."""
    root = tmp_path_factory.mktemp("applied")
    config, state = copy_examples(root), root / "state.json"
    keys = str(root / "keys")
    result = _cli("apply", str(config), "--sandbox", "--sandbox-state", str(state),
                  "--auto-approve", "--allow-archive", "--secrets-dir", keys)  # fmt: skip
    assert result.exit_code == 0, result.output
    return config, state


@pytest.fixture
def applied(applied_once: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the applied demo's state; (config, state)."""
    config, state = applied_once
    copy = tmp_path / "state.json"
    shutil.copyfile(state, copy)
    return config, copy


def _drift(config: Path, state: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = _cli("drift", str(config), "--format", "json",
                  "--sandbox", "--sandbox-state", str(state), *extra)  # fmt: skip
    assert result.exit_code in (0, 2), result.output
    return result.exit_code, json.loads(result.stdout)


def _without_freshness(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key != "freshness"}


def test_the_incremental_report_equals_the_full_one(
    applied: tuple[Path, Path], tmp_path: Path
) -> None:
    """After out-of-band changes, drift from a snapshot reports exactly what a full run does."""
    config, state = applied
    snapshot = str(tmp_path / "snap.json")
    first_code, first = _drift(config, state, "--snapshot", snapshot)
    assert first["freshness"] == "verified in full just now (no snapshot yet)"
    for who, role in (("trent@example.com", "owner"), ("bob@example.com", "reader")):
        changed = _cli("sandbox", "set-role", who, role,
                       "--as", "alice@example.com", "--state", str(state))  # fmt: skip
        assert changed.exit_code == 0, changed.output
    code, incremental = _drift(config, state, "--snapshot", snapshot, "--verify", "0")
    full_code, full = _drift(config, state)
    assert incremental["freshness"].startswith("verified in full ")
    assert "incremental since, " in incremental["freshness"]
    assert full["freshness"] is None
    assert (code, _without_freshness(incremental)) == (full_code, _without_freshness(full))
    assert first_code == 2


def test_the_snapshot_holds_no_key(applied: tuple[Path, Path], tmp_path: Path) -> None:
    """The snapshot file has no admin key, and only its owner may read it."""
    config, state = applied
    snapshot = tmp_path / "snap.json"
    _drift(config, state, "--snapshot", str(snapshot))
    text = snapshot.read_text()
    assert Sandbox.load(state).admin_key not in text
    assert "sk-" not in text
    assert os.stat(snapshot).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{not json", "is unusable: Expecting property name"),
        ('{"format": "reconciler-plan", "version": 1}', "is unusable: not a drift snapshot"),
        ('{"format": "reconciler-drift-snapshot", "version": 7}', "snapshot version 7"),
    ],
)
def test_a_corrupt_or_foreign_snapshot_is_read_in_full(
    applied: tuple[Path, Path], tmp_path: Path, content: str, why: str
) -> None:
    """A damaged or foreign snapshot is never trusted: a full read, saying why, then rewritten."""
    config, state = applied
    snapshot = tmp_path / "snap.json"
    snapshot.write_text(content)
    code, report = _drift(config, state, "--snapshot", str(snapshot))
    full_code, full = _drift(config, state)
    assert why in report["freshness"]
    assert report["freshness"].startswith("verified in full just now")
    assert (code, _without_freshness(report)) == (full_code, _without_freshness(full))
    assert json.loads(snapshot.read_text())["format"] == "reconciler-drift-snapshot"


def test_a_bad_duration_is_a_one_line_error(applied: tuple[Path, Path], tmp_path: Path) -> None:
    """`--full-every soon` is refused with what a duration looks like, no traceback."""
    config, state = applied
    result = _cli("drift", str(config), "--snapshot", str(tmp_path / "s.json"),
                  "--full-every", "soon", "--sandbox", "--sandbox-state", str(state))  # fmt: skip
    assert result.exit_code != 0
    assert "is not a duration like 24h" in result.output
    assert "Traceback" not in result.output


def test_an_unwritable_snapshot_is_a_one_line_error(
    applied: tuple[Path, Path], tmp_path: Path
) -> None:
    """A snapshot path that cannot be written fails with one line naming it."""
    config, state = applied
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = _cli("drift", str(config), "--snapshot", str(blocker / "snap.json"),
                  "--sandbox", "--sandbox-state", str(state))  # fmt: skip
    assert result.exit_code == 1
    assert f"cannot write the snapshot {blocker / 'snap.json'}" in result.output
    assert "Traceback" not in result.output


def test_settings_the_snapshot_does_not_hold_are_read_in_full(
    applied: tuple[Path, Path], tmp_path: Path
) -> None:
    """A config that manages a spend limit or the API-key policy (not held in a snapshot) is
    never answered from one: every run reads in full, says why, and equals a full run."""
    config, state = applied
    managed = tmp_path / "org.yaml"
    shutil.copytree(config.parent / "certs", tmp_path / "certs")
    text = config.read_text().replace(
        "  - name: search-prod\n", "  - name: search-prod\n    spend_limit: {usd_per_month: 2000}\n"
    )
    managed.write_text(text)
    snapshot = str(tmp_path / "snap.json")
    _drift(managed, state, "--snapshot", snapshot)
    code, report = _drift(managed, state, "--snapshot", snapshot, "--verify", "0")
    full_code, full = _drift(managed, state)
    assert report["freshness"].startswith("verified in full just now")
    assert "project spend_limit" in report["freshness"]
    assert (code, _without_freshness(report)) == (full_code, _without_freshness(full))
