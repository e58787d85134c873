"""Safety gates: each refuses with its rule, objects and override flag, and the flag lifts it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.core.breaks import RecentUse, Use, assess
from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.groups import Group
from reconciler.core.model import (
    Desired,
    IdIndex,
    Invite,
    Live,
    Organization,
    Project,
    PruneSettings,
    SafetySettings,
    Settings,
)
from reconciler.core.plan import Plan, make_plan
from reconciler.core.safety import Overrides, Refusal, check, raise_if_unsafe
from reconciler.errors import UnsafePlanError
from tests.support.scenario import users


def _refusals(desired: Desired, live: Live, overrides: Overrides | None = None) -> list[Refusal]:
    plan = make_plan(desired, live, config_digest="c")
    return check(plan, desired=desired, live=live, overrides=overrides or Overrides())


def _case(
    want: dict[str, str], have: dict[str, str], *, owner: str | None = "ops", **safety: object
) -> tuple[Desired, Live]:
    settings = Settings(prune=PruneSettings(users=True), safety=SafetySettings(**safety))  # type: ignore[arg-type]
    desired = Desired(Organization(users=users(**want)), settings)
    live = Live(
        Organization(users=users(**have), invites={}),
        admin_key_owner=f"{owner}@example.com" if owner else None,
    )
    return desired, live


def test_last_owner_reached_through_a_downgrade_is_refused() -> None:
    """Demoting the second-to-last owner (no removal at all) trips min_owners."""
    desired, live = _case(
        {"ops": "owner", "ann": "reader"}, {"ops": "owner", "ann": "owner"}, min_owners=2
    )
    (refusal,) = _refusals(desired, live)
    assert refusal.rule == "min_owners"
    assert refusal.objects == ("ann@example.com",)
    assert refusal.override_flag == "--allow-fewer-owners"
    assert _refusals(desired, live, Overrides(allow_fewer_owners=True)) == []


def test_removing_an_owner_below_min_owners_is_refused() -> None:
    """Deleting an owner so that fewer than min_owners remain is refused."""
    desired, live = _case({"ops": "owner"}, {"ops": "owner", "ann": "owner"}, min_owners=2)
    assert [r.rule for r in _refusals(desired, live)] == ["min_owners"]


def test_owner_count_already_low_does_not_block_unrelated_plans() -> None:
    """An organization already under min_owners may still change other things."""
    desired, live = _case(
        {"ops": "owner", "ann": "owner"}, {"ops": "owner", "ann": "reader"}, min_owners=3
    )
    assert _refusals(desired, live) == []


def test_admin_key_owner_is_never_demoted_without_the_flag() -> None:
    """Demoting the admin key's owner is refused and names that user."""
    want = {"ops": "reader", "ann": "owner", "bob": "owner"}
    desired, live = _case(want, {**want, "ops": "owner"}, min_owners=1)
    (refusal,) = _refusals(desired, live)
    assert (refusal.rule, refusal.objects) == ("admin_key_owner", ("ops@example.com",))
    assert refusal.override_flag == "--allow-key-owner-change"
    assert _refusals(desired, live, Overrides(allow_key_owner_change=True)) == []


def test_protected_users_are_never_removed() -> None:
    """Removing a protected user is refused until --allow-protected-removal."""
    desired, live = _case({"ops": "owner"}, {"ops": "owner", "pat": "reader"},
                          protected_users=frozenset({"pat@example.com"}))  # fmt: skip
    (refusal,) = _refusals(desired, live)
    assert refusal.rule == "protected_users"
    assert refusal.objects == ("user pat@example.com",)
    assert _refusals(desired, live, Overrides(allow_protected_removal=True)) == []


def test_protected_owner_demoted_is_refused() -> None:
    """Demoting a protected organization owner to reader is refused like a removal."""
    desired, live = _case({"ops": "owner", "pat": "reader", "ann": "owner"},
                          {"ops": "owner", "pat": "owner", "ann": "owner"},
                          protected_users=frozenset({"pat@example.com"}))  # fmt: skip
    assert [(r.rule, r.objects) for r in _refusals(desired, live)] == [
        ("protected_users", ("user pat@example.com",))
    ]


def test_protected_user_removed_from_a_project_is_refused() -> None:
    """Removing a protected user from a declared project is refused as well."""
    settings = Settings(safety=SafetySettings(protected_users=frozenset({"pat@example.com"})))
    desired = Desired(Organization(projects={"p": Project("p", members={})}), settings)
    live = Live(
        Organization(projects={"p": Project("p", id="p1", members={"pat@example.com": "owner"})})
    )
    assert [r.objects for r in _refusals(desired, live)] == [("member pat@example.com of p",)]


def test_more_deletes_than_max_deletes_need_force() -> None:
    """Deleting more objects than max_deletes is refused until --force."""
    have = {"ops": "owner", **{f"u{i}": "reader" for i in range(4)}}
    desired, live = _case({"ops": "owner"}, have, max_deletes=3, max_delete_share=1.0)
    (refusal,) = _refusals(desired, live)
    assert (refusal.rule, refusal.override_flag, len(refusal.objects)) == (
        "max_deletes",
        "--force",
        4,
    )
    assert _refusals(desired, live, Overrides(force=True)) == []


