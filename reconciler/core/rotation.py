"""Key rotation of a service account: where it stands, judged from its keys (pure).

    state = judge(policy, keys, now=now, interrupted=nonce)

A service account with `key: {rotate_every_days, overlap_days}` in the file:

- **due**: its newest key is `rotate_every_days` old (or it has none): apply creates a new key,
  delivered to the secret sink like a creation key;
- **interrupted**: an earlier rotation's key may never have reached the sink (the account still
  carries that rotation's marker, core/pending.py): rotate again; the key named with the marker
  is listed to revoke now, since nobody holds it;
- **retire**: the newest key has existed `overlap_days` and older keys remain: they are due for
  retirement. The Admin API deletes a service account's key only with the account (its key
  DELETE answers 400 for them), so reconciler lists them, with ids, redacted values and ages,
  for a person to revoke; it never deletes one itself;
- **overlapping**: a newer key exists and the older ones still work, until `retire_on`;
- **ok**: one key, younger than `rotate_every_days`.

Never the only working key: the newest key of an account whose last rotation was interrupted
is not trusted (it may not have reached the sink), so nothing is ever listed for retirement
then; otherwise the newest key is never listed. Ages count from `now`, when the keys were read
by this machine's clock (a CI runner with a wrong clock rotates early or late by as much); a
key without `created_at` counts as created at 0 (as old as can be).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from reconciler.core.model import ApiKeyInfo, Desired, KeyRotation
from reconciler.core.pending import rotating_of

DAY = 86400

Status = Literal["due", "interrupted", "retire", "overlapping", "ok"]


@dataclass(frozen=True, slots=True)
class RotationState:
    """Where one account's rotation stands at `now` (see the module docstring)."""

    policy: KeyRotation
    now: int
    newest: ApiKeyInfo | None
    older: tuple[ApiKeyInfo, ...]
    undelivered: tuple[ApiKeyInfo, ...] = ()
    interrupted: bool = False

    @property
    def rotate(self) -> bool:
        """Whether apply creates a new key now."""
        return self.interrupted or self.newest is None or self.now >= self.next_rotation

    @property
    def next_rotation(self) -> int:
        """When the newest key is due for rotation (Unix seconds; 0: now)."""
        if self.newest is None:
            return 0
        return created(self.newest) + self.policy.rotate_every_days * DAY

    @property
    def retire_on(self) -> int:
        """When the older keys are due for retirement (Unix seconds)."""
        if self.newest is None:
            return 0
        return created(self.newest) + self.policy.overlap_days * DAY

    @property
    def retire(self) -> tuple[ApiKeyInfo, ...]:
        """The keys to revoke now: the older ones once the overlap is over (none while the
        newest key may not have been delivered), and keys that never reached the sink."""
        overlap_over = not self.interrupted and self.now >= self.retire_on
        return (self.older if overlap_over else ()) + self.undelivered

    @property
    def status(self) -> Status:
        """The one word reports show."""
        if self.interrupted:
            return "interrupted"
        if self.rotate:
            return "due"
        if self.older:
            return "retire" if self.now >= self.retire_on else "overlapping"
        return "ok"

    def age_days(self, key: ApiKeyInfo) -> int:
        """Whole days since `key` was created."""
        return max(0, (self.now - created(key)) // DAY)


def created(key: ApiKeyInfo) -> int:
    """A key's creation time (0 when the API did not say: as old as can be)."""
    return key.created_at or 0


def judge(
    policy: KeyRotation, keys: Iterable[ApiKeyInfo], *, now: int, interrupted: str | None = None
) -> RotationState:
    """The rotation state of an account with these keys (its own only) at `now`; `interrupted`
    is the nonce of a rotation that did not finish (the key named with it is undelivered)."""
    ordered = sorted(keys, key=lambda k: (created(k), k.id))
    undelivered = tuple(k for k in ordered if interrupted and k.name.endswith(interrupted))
    delivered = [k for k in ordered if k not in undelivered]
    return RotationState(
        policy=policy,
        now=now,
        newest=delivered[-1] if delivered else None,
        older=tuple(delivered[:-1]),
        undelivered=undelivered,
        interrupted=interrupted is not None,
    )


def day(seconds: int) -> str:
    """A Unix time as its UTC day, `2026-03-01`."""
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


def shown(key: ApiKeyInfo, state: RotationState) -> dict[str, object]:
    """What a plan or report shows of a key: id, name, redacted value, age (never the key)."""
    return {
        "key_id": key.id,
        "name": key.name,
        "redacted_value": key.redacted_value,
        "age_days": state.age_days(key),
    }


def key_name(account: str, nonce: str, *, now: int) -> str:
    """The name a rotation's new key gets: `ci-deployer 2026-03-01 r-1a2b3c4d` (the nonce last,
    so an interrupted rotation's key is found by it)."""
    return f"{account} {day(now)} r-{nonce}"


def rotations(desired: Desired) -> dict[tuple[str, str], KeyRotation]:
    """The rotation policy of every declared account that has one, by (project, account)."""
    return {
        (project.name, account.name): account.key
        for project in desired.org.projects.values()
        for account in (project.service_accounts or {}).values()
        if account.key is not None
    }


def project_states(
    project: str,
    keys: Iterable[ApiKeyInfo],
    policies: Mapping[tuple[str, str], KeyRotation],
    *,
    now: int,
) -> dict[str, RotationState]:
    """The rotation state of each account of `project` with a policy, by account name, from
    the project's keys (an account renamed by an interrupted rotation is found by its real
    name, and its marker's nonce says which key never reached the sink)."""
    mine: dict[str, list[ApiKeyInfo]] = {}
    nonces: dict[str, str] = {}
    for key in keys:
        if key.owner_kind != "service_account":
            continue
        name, nonce = rotating_of(key.owner)
        mine.setdefault(name, []).append(key)
        if nonce is not None:
            nonces[name] = nonce
    return {
        name: judge(policy, mine.get(name, ()), now=now, interrupted=nonces.get(name))
        for (scope, name), policy in policies.items()
        if scope == project
    }


def key_step(state: RotationState, key: ApiKeyInfo) -> str:
    """Where one key stands in its account's rotation: its newest key is `current` (or `due`);
    an older one `overlapping` until the overlap ends, then `retire`; a key an interrupted
    rotation made, `never delivered`."""
    if key in state.undelivered:
        return "never delivered"
    if key == state.newest:
        return "due" if state.rotate else "current"
    return "retire" if key in state.retire else "overlapping"
