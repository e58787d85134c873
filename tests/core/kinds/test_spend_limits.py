"""core/kinds/spend_limits: the diff of spend limits, dollars in the plan, the spend-stop test."""

from __future__ import annotations

from reconciler.core.change import Action, Kind
from reconciler.core.kinds.spend_limits import lowered, spend_stops, usd
from reconciler.core.model import Desired, Live, Organization, Project, SpendLimit
from reconciler.core.plan import Plan, make_plan


def _plan(want: SpendLimit | None, have: SpendLimit | None, *, project: bool = False) -> Plan:
    if project:
        desired = Desired(Organization(projects={"p": Project("p", spend_limit=want)}))
        live_project = Project("p", id="proj_1", spend_limit=have)
        live = Live(Organization(projects={"p": live_project}))
    else:
        desired = Desired(Organization(spend_limit=want))
        live = Live(Organization(spend_limit=have))
    return make_plan(desired, live, config_digest="")


def test_dollars_are_written_with_cents_only_when_there_are_some() -> None:
    """2000 dollars read `$2,000`; 1999.50 dollars read `$1,999.50`."""
    assert usd(200_000) == "$2,000"
    assert usd(199_950) == "$1,999.50"
    assert usd(1) == "$0.01"


def test_an_undeclared_limit_is_not_managed() -> None:
    """A limit the file leaves out is left alone, whatever the live one is."""
    assert _plan(None, SpendLimit(5_000_000)).changes == ()
    assert _plan(None, SpendLimit(100), project=True).changes == ()


def test_none_removes_a_limit_and_says_so() -> None:
    """`spend_limit: none` deletes a live limit, and the plan says spending is no longer capped."""
    (change,) = _plan(SpendLimit(None), SpendLimit(5_000_000)).changes
    assert (change.kind, change.action, change.key) == (
        Kind.SPEND_LIMIT,
        Action.DELETE,
        ("", "limit"),
    )
    assert change.reason is not None
    assert "no longer capped" in change.reason
    assert _plan(SpendLimit(None), SpendLimit(None)).changes == ()


def test_a_new_limit_is_a_create_and_a_different_one_an_update_in_dollars() -> None:
    """A limit where there is none is created; a different one is updated, shown in dollars."""
    (created,) = _plan(SpendLimit(199_950), SpendLimit(None), project=True).changes
    assert (created.action, created.key) == (Action.CREATE, ("p", "limit"))
    assert created.after == {"usd_per_month": "$1,999.50", "cents": 199_950}
    (updated,) = _plan(SpendLimit(150_000), SpendLimit(200_000)).changes
    assert updated.action is Action.UPDATE
    assert [(f.field, f.before, f.after) for f in updated.fields] == [
        ("usd_per_month", "$2,000", "$1,500")
    ]
    assert _plan(SpendLimit(200_000), SpendLimit(200_000)).changes == ()


def test_a_project_created_by_the_plan_gets_its_limit_created() -> None:
    """A declared project that does not exist yet has no limit: its limit is a create."""
    desired = Desired(Organization(projects={"new": Project("new", spend_limit=SpendLimit(500))}))
    plan = make_plan(desired, Live(Organization()), config_digest="")
    limits = [c for c in plan.changes if c.kind is Kind.SPEND_LIMIT]
    assert [(c.action, c.key) for c in limits] == [(Action.CREATE, ("new", "limit"))]


def test_only_a_lower_or_new_limit_may_stop_traffic() -> None:
    """Raising a limit lowers nothing; a new limit or a lower one does, and stops traffic when
    this month's spend is at or above it, or unknown."""
    raised = _plan(SpendLimit(300_000), SpendLimit(200_000)).changes
    assert list(lowered(raised)) == []
    lower = _plan(SpendLimit(100_000), SpendLimit(200_000)).changes
    assert list(lowered(lower)) == [("", 100_000)]
    assert spend_stops(lower, {"": 99_999}) == []
    assert spend_stops(lower, {"": 100_000}) == [(("", "limit"), 100_000, 100_000)]
    assert spend_stops(lower, None) == [(("", "limit"), 100_000, None)]
    removed = _plan(SpendLimit(None), SpendLimit(200_000)).changes
    assert list(lowered(removed)) == []
