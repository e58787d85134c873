"""The drift snapshot's format: a lossless round trip of the live state, nothing secret in it,
and a clear refusal of anything that is not a valid snapshot of this version."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reconciler.core.model import Certificate, IdIndex, KeyRotation, Project
from reconciler.core.snapshot import Snapshot, not_carried, scope_digest
from tests.support.scenario import scenario_desired, scenario_live


def _snapshot() -> Snapshot:
    live = scenario_live()
    ids = IdIndex(
        projects={"search-prod": "proj_search"},
        users={"alice@example.com": "user_a"},
        invites={"dave@example.com": "inv_d"},
        service_accounts={("search-prod", "ci-deployer"): "svc_1"},
        rate_limits={("search-prod", "gpt-4o"): "rl-gpt-4o"},
        certificates={"old-cert": "cert_1"},
    )
    return Snapshot(
        live=replace(live, ids=ids, admin_key_owner="ops@example.com"),
        full_read_at=1_700_000_000,
        config_digest="abc",
        scope_digest="def",
        position_id="audit_log-1",
        position_at=1_700_000_100,
        seen=frozenset({"audit_log-0", "audit_log-1"}),
        events=3,
    )


def test_a_snapshot_round_trips_through_json() -> None:
    """Every part of the live state and the audit position reads back equal."""
    snapshot = _snapshot()
    assert Snapshot.from_json(json.loads(json.dumps(snapshot.to_json()))) == snapshot


def test_a_snapshot_holds_no_certificate_content() -> None:
    """A certificate's PEM (what a config uploads) is never written to the snapshot."""
    snapshot = _snapshot()
    certs = {"c": Certificate("c", "fp", pem="-----BEGIN CERTIFICATE-----\nSECRETISH")}
    org = replace(snapshot.live.org, certificates=certs)
    text = json.dumps(replace(snapshot, live=replace(snapshot.live, org=org)).to_json())
    assert "SECRETISH" not in text
    assert "BEGIN" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "reconciler-plan"}, "not a drift snapshot"),
        ([1, 2], "not a drift snapshot"),
        ({"format": "reconciler-drift-snapshot", "version": 99}, "snapshot version 99"),
        ({"format": "reconciler-drift-snapshot", "version": 1}, "malformed snapshot"),
    ],
)
def test_anything_else_is_refused_with_what_is_wrong(data: object, message: str) -> None:
    """Another format, another version or missing parts raise ValueError saying which."""
    with pytest.raises(ValueError, match=message):
        Snapshot.from_json(data)


def test_a_bad_value_deep_inside_is_refused() -> None:
    """A role the model does not know, or a count that is not a number, is malformed."""
    data = _snapshot().to_json()
    data["live"]["users"]["ops@example.com"]["role"] = "admin"
    with pytest.raises(ValueError, match="unknown role"):
        Snapshot.from_json(data)
    data = _snapshot().to_json()
    data["audit"]["events"] = "3"
    with pytest.raises(ValueError, match="malformed"):
        Snapshot.from_json(data)


def test_the_scope_digest_follows_scope_not_values() -> None:
    """A changed role keeps the scope digest; a newly declared project changes it."""
    desired = scenario_desired()
    org = desired.org
    project = next(iter(org.projects.values()))
    changed_role = {**org.projects, project.name: replace(project, members={})}
    wider = {**org.projects, "brand-new": Project("brand-new", members={})}
    assert scope_digest(replace(desired, org=replace(org, projects=changed_role))) == scope_digest(
        desired
    )
    assert scope_digest(replace(desired, org=replace(org, projects=wider))) != scope_digest(desired)


def test_a_config_with_key_rotations_is_not_answered_from_a_snapshot() -> None:
    """Key ages move with the clock, and a snapshot holds no keys: a config declaring a key
    rotation is read in full, and says so."""
    desired = scenario_desired()
    assert "service-account key rotation" not in not_carried(desired)
    project = desired.org.projects["search-prod"]
    accounts = {
        name: replace(account, key=KeyRotation(rotate_every_days=90))
        for name, account in (project.service_accounts or {}).items()
    }
    assert accounts, "the scenario declares no service account: the test would prove nothing"
    projects = {**desired.org.projects, "search-prod": replace(project, service_accounts=accounts)}
    rotating = replace(desired, org=replace(desired.org, projects=projects))
    assert "service-account key rotation" in not_carried(rotating)
