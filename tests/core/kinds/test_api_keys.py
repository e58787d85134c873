"""The key policy's diff step: read only when declared, warnings without enforce, deletes with
it (service accounts' keys only reported), a lapsed exemption said."""

from __future__ import annotations

from reconciler.core.change import Action, Change, Finding, Kind, Severity
from reconciler.core.diff import diff
from reconciler.core.model import (
    ApiKeyInfo,
    ApiKeyPolicy,
    Desired,
    KeyExemption,
    Live,
    Organization,
    Project,
    Settings,
)

DAY = 86400
NOW = 1_800_000_000


def _key(ident: str, *, owner_kind: str = "user", age: int = 400) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=ident,
        name=f"name-{ident}",
        redacted_value=f"sk-proj...{ident[-4:]}",
        owner_kind="user" if owner_kind == "user" else "service_account",
        owner="eve@example.com" if owner_kind == "user" else "deployer",
        created_at=NOW - age * DAY,
        last_used_at=NOW - DAY,
    )


def _run(policy: ApiKeyPolicy, *keys: ApiKeyInfo) -> tuple[list[Change], list[Finding]]:
    desired = Desired(Organization(projects={"web": Project("web")}), Settings(api_keys=policy))
    live_project = Project("web", id="proj_1", api_keys={k.id: k for k in keys})
    live = Live(Organization(projects={"web": live_project}), read_at=NOW)
    found = diff(desired, live)
    return list(found.changes), list(found.findings)


def test_an_undeclared_policy_judges_nothing() -> None:
    """Without `settings.api_keys` in the file, even an old key is neither a change nor a note."""
    assert _run(ApiKeyPolicy(max_age_days=10), _key("key_0001")) == ([], [])


def test_without_enforce_a_violation_is_a_warning() -> None:
    """enforce off: an old key is a warning that says it is not enforced, and no change."""
    changes, findings = _run(ApiKeyPolicy(max_age_days=10, declared=True), _key("key_0001"))
    assert changes == []
    assert [(f.severity, f.kind, f.key) for f in findings] == [
        (Severity.WARNING, Kind.API_KEY, ("web", "key_0001"))
    ]
    assert "400 days old, max 10 (not enforced)" in findings[0].message


def test_with_enforce_a_user_key_is_deleted_and_a_service_account_key_reported() -> None:
    """enforce on: the user's old key is a delete showing its owner and age; the service
    account's is a `report only` warning."""
    policy = ApiKeyPolicy(max_age_days=10, enforce=True, declared=True)
    changes, findings = _run(policy, _key("key_0001"), _key("key_0002", owner_kind="sa"))
    assert [(c.kind, c.action, c.key) for c in changes] == [
        (Kind.API_KEY, Action.DELETE, ("web", "key_0001"))
    ]
    before = changes[0].before or {}
    assert (before["owner"], before["age_days"], before["idle_days"]) == ("eve@example.com", 400, 1)
    assert "report only" in findings[0].message


def test_a_lapsed_exemption_is_said_and_no_longer_protects() -> None:
    """An exemption past its `until` is an info note, and the key is deleted as any other."""
    lapsed = KeyExemption("name-key_0001", "migration", "2000-01-01")
    policy = ApiKeyPolicy(max_age_days=10, enforce=True, exempt=(lapsed,), declared=True)
    changes, findings = _run(policy, _key("key_0001"))
    assert len(changes) == 1
    assert findings[0].severity is Severity.INFO
    assert "exemption lapsed on 2000-01-01 (migration)" in findings[0].message
