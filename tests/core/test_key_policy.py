"""The key policy judges each project API key by age, use and owner access, with exemptions."""

from __future__ import annotations

from reconciler.core.key_policy import DAY, evaluate, to_revoke, unmatched_exemptions
from reconciler.core.model import ApiKeyInfo, ApiKeyOwnerKind, ApiKeyPolicy, KeyExemption

NOW = 1_800_000_000  # 2027-01-15


def key(
    name: str,
    *,
    created: int | None = 10,
    used: int | None = 1,
    active: bool = True,
    kind: ApiKeyOwnerKind = "user",
) -> ApiKeyInfo:
    """A key created `created` days and last used `used` days before NOW (None: never)."""
    return ApiKeyInfo(
        id=f"key_{name}",
        name=name,
        redacted_value="sk-proj...abcd",
        owner_kind=kind,
        owner="a@example.com" if kind == "user" else "bot",
        active=active,
        created_at=None if created is None else NOW - created * DAY,
        last_used_at=None if used is None else NOW - used * DAY,
    )


def rules(policy: ApiKeyPolicy, *keys: ApiKeyInfo) -> dict[str, list[str]]:
    """Each key's name → the rules it violates."""
    found = evaluate({"web": keys}, policy, now=NOW)
    return {f.key.name: [v.rule for v in f.violations] for f in found}


def test_age_and_idle_limits_are_strict_and_only_checked_when_set() -> None:
    """A key exactly at a limit passes, one day over fails; an unset limit checks nothing."""
    policy = ApiKeyPolicy(max_age_days=90, unused_days=30)
    keys = (key("at", created=90, used=30), key("over", created=91, used=31))
    assert rules(policy, *keys) == {"at": [], "over": ["max_age", "unused"]}
    assert rules(ApiKeyPolicy(), *keys) == {"at": [], "over": []}


def test_a_key_never_used_is_idle_since_it_was_created() -> None:
    """`unused_days` counts from creation for a key the API says was never used."""
    found = evaluate(
        {"web": [key("k", created=40, used=None)]}, ApiKeyPolicy(unused_days=30), now=NOW
    )
    assert found[0].idle_days == 40
    assert found[0].violations[0].detail == "40 days since created, never used, max 30"


def test_an_owner_without_access_is_always_a_violation() -> None:
    """A key whose owner left the project violates even the default policy."""
    assert rules(ApiKeyPolicy(), key("left", active=False)) == {"left": ["owner_without_access"]}


def test_unknown_dates_check_nothing_and_say_unknown() -> None:
    """Without `created_at` neither age nor idle time can be told, so neither is judged."""
    found = evaluate(
        {"web": [key("k", created=None, used=None)]},
        ApiKeyPolicy(max_age_days=1, unused_days=1),
        now=NOW,
    )
    assert (found[0].age_days, found[0].idle_days, found[0].violations) == (None, None, ())


def test_an_exemption_holds_through_its_day_and_lapses_after() -> None:
    """On its `until` day the key is exempt; the next day the exemption has lapsed."""
    exempt = (KeyExemption(name="old", reason="migration", until="2027-01-15"),)
    policy = ApiKeyPolicy(max_age_days=10, exempt=exempt)
    today = evaluate({"web": [key("old", created=99)]}, policy, now=NOW)[0]
    assert (today.violating, today.exemption, today.lapsed) == (False, exempt[0], None)
    tomorrow = evaluate({"web": [key("old", created=99)]}, policy, now=NOW + DAY)[0]
    assert (tomorrow.violating, tomorrow.exemption, tomorrow.lapsed) == (True, None, exempt[0])


def test_an_exemption_with_a_project_covers_only_that_project() -> None:
    """`project` narrows an exemption; one that matches no key is reported as unmatched."""
    exempt = (
        KeyExemption(name="k", reason="r", until="2099-01-01", project="api"),
        KeyExemption(name="typo", reason="r", until="2099-01-01"),
    )
    policy = ApiKeyPolicy(max_age_days=1, exempt=exempt)
    found = evaluate({"web": [key("k")], "api": [key("k")]}, policy, now=NOW)
    assert {f.project: f.violating for f in found} == {"api": False, "web": True}
    assert unmatched_exemptions(found, policy) == (exempt[1],)


def test_only_user_keys_are_revoked_and_only_when_enforced() -> None:
    """Enforcement revokes violating user keys; a service account's key and (by default) an
    owner without access are only reported; with enforce off nothing is revoked."""
    keys = [
        key("old", created=99),
        key("bot", created=99, kind="service_account"),
        key("left", active=False),
    ]
    policy = ApiKeyPolicy(max_age_days=10, enforce=True)
    found = evaluate({"web": keys}, policy, now=NOW)
    assert {f.key.name: f.remedy(policy) for f in found} == {
        "old": "revoke",
        "bot": "report",
        "left": "report",
    }
    assert [f.key.name for f in to_revoke(found, policy)] == ["old"]
    strict = ApiKeyPolicy(max_age_days=10, enforce=True, owner_without_access="revoke")
    assert [f.key.name for f in to_revoke(evaluate({"web": keys}, strict, now=NOW), strict)] == [
        "left",
        "old",
    ]
    relaxed = ApiKeyPolicy(max_age_days=10)
    assert to_revoke(evaluate({"web": keys}, relaxed, now=NOW), relaxed) == ()
