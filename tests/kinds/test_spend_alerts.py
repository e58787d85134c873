"""kinds/spend_alerts: alerts created, updated and deleted against the sandbox, in cents."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reconciler.core.model import Desired, Organization, Project, SpendAlert
from reconciler.write.secret_dir import DirSink
from tests.support.apply import apply_on, fast_box, plan_on


def test_alerts_converge_and_the_next_plan_is_empty(tmp_path: Path) -> None:
    """Apply updates the demo's organization alert, adds one, removes the project's, in cents;
    the next plan is empty."""
    box = fast_box()
    org = {
        3_000_000: SpendAlert(3_000_000, ("cfo@example.com",), "[OpenAI]"),
        199_950: SpendAlert(199_950, ("ops@example.com",)),
    }
    projects = {"search-prod": Project("search-prod", spend_alerts={})}
    desired = Desired(Organization(projects=projects, spend_alerts=org))
    run = asyncio.run(apply_on(box, desired, DirSink(tmp_path / "keys")))
    assert run.report.ok
    assert len(run.plan.changes) == 3
    alerts = box.state.spend_alerts
    assert sorted(a["threshold_amount"] for a in alerts[""].values()) == [199_950, 3_000_000]
    assert sum(len(scoped) for scope, scoped in alerts.items() if scope) == 0
    assert asyncio.run(plan_on(box, desired)).changes == ()
