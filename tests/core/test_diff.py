"""diff: each kind's semantics, on small hand-built organizations."""

from __future__ import annotations

from dataclasses import replace

from reconciler.core.change import Action, Change, Kind, Severity
from reconciler.core.diff import diff
from reconciler.core.model import (
    Certificate,
    Desired,
    Invite,
    Live,
    Organization,
    Project,
    PruneSettings,
    RateLimit,
    ServiceAccount,
    Settings,
)
from tests.support.scenario import FAKE_PEM, FP_CORP, FP_OLD, members, users


def _find(changes: tuple[Change, ...], kind: Kind, key: tuple[str, ...]) -> Change | None:
    return next((c for c in changes if c.kind is kind and c.key == key), None)


def _org(**kwargs: object) -> Organization:
    return Organization(**kwargs)  # type: ignore[arg-type]


def test_identical_states_have_no_changes(desired: Desired) -> None:
    """Diffing a desired state against itself (as live) finds nothing to do."""
    live = Live(org=desired.org, admin_key_owner="ops@example.com")
    found = diff(desired, live)
    assert found.changes == ()
    assert found.findings == ()


def test_invite_carries_memberships_of_existing_and_created_projects_not_default() -> None:
    """A new user's invite lists their memberships in live and new projects, never the default."""
    desired = Desired(
        _org(
            users=users(ann="reader"),
            projects={
                "old": Project("old", members=members(ann="owner")),  # type: ignore[arg-type]
                "new": Project("new", members=members(ann="member")),  # type: ignore[arg-type]
                "Default": Project("Default", members=members(ann="member")),  # type: ignore[arg-type]
            },
        )
    )
    live = Live(
        _org(users={}, invites={}, projects={"old": Project("old", id="p1", members={}),
                                             "Default": Project("Default", id="p0", members={})}),
        admin_key_owner="x@example.com", default_project="Default",
    )  # fmt: skip
    found = diff(desired, live)
    invite = _find(found.changes, Kind.INVITE, ("ann@example.com",))
    assert invite is not None
    assert invite.action is Action.CREATE
    assert invite.after == {
        "email": "ann@example.com",
        "role": "reader",
        "projects": [{"project": "new", "role": "member"}, {"project": "old", "role": "owner"}],
    }
    assert not [c for c in found.changes if c.kind is Kind.PROJECT_USER]


def test_pending_matching_invite_is_never_resent() -> None:
    """A pending invite with the same role and projects produces no change."""
    desired = Desired(_org(users=users(ann="reader")))
    invite = Invite("ann@example.com", "reader", ())
    live = Live(_org(users={}, invites={"ann@example.com": invite}), admin_key_owner="o@x")
    assert diff(desired, live).changes == ()


def test_pending_invite_with_other_role_is_replaced_and_expired_one_too() -> None:
    """An invite the API cannot update (other role) or that expired becomes a REPLACE."""
    desired = Desired(_org(users=users(ann="owner", ben="reader")))
    live = Live(
        _org(users={}, invites={
            "ann@example.com": Invite("ann@example.com", "reader", ()),
            "ben@example.com": Invite("ben@example.com", "reader", (), status="expired"),
        }),
        admin_key_owner="o@x",
    )  # fmt: skip
    found = diff(desired, live)
    ann = _find(found.changes, Kind.INVITE, ("ann@example.com",))
    ben = _find(found.changes, Kind.INVITE, ("ben@example.com",))
    assert ann is not None
    assert ann.action is Action.REPLACE
    assert [(f.field, f.before, f.after) for f in ann.fields] == [("role", "reader", "owner")]
    assert ben is not None
    assert ben.action is Action.REPLACE
    assert "expired" in ben.reason


def test_role_change_updates_in_place_and_undeclared_users_follow_prune() -> None:
    """A new role is an UPDATE; an undeclared member is unmanaged while prune.users is off."""
    desired = Desired(_org(users=users(ann="owner")))
    live = Live(_org(users=users(ann="reader", bob="owner"), invites={}), admin_key_owner="o@x")
    found = diff(desired, live)
    assert [(c.kind, c.action, c.key) for c in found.changes] == [
        (Kind.USER, Action.UPDATE, ("ann@example.com",))
    ]
    assert [(u.kind, u.key) for u in found.unmanaged] == [(Kind.USER, ("bob@example.com",))]
    pruning = replace(desired, settings=Settings(prune=PruneSettings(users=True)))
    deleted = _find(diff(pruning, live).changes, Kind.USER, ("bob@example.com",))
    assert deleted is not None
    assert deleted.action is Action.DELETE


def test_unknown_admin_key_owner_is_a_warning_when_users_are_in_scope() -> None:
    """When the admin key's owner cannot be identified, the plan says so."""
    desired = Desired(_org(users=users(ann="owner")))
    live = Live(_org(users=users(ann="owner"), invites={}))
    (finding,) = diff(desired, live).findings
    assert finding.severity is Severity.WARNING
    assert "could not be identified" in finding.message


def test_unarchive_is_an_error_and_archive_is_planned() -> None:
    """An archived project cannot come back (error); an active one declared archived is archived."""
    desired = Desired(_org(projects={"a": Project("a"), "b": Project("b", archived=True)}))
    live = Live(
        _org(projects={"a": Project("a", id="pa", archived=True), "b": Project("b", id="pb")})
    )
    found = diff(desired, live)
    assert [(c.action, c.key) for c in found.changes] == [(Action.ARCHIVE, ("b",))]
    assert [(f.severity, f.key) for f in found.findings] == [(Severity.ERROR, ("a",))]


