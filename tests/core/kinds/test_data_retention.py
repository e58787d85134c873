"""The data-retention diff step: an update naming both modes, only where a mode is declared."""

from __future__ import annotations

from reconciler.core.change import Action, Kind
from reconciler.core.kinds.data_retention import DATA_RETENTION
from reconciler.core.model import Desired, Live, Organization, Project
from reconciler.core.plan import Plan, make_plan


def _plan(
    org: tuple[str | None, str | None] = (None, None),
    web: tuple[str | None, str | None] = (None, None),
    *,
    created: bool = False,
) -> Plan:
    def parts(mode: str | None) -> dict[str, object]:
        return {} if mode is None else {"data_retention": mode}

    want, have = org
    desired = Desired(
        Organization(projects={"web": Project("web", parts=parts(web[0]))}, parts=parts(want))
    )
    projects = {} if created else {"web": Project("web", id="proj_1", parts=parts(web[1]))}
    live = Live(Organization(projects=projects, parts=parts(have)))
    return make_plan(desired, live, config_digest="")


def test_not_declared_is_not_managed() -> None:
    """A mode left out of the file plans nothing, whatever the live mode."""
    assert _plan(org=(None, "zero_data_retention"), web=(None, "none")).changes == ()


def test_the_same_mode_plans_nothing() -> None:
    """A declared mode equal to the live one is no change."""
    same = _plan(org=("zero_data_retention",) * 2, web=("none", "none"))
    assert same.changes == ()


def test_a_different_mode_is_one_update_with_both_names() -> None:
    """The organization and a project each get an update from the live mode to the declared."""
    plan = _plan(
        org=("zero_data_retention", "none"),
        web=("modified_abuse_monitoring", "organization_default"),
    )
    found = {c.key: c for c in plan.changes}
    assert set(found) == {("", "mode"), ("web", "mode")}
    org, project = found[("", "mode")], found[("web", "mode")]
    assert (org.kind, org.action) == (Kind.DATA_RETENTION, Action.UPDATE)
    assert (org.before, org.after) == ({"mode": "none"}, {"mode": "zero_data_retention"})
    assert [(f.field, f.before, f.after) for f in project.fields] == [
        ("mode", "organization_default", "modified_abuse_monitoring")
    ]
    assert DATA_RETENTION.label(org.key) == "data retention mode (organization)"
    assert DATA_RETENTION.label(project.key) == "data retention mode of web"


def test_a_project_created_by_the_plan_starts_at_the_organization_default() -> None:
    """A new project has `organization_default`: declaring it plans nothing, another mode an
    update from it."""
    same = _plan(web=("organization_default", None), created=True)
    assert [c.kind for c in same.changes] == [Kind.PROJECT]
    plan = _plan(web=("none", None), created=True)
    (update,) = [c for c in plan.changes if c.kind is Kind.DATA_RETENTION]
    assert update.before == {"mode": "organization_default"}
