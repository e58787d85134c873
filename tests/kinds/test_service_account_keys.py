"""Rotating a key through apply on the sandbox: over simulated months the key rotates on
schedule, the sink gets each new key exactly once, the older keys are listed for retirement
after the overlap and never deleted, and a crash between create and delivery leaves the
working key in place and is finished by the next apply."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.core.change import Kind, Severity
from reconciler.core.model import Desired
from reconciler.errors import SecretSinkError
from reconciler.sandbox import Sandbox
from reconciler.sandbox.faults import FaultConfig
from reconciler.write.secrets import DirSink, KeyMetadata, Secret
from tests.support.apply import apply_on, plan_on
from tests.support.drift_org import StepClock
from tests.support.rotation import DAY, ROTATING

ACCOUNT = ("search-prod", "ci-deployer")


class Killed(BaseException):
    """Stands for the process dying (nothing in reconciler catches a BaseException)."""


class KilledSink(DirSink):
    """A sink whose process dies before it writes the key."""

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Die instead of delivering."""
        raise Killed


class RefusingSink(DirSink):
    """A sink that cannot write (a full disk, say)."""

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Refuse, as a sink does when it cannot keep the key."""
        raise SecretSinkError(f"cannot write {self.directory}: disk full")


def _desired(tmp_path: Path) -> Desired:
    config = tmp_path / "org.yaml"
    config.write_text(ROTATING, encoding="utf-8")
    return load_config(config).desired


def _keys(box: Sandbox) -> list[dict[str, object]]:
    """The account's keys in the sandbox, oldest first."""
    (pid,) = [p["id"] for p in box.state.projects.values() if p["name"] == "search-prod"]
    (sid,) = [
        i for i, a in box.state.service_accounts[pid].items() if a["name"].startswith("ci-deployer")
    ]
    return sorted(
        (k for k in box.state.api_keys[pid].values() if k["owner_id"] == sid),
        key=lambda k: (k["created_at"], k["id"]),
    )


def _names(box: Sandbox) -> list[str]:
    return [str(a["name"]) for accounts in box.state.service_accounts.values()
            for a in accounts.values() if str(a["name"]).startswith("ci-deployer")]  # fmt: skip


@pytest.fixture
def box() -> Sandbox:
    """The demo sandbox on a clock that moves only when the test says so."""
    return Sandbox.demo(clock=StepClock())


def test_keys_rotate_on_schedule_over_a_year(tmp_path: Path, box: Sandbox) -> None:
    """Weekly applies over a year with rotate_every_days 90: a new key at days 91, 182, 273 and
    364 (apply sees the key 91 days old), each delivered once to the sink and nowhere else;
    no key is ever deleted; after each overlap the plan lists the older keys to retire."""
    desired, sink = _desired(tmp_path), DirSink(tmp_path / "keys")
    sink.preflight()
    assert asyncio.run(apply_on(box, desired, sink)).report.ok
    rotated_on = []
    for week in range(1, 53):
        box.clock.advance(7 * DAY)  # type: ignore[attr-defined]
        run = asyncio.run(apply_on(box, desired, sink))
        assert run.report.ok, run.report.results
        if any(c.kind is Kind.SERVICE_ACCOUNT_KEY for c in run.plan.changes):
            rotated_on.append(week * 7)
    assert rotated_on == [91, 182, 273, 364]
    keys = _keys(box)
    assert len(keys) == 5
    delivered = sorted(tmp_path.joinpath("keys").glob("*.key"))
    assert len(delivered) == 5
    assert len({p.read_text() for p in delivered}) == 5
    tails = sorted(p.read_text().strip()[-4:] for p in delivered)
    assert sorted(str(k["redacted_value"])[-4:] for k in keys) == tails
    assert _names(box) == ["ci-deployer"]
    box.clock.advance(7 * DAY)  # type: ignore[attr-defined]
    plan = asyncio.run(plan_on(box, desired))
    (retire,) = [f for f in plan.findings if f.kind is Kind.SERVICE_ACCOUNT_KEY]
    assert retire.severity is Severity.WARNING
    assert all(str(k["id"]) in retire.message for k in keys[:-1])
    assert str(keys[-1]["id"]) not in retire.message.split(";")[0]
    assert plan.is_empty


