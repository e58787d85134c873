"""make_plan: dependency order, determinism, the plan file format, checksums and batching."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import Desired, Live, Organization
from reconciler.core.order import activation_batches, order
from reconciler.core.plan import Plan, label, live_digest, make_plan
from reconciler.errors import ReconcilerError


def _index(plan: Plan, kind: Kind, action: Action, key: tuple[str, ...]) -> int:
    return next(
        i for i, c in enumerate(plan.changes) if (c.kind, c.action, c.key) == (kind, action, key)
    )


def test_dependencies_come_first(desired: Desired, live: Live) -> None:
    """Projects precede their children and invites; uploads precede activations; deactivations
    precede a certificate delete."""
    plan = make_plan(desired, live, config_digest="sha256:c")
    at = _index(plan, Kind.PROJECT, Action.CREATE, ("analytics",))
    assert at < _index(plan, Kind.SERVICE_ACCOUNT, Action.CREATE, ("analytics", "etl"))
    assert at < _index(plan, Kind.INVITE, Action.CREATE, ("carol@example.com",))
    rename = _index(plan, Kind.CERTIFICATE, Action.UPDATE, ("corp-2026",))
    assert rename < _index(plan, Kind.CERTIFICATE_ACTIVATION, Action.CREATE, ("", "corp-2026"))
    delete = _index(plan, Kind.CERTIFICATE, Action.DELETE, ("old-cert",))
    assert (
        _index(plan, Kind.CERTIFICATE_ACTIVATION, Action.DELETE, ("search-prod", "old-cert"))
        < delete
    )
    deps = plan.dependencies()
    assert all(d < i for i, before in deps.items() for d in before)
    assert at in deps[_index(plan, Kind.RATE_LIMIT, Action.UPDATE, ("analytics", "gpt-4o"))]


def test_archive_follows_every_change_inside_the_project() -> None:
    """A project's archive depends on every other change in that project (members go first)."""
    changes = [
        Change(Kind.PROJECT, Action.ARCHIVE, ("p",)),
        Change(Kind.PROJECT_USER, Action.DELETE, ("p", "a@example.com")),
    ]
    ordered = order(changes)
    assert [c.kind for c in ordered] == [Kind.PROJECT_USER, Kind.PROJECT]
    assert Plan(changes=ordered).dependencies() == {0: frozenset(), 1: frozenset({0})}


def test_same_inputs_give_byte_identical_plans(desired: Desired, live: Live) -> None:
    """Declaration order does not matter: shuffled inputs give the same plan bytes."""
    first = json.dumps(make_plan(desired, live, config_digest="c").to_json(), sort_keys=True)
    rng = random.Random(7)
    names = list(desired.org.projects)
    rng.shuffle(names)
    shuffled = replace(
        desired, org=replace(desired.org, projects={n: desired.org.projects[n] for n in names})
    )
    again = json.dumps(make_plan(shuffled, live, config_digest="c").to_json(), sort_keys=True)
    assert first == again


def test_plan_json_round_trips_and_checksums_match(desired: Desired, live: Live) -> None:
    """from_json(to_json(plan)) is the same plan, with the same checksum."""
    plan = make_plan(desired, live, config_digest="sha256:c")
    data = json.loads(json.dumps(plan.to_json()))
    assert data["format"] == "reconciler-plan"
    assert data["version"] == 1
    back = Plan.from_json(data)
    assert back == plan
    assert back.checksum() == plan.checksum()
    assert plan.checksum().startswith("sha256:")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "not a reconciler plan"),
        ({"format": "reconciler-plan", "version": 99}, "unsupported plan version 99"),
        ({"format": "reconciler-plan", "version": 1, "changes": [{"kind": "x"}]}, "damaged plan"),
    ],
)
def test_bad_plan_files_are_one_line_errors(data: object, message: str) -> None:
    """A foreign, future or damaged plan document raises a ReconcilerError saying which."""
    with pytest.raises(ReconcilerError, match=message):
        Plan.from_json(data)


def test_live_digest_covers_content_not_only_ids(live: Live) -> None:
    """A role change in live state changes the live digest."""
    users = dict(live.org.users or {})
    users["bob@example.com"] = replace(users["bob@example.com"], role="owner")
    changed = replace(live, org=replace(live.org, users=users))
    assert live_digest(changed) != live_digest(live)
    assert live_digest(live) == live_digest(replace(live))


def test_summary_counts_and_emptiness(desired: Desired, live: Live) -> None:
    """The summary line counts creates, updates, replaces, deletes and archives."""
    plan = make_plan(desired, live, config_digest="c")
    assert (
        plan.summary() == "Plan: 8 to create, 6 to update, 3 to replace, 7 to delete, 1 to archive."
    )
    assert not plan.is_empty
    assert plan.has_errors
    empty = make_plan(Desired(Organization()), Live(Organization()), config_digest="c")
    assert empty.is_empty
    assert empty.summary().startswith("No changes.")


def test_activations_are_batched_ten_per_request() -> None:
    """25 activations in one scope make batches of 10, 10 and 5; scopes never mix."""
    changes = [
        Change(Kind.CERTIFICATE_ACTIVATION, Action.CREATE, ("", f"c{i:02}")) for i in range(25)
    ] + [Change(Kind.CERTIFICATE_ACTIVATION, Action.CREATE, ("p", "c00"))]
    batches = activation_batches(changes)
    assert sorted(len(b) for b in batches) == [1, 5, 10, 10]
    assert (25,) in batches


def test_labels_name_the_object_and_its_project() -> None:
    """Labels read as people say them, with the project unless asked short."""
    assert label(Kind.PROJECT_USER, ("p", "a@example.com")) == "member a@example.com of p"
    assert label(Kind.PROJECT_USER, ("p", "a@example.com"), short=True) == "member a@example.com"
    assert (
        label(Kind.CERTIFICATE_ACTIVATION, ("", "c")) == "certificate c activation (organization)"
    )