def test_pinned_id_renames_and_unknown_pin_is_an_error() -> None:
    """A pin matches by id (a different live name is a rename); an unknown pin is an error."""
    desired = Desired(_org(projects={"new": Project("new", id="p1"), "x": Project("x", id="p9")}))
    live = Live(_org(projects={"old": Project("old", id="p1")}))
    found = diff(desired, live)
    rename = _find(found.changes, Kind.PROJECT, ("new",))
    assert rename is not None
    assert rename.action is Action.UPDATE
    assert [(f.before, f.after) for f in rename.fields] == [("old", "new")]
    assert [f.key for f in found.findings] == [("x",)]
    assert found.unmanaged == ()


def test_member_of_project_not_in_org_nor_invited_is_an_error() -> None:
    """A project member who is neither an org member nor an invitee cannot be added."""
    desired = Desired(_org(projects={"p": Project("p", members=members(ghost="member"))}))  # type: ignore[arg-type]
    live = Live(_org(users={}, projects={"p": Project("p", id="p1", members={})}))
    found = diff(desired, live)
    assert found.changes == ()
    assert [(f.severity, f.key) for f in found.findings] == [
        (Severity.ERROR, ("p", "ghost@example.com"))
    ]


def test_user_leaving_the_org_needs_no_project_user_delete() -> None:
    """Removing a user from the organization removes their memberships with them."""
    desired = Desired(
        _org(users=users(ann="owner"), projects={"p": Project("p", members=members(ann="owner"))}),  # type: ignore[arg-type]
        Settings(prune=PruneSettings(users=True)),
    )
    live = Live(
        _org(users=users(ann="owner", bob="reader"), invites={},
             projects={"p": Project("p", id="p1", members=members(ann="owner", bob="member"))}),  # type: ignore[arg-type]
        admin_key_owner="ann@example.com",
    )  # fmt: skip
    found = diff(desired, live)
    assert [(c.kind, c.action) for c in found.changes] == [(Kind.USER, Action.DELETE)]


def test_service_account_role_none_is_recreated_and_others_updated() -> None:
    """The API cannot move a role to or from none (REPLACE); member → owner is an UPDATE."""
    want = {"a": ServiceAccount("a", "member"), "b": ServiceAccount("b", "owner")}
    have = {
        "a": ServiceAccount("a", "none"),
        "b": ServiceAccount("b", "member"),
        "c": ServiceAccount("c"),
    }
    desired = Desired(_org(projects={"p": Project("p", service_accounts=want)}))
    live = Live(_org(projects={"p": Project("p", id="p1", service_accounts=have)}))
    found = {c.key[1]: c.action for c in diff(desired, live).changes}
    assert found == {"a": Action.REPLACE, "b": Action.UPDATE, "c": Action.DELETE}


def test_rate_limits_update_declared_fields_only_and_cannot_be_created() -> None:
    """Declared fields that differ change; a missing model is an error; extras are unmanaged."""
    want = {
        "m": RateLimit("m", max_requests_per_1_minute=5),
        "z": RateLimit("z", max_requests_per_1_day=1),
    }
    have = {"m": RateLimit("m", 9, 100), "other": RateLimit("other", 1, 1)}
    desired = Desired(_org(projects={"p": Project("p", rate_limits=want)}))
    live = Live(_org(projects={"p": Project("p", id="p1", rate_limits=have)}))
    found = diff(desired, live)
    (change,) = found.changes
    assert (change.before, change.after) == (
        {"max_requests_per_1_minute": 9},
        {"max_requests_per_1_minute": 5},
    )
    assert [f.key for f in found.findings] == [("p", "z")]
    assert [u.key for u in found.unmanaged] == [("p", "other")]


def test_new_project_children_are_creates_with_no_before() -> None:
    """Everything inside a project being created is created; its rate limits have no before."""
    want = Project(
        "p", members={}, service_accounts={"s": ServiceAccount("s")},
        rate_limits={"m": RateLimit("m", max_requests_per_1_minute=5)},
    )  # fmt: skip
    found = diff(Desired(_org(projects={"p": want})), Live(_org()))
    actions = {(c.kind, c.action) for c in found.changes}
    assert actions == {
        (Kind.PROJECT, Action.CREATE),
        (Kind.SERVICE_ACCOUNT, Action.CREATE),
        (Kind.RATE_LIMIT, Action.UPDATE),
    }
    limit = _find(found.changes, Kind.RATE_LIMIT, ("p", "m"))
    assert limit is not None
    assert limit.before is None


def test_certificates_match_by_fingerprint_and_prune_deactivates_everywhere() -> None:
    """A known fingerprint under a new name is a rename; a pruned certificate is deactivated."""
    desired = Desired(
        _org(certificates={"corp": Certificate("corp", FP_CORP, active=True, pem=FAKE_PEM)},
             projects={"p": Project("p", certificates=frozenset({"corp"}))}),
        Settings(prune=PruneSettings(certificates=True)),
    )  # fmt: skip
    live = Live(
        _org(certificates={"old": Certificate("old", FP_OLD, active=True),
                           "corp-v1": Certificate("corp-v1", FP_CORP, active=True)},
             projects={"p": Project("p", id="p1", certificates=frozenset({"corp-v1", "old"}))}),
    )  # fmt: skip
    found = {(c.kind, c.action, c.key) for c in diff(desired, live).changes}
    assert found == {
        (Kind.CERTIFICATE, Action.UPDATE, ("corp",)),
        (Kind.CERTIFICATE_ACTIVATION, Action.DELETE, ("", "old")),
        (Kind.CERTIFICATE_ACTIVATION, Action.DELETE, ("p", "old")),
        (Kind.CERTIFICATE, Action.DELETE, ("old",)),
    }
