"""`reconciler apply` through the CLI on the sandbox: converge, confirm, refuse, stay secret."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.sandbox import Sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def _apply(state: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    args = ["apply", str(EXAMPLE), "--sandbox", "--sandbox-state", str(state), *extra]
    result = CliRunner().invoke(main, args, env=env)
    return result.exit_code, result.output


def _writes(state: Path) -> int:
    box = Sandbox.load(state)
    return len(box.state.audit_logs)


def _seeded(state: Path) -> int:
    """Save the demo organization to `state`; its audit-log length (to compare after a run)."""
    Sandbox.load(state).save(state)
    return _writes(state)


def test_apply_then_second_apply_is_empty_and_writes_nothing(tmp_path: Path) -> None:
    """Apply converges: a second apply has no changes and makes zero writes."""
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    code, out = _apply(state, "--auto-approve", "--allow-archive", "--secrets-dir", str(keys))
    assert code == 0, out
    assert "0 failed" in out
    before = _writes(state)
    code, out = _apply(state, "--auto-approve", "--allow-archive", "--secrets-dir", str(keys))
    assert code == 0, out
    assert "No changes" in out
    assert _writes(state) == before


def test_without_tty_or_auto_approve_refuses(tmp_path: Path) -> None:
    """With no terminal and no --auto-approve, apply refuses before any write."""
    state = tmp_path / "sb.json"
    before = _seeded(state)
    code, out = _apply(state, "--allow-archive", "--secrets-dir", str(tmp_path / "k"))
    assert code == 1
    assert "--auto-approve" in out
    assert not (tmp_path / "k").exists()
    assert _writes(state) == before


def test_keyed_service_account_without_sink_is_refused(tmp_path: Path) -> None:
    """Creating a keyed service account needs --secrets-dir or --secrets-command, and without
    one apply refuses before any write."""
    state = tmp_path / "sb.json"
    before = _seeded(state)
    code, out = _apply(state, "--auto-approve", "--allow-archive")
    assert code == 1
    assert "search-prod/ci-deployer" in out
    assert "--secrets-dir" in out
    assert _writes(state) == before


def test_archive_needs_allow_archive(tmp_path: Path) -> None:
    """Safety runs before any write: archiving needs --allow-archive."""
    state = tmp_path / "sb.json"
    before = _seeded(state)
    code, out = _apply(state, "--auto-approve", "--secrets-dir", str(tmp_path / "k"))
    assert code == 1
    assert "--allow-archive" in out
    assert _writes(state) == before


def test_saved_plan_applies_and_stale_plan_is_refused(tmp_path: Path) -> None:
    """apply --plan refuses a saved plan whose live state changed since, before any write."""
    from reconciler.cli.pipeline import load_source

    state = tmp_path / "sb.json"
    Sandbox.load(state).save(state)
    plan_doc = _saved_plan(state)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_doc))
    assert load_source(None, plan_file=plan_file).saved is not None
    box = Sandbox.load(state)
    bob = next(u for u in box.state.users.values() if u["email"] == "bob@example.com")
    bob["role"] = "reader"  # someone fixed it in the dashboard: the plan's update is now stale
    box.save(state)
    before = _writes(state)
    args = ["apply", "--plan", str(plan_file), "--sandbox", "--sandbox-state", str(state)]
    result = CliRunner().invoke(main, [*args, "--auto-approve", "--allow-archive",
                                       "--secrets-dir", str(tmp_path / "k")])  # fmt: skip
    assert result.exit_code == 1
    assert "changed since the plan" in result.output
    assert _writes(state) == before


def test_plan_out_then_apply_plan_applies_exactly_it_and_converges(tmp_path: Path) -> None:
    """`plan --out` then `apply --plan` (no CONFIG) applies the reviewed plan; the next plan is
    empty."""
    state, plan_file, keys = tmp_path / "sb.json", tmp_path / "plan.json", tmp_path / "k"
    sandbox = ["--sandbox", "--sandbox-state", str(state)]
    runner = CliRunner()
    plan_args = ["plan", str(EXAMPLE), "--out", str(plan_file), "--allow-archive", *sandbox]
    planned = runner.invoke(main, plan_args)
    assert planned.exit_code == 0, planned.output
    saved = json.loads(plan_file.read_text())
    apply_args = ["apply", "--plan", str(plan_file), "--auto-approve", "--allow-archive"]
    applied = runner.invoke(main, [*apply_args, "--secrets-dir", str(keys), *sandbox])
    assert applied.exit_code == 0, applied.output
    assert f"{len(saved['changes'])} applied, 0 failed" in applied.output
    again = runner.invoke(main, ["plan", str(EXAMPLE), "--detailed-exitcode", *sandbox])
    assert again.exit_code == 0, again.output


def _saved_plan(state: Path) -> dict[str, object]:
    """A plan document with its config, as `plan --out` writes it."""
    import asyncio
    from dataclasses import replace

    from reconciler.cli.runtime import open_client
    from reconciler.config import desired_to_config_dict, load_config
    from reconciler.core.plan import make_plan
    from reconciler.read.live import fetch_live

    loaded = load_config(EXAMPLE)

    async def make() -> dict[str, object]:
        async with open_client(env={}, sandbox_state=state) as client:
            live = await fetch_live(client, loaded.desired)
        plan = make_plan(loaded.desired, live, config_digest=loaded.digest)
        return replace(plan, config=desired_to_config_dict(loaded.desired)).to_json()

    return asyncio.run(make())


def test_fresh_saved_plan_is_applied(tmp_path: Path) -> None:
    """A saved plan still matching live state is applied exactly, then nothing is left."""
    state = tmp_path / "sb.json"
    Sandbox.load(state).save(state)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(_saved_plan(state)))
    args = ["apply", "--plan", str(plan_file), "--sandbox", "--sandbox-state", str(state)]
    flags = ["--auto-approve", "--allow-archive", "--secrets-dir", str(tmp_path / "k")]
    result = CliRunner().invoke(main, [*args, *flags])
    assert result.exit_code == 0, result.output
    code, out = _apply(state, *flags)
    assert code == 0, out
    assert "No changes" in out


def test_no_secret_escapes_anywhere(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Neither the admin key nor a created key appears in output, logs or files outside the sink."""
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    box = Sandbox.load(state)
    box.state.admin_keys[0]["value"] = "sk-admin-TEST-not-a-real-key-RECOGNISABLE"
    box.save(state)
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(
            main,
            ["--debug", "apply", str(EXAMPLE), "--sandbox", "--sandbox-state", str(state),
             "--auto-approve", "--allow-archive", "--secrets-dir", str(keys)],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    created = [p.read_text().strip() for p in keys.glob("*.key")]
    assert created
    assert all(re.fullmatch(r"sk-svcacct-\S+", key) for key in created)
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and keys not in p.parents]
    texts = [result.output, caplog.text, *(p.read_text() for p in outside)]
    for secret in created:
        assert all(secret not in text for text in texts)
    assert "GET /organization/users" in caplog.text  # the debug log was captured
    assert "sk-admin-TEST-not-a-real-key-RECOGNISABLE" not in result.output + caplog.text


