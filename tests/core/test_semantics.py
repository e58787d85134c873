"""Adversarial checks of DESIGN.md's semantics and safety rules against the pure core."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from reconciler.core.change import Action, Change, Kind, Severity
from reconciler.core.digest import canonical
from reconciler.core.model import (
    Certificate,
    Desired,
    Invite,
    Live,
    Organization,
    Project,
    PruneSettings,
    RateLimit,
    SafetySettings,
    ServiceAccount,
    Settings,
)
from reconciler.core.plan import Plan, make_plan
from reconciler.core.safety import Overrides, check
from tests.support.scenario import scenario_desired, scenario_live, users

FP_A = "ab" * 32
FP_B = "cd" * 32


def _plan(desired: Desired, live: Live) -> Plan:
    return make_plan(desired, live, config_digest="c")


def _rules(desired: Desired, live: Live) -> set[str]:
    plan = _plan(desired, live)
    return {r.rule for r in check(plan, desired=desired, live=live, overrides=Overrides())}


def _find(plan: Plan, kind: Kind, key: tuple[str, ...]) -> list[Change]:
    return [c for c in plan.changes if c.kind is kind and c.key == key]


def _errors(plan: Plan) -> list[str]:
    return [f.message for f in plan.findings if f.severity is Severity.ERROR]


# Safety: who must never be removed.


def test_prune_users_refuses_removing_unlisted_key_owner_and_protected_user() -> None:
    """With prune.users on, the admin key owner and a protected user missing from the file are
    refused by name, not deleted silently."""
    settings = Settings(
        prune=PruneSettings(users=True),
        safety=SafetySettings(min_owners=1, protected_users=frozenset({"pat@example.com"})),
    )
    desired = Desired(Organization(users=users(ann="owner")), settings)
    live = Live(
        Organization(users=users(ann="owner", ops="owner", pat="reader"), invites={}),
        admin_key_owner="ops@example.com",
    )
    plan = _plan(desired, live)
    refusals = check(plan, desired=desired, live=live, overrides=Overrides(force=True))
    by_rule = {r.rule: r for r in refusals}
    assert by_rule["admin_key_owner"].objects == ("ops@example.com",)
    assert "pat@example.com" in " ".join(by_rule["protected_users"].objects)


def test_unknown_key_owner_refuses_removing_any_owner() -> None:
    """When the admin key's owner cannot be identified, removing an organization owner is
    refused (the key may be theirs); a demotion is not (the plan warns instead)."""
    settings = Settings(prune=PruneSettings(users=True), safety=SafetySettings(min_owners=1))
    desired = Desired(Organization(users=users(ann="owner", bob="reader")), settings)
    live = Live(
        Organization(users=users(ann="owner", bob="owner", cy="owner", dee="reader"), invites={})
    )
    plan = _plan(desired, live)
    refusals = check(plan, desired=desired, live=live, overrides=Overrides())
    key_rule = [r for r in refusals if r.rule == "admin_key_owner"]
    assert len(key_rule) == 1
    assert key_rule[0].objects == ("cy@example.com",)
    assert any("admin key" in f.message for f in plan.findings)
    assert key_rule[0].override_flag == "--allow-key-owner-change"
    lifted = check(
        plan, desired=desired, live=live, overrides=Overrides(allow_key_owner_change=True)
    )
    assert "admin_key_owner" not in {r.rule for r in lifted}


def test_unknown_key_owner_does_not_block_reader_removal() -> None:
    """An unidentified key owner holds an owner role, so removing readers is not refused for it."""
    settings = Settings(prune=PruneSettings(users=True))
    desired = Desired(Organization(users=users(ann="owner")), settings)
    live = Live(Organization(users=users(ann="owner", dee="reader"), invites={}))
    assert "admin_key_owner" not in _rules(desired, live)


def test_min_owners_ignores_invited_owners_and_nets_demote_with_promote() -> None:
    """An invited owner is not an owner yet; demoting one owner while promoting another keeps
    the count and is allowed."""
    settings = Settings(safety=SafetySettings(min_owners=2))
    swap = Desired(Organization(users=users(ann="reader", bob="owner", cy="owner")), settings)
    live = Live(
        Organization(users=users(ann="owner", bob="reader", cy="owner"), invites={}),
        admin_key_owner="cy@example.com",
    )
    assert "min_owners" not in _rules(swap, live)
    invited = Desired(
        Organization(users=users(ann="reader", cy="owner", new="owner", bob="reader")), settings
    )
    assert "min_owners" in _rules(invited, live)


def test_service_account_replace_counts_as_a_delete_but_invite_replace_does_not() -> None:
    """Recreating service accounts (their keys stop working) counts against max_deletes;
    re-sending expired invites loses nothing and does not."""
    accounts = {f"s{i}": ServiceAccount(f"s{i}", "none") for i in range(3)}
    wanted = {f"s{i}": ServiceAccount(f"s{i}", "member") for i in range(3)}
    settings = Settings(safety=SafetySettings(max_deletes=2))
    desired = Desired(Organization(projects={"p": Project("p", service_accounts=wanted)}), settings)
    live = Live(Organization(projects={"p": Project("p", id="proj_p", service_accounts=accounts)}))
    assert "max_deletes" in _rules(desired, live)
    expired = {
        f"u{i}@example.com": Invite(f"u{i}@example.com", "reader", status="expired")
        for i in range(3)
    }
    desired = Desired(Organization(users=users(u0="reader", u1="reader", u2="reader")), settings)
    live = Live(Organization(users=users(), invites=expired), admin_key_owner="ops@example.com")
    plan = _plan(desired, live)
    assert sum(c.action is Action.REPLACE for c in plan.changes) == 3
    assert "max_deletes" not in _rules(desired, live)


# Identity: emails, project names and pins.


def test_mixed_case_emails_from_the_api_plan_nothing() -> None:
    """Emails the API returns in another case match the file's, after parsing."""
    from reconciler.kinds.invites import parse_invite
    from reconciler.kinds.project_users import parse_member
    from reconciler.kinds.users import parse_user

    parsed = parse_user({"id": "user_b", "email": "Bob@Example.com", "role": "owner"})
    member = parse_member({"id": "user_b", "email": "BOB@example.COM", "role": "owner"})
    invite, _ = parse_invite(
        {"id": "inv_c", "email": "Cy@Example.com", "role": "reader", "status": "pending",
         "projects": [{"id": "proj_p", "role": "member"}]},
        {"proj_p": "p"},
    )  # fmt: skip
    assert parsed is not None
    desired = Desired(
        Organization(
            users=users(bob="owner", cy="reader"),
            projects={
                "p": Project("p", members={"bob@example.com": "owner", "cy@example.com": "member"})
            },
        )
    )
    live = Live(
        Organization(
            users={parsed[0].email: parsed[0]},
            invites={invite.email: invite},
            projects={"p": Project("p", id="proj_p", members={member.email: member.role})},
        ),
        admin_key_owner="bob@example.com",
    )
    assert _plan(desired, live).changes == ()


