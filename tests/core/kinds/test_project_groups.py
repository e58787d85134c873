"""The project-groups diff step: grants, role changes and removals of declared projects' groups,
with the members who lose access, and names that resolve to no group."""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Action, Change, Kind, Severity
from reconciler.core.kinds.project_groups import DIRECTORY, PROJECT_GROUP, GroupDirectory
from reconciler.core.model import Desired, Live, Organization, Project, ProjectRole
from reconciler.core.plan import Plan, make_plan

DIRECTORY_OF_TWO = GroupDirectory(
    ids={"ml": "group_1", "fin": "group_2"},
    members={"ml": frozenset({"a@x.com", "b@x.com", "c@x.com"})},
)


def _plan(
    want: Mapping[str, str] | None,
    have: Mapping[str, str] | None,
    *,
    directory: GroupDirectory | None = DIRECTORY_OF_TWO,
    members: Mapping[str, ProjectRole] | None = None,
    root_groups: object = None,
    created: bool = False,
) -> Plan:
    def parts(value: object) -> dict[str, object]:
        return {} if value is None else {"groups": value}

    desired = Desired(
        Organization(projects={"web": Project("web", parts=parts(want))}, parts=parts(root_groups))
    )
    live_project = Project("web", id="proj_1", members=members, parts=parts(have))
    org_parts: dict[str, object] = {} if directory is None else {DIRECTORY: directory}
    live = Live(Organization(projects={} if created else {"web": live_project}, parts=org_parts))
    return make_plan(desired, live, config_digest="")


def test_not_declared_is_not_managed() -> None:
    """A project without `groups:` plans nothing, whatever groups have access live."""
    assert _plan(None, {"ml": "owner"}).changes == ()


def test_grant_change_and_remove() -> None:
    """A new group is a create with its role, another role an update, a group left out a
    destructive delete."""
    plan = _plan({"ml": "member", "fin": "owner"}, {"ml": "owner", "old": "member"})
    found = {(c.key, c.action): c for c in plan.changes}
    assert set(found) == {
        (("web", "fin"), Action.CREATE),
        (("web", "ml"), Action.UPDATE),
        (("web", "old"), Action.DELETE),
    }
    assert found[(("web", "fin"), Action.CREATE)].after == {"role": "owner"}
    update = found[(("web", "ml"), Action.UPDATE)]
    assert [(f.field, f.before, f.after) for f in update.fields] == [("role", "owner", "member")]
    assert found[(("web", "old"), Action.DELETE)].destructive
    assert all(c.kind is Kind.PROJECT_GROUP for c in plan.changes)
    assert PROJECT_GROUP.label(("web", "ml")) == "group ml of web"


def test_the_same_groups_plan_nothing() -> None:
    """Declared groups with their live roles are no change."""
    assert _plan({"ml": "member"}, {"ml": "member"}).changes == ()


def test_a_removed_group_lists_its_members_but_the_direct_members() -> None:
    """Removing a group names the members who lose access: not those who are project members
    in their own right."""
    plan = _plan({}, {"ml": "member"}, members={"b@x.com": "member"})
    (change,) = plan.changes
    assert change.before == {"role": "member", "members_losing_access": ["a@x.com", "c@x.com"]}
    assert "2 members lose access: a@x.com, c@x.com" in change.reason


def test_direct_members_read_for_the_group_count_when_members_are_not_declared() -> None:
    """Where the project's members were not read with it, the directory's direct members of
    that project are left out of those losing access."""
    directory = GroupDirectory(
        ids={"ml": "group_1"},
        members={"ml": frozenset({"a@x.com", "b@x.com"})},
        direct={"web": {"a@x.com": "owner"}},
    )
    (change,) = _plan({}, {"ml": "member"}, directory=directory).changes
    assert change.before is not None
    assert change.before["members_losing_access"] == ["b@x.com"]
    assert "1 member loses access: b@x.com" in change.reason


