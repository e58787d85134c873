"""read/spend_to_date: the month's spend is read from the first of the UTC month, per scope; the
spend-stop gate weighs it (a property over generated organizations)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.clock import VirtualClock
from reconciler.config import config_from_dict
from reconciler.core.change import Kind
from reconciler.core.kinds.spend_limits import lowered
from reconciler.core.model import Desired, Organization, Project, SpendLimit
from reconciler.core.plan import label, make_plan
from reconciler.core.safety import Overrides, check
from reconciler.read.live import fetch_live
from reconciler.read.spend_to_date import month_start, month_to_date
from reconciler.sandbox import Sandbox
from reconciler.sandbox.usage_facts import DAY, cost_records
from tests.support.apply import client_for, fast_box, live_on
from tests.support.examples import examples
from tests.support.policies import cents


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


# The spend-stop gate, as a property: generated organizations on a clock stopped mid-month (so
# the month's spend is fixed), limits drawn below and above what each scope has spent.

MID = 1_768_478_400  # 2026-01-15 12:00 UTC
ADMIN = "admin@example.com"
PROJECTS = ["alpha", "beta", "gamma"]


def _oracle(box: Sandbox) -> dict[str, int]:
    """Cents spent this month by each scope ("" the organization: every project, archived or
    not), summed from the sandbox's own cost records, not through the API."""
    state, start = box.state, month_start(MID)
    by_id = {
        pid: sum(
            r["amount"]
            for day in range(start, MID, DAY)
            for r in cost_records(state, [pid], start=day, width=DAY, now=MID)
        )
        * 100
        for pid in state.projects
    }
    spent = {
        name: round(by_id[pid])
        for pid, p in state.projects.items()
        if p["archived_at"] is None
        for name in [p["name"]]
    }
    return spent | {"": round(sum(by_id.values()))}


@st.composite
def _spend_seeds(draw: st.DrawFn) -> dict[str, Any]:
    """An organization of a few projects (some archived, one maybe archived under an active
    one's name) with some limits already set."""
    names = draw(st.lists(st.sampled_from(PROJECTS), unique=True, min_size=1))
    projects = [{"name": n, "archived": draw(st.integers(0, 3)) == 0} for n in names]
    if draw(st.booleans()):
        projects.append({"name": names[0], "archived": True})
    active = [p["name"] for p in projects if not p["archived"]]
    scopes = ["organization", *active]
    limits = {s: draw(cents) for s in draw(st.lists(st.sampled_from(scopes), unique=True))}
    return {
        "organization": "org-spend",
        "admin_key": {"owner": ADMIN},
        "users": [{"email": ADMIN, "role": "owner"}],
        "projects": projects,
        "spend_limits": limits,
    }


def _limits_near(spent: int) -> st.SearchStrategy[int]:
    """A limit 1% to 90% of `spent` cents (at least a cent), or 110% to 300% of it (and above
    it): never so close that rounding the spend could tip the verdict."""
    below = st.integers(1, 90).map(lambda percent: max(1, spent * percent // 100))
    above = st.integers(110, 300).map(lambda percent: spent * percent // 100 + 2)
    return below | above


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_spend_stop_gate_refuses_exactly_the_limits_below_this_months_spend(
    data: st.DataObject,
) -> None:
    """Whatever the organization and the new limits, the gate refuses (without
    --allow-spend-stop) exactly the limits a plan sets or lowers to at most what their scope
    has spent this month, the organization's being the spend of all its projects."""
    box = Sandbox.from_seed(data.draw(_spend_seeds(), label="seed"), clock=VirtualClock(epoch=MID))
    spent = _oracle(box)
    config: dict[str, Any] = {"version": 1, "projects": []}
    for scope in data.draw(st.lists(st.sampled_from(sorted(spent)), unique=True), label="scopes"):
        limit = {"usd_per_month": data.draw(_limits_near(spent[scope])) / 100}
        if scope:
            config["projects"].append({"name": scope, "spend_limit": limit})
        else:
            config["organization"] = {"spend_limit": limit}
    desired = config_from_dict(config, base_dir=Path("."), source="org.yaml").desired

    async def gate() -> tuple[set[str], set[str]]:
        async with client_for(box) as client:
            live = await fetch_live(client, desired)
            plan = make_plan(desired, live, config_digest="")
            read = await month_to_date(client, plan, live, now=MID)
            live = replace(live, spend_to_date=read)
            refused = check(plan, desired=desired, live=live, overrides=Overrides())
            allowed = check(
                plan, desired=desired, live=live, overrides=Overrides(allow_spend_stop=True)
            )
            assert allowed == []
            stops = {o for r in refused if r.rule == "spend_stop" for o in r.objects}
            must = {
                label(Kind.SPEND_LIMIT, (scope, "limit"))
                for scope, cents in lowered(plan.changes)
                if cents <= spent[scope]
            }
            return stops, must

    stops, must = asyncio.run(gate())
    assert stops == must