def test_unpinned_name_claimed_by_another_projects_pin_is_an_error() -> None:
    """A live project claimed by one declaration's id pin is not also matched by another's name:
    that would manage one project twice (conflicting members); the plan says so instead."""
    desired = Desired(
        Organization(
            projects={
                "a": Project("a", members={"x@example.com": "owner"}),
                "z": Project("z", id="proj_a", members={"y@example.com": "owner"}),
            }
        )
    )
    live = Live(
        Organization(projects={"a": Project("a", id="proj_a", members={"x@example.com": "owner"})})
    )
    plan = _plan(desired, live)
    assert any("proj_a" in m and "a" in m for m in _errors(plan))
    assert not [c for c in plan.changes if c.kind is Kind.PROJECT_USER and c.key[0] == "a"]


def test_pinned_rename_onto_a_name_another_active_project_keeps_is_an_error() -> None:
    """Renaming a pinned project to a name another active live project keeps would leave two
    active projects with one name: an error, not a rename."""
    desired = Desired(Organization(projects={"b": Project("b", id="proj_a")}))
    live = Live(
        Organization(projects={"a": Project("a", id="proj_a"), "b": Project("b", id="proj_b")})
    )
    plan = _plan(desired, live)
    assert _find(plan, Kind.PROJECT, ("b",)) == []
    assert any("proj_b" in m for m in _errors(plan))


def test_pinned_rename_onto_a_name_freed_in_the_same_plan_is_allowed() -> None:
    """A name swap through two pins is planned (both renames), with no error."""
    desired = Desired(
        Organization(projects={"b": Project("b", id="proj_a"), "c": Project("c", id="proj_b")})
    )
    live = Live(
        Organization(projects={"a": Project("a", id="proj_a"), "b": Project("b", id="proj_b")})
    )
    plan = _plan(desired, live)
    assert _errors(plan) == []
    assert {c.key for c in plan.changes if c.kind is Kind.PROJECT} == {("b",), ("c",)}


