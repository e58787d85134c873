"""Service-account key rotation (`key: {rotate_every_days, overlap_days}` on an account).

Each declared account with a rotation policy, or whose last rotation was interrupted, that
exists live and that this plan neither creates, replaces nor deletes, is judged by
core/rotation.py on the keys read with its project:

- a rotation due (or interrupted) is a CREATE (key: project, account): apply creates a new key
  and delivers it to the secret sink, as for a created account's key;
- older keys past the overlap, and a key an interrupted rotation never delivered, are a
  warning finding that lists each (id, redacted value, age): the Admin API deletes a service
  account's key only with its account, so a person revokes them; reconciler never does;
- older keys still within the overlap are an info finding that says until when.

A change's `before` shows the newest key as the plan reads it (never a key value: the API
lists redacted values only); its `after` is the policy.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.core.change import Action, Change, Kind, Severity
from reconciler.core.kinds.base import DiffContext, KindInfo
from reconciler.core.model import ApiKeyInfo, KeyRotation, Project
from reconciler.core.pending import rotating_of
from reconciler.core.rotation import RotationState, day, judge, shown

# The policy an account is judged by when its rotation was interrupted but its entry no longer
# declares one: it rotates once more (an interrupted rotation always does), to finish.
UNDECLARED = KeyRotation(rotate_every_days=1, overlap_days=0)
DIFFS_ACCOUNT = frozenset({Action.CREATE, Action.REPLACE, Action.DELETE})
NOT_BY_API = (
    "the Admin API deletes a service account's key only with the account: revoke them in the "
    "dashboard"
)


def account_keys(
    project: Project, name: str, owner_id: str | None = None
) -> tuple[ApiKeyInfo, ...] | None:
    """The keys of service account `name` among its project's keys (None: keys not read): by
    the account's id when known (two accounts may share a name), else by its name."""
    if project.api_keys is None:
        return None
    return tuple(
        k
        for k in project.api_keys.values()
        if k.owner_kind == "service_account"
        and (k.owner_id == owner_id if owner_id else rotating_of(k.owner)[0] == name)
    )


def diff_key_rotations(ctx: DiffContext) -> None:
    """Plan the rotations of every declared account in scope (see the module docstring)."""
    if ctx.live.read_at is None:
        return
    touched = {
        c.key
        for c in ctx.out.changes
        if c.kind is Kind.SERVICE_ACCOUNT and c.action in DIFFS_ACCOUNT
    }
    for project, want, have in ctx.projects():
        if have is None or want.service_accounts is None or have.service_accounts is None:
            continue
        for name, account in want.service_accounts.items():
            current = have.service_accounts.get(name)
            if current is None or (project, name) in touched:
                continue
            if account.key is None and current.rotating is None:
                continue
            keys = account_keys(have, name, ctx.live.ids.service_accounts.get((project, name)))
            _account(ctx, (project, name), current.rotating, account.key, keys)


def _account(
    ctx: DiffContext,
    key: tuple[str, str],
    rotating: str | None,
    policy: KeyRotation | None,
    keys: tuple[ApiKeyInfo, ...] | None,
) -> None:
    """One account (key: project, name): the rotation change, and the findings about its older
    keys; `rotating` is the nonce of its interrupted rotation, if any."""
    assert ctx.live.read_at is not None
    name = key[1]
    state = judge(
        policy or UNDECLARED,
        keys or (),
        now=ctx.live.read_at,
        interrupted=rotating,
    )
    if state.rotate:
        after = {"name": name} | (_policy(policy) if policy else {})
        before = {"newest": None if state.newest is None else shown(state.newest, state)}
        ctx.out.change(
            Change(Kind.SERVICE_ACCOUNT_KEY, Action.CREATE, key, before, after,
                   reason=_why(state, keys_read=keys is not None))
        )  # fmt: skip
    if policy is None or keys is None:
        return
    if state.retire:
        ctx.out.finding(Severity.WARNING, Kind.SERVICE_ACCOUNT_KEY, key, _retire(state))
    elif state.older and not state.rotate:
        ctx.out.finding(Severity.INFO, Kind.SERVICE_ACCOUNT_KEY, key, _overlap(state))


def _policy(policy: KeyRotation) -> dict[str, object]:
    return {"rotate_every_days": policy.rotate_every_days, "overlap_days": policy.overlap_days}


def _why(state: RotationState, *, keys_read: bool) -> str:
    """`rotate: newest key key_1 is 91 days old (every 90 days)`, and the like."""
    if state.interrupted:
        lost = ", ".join(k.id for k in state.undelivered) or "its new key"
        return f"rotate: the last rotation was interrupted ({lost} may never have been delivered)"
    if state.newest is None:
        return "rotate: the account has no key" if keys_read else "rotate"
    age = state.age_days(state.newest)
    every = state.policy.rotate_every_days
    return f"rotate: newest key {state.newest.id} is {age} days old (every {every} days)"


def _listed(keys: Iterable[ApiKeyInfo], state: RotationState, *, note: str = "") -> list[str]:
    return [f"{k.id} ({k.redacted_value}, {state.age_days(k)} days old{note})" for k in keys]


def _retire(state: RotationState) -> str:
    """The keys to revoke, each with id, redacted value and age, and why by hand."""
    older = [k for k in state.retire if k not in state.undelivered]
    listed = _listed(older, state) + _listed(
        state.undelivered,
        state,
        note=(
            ", never delivered as far as apply knows: look for its id in the secret sink "
            "before revoking it"
        ),
    )
    since = ""
    if older and state.newest is not None:
        since = (
            f"; the newest key {state.newest.id} has existed {state.age_days(state.newest)} "
            f"days (overlap {state.policy.overlap_days})"
        )
    return f"retire {', '.join(listed)}{since}; {NOT_BY_API}"


def _overlap(state: RotationState) -> str:
    assert state.newest is not None
    older = ", ".join(_listed(state.older, state))
    return (
        f"the new key {state.newest.id} ({state.age_days(state.newest)} days old) overlaps "
        f"{older} until {day(state.retire_on)}, then they are due for retirement"
    )


def _detail(change: Change) -> str:
    """`rotate: newest key key_1 is 91 days old (every 90 days) — new key to the secret sink`."""
    return f"{change.reason or 'rotate'} — new key to the secret sink"


SERVICE_ACCOUNT_KEY = KindInfo(
    kind=Kind.SERVICE_ACCOUNT_KEY,
    noun="key rotation",
    key=("project", "service_account"),
    scope="project",
    diff=diff_key_rotations,
    audit_events=("api_key.created",),
    audit_id=lambda key, ids: None,
    detail=_detail,
    unmanaged_is_drift=False,
    within="in",
)
