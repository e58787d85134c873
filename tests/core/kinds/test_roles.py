"""The roles diff steps: custom roles created, updated and deleted only under prune.roles,
predefined roles never touched, holders added and removed, and what a plan line says."""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Action, Kind, Severity
from reconciler.core.kinds.roles import ROLE, ROLE_USER, Role
from reconciler.core.model import Desired, IdIndex, Live, Organization, PruneSettings, Settings
from reconciler.core.plan import Plan, make_plan
from reconciler.render.lines import change_lines

USERS: dict[tuple[str, ...], str] = {("", "ann@x.com"): "user_a", ("", "bob@x.com"): "user_b"}


def _role(name: str, *permissions: str, users: tuple[str, ...] | None = None) -> Role:
    held = None if users is None else frozenset(users)
    return Role(name, permissions=frozenset(permissions), users=held)


def _plan(
    want: Mapping[str, Role] | None, have: Mapping[str, Role] | None, *, prune: bool = False
) -> Plan:
    desired = Desired(
        Organization(parts={} if want is None else {"roles": want}),
        settings=Settings(prune=PruneSettings(roles=prune)),
    )
    ids = IdIndex(parts={"roles": {**USERS, ("ops",): "role_1"}})
    live = Live(Organization(parts={} if have is None else {"roles": have}), ids=ids)
    return make_plan(desired, live, config_digest="")


def test_not_declared_is_not_managed() -> None:
    """Without `roles:` in the file, live custom roles are neither changed nor listed."""
    plan = _plan(None, {"ops": _role("ops", "a")})
    assert plan.changes == ()
    assert plan.unmanaged == ()


def test_a_new_role_is_created_and_its_holders_follow_it() -> None:
    """A declared role missing live is created with its permissions, and each holder's
    assignment depends on that create."""
    plan = _plan({"ops": _role("ops", "b", "a", users=("ann@x.com",))}, {})
    create, holder = plan.changes
    assert (create.kind, create.action, create.after) == (
        Kind.ROLE,
        Action.CREATE,
        {"permissions": ["a", "b"]},
    )
    assert (holder.kind, holder.key) == (Kind.ROLE_USER, ("ops", "ann@x.com"))
    assert plan.dependencies()[1] == frozenset({0})
    assert change_lines(create) == ["+   role ops" + " " * 27 + "permissions: a, b"]


def test_permissions_changed_read_as_added_and_removed() -> None:
    """An update of permissions says what is added and removed; description only when declared."""
    want = {"ops": Role("ops", description="Ops", permissions=frozenset({"a", "c"}))}
    plan = _plan(want, {"ops": Role("ops", description="old", permissions=frozenset({"a", "b"}))})
    (update,) = plan.changes
    assert [f.field for f in update.fields] == ["description", "permissions"]
    lines = change_lines(update)
    assert lines[0].endswith("description: old → Ops")
    assert lines[1].strip() == "permissions: added c; removed b"
    same = _plan({"ops": Role("ops")}, {"ops": Role("ops", "x", frozenset({"a"}))})
    assert same.changes == ()


def test_an_undeclared_role_is_deleted_only_under_prune() -> None:
    """A live custom role the file leaves out is unmanaged, or deleted with prune.roles on."""
    have = {"ops": _role("ops", "a")}
    kept = _plan({}, have)
    assert kept.changes == ()
    assert [u.key for u in kept.unmanaged] == [("ops",)]
    (delete,) = _plan({}, have, prune=True).changes
    assert (delete.action, delete.destructive) == (Action.DELETE, True)
    assert delete.reason == "not in the config; prune.roles is on"
    assert ROLE.live_count is not None
    assert ROLE.live_count(Organization(parts={"roles": have})) == 1


def test_predefined_roles_are_never_changed() -> None:
    """Naming owner or reader plans nothing, even if it were missing live."""
    assert _plan({"owner": Role("owner"), "Reader": Role("Reader")}, {}).changes == ()


def test_a_role_that_cannot_be_created_is_an_error() -> None:
    """A missing role without permissions is an error finding, and its holders plan nothing."""
    plan = _plan({"ops": Role("ops", users=frozenset({"ann@x.com"}))}, {})
    assert plan.changes == ()
    (finding,) = plan.findings
    assert finding.severity is Severity.ERROR
    assert "declare its permissions to create it" in finding.message


def test_holders_are_authoritative_when_declared() -> None:
    """Declared holders are added, undeclared live ones removed; undeclared `users` leaves them."""
    have = {"ops": _role("ops", "a", users=("bob@x.com",))}
    plan = _plan({"ops": _role("ops", "a", users=("ann@x.com",))}, have)
    assert [(c.action, c.key) for c in plan.changes] == [
        (Action.DELETE, ("ops", "bob@x.com")),
        (Action.CREATE, ("ops", "ann@x.com")),
    ]
    assert ROLE_USER.label(("ops", "ann@x.com"), short=True) == "role holder ann@x.com of ops"
    assert _plan({"ops": _role("ops", "a")}, have).changes == ()


def test_a_holder_who_is_not_a_user_is_an_error() -> None:
    """A declared holder the organization does not have is an error that says so."""
    plan = _plan({"ops": _role("ops", "a", users=("zed@x.com",))}, {"ops": _role("ops", "a")})
    assert plan.changes == ()
    (finding,) = plan.findings
    assert finding.message == "role ops: zed@x.com is not a user of the organization"


def test_attribution_ids() -> None:
    """A role's events carry its id; a holder's are found by the user's id."""
    ids = IdIndex(parts={"roles": {**USERS, ("ops",): "role_1"}})
    assert ROLE.audit_id(("ops",), ids) == "role_1"
    assert ROLE_USER.audit_id(("ops", "bob@x.com"), ids) == "user_b"


def test_a_name_differing_from_a_live_one_only_in_case_is_an_error() -> None:
    """The API would refuse to create `Ops` beside `ops`: the plan says so instead of trying."""
    plan = _plan({"Ops": _role("Ops", "a")}, {"ops": _role("ops", "a")}, prune=True)
    assert [c.action for c in plan.changes] == [Action.DELETE]
    (finding,) = plan.findings
    assert "has a role named ops (the API compares role names ignoring case)" in finding.message