def test_name_differing_only_by_case_or_space_from_a_live_project_warns() -> None:
    """Declaring `Search-Prod ` next to a live `search-prod` creates a second project; the plan
    warns that the names differ only by case or surrounding spaces."""
    desired = Desired(Organization(projects={"Search-Prod ": Project("Search-Prod ")}))
    live = Live(Organization(projects={"search-prod": Project("search-prod", id="proj_s")}))
    plan = _plan(desired, live)
    assert _find(plan, Kind.PROJECT, ("Search-Prod ",))
    warnings = [f for f in plan.findings if f.severity is Severity.WARNING]
    assert any("search-prod" in f.message for f in warnings)


def test_pin_to_an_archived_project_is_an_unarchive_error() -> None:
    """A pinned id that names an archived project cannot be used: an error, and nothing inside."""
    desired = Desired(Organization(projects={"p": Project("p", id="proj_old", members={})}))
    live = Live(Organization(projects={"p": Project("p", id="proj_old", archived=True)}))
    plan = _plan(desired, live)
    assert plan.changes == ()
    assert any("un-archive" in m for m in _errors(plan))


# Invites.


def test_invite_naming_an_archived_project_is_resent_without_it() -> None:
    """A pending invite that carries an archived (or unknown) project is replaced by one that
    carries only the declared, active memberships."""
    desired = Desired(
        Organization(
            users=users(ann="reader"),
            projects={"p": Project("p", members={"ann@example.com": "member"})},
        )
    )
    stale = Invite("ann@example.com", "reader", (("old", "member"), ("p", "member")))
    live = Live(
        Organization(
            users={},
            invites={"ann@example.com": stale},
            projects={
                "p": Project("p", id="proj_p", members={}),
                "old": Project("old", id="proj_old", archived=True),
            },
        ),
        admin_key_owner="ops@example.com",
    )
    plan = _plan(desired, live)
    (change,) = _find(plan, Kind.INVITE, ("ann@example.com",))
    assert change.action is Action.REPLACE
    assert change.after is not None
    assert change.after["projects"] == [{"project": "p", "role": "member"}]


def test_expired_undeclared_invite_is_noted_not_revoked() -> None:
    """An expired invite nobody declares grants nothing: even with prune.invites on it is not
    revoked, only noted (so an exported organization plans empty)."""
    desired = Desired(Organization(users={}), Settings(prune=PruneSettings(invites=True)))
    expired = Invite("old@example.com", "reader", status="expired")
    live = Live(
        Organization(users={}, invites={"old@example.com": expired}),
        admin_key_owner="ops@example.com",
    )
    plan = _plan(desired, live)
    assert _find(plan, Kind.INVITE, ("old@example.com",)) == []
    assert [(f.severity, f.key) for f in plan.findings] == [(Severity.INFO, ("old@example.com",))]


def test_pending_invite_of_an_existing_member_is_revoked_or_reported() -> None:
    """A pending invite for someone who is already a member is stale: revoked with
    prune.invites on, reported as unmanaged with it off; never silent."""
    stale = Invite("ann@example.com", "owner")
    live = Live(
        Organization(users=users(ann="reader"), invites={"ann@example.com": stale}),
        admin_key_owner="ann@example.com",
    )
    on = Desired(Organization(users=users(ann="reader")), Settings(PruneSettings(invites=True)))
    (change,) = _find(_plan(on, live), Kind.INVITE, ("ann@example.com",))
    assert change.action is Action.DELETE
    assert "already" in change.reason
    off = Desired(Organization(users=users(ann="reader")), Settings(PruneSettings(invites=False)))
    plan = _plan(off, live)
    assert plan.changes == ()
    assert [u.key for u in plan.unmanaged if u.kind is Kind.INVITE] == [("ann@example.com",)]


# Rate limits and certificates.


def test_rate_limit_field_the_model_lacks_is_an_error_not_an_update() -> None:
    """A declared limit field that the live limit for that model does not offer (None) cannot
    be set: an error names it, and the other declared fields are still updated."""
    want = RateLimit("gpt-4o", max_requests_per_1_minute=500, max_images_per_1_minute=5)
    have = RateLimit("gpt-4o", max_requests_per_1_minute=1000, max_tokens_per_1_minute=9)
    desired = Desired(Organization(projects={"p": Project("p", rate_limits={"gpt-4o": want})}))
    live = Live(
        Organization(projects={"p": Project("p", id="proj_p", rate_limits={"gpt-4o": have})})
    )
    plan = _plan(desired, live)
    (change,) = _find(plan, Kind.RATE_LIMIT, ("p", "gpt-4o"))
    assert change.after == {"max_requests_per_1_minute": 500}
    assert any("max_images_per_1_minute" in m for m in _errors(plan))


