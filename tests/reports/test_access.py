"""Access rows from what was read: scopes, key counts, and the config entry behind each row."""

from __future__ import annotations

from reconciler.core.declared import Declarations
from reconciler.core.key_policy import DAY
from reconciler.core.kinds.groups import Group
from reconciler.core.model import ApiKeyInfo, Invite, KeyRotation, ServiceAccount, User
from reconciler.kinds.project_users import Member
from reconciler.read.principals import Principals, ProjectPrincipals
from reconciler.read.teams import Teams
from reconciler.reports.access import access_report
from reconciler.reports.source import Source

NOW = 1_800_000_000
SOURCE = Source(now=NOW, organization="org", config="org.yaml")


def key(owner: str, *, created: int | None, used: int | None, kind: str = "user") -> ApiKeyInfo:
    """A key of `owner` created and last used that many days before NOW (None: unknown/never)."""
    return ApiKeyInfo(
        id=f"key_{owner}_{created}",
        name="k",
        redacted_value="sk-...x",
        owner_kind="user" if kind == "user" else "service_account",
        owner=owner,
        created_at=None if created is None else NOW - created * DAY,
        last_used_at=None if used is None else NOW - used * DAY,
    )


FOUND = Principals(
    projects=(
        ProjectPrincipals(
            name="web-renamed",
            id="proj_web",
            keys=(
                key("a@x.io", created=30, used=2),
                key("a@x.io", created=10, used=None),
                key("bot", created=None, used=None, kind="service_account"),
            ),
            members=(Member("a@x.io", "owner", "user-a"),),
            service_accounts=(ServiceAccount("bot", "member"),),
        ),
    ),
    users=(User("a@x.io", "owner"),),
    invites=(Invite("new@x.io", "reader", projects=(("web-renamed", "member"),)),),
)


def records(declared: Declarations | None) -> dict[tuple[str, str], dict[str, object]]:
    """The report's rows by (principal, scope)."""
    report = access_report(FOUND, declared, source=SOURCE)
    return {(str(r["principal"]), str(r["scope"])): dict(r) for r in report.records()}


def test_each_grant_is_a_row_with_its_keys_counted() -> None:
    """The organization row counts a user's keys in every project; the oldest key's age is in
    days, the last use is the latest of any key; a key of unknown age says so."""
    rows = records(None)
    assert list(rows) == [
        ("a@x.io", "organization"),
        ("a@x.io", "project:web-renamed"),
        ("bot", "project:web-renamed"),
        ("new@x.io", "organization"),
        ("new@x.io", "project:web-renamed"),
    ]
    a = rows[("a@x.io", "organization")]
    assert (a["api_keys"], a["oldest_key_age_days"], a["last_key_use"]) == (2, 30, "2027-01-13")
    bot = rows[("bot", "project:web-renamed")]
    assert (bot["api_keys"], bot["oldest_key_age_days"], bot["last_key_use"]) == (
        1,
        "unknown",
        "never",
    )
    assert rows[("new@x.io", "organization")]["api_keys"] == 0
    assert {r["declared_in"] for r in rows.values()} == {"no config"}


def test_declared_in_follows_a_pinned_project_across_a_rename() -> None:
    """A project pinned by id in the config is matched by id, whatever its live name."""
    declared = Declarations(
        users={"a@x.io": "org.yaml:3"},
        members={("web", "a@x.io"): "org.yaml:9", ("web", "new@x.io"): "org.yaml:10"},
        service_accounts={},
        project_ids={"proj_web": "web"},
    )
    rows = records(declared)
    assert rows[("a@x.io", "organization")]["declared_in"] == "org.yaml:3"
    assert rows[("a@x.io", "project:web-renamed")]["declared_in"] == "org.yaml:9"
    assert rows[("new@x.io", "project:web-renamed")]["declared_in"] == "org.yaml:10"
    assert rows[("new@x.io", "organization")]["declared_in"] == "undeclared"
    assert rows[("bot", "project:web-renamed")]["declared_in"] == "undeclared"


def test_a_rotating_account_shows_its_state_and_next_rotation() -> None:
    """An account whose config entry has a rotation policy shows it under the project's config
    name (a pinned, renamed project too); its keys are found under the name a rotation in
    progress gives it; other rows show `none`."""
    marked = "bot.reconciler-rotating-00ff"
    found = Principals(
        projects=(
            ProjectPrincipals(
                name="web-renamed",
                id="proj_web",
                keys=(
                    key(marked, created=100, used=None, kind="service_account"),
                    key(marked, created=1, used=None, kind="service_account"),
                ),
                service_accounts=(ServiceAccount("bot", "member", rotating="00ff"),),
            ),
        ),
    )
    declared = Declarations(project_ids={"proj_web": "web"})
    policy = {("web", "bot"): KeyRotation(rotate_every_days=90, overlap_days=7)}
    report = access_report(found, declared, source=SOURCE, rotations=policy)
    (row,) = [dict(r) for r in report.records()]
    assert (row["api_keys"], row["key_rotation"], row["next_rotation"]) == (2, "interrupted", "now")
    plain = access_report(found, declared, source=SOURCE)
    assert [(r["key_rotation"], r["next_rotation"]) for r in plain.records()] == [("none", "none")]


