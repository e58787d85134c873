"""read/spend_to_date: the month's spend is read from the first of the UTC month, per scope."""

from __future__ import annotations

import asyncio

from reconciler.core.model import Desired, Organization, Project, SpendLimit
from reconciler.core.plan import make_plan
from reconciler.read.spend_to_date import month_start, month_to_date
from tests.support.apply import client_for, fast_box, live_on


def test_the_month_starts_at_midnight_utc_on_the_first() -> None:
    """2026-11-29 21:00 UTC is in the month that began 2026-11-01 00:00 UTC."""
    assert month_start(1_795_986_000) == 1_793_491_200


def test_only_scopes_whose_limit_is_lowered_are_read() -> None:
    """Raising a limit reads nothing; lowering the organization's reads the sum of its projects,
    lowering a project's reads that project's spend (in cents)."""
    box = fast_box()
    now = box.clock.time()

    def spent(org: int | None, prod: int | None) -> object:
        projects = {"search-prod": Project("search-prod", spend_limit=SpendLimit(prod))}
        desired = Desired(Organization(projects=projects, spend_limit=SpendLimit(org)))
        live = asyncio.run(live_on(box, desired))
        plan = make_plan(desired, live, config_digest="")

        async def read() -> object:
            async with client_for(box) as client:
                return await month_to_date(client, plan, live, now=now)

        return asyncio.run(read())

    assert spent(6_000_000, 300_000) == {}
    both = spent(100, 100)
    assert isinstance(both, dict)
    assert set(both) == {"", "search-prod"}
    assert both[""] >= both["search-prod"] > 0
