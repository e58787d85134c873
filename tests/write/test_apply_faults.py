"""Apply under injected faults: repeated applies converge, without duplicates or stray writes."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.core.change import Change
from reconciler.core.model import Desired
from reconciler.sandbox import Sandbox
from reconciler.sandbox.faults import FaultConfig
from reconciler.write.apply import Outcome
from reconciler.write.secrets import DirSink
from tests.support.apply import (
    EXAMPLE,
    WRITES,
    Run,
    accounts_named,
    apply_on,
    fast_box,
    live_on,
    plan_on,
)
from tests.support.writes import Ids, Write, allowed_writes


def _assert_no_duplicates(box: Sandbox) -> None:
    state = box.state
    names = Counter(p["name"] for p in state.projects.values() if p["archived_at"] is None)
    assert max(names.values()) == 1
    for accounts in state.service_accounts.values():
        per_name = Counter(a["name"] for a in accounts.values())
        assert not per_name or max(per_name.values()) == 1
    pending = Counter(i["email"] for i in state.invites.values() if i["accepted_at"] is None)
    assert not pending or max(pending.values()) == 1
    certs = Counter(c["name"] for c in state.certificates.values())
    assert max(certs.values()) == 1


def _writes_since(box: Sandbox, start: int) -> set[Write]:
    entries = box.requests.entries[start:]
    return {(m, path.removeprefix("/v1")) for m, path, _ in entries if m in WRITES}


def _lost_accounts(box: Sandbox, audit_start: int) -> frozenset[str]:
    """Service accounts created during the run that no longer exist (lost key: recreated)."""
    created = {
        e["service_account.created"]["id"]
        for e in box.state.audit_logs[audit_start:]
        if e["type"] == "service_account.created"
    }
    alive = {i for accounts in box.state.service_accounts.values() for i in accounts}
    return frozenset(created - alive)


def _apply_checked(box: Sandbox, desired: Desired, sink: DirSink) -> Run:
    """One apply; asserts that its writes are exactly those its plan's attempted changes make."""
    start, audit_start = len(box.requests.entries), len(box.state.audit_logs)
    run = asyncio.run(apply_on(box, desired, sink))
    faults, box.faults = box.faults, FaultConfig()
    after = asyncio.run(live_on(box, desired))
    box.faults = faults
    ids = Ids(run.live.ids, after.ids, _lost_accounts(box, audit_start))
    observed = _writes_since(box, start)
    allowed = {i: allowed_writes(c, ids) for i, c in enumerate(run.plan.changes)}
    assert observed <= set().union(*allowed.values()), "a write no planned change calls for"
    attempted = {r.index for r in run.report.results if r.outcome in _ATTEMPTED}
    explained = {i for i, writes in allowed.items() if writes & observed}
    assert explained == attempted, [_name(run.plan.changes[i]) for i in explained ^ attempted]
    return run


_ATTEMPTED = (Outcome.APPLIED, Outcome.FAILED)


def _name(change: Change) -> str:
    return f"{change.action.value} {change.kind.value} {'/'.join(change.key)}"


FAULT_MODES = {
    "429": {"rate_limited_bare": 0.2},
    "5xx": {"server_error": 0.2},
    "dropped-after-commit": {"drop_after_commit": 0.2},
    "timeout": {"timeout_after": 0.1, "timeout_before": 0.1},
}


@pytest.mark.parametrize("mode", sorted(FAULT_MODES))
@pytest.mark.parametrize("seed", [1, 2])
def test_repeated_apply_converges_under_write_faults(mode: str, seed: int, tmp_path: Path) -> None:
    """With 20% of writes failing in one fault mode, a few reruns reach an empty plan, once,
    and every run's writes are exactly those of the changes its plan attempted."""
    desired = load_config(EXAMPLE).desired
    box = fast_box()
    box.faults = FaultConfig(seed=seed, methods=WRITES, **FAULT_MODES[mode])  # type: ignore[arg-type]
    sink = DirSink(tmp_path / "keys")
    sink.preflight()
    for _ in range(6):
        run = _apply_checked(box, desired, sink)
        if not run.plan.changes:
            break
    box.faults = FaultConfig()
    assert asyncio.run(plan_on(box, desired)).is_empty
    _assert_no_duplicates(box)
    keys = sorted((tmp_path / "keys").glob("*.key"))
    assert [k.name for k in keys] == ["search-prod__ci-deployer.key"]


def test_dropped_keyed_create_is_recreated_so_no_key_is_lost(tmp_path: Path) -> None:
    """A keyed service account whose create response is lost is deleted and created again."""
    desired = load_config(EXAMPLE).desired
    box = fast_box()
    template = "/organization/projects/{project_id}/service_accounts"
    box.faults = FaultConfig(
        drop_after_commit=1.0, methods=frozenset({"POST"}), paths=frozenset({template})
    )
    sink = DirSink(tmp_path / "keys")
    sink.preflight()
    report = _apply_checked(box, desired, sink).report
    failed = [r.change.key for r in report.results if r.outcome is Outcome.FAILED]
    assert ("search-prod", "ci-deployer") in failed
    assert not accounts_named(box, "ci-deployer")
    box.faults = FaultConfig()
    report = _apply_checked(box, desired, sink).report
    assert report.ok
    assert (tmp_path / "keys" / "search-prod__ci-deployer.key").exists()
    assert asyncio.run(plan_on(box, desired)).is_empty
