"""The apply-convergence property, for one (live seed, desired config) pair: the real pipeline
— config dict → `config_from_dict` → `fetch_live` → `make_plan` → safety (every override on) →
`apply_plan` → fetch again → `make_plan` — against an in-process sandbox seeded with `seed`.

tests/write/test_convergence_property.py draws the pairs; test_convergence_regressions.py
replays the minimal examples it found.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from reconciler.clock import ScaledClock
from reconciler.config import config_from_dict
from reconciler.config.pem import parse_pem
from reconciler.core.change import Action, Kind, Severity
from reconciler.core.model import Desired
from reconciler.core.plan import Plan, make_plan
from reconciler.core.safety import Overrides, check
from reconciler.read.live import fetch_live
from reconciler.read.spend_to_date import month_to_date
from reconciler.sandbox import Sandbox
from reconciler.write.apply import ApplyReport, apply_plan
from reconciler.write.secrets import DirSink
from tests.support import self_signed_pem
from tests.support.apply import WRITES, client_for

ADMIN = "admin@example.com"
# Per-model organization maxima (a subset of the demo's): every project starts at these.
ORG_LIMITS: dict[str, dict[str, int]] = {
    "gpt-4o": {"max_requests_per_1_minute": 10000, "max_tokens_per_1_minute": 2000000},
    "gpt-4o-mini": {"max_requests_per_1_minute": 30000, "batch_1_day_max_input_tokens": 10**9},
    "dall-e-3": {"max_requests_per_1_minute": 10000, "max_images_per_1_minute": 50},
}
NOW = datetime(2026, 1, 1, tzinfo=UTC)
ALL_OVERRIDES = Overrides(
    force=True,
    allow_archive=True,
    allow_fewer_owners=True,
    allow_key_owner_change=True,
    allow_protected_removal=True,
    allow_spend_stop=True,
)


def _pem(index: int, *, days_left: int) -> str:
    """A self-signed certificate issued `index` days apart from the others (so no two share a
    validity window to the second), expiring `days_left` days after NOW."""
    return self_signed_pem(
        f"prop-{index}.example.com",
        not_before=NOW - timedelta(days=30 + index),
        not_after=NOW + timedelta(days=days_left),
    )


# Two re-issues keeping the expiry (as a re-key often does), and one with its own expiry.
PEMS = [_pem(0, days_left=3650), _pem(1, days_left=3650), _pem(2, days_left=400)]


class Outcome(NamedTuple):
    """What one property run observed: the plan, its apply, the re-plan, and how many write
    requests a second apply made."""

    plan: Plan
    report: ApplyReport
    replan: Plan
    second_writes: int


def _writes(box: Sandbox) -> int:
    return sum(1 for method, _, _ in box.requests.entries if method in WRITES)


# The one plan error a generated config may meet: it declares active a project that is live
# only archived (the CLI then refuses to apply, so there is nothing more to check).
UNARCHIVE = "cannot un-archive"


async def _converge(box: Sandbox, desired: Desired, sink: DirSink) -> Outcome | None:
    async with client_for(box) as client:
        live = await fetch_live(client, desired)
        plan = make_plan(desired, live, config_digest="")
        spent = await month_to_date(client, plan, live, now=client.clock.time())
        live = replace(live, spend_to_date=spent)
        if plan.has_errors:
            errors = [f for f in plan.findings if f.severity is Severity.ERROR]
            assert all(UNARCHIVE in f.message for f in errors), errors
            return None
        assert check(plan, desired=desired, live=live, overrides=ALL_OVERRIDES) == []
        report = await apply_plan(plan, client=client, live=live, sink=sink)
        live = await fetch_live(client, desired)
        replan = make_plan(desired, live, config_digest="")
        before = _writes(box)
        await apply_plan(replan, client=client, live=live, sink=sink)
        return Outcome(plan, report, replan, _writes(box) - before)


def _assert_no_duplicates(box: Sandbox) -> None:
    state = box.state
    names = Counter(p["name"] for p in state.projects.values() if p["archived_at"] is None)
    assert all(n == 1 for n in names.values()), names
    for accounts in state.service_accounts.values():
        per_name = Counter(a["name"] for a in accounts.values())
        assert all(n == 1 for n in per_name.values()), per_name
    pending = Counter(
        i["email"].lower() for i in state.invites.values() if i["status"] == "pending"
    )
    assert all(n == 1 for n in pending.values()), pending
    prints = Counter(parse_pem(c["content"]).fingerprint for c in state.certificates.values())
    assert all(n == 1 for n in prints.values()), prints
    groups = Counter(g["name"] for g in state.groups.values())
    assert all(n == 1 for n in groups.values()), groups


def _keyed_creates(plan: Plan) -> set[tuple[str, str]]:
    return {
        (c.key[0], c.key[1])
        for c in plan.changes
        if c.kind is Kind.SERVICE_ACCOUNT
        and c.action in (Action.CREATE, Action.REPLACE)
        and (c.after or {}).get("api_key", True)
        and (c.after or {}).get("role") != "none"
    } | {(c.key[0], c.key[1]) for c in plan.changes if c.kind is Kind.SERVICE_ACCOUNT_KEY}


def _delivered(directory: Path) -> set[tuple[str, str]]:
    found = set()
    for meta in directory.glob("*.json"):
        data = json.loads(meta.read_text())
        found.add((data["project"], data["service_account"]))
    assert len(list(directory.glob("*.key"))) == len(found)
    return found


def run_property(seed: dict[str, Any], config: dict[str, Any]) -> Sandbox:
    """Check the five convergence properties for one (live seed, desired config) pair; return
    the sandbox, for a test to look further."""
    box = Sandbox.from_seed(seed, clock=ScaledClock(speed=100_000, epoch=NOW.timestamp()))
    with tempfile.TemporaryDirectory() as tmp:
        desired = config_from_dict(config, base_dir=Path(tmp), now=NOW).desired
        sink = DirSink(Path(tmp) / "keys")
        sink.preflight()
        outcome = asyncio.run(_converge(box, desired, sink))
        if outcome is None:
            return box
        failed = [
            (r.change, r.message) for r in outcome.report.results if r.outcome.value != "applied"
        ]
        assert not failed, failed
        assert outcome.replan.changes == (), outcome.replan.changes
        assert outcome.second_writes == 0
        _assert_no_duplicates(box)
        assert _delivered(sink.directory) == _keyed_creates(outcome.plan)
    return box