def test_a_downgrade_from_owner_lists_who_loses_ownership() -> None:
    """owner → member names the members who are not direct project owners."""
    plan = _plan(
        {"ml": "member"}, {"ml": "owner"}, members={"a@x.com": "owner", "b@x.com": "member"}
    )
    (change,) = plan.changes
    assert change.before == {"role": "owner", "members_losing_ownership": ["b@x.com", "c@x.com"]}
    assert change.reason == "2 members lose ownership: b@x.com, c@x.com"


def test_members_unknown_say_nothing_about_them() -> None:
    """Without the group's members read, a removal says only why."""
    (change,) = _plan({}, {"fin": "member"}).changes
    assert change.before == {"role": "member"}
    assert change.reason == "not in the config"


def test_a_long_list_is_cut_on_the_line_but_whole_in_the_change() -> None:
    """A plan line names ten members and counts the rest; the change lists all of them."""
    emails = frozenset(f"u{i:02}@x.com" for i in range(13))
    directory = GroupDirectory(ids={"ml": "group_1"}, members={"ml": emails})
    (change,) = _plan({}, {"ml": "member"}, directory=directory).changes
    assert change.before is not None
    assert len(change.before["members_losing_access"]) == 13
    assert change.reason.endswith("u09@x.com and 3 more")


def test_an_unknown_group_is_a_plan_error_and_no_change() -> None:
    """A group neither live nor declared in the root `groups:` is an error finding."""
    plan = _plan({"nope": "member"}, {})
    assert plan.changes == ()
    (finding,) = plan.findings
    assert finding.severity is Severity.ERROR
    assert "'nope' is neither an organization group nor declared in groups:" in finding.message


def test_a_group_declared_in_the_file_is_granted_before_it_exists() -> None:
    """A group the root `groups:` declares (created by the same apply) can be granted."""
    plan = _plan({"new": "member"}, {}, root_groups={"new": object()})
    assert [(c.key, c.action) for c in plan.changes] == [(("web", "new"), Action.CREATE)]
    assert plan.findings == ()


def test_an_ambiguous_group_name_is_a_plan_error() -> None:
    """A name two live groups share cannot be granted."""
    directory = GroupDirectory(ids={}, ambiguous=frozenset({"ml"}))
    plan = _plan({"ml": "member"}, {}, directory=directory)
    assert plan.changes == ()
    assert "several organization groups are named 'ml'" in plan.findings[0].message


def test_a_project_created_by_the_plan_gets_every_group() -> None:
    """A new project's declared groups are all creates."""
    plan = _plan({"ml": "owner"}, None, created=True)
    grants = [c for c in plan.changes if c.kind is Kind.PROJECT_GROUP]
    assert [(c.key, c.action, c.after) for c in grants] == [
        (("web", "ml"), Action.CREATE, {"role": "owner"})
    ]


def test_deletes_are_weighed_against_the_live_project_groups() -> None:
    """live_count counts every live project's groups (max_delete_share weighs deletes by it)."""
    org = Organization(
        projects={
            "a": Project("a", parts={"groups": {"ml": "owner", "fin": "member"}}),
            "b": Project("b"),
        }
    )
    assert PROJECT_GROUP.live_count is not None
    assert PROJECT_GROUP.live_count(org) == 2


def test_a_grant_follows_its_groups_create() -> None:
    """A grant or role change follows the create of its group (the root groups' kind, by its
    plan-file name); a removal follows nothing."""
    assert PROJECT_GROUP.follows is not None
    grant = Change(Kind.PROJECT_GROUP, Action.CREATE, ("web", "ml"), after={"role": "member"})
    assert list(PROJECT_GROUP.follows(grant)) == [("group", ("ml",))]
    removal = Change(Kind.PROJECT_GROUP, Action.DELETE, ("web", "ml"), before={"role": "member"})
    assert list(PROJECT_GROUP.follows(removal)) == []
