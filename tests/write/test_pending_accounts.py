"""Keyed service accounts are created under a pending name, so a crash cannot lose a key."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.core.change import Action, Kind, Severity
from reconciler.core.kinds.service_accounts import INTERRUPTED
from reconciler.core.model import Desired, PruneSettings, Settings
from reconciler.core.pending import pending_name, pending_of
from reconciler.write.secrets import DirSink, KeyMetadata, Secret
from tests.support.apply import EXAMPLE, accounts_named, apply_on, fast_box, plan_on

PENDING = pending_name("ci-deployer")


class Killed(BaseException):
    """Stands for the process dying: nothing in reconciler catches it, so no cleanup runs.

    (Not KeyboardInterrupt: asyncio re-raises that out of the middle of the event loop, which
    leaves the interpreter in a state that breaks later, unrelated tests.)
    """


class KilledSink(DirSink):
    """A sink whose process dies before the first key is written."""

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Die instead of delivering."""
        raise Killed


def _desired(*, prune: bool = True) -> Desired:
    desired = load_config(EXAMPLE).desired
    settings = Settings(prune=PruneSettings(service_accounts=prune), safety=desired.settings.safety)
    return Desired(org=desired.org, settings=settings)


def test_pending_marker_round_trips() -> None:
    """pending_of recognises a pending name (and its `#id` duplicate key) and nothing else."""
    assert pending_of(pending_name("bot")) == "bot"
    assert pending_of(pending_name("bot") + "#svc_1") == "bot"
    assert pending_of("bot") is None
    assert pending_of(".reconciler-pending") is None


def test_killed_between_create_and_rename_then_rerun_converges(tmp_path: Path) -> None:
    """Killed before the key reached the sink: the rerun deletes the pending account, creates
    the real one with a fresh key delivered once, and the next plan is empty."""
    box, keys = fast_box(), tmp_path / "keys"
    killed = KilledSink(keys)
    killed.preflight()
    with pytest.raises(Killed):
        asyncio.run(apply_on(box, _desired(), killed))
    assert len(accounts_named(box, PENDING)) == 1
    assert not accounts_named(box, "ci-deployer")
    _, plan, report = asyncio.run(apply_on(box, _desired(), DirSink(keys)))
    deletes = [c for c in plan.changes if c.action is Action.DELETE and c.key[1] == PENDING]
    assert [c.reason for c in deletes] == [INTERRUPTED]
    assert report.ok, report.results
    assert not accounts_named(box, PENDING)
    assert len(accounts_named(box, "ci-deployer")) == 1
    assert [p.name for p in keys.glob("*.key")] == ["search-prod__ci-deployer.key"]
    assert asyncio.run(plan_on(box, _desired())).is_empty


def test_rename_after_delivery_is_audited(tmp_path: Path) -> None:
    """The account is renamed from its pending name once its key is delivered (audited)."""
    box = fast_box()
    sink = DirSink(tmp_path / "keys")
    sink.preflight()
    report = asyncio.run(apply_on(box, _desired(), sink)).report
    assert report.ok
    (account,) = accounts_named(box, "ci-deployer")
    renames = [
        entry
        for entry in box.state.audit_logs
        if entry["type"] == "service_account.updated"
        and entry["service_account.updated"]["id"] == account["id"]
    ]
    changes = [entry["service_account.updated"]["changes_requested"] for entry in renames]
    assert changes == [{"name": "ci-deployer"}]


def test_leftover_with_prune_off_is_a_warning_not_a_delete(tmp_path: Path) -> None:
    """With prune.service_accounts off, a pending leftover is reported with a warning to delete
    it, and the real account is still created."""
    box = fast_box()
    killed = KilledSink(tmp_path / "keys")
    killed.preflight()
    with pytest.raises(Killed):
        asyncio.run(apply_on(box, _desired(), killed))
    plan = asyncio.run(plan_on(box, _desired(prune=False)))
    assert not [c for c in plan.changes if c.key[-1] == PENDING]
    assert any(c.kind is Kind.SERVICE_ACCOUNT and c.key[1] == "ci-deployer" for c in plan.changes)
    warnings = [f for f in plan.findings if f.key[-1] == PENDING]
    assert [f.severity for f in warnings] == [Severity.WARNING]
    assert "interrupted apply" in warnings[0].message
    assert [u.reason for u in plan.unmanaged if u.key[-1] == PENDING] == [INTERRUPTED]