def test_declared_certificate_under_a_new_name_is_renamed_not_uploaded() -> None:
    """The same content under another name is a rename: no upload, no delete."""
    desired = Desired(
        Organization(certificates={"new": Certificate("new", FP_A, pem="PEM")}),
        Settings(prune=PruneSettings(certificates=True)),
    )
    live = Live(Organization(certificates={"old": Certificate("old", FP_A)}))
    plan = _plan(desired, live)
    assert [(c.kind, c.action, c.key) for c in plan.changes] == [
        (Kind.CERTIFICATE, Action.UPDATE, ("new",))
    ]


def test_duplicate_upload_of_a_declared_certificate_keeps_the_declared_name() -> None:
    """Two live copies of one declared certificate: the one with the declared name is kept (no
    rename onto a taken name); the other copy is pruned, or reported when pruning is off."""
    wanted = {"corp": Certificate("corp", FP_A, pem="PEM")}
    copies = {"corp": Certificate("corp", FP_A), "corp-copy": Certificate("corp-copy", FP_A)}
    for order in (copies, dict(reversed(list(copies.items())))):
        live = Live(Organization(certificates=order))
        on = _plan(
            Desired(Organization(certificates=wanted), Settings(PruneSettings(certificates=True))),
            live,
        )
        assert [(c.action, c.key) for c in on.changes] == [(Action.DELETE, ("corp-copy",))]
        off = _plan(Desired(Organization(certificates=wanted)), live)
        assert off.changes == ()
        assert [u.key for u in off.unmanaged] == [("corp-copy",)]


def test_unknown_fingerprint_certificate_is_pruned_only_when_provably_undeclared() -> None:
    """A live certificate whose content was not downloaded ("" fingerprint: the listing proves
    it holds none of the declared contents) is pruned; one with a declared fingerprint is not."""
    desired = Desired(
        Organization(certificates={"keep": Certificate("keep", FP_A, pem="PEM")}),
        Settings(prune=PruneSettings(certificates=True)),
    )
    live = Live(
        Organization(
            certificates={"keep": Certificate("keep", FP_A), "other": Certificate("other", "")}
        )
    )
    plan = _plan(desired, live)
    assert [(c.action, c.key) for c in plan.changes] == [(Action.DELETE, ("other",))]


def test_certificate_active_in_a_project_created_by_the_same_plan_follows_both() -> None:
    """Activating a certificate in a new project comes after the project's creation and the
    certificate's upload."""
    desired = Desired(
        Organization(
            certificates={"c": Certificate("c", FP_A, pem="PEM")},
            projects={"new": Project("new", certificates=frozenset({"c"}))},
        )
    )
    live = Live(Organization(certificates={}))
    plan = _plan(desired, live)
    keys = [(c.kind, c.key) for c in plan.changes]
    activation = keys.index((Kind.CERTIFICATE_ACTIVATION, ("new", "c")))
    assert activation > keys.index((Kind.PROJECT, ("new",)))
    assert activation > keys.index((Kind.CERTIFICATE, ("c",)))


# Determinism.


def _shuffled(value: Any, rng: random.Random) -> Any:
    """`value` with the insertion order of every mapping (and frozenset) inside it shuffled."""
    if isinstance(value, Mapping):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if hasattr(value, "__dataclass_fields__"):
        fields = {n: _shuffled(getattr(value, n), rng) for n in value.__dataclass_fields__}
        return replace(value, **fields)
    return value


def test_plan_json_is_byte_identical_whatever_the_insertion_order() -> None:
    """Shuffling every mapping's insertion order on both sides gives byte-identical plan JSON."""
    desired, live = scenario_desired(), scenario_live()
    first = canonical(_plan(desired, live).to_json())
    pretty = json.dumps(_plan(desired, live).to_json(), indent=2)
    for seed in range(20):
        rng = random.Random(seed)
        plan = _plan(_shuffled(desired, rng), _shuffled(live, rng))
        assert canonical(plan.to_json()) == first
        assert json.dumps(plan.to_json(), indent=2) == pretty
