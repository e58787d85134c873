"""The groups diff step: groups created and pruned, members and roles authoritative when
declared, SCIM groups' members refused, unknown roles and invitees found, and the order that
lets a new group's members and roles follow its create."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from reconciler.core.change import Action, Change, Kind, Severity, plug_kind
from reconciler.core.kinds import registry
from reconciler.core.kinds.groups import GROUP, GROUP_ROLE, Group
from reconciler.core.kinds.registry import label
from reconciler.core.kinds.roles import Role
from reconciler.core.model import (
    Desired,
    IdIndex,
    Live,
    Organization,
    PruneSettings,
    Settings,
    User,
)
from reconciler.core.order import dependencies_of
from reconciler.core.plan import Plan, make_plan

ROLES = frozenset({"owner", "reader", "billing-viewer"})


def _users(*names: str) -> dict[str, User]:
    return {f"{n}@x.com": User(f"{n}@x.com", "reader") for n in names}


def _plan(
    want: Mapping[str, Group] | None,
    have: Mapping[str, Group] | None,
    *,
    prune: bool = False,
    live_users: dict[str, User] | None = None,
    wanted_users: dict[str, User] | None = None,
) -> Plan:
    desired = Desired(
        Organization(users=wanted_users, parts={} if want is None else {"groups": want}),
        settings=Settings(prune=PruneSettings(groups=prune)),
    )
    parts: dict[str, object] = {"organization_roles": ROLES}
    if have is not None:
        parts["groups"] = have
    live = Live(Organization(users=live_users, parts=parts))
    return make_plan(desired, live, config_digest="")


def _summary(plan: Plan) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.kind.value, c.action.value, c.key) for c in plan.changes]


def _group(members: list[str] | None = None, roles: list[str] | None = None) -> Group:
    return Group(
        members=None if members is None else frozenset(f"{m}@x.com" for m in members),
        roles=None if roles is None else frozenset(roles),
    )


def test_groups_not_declared_are_not_managed() -> None:
    """Without `groups:` in the file nothing is planned, whatever groups exist."""
    assert _plan(None, {"ops": _group(["a"], ["owner"])}).changes == ()


def test_a_new_group_is_created_before_its_members_and_roles() -> None:
    """A declared group that does not exist is created, then its members and roles are added
    (each depends on the create, so apply finds the new group's id)."""
    plan = _plan({"ml": _group(["a", "b"], ["reader"])}, {})
    assert _summary(plan) == [
        ("group", "create", ("ml",)),
        ("group_user", "create", ("ml", "a@x.com")),
        ("group_user", "create", ("ml", "b@x.com")),
        ("group_role", "create", ("ml", "reader")),
    ]
    deps = plan.dependencies()
    assert all(deps[i] == frozenset({0}) for i in (1, 2, 3))


def test_declared_members_and_roles_are_authoritative() -> None:
    """Missing members and roles are added, extra ones removed; left out, they are not managed."""
    have = {"ml": _group(["a", "b"], ["owner", "reader"]), "ops": _group(["c"], ["owner"])}
    want = {"ml": _group(["b", "c"], ["reader", "billing-viewer"]), "ops": _group()}
    assert sorted(_summary(_plan(want, have))) == [
        ("group_role", "create", ("ml", "billing-viewer")),
        ("group_role", "delete", ("ml", "owner")),
        ("group_user", "create", ("ml", "c@x.com")),
        ("group_user", "delete", ("ml", "a@x.com")),
    ]


def test_undeclared_groups_are_deleted_only_under_prune_groups() -> None:
    """A live group the file leaves out is unmanaged, or deleted (with its members and roles
    in the change) when prune.groups is on; a SCIM group is never deleted."""
    have = {"old": _group(["a"], ["owner"]), "idp": Group(frozenset(), frozenset(), scim=True)}
    kept = _plan({}, have)
    assert kept.changes == ()
    assert {(u.key, u.reason) for u in kept.unmanaged} == {
        (("old",), "not in the config; prune.groups is off"),
        (("idp",), "not in the config; managed by SCIM (the identity provider owns it)"),
    }
    pruned = _plan({}, have, prune=True)
    (change,) = pruned.changes
    assert (change.kind, change.action, change.key) == (Kind.GROUP, Action.DELETE, ("old",))
    assert change.before == {"members": ["a@x.com"], "roles": ["owner"]}
    assert GROUP.detail is not None
    assert GROUP.detail(change) == "members: a@x.com; roles: owner"


def test_declaring_a_scim_groups_members_is_an_error_that_says_why() -> None:
    """A SCIM group's members belong to the identity provider: declaring them is an error
    finding (apply refuses), while its roles are still planned."""
    have = {"fin": Group(frozenset({"a@x.com"}), frozenset(), scim=True)}
    plan = _plan({"fin": _group(["b"], ["reader"])}, have)
    assert _summary(plan) == [("group_role", "create", ("fin", "reader"))]
    (finding,) = plan.findings
    assert finding.severity is Severity.ERROR
    assert finding.key == ("fin",)
    assert "managed by SCIM" in finding.message
    assert "identity provider" in finding.message


def test_a_role_that_exists_nowhere_is_an_error_and_a_declared_one_is_not() -> None:
    """A role neither live nor declared in `roles` is an error finding (and not planned); a
    role the file's `roles` declares resolves."""
    plan = _plan({"ml": _group(roles=["nosuch"])}, {"ml": _group(roles=[])})
    assert plan.changes == ()
    (finding,) = plan.findings
    assert (finding.severity, finding.kind, finding.key) == (
        Severity.ERROR, Kind.GROUP_ROLE, ("ml", "nosuch"),
    )  # fmt: skip
    desired = Desired(
        Organization(parts={"groups": {"ml": _group(roles=["new"])}, "roles": {"new": object()}})
    )
    live = Live(Organization(parts={"groups": {"ml": _group(roles=[])}}))
    declared = make_plan(desired, live, config_digest="")
    assert [(c.kind, c.key) for c in declared.changes] == [(Kind.GROUP_ROLE, ("ml", "new"))]


def test_an_invitee_is_added_by_a_later_apply() -> None:
    """A member declared in `users` who is not a user yet (invited) is a warning, not a change."""
    plan = _plan(
        {"ml": _group(["a", "new"])},
        {"ml": _group([])},
        live_users=_users("a"),
        wanted_users=_users("a", "new"),
    )
    assert _summary(plan)[-1] == ("group_user", "create", ("ml", "a@x.com"))
    assert ("group_user", "create", ("ml", "new@x.com")) not in _summary(plan)
    found = [(f.severity, f.key) for f in plan.findings if f.kind is Kind.GROUP_USER]
    assert found == [(Severity.WARNING, ("ml", "new@x.com"))]


def test_a_user_leaving_the_organization_leaves_its_groups_with_it() -> None:
    """A member the plan removes from the organization gets no group-member delete of its own."""
    desired = Desired(
        Organization(users=_users("a"), parts={"groups": {"ml": _group(["a"])}}),
        settings=Settings(prune=PruneSettings(users=True)),
    )
    live = Live(Organization(users=_users("a", "b"), parts={"groups": {"ml": _group(["a", "b"])}}))
    plan = make_plan(desired, live, config_digest="")
    assert [(c.kind, c.action) for c in plan.changes] == [(Kind.USER, Action.DELETE)]


def test_labels_name_the_group_even_inside_the_organization_block() -> None:
    """A member's and a role's short label keep their group (there is no project title)."""
    assert label(Kind.GROUP_USER, ("ml", "a@x.com"), short=True) == "group member a@x.com of ml"
    assert label(Kind.GROUP_ROLE, ("ml", "owner")) == "group role owner of ml"


def test_audit_events_name_a_group_and_its_role_assignments_by_the_group_id() -> None:
    """Drift attribution looks group.* and role.assignment.* events up by the group's id."""
    ids = IdIndex(parts={"groups": {("ml",): "group_1"}})
    assert GROUP.audit_id(("ml",), ids) == "group_1"
    assert GROUP_ROLE.audit_id(("ml", "owner"), ids) == "group_1"
    assert GROUP.live_count is not None
    assert GROUP.live_count(Organization(parts={"groups": {"a": _group(), "b": _group()}})) == 2


def test_a_role_created_in_the_same_plan_precedes_the_group_given_it() -> None:
    """A group role follows the create of the role it names (by the kind's plan-file name,
    `role`), as it follows its group's create; a delete follows nothing."""
    role = plug_kind("role")
    plugged = role not in [known.kind for known in registry.kinds()]
    if plugged:  # before the kind of custom roles is merged, a stand-in of the same name
        registry.register(replace(GROUP, kind=role, noun="role", diff=None, diffed_by=Kind.GROUP))
    changes = [
        Change(role, Action.CREATE, ("auditor",)),
        Change(Kind.GROUP_ROLE, Action.CREATE, ("ml", "auditor")),
        Change(Kind.GROUP_ROLE, Action.DELETE, ("ml", "owner")),
        Change(Kind.GROUP, Action.CREATE, ("ml",)),
    ]
    try:
        found = dependencies_of(changes)
    finally:
        if plugged:
            registry.unregister(role)
    assert found == [frozenset(), frozenset({0, 3}), frozenset(), frozenset()]


def test_a_member_who_is_not_a_user_is_a_plan_error() -> None:
    """With the users read, a member who is neither a user nor declared (to be invited) is an
    error: the apply would otherwise stop half-way through the group."""
    plan = _plan(
        {"ml": _group(members=["ann", "ghost"])}, {}, live_users=_users("ann"), wanted_users={}
    )
    errors = [f for f in plan.findings if f.severity is Severity.ERROR]
    assert [(f.kind, f.key) for f in errors] == [(Kind.GROUP_USER, ("ml", "ghost@x.com"))]
    assert "is not an organization user" in errors[0].message
    assert ("group_user", "create", ("ml", "ghost@x.com")) not in _summary(plan)


def test_a_role_this_plan_deletes_cannot_be_kept_by_a_group() -> None:
    """prune.roles deletes a custom role the file does not declare: a group that keeps it is a
    plan error, not a group silently losing its role."""
    desired = Desired(
        Organization(parts={"groups": {"ml": _group(roles=["auditor"])}, "roles": {}}),
        settings=Settings(prune=PruneSettings(roles=True)),
    )
    live_parts: dict[str, object] = {
        "organization_roles": ROLES | {"auditor"},
        "groups": {"ml": _group(roles=["auditor"])},
        "roles": {"auditor": Role("auditor", permissions=frozenset())},
    }
    plan = make_plan(desired, Live(Organization(parts=live_parts)), config_digest="")
    assert ("role", "delete", ("auditor",)) in _summary(plan)
    errors = [f for f in plan.findings if f.severity is Severity.ERROR]
    assert [(f.kind, f.key) for f in errors] == [(Kind.GROUP_ROLE, ("ml", "auditor"))]
