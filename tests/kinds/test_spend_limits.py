"""kinds/spend_limits: read, set and remove hard spend limits against the sandbox, in cents."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reconciler.core.model import Desired, Organization, Project, SpendLimit
from reconciler.kinds.spend_limits import read_spend_limit
from reconciler.write.secret_dir import DirSink
from tests.support.apply import apply_on, client_for, fast_box, plan_on

SEARCH = "search-prod"


def _desired(org: SpendLimit | None, project: SpendLimit | None) -> Desired:
    projects = {SEARCH: Project(SEARCH, spend_limit=project)}
    return Desired(Organization(projects=projects, spend_limit=org))


def test_limits_are_set_replaced_and_removed_in_cents(tmp_path: Path) -> None:
    """Apply sets the organization's limit in cents, replaces the project's, removes one on
    `none`, and the next plan is empty."""
    box = fast_box()
    prod = next(p["id"] for p in box.state.projects.values() if p["name"] == SEARCH)
    assert box.state.spend_limits == {"": 5_000_000, prod: 200_000}  # the demo's limits
    desired = _desired(SpendLimit(199_950), SpendLimit(None))
    run = asyncio.run(apply_on(box, desired, DirSink(tmp_path / "keys")))
    assert run.report.ok
    assert len(run.plan.changes) == 2
    assert box.state.spend_limits == {"": 199_950}
    assert asyncio.run(plan_on(box, desired)).changes == ()


def test_a_scope_without_a_limit_reads_as_none() -> None:
    """The API's 404 for a scope with no limit reads as no limit, not as an error."""
    box = fast_box()
    box.state.spend_limits.clear()

    async def read() -> SpendLimit:
        async with client_for(box) as client:
            return await read_spend_limit(client, None)

    assert asyncio.run(read()) == SpendLimit(None)
