"""A plan over an organization that already holds twins (say, from an apply killed while settling
them) is no dead end: it says what to do, and the config can resolve it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.config import load_config
from reconciler.core.change import Action, Kind, Severity
from reconciler.core.model import Desired, PruneSettings, Settings
from reconciler.sandbox import Sandbox
from tests.support import copy_examples
from tests.support.apply import EXAMPLE, fast_box, plan_on


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_twin_projects_plan_says_how_to_keep_one_and_that_config_resolves_them(
    tmp_path: Path,
) -> None:
    """With two active support-bot projects the plan stops, naming the older to pin and the
    newer to archive under a name of its own; that config applies (exit 0), after which the
    unchanged example plans empty."""
    state, config = tmp_path / "sb.json", copy_examples(tmp_path)
    box = Sandbox.load(state)
    newer = box.state.add_project("support-bot", created_at=200)["id"]
    older = box.state.add_project("support-bot", created_at=100)["id"]
    box.save(state)
    sandbox = ["--sandbox", "--sandbox-state", str(state)]

    code, out = _cli("plan", str(config), *sandbox)
    assert code == 1
    assert f"`id: {older}` on this project" in out
    assert f"`- {{name: support-bot-duplicate, id: {newer}, archived: true}}`" in out

    resolved = tmp_path / "examples" / "resolved.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  - name: support-bot\n", f"  - name: support-bot\n    id: {older}\n")
    text += f"\n  - {{name: support-bot-duplicate, id: {newer}, archived: true}}\n"
    resolved.write_text(text, encoding="utf-8")
    keys = str(tmp_path / "keys")
    code, out = _cli("apply", str(resolved), *sandbox, "--auto-approve", "--allow-archive",
                     "--secrets-dir", keys)  # fmt: skip
    assert code == 0, out
    active = [p["id"] for p in Sandbox.load(state).state.projects.values()
              if p["name"] == "support-bot" and not p["archived_at"]]  # fmt: skip
    assert active == [older]
    code, out = _cli("plan", str(config), *sandbox, "--detailed-exitcode")
    assert code == 0, out


def _with_twin_account(box: Sandbox) -> str:
    """A second ci-deployer in search-prod, listed before the first but newer; its id."""
    pid = next(p["id"] for p in box.state.projects.values() if p["name"] == "search-prod")
    accounts = box.state.service_accounts[pid]
    newer, older = "svc_acct_a_newer", "svc_acct_b_older"
    box.state.service_accounts[pid] = {
        newer: {"id": newer, "name": "ci-deployer", "role": "member", "created_at": 2},
        older: {"id": older, "name": "ci-deployer", "role": "member", "created_at": 1},
        **accounts,
    }
    return newer


def _desired(*, prune: bool) -> Desired:
    desired = load_config(EXAMPLE).desired
    settings = Settings(prune=PruneSettings(service_accounts=prune), safety=desired.settings.safety)
    return Desired(org=desired.org, settings=settings)


def test_twin_service_accounts_the_newer_is_deleted_as_a_twin_and_the_older_kept() -> None:
    """Of two ci-deployer accounts the older keeps the name (whatever the list order) and,
    with prune.service_accounts on, the plan deletes the newer, saying it is a second one."""
    box = fast_box()
    newer = _with_twin_account(box)
    plan = asyncio.run(plan_on(box, _desired(prune=True)))
    deletes = [
        c for c in plan.changes if c.kind is Kind.SERVICE_ACCOUNT and c.key[0] == "search-prod"
    ]
    assert [(c.action, c.key[1]) for c in deletes] == [(Action.DELETE, f"ci-deployer#{newer}")]
    assert "a second account named ci-deployer" in deletes[0].reason


def test_twin_service_accounts_with_prune_off_warn_what_to_do() -> None:
    """With prune.service_accounts off the newer twin is left alone, with a warning that names
    it and says to delete it or turn pruning on."""
    box = fast_box()
    newer = _with_twin_account(box)
    plan = asyncio.run(plan_on(box, _desired(prune=False)))
    warnings = [f.message for f in plan.findings if f.severity is Severity.WARNING]
    assert any(
        "search-prod/ci-deployer exists twice" in w and newer in w and "prune.service_accounts" in w
        for w in warnings
    ), warnings
