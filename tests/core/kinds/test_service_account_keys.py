"""The key-rotation diff step: a rotation when due or interrupted, the older keys listed for a
person to retire after the overlap (never deleted), nothing for accounts this plan recreates."""

from __future__ import annotations

from dataclasses import replace

from reconciler.core.change import Action, Change, Finding, Kind, Severity
from reconciler.core.diff import diff
from reconciler.core.model import (
    ApiKeyInfo,
    Desired,
    IdIndex,
    KeyRotation,
    Live,
    Organization,
    Project,
    ServiceAccount,
)
from tests.support.rotation import aged_key

NOW = 1_800_000_000
POLICY = KeyRotation(rotate_every_days=90, overlap_days=7)


def _key(ident: str, age_days: int, *, owner: str = "ci", name: str = "Secret Key") -> ApiKeyInfo:
    """A key of the account `owner` (the declared `ci` is svc_ci in the id index)."""
    key = aged_key(ident, age_days, now=NOW, owner=owner, name=name)
    return replace(key, owner_id=f"svc_{owner.split('.', maxsplit=1)[0]}")


def _run(
    *keys: ApiKeyInfo,
    wanted: ServiceAccount | None = None,
    live_account: ServiceAccount | None = None,
) -> tuple[list[Change], list[Finding]]:
    want = wanted or ServiceAccount("ci", key=POLICY)
    have = live_account or ServiceAccount("ci")
    desired = Desired(Organization(projects={"web": Project("web", service_accounts={"ci": want})}))
    live_project = Project(
        "web", id="proj_1", service_accounts={"ci": have}, api_keys={k.id: k for k in keys}
    )
    ids = IdIndex(service_accounts={("web", "ci"): "svc_ci"})
    org = Organization(projects={"web": live_project})
    found = diff(desired, Live(org, ids=ids, read_at=NOW))
    return [c for c in found.changes if c.kind is Kind.SERVICE_ACCOUNT_KEY], [
        f for f in found.findings if f.kind is Kind.SERVICE_ACCOUNT_KEY
    ]


def test_a_due_account_gets_a_rotation_that_shows_its_newest_key() -> None:
    """The newest key 91 days old: one CREATE keyed (project, account), before = the newest key
    (id, name, redacted value, age; never a value), after = the policy, reason with the age."""
    changes, findings = _run(_key("key_a", 91))
    (change,) = changes
    assert (change.action, change.key) == (Action.CREATE, ("web", "ci"))
    assert change.before == {
        "newest": {
            "key_id": "key_a",
            "name": "Secret Key",
            "redacted_value": "sk-svcacct...ey_a",
            "age_days": 91,
        }
    }
    assert change.after == {"name": "ci", "rotate_every_days": 90, "overlap_days": 7}
    assert change.reason == "rotate: newest key key_a is 91 days old (every 90 days)"
    assert findings == []


def test_a_young_key_plans_nothing_and_says_nothing() -> None:
    """One key younger than rotate_every_days: no change, no finding."""
    assert _run(_key("key_a", 30)) == ([], [])


def test_older_keys_overlap_as_info_then_retire_as_a_warning_listing_each() -> None:
    """Within the overlap an info finding says until when; after it a warning lists each older
    key with id, redacted value and age, and says the API cannot delete it; no change."""
    _, overlapping = _run(_key("key_new", 3), _key("key_old", 95))
    assert [f.severity for f in overlapping] == [Severity.INFO]
    assert "overlaps key_old (sk-svcacct..._old, 95 days old) until" in overlapping[0].message
    changes, retire = _run(_key("key_new", 8), _key("key_old", 100))
    assert changes == []
    (finding,) = retire
    assert finding.severity is Severity.WARNING
    assert finding.key == ("web", "ci")
    assert finding.message.startswith("retire key_old (sk-svcacct..._old, 100 days old);")
    assert "key_new" not in finding.message.split(";")[0]
    assert "only with the account" in finding.message


def test_an_interrupted_rotation_rotates_again_and_lists_only_the_lost_key() -> None:
    """An account still marked by a rotation: rotate again (the reason names the key that may
    never have been delivered), and the warning lists that key alone, never the working one."""
    lost = _key("key_lost", 1, owner="ci.reconciler-rotating-00ff", name="ci 2027 r-00ff")
    working = _key("key_work", 200, owner="ci.reconciler-rotating-00ff")
    changes, findings = _run(working, lost, live_account=ServiceAccount("ci", rotating="00ff"))
    (change,) = changes
    assert "interrupted (key_lost may never have been delivered)" in change.reason
    (finding,) = findings
    assert "key_lost" in finding.message
    assert "never delivered" in finding.message
    assert "key_work" not in finding.message


def test_an_account_this_plan_recreates_is_not_rotated() -> None:
    """A role change to none recreates the account (a fresh key with it): no rotation too."""
    changes, _ = _run(
        _key("key_a", 200),
        wanted=ServiceAccount("ci", role="none", api_key=False, key=POLICY),
    )
    assert changes == []


def test_an_account_without_a_policy_is_left_alone() -> None:
    """No `key:` and no marker: an old key plans nothing."""
    assert _run(_key("key_a", 400), wanted=ServiceAccount("ci")) == ([], [])


def test_an_interrupted_rotation_is_finished_even_after_its_policy_went() -> None:
    """An account still marked, whose entry no longer has `key:`, is rotated once more (so the
    marker goes), and no finding is made without the policy."""
    changes, findings = _run(
        wanted=ServiceAccount("ci"), live_account=ServiceAccount("ci", rotating="00ff")
    )
    assert [(c.action, c.key, c.after) for c in changes] == [
        (Action.CREATE, ("web", "ci"), {"name": "ci"})
    ]
    assert findings == []


def test_a_namesake_accounts_keys_are_not_this_accounts() -> None:
    """Two service accounts may share a name: keys are matched to the declared account by its
    id, so another account's younger key neither postpones this one's rotation nor puts this
    account's only key up for retirement."""
    mine = replace(_key("key_mine", 91), owner_id="svc_ci")
    namesake = replace(_key("key_other", 11), owner_id="svc_other")
    changes, findings = _run(mine, namesake)
    (change,) = changes
    assert change.before["newest"]["key_id"] == "key_mine"  # type: ignore[index]
    assert findings == []
