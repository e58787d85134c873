"""Apply under injected faults: repeated applies converge, without duplicates or stray writes."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from reconciler.api import AdminClient, Pacing
from reconciler.apply import ApplyReport, apply_plan
from reconciler.clock import ScaledClock
from reconciler.config import load_config
from reconciler.fetch import fetch_live
from reconciler.model import Desired
from reconciler.plan import Plan, make_plan
from reconciler.sandbox import Sandbox
from reconciler.sandbox.faults import FaultConfig
from reconciler.secrets import DirSink

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"
WRITES = frozenset({"POST", "DELETE"})


def _client(box: Sandbox) -> AdminClient:
    pacing = Pacing(requests_per_minute=1_000_000, seed=1)
    return AdminClient(
        api_key=box.admin_key, transport=box.transport(), pacing=pacing, clock=box.clock
    )


async def _plan(box: Sandbox, desired: Desired) -> Plan:
    async with _client(box) as client:
        return make_plan(desired, await fetch_live(client, desired), config_digest="")


async def _apply(box: Sandbox, desired: Desired, sink: DirSink) -> tuple[Plan, ApplyReport]:
    async with _client(box) as client:
        live = await fetch_live(client, desired)
        plan = make_plan(desired, live, config_digest="")
        return plan, await apply_plan(plan, client=client, live=live, sink=sink)


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


FAULT_MODES = {
    "429": {"rate_limited_bare": 0.2},
    "5xx": {"server_error": 0.2},
    "dropped-after-commit": {"drop_after_commit": 0.2},
    "timeout": {"timeout_after": 0.1, "timeout_before": 0.1},
}


@pytest.mark.parametrize("mode", sorted(FAULT_MODES))
@pytest.mark.parametrize("seed", [1, 2])
def test_repeated_apply_converges_under_write_faults(mode: str, seed: int, tmp_path: Path) -> None:
    """With 20% of writes failing in one fault mode, a few reruns reach an empty plan, once."""
    desired = load_config(EXAMPLE).desired
    box = Sandbox.demo(clock=ScaledClock(speed=100_000, epoch=1_700_000_000))
    box.faults = FaultConfig(seed=seed, methods=WRITES, **FAULT_MODES[mode])  # type: ignore[arg-type]
    sink = DirSink(tmp_path / "keys")
    sink.preflight()
    planned: set[tuple[str, ...]] = set()
    for _ in range(6):
        plan, report = asyncio.run(_apply(box, desired, sink))
        planned |= {(c.kind.value, *c.key) for c in plan.changes}
        if report.ok and plan.changes:
            continue
        if not plan.changes:
            break
    box.faults = FaultConfig()
    assert asyncio.run(_plan(box, desired)).is_empty
    _assert_no_duplicates(box)
    keys = sorted((tmp_path / "keys").glob("*.key"))
    assert [k.name for k in keys] == ["search-prod__ci-deployer.key"]
    written = [path for method, path, _ in box.requests.entries if method in WRITES]
    assert written
    assert all(path.startswith("/v1/organization/") for path in written)


def test_dropped_keyed_create_is_recreated_so_no_key_is_lost(tmp_path: Path) -> None:
    """A keyed service account whose create response is lost is deleted and created again."""
    desired = load_config(EXAMPLE).desired
    box = Sandbox.demo(clock=ScaledClock(speed=100_000, epoch=1_700_000_000))
    template = "/organization/projects/{project_id}/service_accounts"
    box.faults = FaultConfig(
        drop_after_commit=1.0, methods=frozenset({"POST"}), paths=frozenset({template})
    )
    sink = DirSink(tmp_path / "keys")
    sink.preflight()
    _, report = asyncio.run(_apply(box, desired, sink))
    failed = [r.change.key for r in report.results if r.outcome.value == "failed"]
    assert ("search-prod", "ci-deployer") in failed
    assert not any(
        a["name"] == "ci-deployer"
        for accts in box.state.service_accounts.values()
        for a in accts.values()
    )
    box.faults = FaultConfig()
    _, report = asyncio.run(_apply(box, desired, sink))
    assert report.ok
    assert (tmp_path / "keys" / "search-prod__ci-deployer.key").exists()
    assert asyncio.run(_plan(box, desired)).is_empty