def test_deleting_a_large_share_of_a_kind_needs_force() -> None:
    """Deleting over max_delete_share of a kind's existing objects (10 or more) is refused."""
    invites = {f"i{i}@example.com": Invite(f"i{i}@example.com", "reader") for i in range(10)}
    desired = Desired(
        Organization(users={}), Settings(safety=SafetySettings(max_delete_share=0.25))
    )
    live = Live(Organization(users={}, invites=invites), admin_key_owner="o@example.com")
    assert [r.rule for r in _refusals(desired, live)] == ["max_delete_share"]
    small = replace(live, org=replace(live.org, invites=dict(list(invites.items())[:9])))
    assert _refusals(desired, small) == []


def test_archive_needs_allow_archive_and_raise_names_rule_and_flag() -> None:
    """Archiving is refused without --allow-archive; the error names rule, project and flag."""
    desired = Desired(Organization(projects={"old": Project("old", archived=True)}))
    live = Live(Organization(projects={"old": Project("old", id="p1")}))
    plan = make_plan(desired, live, config_digest="c")
    with pytest.raises(UnsafePlanError, match=r"archive: .*old.*--allow-archive"):
        raise_if_unsafe(plan, desired=desired, live=live, overrides=Overrides())
    raise_if_unsafe(plan, desired=desired, live=live, overrides=Overrides(allow_archive=True))


def test_taking_a_model_in_use_counts_for_max_deletes_and_says_why() -> None:
    """With max_deletes 0, taking away a model the project used is refused (its message says a
    model in use was taken); the same change taking an unused model passes."""
    desired = Desired(Organization(), Settings(safety=SafetySettings(max_deletes=0)))
    live = Live(Organization(), IdIndex(projects={"web": "proj_web"}))
    before, after = {"mode": "allow", "models": ["gpt-4o", "o3"]}, {"mode": "allow", "models": []}
    plan = Plan(
        changes=(
            Change(Kind.MODEL_PERMISSION, Action.UPDATE, ("web", "permissions"), before, after),
        )
    )

    def refusals(use: Use) -> list[Refusal]:
        usage = RecentUse(models={("proj_web", "o3"): use})
        breaks = assess(plan, live, usage=usage)
        return check(plan, desired=desired, live=live, overrides=Overrides(), breaks=breaks)

    (refusal,) = refusals(Use(3, 0.1))
    assert refusal.rule == "max_deletes"
    assert refusal.objects == ("model permissions of web",)
    assert "take away a model or hosted tool used in the last 30 days" in refusal.message
    assert refusals(Use(0, 0.0)) == []


def _group_case(
    want: dict[str, Group], have: dict[str, Group], **safety: object
) -> tuple[Desired, Live]:
    """Users ops (reader) and ann (owner); groups as given; ops owns the admin key."""
    settings = Settings(prune=PruneSettings(groups=True), safety=SafetySettings(**safety))  # type: ignore[arg-type]
    desired = Desired(Organization(parts={"groups": want}), settings)
    org = Organization(
        users=users(ops="reader", ann="owner"),
        parts={"groups": have, "organization_roles": frozenset({"owner", "reader"})},
    )
    return desired, Live(org, admin_key_owner="ops@example.com")


def _owners(*names: str) -> Group:
    return Group(frozenset(f"{n}@example.com" for n in names), frozenset({"owner"}))


@pytest.mark.parametrize(
    ("want", "what"),
    [
        ({}, "the group deleted"),
        ({"admins": Group(roles=frozenset())}, "its role owner taken away"),
        ({"admins": Group(members=frozenset())}, "the key owner's membership removed"),
    ],
)
def test_the_admin_key_owners_only_owner_access_through_a_group_is_not_taken(
    want: dict[str, Group], what: str
) -> None:
    """When the admin key's owner is an owner only through a group, the plan may not take that
    away (the group deleted, its role owner removed, or the owner's membership), like a
    demotion; the flag lifts it."""
    desired, live = _group_case(want, {"admins": _owners("ops")}, min_owners=1)
    (refusal,) = _refusals(desired, live)
    assert (refusal.rule, refusal.objects) == ("admin_key_owner", ("ops@example.com",)), what
    assert "through group(s) admins" in refusal.message
    assert _refusals(desired, live, Overrides(allow_key_owner_change=True)) == []


def test_owner_access_through_another_group_keeps_the_key_owner_safe() -> None:
    """Removing one owner group is no lockout when the key's owner holds owner through another."""
    have = {"admins": _owners("ops"), "backup": _owners("ops")}
    desired, live = _group_case({"backup": _owners("ops")}, have, min_owners=1)
    assert _refusals(desired, live) == []


def test_members_of_an_owner_group_count_for_min_owners() -> None:
    """A group holding the role owner makes its members owners: removing that group below
    min_owners is refused and names who loses owner access."""
    have = {"admins": _owners("ops", "ann")}
    desired, live = _group_case({}, have, min_owners=2)
    rules = {r.rule: r for r in _refusals(desired, live, Overrides(allow_key_owner_change=True))}
    assert rules["min_owners"].objects == ("ops@example.com",)
    assert "1 organization owner(s) would remain" in rules["min_owners"].message


def test_group_deletes_count_for_max_deletes() -> None:
    """Deleting groups (prune.groups) counts for max_deletes like any delete."""
    have = {f"g{i}": Group(frozenset(), frozenset()) for i in range(3)}
    desired, live = _group_case({}, have, max_deletes=2)
    (refusal,) = _refusals(desired, live)
    assert refusal.rule == "max_deletes"
    assert "group g0" in refusal.message
