"""The model-permissions diff step: absent is not managed, `all` removes, lists create or
update, and a plan line names the models."""

from __future__ import annotations

from reconciler.core.change import Action, Kind
from reconciler.core.kinds.model_permissions import MODEL_PERMISSION
from reconciler.core.model import Desired, Live, ModelPolicy, Organization, Project
from reconciler.core.plan import Plan, make_plan

ALLOW = ModelPolicy(mode="allow", models=frozenset({"gpt-4o", "gpt-4o-mini"}))
DENY = ModelPolicy(mode="deny", models=frozenset({"o3"}))


def _plan(want: ModelPolicy | None, have: ModelPolicy | None, *, exists: bool = True) -> Plan:
    desired = Desired(org=Organization(projects={"web": Project(name="web", models=want)}))
    live_projects = {"web": Project(name="web", id="proj_1", models=have)} if exists else {}
    return make_plan(desired, Live(org=Organization(projects=live_projects)), config_digest="")


def test_a_project_without_models_is_not_managed() -> None:
    """Leaving `models` out plans nothing, whatever policy the project has."""
    assert _plan(None, ALLOW).changes == ()


def test_the_same_policy_in_another_order_plans_nothing() -> None:
    """Policies compare as sets of models."""
    same = ModelPolicy(mode="allow", models=frozenset({"gpt-4o-mini", "gpt-4o"}))
    assert _plan(same, ALLOW).changes == ()


def test_all_deletes_a_policy_and_says_what_it_removes() -> None:
    """`models: all` on a project with a policy is a delete whose line names the old list."""
    (change,) = _plan(ModelPolicy(), ALLOW).changes
    assert (change.kind, change.action, change.key) == (
        Kind.MODEL_PERMISSION, Action.DELETE, ("web", "permissions"),
    )  # fmt: skip
    assert change.before == {"mode": "allow", "models": ["gpt-4o", "gpt-4o-mini"]}
    assert "every model becomes usable" in change.reason
    assert MODEL_PERMISSION.label(change.key) == "model permissions of web"
    assert MODEL_PERMISSION.detail is not None
    assert MODEL_PERMISSION.detail(change) == "allow gpt-4o, gpt-4o-mini"


def test_all_on_a_project_without_policy_plans_nothing() -> None:
    """A project with no policy already allows every model."""
    assert _plan(ModelPolicy(), ModelPolicy()).changes == ()


def test_a_list_on_a_project_without_policy_is_a_create() -> None:
    """From no policy (or a project this plan creates) to a list is a create."""
    for plan in (_plan(DENY, ModelPolicy()), _plan(DENY, None, exists=False)):
        creates = [c for c in plan.changes if c.kind is Kind.MODEL_PERMISSION]
        assert [(c.action, c.after) for c in creates] == [
            (Action.CREATE, {"mode": "deny", "models": ["o3"]})
        ]


def test_another_list_is_an_update_field_by_field() -> None:
    """Allow → deny is one update showing both the mode and the models before and after."""
    (change,) = _plan(DENY, ALLOW).changes
    assert change.action is Action.UPDATE
    assert {f.field: (f.before, f.after) for f in change.fields} == {
        "mode": ("allow", "deny"),
        "models": (["gpt-4o", "gpt-4o-mini"], ["o3"]),
    }