TEAMS = Principals(
    projects=(
        ProjectPrincipals(
            name="web-renamed",
            id="proj_web",
            keys=(key("a@x.io", created=30, used=2), key("b@x.io", created=5, used=1)),
            members=(Member("a@x.io", "owner", "user-a"),),
        ),
    ),
    users=(User("a@x.io", "owner"), User("b@x.io", "reader"), User("c@x.io", "reader")),
    teams=Teams(
        groups={
            "ops": Group(members=frozenset({"a@x.io", "b@x.io"}), roles=frozenset({"reader"})),
            "idp": Group(members=frozenset({"c@x.io"}), roles=frozenset(), scim=True),
        },
        projects={"web-renamed": {"ops": "member", "idp": "reader"}},
        custom_roles={"c@x.io": frozenset({"auditor"})},
    ),
)
TEAM_DECLARATIONS = Declarations(
    users={"a@x.io": "org.yaml:3"},
    project_ids={"proj_web": "web"},
    project_groups={("web", "ops"): "org.yaml:20", ("web", "idp"): "org.yaml:21"},
    group_roles={("ops", "reader"): "org.yaml:31"},
    group_members={"ops": {"a@x.io": "org.yaml:30"}},
    role_users={("auditor", "c@x.io"): "org.yaml:40"},
)


def test_access_through_teams_is_a_row_per_grant_saying_how_it_is_held() -> None:
    """Each group member reaching a project or holding an organization role through a group,
    and each direct holder of a custom role, is a row of its own after the direct one, its
    `granted_through` naming the group (or `custom role`); a user reaching a project only
    through a group is no `none (not a member; holds keys)` row, and keys are counted once per
    user and scope."""
    report = access_report(TEAMS, TEAM_DECLARATIONS, source=SOURCE)
    got = [
        (r["principal"], r["scope"], r["role"], r["granted_through"], r["api_keys"])
        for r in report.records()
    ]
    assert got == [
        ("a@x.io", "organization", "owner", "direct", 1),
        ("a@x.io", "organization", "reader", "group ops", 0),
        ("a@x.io", "project:web-renamed", "owner", "direct", 1),
        ("a@x.io", "project:web-renamed", "member", "group ops", 0),
        ("b@x.io", "organization", "reader", "direct", 1),
        ("b@x.io", "organization", "reader", "group ops", 0),
        ("b@x.io", "project:web-renamed", "member", "group ops", 1),
        ("c@x.io", "organization", "reader", "direct", 0),
        ("c@x.io", "organization", "auditor", "custom role", 0),
        ("c@x.io", "project:web-renamed", "reader", "group idp", 0),
    ]
    assert report.columns[-1] == "granted_through"
    assert not any("groups" in line for line in report.not_known)


def test_a_team_grant_is_declared_where_the_config_grants_it() -> None:
    """A project's `groups` entry declares its members' rows (of a group declaring `members`,
    only those it lists); a group's `roles` item its organization rows; a role's `users` item
    its direct holder's; without a config every row says `no config`."""
    report = access_report(TEAMS, TEAM_DECLARATIONS, source=SOURCE)
    where = {
        (r["principal"], r["scope"], r["granted_through"]): r["declared_in"]
        for r in report.records()
        if r["granted_through"] != "direct"
    }
    assert where == {
        ("a@x.io", "organization", "group ops"): "org.yaml:31",
        ("a@x.io", "project:web-renamed", "group ops"): "org.yaml:20",
        ("b@x.io", "organization", "group ops"): "undeclared",
        ("b@x.io", "project:web-renamed", "group ops"): "undeclared",
        ("c@x.io", "organization", "custom role"): "org.yaml:40",
        ("c@x.io", "project:web-renamed", "group idp"): "org.yaml:21",
    }
    bare = access_report(TEAMS, None, source=SOURCE)
    assert {r["declared_in"] for r in bare.records()} == {"no config"}


def test_a_report_without_teams_read_says_so() -> None:
    """When teams were not read, every row is held directly and `not known` says what is
    missing."""
    report = access_report(FOUND, None, source=SOURCE)
    assert {r["granted_through"] for r in report.records()} == {"direct"}
    assert "access through groups and custom (RBAC) roles: not read" in report.not_known