def test_github_actions_masks_key_first(tmp_path: Path) -> None:
    """Under GITHUB_ACTIONS the key reaches stdout only as ::add-mask::, before other output."""
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    code, out = _apply(
        state, "--auto-approve", "--allow-archive", "--secrets-dir", str(keys), env=env
    )
    assert code == 0, out
    key = next(keys.glob("*.key")).read_text().strip()
    lines = [line for line in out.splitlines() if key in line]
    assert lines == [f"::add-mask::{key}"]


def test_config_problems_are_printed_one_per_line(tmp_path: Path) -> None:
    """A broken config makes apply print each problem on its own line and exit 1, before reads."""
    config = tmp_path / "org.yaml"
    config.write_text("version: 1\nusers:\n  - {email: a@example.com, role: boss}\nbogus: 1\n")
    result = CliRunner().invoke(
        main, ["apply", str(config), "--sandbox", "--sandbox-state", str(tmp_path / "sb.json")]
    )
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith(str(config))]
    assert len(problems) >= 2
    assert "Traceback" not in result.output
    assert not (tmp_path / "sb.json").exists()


def test_apply_has_every_safety_flag() -> None:
    """apply offers the same five safety overrides as plan, so every refusal's advice works."""
    result = CliRunner().invoke(main, ["apply", "--help"])
    for flag in ("--force", "--allow-archive", "--allow-fewer-owners",
                 "--allow-key-owner-change", "--allow-protected-removal"):  # fmt: skip
        assert flag in result.output


def test_a_bug_in_a_handler_still_reports_what_was_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler that raises a non-reconciler exception stops the run: the report of what was
    applied is printed, the rest is not started, then one scrubbed `error:` line and exit 1."""
    from reconciler.core.change import Change, Kind
    from reconciler.kinds import registry
    from reconciler.write.context import ApplyContext

    leaked = "sk-svcacct-TEST-not-a-real-key-in-a-bug"

    async def buggy(change: Change, ctx: ApplyContext) -> str | None:
        raise KeyError(leaked)

    monkeypatch.setitem(registry.HANDLERS, Kind.RATE_LIMIT, buggy)
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    args = ["apply", str(EXAMPLE), "--sandbox", "--sandbox-state", str(state), "--auto-approve",
            "--allow-archive", "--secrets-dir", str(keys), "--concurrency", "1"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    summary = re.search(r"Apply: (\d+) applied, (\d+) failed, \d+ skipped, (\d+) not started "
                        r"\(stopped by an internal error\)\.", result.stdout)  # fmt: skip
    assert summary is not None, result.stdout
    applied, failed, not_started = (int(n) for n in summary.groups())
    assert applied > 0
    assert failed == 1
    assert not_started >= 1
    assert re.search(r"failed  update rate_limit \S+: internal error \(KeyError", result.stdout)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: apply stopped by a bug in update rate_limit ")
    assert "Traceback" not in result.output
    assert leaked not in result.output
    assert _writes(state) > 0


def test_archiving_the_default_project_fails_cleanly_and_the_rest_applies(tmp_path: Path) -> None:
    """The API refuses to archive the default project: apply reports that change as failed
    with the API's own message, applies every other change, and exits 1."""
    config = tmp_path / "org.yaml"
    shutil.copytree(EXAMPLE.parent, tmp_path, dirs_exist_ok=True)
    config.write_text(
        EXAMPLE.read_text() + "\n  - name: Default project\n    archived: true\n", encoding="utf-8"
    )
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    sandbox = ["--sandbox", "--sandbox-state", str(state)]
    args = ["apply", str(config), "--auto-approve", "--allow-archive", "--secrets-dir", str(keys)]
    result = CliRunner().invoke(main, [*args, *sandbox])
    assert result.exit_code == 1, result.output
    assert "19 applied, 1 failed, 0 skipped" in result.output
    assert (
        "failed  archive project Default project: HTTP 400: The default project cannot be "
        "archived." in result.output
    )
    again = CliRunner().invoke(main, ["plan", str(EXAMPLE), "--detailed-exitcode", *sandbox])
    assert again.exit_code == 0, again.output
