"""Key rotation's state from an account's keys: due, overlapping, retire, interrupted; the
newest key is never listed for retirement, nor anything while a rotation is unfinished."""

from __future__ import annotations

from reconciler.core.model import ApiKeyInfo, KeyRotation
from reconciler.core.rotation import DAY, judge, key_name, key_step, project_states
from tests.support.rotation import aged_key

NOW = 1_800_000_000
POLICY = KeyRotation(rotate_every_days=90, overlap_days=7)


def _key(ident: str, age_days: float, *, owner: str = "ci", name: str = "Secret Key") -> ApiKeyInfo:
    return aged_key(ident, age_days, now=NOW, owner=owner, name=name)


def test_one_young_key_is_ok_and_says_when_it_rotates() -> None:
    """A single key younger than rotate_every_days: ok, next rotation at its creation + 90 days."""
    key = _key("key_a", 10)
    state = judge(POLICY, [key], now=NOW)
    assert (state.status, state.rotate, state.retire) == ("ok", False, ())
    assert state.next_rotation == NOW - 10 * DAY + 90 * DAY
    assert key_step(state, key) == "current"


def test_the_newest_key_at_rotate_every_days_is_due() -> None:
    """Due exactly when the newest key is rotate_every_days old; an older key does not count."""
    assert judge(POLICY, [_key("key_a", 89.9)], now=NOW).status == "ok"
    state = judge(POLICY, [_key("key_old", 300), _key("key_a", 90)], now=NOW)
    assert state.rotate
    assert state.status == "due"
    assert state.newest is not None
    assert state.newest.id == "key_a"


def test_an_account_without_a_key_is_due() -> None:
    """No key at all: a rotation gives it one."""
    state = judge(POLICY, [], now=NOW)
    assert (state.status, state.rotate, state.newest) == ("due", True, None)


def test_older_keys_overlap_then_are_due_for_retirement() -> None:
    """Within overlap_days of the newest key the older keys overlap; from then on they are to
    retire, oldest first, and the newest never is."""
    keys = [_key("key_new", 6.9), _key("key_b", 100), _key("key_a", 190)]
    overlapping = judge(POLICY, keys, now=NOW)
    assert (overlapping.status, overlapping.retire) == ("overlapping", ())
    assert [key_step(overlapping, k) for k in keys] == ["current", "overlapping", "overlapping"]
    later = judge(POLICY, keys, now=NOW + DAY)
    assert later.status == "retire"
    assert [k.id for k in later.retire] == ["key_a", "key_b"]
    assert [key_step(later, k) for k in keys] == ["current", "retire", "retire"]


def test_an_interrupted_rotation_rotates_again_and_retires_only_its_lost_key() -> None:
    """The key named with the marker's nonce may never have reached the sink: the account is
    rotated again, that key alone is to revoke (never delivered), and the older, working keys
    are not listed for retirement however long the overlap has been over."""
    lost = _key("key_lost", 200, name=key_name("ci", "1a2b3c4d", now=NOW))
    working = _key("key_work", 250)
    state = judge(POLICY, [working, lost], now=NOW, interrupted="1a2b3c4d")
    assert (state.status, state.rotate) == ("interrupted", True)
    assert state.newest == working
    assert state.retire == (lost,)
    assert key_step(state, lost) == "never delivered"
    assert key_step(state, working) == "due"


def test_project_states_find_an_account_renamed_mid_rotation() -> None:
    """Keys listed under the account's marked name count as its own, the marker's nonce says
    which is undelivered, and accounts without a policy or in other projects are left out."""
    marked = "ci.reconciler-rotating-1a2b3c4d"
    keys = [
        _key("key_1", 100, owner=marked),
        _key("key_2", 1, owner=marked, name=key_name("ci", "1a2b3c4d", now=NOW)),
        _key("key_3", 5, owner="other"),
    ]
    policies = {("web", "ci"): POLICY, ("api", "ci"): POLICY}
    states = project_states("web", keys, policies, now=NOW)
    assert set(states) == {"ci"}
    assert states["ci"].status == "interrupted"
    assert [k.id for k in states["ci"].undelivered] == ["key_2"]


def test_a_new_keys_name_ends_with_its_nonce() -> None:
    """The key name says the account and the day on the API's clock, and ends with the nonce."""
    assert key_name("ci", "00ff", now=1_767_225_600) == "ci 2026-01-01 r-00ff"
