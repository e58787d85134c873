"""Key hygiene: which project API keys break the policy in `settings.api_keys` (pure).

    findings = evaluate(keys_by_project, policy, now=now)     one KeyFinding per key
    [f for f in findings if f.violating]                      what `report keys` counts
    to_revoke(findings, policy)                               what an enforcing plan deletes

Each rule is checked only when it is set:

- `max_age`: the key was created more than `max_age_days` days ago;
- `unused`: it was last used more than `unused_days` days ago (a key never used counts from
  its creation);
- `owner_without_access`: its owner no longer has access to its project (a user who left it;
  the API lists such keys only when asked for `owner_project_access=any`). Always checked.

An exemption names a key (and, optionally, its project); it holds through its `until` day
(UTC) and lapses after it: the key is then judged like any other, and its finding says so.

A violation's remedy is `revoke` or `report`: a user's key is revoked (for an owner without
access only with `owner_without_access: revoke`); a service account's key is only reported,
since the API deletes it only with its account. Nothing is revoked unless `enforce` is on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from reconciler.core.model import ApiKeyInfo, ApiKeyPolicy, KeyExemption

DAY = 86400

Rule = Literal["max_age", "unused", "owner_without_access"]
Remedy = Literal["revoke", "report"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a key breaks, with the numbers that break it ("330 days old, max 180")."""

    rule: Rule
    detail: str


@dataclass(frozen=True, slots=True)
class KeyFinding:
    """A key judged against the policy: its age and idle days (None: the API did not say),
    what it violates, and the exemption that holds (or that lapsed)."""

    project: str
    key: ApiKeyInfo
    age_days: int | None
    idle_days: int | None
    violations: tuple[Violation, ...] = ()
    exemption: KeyExemption | None = None
    lapsed: KeyExemption | None = None

    @property
    def violating(self) -> bool:
        """Whether the key breaks a rule and no exemption holds."""
        return bool(self.violations) and self.exemption is None

    def remedy(self, policy: ApiKeyPolicy) -> Remedy | None:
        """What enforcement would do with this key (None: nothing to do)."""
        if not self.violating:
            return None
        if self.key.owner_kind != "user":
            return "report"
        revocable = [
            v
            for v in self.violations
            if v.rule != "owner_without_access" or policy.owner_without_access == "revoke"
        ]
        return "revoke" if revocable else "report"


def evaluate(
    keys: Mapping[str, Iterable[ApiKeyInfo]], policy: ApiKeyPolicy, *, now: int
) -> tuple[KeyFinding, ...]:
    """Every key of `keys` (project name → its keys), judged at `now` (Unix seconds), sorted
    by project, then owner, then key name."""
    today = datetime.fromtimestamp(now, UTC).date().isoformat()
    findings = [
        _judge(project, key, policy, now=now, today=today)
        for project, listed in keys.items()
        for key in listed
    ]
    return tuple(sorted(findings, key=lambda f: (f.project, f.key.owner, f.key.name, f.key.id)))


def to_revoke(findings: Iterable[KeyFinding], policy: ApiKeyPolicy) -> tuple[KeyFinding, ...]:
    """The keys an enforcing plan deletes (none when `enforce` is off)."""
    if not policy.enforce:
        return ()
    return tuple(f for f in findings if f.remedy(policy) == "revoke")


def unmatched_exemptions(
    findings: Iterable[KeyFinding], policy: ApiKeyPolicy
) -> tuple[KeyExemption, ...]:
    """Exemptions that name no key that was read (a typo, or a key since deleted)."""
    used = {f.exemption or f.lapsed for f in findings}
    return tuple(e for e in policy.exempt if e not in used)


def _judge(
    project: str, key: ApiKeyInfo, policy: ApiKeyPolicy, *, now: int, today: str
) -> KeyFinding:
    age = None if key.created_at is None else max(0, (now - key.created_at) // DAY)
    last = key.last_used_at if key.last_used_at is not None else key.created_at
    idle = None if last is None else max(0, (now - last) // DAY)
    violations: list[Violation] = []
    if policy.max_age_days is not None and age is not None and age > policy.max_age_days:
        violations.append(Violation("max_age", f"{age} days old, max {policy.max_age_days}"))
    if policy.unused_days is not None and idle is not None and idle > policy.unused_days:
        since = "used" if key.last_used_at is not None else "created, never used"
        detail = f"{idle} days since {since}, max {policy.unused_days}"
        violations.append(Violation("unused", detail))
    if not key.active:
        violations.append(Violation("owner_without_access", "its owner left the project"))
    exemption = _exemption(project, key, policy.exempt)
    holds = exemption is not None and today <= exemption.until
    return KeyFinding(
        project=project,
        key=key,
        age_days=age,
        idle_days=idle,
        violations=tuple(violations),
        exemption=exemption if holds else None,
        lapsed=exemption if exemption is not None and not holds else None,
    )


def _exemption(
    project: str, key: ApiKeyInfo, exempt: Iterable[KeyExemption]
) -> KeyExemption | None:
    """The first exemption naming this key (by name, and project when it says one)."""
    return next(
        (e for e in exempt if e.name == key.name and e.project in (None, project)),
        None,
    )