def test_a_crash_between_create_and_delivery_leaves_the_working_key(
    tmp_path: Path, box: Sandbox
) -> None:
    """Killed after the new key exists but before the sink has it: the account keeps its
    marker and its working key; months later the plan still never lists that working key for
    retirement, rotates again, and lists the lost key as never delivered; the rerun delivers
    one key, removes the marker, and the next plan is empty."""
    desired, keys_dir = _desired(tmp_path), tmp_path / "keys"
    sink = DirSink(keys_dir)
    sink.preflight()
    asyncio.run(apply_on(box, desired, sink))
    (working,) = _keys(box)
    box.clock.advance(91 * DAY)  # type: ignore[attr-defined]
    with pytest.raises(Killed):
        asyncio.run(apply_on(box, desired, KilledSink(keys_dir)))
    (marked,) = _names(box)
    assert marked.startswith("ci-deployer.reconciler-rotating-")
    assert _keys(box)[0]["id"] == working["id"]
    lost = _keys(box)[1]
    box.clock.advance(30 * DAY)  # type: ignore[attr-defined]
    plan = asyncio.run(plan_on(box, desired))
    (rotate,) = [c for c in plan.changes if c.kind is Kind.SERVICE_ACCOUNT_KEY]
    assert "interrupted" in rotate.reason
    (finding,) = [f for f in plan.findings if f.kind is Kind.SERVICE_ACCOUNT_KEY]
    assert f"{lost['id']} (" in finding.message
    assert "never delivered" in finding.message
    assert str(working["id"]) not in finding.message
    run = asyncio.run(apply_on(box, desired, sink))
    assert run.report.ok, run.report.results
    assert _names(box) == ["ci-deployer"]
    assert len(list(keys_dir.glob("*.key"))) == 2
    assert asyncio.run(plan_on(box, desired)).is_empty


def test_a_sink_that_refuses_leaves_the_marker_for_the_next_apply(
    tmp_path: Path, box: Sandbox
) -> None:
    """A sink failure fails the rotation (the key is not delivered): the account keeps its
    marker, so the next plan rotates again rather than trusting the undelivered key."""
    desired, keys_dir = _desired(tmp_path), tmp_path / "keys"
    sink = DirSink(keys_dir)
    sink.preflight()
    asyncio.run(apply_on(box, desired, sink))
    box.clock.advance(91 * DAY)  # type: ignore[attr-defined]
    run = asyncio.run(apply_on(box, desired, RefusingSink(keys_dir)))
    assert not run.report.ok
    assert "disk full" in run.report.results[0].message
    assert _names(box)[0].startswith("ci-deployer.reconciler-rotating-")
    plan = asyncio.run(plan_on(box, desired))
    assert [c.key for c in plan.changes if c.kind is Kind.SERVICE_ACCOUNT_KEY] == [ACCOUNT]


def test_a_lost_create_response_is_read_back_not_sent_again(tmp_path: Path, box: Sandbox) -> None:
    """The key is made but its response (and so its value) is lost: apply reads back, finds
    the key, does not create a second one, and fails the rotation with the account still
    marked; the next apply rotates again and lists the lost key as never delivered."""
    desired, keys_dir = _desired(tmp_path), tmp_path / "keys"
    sink = DirSink(keys_dir)
    sink.preflight()
    asyncio.run(apply_on(box, desired, sink))
    box.clock.advance(91 * DAY)  # type: ignore[attr-defined]
    template = "/organization/projects/{project_id}/service_accounts/{service_account_id}/api_keys"
    box.faults = FaultConfig(drop_after_commit=1.0, methods=frozenset({"POST"}),
                             paths=frozenset({template}))  # fmt: skip
    run = asyncio.run(apply_on(box, desired, sink))
    box.faults = FaultConfig()
    (result,) = run.report.results
    assert "its value was lost in transit" in result.message
    assert len(_keys(box)) == 2
    assert _names(box)[0].startswith("ci-deployer.reconciler-rotating-")
    lost = _keys(box)[1]
    plan = asyncio.run(plan_on(box, desired))
    (finding,) = [f for f in plan.findings if f.kind is Kind.SERVICE_ACCOUNT_KEY]
    assert f"{lost['id']} (" in finding.message
    assert "never delivered" in finding.message
    assert asyncio.run(apply_on(box, desired, sink)).report.ok
    assert len(_keys(box)) == 3
    assert len(list(keys_dir.glob("*.key"))) == 2
    assert _names(box) == ["ci-deployer"]


def test_a_rotation_costs_one_key_list_and_three_writes(tmp_path: Path, box: Sandbox) -> None:
    """Reading keys for a rotation is one list of the project's keys; a rotation's writes are
    the marker rename, the key create and the rename back, nothing else (no read-back)."""
    desired, sink = _desired(tmp_path), DirSink(tmp_path / "keys")
    sink.preflight()
    asyncio.run(apply_on(box, desired, sink))
    box.clock.advance(91 * DAY)  # type: ignore[attr-defined]
    start = len(box.requests.entries)
    asyncio.run(apply_on(box, desired, sink))
    made = [(method, path.rsplit("/", 1)[-1]) for method, path, _ in box.requests.entries[start:]]
    reads = [path for method, path in made if method == "GET"]
    writes = [path for method, path in made if method != "GET"]
    assert reads.count("api_keys") == 1
    assert len(reads) == 3  # projects, service accounts, API keys
    assert writes[1] == "api_keys"
    assert len(writes) == 3
    assert writes[0] == writes[2] != "api_keys"
